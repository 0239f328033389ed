"""The only code that changes a card's state: acknowledgement, rectification, review, closure.

[approval-and-supervision.md, "Levels and timing"]: a card notifies the responsible unit and person;
"the unit must rectify and report back within a limit (configurable, default 5 working days), late
rectification escalates. Cards are permanent records." States::

    issued ──acknowledge──▶ acknowledged
      │                         │
      └────submit_rectification─┴──▶ rectified ──accept──▶ closed
                                       ▲      └──reject──▶ rectifying ──submit──┘
    close_card (supervisor): any state but closed ──▶ closed

Who may act: the unit head of the card's unit or a supervisor acknowledges; the unit (its head or
the responsible person) reports, with evidence files (整改证明材料: PDF, JPEG, PNG or DOCX of at most
5 MB, the type judged by the content's magic bytes); only a supervisor (纪检监察) reviews, closes or
issues a card by hand.
A rejected report sends the card back with its rectification clock still running (if it is already
past due, the next sweep escalates). Every change writes an audit entry on the card; the card's
timeline is its audit history. Functions take a session and never commit.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core import audit, clocks, notify
from yangguang.core.clocks import Obligation, ObligationState
from yangguang.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from yangguang.core.org import Person, Role, Unit, get_person, get_unit, require_role
from yangguang.supervision import engine
from yangguang.supervision.models import CARD_STATE_LABELS, Card, CardState, Evidence, Rectification
from yangguang.supervision.registry import CATEGORIES, LEVEL_LABELS, Level

OPEN_FOR_REPORT = (CardState.ISSUED, CardState.ACKNOWLEDGED, CardState.RECTIFYING)
MANUAL_RULE = "supervision.manual"  # the rule code of the cards a supervisor issues by hand
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EVIDENCE_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", DOCX: "DOCX"}
UNSPECIFIC_TYPES = ("", "application/octet-stream")  # what a client declares when it does not know
TYPE_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "application/x-pdf": "application/pdf"}


def get_card(session: Session, card: Card | str | int, field: str = "card") -> Card:
    if isinstance(card, Card):
        return card
    found = session.get(Card, card) if isinstance(card, int) else \
        session.scalar(select(Card).where(Card.number == str(card).strip()))
    if found is None:
        raise NotFound(field, f"监察牌 {card!r} 不存在")
    return found


def _now(at: datetime | None) -> datetime:
    return at or datetime.now(UTC)


def _state(card: Card, allowed: tuple[CardState, ...], action: str) -> None:
    if card.state not in allowed:
        raise Conflict("card", f"监察牌 {card.number} 当前状态为「{CARD_STATE_LABELS[CardState(card.state)]}」，"
                               f"不能{action}")


def _rectification_obligation(session: Session, card: Card) -> Obligation | None:
    if card.rectification_obligation_id is None:
        return None
    return session.get(Obligation, card.rectification_obligation_id)


def _tell_unit(session: Session, card: Card, subject: str, body: str, at: datetime) -> None:
    """Inbox to the card's responsible person and the unit's heads."""
    people = engine.unit_heads(session, card.unit_id)
    if card.person_id is not None:
        people.insert(0, session.get(Person, card.person_id))
    seen: set[int] = set()
    for person in people:
        if person.id not in seen:
            seen.add(person.id)
            notify.notify_person(session, person, subject=subject, body=body, ref=engine.card_ref(card),
                                 link=engine.card_link(card.number), at=at, external=False)


def acknowledge(session: Session, card: Card | str | int, *, actor: str, at: datetime | None = None,
                note: str = "") -> Card:
    """签收: the unit head of the card's unit, or a supervisor."""
    card, person, at = get_card(session, card), get_person(session, actor), _now(at)
    if not (person.has_role(Role.SUPERVISOR) or (person.has_role(Role.UNIT_HEAD) and person.unit_id == card.unit_id)):
        raise Forbidden("actor", f"{person.label} 既不是该卡责任单位的负责人，也不是纪检监察人员")
    _state(card, (CardState.ISSUED,), "签收")
    card.state, card.acknowledged_at = CardState.ACKNOWLEDGED, at
    audit.record(session, actor=person.login, action="card.acknowledge", entity="card", entity_id=card.id,
                 data={"note": note}, at=at)
    return card


