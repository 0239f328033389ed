"""Working-day calendar for mainland China (工作日历).

A working day is Monday to Friday, minus statutory holidays, plus the weekend days the State
Council's yearly notice turns into working days (调休上班) [calendar-and-clocks.md, "Working days in
mainland China"]. National data comes from the ``chinese-calendar`` package; a deployment adds what
the package does not know yet — a new year's notice, local holidays — as overrides stored in the
database (see :mod:`yangguang.core.calendar_file` for loading them from a file).

Arithmetic runs on a precomputed, sorted index of the ordinals of all working days, so adding N
working days or counting working days between two dates is a binary search (O(log n)), not a loop.

A date in a year for which no notice is known is refused (:class:`UnknownCalendarYear`); clocks may
instead ask for a *provisional* result (weekdays assumed to be working days), which they mark as such
and recompute when the year's notice is loaded.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, time, timedelta

from chinese_calendar import constants as national
from sqlalchemy import Boolean, Date, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from yangguang.core.db import Base, UTCDateTime
from yangguang.core.errors import InvalidInput, UnknownCalendarYear

FIRST_KNOWN_DAY = date(min(national.holidays).year, 1, 1)
NATIONAL_LAST_YEAR = max(national.holidays).year
PROVISIONAL_YEARS = 3  # how far past the last known year a provisional result may reach


class CalendarDay(Base):
    """An override of one day: a holiday or adjusted working day from a notice, or a local holiday."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(200))


class CalendarNotice(Base):
    """A year whose State Council holiday notice has been loaded: the calendar knows that year."""

    __tablename__ = "calendar_notice"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CalendarState(Base):
    """One row whose revision changes with every override, so processes know to rebuild their index."""

    __tablename__ = "calendar_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)


_NATIONAL_HOLIDAYS = frozenset(national.holidays)
_NATIONAL_WORKDAYS = frozenset(national.workdays)


def _national_workday(day: date) -> bool:
    """The rule of ``chinese_calendar.is_workday``, read from its tables directly (40× faster)."""
    return day in _NATIONAL_WORKDAYS or (day.weekday() < 5 and day not in _NATIONAL_HOLIDAYS)


