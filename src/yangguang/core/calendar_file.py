"""Loading calendar overrides from a file: a new year's State Council notice or local holidays.

The file is TOML::

    year = 2027                       # optional: this file is that year's national notice
    title = "国务院办公厅关于2027年部分节假日安排的通知"

    [[holiday]]                       # days off (inclusive range)
    name = "春节"
    from = 2027-02-06
    to = 2027-02-13

    [[workday]]                       # adjusted working weekend days (调休上班)
    name = "春节调休"
    date = 2027-02-14

A file without ``year`` adds local overrides (e.g. an autonomous region's holiday) on top of what is
known. With ``year``, every entry must fall in that year and the year becomes known: deadlines in it
are no longer provisional. An administrator may also set or remove the override of a single day
(:func:`set_day`, :func:`remove_day`). After every change, each open clock that could be affected is
recomputed [calendar-and-clocks.md: "the due moments of open clocks that are affected must be
recomputed"].
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.orm import Session

from yangguang.core import audit
from yangguang.core.calendar import (
    FIRST_KNOWN_DAY,
    CalendarDay,
    CalendarNotice,
    CalendarState,
    forget_session_calendar,
)
from yangguang.core.clocks import recompute_open_clocks
from yangguang.core.errors import InvalidInput, NotFound
from yangguang.core.validation import validated

LAST_DAY = date(2100, 12, 31)  # the last day an override may name (the year of a notice is at most 2100)
_YEARS = f"{FIRST_KNOWN_DAY.year}–{LAST_DAY.year}"


class HolidayEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str = Field(min_length=1, max_length=60)
    start: date = Field(alias="from")
    end: date = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> HolidayEntry:
        if self.end < self.start:
            raise ValueError(f"假期 {self.name!r} 的结束日期 {self.end} 早于开始日期 {self.start}")
        return self


class WorkdayEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=60)
    date: date


class CalendarFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int | None = Field(default=None, ge=FIRST_KNOWN_DAY.year, le=LAST_DAY.year)
    title: str = Field(default="", max_length=200)
    holiday: list[HolidayEntry] = []
    workday: list[WorkdayEntry] = []

    @model_validator(mode="after")
    def _consistent(self) -> CalendarFile:
        if not self.holiday and not self.workday:
            raise ValueError("文件中没有列出任何放假日或调休上班日")
        days = self.days()
        outside = sorted(d for d in days if not FIRST_KNOWN_DAY <= d <= LAST_DAY)
        if outside:
            raise ValueError(f"{outside[0].isoformat()} 超出工作日历范围（{_YEARS}）")
        if self.year is not None:
            outside = sorted(d for d in days if d.year != self.year)
            if outside:
                raise ValueError(f"{outside[0].isoformat()} 不在本通知所属的 {self.year} 年")
        seen: dict[date, bool] = {}
        for day, work, _name in self.entries():
            if day in seen and seen[day] != work:
                raise ValueError(f"{day.isoformat()} 同时被列为放假日和上班日")
            seen[day] = work
        return self

    def entries(self) -> list[tuple[date, bool, str]]:
        result = []
        for holiday in self.holiday:
            day = holiday.start
            while day <= holiday.end:
                result.append((day, False, holiday.name))
                day += timedelta(days=1)
        result.extend((w.date, True, w.name) for w in self.workday)
        return result

    def days(self) -> set[date]:
        return {day for day, _work, _name in self.entries()}


def parse_calendar_file(path: Path) -> CalendarFile:
    try:
        content = path.read_bytes()
    except FileNotFoundError as exc:
        raise InvalidInput("file", f"文件 {path} 不存在") from exc
    return parse_calendar_bytes(content, str(path))


def parse_calendar_bytes(content: bytes, name: str) -> CalendarFile:
    """A calendar file's content (an upload, or a file's bytes); ``name`` says which file in errors."""
    try:
        raw = tomllib.loads(content.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput("file", f"{name} 不是 TOML 格式的日历文件：{exc}") from exc
    return validated(CalendarFile, raw, "file")


def load_calendar(session: Session, notice: CalendarFile, *, source: str, actor: str) -> dict[str, object]:
    """Store the overrides, mark the notice year known, and recompute affected open clocks."""
    now = datetime.now(UTC)
    entries = notice.entries()
    for day, work, name in entries:
        session.merge(CalendarDay(day=day, workday=work, name=name, source=source))
    if notice.year is not None:
        session.merge(CalendarNotice(year=notice.year, title=notice.title or source, loaded_at=now))
    recomputed = _calendar_changed(session, since=min(day for day, _w, _n in entries))
    summary = {"year": notice.year, "days": len(entries), "holidays": sum(1 for e in entries if not e[1]),
               "workdays": sum(1 for e in entries if e[1]), "clocks_recomputed": recomputed, "source": source}
    audit.record(session, actor=actor, action="calendar.load", entity="calendar", entity_id=notice.year or "local",
                 data=summary, at=now)
    return summary


def _calendar_changed(session: Session, since: date) -> int:
    """Bump the calendar revision (every process rebuilds its index) and recompute the open clocks
    the change can move; returns how many were recomputed."""
    state = session.get(CalendarState, 1, with_for_update=True)
    if state is None:
        state = CalendarState(id=1, revision=0)
        session.add(state)
    state.revision += 1
    session.flush()
    forget_session_calendar(session)
    return recompute_open_clocks(session, since=since)


def set_day(session: Session, day: date, *, workday: bool, note: str, actor: str, at: datetime) -> dict[str, object]:
    """Make one day a working day or a day off (a local holiday, a correction), with a note saying why;
    open clocks it affects are recomputed."""
    note = note.strip()
    if not note or len(note) > 60:
        raise InvalidInput("note", "须填写 1 至 60 个字符的说明，写明调整原因")
    if not FIRST_KNOWN_DAY <= day <= LAST_DAY:
        raise InvalidInput("date", f"{day.isoformat()} 超出工作日历范围（{_YEARS}）")
    before = session.get(CalendarDay, day)
    previous = None if before is None else {"workday": before.workday, "name": before.name}
    session.merge(CalendarDay(day=day, workday=workday, name=note, source=f"{actor} 设置"[:200]))
    recomputed = _calendar_changed(session, since=day)
    summary = {"date": day, "workday": workday, "note": note, "previous": previous, "clocks_recomputed": recomputed}
    audit.record(session, actor=actor, action="calendar.day_set", entity="calendar_day", entity_id=day.isoformat(),
                 data=summary, at=at)
    return summary


def remove_day(session: Session, day: date, *, actor: str, at: datetime) -> dict[str, object]:
    """Remove the override of one day: it is again what the national calendar says."""
    row = session.get(CalendarDay, day)
    if row is None:
        raise NotFound("date", f"{day.isoformat()} 没有调整记录")
    removed = {"workday": row.workday, "name": row.name, "source": row.source}
    session.delete(row)
    recomputed = _calendar_changed(session, since=day)
    summary = {"date": day, "removed": removed, "clocks_recomputed": recomputed}
    audit.record(session, actor=actor, action="calendar.day_removed", entity="calendar_day",
                 entity_id=day.isoformat(), data=summary, at=at)
    return summary
