"""Helpers of the administrator's pages: the filled-in form fields, notices after a redirect, re-showing a
form with its error. (Form data becomes the API's models through :func:`yangguang.core.validation.validated`,
so a bad field is named as the API would name it.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from yangguang.core.errors import YangguangError
from yangguang.web.templating import render

_NOTICE = "admin_notice"


def given(data: dict[str, str | None]) -> dict[str, str]:
    """The form fields that were filled in, trimmed."""
    return {name: value.strip() for name, value in data.items() if value is not None and value.strip()}


def take_notice(request: Request) -> str | None:
    return request.session.pop(_NOTICE, None)


def redirect(url: str, request: Request, text: str) -> RedirectResponse:
    """See ``url`` after a change, where ``text`` is shown once (:func:`take_notice`)."""
    request.session[_NOTICE] = text
    return RedirectResponse(url, status_code=303)


def failed(request: Request, session: Session, template: str, error: YangguangError,
           context: Callable[[], dict[str, Any]]) -> HTMLResponse:
    """Show the form again with the error, having undone whatever the attempt changed (``context`` is
    built after the rollback, from the stored state)."""
    session.rollback()
    return render(request, template, {**context(), "error": error}, status=error.http_status)

