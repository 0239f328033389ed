"""Jinja2 templates of every module (``web/templates`` and each module's ``templates/``), one renderer."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from yangguang.core.org import ROLE_LABELS, Role
from yangguang.core.settings import get_settings
from yangguang.web.deps import csrf_token

TEMPLATE_PACKAGES = ("yangguang.web", "yangguang.approval", "yangguang.supervision", "yangguang.disclosure")


def _local(moment: datetime | date | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = moment.astimezone(get_settings().zone)
    elif fmt == "%Y-%m-%d %H:%M":
        fmt = "%Y-%m-%d"
    return moment.strftime(fmt)


def _fen(amount: int | None) -> str:
    return "" if amount is None else f"{amount / 100:,.2f}"


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    loader = ChoiceLoader([PackageLoader(package, "templates") for package in TEMPLATE_PACKAGES])
    engine = Jinja2Templates(env=Environment(loader=loader, autoescape=select_autoescape()))
    engine.env.filters["local"] = _local
    engine.env.filters["yuan"] = _fen
    engine.env.globals["ROLE_LABELS"] = {role.value: label for role, label in ROLE_LABELS.items()}
    engine.env.globals["Role"] = Role
    return engine


def render(request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    """Render a page; every page knows who is logged in and the CSRF token for its forms."""
    person = getattr(request.state, "person", None)
    base = {"person": person, "csrf_token": csrf_token(request),
            "roles": set(person.roles) if person is not None else set()}
    return templates().TemplateResponse(request, name, {**base, **(context or {})}, status_code=status)
