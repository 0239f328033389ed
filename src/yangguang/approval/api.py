"""The case API (tag "cases"): the workspace of window clerks, the finance window and approvers.

Every route checks the role (a dependency) and the unit (the case is looked up through
:func:`queries.find_case` with the person's scope, so a case of another unit is a 404 like a number
that does not exist); the service then checks the authority for the action itself and records
refused out-of-order or unauthorised attempts as monitoring points. Routes are thin: one scoped
lookup, one service call.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.orm import Session

from yangguang.approval import queries, service
from yangguang.approval.api_schemas import (
    NUMBER_PATTERN,
    CaseDetail,
    CaseFilters,
    CaseIn,
    CasePage,
    CaseStateOut,
    CaseSummary,
    CorrectionIn,
    DeliveredOut,
    EndSpecialProcedureIn,
    ExtensionIn,
    ExtensionRequestOut,
    FeeIn,
    FeeOut,
    MaterialsIn,
    NoticeOut,
    QueuePage,
    ReceiptOut,
    RefusalIn,
    ResultIn,
    SpecialProcedureIn,
    StepActionIn,
    StepDone,
)
from yangguang.approval.models import Case, CaseNotice
from yangguang.approval.service import StepState
from yangguang.core.org import Person, Role, Window
from yangguang.web.deps import Db, Paging, is_overseer, paginate, require_roles

router = APIRouter(prefix="/api/v1", tags=["cases"])

STAFF_ROLES = (Role.CLERK, Role.FINANCE, Role.APPROVER, Role.UNIT_HEAD, Role.SUPERVISOR, Role.ADMIN)
QUEUE_ROLES = (Role.APPROVER, Role.UNIT_HEAD)
Staff = Annotated[Person, Depends(require_roles(*STAFF_ROLES))]
Clerk = Annotated[Person, Depends(require_roles(Role.CLERK))]
Handler = Annotated[Person, Depends(require_roles(Role.CLERK, Role.APPROVER, Role.UNIT_HEAD))]
Reviewer = Annotated[Person, Depends(require_roles(Role.APPROVER, Role.UNIT_HEAD))]
Approver = Annotated[Person, Depends(require_roles(Role.APPROVER))]
Head = Annotated[Person, Depends(require_roles(Role.UNIT_HEAD))]
Cashier = Annotated[Person, Depends(require_roles(Role.FINANCE))]
Queue = Annotated[Person, Depends(require_roles(*QUEUE_ROLES))]
Number = Annotated[str, Path(pattern=NUMBER_PATTERN, description="case number (办件编号), e.g. 2026SCJ000042")]
StepName = Annotated[str, Path(pattern=NUMBER_PATTERN, description="step name (环节), e.g. 审查, 决定, 办结")]


def now() -> datetime:
    return datetime.now(UTC)


def scope_of(person: Person, *, finance: bool = False) -> queries.CaseScope:
    """The person's case scope; ``finance``: where the finance window may see any case (reading, fees)."""
    return queries.CaseScope(None if is_overseer(person) else person.unit_id,
                             finance and person.has_role(Role.FINANCE))


def own_case(session: Session, person: Person, number: str) -> Case:
    """A case the person's unit handles (any case for supervisors and administrators), else 404."""
    return queries.find_case(session, number, scope_of(person))


def window_number(session: Session, person: Person) -> str | None:
    """The window the clerk sits at: the case is received there (一窗受理)."""
    return session.get(Window, person.window_id).number if person.window_id else None


def summary(case: Case) -> CaseSummary:
    return CaseSummary(number=case.number, item_code=case.item.impl_code, item=case.item.name,
                       unit=case.item.unit.name, state=case.state,
                       state_label=service.STATE_LABELS[service.CaseState(case.state)], applicant=case.applicant_name,
                       received_at=case.received_at, accepted_at=case.accepted_at, completed_at=case.completed_at,
                       fee_charged_fen=case.fee_charged_fen)


def notice_out(notice: CaseNotice) -> NoticeOut:
    return NoticeOut(kind=notice.kind, issued_at=notice.issued_at, missing=notice.missing, text=notice.text)


