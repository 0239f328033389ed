"""What the API's request bodies and the pages' forms share.

Bodies: :class:`Strict` (unknown fields refused), :func:`Text` (bounded, no control characters, so bad
input is a 422 naming the field, never a database error: PostgreSQL cannot store a NUL byte) and
:data:`Day` (a date in 2000–2100).

Pages: a posted form is read into the API's body with :func:`form_body` (``validated`` of
:mod:`yangguang.core.validation`: a bad value is InvalidInput naming the field), handed to the API route
function, and :func:`page_action` turns the outcome into the page's answer: a redirect with a message,
or the page again with the refusal and nothing of the action kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from yangguang.core.auth import record_refusal
from yangguang.core.errors import Forbidden, YangguangError
from yangguang.core.org import Person
from yangguang.core.validation import validated

M = TypeVar("M", bound=BaseModel)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


# -- bodies -------------------------------------------------------------------------------------------
def _text(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("不能包含控制字符")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("不是有效的 Unicode 文本") from exc
    return value


def Text(max_length: int, min_length: int = 0, description: str = "") -> Any:
    """A string of at most ``max_length`` characters without control characters (newlines allowed)."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length, description=description or None),
                     AfterValidator(_text)]


Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY, description="日期 YYYY-MM-DD")]


class Strict(BaseModel):
    """A request body: unknown fields are refused rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


# -- forms --------------------------------------------------------------------------------------------
def form_text(form: Mapping[str, Any], name: str) -> str:
    """A form field's text, stripped ('' when absent)."""
    return str(form.get(name) or "").strip()


def form_lines(form: Mapping[str, Any], name: str) -> list[str]:
    """A textarea's non-blank lines, stripped (one item a line)."""
    return [line.strip() for line in form_text(form, name).splitlines() if line.strip()]


def form_body(model: type[M], form: Mapping[str, Any], **given: Any) -> M:
    """``model`` from a posted form: each of its fields from the form's text, ``given`` ones as given. An
    empty optional field takes its default (an empty number is no number); an empty required one is
    refused naming the field."""
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in given:
            value = form_text(form, name)
            if value or info.is_required():
                data[name] = value
    return validated(model, {**data, **given})


def page_action(request: Request, session: Session, person: Person | None, action: Callable[[], Any], *,
                then: str | Callable[[Any], str], refused: Callable[[YangguangError], Response]) -> Response:
    """Run a page's action. Done: a redirect (303) to ``then`` (or to ``then(what the action returned)``).
    Refused: the unit of work is rolled back (nothing of the action is kept), a permission refusal is
    audited like every refusal (web/errors.py does it for raised ones) and the answer is
    ``refused(error)``, the page again with the reason."""
    try:
        result = action()
    except YangguangError as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            record_refusal(session, actor=person.login if person is not None else "anonymous",
                           method=request.method, path=request.url.path, field=exc.field, reason=exc.reason)
        return refused(exc)
    return RedirectResponse(then if isinstance(then, str) else then(result), status_code=303)
