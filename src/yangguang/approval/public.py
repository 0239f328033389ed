"""The public portal (no account): home page, service guide (办事指南), progress query (办件进度查询) and
the live hall board (大厅实况). The JSON of the same views is :mod:`yangguang.approval.public_api`; both
use the helpers here.

The progress query shows no personal data; a wrong query code is answered exactly like an unknown case
number and wrong guesses are limited per client address (:mod:`yangguang.web.progress`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from yangguang.approval import codes
from yangguang.approval.catalogue import get_item, item_departments, item_guide, search_items
from yangguang.approval.hall import hall_board, headline, unit_windows
from yangguang.approval.importers import TIME_UNIT_LABELS
from yangguang.approval.models import Item
from yangguang.approval.queries import PROGRESS_NOT_FOUND, case_progress
from yangguang.core.clocks import local_day
from yangguang.core.errors import NotFound
from yangguang.core.settings import config_section
from yangguang.core.validation import NO_NUL
from yangguang.web.deps import CsrfChecked, Db, OptionalPerson, PageParams, Paging, paginate
from yangguang.web.progress import client_address, limited_lookup, progress_page
from yangguang.web.templating import render

router = APIRouter(include_in_schema=False)

PROGRESS_SCOPE = "progress"  # guesses of the progress query, kept with the login attempts (core/auth)
ItemKind = Literal[tuple(codes.ITEM_TYPE)]  # type: ignore[valid-type]  # 事项类型 codes (A.1)

# Query parameters and form fields shared by the pages and the API. Text refuses NUL characters (no
# database stores them); case numbers and query codes are letters, digits and dashes.
CASE_NUMBER = r"^\s*[0-9A-Za-z_-]+\s*$"
SearchText = Annotated[str, Query(max_length=50, pattern=NO_NUL, description="事项名称或编码中的关键词")]
UnitCode = Annotated[str | None, Query(max_length=20, pattern=NO_NUL, description="实施部门代码")]
KindCode = Annotated[ItemKind | None, Query(description="事项类型代码（GB/T 39046-2020 A.1）")]
ItemCode = Annotated[str, Path(min_length=1, max_length=60, pattern=NO_NUL, description="实施编码（或唯一的基本编码）")]
BoardDay = Annotated[date | None, Query(alias="date", description="日期 YYYY-MM-DD，缺省为今天")]


# --- the guide ---------------------------------------------------------------------------------------
def item_summary(item: Item) -> dict[str, Any]:
    """One line of the guide list."""
    return {"code": item.impl_code, "basic_code": item.basic_code, "name": item.name, "unit": item.unit.code,
            "unit_name": item.unit.name, "kind": item.item_type, "kind_label": codes.ITEM_TYPE[item.item_type],
            "promised_limit": f"{item.promised_limit}个{TIME_UNIT_LABELS[item.promised_unit]}",
            "online": item.online}


def guide_page(session: Session, q: str, unit: str | None, kind: str | None, paging: PageParams) -> dict[str, Any]:
    """One page of the published catalogue, searched and filtered: ``{"items", "total", "page", "per_page"}``."""
    return paginate(session, search_items(session, q=q, unit=unit, kind=kind), paging, item_summary)


def public_item(session: Session, code: str) -> Item:
    """An item of the published catalogue (an item withdrawn from it is not found)."""
    item = get_item(session, code)
    if not item.active:
        raise NotFound("item", f"事项 {code} 已不在目录中")
    return item


# --- progress ----------------------------------------------------------------------------------------
def look_up_progress(number: str, query_code: str, *, address: str, at: datetime) -> dict:
    """:func:`case_progress` behind the per-address limit on wrong guesses (:func:`limited_lookup`)."""
    return limited_lookup(PROGRESS_SCOPE, number, lambda session: case_progress(session, number, query_code, at=at),
                          address=address, at=at, not_found=PROGRESS_NOT_FOUND)


# --- pages -------------------------------------------------------------------------------------------
@router.get("/")
def home(request: Request, session: Db, person: OptionalPerson) -> Response:
    return render(request, "home.html", {"figures": headline(session, now=datetime.now(UTC))})


@router.get("/guide")
def guide_list(request: Request, session: Db, person: OptionalPerson, paging: Paging, q: SearchText = "",
               unit: UnitCode = None, kind: KindCode = None) -> Response:
    filters = {key: value for key, value in (("q", q.strip()), ("unit", unit), ("kind", kind)) if value}
    return render(request, "public/guide_list.html", {
        "page": guide_page(session, q, unit, kind, paging), "q": q.strip(), "unit": unit or "", "kind": kind or "",
        "kinds": codes.ITEM_TYPE, "departments": item_departments(session), "query": urlencode(filters)})


@router.get("/guide/{code}")
def guide_detail(request: Request, session: Db, person: OptionalPerson, code: ItemCode) -> Response:
    item = public_item(session, code)
    return render(request, "public/guide_detail.html", {"guide": item_guide(item),
                                                        "windows": unit_windows(session, item.unit_id)})


@router.get("/progress")
def progress_form(request: Request, person: OptionalPerson,
                  number: Annotated[str, Query(max_length=40, pattern=NO_NUL)] = "") -> Response:
    return progress_page(request, "public/progress.html", number.strip())


@router.post("/progress")
def progress_result(request: Request, person: OptionalPerson, _: CsrfChecked,
                    number: Annotated[str, Form(max_length=40, pattern=CASE_NUMBER)],
                    query_code: Annotated[str, Form(max_length=12, pattern=CASE_NUMBER)]) -> Response:
    number = number.strip()
    return progress_page(request, "public/progress.html", number, lambda: look_up_progress(
        number, query_code.strip(), address=client_address(request), at=datetime.now(UTC)))


def board_of_day(request: Request, session: Session, day: date | None) -> dict[str, Any]:
    """The hall board of ``day``, today's (live) when none is asked for.

    Every screen in the hall and every visitor polls the same board, so the app computes a day's board
    at most once every ``[hall] refresh_seconds`` and answers the others from that (its ``as_of`` says
    when it was computed): the board's cost no longer grows with its audience."""
    now = datetime.now(UTC)
    day = day or local_day(now)
    boards: dict[date, dict[str, Any]] = request.app.state.__dict__.setdefault("hall_boards", {})
    board = boards.get(day)
    if board is None or (now - board["as_of"]).total_seconds() >= config_section("hall")["refresh_seconds"]:
        if len(boards) > 64:  # other days asked for by ?date=: keep the memory bounded
            boards.clear()
        board = boards[day] = hall_board(session, day, now=now)
    return board


@router.get("/hall")
def hall(request: Request, session: Db, person: OptionalPerson, day: BoardDay = None) -> Response:
    return render(request, "public/hall.html", {"board": board_of_day(request, session, day)})


@router.get("/hall/board")
def hall_fragment(request: Request, session: Db, day: BoardDay = None) -> Response:
    """The board alone: what the hall page polls every 30 seconds (htmx)."""
    return render(request, "public/_hall_board.html", {"board": board_of_day(request, session, day)})
