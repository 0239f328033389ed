"""Read-only views of cases: the staff list, detail and work queue, scoped to who is asking, and the
public progress query (办件进度查询).

Nothing here changes state (that is :mod:`yangguang.approval.service`).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from yangguang.approval.codes import HANDLING_FORM
from yangguang.approval.models import Case, CaseNotice, CaseStep, FeeCharge, Item
from yangguang.approval.service import (
    DECISIONS,
    PAUSE_LABELS,
    STATE_LABELS,
    SUBJECT_CASE,
    SUBJECT_STEP,
    CaseState,
    StepState,
    case_clocks,
    get_case,
    local_date,
)
from yangguang.core import audit
from yangguang.core.calendar import get_calendar, start_of_day
from yangguang.core.clocks import UNIT_LABELS, Clock, ClockState, ClockUnit, used_units
from yangguang.core.db import MAX_INT
from yangguang.core.errors import InvalidInput, NotFound
from yangguang.core.org import Person, Unit, Window, get_unit
from yangguang.core.settings import get_settings
from yangguang.core.validation import aware


# -- who sees which case ----------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseScope:
    """The cases a person may see.

    ``unit_id`` None: every case (supervisors and administrators). Otherwise the cases *touching* the
    unit: of its own items, received at one of its windows, or with a step it holds (a department of
    a parallel approval). ``finance``: the finance window takes the fee of any case, so it reads any
    case by number and its lists also hold every case awaiting a fee.
    """

    unit_id: int | None
    finance: bool = False


# A fee is awaited once the case is accepted and until it is delivered, when its item charges one.
AWAITING_FEE_STATES = (CaseState.IN_PROGRESS, CaseState.SUSPENDED, CaseState.COMPLETED)


def _touching(unit) -> Any:
    """Cases touching ``unit`` (an id, or a bound parameter for a statement built once). The subqueries
    are correlated, so each reaches the case's own window and steps through their keys and indexes."""
    return or_(Case.unit_id == unit,
               select(Window.id).where(Window.id == Case.window_id, Window.unit_id == unit).exists(),
               select(CaseStep.id).where(CaseStep.case_id == Case.id, CaseStep.unit_id == unit).exists())


def _awaiting_fee() -> Any:
    return and_(Case.state.in_(AWAITING_FEE_STATES), Case.fee_charged_fen == 0,
                Case.item_id.in_(select(Item.id).where(Item.charges.is_(True))))


# Built once: the step-action route runs this on every call (see docs/architecture.md, hot paths).
_CASE = select(Case).where(Case.number == bindparam("number")).options(joinedload(Case.steps))
_SCOPED_CASE = _CASE.where(_touching(bindparam("unit")))


def find_case(session: Session, number: str, scope: CaseScope) -> Case:
    """The case numbered ``number`` with its steps (one query), if ``scope`` may see it.

    A case out of scope is answered exactly like one that does not exist, so its number reveals nothing.
    """
    if scope.unit_id is None or scope.finance:
        found = session.scalars(_CASE, {"number": number}).unique().one_or_none()
    else:
        found = session.scalars(_SCOPED_CASE, {"number": number, "unit": scope.unit_id}).unique().one_or_none()
    if found is None:
        raise NotFound("number", f"办件 {number!r} 不存在")
    return found


# The one answer to a wrong number or a wrong query code, so it reveals neither.
PROGRESS_NOT_FOUND = "未找到该办件：请核对办件编号和查询码"