class WorkCalendar:
    """An immutable working-day index over the known years plus a provisional horizon."""

    def __init__(self, overrides: dict[date, bool] | None = None, notice_years: set[int] | None = None) -> None:
        overrides = overrides or {}
        years = set(range(FIRST_KNOWN_DAY.year, NATIONAL_LAST_YEAR + 1)) | set(notice_years or ())
        last_year = FIRST_KNOWN_DAY.year
        while last_year + 1 in years:
            last_year += 1
        self.first_day = FIRST_KNOWN_DAY
        self.known_until = date(last_year, 12, 31)
        self.horizon = date(last_year + PROVISIONAL_YEARS, 12, 31)
        ordinals: list[int] = []
        day = self.first_day
        one = timedelta(days=1)
        while day <= self.horizon:
            if day in overrides:
                work = overrides[day]
            elif day.year <= NATIONAL_LAST_YEAR:
                work = _national_workday(day)
            else:
                work = day.weekday() < 5
            if work:
                ordinals.append(day.toordinal())
            day += one
        self._ordinals = ordinals

    # -- checks ---------------------------------------------------------------------------------
    def is_known(self, day: date) -> bool:
        return self.first_day <= day <= self.known_until

    def check_known(self, day: date, field: str = "date") -> None:
        if not self.is_known(day):
            raise UnknownCalendarYear(
                field,
                f"{day.isoformat()}：工作日历只包含 {self.first_day.year}–{self.known_until.year} 年，"
                f"请先载入国务院办公厅关于 {day.year} 年部分节假日安排的通知",
            )

    def _check_range(self, day: date, field: str) -> None:
        if not (self.first_day <= day <= self.horizon):
            raise UnknownCalendarYear(
                field, f"{day.isoformat()}：超出工作日历范围（{self.first_day.year}–{self.known_until.year} 年）"
            )

    # -- queries --------------------------------------------------------------------------------
    def is_workday(self, day: date, field: str = "date") -> bool:
        self.check_known(day, field)
        ordinal = day.toordinal()
        index = bisect_left(self._ordinals, ordinal)
        return index < len(self._ordinals) and self._ordinals[index] == ordinal

    def add_workdays_flagged(self, start: date, count: int, field: str = "date") -> tuple[date, bool]:
        """The last day of a period of ``count`` working days starting on ``start``, and whether the
        result is provisional (it relies on a year without a loaded notice).

        Day one is the first working day after ``start``, whatever kind of day ``start`` is
        [calendar-and-clocks.md, "Counting a time limit"]. A negative ``count`` goes back: the
        |count|-th working day before ``start``. ``count == 0`` returns ``start``.
        """
        self._check_range(start, field)
        if count == 0:
            return start, not self.is_known(start)
        ordinal = start.toordinal()
        if count > 0:
            index = bisect_right(self._ordinals, ordinal) + count - 1
        else:
            index = bisect_left(self._ordinals, ordinal) + count
        if not 0 <= index < len(self._ordinals):
            raise UnknownCalendarYear(field, f"自 {start.isoformat()} 起算 {count} 个工作日超出工作日历范围")
        result = date.fromordinal(self._ordinals[index])
        provisional = not (self.is_known(start) and self.is_known(result))
        return result, provisional

    def add_workdays(self, start: date, count: int, field: str = "date") -> date:
        """Like :meth:`add_workdays_flagged`, but refuses a result that would be provisional."""
        self.check_known(start, field)
        result, provisional = self.add_workdays_flagged(start, count, field)
        if provisional:
            self.check_known(result, field)
        return result

    def workdays_between(self, start: date, end: date, field: str = "date") -> int:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` < ``start``).

        The inverse of :meth:`add_workdays`: ``workdays_between(d, add_workdays(d, n)) == n``.
        """
        self.check_known(start, field)
        self.check_known(end, field)
        return self.workdays_between_flagged(start, end)

    def workdays_between_flagged(self, start: date, end: date) -> int:
        """:meth:`workdays_between` accepting provisional years (the caller marks its result)."""
        self._check_range(start, "start")
        self._check_range(end, "end")
        return bisect_right(self._ordinals, end.toordinal()) - bisect_right(self._ordinals, start.toordinal())

    def next_workday_on_or_after(self, day: date) -> date:
        self._check_range(day, "date")
        index = bisect_left(self._ordinals, day.toordinal())
        return date.fromordinal(self._ordinals[index])


# -- the calendar in force for a database -----------------------------------------------------------
_cache: dict[tuple[str, int], WorkCalendar] = {}


_REVISION = select(CalendarState.__table__.c.revision).where(CalendarState.__table__.c.id == 1)


def calendar_revision(session: Session) -> int:
    """The revision in the database (a plain read: it neither flushes nor loads an object)."""
    return session.connection().scalar(_REVISION) or 0


def get_calendar(session: Session) -> WorkCalendar:
    """The calendar with this database's overrides, rebuilt only when they changed."""
    cached = session.info.get("work_calendar")
    if cached is not None:
        return cached
    key = (str(session.get_bind().url), calendar_revision(session))
    calendar = _cache.get(key)
    if calendar is None:
        with session.no_autoflush:
            overrides = {row.day: row.workday for row in session.scalars(select(CalendarDay))}
            years = set(session.scalars(select(CalendarNotice.year)))
        calendar = WorkCalendar(overrides, years)
        _cache.clear()
        _cache[key] = calendar
    session.info["work_calendar"] = calendar
    return calendar


def forget_session_calendar(session: Session) -> None:
    session.info.pop("work_calendar", None)


def start_of_day(day: date, zone) -> datetime:
    """The moment a day begins (its local midnight), as an aware UTC datetime."""
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def end_of_day(day: date, zone) -> datetime:
    """The moment a day ends (midnight after it), as an aware UTC datetime."""
    return start_of_day(day + timedelta(days=1), zone)


def parse_date(value: str, field: str = "date") -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(field, f"日期 {value!r} 格式应为 YYYY-MM-DD") from exc
