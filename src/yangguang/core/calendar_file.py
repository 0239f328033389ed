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
are no longer provisional. After loading, every open clock that could be affected is recomputed
[calendar-and-clocks.md: "the due moments of open clocks that are affected must be recomputed"].
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy.orm import Session

from yangguang.core import audit
from yangguang.core.calendar import CalendarDay, CalendarNotice, CalendarState, forget_session_calendar
from yangguang.core.clocks import recompute_open_clocks
from yangguang.core.errors import InvalidInput


class HolidayEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str = Field(min_length=1)
    start: date = Field(alias="from")
    end: date = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> HolidayEntry:
        if self.end < self.start:
            raise ValueError(f"holiday {self.name!r} ends ({self.end}) before it starts ({self.start})")
        return self


class WorkdayEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    date: date


class CalendarFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int | None = Field(default=None, ge=2004, le=2100)
    title: str = ""
    holiday: list[HolidayEntry] = []
    workday: list[WorkdayEntry] = []

    @model_validator(mode="after")
    def _consistent(self) -> CalendarFile:
        if not self.holiday and not self.workday:
            raise ValueError("the file lists no holiday and no working day")
        days = self.days()
        if self.year is not None:
            outside = sorted(d for d in days if d.year != self.year)
            if outside:
                raise ValueError(f"{outside[0].isoformat()} is not in {self.year}, the year of this notice")
        seen: dict[date, bool] = {}
        for day, work, _name in self.entries():
            if day in seen and seen[day] != work:
                raise ValueError(f"{day.isoformat()} is listed both as a holiday and as a working day")
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
        raw = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInput("file", f"{path} does not exist") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput("file", f"{path} is not a TOML calendar file: {exc}") from exc
    try:
        return CalendarFile.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "file"
        raise InvalidInput(where, error["msg"].removeprefix("Value error, ")) from exc


def load_calendar(session: Session, notice: CalendarFile, *, source: str, actor: str) -> dict[str, object]:
    """Store the overrides, mark the notice year known, and recompute affected open clocks."""
    now = datetime.now(UTC)
    entries = notice.entries()
    for day, work, name in entries:
        session.merge(CalendarDay(day=day, workday=work, name=name, source=source))
    if notice.year is not None:
        session.merge(CalendarNotice(year=notice.year, title=notice.title or source, loaded_at=now))
    state = session.get(CalendarState, 1, with_for_update=True)
    if state is None:
        state = CalendarState(id=1, revision=0)
        session.add(state)
    state.revision += 1
    session.flush()
    forget_session_calendar(session)
    earliest = min(day for day, _w, _n in entries)
    recomputed = recompute_open_clocks(session, since=earliest)
    summary = {"year": notice.year, "days": len(entries), "holidays": sum(1 for e in entries if not e[1]),
               "workdays": sum(1 for e in entries if e[1]), "clocks_recomputed": recomputed, "source": source}
    audit.record(session, actor=actor, action="calendar.load", entity="calendar", entity_id=notice.year or "local",
                 data=summary, at=now)
    return summary
