"""``/api/v1/admin/users``: staff accounts, their roles, passwords and API tokens (administrators only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session, object_session

from yangguang.core.auth import ApiToken, issue_token, revoke_token, set_password
from yangguang.core.db import MAX_INT
from yangguang.core.errors import Conflict, InvalidInput
from yangguang.core.org import (
    Person,
    Role,
    Unit,
    Window,
    add_person,
    check_roles,
    find_person,
    get_unit,
    get_window,
    set_person_active,
    set_roles,
    update_person,
)
from yangguang.web.admin.common import (
    ADMIN_ONLY,
    LOGIN_PATTERN,
    Admin,
    Email,
    Login,
    Mobile,
    Password,
    UnitCode,
    WindowNumber,
    now,
    text,
)
from yangguang.web.deps import Db, Page, Paging, paginate

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], dependencies=ADMIN_ONLY)
LoginPath = Annotated[str, Path(pattern=LOGIN_PATTERN, description="the person's login")]
SearchText = Annotated[str | None, Query(max_length=60, pattern=r"^[^\x00-\x1f\x7f]*$",
                                         description="part of a login or name")]


class UserOut(BaseModel):
    login: str
    name: str
    unit: str = Field(description="department code")
    unit_name: str
    window: str | None = Field(description="window number")
    roles: list[str]
    email: str | None
    mobile: str | None
    active: bool
    can_log_in: bool = Field(description="has a password (a service account without one uses tokens only)")


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    login: Login
    name: text(60, "full name")
    unit: UnitCode
    roles: list[Role] = Field(default_factory=list, max_length=len(Role))
    window: WindowNumber | None = None
    email: Email | None = None
    mobile: Mobile | None = None
    password: Password | None = Field(default=None, description="initial password; none: a service account")


class UserPatch(BaseModel):
    """Only the fields given change; ``window``, ``email`` and ``mobile`` may be null to clear them."""

    model_config = ConfigDict(extra="forbid")
    name: text(60) | None = None
    unit: UnitCode | None = None
    window: WindowNumber | None = None
    roles: list[Role] | None = Field(default=None, max_length=len(Role))
    email: Email | None = None
    mobile: Mobile | None = None
    active: bool | None = Field(default=None, description="false deactivates (no login, no token), true reactivates")


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: Password


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: text(100, "which system uses the token")
    days: int | None = Field(default=None, ge=1, le=3650, description="lifetime in days; none: until revoked")


class TokenInfo(BaseModel):
    id: int
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    state: str = Field(description="active, expired or revoked")


class TokenIssued(BaseModel):
    id: int
    name: str
    login: str
    token: str = Field(description="shown once; only its hash is kept")
    expires_at: datetime | None


class UserPage(Page[UserOut]):
    pass


class TokenPage(Page[TokenInfo]):
    pass


def user_out(person: Person) -> UserOut:
    window = object_session(person).get(Window, person.window_id) if person.window_id else None
    return UserOut(login=person.login, name=person.name, unit=person.unit.code, unit_name=person.unit.name,
                   window=window.number if window else None, roles=list(person.roles), email=person.email,
                   mobile=person.mobile, active=person.active, can_log_in=bool(person.password_hash))


def token_info(token: ApiToken, at: datetime) -> TokenInfo:
    state = "revoked" if token.revoked_at else "expired" if token.expires_at and token.expires_at <= at else "active"
    return TokenInfo(id=token.id, name=token.name, created_at=token.created_at, expires_at=token.expires_at,
                     revoked_at=token.revoked_at, state=state)


def users_query(session: Session, unit: str | None, role: Role | None, active: bool | None, q: str | None):
    query = select(Person).join(Unit, Unit.id == Person.unit_id).order_by(Unit.code, Person.login)
    if unit:
        query = query.where(Person.unit_id == get_unit(session, unit, field="unit").id)
    if role is not None:  # roles is a JSON list; its text holds the quoted role name on both backends
        query = query.where(cast(Person.roles, String).like(f'%"{role.value}"%'))
    if active is not None:
        query = query.where(Person.active.is_(active))
    if q:
        pattern = f"%{q.replace('%', '').replace('_', '')}%"
        query = query.where(Person.login.ilike(pattern) | Person.name.ilike(pattern))
    return query


def create_user(session: Session, body: UserCreate, admin: Person) -> Person:
    at = now()
    unit = get_unit(session, body.unit, field="unit")
    window = get_window(session, body.window) if body.window else None
    person = add_person(session, login=body.login, name=body.name, unit=unit, roles=check_roles(body.roles),
                        actor=admin.login, at=at, window=window, email=body.email, mobile=body.mobile)
    if body.password:
        set_password(session, person, body.password, actor=admin.login, at=at)
    return person


def patch_user(session: Session, person: Person, body: UserPatch, admin: Person) -> Person:
    at, given = now(), body.model_fields_set
    changes: dict[str, object] = {name: getattr(body, name) for name in ("name", "email", "mobile") if name in given}
    if "unit" in given:
        changes["unit"] = get_unit(session, body.unit, field="unit") if body.unit else None
    if "window" in given:
        changes["window"] = get_window(session, body.window) if body.window else None
    for name in ("roles", "active"):
        if name in given and getattr(body, name) is None:
            raise InvalidInput(name, "不能为 null（角色给空列表即取消全部角色）")
    update_person(session, person, changes, actor=admin.login, at=at)
    if body.roles is not None:
        set_roles(session, person, [role.value for role in body.roles], actor=admin.login, at=at)
    if body.active is not None:
        set_person_active(session, person, body.active, actor=admin.login, at=at)
    return person


@router.get("/users", response_model=UserPage)
def list_users(session: Db, paging: Paging, unit: Annotated[UnitCode | None, Query()] = None,
               role: Role | None = None, active: bool | None = None, q: SearchText = None) -> dict:
    """Staff accounts by department and login, filtered by department, role, active state or name."""
    return paginate(session, users_query(session, unit, role, active, q), paging, user_out)


@router.post("/users", response_model=UserOut, status_code=201)
def post_user(body: UserCreate, session: Db, admin: Admin) -> UserOut:
    """Create an account (with an initial password, or without one for another system's service account)."""
    return user_out(create_user(session, body, admin))


@router.get("/users/{login}", response_model=UserOut)
def get_user(login: LoginPath, session: Db) -> UserOut:
    return user_out(find_person(session, login))


@router.patch("/users/{login}", response_model=UserOut)
def patch_user_route(login: LoginPath, body: UserPatch, session: Db, admin: Admin) -> UserOut:
    """Change name, department, window, roles, contact or active state. An administrator cannot remove
    their own administrator role or deactivate themselves (409)."""
    return user_out(patch_user(session, find_person(session, login), body, admin))


@router.post("/users/{login}/password", status_code=204)
def reset_password(login: LoginPath, body: PasswordIn, session: Db, admin: Admin) -> Response:
    """Set a new password (the person is told it by the administrator, out of band)."""
    set_password(session, find_person(session, login), body.password, actor=admin.login, at=now())
    return Response(status_code=204)


@router.get("/users/{login}/tokens", response_model=TokenPage)
def list_tokens(login: LoginPath, session: Db, paging: Paging) -> dict:
    """The person's API tokens, newest first (never the token itself: only its hash is kept)."""
    person, at = find_person(session, login), now()
    query = select(ApiToken).where(ApiToken.person_id == person.id).order_by(ApiToken.id.desc())
    return paginate(session, query, paging, lambda token: token_info(token, at))


def issue_user_token(session: Session, person: Person, body: TokenCreate, admin: Person) -> tuple[ApiToken, str]:
    if not person.active:
        raise Conflict("login", f"{person.label} 已停用，请先重新启用")
    return issue_token(session, person, body.name, actor=admin.login, at=now(), days=body.days)


@router.post("/users/{login}/tokens", response_model=TokenIssued, status_code=201)
def post_token(login: LoginPath, body: TokenCreate, session: Db, admin: Admin) -> TokenIssued:
    """Issue a token for the person (typically another system's service account); shown once."""
    person = find_person(session, login)
    token, plain = issue_user_token(session, person, body, admin)
    return TokenIssued(id=token.id, name=token.name, login=person.login, token=plain, expires_at=token.expires_at)


@router.post("/tokens/{token_id}/revoke", status_code=204)
def revoke(token_id: Annotated[int, Path(ge=1, le=MAX_INT)], session: Db, admin: Admin) -> Response:
    revoke_token(session, token_id, actor=admin, at=now())
    return Response(status_code=204)
