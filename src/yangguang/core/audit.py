"""Append-only, hash-chained audit trail.

Every state change calls :func:`record` inside the transaction that makes the change, so the entry
and the change commit or roll back together. Entry *n* stores the SHA-256 of its own content and of
entry *n-1*'s hash; a single-row head holds the newest sequence number and hash. :func:`verify` walks
the chain and names the first broken link: an altered entry (its hash no longer matches its content), a
removed one (a gap in the sequence, or the head pointing past the end) or an inserted one (a link that
does not point at its predecessor).

Entries are kept in memory and written when the transaction commits (after its last flush): the head
row is locked for update, the entries get the next sequence numbers in one multi-row INSERT, the head
moves, the transaction commits. Holding the head only from then to the commit keeps writers queued
there for the shortest time (PostgreSQL; SQLite serialises writers anyway), numbers entries in commit
order, and cannot deadlock: a writer has taken every row lock of its change before it waits for the
head. An entry may name a row that is not flushed yet — ``entity_id``, or a value of ``data``, given
as the mapped object itself is written as that row's primary key. :func:`write_entries` writes them
earlier for a caller that must read them back in the same transaction. The entries of a rolled-back
transaction or savepoint go with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text, event, insert, inspect, select, update
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

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


# -- queueing and writing ---------------------------------------------------------------------------
_TRAIL = "audit_trail"  # session.info: the entries of the transaction in progress
_ENTRIES, _HEADS = AuditEntry.__table__, AuditHead.__table__
_LOCK_HEAD = select(_HEADS.c.seq, _HEADS.c.hash).where(_HEADS.c.id == 1).with_for_update()
_INSERT_ENTRIES, _INSERT_HEAD = insert(_ENTRIES), insert(_HEADS)
_UPDATE_HEAD = update(_HEADS).where(_HEADS.c.id == 1)


@dataclass(slots=True)
class _Recorded:
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: object
    data: str | dict[str, Any]  # canonical text, or a dict naming rows not flushed yet


@dataclass(slots=True)
class _Head:
    seq: int
    hash: str
    stored: bool  # False until the first entry ever creates the row


@dataclass
class _Trail:
    """The entries recorded in one transaction; ``entries[:written]`` are in the database."""

    entries: list[_Recorded] = field(default_factory=list)
    written: int = 0
    head: _Head | None = None  # locked when entries are first written, advanced by each write
    savepoints: dict[SessionTransaction, tuple[int, int]] = field(default_factory=dict)  # (entries, written)


def _trail(session: Session) -> _Trail:
    trail = session.info.get(_TRAIL)
    if trail is None:
        trail = session.info[_TRAIL] = _Trail()
    return trail


def _row_key(value: object) -> object:
    """A mapped object stands for its primary key (assigned by the time the entry is written)."""
    if not isinstance(value, Base):
        return value
    identity = inspect(value).identity
    if identity is None:
        raise RuntimeError(f"an audit entry names a {type(value).__name__} that was never flushed")
    return identity[0] if len(identity) == 1 else list(identity)


def record(session: Session, *, actor: str, action: str, entity: str, entity_id: object,
           data: dict[str, Any] | None = None, at: datetime | None = None) -> None:
    """Append one entry to the chain in the caller's transaction (written when it commits)."""
    data = data or {}
    names_rows = any(isinstance(v, Base) for v in data.values())  # else the text is final now
    trail = _trail(session)
    trail.entries.append(_Recorded((at or datetime.now(UTC)).astimezone(UTC), actor, action, entity, entity_id,
                                   data if names_rows else canonical(data)))


def _locked_head(session: Session, trail: _Trail) -> _Head:
    """The head, locked for the rest of the transaction when its entries are first written."""
    if trail.head is None:
        row = session.connection().execute(_LOCK_HEAD).first()
        trail.head = _Head(row.seq, row.hash, True) if row else _Head(0, GENESIS, False)
    return trail.head


def write_entries(session: Session) -> None:
    """Flush the session and write the entries recorded so far (a commit does it by itself)."""
    session.flush()
    _write(session)


def _write(session: Session) -> None:
    trail = session.info.get(_TRAIL)
    if trail is None or trail.written == len(trail.entries):
        return
    head = _locked_head(session, trail)
    seq, prev, rows = head.seq, head.hash, []
    for entry in trail.entries[trail.written:]:
        seq += 1
        entity_id = str(_row_key(entry.entity_id))
        data = entry.data if isinstance(entry.data, str) else canonical(
            {k: _row_key(v) for k, v in entry.data.items()})
        digest = entry_hash(seq, entry.at, entry.actor, entry.action, entry.entity, entity_id, data, prev)
        rows.append({"seq": seq, "at": entry.at, "actor": entry.actor, "action": entry.action, "entity": entry.entity,
                     "entity_id": entity_id, "data": data, "prev_hash": prev, "hash": digest})
        prev = digest
    connection = session.connection()
    connection.execute(_INSERT_ENTRIES, rows)
    if head.stored:
        connection.execute(_UPDATE_HEAD, {"seq": seq, "hash": prev})
    else:
        connection.execute(_INSERT_HEAD, {"id": 1, "seq": seq, "hash": prev})
    head.seq, head.hash, head.stored = seq, prev, True
    trail.written = len(trail.entries)


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    write_entries(session)


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        trail = _trail(session)
        trail.savepoints[transaction] = (len(trail.entries), trail.written)


@event.listens_for(Session, "after_soft_rollback")
def _roll_back(session: Session, transaction: SessionTransaction) -> None:
    """A rolled-back savepoint takes the entries recorded in it; those recorded before it and written
    in it are written again; the head is read again."""
    trail = session.info.get(_TRAIL)
    if trail is None or not transaction.nested:
        return  # the end of the transaction forgets everything
    recorded, written = trail.savepoints.pop(transaction)
    del trail.entries[recorded:]
    trail.written = min(trail.written, written)
    trail.head = None


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_TRAIL, None)


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
    write_entries(session)
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for entry in _entries(session):
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(False, count, expected_seq,
                               f"第 {expected_seq} 条记录缺失（其后现存的下一条为第 {entry.seq} 条）")
        if entry.prev_hash != expected_prev:
            return ChainReport(False, count, entry.seq,
                               f"第 {entry.seq} 条记录未链接到第 {entry.seq - 1} 条（有记录被插入或被重新串链）")
        digest = entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.entity, entry.entity_id,
                            entry.data, entry.prev_hash)
        if digest != entry.hash:
            return ChainReport(False, count, entry.seq, f"第 {entry.seq} 条记录已被改动（哈希值与内容不符）")
        expected_prev, expected_seq = entry.hash, expected_seq + 1
    head = session.get(AuditHead, 1)
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != expected_prev):
        return ChainReport(False, count, last_seq + 1 if head.seq > last_seq else head.seq,
                           f"链头指向第 {head.seq} 条记录，但审计记录止于第 {last_seq} 条"
                           "（末尾的记录被删除，或链头被改动）")
    return ChainReport(True, count)


def history(session: Session, entity: str, entity_id: object) -> list[AuditEntry]:
    """Every entry about one entity, oldest first (a card's or case's timeline)."""
    write_entries(session)
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.seq)
    ))
