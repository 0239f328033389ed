"""Published performance figures (绩效排名, 统计分析): read-only, complete past months only.

[DESIGN.md, "Performance evaluation": "rankings are published"; approval-and-supervision.md,
"E-supervision": statistical analysis and public service]. A month is published once it is over: its
figures no longer change as cases finish, so the current month and later ones are refused.

Rankings are :func:`yangguang.supervision.scoring.scores` of units and windows. Persons are scored
for internal use only and never published.

The monthly statistics count what supervision watches: the obligations of the kinds scored for units
(``[scoring] unit_kinds``, by default ``approval.case``, a case from acceptance 受理 to completion
办结), with the on-time test of the scores (the ``[scoring] unit_clock`` stopped before its due
moment), and the cards issued per level. Each series is one statement over an indexed range; rows are
put in their month by a CASE over the month bounds (the same on SQLite and PostgreSQL) and grouped in
an outer query.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from yangguang.core.clocks import STOPPED_ON_TIME, Clock, Obligation, ObligationState, local_day, on_time_rate
from yangguang.core.errors import InvalidInput
from yangguang.supervision.models import Card
from yangguang.supervision.registry import Level
from yangguang.supervision.scoring import period_bounds, scores, scoring_config

PUBLIC_BY = ("unit", "window")  # persons are never ranked publicly
FIRST_YEAR = 2000
MAX_MONTHS = 36
LEVELS = tuple(level.value for level in Level)  # warning, yellow, red
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
# What a published ranking row shows (internal ids and the grouping are left out).
PUBLIC_FIELDS = ("rank", "code", "name", "completed", "on_time", "on_time_rate", "early", "early_rate", "time_ratio",
                 "warnings", "yellow", "red", "deducted", "ratings", "satisfaction", "score", "grade")


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def last_complete_month(now: datetime) -> str:
    """The month before the current local month: the newest one published."""
    return _month_text(_month_index(local_day(now)) - 1)


def complete_months(now: datetime, count: int) -> list[str]:
    """The ``count`` complete months before the current one, oldest first."""
    if not 1 <= count <= MAX_MONTHS:
        raise InvalidInput("months", f"统计月数应为 1 至 {MAX_MONTHS}")
    current = _month_index(local_day(now))
    return [_month_text(index) for index in range(current - count, current)]


def check_published(period: str, now: datetime) -> str:
    """``period`` (YYYY-MM) if it is a complete past month; refused otherwise, with the reason."""
    match = _MONTH.fullmatch(period.strip())
    if match is None:
        raise InvalidInput("period", f"{period!r} 不是月份：请使用 YYYY-MM 格式，如 2026-10")
    if int(match[1]) < FIRST_YEAR:
        raise InvalidInput("period", f"{period} 过早：可查询 {FIRST_YEAR} 年以后的月份")
    if period.strip() > last_complete_month(now):
        raise InvalidInput("period", f"{period} 尚未结束，不予公布：绩效排名在每月结束后公布，"
                                     f"最近可查询的月份是 {last_complete_month(now)}")
    return period.strip()


def published_ranking(session: Session, period: str, by: str, *, now: datetime) -> list[dict[str, Any]]:
    """The published ranking of units or windows for a complete past month, best first."""
    if by not in PUBLIC_BY:
        raise InvalidInput("by", "只公布部门（unit）和窗口（window）的绩效排名；个人绩效不公开")
    period = check_published(period, now)
    return [{field: row[field] for field in PUBLIC_FIELDS} for row in scores(session, period, by)]


def _bucket(column, bounds: list[tuple[datetime, datetime]]):
    """The index of the month a moment falls in (the query keeps only moments inside the bounds)."""
    whens = [(column < end, index) for index, (_start, end) in enumerate(bounds[:-1])]
    return (case(*whens, else_=len(bounds) - 1) if whens else literal(0)).label("month")


def monthly_statistics(session: Session, months: list[str]) -> list[dict[str, Any]]:
    """Per month: cases accepted, completed, completed on time (and the rate), cards by level."""
    config = scoring_config()
    kinds = list(config["unit_kinds"])
    bounds = [period_bounds(month) for month in months]
    first, last = bounds[0][0], bounds[-1][1]

    accepted = select(_bucket(Obligation.opened_at, bounds)).where(
        Obligation.kind.in_(kinds), Obligation.state != ObligationState.CANCELLED,
        Obligation.opened_at >= first, Obligation.opened_at < last).subquery()
    on_time = case((STOPPED_ON_TIME, 1), else_=0).label("on_time")
    done = (select(_bucket(Obligation.closed_at, bounds), on_time).select_from(Obligation)
            .join(Clock, and_(Clock.obligation_id == Obligation.id, Clock.kind == config["unit_clock"]))
            .where(Obligation.kind.in_(kinds), Obligation.state == ObligationState.DONE,
                   Obligation.closed_at >= first, Obligation.closed_at < last)).subquery()
    cards = select(_bucket(Card.issued_at, bounds), Card.level).where(
        Card.issued_at >= first, Card.issued_at < last).subquery()

    rows = [{"month": month, "accepted": 0, "completed": 0, "on_time": 0, "on_time_rate": None,
             **dict.fromkeys(LEVELS, 0)} for month in months]
    for index, count in session.execute(select(accepted.c.month, func.count()).group_by(accepted.c.month)):
        rows[index]["accepted"] = count
    for index, count, punctual in session.execute(
            select(done.c.month, func.count(), func.sum(done.c.on_time)).group_by(done.c.month)):
        punctual = int(punctual or 0)
        rows[index].update(completed=count, on_time=punctual, on_time_rate=on_time_rate(punctual, count))
    for index, level, count in session.execute(
            select(cards.c.month, cards.c.level, func.count()).group_by(cards.c.month, cards.c.level)):
        if level in LEVELS:
            rows[index][level] = count
    return rows
