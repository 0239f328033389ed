"""Pages ``/staff/admin/units`` and ``/staff/admin/windows``: departments and hall windows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yangguang.core.errors import YangguangError
from yangguang.core.org import Person, Unit, Window, get_unit, get_window, set_unit_active
from yangguang.core.validation import validated
from yangguang.web.admin.common import ADMIN_ONLY, CODE_PATTERN, Admin, now
from yangguang.web.admin.org_api import (
    UnitCreate,
    UnitPatch,
    WindowCreate,
    WindowPatch,
    create_unit,
    create_window,
    patch_unit,
    patch_window,
    unit_out,
    units_query,
    window_out,
    windows_query,
)
from yangguang.web.admin.pages import failed, given, redirect, take_notice
from yangguang.web.deps import Db, Paging, paginate
from yangguang.web.templating import render

router = APIRouter(prefix="/staff/admin", include_in_schema=False, dependencies=ADMIN_ONLY)
CodePath = Annotated[str, Path(pattern=CODE_PATTERN)]
Text = Annotated[str, Form(max_length=500)]


def units_page(session: Session, paging) -> dict[str, Any]:
    page = paginate(session, units_query(None), paging, unit_out)
    staff = session.execute(select(Unit.code, func.count(Person.id)).join(Person, Person.unit_id == Unit.id)
                            .where(Person.active).group_by(Unit.code))
    return {"page": page, "form": {}, "staff": {code: count for code, count in staff}}


def active_units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).where(Unit.active).order_by(Unit.code)))


def windows_page(session: Session, paging) -> dict[str, Any]:
    page = paginate(session, windows_query(session, None), paging, window_out)
    return {"page": page, "units": active_units(session), "form": {}}


def window_page(session: Session, window: Window) -> dict[str, Any]:
    return {"window": window_out(window), "units": active_units(session)}


@router.get("/units")
def units(request: Request, session: Db, paging: Paging) -> Response:
    return render(request, "admin/units.html", {**units_page(session, paging), "notice": take_notice(request)})


@router.post("/units")
def create_unit_page(request: Request, session: Db, admin: Admin, paging: Paging, code: Text = "", name: Text = "",
                     credit_code: Text = "", region: Text = "", email: Text = "", mobile: Text = "") -> Response:
    form = {"code": code, "name": name, "credit_code": credit_code, "region": region, "email": email, "mobile": mobile}
    try:
        unit = create_unit(session, validated(UnitCreate, given(form)), admin)
    except YangguangError as error:
        return failed(request, session, "admin/units.html", error,
                      lambda: {**units_page(session, paging), "form": form})
    return redirect("/staff/admin/units", request, f"已新建部门 {unit.code} {unit.name}")


@router.get("/units/{code}")
def edit_unit(request: Request, code: CodePath, session: Db) -> Response:
    unit = get_unit(session, code, field="code")
    return render(request, "admin/unit_edit.html", {"unit": unit_out(unit), "notice": take_notice(request)})


@router.post("/units/{code}")
def update_unit_page(request: Request, code: CodePath, session: Db, admin: Admin, name: Text = "",
                     credit_code: Text = "", region: Text = "", email: Text = "", mobile: Text = "") -> Response:
    unit = get_unit(session, code, field="code")
    fields = {"name": name, "region": region or None}
    cleared = {"credit_code": credit_code.strip() or None, "email": email.strip() or None,
               "mobile": mobile.strip() or None}
    try:
        patch_unit(session, unit, validated(UnitPatch, {**fields, **cleared}), admin)
    except YangguangError as error:
        return failed(request, session, "admin/unit_edit.html", error, lambda: {"unit": unit_out(unit)})
    return redirect(f"/staff/admin/units/{unit.code}", request, "已保存")


@router.post("/units/{code}/active")
def toggle_unit(request: Request, code: CodePath, session: Db, admin: Admin,
                active: Annotated[bool, Form()]) -> Response:
    unit = get_unit(session, code, field="code")
    try:
        set_unit_active(session, unit, active, actor=admin.login, at=now())
    except YangguangError as error:
        return failed(request, session, "admin/unit_edit.html", error, lambda: {"unit": unit_out(unit)})
    return redirect(f"/staff/admin/units/{unit.code}", request, "部门已启用" if active else "部门已停用")


@router.get("/windows")
def windows(request: Request, session: Db, paging: Paging) -> Response:
    context = {**windows_page(session, paging), "notice": take_notice(request)}
    return render(request, "admin/windows.html", context)


@router.post("/windows")
def create_window_page(request: Request, session: Db, admin: Admin, paging: Paging, number: Text = "",
                       name: Text = "", unit: Text = "") -> Response:
    form = {"number": number, "name": name, "unit": unit}
    try:
        window = create_window(session, validated(WindowCreate, given(form)), admin)
    except YangguangError as error:
        return failed(request, session, "admin/windows.html", error,
                      lambda: {**windows_page(session, paging), "form": form})
    return redirect("/staff/admin/windows", request, f"已新建窗口 {window.number}")


@router.get("/windows/{number}")
def edit_window(request: Request, number: CodePath, session: Db) -> Response:
    window = get_window(session, number, field="number")
    return render(request, "admin/window_edit.html", {**window_page(session, window), "notice": take_notice(request)})


@router.post("/windows/{number}")
def update_window_page(request: Request, number: CodePath, session: Db, admin: Admin, name: Text = "",
                       unit: Text = "") -> Response:
    window = get_window(session, number, field="number")
    try:
        patch_window(session, window, validated(WindowPatch, {"name": name, "unit": unit}), admin)
    except YangguangError as error:
        return failed(request, session, "admin/window_edit.html", error, lambda: window_page(session, window))
    return redirect(f"/staff/admin/windows/{window.number}", request, "已保存")
