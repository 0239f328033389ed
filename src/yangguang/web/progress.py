"""The public progress queries (no account): a case's (办件进度查询, :mod:`yangguang.approval.public`) and an
application for government information's (:mod:`yangguang.disclosure.public_apply`), by number and query
code, for the page and the API alike.

A wrong query code is answered exactly like an unknown number (same status, same words), so the answer
reveals neither. Wrong guesses are limited per client address (``[progress]`` in the configuration,
default 20 within 15 minutes), each query under its own scope: past the limit, every query from the
address is refused, right or wrong, until the window has passed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from yangguang.core import db
from yangguang.core.auth import check_guesses, record_failed_guess
from yangguang.core.errors import NotFound, TooManyAttempts
from yangguang.core.settings import config_section
from yangguang.web.templating import render


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limited_lookup(scope: str, number: str, lookup: Callable[[Session], dict[str, Any]], *, address: str,
                   at: datetime, not_found: str) -> dict[str, Any]:
    """``lookup(session)`` (raising NotFound for a wrong number or code) behind the per-address limit on
    wrong guesses at ``scope``.

    A refused address is refused before anything is looked at; a wrong code and an unknown number are
    both recorded as a failed guess and answered with the same NotFound (``not_found``). The lookup reads
    in a read-only session and only a wrong guess opens a write transaction (its own, committed although
    the request fails): on SQLite a write transaction takes the database's one write lock, which a right
    answer, the common case of a public page, has no reason to wait for.
    """
    limits = config_section("progress")
    with db.reading() as session:
        check_guesses(session, scope, address, field="number", limit=int(limits["failures_per_address"]),
                      minutes=int(limits["failure_window_minutes"]), at=at)
        try:
            return lookup(session)
        except NotFound:
            pass
    with db.transaction() as session:
        record_failed_guess(session, scope, number, address, at=at)
    raise NotFound("number", not_found)


def progress_page(request: Request, template: str, number: str,
                  lookup: Callable[[], dict[str, Any]] | None = None) -> Response:
    """The progress page: the form (``number`` filled in) and, when asked, the answer of ``lookup`` or the
    refusal (an unknown number or wrong code, too many wrong guesses) with its status."""
    context: dict[str, Any] = {"number": number, "result": None, "error": None}
    if lookup is not None:
        try:
            context["result"] = lookup()
        except (NotFound, TooManyAttempts) as exc:
            context["error"] = exc.reason
            return render(request, template, context, status=exc.http_status)
    return render(request, template, context)
