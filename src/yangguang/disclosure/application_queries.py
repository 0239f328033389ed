"""Read-only views of applications for government information: the staff list and detail, scoped to
who is asking, and the public progress query by number and query code.

Nothing here changes state (that is :mod:`yangguang.disclosure.service.applications`).
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session, selectinload

from yangguang.core import audit
from yangguang.core.calendar import get_calendar
from yangguang.core.clocks import UNIT_LABELS, Clock, ClockState, ClockUnit, Obligation, local_day, used_units
from yangguang.core.errors import Forbidden, InvalidInput, NotFound
from yangguang.core.org import Person, Role, Unit
from yangguang.core.validation import aware
from yangguang.disclosure.codes import (
    APPLICANT_KIND_LABELS,
    APPLICATION_STATE_LABELS,
    CHANNEL_LABELS,
    CONSULTATION_KIND_LABELS,
    FEE_METHOD_LABELS,
    OUTCOMES,
    REMEDY_KIND_LABELS,
    REMEDY_RESULT_LABELS,
    ApplicationState,
)
from yangguang.disclosure.models import Application, Consultation
from yangguang.disclosure.service._common import iso
from yangguang.disclosure.service.applications import (
    ANSWER_LABELS,
    CONSULTATION_CLOCK,
    DELIVERY_LABELS,
    PAUSE_LABELS,
    REPLY_CLOCK,
    SUBJECT_APPLICATION,
    application_clocks,
)

# The one answer to a wrong number or a wrong query code, so it reveals neither.
PROGRESS_NOT_FOUND = "未找到该申请：请核对申请编号和查询码"
MAX_PER_PAGE = 200


def _now(at: datetime | None) -> datetime:
    return datetime.now(UTC) if at is None else aware(at)


def _scope(person: Person) -> int | None:
    """The organ whose applications ``person`` may read; None: every organ (supervisors, administrators)."""
    if person.has_role(Role.SUPERVISOR) or person.has_role(Role.ADMIN):
        return None
    if person.has_role(Role.DISCLOSURE) or person.has_role(Role.UNIT_HEAD):
        return person.unit_id
    raise Forbidden("actor", f"{person.label} 无权查看政府信息公开申请"
                             "（须为政务公开办人员、单位负责人、纪检监察或系统管理员）")


def _time(session: Session, clock: Clock | None, now: datetime) -> dict[str, Any] | None:
    """Time used and left on a clock, in working days; the reason while paused."""
    if clock is None:
        return None
    used = used_units(get_calendar(session), clock, now)
    total = clock.limit + clock.extension
    paused = clock.state == ClockState.PAUSED
    pause = clock.pauses[-1].reason_code if paused and clock.pauses else None
    return {"limit": total, "unit_label": UNIT_LABELS[ClockUnit(clock.unit)], "used": used,
            "left": max(0, total - used), "overdue": clock.is_overdue(now), "extension": clock.extension,
            "due_on": clock.due_day.isoformat() if clock.due_day else None, "provisional": clock.provisional,
            "paused": paused, "paused_for": PAUSE_LABELS.get(pause, pause) if pause else None,
            "stopped": clock.state == ClockState.STOPPED}


def _summary(session: Session, application: Application, reply: Clock | None, organ: str,
             now: datetime) -> dict[str, Any]:
    outcome = OUTCOMES.get(application.outcome) if application.outcome else None
    return {
        "number": application.number, "organ": organ, "applicant_name": application.applicant_name,
        "applicant_kind": application.applicant_kind,
        "applicant_kind_label": APPLICANT_KIND_LABELS.get(application.applicant_kind),
        "channel": application.channel, "channel_label": CHANNEL_LABELS.get(application.channel),
        "state": application.state, "state_label": APPLICATION_STATE_LABELS.get(application.state),
        "submitted_at": application.submitted_at, "received_on": iso(application.received_on),
        "time": _time(session, reply, now), "outcome": application.outcome,
        "outcome_label": outcome.label if outcome else None, "concluded_on": iso(application.concluded_on),
        "late": application.late,
    }


def staff_applications(session: Session, person: Person, *, state: str | None = None, q: str | None = None,
                       page: int = 1, per_page: int = 20, at: datetime | None = None) -> dict[str, Any]:
    """One page of the applications ``person`` may see, most urgent first: open ones by their reply
    deadline (overdue first), then those without a running deadline (paused, awaiting confirmation),
    then the concluded ones. ``q`` searches the number, the applicant's name and the request."""
    now = _now(at)
    unit_id = _scope(person)
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise InvalidInput("page", "页码应为正整数")
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput("per_page", f"每页条数应为 1–{MAX_PER_PAGE}")
    query = select(Application).outerjoin(Clock, and_(Clock.obligation_id == Application.obligation_id,
                                                      Clock.kind == REPLY_CLOCK))
    if unit_id is not None:
        query = query.where(Application.unit_id == unit_id)
    if state is not None:
        if state not in {s.value for s in ApplicationState}:
            known = "、".join(f"{s.value} {APPLICATION_STATE_LABELS[s]}" for s in ApplicationState)
            raise InvalidInput("state", f"未知的申请状态 {state!r}（{known}）")
        query = query.where(Application.state == state)
    if q and q.strip():
        text = q.strip()
        query = query.where(or_(Application.number.icontains(text, autoescape=True),
                                Application.applicant_name.icontains(text, autoescape=True),
                                Application.content.icontains(text, autoescape=True)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    ordered = query.order_by(when((Application.state == ApplicationState.CONCLUDED, 1), else_=0),
                             Clock.due_at.is_(None), Clock.due_at, Application.id)
    applications = list(session.scalars(ordered.offset((page - 1) * per_page).limit(per_page)))
    obligations = {a.obligation_id for a in applications} - {None}
    replies = {c.obligation_id: c for c in session.scalars(
        select(Clock).where(Clock.obligation_id.in_(obligations), Clock.kind == REPLY_CLOCK)
        .options(selectinload(Clock.pauses)))} if obligations else {}
    organs = {u.id: u.name for u in session.scalars(select(Unit).where(Unit.id.in_({a.unit_id for a in applications})))}
    return {"items": [_summary(session, a, replies.get(a.obligation_id), organs[a.unit_id], now) for a in applications],
            "total": total, "page": page, "per_page": per_page}


def _consultation(session: Session, consultation: Consultation, now: datetime) -> dict[str, Any]:
    clock = session.scalar(select(Clock).where(Clock.obligation_id == consultation.obligation_id,
                                               Clock.kind == CONSULTATION_CLOCK))
    return {"id": consultation.id, "kind": consultation.kind,
            "kind_label": CONSULTATION_KIND_LABELS.get(consultation.kind),
            "party": consultation.party, "sent_at": consultation.sent_at,
            "due_on": iso(clock.due_day) if clock else None,
            "silence_counts": bool(clock and consultation.answer is None and clock.is_overdue(now)),
            "answer": consultation.answer, "answer_label": ANSWER_LABELS.get(consultation.answer),
            "answer_reasons": consultation.answer_reasons, "answered_at": consultation.answered_at}


def _history(session: Session, application: Application) -> list[dict[str, Any]]:
    """The application's audit trail, oldest first."""
    return [{"at": e.at, "actor": e.actor, "action": e.action, "data": json.loads(e.data)}
            for e in audit.history(session, SUBJECT_APPLICATION, application.id)]


def application_detail(session: Session, person: Person, number: str, *, at: datetime | None = None) -> dict[str, Any]:
    """The staff view of one application: applicant, request, clocks, correction, consultations, fee,
    outcome, remedies and history. Another organ's application is answered like an unknown number."""
    now = _now(at)
    unit_id = _scope(person)
    application = session.scalar(select(Application).where(Application.number == number))
    if application is None or (unit_id is not None and application.unit_id != unit_id):
        raise NotFound("number", f"政府信息公开申请 {number!r} 不存在")
    clocks = application_clocks(session, application)
    organ = session.get(Unit, application.unit_id).name
    handler = session.get(Person, application.handler_id) if application.handler_id else None
    obligation = session.get(Obligation, application.obligation_id) if application.obligation_id else None
    return {
        **_summary(session, application, clocks.get(REPLY_CLOCK), organ, now),
        "query_code": application.query_code, "applicant_id_number": application.applicant_id_number,
        "contact_phone": application.contact_phone, "contact_email": application.contact_email,
        "contact_address": application.contact_address, "content": application.content,
        "delivery": application.delivery, "delivery_label": DELIVERY_LABELS.get(application.delivery),
        "signed_for_on": iso(application.signed_for_on), "confirmed_on": iso(application.confirmed_on),
        "handler": handler.label if handler else None,
        "clocks": {kind: {**_time(session, clock, now), "start_at": clock.start_at, "due_at": clock.due_at,
                          "pauses": [{"reason_code": p.reason_code, "reason": p.reason, "started_at": p.started_at,
                                      "ended_at": p.ended_at} for p in clock.pauses]}
                   for kind, clock in clocks.items()},
        "obligation_state": obligation.state if obligation else None,
        "correction": {"items": application.correction_items.split("\n"),
                       "deadline": iso(application.correction_deadline),
                       "corrected_on": iso(application.corrected_on)} if application.correction_items else None,
        "consultations": [_consultation(session, c, now) for c in application.consultations],
        "fee": {"method": application.fee_method, "method_label": FEE_METHOD_LABELS.get(application.fee_method),
                "monthly_count": application.fee_monthly_count, "pages": application.fee_pages,
                "amount_fen": application.fee_fen, "deadline": iso(application.fee_deadline),
                "paid_on": iso(application.fee_paid_on)} if application.fee_method else None,
        "outcome_row": application.outcome_row, "outcome_reason": application.outcome_reason,
        "outcome_basis": OUTCOMES[application.outcome].basis if application.outcome else None,
        "right_organ": application.right_organ, "where_published": application.where_published,
        "remedies": [{"id": r.id, "kind": r.kind, "kind_label": REMEDY_KIND_LABELS.get(r.kind),
                      "case_number": r.case_number, "filed_on": iso(r.filed_on), "result": r.result,
                      "result_label": REMEDY_RESULT_LABELS.get(r.result), "concluded_on": iso(r.concluded_on)}
                     for r in application.remedies],
        "history": _history(session, application),
    }


def public_progress(session: Session, number: str, query_code: str, *, at: datetime | None = None) -> dict[str, Any]:
    """What the applicant sees with the number and query code: never any personal data nor the request.

    A wrong number and a wrong query code give the same NotFound, so the answer reveals neither.
    """
    now = _now(at)
    application = session.scalar(select(Application).where(Application.number == str(number)))
    if application is None or not secrets.compare_digest(application.query_code.encode(), str(query_code).encode()):
        raise NotFound("number", PROGRESS_NOT_FOUND)
    reply = application_clocks(session, application).get(REPLY_CLOCK)
    time = _time(session, reply, now)
    concluded = application.state == ApplicationState.CONCLUDED
    outcome = OUTCOMES[application.outcome] if concluded else None
    return {
        "number": application.number, "organ": session.get(Unit, application.unit_id).name,
        "state": application.state, "state_label": APPLICATION_STATE_LABELS[ApplicationState(application.state)],
        "submitted_on": local_day(application.submitted_at).isoformat(),
        "received_on": iso(application.received_on), "due_on": time["due_on"] if time else None,
        "paused_for": time["paused_for"] if time else None, "extended_days": time["extension"] if time else 0,
        "correction_deadline": iso(application.correction_deadline)
        if application.state == ApplicationState.CORRECTION else None,
        "fee_fen": application.fee_fen or None, "fee_deadline": iso(application.fee_deadline)
        if application.state == ApplicationState.AWAITING_FEE else None,
        "outcome_label": outcome.label if outcome else None, "concluded_on": iso(application.concluded_on),
    }
