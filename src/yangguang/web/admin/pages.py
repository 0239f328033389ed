"""Helpers of the administrator's pages: form data into the API's models, notices after a redirect,
re-showing a form with its error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from yangguang.core.errors import InvalidInput, YangguangError
from yangguang.core.validation import validation_reason
from yangguang.web.templating import render

_NOTICE = "admin_notice"
M = TypeVar("M", bound=BaseModel)


def from_form(model: type[M], data: dict[str, Any]) -> M:
    """``model`` from form fields: empty fields are left out (or null where the model allows it), and a
    validation error names the field like the API's would."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "form"
        raise InvalidInput(field, validation_reason(first)) from exc


def given(data: dict[str, str | None]) -> dict[str, str]:
    """The form fields that were filled in, trimmed."""
    return {name: value.strip() for name, value in data.items() if value is not None and value.strip()}


def notice(request: Request, text: str) -> None:
    """A message shown once on the next page (after the redirect that follows a change)."""
    request.session[_NOTICE] = text


def take_notice(request: Request) -> str | None:
    return request.session.pop(_NOTICE, None)


def redirect(url: str, request: Request | None = None, text: str | None = None) -> RedirectResponse:
    if request is not None and text:
        notice(request, text)
    return RedirectResponse(url, status_code=303)


def failed(request: Request, session: Session, template: str, error: YangguangError,
           context: Callable[[], dict[str, Any]]) -> HTMLResponse:
    """Show the form again with the error, having undone whatever the attempt changed (``context`` is
    built after the rollback, from the stored state)."""
    session.rollback()
    return render(request, template, {**context(), "error": error}, status=error.http_status)


def pager(request: Request, page: dict[str, Any]) -> dict[str, Any]:
    """Links to the previous and next page of a list, keeping its other query parameters."""
    pages = max(1, -(-page["total"] // page["per_page"]))

    def link(number: int) -> str | None:
        if not 1 <= number <= pages or number == page["page"]:
            return None
        query = {**request.query_params, "page": str(number)}
        return f"{request.url.path}?{urlencode(query)}"

    return {"page": page["page"], "pages": pages, "previous": link(page["page"] - 1), "next": link(page["page"] + 1)}
