"""One error shape everywhere: ``{"field": ..., "reason": ...}`` with a 4xx status for the API; the same
message on an HTML page for the portal. Permission refusals are written to the audit trail."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from yangguang.core import db
from yangguang.core.auth import record_refusal
from yangguang.core.errors import Forbidden, Unauthenticated, YangguangError

HTTP_FIELDS = {404: "path", 405: "method", 401: "authorization", 403: "authorization", 413: "body", 415: "body"}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _actor(request: Request) -> str:
    person = getattr(request.state, "person", None)
    return person.login if person is not None else "anonymous"


def error_response(request: Request, status: int, field: str, reason: str) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 and wants_json(request) else None
    if wants_json(request):
        return JSONResponse({"field": field, "reason": reason}, status_code=status, headers=headers)
    if status == 401 and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    from yangguang.web.templating import render

    return render(request, "error.html", {"status": status, "field": field, "reason": reason}, status=status)


async def _domain_error(request: Request, exc: YangguangError) -> Response:
    if isinstance(exc, Forbidden) or (isinstance(exc, Unauthenticated) and "authorization" in request.headers):
        _audit_refusal(request, exc)  # refusals and rejected credentials; not every anonymous visit
    return error_response(request, exc.http_status, exc.field, exc.reason)


def _audit_refusal(request: Request, exc: YangguangError) -> None:
    with db.transaction() as session:
        record_refusal(session, actor=_actor(request), method=request.method, path=request.url.path,
                       field=exc.field, reason=exc.reason)


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    first = exc.errors()[0] if exc.errors() else {"loc": ("body",), "msg": "invalid request"}
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path", "form", "header")]
    field = ".".join(location) or str((first.get("loc") or ("body",))[0])
    return error_response(request, 422, field, first.get("msg", "invalid value"))


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    field = HTTP_FIELDS.get(exc.status_code, "request")
    reason = exc.detail if isinstance(exc.detail, str) else "request refused"
    return error_response(request, exc.status_code, field, reason)


def install(app: FastAPI) -> None:
    app.add_exception_handler(YangguangError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
