"""The in-app inbox (站内信) of every logged-in person: the page, its unread counter (an htmx fragment)
and the API (tag ``inbox``).

A person sees and marks only their own messages: every query is restricted to the person asking, and
marking goes through :func:`yangguang.core.notify.mark_read`, which refuses anyone else's message.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from yangguang.core import notify
from yangguang.core.db import MAX_INT
from yangguang.core.notify import InboxMessage
from yangguang.core.org import Person
from yangguang.web.deps import CurrentPerson, Db, Page, Paging, is_htmx, paginate
from yangguang.web.templating import render

router = APIRouter()

MessageId = Annotated[int, Path(ge=1, le=MAX_INT, description="message id")]
UnreadOnly = Annotated[bool, Query(description="only messages not yet read")]
ERRORS = {status: {"description": text} for status, text in (
    (401, "not logged in / no valid bearer token"),
    (422, 'not a message of this inbox, or invalid input: {"field": ..., "reason": ...}'))}


class MessageOut(BaseModel):
    id: int
    title: str
    body: str
    ref: str | None = Field(description="what it is about, e.g. card:12")
    link: str | None = Field(description="the page it is about")
    created_at: datetime
    read_at: datetime | None


class InboxPage(Page[MessageOut]):
    unread: int = Field(description="unread messages in the whole inbox")


class ReadAll(BaseModel):
    marked: int = Field(description="messages marked read now")
    unread: int


def messages_query(person: Person, unread_only: bool = False) -> Select:
    """The person's own messages, newest first."""
    query = select(InboxMessage).where(InboxMessage.person_id == person.id).order_by(InboxMessage.id.desc())
    return query.where(InboxMessage.read_at.is_(None)) if unread_only else query


def unread_count(session: Session, person: Person) -> int:
    return session.scalar(select(func.count(InboxMessage.id)).where(
        InboxMessage.person_id == person.id, InboxMessage.read_at.is_(None))) or 0


def mark_all_read(session: Session, person: Person) -> int:
    """Mark every unread message of the person read; how many there were."""
    now = datetime.now(UTC)
    unread = notify.inbox(session, person.id, unread_only=True)
    for message in unread:
        notify.mark_read(session, message.id, person_id=person.id, at=now)
    return len(unread)


def _out(message: InboxMessage) -> MessageOut:
    return MessageOut.model_validate(message, from_attributes=True)


# -- API ----------------------------------------------------------------------------------------------
@router.get("/api/v1/inbox", response_model=InboxPage, tags=["inbox"], responses=ERRORS)
def list_messages(session: Db, person: CurrentPerson, paging: Paging, unread_only: UnreadOnly = False) -> InboxPage:
    """My in-app messages, newest first."""
    page = paginate(session, messages_query(person, unread_only), paging, _out)
    return InboxPage(**page, unread=unread_count(session, person))


@router.post("/api/v1/inbox/{message_id}/read", response_model=MessageOut, tags=["inbox"], responses=ERRORS)
def read_message(message_id: MessageId, session: Db, person: CurrentPerson) -> MessageOut:
    """Mark one of my messages read (reading it again changes nothing)."""
    return _out(notify.mark_read(session, message_id, person_id=person.id, at=datetime.now(UTC)))


@router.post("/api/v1/inbox/read-all", response_model=ReadAll, tags=["inbox"], responses=ERRORS)
def read_all(session: Db, person: CurrentPerson) -> ReadAll:
    """Mark all my messages read."""
    return ReadAll(marked=mark_all_read(session, person), unread=0)


# -- pages --------------------------------------------------------------------------------------------
@router.get("/staff/inbox", include_in_schema=False)
def inbox_page(request: Request, session: Db, person: CurrentPerson, paging: Paging,
               unread_only: UnreadOnly = False, done: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    page = paginate(session, messages_query(person, unread_only), paging)
    query = urlencode({"unread_only": "true"} if unread_only else {})
    return render(request, "inbox/inbox.html", {**page, "unread": unread_count(session, person),
                                                "unread_only": unread_only, "query": query,
                                                "notice": "已全部标为已读。" if done == "all" else None})


@router.get("/staff/inbox/unread-count", include_in_schema=False)
def unread_fragment(request: Request, session: Db, person: CurrentPerson) -> Response:
    return render(request, "inbox/_count.html", {"unread": unread_count(session, person)})


@router.post("/staff/inbox/{message_id}/read", include_in_schema=False)
def read_message_page(request: Request, message_id: MessageId, session: Db, person: CurrentPerson) -> Response:
    message = notify.mark_read(session, message_id, person_id=person.id, at=datetime.now(UTC))
    if is_htmx(request):
        response = render(request, "inbox/_message.html", {"message": message})
        response.headers["HX-Trigger"] = "inbox-changed"
        return response
    return RedirectResponse("/staff/inbox", status_code=303)


@router.post("/staff/inbox/read-all", include_in_schema=False)
def read_all_page(session: Db, person: CurrentPerson) -> Response:
    mark_all_read(session, person)
    return RedirectResponse("/staff/inbox?done=all", status_code=303)