def cases_query(*, scope: CaseScope | None = None, unit_id: int | None = None, state: str | None = None,
                item: str | None = None, number_prefix: str | None = None, received_from: date | None = None,
                received_to: date | None = None, awaiting_fee: bool = False) -> Select:
    """Cases newest first, filtered; ``received_from``/``received_to`` are local days, both included."""
    query = select(Case).options(joinedload(Case.item).joinedload(Item.unit)).order_by(Case.received_at.desc(),
                                                                                        Case.id.desc())
    if scope is not None and scope.unit_id is not None:
        query = query.where(or_(_touching(scope.unit_id), _awaiting_fee()) if scope.finance
                            else _touching(scope.unit_id))
    if unit_id is not None:
        query = query.where(Case.unit_id == unit_id)
    if state is not None:
        if state not in {s.value for s in CaseState}:
            states = "、".join(f"{s.value} {STATE_LABELS[s]}" for s in CaseState)
            raise InvalidInput("state", f"未知的办件状态 {state!r}（{states}）")
        query = query.where(Case.state == state)
    if item:
        query = query.where(Case.item_id.in_(select(Item.id).where(Item.impl_code == item)))
    if number_prefix:
        query = query.where(Case.number.startswith(number_prefix, autoescape=True))
    if received_from and received_to and received_to < received_from:
        raise InvalidInput("received_to", f"收件日期止 {received_to} 早于收件日期起 {received_from}")
    if received_from:
        query = query.where(Case.received_at >= start_of_day(received_from, get_settings().zone))
    if received_to:
        query = query.where(Case.received_at < start_of_day(received_to + timedelta(days=1), get_settings().zone))
    if awaiting_fee:
        query = query.where(_awaiting_fee())
    return query


def list_cases(session: Session, *, unit: str | int | None = None, state: str | None = None, limit: int = 50,
               offset: int = 0) -> list[Case]:
    if limit <= 0 or limit > 1000 or offset < 0:
        raise InvalidInput("limit", "每页条数应为 1–1000，偏移量不能为负数")
    unit_id = get_unit(session, unit).id if unit is not None else None
    return list(session.scalars(cases_query(unit_id=unit_id, state=state).limit(limit).offset(offset)).unique())


# -- the work queue (待办) -----------------------------------------------------------------------------
_STEP_CLOCK, _PROMISED = aliased(Clock), aliased(Clock)
# The earlier of the step's own due moment and the case's promised one (NULL while both are paused).
_DEADLINE = when((_STEP_CLOCK.due_at.is_(None), _PROMISED.due_at), (_PROMISED.due_at.is_(None), _STEP_CLOCK.due_at),
                 (_STEP_CLOCK.due_at < _PROMISED.due_at, _STEP_CLOCK.due_at), else_=_PROMISED.due_at)


def queue_query(unit_id: int, roles: list[str]) -> Select:
    """The active steps ``unit_id`` holds that one of ``roles`` does, most urgent first: by the earlier
    of the step's due moment (its share of the promise) and the case's promised one, so overdue steps
    come first; steps of suspended cases (clocks paused, nothing due) come last."""
    return (select(CaseStep).join(Case, Case.id == CaseStep.case_id)
            .outerjoin(_STEP_CLOCK, and_(_STEP_CLOCK.obligation_id == CaseStep.obligation_id,
                                         _STEP_CLOCK.kind == "step"))
            .outerjoin(_PROMISED, and_(_PROMISED.obligation_id == Case.obligation_id, _PROMISED.kind == "promised"))
            .where(CaseStep.state == StepState.ACTIVE, CaseStep.unit_id == unit_id, CaseStep.role.in_(roles))
            .order_by(_DEADLINE.is_(None), _DEADLINE, CaseStep.id))


def queue_entries(session: Session, steps: list[CaseStep], *, at: datetime | None = None) -> list[dict[str, Any]]:
    """One page of the queue with each step's case and the time left on the step and on the case's
    promise (two queries for the whole page)."""
    now = aware(at) if at is not None else datetime.now(UTC)
    if not steps:
        return []
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_({r.case_id for r in steps}))
                                              .options(joinedload(Case.item)))}
    obligations = ({r.obligation_id for r in steps} | {c.obligation_id for c in cases.values()}) - {None}
    clocks = {(c.obligation_id, c.kind): c for c in session.scalars(
        select(Clock).where(Clock.obligation_id.in_(obligations)).options(selectinload(Clock.pauses)))}
    entries = []
    for row in steps:
        case = cases[row.case_id]
        step_clock, promised = clocks.get((row.obligation_id, "step")), clocks.get((case.obligation_id, "promised"))
        step_time = _time(session, step_clock, now) if step_clock else None
        case_time = _time(session, promised, now) if promised else None
        due = [c.due_at for c in (step_clock, promised) if c is not None and c.due_at is not None]
        entries.append({
            "number": case.number, "item": case.item.name, "item_code": case.item.impl_code, "step": row.name,
            "seq": row.seq, "role": row.role, "state": case.state, "state_label": STATE_LABELS[CaseState(case.state)],
            "started_at": row.started_at, "deadline": min(due) if due else None,
            "overdue": any(t is not None and t["overdue"] for t in (step_time, case_time)),
            "step_time": step_time, "case_time": case_time})
    return entries


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
        raise NotFound("case", PROGRESS_NOT_FOUND)
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


