"""One error shape everywhere: ``{"field": ..., "reason": ...}`` with a 4xx status for the API; the same
message on an HTML page for the portal. Permission refusals are written to the audit trail."""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import inspect
from starlette.exceptions import HTTPException as StarletteHTTPException

from yangguang.core import db
from yangguang.core.auth import record_refusal
from yangguang.core.errors import Forbidden, Unauthenticated, YangguangError
from yangguang.core.org import Person
from yangguang.core.validation import validation_reason

HTTP_FIELDS = {404: "path", 405: "method", 401: "authorization", 403: "authorization", 413: "body", 415: "body"}
HTTP_REASONS = {404: "页面或资源不存在", 405: "不支持此请求方法", 413: "请求内容过大", 415: "不支持的内容类型"}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _person(request: Request) -> Person | None:
    """Who asked. The request's session has ended (and expired the person it loaded) by the time an
    error is handled, so the person is read again, detached, for the audit entry and the error page."""
    person = getattr(request.state, "person", None)
    if person is None or not inspect(person).expired_attributes:
        return person
    with db.reading() as session:
        fresh = session.get(Person, inspect(person).identity[0])
        if fresh is not None:
            session.expunge(fresh)
    request.state.person = fresh
    return fresh


def _actor(request: Request) -> str:
    person = _person(request)
    return person.login if person is not None else "anonymous"


def error_response(request: Request, status: int, field: str, reason: str) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 and wants_json(request) else None
    if wants_json(request):
        return JSONResponse({"field": field, "reason": reason}, status_code=status, headers=headers)
    if status == 401 and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    from yangguang.web.templating import render

    _person(request)
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
    first = exc.errors()[0] if exc.errors() else {"loc": ("body",), "type": "missing"}
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path", "form", "header")]
    field = ".".join(location) or str((first.get("loc") or ("body",))[0])
    return error_response(request, 422, field, validation_reason(first))


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    field = HTTP_FIELDS.get(exc.status_code, "request")
    default = HTTPStatus(exc.status_code).phrase if exc.status_code in HTTPStatus._value2member_map_ else ""
    if isinstance(exc.detail, str) and exc.detail != default:
        reason = exc.detail
    else:
        reason = HTTP_REASONS.get(exc.status_code, "请求无法处理")
    return error_response(request, exc.status_code, field, reason)


def install(app: FastAPI) -> None:
    app.add_exception_handler(YangguangError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
