"""Obligations under supervision and their clocks (受监察事项, 时限).

An :class:`Obligation` is anything supervised — a case, a step, a rectification order — and names
the responsible unit and person. It carries one or more :class:`Clock` s. A clock counts a limit in
working days, natural days or working hours from its start; pauses (time the law does not count),
one extension and restarts move its due moment, which is materialised (``due_at``) so "what is due"
is an index range query. ``next_check_at`` is the next moment supervision must look at the clock
(the earliest threshold of its rules not yet passed); the sweep is a range query on it.

Counting rules [calendar-and-clocks.md, "Counting a time limit"]:

* day one is the first working day after the start day; the deadline is the end of the last day;
* a natural-day limit counts every day; a working-hour limit counts office hours of working days
  (so a "1 day" limit never becomes 24 business hours);
* a pause excludes the working days after the day it began up to and including the day it ended:
  "when it resumes, the remaining working days continue from where they stopped";
* a restart begins the whole period again from the restart day [政府信息公开条例 Art. 30];
* one extension, by at most the amount the law allows for the clock [行政许可法 Art. 42;
  条例 Art. 33].

Every change here writes an audit entry in the caller's transaction. None of the operations flushes:
a new obligation, clock, pause or extension gets its id at the session's next flush (its audit entry
names it by the object), so a case step costs one flush however many rows it opens and closes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from yangguang.core import audit
from yangguang.core.calendar import WorkCalendar, end_of_day, get_calendar, start_of_day
from yangguang.core.db import Base, UTCDateTime
from yangguang.core.errors import Conflict, InvalidInput
from yangguang.core.settings import config_section, get_settings


class ClockUnit(StrEnum):
    WORKDAYS = "workdays"
    NATURAL_DAYS = "natural_days"
    WORK_HOURS = "work_hours"


UNIT_LABELS = {ClockUnit.WORKDAYS: "个工作日", ClockUnit.NATURAL_DAYS: "日", ClockUnit.WORK_HOURS: "个工作小时"}


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


CLOCK_STATE_LABELS = {ClockState.RUNNING: "计时中", ClockState.PAUSED: "已暂停", ClockState.STOPPED: "已停止"}


class ObligationState(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Obligation(Base):
    __tablename__ = "obligation"
    __table_args__ = (Index("ix_obligation_subject", "subject", "subject_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)  # e.g. approval.case, approval.step
    subject: Mapped[str] = mapped_column(String(40))  # the domain entity supervised
    subject_id: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    window_id: Mapped[int | None] = mapped_column(ForeignKey("window.id"))
    state: Mapped[str] = mapped_column(String(12), default=ObligationState.OPEN)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    clocks: Mapped[list[Clock]] = relationship(back_populates="obligation", order_by="Clock.id")


class Clock(Base):
    __tablename__ = "clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # promised, statutory, step, notice, rectification...
    unit: Mapped[str] = mapped_column(String(16))
    limit: Mapped[int] = mapped_column(Integer)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    extension: Mapped[int] = mapped_column(Integer, default=0)
    extension_max: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(10), default=ClockState.RUNNING)
    excluded: Mapped[int] = mapped_column(Integer, default=0)  # paused units not counted
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used: Mapped[int | None] = mapped_column(Integer)  # units used, set when stopped
    obligation: Mapped[Obligation] = relationship(back_populates="clocks")
    pauses: Mapped[list[ClockPause]] = relationship(order_by="ClockPause.id", cascade="all, delete-orphan")

    def is_overdue(self, now: datetime) -> bool:
        if self.due_at is None:
            return False
        end = self.stopped_at if self.state == ClockState.STOPPED else now
        return end >= self.due_at

    @property
    def due_day(self) -> date | None:
        """The last day of the period, in local time."""
        if self.due_at is None:
            return None
        return (self.due_at.astimezone(get_settings().zone) - timedelta(microseconds=1)).date()


# In SQL, a stopped clock that stopped before its due moment: the on-time test of scores, published
# statistics and the hall board (the complement of :meth:`Clock.is_overdue` for a stopped clock).
STOPPED_ON_TIME = Clock.stopped_at < Clock.due_at


def on_time_rate(on_time: int, completed: int) -> float | None:
    """The share completed on time (:data:`STOPPED_ON_TIME`) in per cent with one decimal, as published
    (statistics, the hall board); None when nothing was completed."""
    return round(100.0 * on_time / completed, 1) if completed else None


class ClockPause(Base):
    """Time not counted (special procedure, correction, consultation), with the reason and both ends."""

    __tablename__ = "clock_pause"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("clock.id"), index=True)
    reason_code: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(String(300))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ClockExtension(Base):
    __tablename__ = "clock_extension"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("clock.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300))
    approved_by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    clock: Mapped[Clock] = relationship()


# -- when supervision must next look at a clock ----------------------------------------------------
ThresholdPolicy = Callable[[Session, Clock, WorkCalendar], list[datetime]]


def _due_only(_session: Session, clock: Clock, _calendar: WorkCalendar) -> list[datetime]:
    return [clock.due_at] if clock.due_at else []


_threshold_policy: ThresholdPolicy = _due_only


def set_threshold_policy(policy: ThresholdPolicy) -> None:
    """Supervision registers the function that lists a clock's rule thresholds (warn, due, red...)."""
    global _threshold_policy
    _threshold_policy = policy


