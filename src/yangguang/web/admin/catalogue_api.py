"""``/api/v1/admin/catalogue``: import and export the item catalogue, read an item's versions.

The catalogue service does the work [docs/catalogue-format.md]: an import is all or nothing, and a
rejected one reports every (row, column, reason) and writes nothing.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from yangguang.approval.catalogue import CatalogueRejected, ImportReport, export_catalogue, import_catalogue
from yangguang.approval.catalogue import item_history as catalogue_history
from yangguang.core.org import Person
from yangguang.web.admin.common import ADMIN_ONLY, Admin, now, read_upload, saved
from yangguang.web.deps import Db

router = APIRouter(prefix="/api/v1/admin/catalogue", tags=["admin"], dependencies=ADMIN_ONLY)
CATALOGUE_TYPES = (".xlsx", ".csv")
MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "csv": "text/csv; charset=utf-8"}
ItemCode = Annotated[str, PathParam(min_length=1, max_length=60, pattern=r"^[^\x00-\x1f\x7f/]+$",
                                    description="实施编码, or a 基本编码 implemented by one item")]


class RowErrorOut(BaseModel):
    row: int = Field(description="spreadsheet row (the header is row 1)")
    column: str
    reason: str


class ImportReportOut(BaseModel):
    file: str
    ok: bool
    rows: int
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    errors: list[RowErrorOut]


class ImportRejectedOut(BaseModel):
    field: str = Field(description='"file"')
    reason: str
    report: ImportReportOut = Field(description="every row error; nothing was imported")


class VersionOut(BaseModel):
    version: int
    changed_at: datetime
    changed_by: str
    note: str
    changed: list[str] = Field(description="labels of the elements this version changed")
    snapshot: dict[str, Any]


def import_upload(session: Session, upload: UploadFile, admin: Person) -> ImportReport:
    """Import an uploaded XLSX or CSV catalogue; :class:`CatalogueRejected` (its report naming the
    uploaded file) when any row is wrong."""
    name, content = read_upload(upload, limit_key="catalogue_upload_max_kb", suffixes=CATALOGUE_TYPES)
    with saved(name, content) as path:
        try:
            report = import_catalogue(session, path, actor=admin.login, at=now())
        except CatalogueRejected as error:
            error.report.file = name
            raise
    report.file = name
    return report


def export_bytes(session: Session, fmt: str) -> tuple[str, bytes]:
    """The whole catalogue in the import format, with a file name carrying the date."""
    name = f"事项目录-{now().date().isoformat()}.{fmt}"
    with tempfile.TemporaryDirectory(prefix="yangguang-export-") as folder:
        path = Path(folder) / f"catalogue.{fmt}"
        export_catalogue(session, path, fmt)
        return name, path.read_bytes()


def download(name: str, content: bytes, fmt: str) -> Response:
    disposition = f"attachment; filename=\"catalogue.{fmt}\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": disposition})


REJECTED = {422: {"model": ImportRejectedOut, "description": "rejected: every row error, nothing imported"}}


@router.post("/import", response_model=ImportReportOut, responses=REJECTED)
def post_import(session: Db, admin: Admin,
                file: Annotated[UploadFile, File(description="XLSX or CSV in the catalogue format")]) -> Any:
    """Import a catalogue file, all or nothing: created, updated and unchanged items by 实施编码."""
    try:
        return import_upload(session, file, admin).as_dict()
    except CatalogueRejected as error:
        session.rollback()  # the importer wrote nothing; make sure the unit of work commits nothing either
        body = {"field": error.field, "reason": error.reason, "report": error.report.as_dict()}
        return JSONResponse(body, status_code=error.http_status)


@router.get("/export", response_class=Response,
            responses={200: {"content": {MEDIA_TYPES["xlsx"]: {}, MEDIA_TYPES["csv"]: {}},
                             "description": "the whole catalogue in the import format"}})
def get_export(session: Db, format: Literal["xlsx", "csv"] = "xlsx") -> Response:
    """Download the whole catalogue as XLSX or CSV (UTF-8 with BOM); it re-imports unchanged."""
    name, content = export_bytes(session, format)
    return download(name, content, format)


@router.get("/items/{code}/history", response_model=list[VersionOut])
def get_history(code: ItemCode, session: Db) -> list[dict[str, Any]]:
    """Every version of an item, oldest first, with what each one changed."""
    return catalogue_history(session, code)