def _step_clocks(session: Session, case: Case) -> dict[int, Clock]:
    """The running or stopped clock of each step's obligation (time share of that step)."""
    ids = [r.obligation_id for r in case.steps if r.obligation_id]
    if not ids:
        return {}
    return {c.obligation_id: c for c in session.scalars(select(Clock).where(Clock.obligation_id.in_(ids)))}


def _step_time(clock: Clock | None, now: datetime) -> dict[str, Any]:
    if clock is None:
        return {"due_on": None, "overdue": False}
    return {"due_on": clock.due_day.isoformat() if clock.due_day else None, "overdue": clock.is_overdue(now)}


def case_detail(session: Session, case: Case | str, *, at: datetime | None = None) -> dict[str, Any]:
    """The staff view of a case: applicant, materials, steps, clocks, notices, fees, its history and a
    pending extension request."""
    now = aware(at) if at is not None else datetime.now(UTC)
    case = case if isinstance(case, Case) else get_case(session, case)
    people = {p.id: p.label for p in session.scalars(
        select(Person).where(Person.id.in_({r.actor_id for r in case.steps} | {case.accepted_by} - {None})))}
    units = {u.id: u.name for u in session.scalars(
        select(Unit).where(Unit.id.in_({case.unit_id} | {r.unit_id for r in case.steps})))}
    clocks = case_clocks(session, case)
    notices = session.scalars(select(CaseNotice).where(CaseNotice.case_id == case.id).order_by(CaseNotice.id))
    fees = session.scalars(select(FeeCharge).where(FeeCharge.case_id == case.id).order_by(FeeCharge.id))
    history = case_history(session, case)
    step_clocks = _step_clocks(session, case)
    promised = clocks.get("promised")
    pause = promised.pauses[-1].reason_code if case.state == CaseState.SUSPENDED and promised else None
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
        "item_charges": case.item.charges, "fee_basis": case.item.fee_basis,
        "fee_standard_fen": case.item.fee_standard_fen if case.item.charges else None,
        "satisfaction": case.satisfaction,
        "suspended_for": pause, "suspended_label": PAUSE_LABELS.get(pause, pause) if pause else None,
        "materials": [{"id": m.material_id, "name": m.name, "required": m.required, "provided": m.provided}
                      for m in case.materials],
        "steps": [{"seq": r.seq, "step": r.name, "role": r.role, "unit": units[r.unit_id], "share": r.share,
                   "state": r.state, "started_at": r.started_at, "done_at": r.done_at,
                   "actor": people.get(r.actor_id), "outcome": r.outcome, "note": r.note,
                   **_step_time(step_clocks.get(r.obligation_id), now)} for r in case.steps],
        "clocks": [{"kind": kind, **_time(session, c, now), "start_at": c.start_at, "due_at": c.due_at,
                    "extension": c.extension, "state": c.state,
                    "pauses": [{"reason_code": p.reason_code, "reason": p.reason, "started_at": p.started_at,
                                "ended_at": p.ended_at}
                               for p in c.pauses]} for kind, c in clocks.items()],
        "notices": [{"kind": n.kind, "issued_at": n.issued_at, "missing": n.missing, "text": n.text}
                    for n in notices],
        "fees": [{"amount_fen": f.amount_fen, "basis": f.basis, "charged_at": f.charged_at,
                  "within_standard": f.within_standard} for f in fees],
        "history": history,
        "extension_request": _pending_extension(case, clocks, history),
    }


def receivable_items(session: Session, unit_id: int, code: str | None = None) -> list[Item]:
    """Items a window may receive (一窗受理: any active item), the window's own department's first; with
    ``code``, only that item (with its materials)."""
    query = (select(Item).where(Item.active.is_(True)).options(joinedload(Item.unit), selectinload(Item.materials))
             .order_by(Item.unit_id != unit_id, Item.impl_code))
    if code is not None:
        query = query.where(Item.impl_code == code)
    return list(session.scalars(query))


