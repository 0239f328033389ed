"""Page ``/staff/admin/calendar``: a year's holidays and adjusted working days, local overrides, notices.

Every change recomputes the open clocks it can move [calendar-and-clocks.md]; the page says how many.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from yangguang.core.calendar import FIRST_KNOWN_DAY
from yangguang.core.calendar_file import LAST_DAY, remove_day, set_day
from yangguang.core.errors import YangguangError
from yangguang.core.validation import validated
from yangguang.web.admin.calendar_api import DayIn, load_notice, year_view
from yangguang.web.admin.common import ADMIN_ONLY, Admin, now, this_year
from yangguang.web.admin.pages import failed, redirect, take_notice
from yangguang.web.deps import Db, is_htmx
from yangguang.web.templating import render

router = APIRouter(prefix="/staff/admin/calendar", include_in_schema=False, dependencies=ADMIN_ONLY)


def _url(year: int) -> str:
    return f"/staff/admin/calendar?year={year}"


@router.get("")
def calendar(request: Request, session: Db,
             year: Annotated[int | None, Query(ge=FIRST_KNOWN_DAY.year, le=LAST_DAY.year)] = None) -> Response:
    year = year or this_year()
    return render(request, "admin/calendar.html", {"view": year_view(session, year), "notice": take_notice(request)})


@router.post("/days")
def set_day_page(request: Request, session: Db, admin: Admin, day: Annotated[date, Form()],
                 workday: Annotated[bool, Form()], note: Annotated[str, Form(max_length=500)] = "") -> Response:
    try:
        body = validated(DayIn, {"workday": workday, "note": note})
        summary = set_day(session, day, workday=body.workday, note=body.note, actor=admin.login, at=now())
    except YangguangError as error:
        return failed(request, session, "admin/calendar.html", error, lambda: {"view": year_view(session, day.year)})
    kind = "工作日" if workday else "休息日"
    return redirect(_url(day.year), request,
                    f"{day.isoformat()} 已设为{kind}，重算了 {summary['clocks_recomputed']} 个在办时限")


@router.post("/days/{day}/remove")
def remove_day_page(request: Request, day: date, session: Db, admin: Admin) -> Response:
    summary = remove_day(session, day, actor=admin.login, at=now())
    text = f"已取消 {day.isoformat()} 的调整，重算了 {summary['clocks_recomputed']} 个在办时限"
    if is_htmx(request):
        return render(request, "admin/_overrides.html", {"view": year_view(session, day.year), "removed": text})
    return redirect(_url(day.year), request, text)


@router.post("/notices")
def notice_page(request: Request, session: Db, admin: Admin, file: Annotated[UploadFile, File()]) -> Response:
    try:
        summary = load_notice(session, file, admin)
    except YangguangError as error:
        return failed(request, session, "admin/calendar.html", error,
                      lambda: {"view": year_view(session, this_year())})
    what = f"{summary['year']} 年放假通知" if summary["year"] else "地方调整"
    text = f"已载入{what}（{summary['days']} 天），重算了 {summary['clocks_recomputed']} 个在办时限"
    return redirect(_url(summary["year"] or this_year()), request, text)
