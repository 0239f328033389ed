"""Request dependencies: the database session, who is asking, CSRF, roles, pagination (and its page shape).

One session per request: a read-only one for GET and HEAD, a unit of work (committed when the route
returns, rolled back when it raises) for every other method. It closes before the response is sent.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from yangguang.core import db
from yangguang.core.auth import person_for_token
from yangguang.core.errors import Forbidden, Unauthenticated
from yangguang.core.org import ROLE_LABELS, Person, Role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


def _session(request: Request) -> Iterator[Session]:
    opener = db.reading if request.method in SAFE_METHODS else db.transaction
    with opener() as session:
        yield session


Db = Annotated[Session, Depends(_session, scope="function")]


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use): forms carry it, htmx sends it as a header."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """Refuse an unsafe request made with the session cookie unless it carries the session's token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get(CSRF_FIELD)
    expected = request.session.get("csrf")
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise Forbidden(CSRF_FIELD, "表单校验码缺失或错误，请刷新页面后重试")


CsrfChecked = Annotated[None, Depends(check_csrf)]


async def _posted_form(request: Request) -> FormData:
    return await request.form()


# The submitted form, read before the route runs: routes stay plain functions that FastAPI runs in its
# thread pool, so their database work never blocks the event loop (nor waits on a lock held by a request
# the blocked loop would have to finish).
PostedForm = Annotated[FormData, Depends(_posted_form)]


async def _session_csrf(request: Request) -> None:
    """An unsafe request made with a logged-in session cookie carries the session's CSRF token (a request
    with a bearer token needs none: a browser never adds one by itself)."""
    if "authorization" not in request.headers and request.session.get("person_id"):
        await check_csrf(request)


SessionCsrf = Annotated[None, Depends(_session_csrf)]


def _identify(request: Request, session: Session) -> Person | None:
    """Who is asking (a plain function: FastAPI runs it in the thread pool, off the event loop)."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthenticated("authorization", "请使用 'Authorization: Bearer <令牌>'")
        person = person_for_token(session, value.strip())
    else:
        person_id, expires = request.session.get("person_id"), request.session.get("expires", 0)
        if not person_id or expires < datetime.now(UTC).timestamp():
            return None
        person = session.get(Person, person_id)
        if person is None or not person.active:
            request.session.clear()
            return None
    request.state.person = person
    return person


def optional_person(request: Request, session: Db, _: SessionCsrf) -> Person | None:
    return _identify(request, session)


def current_person(request: Request, session: Db, _: SessionCsrf) -> Person:
    person = _identify(request, session)
    if person is None:
        raise Unauthenticated("authorization", "请先登录（页面）或提供访问令牌（API）")
    return person


OptionalPerson = Annotated[Person | None, Depends(optional_person)]
CurrentPerson = Annotated[Person, Depends(current_person)]


def require_roles(*roles: Role):
    """A dependency refusing anyone without one of ``roles`` (enforced on the server, on every route)."""
    wanted = "、".join(ROLE_LABELS[r] for r in roles)

    async def dependency(person: CurrentPerson) -> Person:
        if not any(person.has_role(role) for role in roles):
            raise Forbidden("authorization", f"{person.label} 无此操作权限（需要：{wanted}）")
        return person

    return dependency


def is_htmx(request: Request) -> bool:
    """The request comes from htmx (it wants a fragment of the page, not the whole page)."""
    return request.headers.get("HX-Request") == "true"


def is_overseer(person: Person) -> bool:
    """Supervisors and administrators see every unit; everyone else sees their own unit only."""
    return person.has_role(Role.SUPERVISOR) or person.has_role(Role.ADMIN)


class PageParams:
    """``?page=1&per_page=20`` on every list."""

    def __init__(self, page: Annotated[int, Query(ge=1, le=100000, description="1-based page")] = 1,
                 per_page: Annotated[int, Query(ge=1, le=200, description="items per page")] = 20) -> None:
        self.page = page
        self.per_page = per_page

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


Paging = Annotated[PageParams, Depends()]


def paginate(session: Session, query, paging: PageParams, render=lambda row: row) -> dict[str, Any]:
    """One page of ``query`` and the total: ``{"items", "total", "page", "per_page"}``."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(query.limit(paging.per_page).offset(paging.offset)).unique()
    return {"items": [render(row) for row in rows], "total": total, "page": paging.page, "per_page": paging.per_page}


def page_of(items: list[Any], paging: PageParams) -> dict[str, Any]:
    """The same page shape of a list already in memory (rules, scores: a few dozen to a few hundred)."""
    return {"items": items[paging.offset:paging.offset + paging.per_page], "total": len(items),
            "page": paging.page, "per_page": paging.per_page}


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """The body of a list answer; a subclass gives it its name in the OpenAPI document
    (``class UnitPage(Page[UnitOut])``)."""

    items: list[T]
    total: int
    page: int
    per_page: int
