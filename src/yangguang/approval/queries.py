"""Read-only views of cases: the staff list and detail, and the public progress query (办件进度查询).

Nothing here changes state (that is :mod:`yangguang.approval.service`).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from yangguang.approval.codes import HANDLING_FORM
from yangguang.approval.models import Case, CaseNotice, FeeCharge
from yangguang.approval.service import (
    DECISIONS,
    PAUSE_LABELS,
    STATE_LABELS,
    CaseState,
    StepState,
    aware,
    case_clocks,
    get_case,
    local_date,
)
from yangguang.core.calendar import get_calendar
from yangguang.core.clocks import UNIT_LABELS, Clock, ClockState, ClockUnit, used_units
from yangguang.core.errors import InvalidInput, NotFound
from yangguang.core.org import Person, Unit, Window, get_unit


def list_cases(session: Session, *, unit: str | int | None = None, state: str | None = None, limit: int = 50,
               offset: int = 0) -> list[Case]:
    query = select(Case).options(joinedload(Case.item)).order_by(Case.received_at.desc(), Case.id.desc())
    if unit is not None:
        query = query.where(Case.unit_id == get_unit(session, unit).id)
    if state is not None:
        if state not in {s.value for s in CaseState}:
            raise InvalidInput("state", f"unknown case state {state!r} ({', '.join(CaseState)})")
        query = query.where(Case.state == state)
    if limit <= 0 or limit > 1000 or offset < 0:
        raise InvalidInput("limit", "limit must be 1–1000 and offset not negative")
    return list(session.scalars(query.limit(limit).offset(offset)))


def _time(session: Session, clock: Clock, now: datetime) -> dict[str, Any]:
    """Time used and left on a clock, in its own unit (working days for licensing limits [Art. 82])."""
    used = used_units(get_calendar(session), clock, now)
    total = clock.limit + clock.extension
    return {"limit": total, "time_unit": clock.unit, "unit_label": UNIT_LABELS[ClockUnit(clock.unit)],
            "used": used, "left": max(0, total - used), "overdue": clock.is_overdue(now),
            "due_on": clock.due_day.isoformat() if clock.due_day else None, "provisional": clock.provisional,
            "paused": clock.state == ClockState.PAUSED}


def case_progress(session: Session, number: str, query_code: str, *, at: datetime | None = None) -> dict[str, Any]:
    """The public progress view (办件进度查询): never any of the applicant's personal data.

    A wrong number and a wrong query code give the same NotFound, so the answer reveals neither.
    """
    now = aware(at) if at is not None else datetime.now(UTC)
    case = session.scalar(select(Case).where(Case.number == number))
    if case is None or not secrets.compare_digest(case.query_code.encode(), str(query_code).encode()):
        raise NotFound("case", "no case with this number and query code")
    units = {u.id: u.name for u in session.scalars(
        select(Unit).where(Unit.id.in_({case.unit_id} | {r.unit_id for r in case.steps})))}
    clocks = case_clocks(session, case)
    view: dict[str, Any] = {
        "number": case.number, "item": case.item.name, "unit": units[case.unit_id], "state": case.state,
        "state_label": STATE_LABELS[CaseState(case.state)], "received_on": local_date(case.received_at),
        "accepted_on": local_date(case.accepted_at), "completed_on": local_date(case.completed_at),
        "delivered_on": local_date(case.delivered_at),
        "result": DECISIONS.get(case.decision) if case.completed_at else None,
        "steps_done": [{"step": r.name, "unit": units[r.unit_id], "done_on": local_date(r.done_at)}
                       for r in case.steps if r.state == StepState.DONE],
        "current": [{"step": r.name, "unit": units[r.unit_id], "since": local_date(r.started_at)}
                    for r in case.steps if r.state == StepState.ACTIVE],
        "time": _time(session, clocks["promised"], now) if "promised" in clocks else None,
    }
    if case.state == CaseState.SUSPENDED:
        pause = clocks["promised"].pauses[-1]
        view["suspended"] = {"reason": PAUSE_LABELS.get(pause.reason_code, pause.reason_code),
                             "since": local_date(pause.started_at)}
    return view


def case_detail(session: Session, number: str, *, at: datetime | None = None) -> dict[str, Any]:
    """The staff view of a case: applicant, materials, steps, clocks, notices, fees."""
    now = aware(at) if at is not None else datetime.now(UTC)
    case = get_case(session, number)
    people = {p.id: p.label for p in session.scalars(
        select(Person).where(Person.id.in_({r.actor_id for r in case.steps} | {case.accepted_by} - {None})))}
    units = {u.id: u.name for u in session.scalars(
        select(Unit).where(Unit.id.in_({case.unit_id} | {r.unit_id for r in case.steps})))}
    clocks = case_clocks(session, case)
    notices = session.scalars(select(CaseNotice).where(CaseNotice.case_id == case.id).order_by(CaseNotice.id))
    fees = session.scalars(select(FeeCharge).where(FeeCharge.case_id == case.id).order_by(FeeCharge.id))
    return {
        "number": case.number, "query_code": case.query_code, "item": case.item.name,
        "item_code": case.item.impl_code, "item_version": case.item_version, "unit": units[case.unit_id],
        "window": session.get(Window, case.window_id).number if case.window_id else None,
        "channel": case.channel, "channel_label": HANDLING_FORM.get(case.channel, case.channel),
        "state": case.state, "state_label": STATE_LABELS[CaseState(case.state)], "parallel": case.parallel,
        "applicant": {"name": case.applicant_name, "type": case.applicant_type,
                      "id_number": case.applicant_id_number, "phone": case.applicant_phone},
        "received_at": case.received_at, "accepted_at": case.accepted_at,
        "accepted_by": people.get(case.accepted_by), "decision": case.decision, "decision_basis": case.decision_basis,
        "decided_at": case.decided_at, "completed_at": case.completed_at, "delivered_at": case.delivered_at,
        "result_number": case.result_number, "fee_charged_fen": case.fee_charged_fen,
        "satisfaction": case.satisfaction,
        "materials": [{"name": m.name, "required": m.required, "provided": m.provided} for m in case.materials],
        "steps": [{"seq": r.seq, "step": r.name, "role": r.role, "unit": units[r.unit_id], "share": r.share,
                   "state": r.state, "started_at": r.started_at, "done_at": r.done_at,
                   "actor": people.get(r.actor_id), "outcome": r.outcome, "note": r.note} for r in case.steps],
        "clocks": [{"kind": kind, **_time(session, c, now), "start_at": c.start_at, "due_at": c.due_at,
                    "extension": c.extension, "state": c.state,
                    "pauses": [{"reason": p.reason, "started_at": p.started_at, "ended_at": p.ended_at}
                               for p in c.pauses]} for kind, c in clocks.items()],
        "notices": [{"kind": n.kind, "issued_at": n.issued_at, "missing": n.missing, "text": n.text}
                    for n in notices],
        "fees": [{"amount_fen": f.amount_fen, "basis": f.basis, "charged_at": f.charged_at,
                  "within_standard": f.within_standard} for f in fees],
    }
