"""The API of the annual report (政府信息公开工作年度报告; tags "disclosure-reports" and "disclosure-public").

Staff: an organ's report for a year as the renderers' JSON — the live draft computed from the data, with
the reconciliation discrepancies, or the published report as published —, the text of sections 一, 五
and 六, publication (refused, naming the cells, when the figures do not reconcile) and the files
(DOCX, XLSX, HTML, JSON). The organ's disclosure office and head see their own organ's; supervisors and
administrators every organ's; another organ's report is a 404.

Public: published reports only; a draft is a 404 like a report that does not exist.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core.clocks import local_day
from yangguang.core.errors import InvalidInput, NotFound
from yangguang.core.org import Person, Role, Unit
from yangguang.disclosure.annual_report import PUBLISHED, report_for, thaw
from yangguang.disclosure.models import AnnualReport
from yangguang.disclosure.publication_api import UnitCode, unit_by_code
from yangguang.disclosure.publication_schemas import (
    ERRORS,
    PUBLIC_ERRORS,
    AnnualReportOut,
    PublishedReport,
    ReportTextIn,
)
from yangguang.disclosure.report_render import render, to_json
from yangguang.disclosure.service import annual_report as service
from yangguang.web.deps import Db, is_overseer, require_roles

router = APIRouter(prefix="/api/v1")
STAFF_TAG, PUBLIC_TAG = "disclosure-reports", "disclosure-public"

Reader = Annotated[Person, Depends(require_roles(Role.DISCLOSURE, Role.UNIT_HEAD, Role.SUPERVISOR, Role.ADMIN))]
Editor = Annotated[Person, Depends(require_roles(Role.DISCLOSURE, Role.UNIT_HEAD))]
Year = Annotated[int, Path(ge=service.FIRST_YEAR, le=2100, description="报告年度")]
Format = Literal["docx", "xlsx", "html", "json"]
MEDIA_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "html": "text/html; charset=utf-8", "json": "application/json"}
FORMAT_LABELS = {"docx": "Word（DOCX）", "xlsx": "Excel（XLSX）", "html": "网页（HTML）", "json": "数据（JSON）"}
FILE_RESPONSES = {200: {"content": {media: {} for media in MEDIA_TYPES.values()}, "description": "the report file"}}


def now() -> datetime:
    return datetime.now(UTC)


def _started(year: int) -> int:
    if year > local_day(now()).year:
        raise InvalidInput("year", f"{year} 年度尚未开始")
    return year


def own_organ(session: Session, person: Person, code: str) -> Unit:
    """The organ of the report: the person's own (any for supervisors and administrators), else 404."""
    unit = unit_by_code(session, code)
    if not is_overseer(person) and unit.id != person.unit_id:
        raise NotFound("unit", f"机关 {code!r} 不存在")
    return unit


def report_row(session: Session, unit: Unit, year: int) -> AnnualReport | None:
    return session.scalar(select(AnnualReport).where(AnnualReport.unit_id == unit.id, AnnualReport.year == year))


def report_out(session: Session, person: Person, unit: Unit, year: int) -> AnnualReportOut:
    row = report_row(session, unit, year)
    state = "none" if row is None else row.state
    editable = state != PUBLISHED and person.unit_id == unit.id and any(
        person.has_role(r) for r in service.EDITOR_ROLES)
    return AnnualReportOut(unit=unit.code, year=year, state=state, editable=editable,
                     report=to_json(report_for(session, unit, year)))