# -- reading ------------------------------------------------------------------------------------------
@router.get("/cases", response_model=CasePage)
def list_cases(person: Staff, session: Db, paging: Paging, filters: Annotated[CaseFilters, Query()]) -> CasePage:
    """Cases the caller may see, newest first: of their unit's items, received at their unit's windows or
    with a step their unit holds; every case for supervisors and administrators; the finance window
    also sees every case awaiting a fee."""
    query = queries.cases_query(scope=scope_of(person, finance=True), state=filters.state, item=filters.item,
                                number_prefix=filters.number, received_from=filters.received_from,
                                received_to=filters.received_to, awaiting_fee=filters.awaiting_fee)
    return CasePage(**paginate(session, query, paging, summary))


@router.get("/cases/{number}", response_model=CaseDetail)
def get_case(number: Number, person: Staff, session: Db) -> CaseDetail:
    """The staff view of one case: applicant, materials, steps, clocks with time used and left, notices,
    fees and history. The finance window may read any case by its number."""
    case = queries.find_case(session, number, scope_of(person, finance=True))
    return CaseDetail(**queries.case_detail(session, case))


@router.get("/queue", response_model=QueuePage)
def work_queue(person: Queue, session: Db, paging: Paging) -> QueuePage:
    """The steps the caller's unit holds that the caller's role does (待办), most urgent first: overdue
    on top, then by the earlier of the step's and the case's promised due moment; suspended last."""
    roles = [r.value for r in QUEUE_ROLES if person.has_role(r)]
    page = paginate(session, queries.queue_query(person.unit_id, roles), paging)
    return QueuePage(**{**page, "items": queries.queue_entries(session, page["items"])})


# -- the window: receipt, materials, refusal, delivery -----------------------------------------------------
@router.post("/cases", response_model=ReceiptOut, status_code=201)
def receive(body: CaseIn, person: Clerk, session: Db) -> ReceiptOut:
    """Receive an application at the clerk's window (收件): accepted when complete, otherwise the one-time
    notice of everything missing [行政许可法 Art. 32]."""
    case = service.receive_application(session, item_code=body.item, clerk=person,
                                       window_number=window_number(session, person), channel=body.channel,
                                       applicant=body.applicant.model_dump(), materials=body.materials, at=now(),
                                       force_accept=body.force_accept)
    return ReceiptOut(**queries.case_receipt(session, case))


@router.post("/cases/{number}/materials", response_model=ReceiptOut)
def supply_materials(number: Number, body: MaterialsIn, person: Clerk, session: Db) -> ReceiptOut:
    """Record materials supplied after a one-time notice; accepted when now complete, else a new notice."""
    case = service.supply_materials(session, own_case(session, person, number), person, body.materials, at=now(),
                                    force_accept=body.force_accept)
    return ReceiptOut(**queries.case_receipt(session, case))


@router.post("/cases/{number}/refusal", response_model=NoticeOut, status_code=201)
def refuse(number: Number, body: RefusalIn, person: Clerk, session: Db) -> NoticeOut:
    """不予受理, with the written decision giving reason and legal basis [行政许可法 Art. 32]."""
    notice = service.refuse_application(session, own_case(session, person, number), person, body.reason,
                                        body.legal_basis, at=now())
    return notice_out(notice)


@router.post("/cases/{number}/result", response_model=DeliveredOut)
def deliver(number: Number, body: ResultIn, person: Clerk, session: Db) -> DeliveredOut:
    """送达: hand the result to the applicant once the case is completed [行政许可法 Art. 44]."""
    case = service.deliver_result(session, own_case(session, person, number), person, body.result_number, at=now())
    return DeliveredOut(number=case.number, state=case.state, result_number=case.result_number,
                        delivered_at=case.delivered_at)


