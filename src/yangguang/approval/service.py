"""Case lifecycle of the approval module (办件): the only code that changes a case.

Receipt and the one-time notice [行政许可法 Art. 32], acceptance with the case's promised and statutory
clocks, the fixed steps (流程固化) with a clock per step, parallel approval (并联审批), special
procedures and corrections whose time is not counted [Art. 45], one extension [Art. 42], fees, the
applicant's rating (好差评), and the public progress query.

Every function takes the session, the acting person (a :class:`Person` or a login) and the moment
``at`` (timezone-aware; the demo builder and benchmarks replay past years with it). None commits.
Each change writes an audit entry and emits an :class:`Event`; the supervision engine reacts to the
events and to the clocks — this module raises no cards and does no deadline arithmetic of its own
(clocks live in :mod:`yangguang.core.clocks`).

Actions that are monitoring points — a step out of order, an action without the authority for it —
are refused through :func:`yangguang.core.events.refuse`: nothing of the action is written, the
attempt is recorded in a transaction of its own (so the caller's uncommitted work is rolled back
too), and the error is raised.

Events (subject ``approval_case`` with the case id unless noted; ``data`` always has ``case``, the
case number; ``breach`` where given is the supervision engine's deduplication key):

* ``approval.notice_issued`` — missing
* ``approval.case_accepted`` — item, channel, online_only, missing_required, parallel, window_id
* ``approval.application_refused`` — materials_complete, has_legal_basis, reason
* ``approval.step_done`` (subject ``approval_case_step``) — step, seq, outcome, used, late
* ``approval.decided`` — decision, has_legal_basis
* ``approval.case_completed`` — decision, window_id, promised_limit, promised_used, time_unit, late,
  statutory_late
* ``approval.case_delivered`` — result_number
* ``approval.special_procedure_begun`` — kind, expected_days; ``..._ended`` — kind, excluded
* ``approval.correction_requested`` — missing; ``approval.correction_received`` — excluded
* ``approval.case_extended`` — days, reason, promised_due, statutory_due
* ``approval.extension_requested`` — days, reason (the head's approval is asked for)
* ``approval.fee_charged`` — amount_fen, standard_fen, has_basis, within_standard, item_charges, breach
* ``approval.rated`` — rating (A.8 code), channel, window_id
* ``approval.action_refused`` (via ``refuse``) — reason (out_of_order | unauthorised), step, actor, breach
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, NoReturn

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from yangguang.approval.codes import HANDLING_FORM, SATISFACTION, SERVICE_OBJECT, SPECIAL_PROCEDURE_KINDS
from yangguang.approval.models import Case, CaseMaterial, CaseNotice, CaseStep, FeeCharge, Item
from yangguang.core import audit
from yangguang.core.calendar import start_of_day
from yangguang.core.clocks import (
    Clock,
    ClockState,
    ClockUnit,
    Obligation,
    ObligationState,
    assign_obligation,
    close_obligation,
    extend_clock,
    local_day,
    open_obligation,
    pause_clock,
    resume_clock,
    start_clock,
)
from yangguang.core.db import MAX_INT
from yangguang.core.errors import Conflict, Forbidden, InvalidInput, NotFound, YangguangError
from yangguang.core.events import Event, emit, refuse
from yangguang.core.notify import notify_person
from yangguang.core.org import (
    ROLE_LABELS,
    Person,
    Role,
    Unit,
    Window,
    get_person,
    get_window,
    require_role,
    staff_with_role,
)
from yangguang.core.settings import get_settings
from yangguang.core.validation import aware

# -- vocabulary ---------------------------------------------------------------------------------------
CASE_OBLIGATION = "approval.case"  # the whole case: clocks "promised" and "statutory"
STEP_OBLIGATION = "approval.step"  # one step (one branch of a parallel step): clock "step"
SUBJECT_CASE = "approval_case"
SUBJECT_STEP = "approval_case_step"


class CaseState(StrEnum):
    AWAITING_MATERIALS = "awaiting_materials"  # received, one-time notice issued, not accepted
    IN_PROGRESS = "in_progress"
    SUSPENDED = "suspended"  # special procedure or correction: clocks paused
    REFUSED = "refused"  # 不予受理
    COMPLETED = "completed"  # 办结
    DELIVERED = "delivered"  # 送达


STATE_LABELS = {
    CaseState.AWAITING_MATERIALS: "待补齐材料", CaseState.IN_PROGRESS: "办理中", CaseState.SUSPENDED: "暂停计时",
    CaseState.REFUSED: "不予受理", CaseState.COMPLETED: "已办结", CaseState.DELIVERED: "已送达",
}


class StepState(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    DONE = "done"


DECIDE_STEP, COMPLETE_STEP, DELIVER_STEP = "决定", "办结", "送达"
DECISIONS = {"grant": "准予许可", "deny": "不予许可"}
CORRECTION = "correction"  # pause reason code of a correction (补正) during review
PAUSE_LABELS = {**SPECIAL_PROCEDURE_KINDS, CORRECTION: "补正材料"}
RATING_CHANNELS = {"web": "网站", "mobile": "移动端", "qr": "二维码", "terminal": "大厅评价器", "phone": "电话",
                   "sms": "短信"}

# 行政许可法 Art. 42: a decision within 20 days, +10 with the agency head's approval; unified, joint or
# centralised handling (parallel approval) within 45 days, +15 with the government head's approval.
# A parallel case runs under the joint-handling limit of the law, whatever its lead item's own
# statutory limit: the case is one joint procedure of several departments, not the item handled alone.
EXTENSION_MAX = 10
PARALLEL_STATUTORY_LIMIT = 45
PARALLEL_EXTENSION_MAX = 15
# 行政许可法 Art. 43: where a lower organ reviews first and forwards to the higher one that decides, the
# lower organ forwards within 20 days of acceptance (a step marked 初审 in the catalogue).
FIRST_REVIEW_LIMIT = 20
FIRST_REVIEW_CLOCK = "first_review"


@dataclass(frozen=True)
class Applicant:
    name: str
    type: str  # 服务对象 A.4
    id_number: str = ""
    phone: str = ""


# -- small helpers ------------------------------------------------------------------------------------

def _state(case: Case) -> str:
    """The case's state as users read it (待补齐材料, 办理中...)."""
    return STATE_LABELS.get(case.state, case.state)


def _role_names(roles: Iterable[str]) -> str:
    """Roles as users read them: 审批人员 / 审批人员或单位负责人 / 窗口人员、审批人员或单位负责人."""
    names = [ROLE_LABELS.get(r, r) for r in roles]
    return "、".join(names[:-1]) + "或" + names[-1] if len(names) > 1 else "".join(names)