def file_response(report, unit: Unit, year: int, fmt: str) -> Response:
    name = f"{unit.code}-{year}-annual-report.{fmt}"
    return Response(render(report, fmt), media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# -- staff --------------------------------------------------------------------------------------------
@router.get("/disclosure/annual-reports/{unit}/{year}", response_model=AnnualReportOut, responses=ERRORS,
            tags=[STAFF_TAG], summary="年度报告：查看（草稿或已公开）")
def get_report(unit: UnitCode, year: Year, person: Reader, session: Db) -> AnnualReportOut:
    """The report as it stands: the draft computed from the data now, with the reconciliation and its
    discrepancies, or the published report with the figures frozen at publication."""
    return report_out(session, person, own_organ(session, person, unit), _started(year))


@router.put("/disclosure/annual-reports/{unit}/{year}/text", response_model=AnnualReportOut, responses=ERRORS,
            tags=[STAFF_TAG], summary="年度报告：编辑第一、五、六部分")
def edit_report(unit: UnitCode, year: Year, body: ReportTextIn, person: Editor, session: Db) -> AnnualReportOut:
    """Replace the text of sections 一, 五 and/or 六 (those given); the draft is created on first use."""
    organ = own_organ(session, person, unit)
    row = service.get_or_create_draft(session, person, organ, year, now())
    service.edit_text(session, person, row, at=now(), **body.model_dump(exclude_none=True))
    session.flush()
    return report_out(session, person, organ, year)


@router.post("/disclosure/annual-reports/{unit}/{year}/publish", response_model=AnnualReportOut, responses=ERRORS,
             tags=[STAFF_TAG], summary="年度报告：公开")
def publish_report(unit: UnitCode, year: Year, person: Editor, session: Db) -> AnnualReportOut:
    """Publish: refused (409, the cells named) when the figures do not reconcile, (422) without the text
    sections or before the year is over; the figures are frozen."""
    organ = own_organ(session, person, unit)
    row = service.get_or_create_draft(session, person, organ, year, now())
    service.publish(session, person, row, now())
    session.flush()
    return report_out(session, person, organ, year)


@router.get("/disclosure/annual-reports/{unit}/{year}/files/{fmt}", response_class=Response,
            responses={**ERRORS, **FILE_RESPONSES}, tags=[STAFF_TAG], summary="年度报告：下载（DOCX/XLSX/HTML/JSON）")
def download_report(unit: UnitCode, year: Year, fmt: Format, person: Reader, session: Db) -> Response:
    """The report (draft or published) as a file."""
    organ = own_organ(session, person, unit)
    return file_response(report_for(session, organ, _started(year)), organ, year, fmt)


# -- public -------------------------------------------------------------------------------------------
def published_reports(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(AnnualReport, Unit).join(Unit, Unit.id == AnnualReport.unit_id)
                           .where(AnnualReport.state == PUBLISHED)
                           .order_by(AnnualReport.year.desc(), Unit.code)).all()
    return [{"unit": unit.code, "unit_name": unit.name, "year": row.year, "published_at": row.published_at,
             "url": f"/disclosure/reports/{unit.code}/{row.year}"} for row, unit in rows]


def published_report(session: Session, code: str, year: int):
    """A published report as published; anything else is not found."""
    unit = session.scalar(select(Unit).where(Unit.code == code))
    row = report_row(session, unit, year) if unit is not None else None
    if row is None or row.state != PUBLISHED or not row.figures:
        raise NotFound("report", f"{code} {year} 年度报告不存在或尚未公开")
    return unit, thaw(row.figures, published_at=row.published_at)


@router.get("/disclosure/public-reports", response_model=list[PublishedReport], tags=[PUBLIC_TAG],
            summary="年度报告：已公开的报告")
def list_published_reports(session: Db) -> list[dict[str, Any]]:
    """Every published annual report, newest year first."""
    return published_reports(session)


@router.get("/disclosure/public-reports/{unit}/{year}", responses=PUBLIC_ERRORS, tags=[PUBLIC_TAG],
            summary="年度报告：查看已公开的报告")
def get_published_report(unit: UnitCode, year: Year, session: Db) -> dict[str, Any]:
    """A published report as JSON (official column and row labels in official order)."""
    return to_json(published_report(session, unit, year)[1])


@router.get("/disclosure/public-reports/{unit}/{year}/files/{fmt}", response_class=Response,
            responses={**PUBLIC_ERRORS, **FILE_RESPONSES}, tags=[PUBLIC_TAG], summary="年度报告：下载已公开的报告")
def download_published_report(unit: UnitCode, year: Year, fmt: Format, session: Db) -> Response:
    organ, report = published_report(session, unit, year)
    return file_response(report, organ, year, fmt)
