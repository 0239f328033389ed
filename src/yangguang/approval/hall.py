"""Read-only figures of the service hall: the live board per window (大厅实况) and this month's headline.

[approval-and-supervision.md, "Service-centre practice": "The public sees, live: each window's cases
accepted and completed today ..."]. Definitions:

* a case belongs to the window that received it (一窗受理, ``Case.window_id``);
* accepted on a day: ``accepted_at`` in that local day, unless the acceptance was withdrawn by a
  refusal (不予受理); completed: ``completed_at`` in it;
* on time: completed before the due moment of the case's promised clock (承诺时限) — the same test
  performance scoring applies (``core.clocks.STOPPED_ON_TIME``);
* this month: from the first of the day's month to the end of the day;
* in progress: accepted and not yet closed (completed, or the acceptance withdrawn by a refusal) at
  the end of the day; for today, at this moment.

Figures of a day count up to the end of that day, or up to now for today. A board is four queries
whatever the number of windows (the windows, then one grouped query per figure), each a range on an
indexed column (``accepted_at``, ``completed_at``; today's cases in progress by ``state``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from yangguang.approval.models import Case, Item
from yangguang.approval.service import CASE_OBLIGATION, CaseState
from yangguang.core.calendar import start_of_day
from yangguang.core.clocks import STOPPED_ON_TIME, Clock, Obligation, local_day, on_time_rate
from yangguang.core.errors import InvalidInput
from yangguang.core.org import Unit, Window
from yangguang.core.settings import get_settings

EARLIEST_DAY = date(2000, 1, 1)  # older days hold no cases (and older moments stop being representable)
PROMISED_CLOCK = "promised"
OPEN_STATES = (CaseState.IN_PROGRESS, CaseState.SUSPENDED)  # accepted, not yet completed


def _start_of(day: date) -> datetime:
    return start_of_day(day, get_settings().zone)


def check_day(day: date, now: datetime) -> None:
    """Refuse a day the board cannot show: one that has not come yet, or one before 2000."""
    if day > local_day(now):
        raise InvalidInput("date", f"{day.isoformat()} 尚未到来：只能查看今天或以前的日期")
    if day < EARLIEST_DAY:
        raise InvalidInput("date", f"{day.isoformat()} 过早：可查看 2000-01-01 以后的日期")


def _completed(session: Session, start: datetime, end: datetime, today: datetime, *, by_window: bool):
    """Cases completed in [start, end): count, completed on or after ``today``, on time, both."""
    completed_today = Case.completed_at >= today
    figures = (func.count(Case.id), func.sum(case((completed_today, 1), else_=0)),
               func.sum(case((STOPPED_ON_TIME, 1), else_=0)),
               func.sum(case((and_(completed_today, STOPPED_ON_TIME), 1), else_=0)))
    query = (select(Case.window_id, *figures) if by_window else select(*figures))
    query = (query.join(Clock, and_(Clock.obligation_id == Case.obligation_id, Clock.kind == PROMISED_CLOCK))
             .where(Case.completed_at >= start, Case.completed_at < end))
    if by_window:
        return {row[0]: tuple(int(v or 0) for v in row[1:])
                for row in session.execute(query.where(Case.window_id.is_not(None)).group_by(Case.window_id))}
    return tuple(int(v or 0) for v in session.execute(query).one())


def _in_progress(session: Session, as_of: datetime, *, live: bool) -> dict[int, int]:
    """Cases in progress per window at ``as_of``: accepted and not closed. Live, that is the cases now
    in progress or suspended (an index on the state); for a past moment, the case obligations opened
    before it and closed after it (an acceptance withdrawn by a refusal closes the obligation too)."""
    if live:
        query = select(Case.window_id, func.count(Case.id)).where(Case.state.in_(OPEN_STATES)).group_by(Case.window_id)
    else:
        query = (select(Obligation.window_id, func.count(Obligation.id))
                 .where(Obligation.kind == CASE_OBLIGATION, Obligation.opened_at < as_of,
                        or_(Obligation.closed_at.is_(None), Obligation.closed_at >= as_of))
                 .group_by(Obligation.window_id))
    return {window: count for window, count in session.execute(query) if window is not None}


def hall_board(session: Session, day: date, *, now: datetime) -> dict[str, Any]:
    """Every window's figures for ``day`` (accepted, completed, on-time rates, in progress) and the totals."""
    check_day(day, now)
    start, end = _start_of(day), _start_of(day + timedelta(days=1))
    as_of = min(end, now)
    windows = session.execute(select(Window.id, Window.number, Window.name, Unit.name)
                              .join(Unit, Unit.id == Window.unit_id).order_by(Window.number)).all()
    accepted = dict(session.execute(
        select(Case.window_id, func.count(Case.id))
        .where(Case.accepted_at >= start, Case.accepted_at < as_of, Case.window_id.is_not(None),
               Case.state != CaseState.REFUSED)
        .group_by(Case.window_id)).all())
    completed = _completed(session, _start_of(day.replace(day=1)), as_of, start, by_window=True)
    in_progress = _in_progress(session, as_of, live=as_of == now)
    rows = []
    for window_id, number, name, unit in windows:
        month, today, month_on_time, today_on_time = completed.get(window_id, (0, 0, 0, 0))
        rows.append(_figures(accepted.get(window_id, 0), today, today_on_time, month, month_on_time,
                             in_progress.get(window_id, 0), window=number, name=name, unit=unit))
    totals = _figures(*(sum(row[key] for row in rows) for key in (
        "accepted", "completed", "on_time", "month_completed", "month_on_time", "in_progress")))
    return {"date": day, "as_of": as_of, "live": as_of == now, "windows": rows, "totals": totals}


def _figures(accepted: int, completed: int, on_time: int, month_completed: int, month_on_time: int,
             in_progress: int, **names: str) -> dict[str, Any]:
    return {**names, "accepted": accepted, "completed": completed, "on_time": on_time,
            "on_time_rate": on_time_rate(on_time, completed), "month_completed": month_completed,
            "month_on_time": month_on_time, "month_on_time_rate": on_time_rate(month_on_time, month_completed),
            "in_progress": in_progress}


def headline(session: Session, *, now: datetime) -> dict[str, Any]:
    """The home page's figures: items in the catalogue, cases completed this month so far, on-time rate."""
    today = local_day(now)
    items = session.scalar(select(func.count(Item.id)).where(Item.active.is_(True))) or 0
    completed, _today, on_time, _both = _completed(session, _start_of(today.replace(day=1)), now, _start_of(today),
                                                   by_window=False)
    return {"items": items, "month": today.strftime("%Y-%m"), "completed": completed, "on_time": on_time,
            "on_time_rate": on_time_rate(on_time, completed)}


def unit_windows(session: Session, unit_id: int) -> list[dict[str, str]]:
    """The hall windows staffed by a department: where its items are applied for in person."""
    rows = session.execute(select(Window.number, Window.name).where(Window.unit_id == unit_id).order_by(Window.number))
    return [{"number": number, "name": name} for number, name in rows]