def _person(session: Session, actor: Person | str, field: str = "actor") -> Person:
    if isinstance(actor, Person):
        if not actor.active:
            raise NotFound(field, f"人员 {actor.login!r} 已停用")
        return actor
    return get_person(session, actor, field)


_CASE_BY_NUMBER = select(Case).where(Case.number == bindparam("number")).options(joinedload(Case.steps))


def get_case(session: Session, number: str) -> Case:
    """The case numbered ``number`` with its steps (one query)."""
    case = session.scalars(_CASE_BY_NUMBER, {"number": number}).unique().one_or_none()
    if case is None:
        raise NotFound("number", f"办件 {number!r} 不存在")
    return case


def _case(session: Session, case: Case | str) -> Case:
    return case if isinstance(case, Case) else get_case(session, case)


def _event(case: Case, type_: str, *, unit_id: int, person_id: int | None, obligation_id: int | None,
           at: datetime, **data: Any) -> Event:
    return Event(type=type_, subject=SUBJECT_CASE, subject_id=str(case.id), unit_id=unit_id, person_id=person_id,
                 obligation_id=obligation_id, data={"case": case.number, **data}, at=at)


def _record(session: Session, actor: str, action: str, case: Case, at: datetime, **data: Any) -> None:
    audit.record(session, actor=actor, action=action, entity=SUBJECT_CASE, entity_id=case,
                 data={"number": case.number, **data}, at=at)


def _refuse_action(session: Session, case: Case, actor: Person, *, reason: str, step: str, error: YangguangError,
                   obligation_id: int | None, at: datetime) -> NoReturn:
    """A monitoring point: roll back, record the attempt and its event, raise ``error``."""
    event = Event(type="approval.action_refused", subject=SUBJECT_CASE, subject_id=str(case.id),
                  unit_id=actor.unit_id, person_id=actor.id, obligation_id=obligation_id,
                  data={"reason": reason, "step": step, "case": case.number, "actor": actor.login,
                        "breach": f"case:{case.id}:{step}:{actor.login}"}, at=at)
    refuse(session, error, event, actor=actor.login)


def _unauthorised(session: Session, case: Case, actor: Person, step: str, why: str, at: datetime) -> NoReturn:
    _refuse_action(session, case, actor, reason="unauthorised", step=step, obligation_id=case.obligation_id, at=at,
                   error=Forbidden("actor", f"{actor.label} 无权办理办件 {case.number} 的「{step}」：{why}"))


def _require(session: Session, case: Case, actor: Person, step: str, roles: Iterable[Role],
             units: Iterable[int], at: datetime) -> None:
    """Refuse (and record) an action by someone without one of ``roles`` in one of ``units``."""
    roles = tuple(roles)
    if not any(actor.has_role(r) for r in roles):
        _unauthorised(session, case, actor, step, f"须由{_role_names(roles)}办理", at)
    if actor.unit_id not in set(units):
        _unauthorised(session, case, actor, step, "该办件不在其所在部门办理", at)


