"""Pages ``/staff/admin/catalogue``: import (with the per-row report), export, items and their versions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Path, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.approval.catalogue import CatalogueRejected, get_item, item_history
from yangguang.approval.models import Item
from yangguang.core.errors import YangguangError
from yangguang.web.admin.catalogue_api import download, export_bytes, import_upload
from yangguang.web.admin.common import ADMIN_ONLY, Admin
from yangguang.web.deps import Db, Paging, paginate
from yangguang.web.templating import render

router = APIRouter(prefix="/staff/admin/catalogue", include_in_schema=False, dependencies=ADMIN_ONLY)
ItemCode = Annotated[str, Path(min_length=1, max_length=60, pattern=r"^[^\x00-\x1f\x7f/]+$")]


def catalogue_page(session: Session, paging) -> dict[str, Any]:
    return {"page": paginate(session, select(Item).order_by(Item.impl_code), paging), "report": None}


@router.get("")
def catalogue(request: Request, session: Db, paging: Paging) -> Response:
    return render(request, "admin/catalogue.html", catalogue_page(session, paging))


@router.post("/import")
def import_page(request: Request, session: Db, admin: Admin, paging: Paging,
                file: Annotated[UploadFile, File()]) -> Response:
    """All or nothing: the page lists what was created and updated, or every row error."""
    try:
        report, status, error = import_upload(session, file, admin).as_dict(), 200, None
    except CatalogueRejected as rejected:
        report, status, error = rejected.report.as_dict(), rejected.http_status, rejected
    except YangguangError as unreadable:  # not a catalogue file at all: no rows to report
        report, status, error = None, unreadable.http_status, unreadable
    if error is not None:
        session.rollback()
    context = {**catalogue_page(session, paging), "report": report, "error": error}
    return render(request, "admin/catalogue.html", context, status=status)


@router.get("/export")
def export(session: Db, format: Literal["xlsx", "csv"] = "xlsx") -> Response:
    name, content = export_bytes(session, format)
    return download(name, content, format)


@router.get("/items/{code}")
def history(request: Request, code: ItemCode, session: Db) -> Response:
    item = get_item(session, code)
    return render(request, "admin/item_history.html", {"item": item, "versions": item_history(session, code)})
