"""Append-only, hash-chained audit trail.

Every state change calls :func:`record` inside the transaction that makes the change, so the entry
and the change commit or roll back together. Entry *n* stores the SHA-256 of its own content and of
entry *n-1*'s hash; a single-row head holds the newest sequence number and hash. The head row is
locked for update while an entry is appended, which serialises writers on PostgreSQL (SQLite
serialises writers anyway). :func:`verify` walks the chain and names the first broken link: an
altered entry (its hash no longer matches its content), a removed one (a gap in the sequence, or
the head pointing past the end) or an inserted one (a link that does not point at its predecessor).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from yangguang.core.db import Base, UTCDateTime

GENESIS = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_entity", "entity", "entity_id"),)

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100), index=True)
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60))
    data: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not serialisable in an audit entry: {type(value).__name__}")


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)


def entry_hash(seq: int, at: datetime, actor: str, action: str, entity: str, entity_id: str,
               data: str, prev_hash: str) -> str:
    content = "\x1f".join(
        [str(seq), at.astimezone(UTC).isoformat(timespec="microseconds"), actor, action, entity, entity_id,
         data, prev_hash]
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _locked_head(session: Session) -> AuditHead:
    """The chain head, locked once per transaction and kept in the session until it ends."""
    head = session.info.get("audit_head")
    if head is None:
        head = session.get(AuditHead, 1, with_for_update=True)
        if head is None:
            head = AuditHead(id=1, seq=0, hash=GENESIS)
            session.add(head)
        session.info["audit_head"] = head
    return head


@event.listens_for(Session, "after_transaction_end")
def _forget_head(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("audit_head", None)


def record(session: Session, *, actor: str, action: str, entity: str, entity_id: object,
           data: dict[str, Any] | None = None, at: datetime | None = None) -> AuditEntry:
    """Append one entry to the chain in the caller's transaction."""
    head = _locked_head(session)
    at = (at or datetime.now(UTC)).astimezone(UTC)
    seq = head.seq + 1
    payload = canonical(data or {})
    digest = entry_hash(seq, at, actor, action, entity, str(entity_id), payload, head.hash)
    entry = AuditEntry(seq=seq, at=at, actor=actor, action=action, entity=entity, entity_id=str(entity_id),
                       data=payload, prev_hash=head.hash, hash=digest)
    session.add(entry)
    head.seq, head.hash = seq, digest
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    first_bad_seq: int | None = None
    problem: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "first_bad_seq": self.first_bad_seq,
                "problem": self.problem}


def _entries(session: Session, batch: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def verify(session: Session) -> ChainReport:
    """Walk the whole chain; report the first entry that breaks it."""
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for entry in _entries(session):
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(False, count, expected_seq,
                               f"entry {expected_seq} is missing (next present entry is {entry.seq})")
        if entry.prev_hash != expected_prev:
            return ChainReport(False, count, entry.seq,
                               f"entry {entry.seq} does not link to entry {entry.seq - 1} (inserted or re-chained)")
        digest = entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.entity, entry.entity_id,
                            entry.data, entry.prev_hash)
        if digest != entry.hash:
            return ChainReport(False, count, entry.seq, f"entry {entry.seq} was altered (its hash does not match)")
        expected_prev, expected_seq = entry.hash, expected_seq + 1
    head = session.get(AuditHead, 1)
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != expected_prev):
        return ChainReport(False, count, last_seq + 1 if head.seq > last_seq else head.seq,
                           f"the chain head expects entry {head.seq} but the trail ends at entry {last_seq}"
                           " (entries were removed from the end, or the head was altered)")
    return ChainReport(True, count)


def history(session: Session, entity: str, entity_id: object) -> list[AuditEntry]:
    """Every entry about one entity, oldest first (a card's or case's timeline)."""
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.seq)
    ))
