"""Domain events, dispatched synchronously inside the emitting transaction.

A domain service emits an event after it changes state; subscribers (the supervision engine) react
in the same transaction, so a card raised by an event commits or rolls back with the change that
caused it. Handlers must not commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Event:
    """Something that happened to a supervised subject.

    ``type`` is dotted, module first (``approval.fee_charged``). ``unit_id`` and ``person_id`` name
    who is responsible; ``obligation_id`` the supervised obligation if there is one.
    """

    type: str
    subject: str
    subject_id: str
    unit_id: int | None = None
    person_id: int | None = None
    obligation_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


Handler = Callable[[Session, Event], None]
_handlers: list[Handler] = []


def subscribe(handler: Handler) -> Handler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def emit(session: Session, event: Event) -> None:
    for handler in list(_handlers):
        handler(session, event)
