"""``/api/v1/admin/roles``, ``/units`` and ``/windows``: the organisation (administrators only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core.errors import InvalidInput
from yangguang.core.org import (
    ROLE_LABELS,
    Person,
    Unit,
    Window,
    add_unit,
    add_window,
    get_unit,
    get_window,
    set_unit_active,
    update_unit,
    update_window,
)
from yangguang.web.admin.common import (
    ADMIN_ONLY,
    CODE_PATTERN,
    Admin,
    CreditCode,
    Email,
    Mobile,
    Region,
    UnitCode,
    WindowNumber,
    now,
    text,
)
from yangguang.web.deps import Db, Page, Paging, paginate

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], dependencies=ADMIN_ONLY)
CodePath = Annotated[str, Path(pattern=CODE_PATTERN, description="department code or window number")]


class RoleOut(BaseModel):
    code: str
    label: str = Field(description="Chinese name shown to users")


class UnitOut(BaseModel):
    code: str
    name: str
    credit_code: str | None
    region: str
    email: str | None
    mobile: str | None
    active: bool


class UnitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: UnitCode
    name: text(100, "department name (unique)")
    credit_code: CreditCode | None = None
    region: Region | None = None
    email: Email | None = None
    mobile: Mobile | None = None


class UnitPatch(BaseModel):
    """Only the fields given change; ``credit_code``, ``email`` and ``mobile`` may be null to clear them."""

    model_config = ConfigDict(extra="forbid")
    name: text(100) | None = None
    credit_code: CreditCode | None = None
    region: Region | None = None
    email: Email | None = None
    mobile: Mobile | None = None
    active: bool | None = Field(default=None, description="false deactivates (refused while it has active staff)")


class WindowOut(BaseModel):
    number: str
    name: str
    unit: str
    unit_name: str


class WindowCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: WindowNumber
    name: text(100, "window name")
    unit: UnitCode


class WindowPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: text(100) | None = None
    unit: UnitCode | None = Field(default=None, description="assign the window to this department")


class UnitPage(Page[UnitOut]):
    pass


class WindowPage(Page[WindowOut]):
    pass


def unit_out(unit: Unit) -> UnitOut:
    return UnitOut(code=unit.code, name=unit.name, credit_code=unit.credit_code, region=unit.region or "",
                   email=unit.email, mobile=unit.mobile, active=unit.active)


def window_out(window: Window) -> WindowOut:
    return WindowOut(number=window.number, name=window.name, unit=window.unit.code, unit_name=window.unit.name)


def units_query(active: bool | None):
    query = select(Unit).order_by(Unit.code)
    return query if active is None else query.where(Unit.active.is_(active))


def windows_query(session: Session, unit: str | None):
    query = select(Window).order_by(Window.number)
    return query if not unit else query.where(Window.unit_id == get_unit(session, unit, field="unit").id)


def create_unit(session: Session, body: UnitCreate, admin: Person) -> Unit:
    return add_unit(session, code=body.code, name=body.name, credit_code=body.credit_code, email=body.email,
                    mobile=body.mobile, region=body.region or "", actor=admin.login, at=now())


def patch_unit(session: Session, unit: Unit, body: UnitPatch, admin: Person) -> Unit:
    given, at = body.model_fields_set, now()
    if "active" in given and body.active is None:
        raise InvalidInput("active", "不能为 null")
    changes = {name: getattr(body, name) for name in ("name", "credit_code", "region", "email", "mobile")
               if name in given}
    update_unit(session, unit, changes, actor=admin.login, at=at)
    if body.active is not None:
        set_unit_active(session, unit, body.active, actor=admin.login, at=at)
    return unit


def create_window(session: Session, body: WindowCreate, admin: Person) -> Window:
    unit = get_unit(session, body.unit, field="unit")
    return add_window(session, number=body.number, name=body.name, unit=unit, actor=admin.login, at=now())


def patch_window(session: Session, window: Window, body: WindowPatch, admin: Person) -> Window:
    changes: dict[str, object] = {}
    if "name" in body.model_fields_set:
        changes["name"] = body.name
    if "unit" in body.model_fields_set:
        changes["unit"] = get_unit(session, body.unit, field="unit") if body.unit else None
    update_window(session, window, changes, actor=admin.login, at=now())
    return window


@router.get("/roles", response_model=list[RoleOut])
def roles() -> list[RoleOut]:
    """The fixed roles (core.org.Role) with their Chinese names."""
    return [RoleOut(code=role.value, label=label) for role, label in ROLE_LABELS.items()]


@router.get("/units", response_model=UnitPage)
def list_units(session: Db, paging: Paging, active: bool | None = None) -> dict:
    """Departments by code, optionally only the active (or deactivated) ones."""
    return paginate(session, units_query(active), paging, unit_out)


@router.post("/units", response_model=UnitOut, status_code=201)
def post_unit(body: UnitCreate, session: Db, admin: Admin) -> UnitOut:
    return unit_out(create_unit(session, body, admin))


@router.patch("/units/{code}", response_model=UnitOut)
def patch_unit_route(code: CodePath, body: UnitPatch, session: Db, admin: Admin) -> UnitOut:
    """Change name, credit code, region, contact or active state (the code stays)."""
    return unit_out(patch_unit(session, get_unit(session, code, field="code"), body, admin))


@router.get("/windows", response_model=WindowPage)
def list_windows(session: Db, paging: Paging,
                 unit: Annotated[UnitCode | None, Query(description="department code")] = None) -> dict:
    return paginate(session, windows_query(session, unit), paging, window_out)


@router.post("/windows", response_model=WindowOut, status_code=201)
def post_window(body: WindowCreate, session: Db, admin: Admin) -> WindowOut:
    return window_out(create_window(session, body, admin))


@router.patch("/windows/{number}", response_model=WindowOut)
def patch_window_route(number: CodePath, body: WindowPatch, session: Db, admin: Admin) -> WindowOut:
    """Rename a window or assign it to another department."""
    return window_out(patch_window(session, get_window(session, number, field="number"), body, admin))