# -- the steps ------------------------------------------------------------------------------------------
@router.post("/cases/{number}/steps/{step}/actions", response_model=StepDone)
def act(number: Number, step: StepName, body: StepActionIn, person: Handler, session: Db) -> StepDone:
    """Do the active step ``step`` (流程固化): a skipped, repeated or unauthorised step is refused (409/403)
    and recorded for supervision."""
    case = own_case(session, person, number)
    row = service.act_on_step(session, case, step, person, at=now(), note=body.note, decision=body.decision,
                              legal_basis=body.legal_basis, result_number=body.result_number)
    return StepDone(number=case.number, step=row.name, outcome=row.outcome, done_at=row.done_at, state=case.state,
                    active_steps=[r.name for r in case.steps if r.state == StepState.ACTIVE])


@router.post("/cases/{number}/special-procedures", response_model=NoticeOut, status_code=201)
def begin_special_procedure(number: Number, body: SpecialProcedureIn, person: Reviewer, session: Db) -> NoticeOut:
    """Begin a special procedure (特别程序); its time is not counted and the applicant is told in writing
    how long it needs [行政许可法 Art. 45]."""
    notice = service.begin_special_procedure(session, own_case(session, person, number), person, body.kind,
                                             body.expected_days, body.reason, at=now())
    return notice_out(notice)


@router.post("/cases/{number}/special-procedures/end", response_model=CaseStateOut)
def end_special_procedure(number: Number, person: Reviewer, session: Db,
                          body: EndSpecialProcedureIn | None = None) -> CaseStateOut:
    """End the special procedure: the clocks continue where they stopped [行政许可法 Art. 45]."""
    case = own_case(session, person, number)
    excluded = service.end_special_procedure(session, case, person, at=now(), note=body.note if body else "")
    return CaseStateOut(number=case.number, state=case.state, excluded_days=excluded)


@router.post("/cases/{number}/corrections", response_model=NoticeOut, status_code=201)
def request_correction(number: Number, body: CorrectionIn, person: Reviewer, session: Db) -> NoticeOut:
    """Ask for corrections (补正), everything at once; the clocks pause until they arrive."""
    notice = service.request_correction(session, own_case(session, person, number), person, body.missing, at=now())
    return notice_out(notice)


@router.post("/cases/{number}/corrections/received", response_model=CaseStateOut)
def correction_received(number: Number, person: Handler, session: Db) -> CaseStateOut:
    """The corrections arrived: the clocks continue."""
    case = own_case(session, person, number)
    excluded = service.correction_received(session, case, person, at=now())
    return CaseStateOut(number=case.number, state=case.state, excluded_days=excluded)


@router.post("/cases/{number}/extension-requests", response_model=ExtensionRequestOut)
def request_extension(number: Number, body: ExtensionIn, person: Approver, session: Db) -> ExtensionRequestOut:
    """Ask the head of the case's department to extend the time limit [行政许可法 Art. 42]."""
    case = own_case(session, person, number)
    heads = service.request_extension(session, case, person, body.days, body.reason, at=now())
    return ExtensionRequestOut(number=case.number, days=body.days, asked=[h.login for h in heads])


@router.post("/cases/{number}/extensions", response_model=NoticeOut, status_code=201)
def extend(number: Number, body: ExtensionIn, person: Head, session: Db) -> NoticeOut:
    """Extend the limits once, by the head of the case's department: at most +10 working days, +15 for
    parallel approval; the applicant is told the reason [行政许可法 Art. 42]."""
    notice = service.extend_case(session, own_case(session, person, number), person, body.days, body.reason,
                                 at=now())
    return notice_out(notice)


# -- the finance window ----------------------------------------------------------------------------------
@router.post("/cases/{number}/fees", response_model=FeeOut, status_code=201)
def charge_fee(number: Number, body: FeeIn, person: Cashier, session: Db) -> FeeOut:
    """Take a fee (in fen) at the finance window; a charge above the item's standard or without a basis is
    recorded and reported to supervision [approval-and-supervision.md, trigger 7]."""
    case = queries.find_case(session, number, scope_of(person, finance=True))
    charge = service.charge_fee(session, case, person, body.amount_fen, body.basis, at=now())
    return FeeOut(number=case.number, amount_fen=charge.amount_fen, basis=charge.basis, charged_at=charge.charged_at,
                  within_standard=charge.within_standard, fee_charged_fen=case.fee_charged_fen)
