"""``/api/v1/admin/calendar``: the working-day calendar's overrides and notices.

Every change recomputes the open clocks it can move [calendar-and-clocks.md: "When an administrator
loads or corrects holidays, the due moments of open clocks that are affected must be recomputed"].
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core.calendar import FIRST_KNOWN_DAY, CalendarDay, CalendarNotice, get_calendar
from yangguang.core.calendar_file import LAST_DAY, load_calendar, parse_calendar_bytes, remove_day, set_day
from yangguang.core.org import Person
from yangguang.web.admin.common import ADMIN_ONLY, Admin, now, read_upload, text
from yangguang.web.deps import Db

router = APIRouter(prefix="/api/v1/admin/calendar", tags=["admin"], dependencies=ADMIN_ONLY)
Year = Annotated[int, Query(ge=FIRST_KNOWN_DAY.year, le=LAST_DAY.year, description="the calendar year")]


class OverrideOut(BaseModel):
    date: date
    workday: bool = Field(description="true: a working day (调休上班); false: a day off")
    name: str = Field(description="the holiday, or the note saying why")
    source: str


class CalendarNoticeOut(BaseModel):
    year: int
    title: str
    loaded_at: datetime


class YearOut(BaseModel):
    year: int
    known: bool = Field(description="the year's holidays are known (national data or a loaded notice)")
    known_until: date
    notice: CalendarNoticeOut | None
    overrides: list[OverrideOut]


class DayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    workday: bool = Field(description="true: make it a working day; false: a day off")
    note: text(60, "why (shown in the calendar, e.g. 'xx自治县成立纪念日')")


class DayChange(BaseModel):
    date: date
    clocks_recomputed: int


class NoticeLoaded(BaseModel):
    year: int | None = Field(description="the notice's year; none: local overrides")
    days: int
    holidays: int
    workdays: int
    clocks_recomputed: int
    source: str


def year_view(session: Session, year: int) -> dict[str, Any]:
    calendar = get_calendar(session)
    days = session.scalars(select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                                     CalendarDay.day <= date(year, 12, 31)).order_by(CalendarDay.day))
    notice = session.get(CalendarNotice, year)
    return {"year": year, "known": calendar.is_known(date(year, 12, 31)), "known_until": calendar.known_until,
            "notice": notice, "overrides": [{"date": d.day, "workday": d.workday, "name": d.name, "source": d.source}
                                            for d in days]}


def load_notice(session: Session, upload: UploadFile, admin: Person) -> dict[str, Any]:
    name, content = read_upload(upload, limit_key="calendar_upload_max_kb", suffixes=(".toml",))
    notice = parse_calendar_bytes(content, name)
    return load_calendar(session, notice, source=name, actor=admin.login)


@router.get("/overrides", response_model=YearOut)
def get_overrides(session: Db, year: Year) -> dict[str, Any]:
    """A year's overrides of the national calendar, and whether its notice is loaded."""
    return year_view(session, year)


@router.put("/overrides/{day}", response_model=DayChange)
def put_override(day: date, body: DayIn, session: Db, admin: Admin) -> dict[str, Any]:
    """Make a day a working day or a day off (a local holiday, a correction); open clocks move."""
    return set_day(session, day, workday=body.workday, note=body.note, actor=admin.login, at=now())


@router.delete("/overrides/{day}", response_model=DayChange)
def delete_override(day: date, session: Db, admin: Admin) -> dict[str, Any]:
    """Remove a day's override: the national calendar applies again; open clocks move."""
    return remove_day(session, day, actor=admin.login, at=now())


@router.post("/notices", response_model=NoticeLoaded, status_code=201)
def post_notice(session: Db, admin: Admin,
                file: Annotated[UploadFile, File(description="a notice or local-holiday TOML file")]) -> dict:
    """Load a State Council notice (``year = ...``: the year becomes known) or local holidays from a TOML
    file in the format of ``yangguang calendar load``."""
    return load_notice(session, file, admin)
