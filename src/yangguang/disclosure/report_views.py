"""Staff pages of the annual report (政府信息公开工作年度报告): choose the organ and year, see the computed
tables with the cells that fail the reconciliation highlighted, edit sections 一, 五 and 六, publish
(refused, with the cells named, when the figures do not reconcile) and download the files.

Forms are parsed into the API's bodies and handed to the API route functions
(:mod:`yangguang.disclosure.report_api`): one scoped lookup, one service call.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core.clocks import local_day
from yangguang.core.errors import InvalidInput, YangguangError
from yangguang.core.org import Person, Unit
from yangguang.core.validation import validated
from yangguang.disclosure import report_api as api
from yangguang.disclosure.models import AnnualReport
from yangguang.disclosure.publication_api import UnitCode, active_organs
from yangguang.disclosure.publication_schemas import UNIT_PATTERN, ReportTextIn
from yangguang.disclosure.service.annual_report import FIRST_YEAR, TEXTS
from yangguang.web.deps import Db, PostedForm, is_overseer
from yangguang.web.forms import page_action
from yangguang.web.templating import render

router = APIRouter(include_in_schema=False)
BASE = "/staff/disclosure/reports"
DONE = {"saved": "已保存。", "published": "年度报告已公开。"}
# The cells each reconciliation check compares, by row key of section 三.
CHECK_ROWS = {"balance": ("new", "carried_in", "total", "carried_out"), "total": ("total",),
              "carry_forward": ("carried_in",)}


def flagged_cells(report: dict[str, Any]) -> dict[str, list[int]]:
    """``{row key: [value column indexes]}`` of section 三's cells named by a discrepancy."""
    table = next((t for s in report["sections"] for t in s.get("tables", []) if t["key"] == "applications"), None)
    if table is None:
        return {}
    labels = table["columns"][1:] if table["row_labels"] else table["columns"]
    cells: dict[str, set[int]] = {}
    for d in report["reconciliation"]["discrepancies"]:
        if d["column"] in labels:
            for row in CHECK_ROWS.get(d["check"], ()):
                cells.setdefault(row, set()).add(labels.index(d["column"]))
    return {row: sorted(columns) for row, columns in cells.items()}


@router.get(BASE)
def report_index(request: Request, person: api.Reader, session: Db,
                 unit: Annotated[str, Query(max_length=20)] = "", year: Annotated[str, Query(max_length=6)] = ""
                 ) -> Response:
    """Choose the organ (overseers: any) and the year; redirects to the report."""
    last_year = local_day(datetime.now(UTC)).year - 1
    organs = active_organs(session) if is_overseer(person) else [person.unit]
    error = None
    if unit or year:
        try:
            if not year.isdigit():
                raise InvalidInput("year", "年度应为四位数字年份")
            if not re.match(UNIT_PATTERN, unit):
                raise InvalidInput("unit", "请选择机关")
            return RedirectResponse(f"{BASE}/{unit}/{int(year)}", status_code=303)
        except InvalidInput as exc:
            error = exc
    scope = [o.id for o in organs]
    rows = session.execute(select(AnnualReport, Unit).join(Unit, Unit.id == AnnualReport.unit_id)
                           .where(AnnualReport.unit_id.in_(scope))
                           .order_by(AnnualReport.year.desc(), Unit.code)).all()
    return render(request, "disclosure/reports/index.html", {
        "organs": organs, "rows": rows, "last_year": last_year, "first_year": FIRST_YEAR, "error": error},
        status=error.http_status if error else 200)


def _report_page(request: Request, session: Session, person: Person, unit: str, year: int, *,
                 done: str | None = None, error: YangguangError | None = None,
                 values: dict[str, str] | None = None) -> Response:
    out = api.get_report(unit, year, person, session)
    texts = {s["number"]: s.get("text", "") for s in out.report["sections"]}
    current = {"overview": texts.get("一", ""), "problems": texts.get("五", ""), "other_matters": texts.get("六", "")}
    return render(request, "disclosure/reports/report.html", {
        "out": out, "report": out.report, "flagged": flagged_cells(out.report), "texts": TEXTS,
        "values": values or current, "done": DONE.get(done or ""), "error": error, "formats": api.FORMAT_LABELS,
        "download": f"/api/v1/disclosure/annual-reports/{out.unit}/{year}/files"},
        status=error.http_status if error else 200)


@router.get(f"{BASE}/{{unit}}/{{year}}")
def report_page(request: Request, unit: UnitCode, year: api.Year, person: api.Reader, session: Db,
                done: Annotated[str, Query(max_length=30)] = "") -> Response:
    return _report_page(request, session, person, unit, year, done=done)


@router.post(f"{BASE}/{{unit}}/{{year}}/text")
def save_text(request: Request, unit: UnitCode, year: api.Year, person: api.Editor, session: Db,
              form: PostedForm) -> Response:
    values = {name: str(form.get(name) or "") for name in TEXTS}
    return page_action(request, session, person, lambda: api.edit_report(
        unit, year, validated(ReportTextIn, values), person, session), then=f"{BASE}/{unit}/{year}?done=saved",
        refused=lambda error: _report_page(request, session, person, unit, year, error=error, values=values))


@router.post(f"{BASE}/{{unit}}/{{year}}/publish")
def publish(request: Request, unit: UnitCode, year: api.Year, person: api.Editor, session: Db,
            form: PostedForm) -> Response:
    return page_action(request, session, person, lambda: api.publish_report(unit, year, person, session),
                       then=f"{BASE}/{unit}/{year}?done=published",
                       refused=lambda error: _report_page(request, session, person, unit, year, error=error))
