"""Logging in and out (pages), API tokens, and who am I (``/api/v1/me``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from yangguang.core.auth import authenticate, issue_token, revoke_token
from yangguang.core.db import MAX_INT
from yangguang.core.errors import TooManyAttempts, Unauthenticated
from yangguang.core.settings import config_section
from yangguang.web.deps import CsrfChecked, CurrentPerson, Db, OptionalPerson
from yangguang.web.templating import render

router = APIRouter()

# Where each role starts after logging in (the first role a person holds that is listed here).
ROLE_HOME = (("admin", "/staff/admin"), ("supervisor", "/staff/cards"), ("unit_head", "/staff/cards"),
             ("approver", "/staff/queue"), ("clerk", "/staff/cases"), ("finance", "/staff/cases"),
             ("disclosure", "/staff/disclosure"))


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _safe_next(target: str | None) -> str | None:
    """Only a local path: never redirect a login to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def home_of(roles: list[str]) -> str:
    return next((path for role, path in ROLE_HOME if role in roles), "/staff/inbox")


@router.get("/login", include_in_schema=False)
def login_page(request: Request, person: OptionalPerson, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next) or "", "error": None})


@router.post("/login", include_in_schema=False)
def login(request: Request, session: Db, _: CsrfChecked, login: Annotated[str, Form(max_length=60)],
                password: Annotated[str, Form(max_length=200)], next: Annotated[str, Form()] = "") -> Response:
    try:
        person = authenticate(session, login.strip(), password, address=_address(request))
    except (Unauthenticated, TooManyAttempts) as exc:
        context = {"next": _safe_next(next) or "", "error": exc.reason, "login": login}
        return render(request, "login.html", context, status=exc.http_status)
    hours = config_section("auth")["session_hours"]
    request.session.clear()  # a fresh session at login: no fixation
    request.session.update(person_id=person.id, expires=(datetime.now(UTC) + timedelta(hours=hours)).timestamp())
    return RedirectResponse(_safe_next(next) or home_of(person.roles), status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, person: CurrentPerson) -> Response:
    request.session.clear()
    return RedirectResponse("/", status_code=303)


@router.get("/staff", include_in_schema=False)
def staff_home(person: CurrentPerson) -> Response:
    return RedirectResponse(home_of(person.roles), status_code=303)


class TokenRequest(BaseModel):
    login: str = Field(min_length=1, max_length=60)
    password: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=100, description="which system will use the token")
    days: int | None = Field(default=None, ge=1, le=3650, description="lifetime; none: until revoked")


class TokenOut(BaseModel):
    id: int
    name: str
    token: str = Field(description="shown once; only its hash is kept")
    expires_at: datetime | None


class Me(BaseModel):
    login: str
    name: str
    unit: str
    unit_name: str
    roles: list[str]


@router.post("/api/v1/auth/token", response_model=TokenOut, status_code=201, tags=["auth"])
def create_token(request: Request, body: TokenRequest, session: Db) -> TokenOut:
    """Exchange a login and password for a bearer token (rate-limited like the login page)."""
    person = authenticate(session, body.login, body.password, address=_address(request))
    token, plain = issue_token(session, person, body.name, actor=person.login, at=datetime.now(UTC), days=body.days)
    return TokenOut(id=token.id, name=token.name, token=plain, expires_at=token.expires_at)


@router.post("/api/v1/auth/tokens/{token_id}/revoke", status_code=204, tags=["auth"])
def revoke(token_id: Annotated[int, Path(ge=1, le=MAX_INT)], person: CurrentPerson, session: Db) -> Response:
    """Revoke a token (its holder or an administrator)."""
    revoke_token(session, token_id, actor=person, at=datetime.now(UTC))
    return Response(status_code=204)


@router.get("/api/v1/me", response_model=Me, tags=["auth"])
def me(person: CurrentPerson) -> Me:
    return Me(login=person.login, name=person.name, unit=person.unit.code, unit_name=person.unit.name,
              roles=list(person.roles))

