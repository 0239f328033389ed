"""Errors every interface reports the same way: the field at fault and the reason.

The CLI turns them into exit status 2 with one line on stderr; the web layer into HTTP 4xx with a
JSON body ``{"field": ..., "reason": ...}``.
"""

from __future__ import annotations


class YangguangError(Exception):
    """Base of the errors a user can cause."""

    http_status = 400

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "reason": self.reason}


class InvalidInput(YangguangError):
    """A value that is malformed, out of range or of the wrong type."""

    http_status = 422


class NotFound(YangguangError):
    """A reference to something that does not exist (unknown item, department, case...)."""

    http_status = 404


class Unauthenticated(YangguangError):
    """No valid credentials (not logged in, wrong password, unknown or revoked token)."""

    http_status = 401


class TooManyAttempts(YangguangError):
    """Too many failed logins in the rate-limit window: try again later."""

    http_status = 429


class Forbidden(YangguangError):
    """The actor's role or unit does not carry the authority for the action."""

    http_status = 403


class Conflict(YangguangError):
    """The action is not allowed in the current state (out of order, second extension...)."""

    http_status = 409


class UnknownCalendarYear(InvalidInput):
    """The working-day calendar has no State Council notice for the year a date falls in."""