def case_receipt(session: Session, case: Case) -> dict[str, Any]:
    """What the applicant takes away at receipt: the case number, the query code and, while required
    materials are missing, the one-time notice listing all of them [行政许可法 Art. 32]."""
    notice = None
    if case.state == CaseState.AWAITING_MATERIALS:
        notice = session.scalars(select(CaseNotice).where(CaseNotice.case_id == case.id, CaseNotice.kind == "materials")
                                 .order_by(CaseNotice.id.desc()).limit(1)).first()
    return {"number": case.number, "query_code": case.query_code, "item": case.item.name,
            "applicant": case.applicant_name, "received_at": case.received_at, "state": case.state,
            "state_label": STATE_LABELS[CaseState(case.state)],
            "missing": [m.name for m in case.materials if m.required and not m.provided],
            "notice": notice and {"kind": notice.kind, "issued_at": notice.issued_at, "missing": notice.missing,
                                  "text": notice.text}}


HISTORY_LABELS = {
    "approval.case_received": "收件", "approval.notice_issued": "出具一次性告知书",
    "approval.materials_supplied": "补充材料", "approval.case_accepted": "受理",
    "approval.application_refused": "不予受理", "approval.step_done": "办理环节",
    "approval.case_completed": "办结", "approval.case_delivered": "送达",
    "approval.special_procedure_begun": "开始特别程序", "approval.special_procedure_ended": "结束特别程序",
    "approval.correction_requested": "通知补正", "approval.correction_received": "收到补正材料",
    "approval.extension_requested": "申请延期", "approval.case_extended": "批准延期", "approval.fee_charged": "收费",
    "approval.rated": "评价", "refused:approval.action_refused": "操作被拒绝并记录",
}
# What a history row shows of its audit entry, in this order, with the label it is shown under.
HISTORY_FIELDS = {"step": "环节", "outcome": "结果", "kind": "类型", "days": "天数", "reason": "理由",
                  "provided": "补充材料", "missing": "尚缺材料", "amount_fen": "金额", "result_number": "结果文号"}


def case_history(session: Session, case: Case) -> list[dict[str, Any]]:
    """The case's audit trail, oldest first: when, who, what (refused attempts included). Material ids
    are shown as the materials' names."""
    names = {m.material_id: m.name for m in case.materials}
    entries = []
    for entry in audit.history(session, SUBJECT_CASE, case.id):
        data = json.loads(entry.data)
        if "provided" in data:
            data["provided"] = [names.get(material_id, str(material_id)) for material_id in data["provided"]]
        shown = [(label, data[key], key) for key, label in HISTORY_FIELDS.items()
                 if data.get(key) not in (None, "", [])]
        entries.append({"at": entry.at, "actor": entry.actor, "action": entry.action,
                        "label": HISTORY_LABELS.get(entry.action, entry.action), "fields": shown,
                        "data": dict((key, value) for _, value, key in shown)})
    return entries


def _pending_extension(case: Case, clocks: dict[str, Clock], history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The latest extension request of an open case not extended since [行政许可法 Art. 42]."""
    if case.state not in (CaseState.IN_PROGRESS, CaseState.SUSPENDED) or any(c.extension for c in clocks.values()):
        return None
    asked = [e for e in history if e["action"] == "approval.extension_requested"]
    if not asked:
        return None
    last = asked[-1]
    return {"days": last["data"]["days"], "reason": last["data"].get("reason", ""), "by": last["actor"],
            "at": last["at"]}


def case_number_of(session: Session, subject: str, subject_id: str) -> str | None:
    """The number of the case a supervised subject is (a case) or belongs to (one of its steps), so a
    card can link to its case; None for any other subject."""
    if not subject_id.isdecimal() or int(subject_id) > MAX_INT:
        return None
    if subject == SUBJECT_CASE:
        query = select(Case.number).where(Case.id == int(subject_id))
    elif subject == SUBJECT_STEP:
        query = select(Case.number).join(CaseStep, CaseStep.case_id == Case.id).where(CaseStep.id == int(subject_id))
    else:
        return None
    return session.scalar(query)