def _may_report(person: Person, card: Card) -> None:
    if not (person.id == card.person_id or (person.has_role(Role.UNIT_HEAD) and person.unit_id == card.unit_id)):
        raise Forbidden("actor", f"{person.label} 既不是该卡责任单位的负责人，也不是该卡的责任人")


def _open_for_report(card: Card, action: str) -> None:
    if card.rectification_obligation_id is None:
        raise Conflict("card", f"监察牌 {card.number} 本身不要求整改")
    _state(card, OPEN_FOR_REPORT, action)


def sniff_type(content: bytes) -> str | None:
    """The evidence type ``content`` really is, by its magic bytes (a DOCX is a ZIP archive holding a
    Word document part); None for anything else."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"PK\x03\x04"):
        try:  # only the central directory is read: nothing is decompressed
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except Exception:  # any archive that cannot be read is not a DOCX
            return None
        if {"[Content_Types].xml", "word/document.xml"} <= names:
            return DOCX
    return None


def _evidence_name(filename: str) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if not name:
        raise InvalidInput("file", "文件没有名称")
    if len(name) > 200:
        raise InvalidInput("file", "文件名超过 200 个字符")
    return name


def add_evidence(session: Session, card: Card | str | int, *, actor: str, filename: str, content: bytes,
                 declared_type: str | None = None, at: datetime | None = None) -> Evidence:
    """整改证明材料: a file for the card's next rectification report, by whoever may report it. The
    type is judged by the content; a declared type that says otherwise is refused."""
    card, person, at = get_card(session, card), get_person(session, actor), _now(at)
    _may_report(person, card)
    _open_for_report(card, "上传整改证明材料")
    name = _evidence_name(filename)
    if not content:
        raise InvalidInput("file", f"文件 {name} 是空的")
    if len(content) > MAX_EVIDENCE_BYTES:
        raise InvalidInput("file", f"文件 {name} 超过 {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB")
    detected = sniff_type(content)
    if detected is None:
        raise InvalidInput("file", f"文件 {name} 不是 PDF、JPEG、PNG 或 DOCX 文件")
    declared = (declared_type or "").split(";", 1)[0].strip().lower()
    declared = TYPE_ALIASES.get(declared, declared)
    if declared not in UNSPECIFIC_TYPES and declared != detected:
        raise InvalidInput("file", f"文件 {name} 声明为 {declared}，但内容是 {EVIDENCE_TYPES[detected]}")
    evidence = Evidence(card_id=card.id, filename=name, content_type=detected, size=len(content),
                        sha256=hashlib.sha256(content).hexdigest(), content=content, uploaded_at=at,
                        uploaded_by=person.login)
    session.add(evidence)
    session.flush()
    audit.record(session, actor=person.login, action="card.evidence_add", entity="card", entity_id=card.id,
                 data={"evidence_id": evidence.id, "filename": name, "content_type": detected, "size": evidence.size,
                       "sha256": evidence.sha256}, at=at)
    return evidence


def _unreported_evidence(session: Session, card: Card, ids: list[int]) -> list[Evidence]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {e.id: e for e in session.scalars(select(Evidence).where(
        Evidence.id.in_(wanted), Evidence.card_id == card.id, Evidence.rectification_id.is_(None)))}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise InvalidInput("evidence_files", f"监察牌 {card.number} 没有待报送的证明材料 "
                                             f"{', '.join(map(str, missing))}")
    return [found[i] for i in wanted]


def submit_rectification(session: Session, card: Card | str | int, *, actor: str, text: str,
                         evidence: list[str] | None = None, evidence_files: list[int] | None = None,
                         at: datetime | None = None) -> Rectification:
    """报送整改情况: by the unit (its head or the card's responsible person). ``evidence`` names
    documents in words; ``evidence_files`` are ids of files uploaded with :func:`add_evidence`."""
    card, person, at = get_card(session, card), get_person(session, actor), _now(at)
    _may_report(person, card)
    _open_for_report(card, "报送整改情况")
    if not text or not text.strip():
        raise InvalidInput("text", "整改报告须写明整改情况")
    files = _unreported_evidence(session, card, evidence_files or [])
    evidence = [str(e).strip() for e in (evidence or []) if str(e).strip()]
    report = Rectification(card_id=card.id, submitted_at=at, submitted_by=person.login, text=text.strip(),
                           evidence=evidence)
    session.add(report)
    card.state = CardState.RECTIFIED
    session.flush()
    for file in files:
        file.rectification_id = report.id
    audit.record(session, actor=person.login, action="card.rectification_submit", entity="card", entity_id=card.id,
                 data={"rectification_id": report.id, "text": report.text, "evidence": evidence,
                       "evidence_files": [f.id for f in files]}, at=at)
    return report


def _pending_report(session: Session, card: Card) -> Rectification:
    report = session.scalar(select(Rectification).where(Rectification.card_id == card.id,
                                                        Rectification.verdict.is_(None))
                            .order_by(Rectification.id.desc()).limit(1))
    if report is None:  # pragma: no cover - a rectified card always has its report
        raise Conflict("card", f"监察牌 {card.number} 没有待审核的整改报告")
    return report


def _supervisor(session: Session, actor: str) -> Person:
    person = get_person(session, actor)
    require_role(person, Role.SUPERVISOR)
    return person


def accept_rectification(session: Session, card: Card | str | int, *, actor: str, at: datetime | None = None,
                         note: str = "") -> Card:
    """The supervisor accepts the report: the rectification order is done and the card closed."""
    card, person, at = get_card(session, card), _supervisor(session, actor), _now(at)
    _state(card, (CardState.RECTIFIED,), "审核通过整改")
    report = _pending_report(session, card)
    report.reviewed_by, report.reviewed_at, report.verdict, report.review_note = person.login, at, "accepted", note
    obligation = _rectification_obligation(session, card)
    if obligation is not None and obligation.state == ObligationState.OPEN:
        clocks.close_obligation(session, obligation, at=at, actor=person.login)
    card.state, card.closed_at = CardState.CLOSED, at
    audit.record(session, actor=person.login, action="card.rectification_accept", entity="card", entity_id=card.id,
                 data={"rectification_id": report.id, "note": note}, at=at)
    _tell_unit(session, card, f"【整改通过】{card.number}", f"{card.number} 的整改情况已审核通过，监察事项办结。{note}",
               at)
    return card


def reject_rectification(session: Session, card: Card | str | int, *, actor: str, note: str,
                         at: datetime | None = None) -> Card:
    """The supervisor sends the report back; the rectification clock keeps running."""
    card, person, at = get_card(session, card), _supervisor(session, actor), _now(at)
    _state(card, (CardState.RECTIFIED,), "退回整改")
    if not note or not note.strip():
        raise InvalidInput("note", "退回整改须写明退回理由")
    report = _pending_report(session, card)
    report.reviewed_by, report.reviewed_at, report.verdict, report.review_note = person.login, at, "rejected", note
    card.state = CardState.RECTIFYING
    obligation = _rectification_obligation(session, card)
    due = None
    for clock in obligation.clocks if obligation is not None else []:
        if clock.state != clocks.ClockState.STOPPED:
            clocks.recompute(session, clock)  # re-arm: a passed due moment is judged by the next sweep
            due = clock.due_at
    audit.record(session, actor=person.login, action="card.rectification_reject", entity="card", entity_id=card.id,
                 data={"rectification_id": report.id, "note": note}, at=at)
    deadline = f"请于 {engine.due_text(due)} 前重新报送。" if due else ""
    _tell_unit(session, card, f"【整改退回】{card.number}", f"{card.number} 的整改情况被退回：{note}。{deadline}", at)
    return card


def close_card(session: Session, card: Card | str | int, *, actor: str, note: str,
               at: datetime | None = None) -> Card:
    """The supervisor closes a card (a warning dealt with, a card issued in error); an open
    rectification order is cancelled. The card stays on record."""
    card, person, at = get_card(session, card), _supervisor(session, actor), _now(at)
    _state(card, (CardState.ISSUED, CardState.ACKNOWLEDGED, CardState.RECTIFYING, CardState.RECTIFIED), "办结")
    if not note or not note.strip():
        raise InvalidInput("note", "办结监察牌须填写说明")
    obligation = _rectification_obligation(session, card)
    if obligation is not None and obligation.state == ObligationState.OPEN:
        clocks.close_obligation(session, obligation, at=at, actor=person.login, state=ObligationState.CANCELLED)
    card.state, card.closed_at = CardState.CLOSED, at
    audit.record(session, actor=person.login, action="card.close", entity="card", entity_id=card.id,
                 data={"note": note}, at=at)
    return card


def issue_manual_card(session: Session, *, actor: str, level: str, unit: str | int, reason: str,
                      person: str | int | None = None, category: str = "其他", obligation_id: int | None = None,
                      at: datetime | None = None) -> Card:
    """A supervisor issues a card by hand (a violation found by inspection or a complaint)."""
    supervisor, at = _supervisor(session, actor), _now(at)
    try:
        level = Level(level)
    except ValueError as exc:
        raise InvalidInput("level", f"未知的级别 {level!r}（warning 预警、yellow 黄牌、red 红牌）") from exc
    target = get_unit(session, unit, field="unit")
    responsible = get_person(session, person, field="person") if person is not None else None
    if responsible is not None and responsible.unit_id != target.id:
        raise InvalidInput("person", f"{responsible.label} 不是{target.name}的工作人员")
    if not reason or not reason.strip():
        raise InvalidInput("reason", "须写明发牌事由")
    if category not in CATEGORIES:
        raise InvalidInput("category", f"未知的类别 {category!r}（{'、'.join(CATEGORIES)}）")
    obligation = session.get(Obligation, obligation_id) if obligation_id is not None else None
    if obligation_id is not None and obligation is None:
        raise NotFound("obligation_id", f"受监察事项 {obligation_id} 不存在")
    subject, subject_id = (obligation.subject, obligation.subject_id) if obligation else ("unit", str(target.id))
    return engine.raise_card(
        session, rule_code=MANUAL_RULE, rule_name=f"人工{LEVEL_LABELS[level]}", category=category,
        level=level, reason=reason.strip(), subject=subject, subject_id=subject_id, unit_id=target.id,
        person_id=responsible.id if responsible else None, obligation_id=obligation_id,
        dedupe_key=f"{MANUAL_RULE}:{uuid.uuid4().hex}", at=at, actor=supervisor.login)


# -- reading ----------------------------------------------------------------------------------------
def timeline(session: Session, card: Card | str | int) -> list[dict[str, Any]]:
    """The card's history: its audit entries, oldest first."""
    card = get_card(session, card)
    return [{"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action, "data": json.loads(e.data)}
            for e in audit.history(session, "card", card.id)]


def list_cards(session: Session, *, level: str | None = None, unit: str | int | None = None,
               state: str | None = None, rule: str | None = None, limit: int = 200) -> list[Card]:
    query = select(Card).order_by(Card.issued_at.desc(), Card.id.desc()).limit(limit)
    if level is not None:
        if level not in {lv.value for lv in Level}:
            raise InvalidInput("level", f"未知的级别 {level!r}（warning 预警、yellow 黄牌、red 红牌）")
        query = query.where(Card.level == level)
    if state is not None:
        if state not in {s.value for s in CardState}:
            raise InvalidInput("state", f"未知的状态 {state!r}（{', '.join(s.value for s in CardState)}）")
        query = query.where(Card.state == state)
    if unit is not None:
        query = query.where(Card.unit_id == get_unit(session, unit).id)
    if rule is not None:
        query = query.where(Card.rule_code == rule)
    return list(session.scalars(query))


def card_dict(session: Session, card: Card) -> dict[str, Any]:
    unit = session.get(Unit, card.unit_id)
    person = session.get(Person, card.person_id) if card.person_id else None
    escalated = session.get(Card, card.escalated_from_id) if card.escalated_from_id else None
    obligation = _rectification_obligation(session, card)
    rect_due = next((c.due_at for c in obligation.clocks), None) if obligation else None
    return {"number": card.number, "level": card.level, "level_label": LEVEL_LABELS[Level(card.level)],
            "rule_code": card.rule_code, "rule_name": card.rule_name, "category": card.category,
            "reason": card.reason, "subject": card.subject, "subject_id": card.subject_id,
            "obligation_id": card.obligation_id, "unit": unit.code, "unit_name": unit.name,
            "person": person.login if person else None, "person_name": person.name if person else None,
            "issued_at": card.issued_at, "issued_by": card.issued_by, "state": card.state,
            "state_label": CARD_STATE_LABELS[CardState(card.state)],
            "escalated_from": escalated.number if escalated else None, "rectification_due": rect_due,
            "acknowledged_at": card.acknowledged_at, "closed_at": card.closed_at}