def thresholds(session: Session, clock: Clock, calendar: WorkCalendar) -> list[datetime]:
    return sorted(_threshold_policy(session, clock, calendar))


# -- counting ---------------------------------------------------------------------------------------
def _zone():
    return get_settings().zone


def local_day(moment: datetime) -> date:
    return moment.astimezone(_zone()).date()


def _office_hours() -> tuple[time, time]:
    section = config_section("calendar")
    return (time.fromisoformat(section.get("office_opens", "09:00")),
            time.fromisoformat(section.get("office_closes", "17:00")))


def _working_minutes(calendar: WorkCalendar, start: datetime, end: datetime) -> int:
    """Office minutes of working days between two moments (working-hour clocks)."""
    if end <= start:
        return 0
    opens, closes = _office_hours()
    zone = _zone()
    start, end = start.astimezone(zone), end.astimezone(zone)
    total, day = 0, start.date()
    while day <= end.date():
        if calendar.add_workdays_flagged(day - timedelta(days=1), 1)[0] == day:
            lo = max(start, datetime.combine(day, opens, zone))
            hi = min(end, datetime.combine(day, closes, zone))
            if hi > lo:
                total += int((hi - lo).total_seconds() // 60)
        day += timedelta(days=1)
    return total


def _add_working_minutes(calendar: WorkCalendar, start: datetime, minutes: int) -> tuple[datetime, bool]:
    opens, closes = _office_hours()
    zone = _zone()
    moment = start.astimezone(zone)
    provisional = False
    day = moment.date()
    while True:
        workday, flag = calendar.add_workdays_flagged(day - timedelta(days=1), 1)
        provisional |= flag
        day = workday
        lo = max(moment, datetime.combine(day, opens, zone))
        hi = datetime.combine(day, closes, zone)
        available = max(0, int((hi - lo).total_seconds() // 60))
        if minutes <= available:
            return (lo + timedelta(minutes=minutes)).astimezone(UTC), provisional
        minutes -= available
        day += timedelta(days=1)
        moment = datetime.combine(day, opens, zone)


def units_between(calendar: WorkCalendar, unit: str, start: datetime, end: datetime) -> int:
    """How many units of ``unit`` pass between two moments under the counting rules above."""
    if unit == ClockUnit.WORK_HOURS:
        return _working_minutes(calendar, start, end) // 60
    first, last = local_day(start), local_day(end)
    if unit == ClockUnit.NATURAL_DAYS:
        return (last - first).days
    return calendar.workdays_between_flagged(first, last)


def _excluded(calendar: WorkCalendar, clock: Clock) -> int:
    total = 0
    for pause in clock.pauses:
        if pause.ended_at is None or pause.started_at < clock.start_at:
            continue
        if clock.unit == ClockUnit.WORK_HOURS:
            total += _working_minutes(calendar, pause.started_at, pause.ended_at)
        else:
            total += units_between(calendar, clock.unit, pause.started_at, pause.ended_at)
    return total


def recompute(session: Session, clock: Clock, calendar: WorkCalendar | None = None) -> None:
    """Materialise the due moment and the next check from the clock's start, pauses and extension."""
    calendar = calendar or get_calendar(session)
    clock.excluded = _excluded(calendar, clock)
    if clock.state == ClockState.PAUSED:  # no due moment while time is not counted
        clock.due_at = clock.next_check_at = None
        return
    total = clock.limit + clock.extension
    if clock.unit == ClockUnit.WORK_HOURS:
        clock.due_at, clock.provisional = _add_working_minutes(calendar, clock.start_at, total * 60 + clock.excluded)
    else:
        start_day = local_day(clock.start_at)
        if clock.unit == ClockUnit.NATURAL_DAYS:
            last = start_day + timedelta(days=total + clock.excluded)
            clock.provisional = not calendar.is_known(last)
        else:
            last, clock.provisional = calendar.add_workdays_flagged(start_day, total + clock.excluded, "start")
        clock.due_at = end_of_day(last, _zone())
    if clock.state == ClockState.RUNNING:
        moments = thresholds(session, clock, calendar)
        clock.next_check_at = moments[0] if moments else None
    else:
        clock.next_check_at = None


# -- operations (the only code that changes obligations and clocks) ------------------------------
def _clock_state(clock: Clock) -> str:
    return CLOCK_STATE_LABELS.get(clock.state, clock.state)


def _check_unit(unit: str) -> ClockUnit:
    try:
        return ClockUnit(unit)
    except ValueError as exc:
        raise InvalidInput("unit", f"未知的时限单位 {unit!r}（workdays 工作日、natural_days 自然日、"
                                  "work_hours 工作小时）") from exc


def open_obligation(session: Session, *, kind: str, subject: str, subject_id: object, title: str,
                    unit_id: int, person_id: int | None = None, window_id: int | None = None,
                    at: datetime, actor: str) -> Obligation:
    obligation = Obligation(kind=kind, subject=subject, subject_id=str(subject_id), title=title, unit_id=unit_id,
                            person_id=person_id, window_id=window_id, state=ObligationState.OPEN, opened_at=at)
    session.add(obligation)
    audit.record(session, actor=actor, action="obligation.open", entity="obligation", entity_id=obligation,
                 data={"kind": kind, "subject": subject, "subject_id": str(subject_id), "unit_id": unit_id,
                       "person_id": person_id}, at=at)
    return obligation


def start_clock(session: Session, obligation: Obligation, *, kind: str, unit: str, limit: int,
                start_at: datetime, actor: str, extension_max: int = 0) -> Clock:
    unit = _check_unit(unit)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
        raise InvalidInput("limit", f"时限应为正整数，输入值为 {limit!r}")
    if extension_max < 0:
        raise InvalidInput("extension_max", "最长可延长期限不能为负数")
    clock = Clock(obligation=obligation, kind=kind, unit=unit, limit=limit, start_at=start_at, extension=0,
                  extension_max=extension_max, state=ClockState.RUNNING, excluded=0, provisional=False, pauses=[])
    session.add(clock)
    recompute(session, clock)
    audit.record(session, actor=actor, action="clock.start", entity="clock", entity_id=clock,
                 data={"obligation_id": obligation, "kind": kind, "unit": unit, "limit": limit,
                       "due_at": clock.due_at, "provisional": clock.provisional}, at=start_at)
    return clock


def pause_clock(session: Session, clock: Clock, *, reason_code: str, reason: str, at: datetime,
                actor: str) -> ClockPause:
    if clock.state != ClockState.RUNNING:
        raise Conflict("clock", f"该时限当前为「{_clock_state(clock)}」，只有计时中的时限才能暂停")
    if not reason.strip():
        raise InvalidInput("reason", "暂停计时须写明原因")
    if at < clock.start_at:
        raise InvalidInput("at", "暂停时间不能早于开始计时的时间")
    pause = ClockPause(reason_code=reason_code, reason=reason, started_at=at)
    clock.pauses.append(pause)
    clock.state = ClockState.PAUSED
    recompute(session, clock)
    audit.record(session, actor=actor, action="clock.pause", entity="clock", entity_id=clock,
                 data={"reason_code": reason_code, "reason": reason}, at=at)
    return pause


def resume_clock(session: Session, clock: Clock, *, at: datetime, actor: str) -> None:
    if clock.state != ClockState.PAUSED:
        raise Conflict("clock", f"该时限当前为「{_clock_state(clock)}」，只有已暂停的时限才能恢复计时")
    pause = clock.pauses[-1]
    if at < pause.started_at:
        raise InvalidInput("at", "恢复计时的时间不能早于暂停的时间")
    pause.ended_at = at
    clock.state = ClockState.RUNNING
    recompute(session, clock)
    audit.record(session, actor=actor, action="clock.resume", entity="clock", entity_id=clock,
                 data={"pause_id": pause, "due_at": clock.due_at}, at=at)


def extend_clock(session: Session, clock: Clock, *, amount: int, reason: str, approved_by: str,
                 at: datetime) -> ClockExtension:
    """Extend once, by at most ``extension_max`` units [行政许可法 Art. 42; 条例 Art. 33]."""
    if clock.state == ClockState.STOPPED:
        raise Conflict("clock", "该时限已停止计时，已结束的期限不能延长")
    if clock.extension:
        raise Conflict("amount", "该时限已延长过一次，依法只能延长一次")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidInput("amount", f"延长期限应为正整数，输入值为 {amount!r}")
    if amount > clock.extension_max:
        unit = UNIT_LABELS.get(clock.unit, clock.unit)
        raise InvalidInput("amount", f"该时限依法最多可延长 {clock.extension_max} {unit}，不能延长 {amount} {unit}")
    if not reason.strip():
        raise InvalidInput("reason", "延长期限须写明理由（理由将告知申请人）")
    extension = ClockExtension(clock=clock, amount=amount, reason=reason, approved_by=approved_by, at=at)
    session.add(extension)
    clock.extension = amount
    recompute(session, clock)
    audit.record(session, actor=approved_by, action="clock.extend", entity="clock", entity_id=clock,
                 data={"amount": amount, "reason": reason, "due_at": clock.due_at}, at=at)
    return extension


def restart_clock(session: Session, clock: Clock, *, at: datetime, actor: str, reason: str) -> None:
    """Begin the whole period again from ``at`` (e.g. a corrected FOI request [条例 Art. 30])."""
    if clock.state == ClockState.STOPPED:
        raise Conflict("clock", "该时限已停止计时")
    if clock.state == ClockState.PAUSED:
        clock.pauses[-1].ended_at = at
    clock.start_at = at
    clock.state = ClockState.RUNNING
    recompute(session, clock)
    audit.record(session, actor=actor, action="clock.restart", entity="clock", entity_id=clock,
                 data={"reason": reason, "due_at": clock.due_at}, at=at)


def used_units(calendar: WorkCalendar, clock: Clock, at: datetime) -> int:
    """Units of the limit used by ``at``: time counted since the start, less the paused time. A stopped
    clock keeps what it had used when it stopped; a paused one stands still at its pause."""
    if clock.state == ClockState.STOPPED and clock.used is not None:
        return clock.used
    if clock.state == ClockState.PAUSED:
        at = clock.pauses[-1].started_at
    excluded = clock.excluded // 60 if clock.unit == ClockUnit.WORK_HOURS else clock.excluded
    return max(0, units_between(calendar, clock.unit, clock.start_at, at) - excluded)


def stop_clock(session: Session, clock: Clock, *, at: datetime, actor: str) -> None:
    if clock.state == ClockState.STOPPED:
        return
    if clock.state == ClockState.PAUSED:
        clock.pauses[-1].ended_at = at
        clock.state = ClockState.RUNNING
        recompute(session, clock)
    calendar = get_calendar(session)
    clock.state = ClockState.STOPPED
    clock.stopped_at = at
    if clock.next_check_at is not None and clock.next_check_at > at:
        # Thresholds after the stop will never be reached; one already passed (a case finished late
        # between two sweeps) stays for the sweep to judge.
        clock.next_check_at = None
    clock.used = used_units(calendar, clock, at)
    audit.record(session, actor=actor, action="clock.stop", entity="clock", entity_id=clock,
                 data={"used": clock.used, "late": clock.is_overdue(at)}, at=at)


def assign_obligation(session: Session, obligation: Obligation, *, person_id: int, at: datetime, actor: str) -> None:
    """Name the person now responsible (e.g. the approver who took a step)."""
    if obligation.person_id == person_id:
        return
    obligation.person_id = person_id
    audit.record(session, actor=actor, action="obligation.assign", entity="obligation", entity_id=obligation,
                 data={"person_id": person_id}, at=at)


def close_obligation(session: Session, obligation: Obligation, *, at: datetime, actor: str,
                     state: ObligationState = ObligationState.DONE) -> None:
    for clock in obligation.clocks:
        stop_clock(session, clock, at=at, actor=actor)
    obligation.state = state
    obligation.closed_at = at
    audit.record(session, actor=actor, action=f"obligation.{state}", entity="obligation",
                 entity_id=obligation, at=at)


def recompute_open_clocks(session: Session, since: date | None = None, batch: int = 2000) -> int:
    """After the calendar changed: recompute every open clock whose period could be affected.

    Affected are the clocks not yet stopped whose due day is on or after ``since`` (the earliest
    changed date), every provisional clock, and every paused one.
    """
    calendar = get_calendar(session)
    query = select(Clock).where(Clock.state != ClockState.STOPPED).order_by(Clock.id)
    if since is not None:
        query = query.where((Clock.due_at >= start_of_day(since, _zone()))
                            | Clock.provisional | (Clock.due_at.is_(None)) | (Clock.state == ClockState.PAUSED))
    count, last_id = 0, 0
    while True:
        clocks = session.scalars(query.where(Clock.id > last_id).limit(batch)).all()
        if not clocks:
            return count
        for clock in clocks:
            recompute(session, clock, calendar)
        count += len(clocks)
        last_id = clocks[-1].id
        session.flush()

