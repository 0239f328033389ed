"""Pages ``/staff/admin/users``: list, create and edit staff accounts, passwords and API tokens."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core.auth import ApiToken, revoke_token, set_password
from yangguang.core.db import MAX_INT
from yangguang.core.errors import YangguangError
from yangguang.core.org import Person, Role, Window, find_person, set_person_active
from yangguang.core.validation import validated
from yangguang.web.admin.common import ADMIN_ONLY, CODE_PATTERN, LOGIN_PATTERN, Admin, now
from yangguang.web.admin.org_views import active_units
from yangguang.web.admin.pages import failed, given, redirect, take_notice
from yangguang.web.admin.users_api import (
    PasswordIn,
    SearchText,
    TokenCreate,
    UserCreate,
    UserPatch,
    create_user,
    issue_user_token,
    patch_user,
    token_info,
    user_out,
    users_query,
)
from yangguang.web.deps import Db, Paging, is_htmx, paginate
from yangguang.web.templating import render

router = APIRouter(prefix="/staff/admin", include_in_schema=False, dependencies=ADMIN_ONLY)
LoginPath = Annotated[str, Path(pattern=LOGIN_PATTERN)]
Text = Annotated[str, Form(max_length=500)]
Roles = Annotated[list[str] | None, Form(max_length=len(Role))]


def choices(session: Session) -> dict[str, Any]:
    """Departments and windows offered by the forms."""
    return {"units": active_units(session),
            "windows": list(session.scalars(select(Window).order_by(Window.number)))}


def user_page(session: Session, user: Person) -> dict[str, Any]:
    at = now()
    tokens = session.scalars(select(ApiToken).where(ApiToken.person_id == user.id).order_by(ApiToken.id.desc()))
    return {"user": user_out(user), "tokens": [token_info(t, at) for t in tokens], **choices(session)}


@router.get("/users")
def users(request: Request, session: Db, paging: Paging, unit: Annotated[str | None, Query(max_length=20)] = None,
          role: Role | None = None, active: bool | None = None, q: SearchText = None) -> Response:
    unit = unit if unit and re.match(CODE_PATTERN, unit) else None
    page = paginate(session, users_query(session, unit, role, active, q), paging, user_out)
    filters = {"unit": unit or "", "role": role.value if role else "", "q": q or "",
               "active": "" if active is None else str(active).lower()}
    return render(request, "admin/users.html", {"page": page, "filters": filters, "notice": take_notice(request),
                                                "query": urlencode({k: v for k, v in filters.items() if v}),
                                                **choices(session)})


@router.get("/users/new")
def new_user(request: Request, session: Db) -> Response:
    return render(request, "admin/user_new.html", {"form": {}, **choices(session)})


@router.post("/users/new")
def create_user_page(request: Request, session: Db, admin: Admin, login: Text = "", name: Text = "",
                     unit: Text = "", window: Text = "", email: Text = "", mobile: Text = "", password: Text = "",
                     roles: Roles = None) -> Response:
    fields = {"login": login, "name": name, "unit": unit, "window": window, "email": email, "mobile": mobile}
    form = {**fields, "roles": roles or []}  # shown again after an error (never the password)
    try:
        body = validated(UserCreate, {**given({**fields, "password": password}), "roles": roles or []})
        user = create_user(session, body, admin)
    except YangguangError as error:
        return failed(request, session, "admin/user_new.html", error, lambda: {"form": form, **choices(session)})
    return redirect(f"/staff/admin/users/{user.login}", request, f"已创建账号 {user.login}")


@router.get("/users/{login}")
def edit_user(request: Request, login: LoginPath, session: Db) -> Response:
    user = find_person(session, login)
    return render(request, "admin/user_edit.html", {**user_page(session, user), "notice": take_notice(request)})


@router.post("/users/{login}")
def update_user_page(request: Request, login: LoginPath, session: Db, admin: Admin, name: Text = "",
                     unit: Text = "", window: Text = "", email: Text = "", mobile: Text = "",
                     roles: Roles = None) -> Response:
    user = find_person(session, login)
    fields = {"name": name, "unit": unit}
    cleared = {"window": window.strip() or None, "email": email.strip() or None, "mobile": mobile.strip() or None}
    try:
        body = validated(UserPatch, {**fields, **cleared, "roles": roles or []})
        patch_user(session, user, body, admin)
    except YangguangError as error:
        return failed(request, session, "admin/user_edit.html", error, lambda: user_page(session, user))
    return redirect(f"/staff/admin/users/{login}", request, "已保存")


@router.post("/users/{login}/active")
def toggle_user(request: Request, login: LoginPath, session: Db, admin: Admin,
                active: Annotated[bool, Form()]) -> Response:
    user = find_person(session, login)
    try:
        set_person_active(session, user, active, actor=admin.login, at=now())
    except YangguangError as error:
        return failed(request, session, "admin/user_edit.html", error, lambda: user_page(session, user))
    return redirect(f"/staff/admin/users/{login}", request, "账号已启用" if active else "账号已停用")


@router.post("/users/{login}/password")
def reset_password_page(request: Request, login: LoginPath, session: Db, admin: Admin,
                        password: Text = "") -> Response:
    user = find_person(session, login)
    try:
        set_password(session, user, validated(PasswordIn, {"password": password}).password, actor=admin.login,
                     at=now())
    except YangguangError as error:
        return failed(request, session, "admin/user_edit.html", error, lambda: user_page(session, user))
    return redirect(f"/staff/admin/users/{login}", request, "密码已重置，请线下告知本人")


@router.post("/users/{login}/tokens")
def issue_token_page(request: Request, login: LoginPath, session: Db, admin: Admin, name: Text = "",
                     days: Text = "") -> Response:
    user = find_person(session, login)
    try:
        token, plain = issue_user_token(session, user, validated(TokenCreate, given({"name": name, "days": days})),
                                        admin)
    except YangguangError as error:
        return failed(request, session, "admin/user_edit.html", error, lambda: user_page(session, user))
    return render(request, "admin/token_issued.html", {"user": user_out(user), "token": token, "plain": plain},
                  status=201)


@router.post("/tokens/{token_id}/revoke")
def revoke_token_page(request: Request, token_id: Annotated[int, Path(ge=1, le=MAX_INT)], session: Db,
                      admin: Admin) -> Response:
    token = revoke_token(session, token_id, actor=admin, at=now())
    user = token.person
    if is_htmx(request):
        return render(request, "admin/_tokens.html", user_page(session, user))
    return redirect(f"/staff/admin/users/{user.login}", request, f"令牌 {token.name} 已吊销")
