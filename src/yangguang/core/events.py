"""Domain events, dispatched synchronously inside the emitting transaction.

A domain service emits an event after it changes state; subscribers (the supervision engine) react
in the same transaction, so a card raised by an event commits or rolls back with the change that
caused it. Handlers must not commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NoReturn

from sqlalchemy.orm import Session

from yangguang.core.errors import YangguangError


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


def refuse(session: Session, error: YangguangError, event: Event, *, actor: str) -> NoReturn:
    """Refuse an action that is a monitoring point: nothing of it is written, the attempt is.

    Everything the unit of work staged is rolled back; then, in a transaction of its own, the attempt
    is written to the audit trail and its event emitted (so supervision records the violation and
    raises the card its rules ask for); then ``error`` is raised to the caller. ``event.data`` must
    hold plain values: ORM objects are expired by the rollback.
    """
    from yangguang.core import audit

    session.rollback()
    audit.record(session, actor=actor, action=f"refused:{event.type}", entity=event.subject,
                 entity_id=event.subject_id, data={"field": error.field, "reason": error.reason, **event.data},
                 at=event.at)
    emit(session, event)
    session.commit()
    raise error
