"""Public pages of government information disclosure (政府信息公开, no account): the landing page, the
catalogue (公开目录) with its search, one item with its catalogue data, each organ's guide (公开指南)
and the published annual reports. The JSON of the same views is in :mod:`.publication_api` and
:mod:`.report_api`; the pages call the same functions. The application form and the progress query
(依申请公开) live under ``/disclosure/apply`` and ``/disclosure/progress`` (:mod:`.public_apply`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from yangguang.core.clocks import local_day
from yangguang.core.errors import YangguangError
from yangguang.core.validation import validated
from yangguang.disclosure import catalogue
from yangguang.disclosure.codes import CATEGORIES, DOCUMENT_TYPE_LABELS
from yangguang.disclosure.publication_api import IndexNumber, UnitCode, active_organs, catalogue_page, unit_by_code
from yangguang.disclosure.publication_schemas import CatalogueFilters
from yangguang.disclosure.report_api import FORMAT_LABELS, Year, published_report, published_reports
from yangguang.disclosure.report_render import to_json
from yangguang.web.deps import Db, OptionalPerson, Paging
from yangguang.web.templating import render

router = APIRouter(include_in_schema=False)
LATEST = 10
FILTERS = ("unit", "category", "year", "q")


@router.get("/disclosure")
def landing(request: Request, session: Db, person: OptionalPerson) -> Response:
    latest, total = catalogue.public_catalogue(session, per_page=LATEST)
    return render(request, "disclosure/catalogue/landing.html", {
        "latest": latest, "total": total, "organs": catalogue.units_with_publications(session),
        "all_organs": active_organs(session), "categories": CATEGORIES, "reports": published_reports(session)[:5]})


@router.get("/disclosure/catalogue")
def catalogue_list(request: Request, session: Db, person: OptionalPerson, paging: Paging) -> Response:
    values = {k: v.strip() for k, v in request.query_params.items() if k in FILTERS and v.strip()}
    error, page = None, None
    try:
        page = catalogue_page(session, validated(CatalogueFilters, values), paging.page, paging.per_page)
    except YangguangError as exc:  # a bad filter (422) or an unknown organ (404)
        error = exc
    return render(request, "disclosure/catalogue/list.html", {
        "page": page, "values": values, "error": error, "query": urlencode(values), "categories": CATEGORIES,
        "organs": active_organs(session)}, status=error.http_status if error else 200)


@router.get("/disclosure/items/{index_number:path}")
def item_page(request: Request, session: Db, person: OptionalPerson, index_number: IndexNumber) -> Response:
    item = catalogue.publication_by_index(session, index_number)
    return render(request, "disclosure/catalogue/item.html", {
        "p": item, "category": CATEGORIES[item.category],
        "document_type": DOCUMENT_TYPE_LABELS.get(item.document_type, ""),
        "published_on": local_day(item.published_at)})


@router.get("/disclosure/guide/{unit}")
def guide_page(request: Request, session: Db, person: OptionalPerson, unit: UnitCode) -> Response:
    organ = unit_by_code(session, unit)
    return render(request, "disclosure/catalogue/guide.html", {
        "organ": organ, "guide": catalogue.guide_for(session, organ)})


@router.get("/disclosure/reports")
def reports_page(request: Request, session: Db, person: OptionalPerson) -> Response:
    return render(request, "disclosure/catalogue/reports.html", {"reports": published_reports(session)})


@router.get("/disclosure/reports/{unit}/{year}")
def report_page(request: Request, session: Db, person: OptionalPerson, unit: UnitCode, year: Year) -> Response:
    organ, report = published_report(session, unit, year)
    return render(request, "disclosure/catalogue/report.html", {
        "organ": organ, "year": year, "report": to_json(report), "formats": FORMAT_LABELS,
        "download": f"/api/v1/disclosure/public-reports/{organ.code}/{year}/files"})