def local_date(moment: datetime | None) -> str | None:
    return local_day(moment).isoformat() if moment else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _cn_date(moment: datetime) -> str:
    day = local_day(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def _letter(session: Session, title: str, case: Case, body: str, unit_id: int, at: datetime) -> str:
    """A written notice to the applicant, in the usual shape of an administrative letter."""
    unit = session.get(Unit, unit_id)
    return (f"{title}\n\n{case.applicant_name}：\n你（单位）于{_cn_date(case.received_at)}申请办理的“{case.item.name}”"
            f"（编号：{case.number}）{body}\n\n{unit.name}\n{_cn_date(at)}")


_OBLIGATIONS = select(Obligation).where(Obligation.id.in_(bindparam("ids", expanding=True))).order_by(Obligation.id)
_WITH_CLOCKS = _OBLIGATIONS.options(joinedload(Obligation.clocks))
_WITH_CLOCKS_AND_PAUSES = _OBLIGATIONS.options(joinedload(Obligation.clocks).selectinload(Clock.pauses))


def _live_obligations(session: Session, case: Case, *, pauses: bool = True) -> list[Obligation]:
    """The case obligation and the obligations of its active steps, with their clocks (and pauses)."""
    ids = [case.obligation_id] + [r.obligation_id for r in case.steps if r.state == StepState.ACTIVE]
    ids = [i for i in ids if i is not None]
    if not ids:
        return []
    return list(session.scalars(_WITH_CLOCKS_AND_PAUSES if pauses else _WITH_CLOCKS, {"ids": ids}).unique())


def case_clocks(session: Session, case: Case) -> dict[str, Clock]:
    if case.obligation_id is None:
        return {}
    clocks = session.scalars(select(Clock).where(Clock.obligation_id == case.obligation_id)
                             .options(selectinload(Clock.pauses)))
    return {c.kind: c for c in clocks}


# -- receipt and acceptance ---------------------------------------------------------------------------
def _applicant(value: Applicant | Mapping[str, str]) -> Applicant:
    if isinstance(value, Mapping):
        unknown = set(value) - {"name", "type", "id_number", "phone"}
        if unknown:
            raise InvalidInput("applicant", f"未知的字段：{'、'.join(sorted(unknown))}")
        value = Applicant(**{k: str(v) for k, v in value.items()})
    if not value.name.strip():
        raise InvalidInput("applicant.name", "申请人姓名不能为空")
    if value.type not in SERVICE_OBJECT:
        raise InvalidInput("applicant.type", f"{value.type!r} 不是服务对象代码（A.4：1–6）")
    if len(value.id_number) > 40 or len(value.phone) > 20:
        raise InvalidInput("applicant", "证件号码不能超过 40 个字符，联系电话不能超过 20 个字符")
    return value


def _match_materials(item: Item, given: Iterable[int | str]) -> set[int]:
    by_id = {m.id: m for m in item.materials}
    by_name = {m.name: m for m in item.materials}
    found: set[int] = set()
    for value in given:
        if isinstance(value, int) and not isinstance(value, bool) and value in by_id:
            found.add(value)
        elif isinstance(value, str) and value.strip() in by_name:
            found.add(by_name[value.strip()].id)
        else:
            raise InvalidInput("materials", f"{value!r} 不是事项 {item.impl_code} 的申请材料")
    return found


def _missing(case: Case) -> list[CaseMaterial]:
    return [m for m in case.materials if m.required and not m.provided]


_LAST_NUMBER = select(func.max(Case.number)).where(Case.number.like(bindparam("pattern")))


def _next_number(session: Session, unit_code: str, at: datetime) -> str:
    """Readable and unique: year, the item unit's code, a six-digit sequence (e.g. 2026SCJ000042)."""
    prefix = f"{local_day(at).year}{unit_code}"
    last = session.scalar(_LAST_NUMBER, {"pattern": prefix + "_" * 6})
    seq = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    if seq > 999_999:
        raise Conflict("number", f"以 {prefix} 开头的办件编号已用完")
    return f"{prefix}{seq:06d}"


_ITEM_BY_CODE = (select(Item).where(Item.impl_code == bindparam("code"))
                 .options(joinedload(Item.unit), joinedload(Item.steps), joinedload(Item.materials)))


def receive_application(session: Session, *, item_code: str, clerk: Person | str, window_number: str | None,
                        channel: str, applicant: Applicant | Mapping[str, str],
                        materials: Iterable[int | str] = (), at: datetime, force_accept: bool = False) -> Case:
    """Receive an application at a window (or online) and accept it when the materials are complete.

    Missing required materials: the case is received, not accepted, and the applicant gets one notice
    listing everything to supply at once [行政许可法 Art. 32]. ``force_accept`` accepts anyway — a
    monitoring point ("accepted without the required materials"), reported in the event.
    """
    at = aware(at)
    clerk = _person(session, clerk, "clerk")
    require_role(clerk, Role.CLERK, field="clerk")
    item = session.scalars(_ITEM_BY_CODE, {"code": item_code}).unique().one_or_none()
    if item is None:
        raise NotFound("item", f"实施编码为 {item_code!r} 的事项不存在")
    if not item.active:
        raise NotFound("item", f"事项 {item_code} 已不在目录中")
    if not item.steps:
        raise InvalidInput("item", f"事项 {item_code} 未设置固定的办理流程环节")
    window = get_window(session, window_number) if window_number else None
    if channel not in HANDLING_FORM:
        raise InvalidInput("channel", f"{channel!r} 不是办理形式代码（A.5：1、2、3、4、9）")
    person = _applicant(applicant)
    provided = _match_materials(item, materials)
    parallel_units = _parallel_units(session, item)
    unit = item.unit

    case = Case(number=_next_number(session, unit.code, at), query_code=f"{secrets.randbelow(10**6):06d}",
                item_id=item.id, item_version=item.version, unit_id=item.unit_id,
                window_id=window.id if window else None, channel=channel, applicant_name=person.name.strip(),
                applicant_type=person.type, applicant_id_number=person.id_number, applicant_phone=person.phone,
                state=CaseState.AWAITING_MATERIALS, parallel=len(parallel_units) > 1, received_at=at, steps=[])
    case.item = item
    case.materials = [CaseMaterial(material_id=m.id, name=m.name, required=m.required, provided=m.id in provided)
                      for m in item.materials]
    session.add(case)
    missing = _missing(case)
    _record(session, clerk.login, "approval.case_received", case, at, item=item.impl_code, channel=channel,
            provided=sorted(provided), missing=[m.name for m in missing])
    if missing and not force_accept:
        session.flush()  # the notice names the case
        _issue_materials_notice(session, case, clerk, missing, at)
    else:
        _accept(session, case, clerk, window, parallel_units, at)
    return case


def _parallel_units(session: Session, item: Item) -> list[int]:
    """The departments of a parallel step: the item's own unit and its co-implementing ones (并联审批)."""
    if not any(s.parallel for s in item.steps) or not item.co_units:
        return [item.unit_id]
    units = {u.code: u.id for u in session.scalars(select(Unit).where(Unit.code.in_(item.co_units)))}
    unknown = [code for code in item.co_units if code not in units]
    if unknown:
        raise InvalidInput("item", f"事项 {item.impl_code} 的共同实施部门 {'、'.join(unknown)} 不存在")
    return list(dict.fromkeys([item.unit_id, *(units[c] for c in item.co_units)]))


def _issue_materials_notice(session: Session, case: Case, clerk: Person, missing: list[CaseMaterial],
                            at: datetime) -> CaseNotice:
    forms = {m.id: m for m in case.item.materials}
    lines = []
    for n, m in enumerate(missing, 1):
        spec = forms.get(m.material_id)
        lines.append(f"{n}. {m.name}" + (f"（{spec.form}，{spec.copies}份）" if spec else ""))
    text = _letter(session, "一次性告知书", case,
                   "，申请材料不齐全。根据《中华人民共和国行政许可法》第三十二条的规定，现一次性告知你（单位）需要补正的"
                   "全部材料如下：\n" + "\n".join(lines)
                   + "\n请补齐上述全部材料后凭编号提交。材料齐全之日起受理，办理时限自受理之日起计算。",
                   case.unit_id, at)
    notice = CaseNotice(case_id=case.id, kind="materials", issued_at=at, issued_by=clerk.id,
                        missing=[m.name for m in missing], text=text)
    session.add(notice)
    case.state = CaseState.AWAITING_MATERIALS
    _record(session, clerk.login, "approval.notice_issued", case, at, missing=notice.missing)
    emit(session, _event(case, "approval.notice_issued", unit_id=case.unit_id, person_id=clerk.id,
                         obligation_id=None, at=at, missing=list(notice.missing)))
    return notice


def _accept(session: Session, case: Case, clerk: Person, window: Window | None, parallel_units: list[int],
            at: datetime) -> None:
    """Accept: number the steps, open the case obligation with its promised and statutory clocks
    [Art. 42; 承诺时限], do the first step (受理) and start the next."""
    item = case.item
    clerk_unit = window.unit_id if window else item.unit_id
    rows = []
    for step in item.steps:
        if step.role == Role.CLERK:
            units = [clerk_unit]  # window steps belong to the window that received the case (一窗受理)
        elif step.parallel:
            units = parallel_units
        else:
            units = [item.unit_id]
        rows += [CaseStep(seq=step.seq, name=step.name, role=step.role, unit_id=u, share=step.share,
                          forwards=step.forwards, state=StepState.PENDING, outcome="", note="") for u in units]
    case.steps = rows
    case.state, case.item_version = CaseState.IN_PROGRESS, item.version
    case.accepted_at, case.accepted_by = at, clerk.id
    session.flush()  # the case and its steps get the ids their obligations name
    obligation = open_obligation(session, kind=CASE_OBLIGATION, subject=SUBJECT_CASE, subject_id=case.id,
                                 title=f"{case.number} {item.name}"[:300], unit_id=item.unit_id,
                                 person_id=clerk.id, window_id=case.window_id, at=at, actor=clerk.login)
    case.obligation = obligation
    extension_max = PARALLEL_EXTENSION_MAX if case.parallel else EXTENSION_MAX
    start_clock(session, obligation, kind="promised", unit=item.promised_unit, limit=item.promised_limit,
                start_at=at, actor=clerk.login, extension_max=extension_max)
    statutory_limit, statutory_unit = item.statutory_limit, item.statutory_unit
    if case.parallel:
        statutory_limit, statutory_unit = PARALLEL_STATUTORY_LIMIT, ClockUnit.WORKDAYS
    start_clock(session, obligation, kind="statutory", unit=statutory_unit, limit=statutory_limit, start_at=at,
                actor=clerk.login, extension_max=extension_max)
    for first in (r for r in rows if r.seq == rows[0].seq):  # 受理 is done by accepting
        first.state, first.started_at, first.done_at, first.actor_id, first.outcome = (
            StepState.DONE, at, at, clerk.id, "done")
    last = not _start_next(session, case, first, clerk.login, at)
    missing = [m.name for m in _missing(case)]
    _record(session, clerk.login, "approval.case_accepted", case, at, missing_required=missing,
            parallel=case.parallel)
    session.flush()  # the event names the case obligation (the new steps' obligations get their ids too)
    emit(session, _event(case, "approval.case_accepted", unit_id=item.unit_id, person_id=clerk.id,
                         obligation_id=obligation.id, at=at, item=item.impl_code, channel=case.channel,
                         online_only=item.online_only, missing_required=missing, parallel=case.parallel,
                         window_id=case.window_id))
    _finish(session, case, first, clerk, at, last=last)


def supply_materials(session: Session, case: Case | str, clerk: Person | str, materials: Iterable[int | str], *,
                     at: datetime, force_accept: bool = False) -> Case:
    """The applicant supplies materials after a one-time notice: accept when now complete, otherwise a
    new notice listing everything still missing [Art. 32]."""
    at = aware(at)
    case = _case(session, case)
    clerk = _person(session, clerk, "clerk")
    require_role(clerk, Role.CLERK, field="clerk")
    if case.state != CaseState.AWAITING_MATERIALS:
        raise Conflict("case", f"办件 {case.number} 当前状态为「{_state(case)}」，不在待补齐材料状态")
    provided = _match_materials(case.item, materials)
    parallel_units = _parallel_units(session, case.item)
    for m in case.materials:
        if m.material_id in provided:
            m.provided = True
    missing = _missing(case)
    _record(session, clerk.login, "approval.materials_supplied", case, at, provided=sorted(provided),
            missing=[m.name for m in missing])
    if missing and not force_accept:
        _issue_materials_notice(session, case, clerk, missing, at)
    else:
        window = session.get(Window, case.window_id) if case.window_id else None
        case.parallel = len(parallel_units) > 1
        _accept(session, case, clerk, window, parallel_units, at)
    return case


def refuse_application(session: Session, case: Case | str, clerk: Person | str, reason: str, legal_basis: str, *,
                       at: datetime) -> CaseNotice:
    """不予受理 with a written decision giving the reason and basis [行政许可法 Art. 32].

    Possible while the case awaits materials, or right after acceptance before any department acted
    (the acceptance is then withdrawn and its obligations cancelled). The event reports whether the
    materials were complete: refusing a valid application is a monitoring point [trigger 1].
    """
    at = aware(at)
    case = _case(session, case)
    clerk = _person(session, clerk, "clerk")
    require_role(clerk, Role.CLERK, field="clerk")
    if not reason.strip():
        raise InvalidInput("reason", "不予受理须写明理由")
    started = [r for r in case.steps[1:] if r.state == StepState.DONE]
    if case.state not in (CaseState.AWAITING_MATERIALS, CaseState.IN_PROGRESS) or started:
        raise Conflict("case", f"办件 {case.number} 当前状态为「{_state(case)}」，已过受理环节，不能再作出不予受理决定")
    for obligation in _live_obligations(session, case):
        close_obligation(session, obligation, at=at, actor=clerk.login, state=ObligationState.CANCELLED)
    for row in case.steps:
        if row.state == StepState.ACTIVE:
            row.state = StepState.PENDING
    complete = not _missing(case)
    text = _letter(session, "不予受理决定书", case,
                   f"，经审查，决定不予受理。\n理由：{reason.strip()}\n依据：{legal_basis.strip() or '（未载明）'}\n"
                   "如不服本决定，可以依法申请行政复议或者提起行政诉讼。", case.unit_id, at)
    notice = CaseNotice(case_id=case.id, kind="refusal", issued_at=at, issued_by=clerk.id, missing=[], text=text)
    session.add(notice)
    case.state = CaseState.REFUSED
    _record(session, clerk.login, "approval.application_refused", case, at, reason=reason, legal_basis=legal_basis,
            materials_complete=complete)
    emit(session, _event(case, "approval.application_refused", unit_id=case.unit_id, person_id=clerk.id,
                         obligation_id=case.obligation_id, at=at, materials_complete=complete,
                         has_legal_basis=bool(legal_basis.strip()), reason=reason))
    return notice


# -- the fixed steps ----------------------------------------------------------------------------------
def _activate(session: Session, case: Case, rows: list[CaseStep], actor: str, at: datetime) -> None:
    """Start steps: each row gets an obligation of its department and, with a share, its clock; a first
    review forwarded to the higher organ (初审) also the 20-working-day clock of 行政许可法 Art. 43.

    Shares count in the unit of the promised limit (catalogue-format.md, 流程环节), as the case's
    promised clock has it since acceptance. A share of 0 (only in the catalogue's default flow of a
    very short promise) gives the step no clock of its own: the case's promised clock bounds it.
    """
    case_obligation = case.obligation
    unit = next(c.unit for c in case_obligation.clocks if c.kind == "promised")
    for row in rows:
        obligation = open_obligation(session, kind=STEP_OBLIGATION, subject=SUBJECT_STEP, subject_id=row.id,
                                     title=f"{case_obligation.title}·{row.name}"[:300], unit_id=row.unit_id, at=at,
                                     actor=actor)
        row.state, row.started_at, row.obligation = StepState.ACTIVE, at, obligation
        if row.share > 0:
            start_clock(session, obligation, kind="step", unit=unit, limit=row.share, start_at=at, actor=actor)
        if row.forwards:  # the statutory limit of a first review, counted from acceptance [Art. 43]
            start_clock(session, obligation, kind=FIRST_REVIEW_CLOCK, unit="workdays", limit=FIRST_REVIEW_LIMIT,
                        start_at=case.accepted_at or at, actor=actor)


def _start_next(session: Session, case: Case, row: CaseStep, actor: str, at: datetime) -> bool:
    """Activate the step after ``row``'s; False when there is none."""
    following = [r for r in case.steps if r.seq > row.seq]
    if following:
        seq = min(r.seq for r in following)
        _activate(session, case, [r for r in following if r.seq == seq], actor, at)
    return bool(following)


def _finish(session: Session, case: Case, row: CaseStep, actor: Person, at: datetime, *, last: bool) -> None:
    """After ``row``'s step: complete the case at 办结 (or after the last step), deliver it at 送达."""
    if row.name == COMPLETE_STEP or (last and case.completed_at is None):
        _complete(session, case, actor, at)
    if row.name == DELIVER_STEP:
        case.state, case.delivered_at = CaseState.DELIVERED, at
        emit(session, _event(case, "approval.case_delivered", unit_id=row.unit_id, person_id=actor.id,
                             obligation_id=row.obligation_id, at=at, result_number=case.result_number))


def _advance(session: Session, case: Case, row: CaseStep, actor: Person, at: datetime) -> None:
    """After ``row`` is done: when every branch of its step is done, activate the next step and finish
    the case at 办结 (or after the last step)."""
    if any(r.seq == row.seq and r.state != StepState.DONE for r in case.steps):
        return  # parallel approval waits for every department
    last = not _start_next(session, case, row, actor.login, at)
    _finish(session, case, row, actor, at, last=last)


def _complete(session: Session, case: Case, actor: Person, at: datetime) -> None:
    """办结: close the case obligation, which stops its clocks."""
    obligation = case.obligation
    close_obligation(session, obligation, at=at, actor=actor.login)
    case.state, case.completed_at = CaseState.COMPLETED, at
    clocks = {c.kind: c for c in obligation.clocks}
    promised, statutory = clocks["promised"], clocks["statutory"]
    _record(session, actor.login, "approval.case_completed", case, at, used=promised.used)
    emit(session, _event(case, "approval.case_completed", unit_id=case.unit_id, person_id=actor.id,
                         obligation_id=obligation.id, at=at, decision=case.decision, window_id=case.window_id,
                         promised_limit=promised.limit + promised.extension, promised_used=promised.used,
                         time_unit=promised.unit, late=promised.is_overdue(at),
                         statutory_late=statutory.is_overdue(at)))


def act_on_step(session: Session, case: Case | str, step_name: str, actor: Person | str, *, at: datetime,
                note: str = "", decision: str | None = None, legal_basis: str = "",
                result_number: str = "") -> CaseStep:
    """Do the active step ``step_name`` of a case (流程固化).

    A step that is not the active one (skipped, repeated, out of order) is refused with Conflict, an
    actor without the step's role or outside its department with Forbidden; both are recorded as
    monitoring points [approval-and-supervision.md, trigger 8]. 决定 takes ``decision`` (grant/deny)
    and, for a denial, the legal basis [行政许可法 Art. 38]; 办结 completes the case; 送达 delivers the
    result (``result_number``) [Art. 44]. In a parallel step each department does its own branch.
    """
    at = aware(at)
    case = _case(session, case)
    actor = _person(session, actor)
    named = [r for r in case.steps if r.name == step_name]
    if not named:
        if not case.steps:
            _refuse_action(session, case, actor, reason="out_of_order", step=step_name,
                           obligation_id=case.obligation_id, at=at,
                           error=Conflict("step", f"办件 {case.number} 当前状态为「{_state(case)}」，没有可办理的环节"))
        raise InvalidInput("step", f"「{step_name}」不是办件 {case.number} 的办理环节"
                                   f"（{'、'.join(dict.fromkeys(r.name for r in case.steps))}）")
    if named[0].role not in actor.roles:
        _unauthorised(session, case, actor, step_name, f"该环节须由{_role_names([named[0].role])}办理", at)
    mine = [r for r in named if r.unit_id == actor.unit_id]
    if not mine:
        _unauthorised(session, case, actor, step_name, "该环节不在其所在部门办理", at)
    row = next((r for r in mine if r.state == StepState.ACTIVE), None)
    if row is None:
        state = mine[0].state
        why = "该环节已办理" if state == StepState.DONE else "前序环节尚未办理"
        if case.state not in (CaseState.IN_PROGRESS, CaseState.SUSPENDED, CaseState.COMPLETED):
            why = f"办件当前状态为「{_state(case)}」"
        active = "、".join(r.name for r in case.steps if r.state == StepState.ACTIVE) or "无"
        _refuse_action(session, case, actor, reason="out_of_order", step=step_name, obligation_id=case.obligation_id,
                       at=at, error=Conflict("step", f"办件 {case.number} 现在不能办理「{step_name}」：{why}"
                                                     f"（当前环节：{active}）"))
    if case.state == CaseState.SUSPENDED:
        raise Conflict("case", f"办件 {case.number} 正在暂停计时（特别程序或补正期间），请先恢复计时")
    if row.name == DECIDE_STEP and decision not in DECISIONS:
        raise InvalidInput("decision", f"决定环节须作出决定（grant 准予许可、deny 不予许可），输入值为 {decision!r}")

    live = {o.id: o for o in _live_obligations(session, case, pauses=False)}  # the step's, and the case's for 办结
    obligation = live[row.obligation_id]
    assign_obligation(session, obligation, person_id=actor.id, at=at, actor=actor.login)
    close_obligation(session, obligation, at=at, actor=actor.login)
    row.state, row.done_at, row.actor_id, row.note = StepState.DONE, at, actor.id, note
    row.outcome = decision if row.name == DECIDE_STEP else "done"
    step_clock = next(iter(obligation.clocks), None)
    _record(session, actor.login, "approval.step_done", case, at, step=row.name, unit_id=row.unit_id,
            outcome=row.outcome, note=note)
    emit(session, Event(type="approval.step_done", subject=SUBJECT_STEP, subject_id=str(row.id), unit_id=row.unit_id,
                        person_id=actor.id, obligation_id=obligation.id, at=at,
                        data={"case": case.number, "step": row.name, "seq": row.seq, "outcome": row.outcome,
                              "used": step_clock.used if step_clock else None,
                              "late": step_clock.is_overdue(at) if step_clock else False}))
    if row.name == DECIDE_STEP:
        if case.decision != "deny":  # in a parallel decision any department's denial denies the case
            case.decision = decision
        if legal_basis.strip():
            case.decision_basis = "\n".join(filter(None, [case.decision_basis, legal_basis.strip()]))
        case.decided_at = at
        emit(session, _event(case, "approval.decided", unit_id=row.unit_id, person_id=actor.id,
                             obligation_id=case.obligation_id, at=at, decision=decision,
                             has_legal_basis=bool(legal_basis.strip())))
    if row.name == DELIVER_STEP:
        case.result_number = result_number
    _advance(session, case, row, actor, at)
    session.flush()  # the steps it started get their obligation ids
    return row


def deliver_result(session: Session, case: Case | str, clerk: Person | str, result_number: str = "", *,
                   at: datetime) -> Case:
    """送达: hand the result (licence or decision) to the applicant [行政许可法 Art. 44].

    Through the workflow's 送达 step when it has one; otherwise (the catalogue's default flow ends at
    办结) once the case is completed — delivering before that is out of order and refused.
    """
    at = aware(at)
    case = _case(session, case)
    clerk = _person(session, clerk, "clerk")
    if any(r.name == DELIVER_STEP for r in case.steps):
        act_on_step(session, case, DELIVER_STEP, clerk, at=at, result_number=result_number)
        return case
    window_unit = session.get(Window, case.window_id).unit_id if case.window_id else case.unit_id
    _require(session, case, clerk, DELIVER_STEP, (Role.CLERK,), {case.unit_id, window_unit}, at)
    if case.state != CaseState.COMPLETED:
        _refuse_action(session, case, clerk, reason="out_of_order", step=DELIVER_STEP, obligation_id=case.obligation_id,
                       at=at, error=Conflict("step", f"办件 {case.number} 当前状态为「{_state(case)}」，"
                                                     "只有已办结的办件才能送达结果"))
    case.state, case.delivered_at, case.result_number = CaseState.DELIVERED, at, result_number
    _record(session, clerk.login, "approval.case_delivered", case, at, result_number=result_number)
    emit(session, _event(case, "approval.case_delivered", unit_id=case.unit_id, person_id=clerk.id,
                         obligation_id=case.obligation_id, at=at, result_number=result_number))
    return case


# -- time not counted: special procedures and corrections [行政许可法 Art. 45] ---------------------------
def _holders(case: Case) -> set[int]:
    return {case.unit_id} | {r.unit_id for r in case.steps if r.state == StepState.ACTIVE}


def _suspend(session: Session, case: Case, actor: Person, *, code: str, reason: str, at: datetime) -> None:
    if case.state != CaseState.IN_PROGRESS:
        raise Conflict("case", f"办件 {case.number} 当前状态为「{_state(case)}」，只有办理中的办件才能暂停计时")
    for obligation in _live_obligations(session, case):
        for clock in obligation.clocks:
            if clock.state == ClockState.RUNNING:
                pause_clock(session, clock, reason_code=code, reason=reason, at=at, actor=actor.login)
    case.state = CaseState.SUSPENDED


def _current_pause(session: Session, case: Case) -> str | None:
    promised = case_clocks(session, case).get("promised")
    if case.state != CaseState.SUSPENDED or promised is None or not promised.pauses:
        return None
    return promised.pauses[-1].reason_code


def _resume(session: Session, case: Case, actor: Person, *, code: str, at: datetime) -> int:
    """Resume every paused clock of the case; returns the working days not counted."""
    current = _current_pause(session, case)
    if current != code:
        raise Conflict("case", f"办件 {case.number} 未因{PAUSE_LABELS.get(code, code)}暂停计时")
    excluded = 0
    for obligation in _live_obligations(session, case):
        for clock in obligation.clocks:
            if clock.state == ClockState.PAUSED:
                before = clock.excluded
                resume_clock(session, clock, at=at, actor=actor.login)
                if clock.kind == "promised":
                    excluded = clock.excluded - before
    case.state = CaseState.IN_PROGRESS
    return excluded


def _notice(session: Session, case: Case, actor: Person, kind: str, text: str, at: datetime,
            missing: list[str] | None = None) -> CaseNotice:
    notice = CaseNotice(case_id=case.id, kind=kind, issued_at=at, issued_by=actor.id, missing=missing or [],
                        text=text)
    session.add(notice)
    return notice


def begin_special_procedure(session: Session, case: Case | str, actor: Person | str, kind: str,
                            expected_days: int, reason: str, *, at: datetime) -> CaseNotice:
    """Start a special procedure (听证, 招标, 拍卖, 检验, 检测, 检疫, 鉴定, 专家评审) whose time is not counted:
    the case's clocks and its active steps' clocks pause, and the applicant is told in writing how long
    it needs [行政许可法 Art. 45]."""
    at = aware(at)
    case = _case(session, case)
    actor = _person(session, actor)
    _require(session, case, actor, "特别程序", (Role.APPROVER, Role.UNIT_HEAD), _holders(case), at)
    if kind not in SPECIAL_PROCEDURE_KINDS:
        kinds = "、".join(f"{code} {label}" for code, label in SPECIAL_PROCEDURE_KINDS.items())
        raise InvalidInput("kind", f"{kind!r} 不是特别程序类型（{kinds}）")
    if not isinstance(expected_days, int) or isinstance(expected_days, bool) or expected_days <= 0:
        raise InvalidInput("expected_days", "须告知申请人特别程序所需的工作日数（正整数）")
    if not reason.strip():
        raise InvalidInput("reason", "特别程序须写明事由")
    label = SPECIAL_PROCEDURE_KINDS[kind]
    _suspend(session, case, actor, code=kind, reason=f"{label}：{reason.strip()}", at=at)
    text = _letter(session, "特别程序告知书", case,
                   f"需要进行{label}。事由：{reason.strip()}。{label}预计需要{expected_days}个工作日。根据《中华人民"
                   f"共和国行政许可法》第四十五条的规定，{label}所需时间不计算在办理期限内。", actor.unit_id, at)
    notice = _notice(session, case, actor, "special_procedure", text, at)
    _record(session, actor.login, "approval.special_procedure_begun", case, at, kind=kind,
            expected_days=expected_days, reason=reason)
    emit(session, _event(case, "approval.special_procedure_begun", unit_id=actor.unit_id, person_id=actor.id,
                         obligation_id=case.obligation_id, at=at, kind=kind, expected_days=expected_days))
    return notice


def end_special_procedure(session: Session, case: Case | str, actor: Person | str, *, at: datetime,
                          note: str = "") -> int:
    """End the special procedure: the clocks resume where they stopped [Art. 45]. Returns the working
    days not counted on the promised clock."""
    at = aware(at)
    case = _case(session, case)
    actor = _person(session, actor)
    _require(session, case, actor, "特别程序", (Role.APPROVER, Role.UNIT_HEAD), _holders(case), at)
    kind = _current_pause(session, case)
    if kind not in SPECIAL_PROCEDURE_KINDS:
        raise Conflict("case", f"办件 {case.number} 未处于特别程序中")
    excluded = _resume(session, case, actor, code=kind, at=at)
    _record(session, actor.login, "approval.special_procedure_ended", case, at, kind=kind, excluded=excluded,
            note=note)
    emit(session, _event(case, "approval.special_procedure_ended", unit_id=actor.unit_id, person_id=actor.id,
                         obligation_id=case.obligation_id, at=at, kind=kind, excluded=excluded))
    return excluded


def request_correction(session: Session, case: Case | str, actor: Person | str, missing: list[str] | str, *,
                       at: datetime) -> CaseNotice:
    """补正 during review: tell the applicant everything to correct at once; the clocks pause until the
    correction arrives (local practice: 补正时间不计入办理时限)."""
    at = aware(at)
    case = _case(session, case)
    actor = _person(session, actor)
    _require(session, case, actor, "补正", (Role.APPROVER, Role.UNIT_HEAD), _holders(case), at)
    items = [missing] if isinstance(missing, str) else list(missing)
    items = [m.strip() for m in items if m and m.strip()]
    if not items:
        raise InvalidInput("missing", "补正通知须写明需要补正的内容")
    _suspend(session, case, actor, code=CORRECTION, reason="补正：" + "；".join(items), at=at)
    lines = "\n".join(f"{n}. {m}" for n, m in enumerate(items, 1))
    text = _letter(session, "补正材料通知书", case, f"在审查中需要补正以下全部内容：\n{lines}\n"
                   "补正期间不计算在办理期限内，收到补正材料后继续计时。", actor.unit_id, at)
    notice = _notice(session, case, actor, CORRECTION, text, at, missing=items)
    _record(session, actor.login, "approval.correction_requested", case, at, missing=items)
    emit(session, _event(case, "approval.correction_requested", unit_id=actor.unit_id, person_id=actor.id,
                         obligation_id=case.obligation_id, at=at, missing=items))
    return notice


def correction_received(session: Session, case: Case | str, actor: Person | str, *, at: datetime) -> int:
    """The corrected materials arrived: the clocks resume. Returns the working days not counted."""
    at = aware(at)
    case = _case(session, case)
    actor = _person(session, actor)
    window_unit = session.get(Window, case.window_id).unit_id if case.window_id else case.unit_id
    _require(session, case, actor, "补正", (Role.CLERK, Role.APPROVER, Role.UNIT_HEAD),
             _holders(case) | {window_unit}, at)
    excluded = _resume(session, case, actor, code=CORRECTION, at=at)
    _record(session, actor.login, "approval.correction_received", case, at, excluded=excluded)
    emit(session, _event(case, "approval.correction_received", unit_id=case.unit_id, person_id=actor.id,
                         obligation_id=case.obligation_id, at=at, excluded=excluded))
    return excluded


# -- extension [行政许可法 Art. 42] ------------------------------------------------------------------------
def _lawful_extension(session: Session, case: Case, days: int, reason: str) -> dict[str, Clock]:
    """The case's clocks, once ``days`` and ``reason`` are found to make a lawful extension of it now:
    an open case, not extended before, at most +10 working days (+15 for joint handling) [Art. 42]."""
    if case.state not in (CaseState.IN_PROGRESS, CaseState.SUSPENDED):
        raise Conflict("case", f"办件 {case.number} 当前状态为「{_state(case)}」，只有在办的办件才能延期")
    clocks = case_clocks(session, case)
    limit = PARALLEL_EXTENSION_MAX if case.parallel else EXTENSION_MAX
    if any(c.extension for c in clocks.values()):
        raise Conflict("days", f"办件 {case.number} 已延期一次，依法只能延期一次（《行政许可法》第四十二条）")
    if not isinstance(days, int) or isinstance(days, bool) or days <= 0:
        raise InvalidInput("days", f"延长期限应为正整数个工作日，输入值为 {days!r}")
    if days > limit:
        raise InvalidInput("days", f"最多可延长 {limit} 个工作日（《行政许可法》第四十二条），不能延长 {days} 个工作日")
    if not reason.strip():
        raise InvalidInput("reason", "延期须写明理由，理由将告知申请人")
    return clocks


def request_extension(session: Session, case: Case | str, requester: Person | str, days: int, reason: str, *,
                      at: datetime) -> list[Person]:
    """An approver of a department holding the case asks for an extension, which only the head of the
    case's department may grant (:func:`extend_case`) [行政许可法 Art. 42]. The clocks do not change:
    the heads get the request in their inbox (and by email or SMS where they have an address), linking
    to the case. Returns the heads asked."""
    at = aware(at)
    case = _case(session, case)
    requester = _person(session, requester, "requester")
    require_role(requester, Role.APPROVER, field="requester")
    if requester.unit_id not in _holders(case):
        raise Forbidden("requester", f"办件 {case.number} 不在 {requester.label} 所在部门办理")
    _lawful_extension(session, case, days, reason)
    heads = staff_with_role(session, case.unit_id, Role.UNIT_HEAD)
    if not heads:
        raise Conflict("case", f"办件 {case.number} 的承办部门没有可批准延期的单位负责人")
    body = (f"{requester.name}申请将办件{case.number}（{case.item.name}）的办理期限延长{days}个工作日。"
            f"理由：{reason.strip()}。延长办理期限须经本机关负责人批准（行政许可法第四十二条）。")
    for head in heads:
        notify_person(session, head, subject=f"延期申请：{case.number}", body=body, ref=f"{SUBJECT_CASE}:{case.id}",
                      link=f"/staff/cases/{case.number}", at=at)
    _record(session, requester.login, "approval.extension_requested", case, at, days=days, reason=reason.strip(),
            heads=[h.login for h in heads])
    emit(session, _event(case, "approval.extension_requested", unit_id=requester.unit_id, person_id=requester.id,
                         obligation_id=case.obligation_id, at=at, days=days, reason=reason.strip()))
    return heads


def extend_case(session: Session, case: Case | str, approver: Person | str, days: int, reason: str, *,
                at: datetime) -> CaseNotice:
    """Extend the promised and statutory limits once, with the head's approval and the reason told to
    the applicant: at most +10 working days, +15 for joint handling (parallel approval) [Art. 42]."""
    at = aware(at)
    case = _case(session, case)
    approver = _person(session, approver, "approver")
    _require(session, case, approver, "延期", (Role.UNIT_HEAD,), {case.unit_id}, at)
    clocks = _lawful_extension(session, case, days, reason)
    for kind in ("promised", "statutory"):
        extend_clock(session, clocks[kind], amount=days, reason=reason, approved_by=approver.login, at=at)
    due, statutory_due = clocks["promised"].due_day, clocks["statutory"].due_day
    when = (f"延长后的承诺办结日期为{due.year}年{due.month}月{due.day}日" if due
            else "暂停计时结束后办结日期相应顺延")  # a paused clock has no due moment
    text = _letter(session, "延长办理期限告知书", case,
                   f"，因{reason.strip()}，经本机关负责人批准，办理期限延长{days}个工作日，{when}。"
                   "依据：《中华人民共和国行政许可法》第四十二条。", case.unit_id, at)
    notice = _notice(session, case, approver, "extension", text, at)
    _record(session, approver.login, "approval.case_extended", case, at, days=days, reason=reason)
    emit(session, _event(case, "approval.case_extended", unit_id=case.unit_id, person_id=approver.id,
                         obligation_id=case.obligation_id, at=at, days=days, reason=reason,
                         promised_due=_iso(due), statutory_due=_iso(statutory_due)))
    return notice


# -- fees and rating ----------------------------------------------------------------------------------
def _fen(amount: object) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
        raise InvalidInput("amount_fen", f"金额（分）应为整数，输入值为 {amount!r}")
    if isinstance(amount, Decimal) and (not amount.is_finite() or amount != amount.to_integral_value()):
        raise InvalidInput("amount_fen", f"金额以分为单位，不能有不足一分的小数，输入值为 {amount}")
    if amount < 0:
        raise InvalidInput("amount_fen", f"金额不能为负数，输入值为 {amount}")
    return int(amount)


def charge_fee(session: Session, case: Case | str, finance_person: Person | str, amount_fen: int, basis: str, *,
               at: datetime) -> FeeCharge:
    """Record a fee taken at the finance window (收费窗口), the only role that takes fees.

    The charge is written even when it is above the item's legal standard or has no basis — the money
    was taken — and the event tells supervision, which raises the fee card [trigger 7]. A charge of
    zero takes nothing and is within the standard.
    """
    at = aware(at)
    case = _case(session, case)
    person = _person(session, finance_person, "finance_person")
    if not person.has_role(Role.FINANCE):
        _unauthorised(session, case, person, "收费", "只有收费窗口可以收费", at)
    amount = _fen(amount_fen)
    if case.fee_charged_fen + amount > MAX_INT:
        raise InvalidInput("amount_fen", f"办件 {case.number} 的收费合计将超过 {MAX_INT} 分")
    basis = (basis or "").strip()
    item = case.item
    standard = item.fee_standard_fen if item.charges else 0
    within = amount == 0 or (item.charges and bool(basis) and standard is not None and amount <= standard)
    charge = FeeCharge(case_id=case.id, amount_fen=amount, basis=basis, charged_by=person.id, charged_at=at,
                       within_standard=within)
    session.add(charge)
    session.flush()
    case.fee_charged_fen += amount
    _record(session, person.login, "approval.fee_charged", case, at, amount_fen=amount, basis=basis,
            standard_fen=standard, within_standard=within)
    emit(session, _event(case, "approval.fee_charged", unit_id=case.unit_id, person_id=person.id,
                         obligation_id=case.obligation_id, at=at, amount_fen=amount, standard_fen=standard,
                         has_basis=bool(basis), within_standard=within, item_charges=item.charges,
                         breach=f"fee:{charge.id}"))
    return charge


def rate_case(session: Session, case: Case | str, rating: str, channel: str, *, at: datetime) -> Case:
    """The applicant's rating, one per matter (一事一评), codes A.8: 1 非常满意 … 5 非常不满意."""
    at = aware(at)
    case = _case(session, case)
    if rating not in SATISFACTION:
        raise InvalidInput("rating", f"{rating!r} 不是满意度代码（A.8：1–5）")
    if channel not in RATING_CHANNELS:
        channels = "、".join(f"{code} {label}" for code, label in RATING_CHANNELS.items())
        raise InvalidInput("channel", f"{channel!r} 不是评价渠道（{channels}）")
    if case.satisfaction is not None:
        raise Conflict("rating", f"办件 {case.number} 已评价过（一事一评）")
    case.satisfaction = rating
    _record(session, "applicant", "approval.rated", case, at, rating=rating, channel=channel)
    emit(session, _event(case, "approval.rated", unit_id=case.unit_id, person_id=case.accepted_by,
                         obligation_id=case.obligation_id, at=at, rating=rating, channel=channel,
                         window_id=case.window_id))
    return case


# -- reads for other modules: the disclosure annual report [条例 Art. 50; 国办公开办函〔2021〕30号 section 二] --
LICENSING = "01"  # 事项类型 A.1 行政许可


def _local_year(year: int) -> tuple[datetime, datetime]:
    """The local calendar year as [start, end) in UTC."""
    zone = get_settings().zone
    return start_of_day(date(year, 1, 1), zone), start_of_day(date(year + 1, 1, 1), zone)


def _decision_count(session: Session, unit_id: int, year: int, *, licensing: bool) -> int:
    start, end = _local_year(year)
    kind = Item.item_type == LICENSING if licensing else Item.item_type != LICENSING
    return int(session.scalar(
        select(func.count()).select_from(Case).join(Item, Item.id == Case.item_id)
        .where(Case.unit_id == unit_id, kind, Case.decision.in_(list(DECISIONS)),
               Case.decided_at >= start, Case.decided_at < end)) or 0)


def licensing_decision_count(session: Session, unit_id: int, year: int) -> int:
    """Decisions to grant or deny a licence (items of type 01 行政许可) the unit made in the local
    calendar year ``year``: the annual report's 第二十条第（五）项 本年处理决定数量. Cases refused at
    acceptance (不予受理) are not decisions."""
    return _decision_count(session, unit_id, year, licensing=True)


def other_decision_count(session: Session, unit_id: int, year: int) -> int:
    """The same count for the unit's items of every other type: the 2019 trial format's row
    其他对外管理服务事项 (处理决定数量)."""
    return _decision_count(session, unit_id, year, licensing=False)


def fees_collected_fen(session: Session, unit_id: int, year: int) -> int:
    """Fees taken on the unit's cases in the local calendar year, in fen (the annual report's
    第二十条第（八）项 行政事业性收费 本年收费金额)."""
    start, end = _local_year(year)
    return int(session.scalar(
        select(func.coalesce(func.sum(FeeCharge.amount_fen), 0)).join(Case, Case.id == FeeCharge.case_id)
        .where(Case.unit_id == unit_id, FeeCharge.charged_at >= start, FeeCharge.charged_at < end)) or 0)


__all__ = [
    "Applicant", "CaseState", "StepState", "act_on_step", "begin_special_procedure", "charge_fee",
    "correction_received", "deliver_result", "end_special_procedure", "extend_case", "fees_collected_fen",
    "get_case", "licensing_decision_count", "other_decision_count", "rate_case", "receive_application",
    "refuse_application", "request_correction", "request_extension", "supply_materials",
]
