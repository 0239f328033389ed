"""The API of applications for government information (tag "disclosure-applications").

Staff routes need a role (a dependency) and find the application through :func:`own_application`: an
application of another organ is a 404 like a number that does not exist (supervisors and
administrators read every organ's). The service then checks the authority for the action itself
(政务公开办 of the organ; the extension, its head) and the rules of the 条例. Routes are thin: one
scoped lookup, one service call; the answer is the application as it now stands.

Two public routes need no account: the online form, and the progress query by number and query code,
where a wrong code answers exactly like an unknown number and wrong guesses are limited per client
address (``[progress]`` of the configuration, kept apart from the case progress query's).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core.db import MAX_INT
from yangguang.core.errors import Conflict, InvalidInput, NotFound
from yangguang.core.org import Person, Role, Unit
from yangguang.disclosure import application_queries as queries
from yangguang.disclosure import letters
from yangguang.disclosure.application_schemas import (
    ERRORS,
    NUMBER_PATTERN,
    QUERY_CODE_PATTERN,
    FoiAnswerIn,
    FoiConcludeIn,
    FoiConfirmIn,
    FoiConsultIn,
    FoiCorrectionIn,
    FoiDayIn,
    FoiDetail,
    FoiExtendIn,
    FoiFeeIn,
    FoiFilters,
    FoiLetterOut,
    FoiOnlineIn,
    FoiOnlineReceipt,
    FoiPage,
    FoiProgress,
    FoiRemedyIn,
    FoiRemedyResultIn,
    FoiStaffIn,
    LetterKind,
)
from yangguang.disclosure.codes import APPLICATION_STATE_LABELS, Channel
from yangguang.disclosure.models import Application, Consultation, Remedy
from yangguang.disclosure.service import applications as service
from yangguang.web.deps import Db, Paging, is_overseer, require_roles
from yangguang.web.progress import client_address, limited_lookup

router = APIRouter(prefix="/api/v1", tags=["disclosure-applications"])

READER_ROLES = (Role.DISCLOSURE, Role.UNIT_HEAD, Role.SUPERVISOR, Role.ADMIN)
Reader = Annotated[Person, Depends(require_roles(*READER_ROLES))]
Officer = Annotated[Person, Depends(require_roles(Role.DISCLOSURE))]
Head = Annotated[Person, Depends(require_roles(Role.UNIT_HEAD))]
Number = Annotated[str, Path(pattern=NUMBER_PATTERN, description="application number, e.g. YSQ-ZFB-2026-00042")]
RowId = Annotated[int, Path(ge=1, le=MAX_INT)]
Kind = Annotated[LetterKind, Path(description="reply 答复书, correction 补正通知书, extension 延期答复告知书, "
                                              "fee 收费通知书")]

PROGRESS_SCOPE = "disclosure_progress"  # wrong guesses of the FOI progress query (core.auth login attempts)
RECEIPT_NOTICE = ("网上提交的申请，以本机关与您确认收到之日为收到申请之日，答复期限自该日起计算"
                  "（《中华人民共和国政府信息公开条例》第三十一条）。请妥善保存申请编号和查询码，凭其查询办理进度。")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PUBLIC_ERRORS = {status: ERRORS[status] for status in (404, 422)}
LETTER_KINDS = tuple(letters.KINDS)


def now() -> datetime:
    return datetime.now(UTC)


# -- lookups ------------------------------------------------------------------------------------------
def own_application(session: Session, person: Person, number: str) -> Application:
    """An application of the person's organ (any organ's for supervisors and administrators), else 404."""
    application = session.scalar(select(Application).where(Application.number == number))
    if application is None or (not is_overseer(person) and application.unit_id != person.unit_id):
        raise NotFound("number", f"政府信息公开申请 {number!r} 不存在")
    return application


def _consultation(application: Application, consultation_id: int) -> Consultation:
    found = next((c for c in application.consultations if c.id == consultation_id), None)
    if found is None:
        raise NotFound("consultation_id", f"申请 {application.number} 没有编号为 {consultation_id} 的征求意见")
    return found


def _remedy(application: Application, remedy_id: int) -> Remedy:
    found = next((r for r in application.remedies if r.id == remedy_id), None)
    if found is None:
        raise NotFound("remedy_id", f"申请 {application.number} 没有编号为 {remedy_id} 的行政复议或行政诉讼")
    return found


def organ_of(session: Session, code: str) -> Unit:
    """The organ a member of the public addresses; an unknown or closed one is bad input."""
    organ = session.scalar(select(Unit).where(Unit.code == code.strip(), Unit.active.is_(True)))
    if organ is None:
        raise InvalidInput("unit", f"未知的受理机关 {code!r}，请从列表中选择")
    return organ


def letter_url(number: str, kind: str) -> str:
    return f"/api/v1/disclosure/applications/{number}/letters/{kind}"


def letters_of(session: Session, application: Application) -> list[FoiLetterOut]:
    """The letters the application has so far (a reply once concluded, a notice once sent...)."""
    found = []
    for kind in LETTER_KINDS:
        try:
            letter = letters.compose(session, application, kind)
        except Conflict:
            continue
        found.append(FoiLetterOut(kind=kind, title=letter.title, text=letter.text,
                               download=letter_url(application.number, kind)))
    return found


def detail(session: Session, person: Person, application: Application) -> FoiDetail:
    data = queries.application_detail(session, person, application.number, at=now())
    return FoiDetail(**data, letters=letters_of(session, application))


# -- reading ------------------------------------------------------------------------------------------
@router.get("/disclosure/applications", response_model=FoiPage, responses=ERRORS,
            summary="依申请公开：申请列表")
def list_applications(person: Reader, session: Db, paging: Paging,
                      filters: Annotated[FoiFilters, Query()]) -> dict[str, Any]:
    """The applications the caller may see, most urgent first (overdue, then by reply deadline; paused and
    unconfirmed after; concluded last). ``q`` searches the number, the applicant's name and the request."""
    return queries.staff_applications(session, person, state=filters.state, q=filters.q, page=paging.page,
                                      per_page=paging.per_page, at=now())


@router.get("/disclosure/applications/{number}", response_model=FoiDetail, responses=ERRORS,
            summary="依申请公开：申请详情")
def get_application(number: Number, person: Reader, session: Db) -> FoiDetail:
    """The applicant, the request, the clocks with their pauses and extension, the correction, the
    consultations, the fee, the outcome, the remedies, the letters and the history."""
    return detail(session, person, own_application(session, person, number))


@router.get("/disclosure/applications/{number}/letters/{kind}", response_class=Response,
            responses={**ERRORS, 200: {"content": {DOCX: {}}, "description": "the letter as a DOCX file"}},
            summary="依申请公开：下载文书")
def download_letter(number: Number, kind: Kind, person: Reader, session: Db) -> Response:
    """A letter to the applicant as DOCX: reply, correction notice, extension notice, fee notice (409 when the
    application has none of that kind yet)."""
    application = own_application(session, person, number)
    content = letters.render(letters.compose(session, application, kind))
    return Response(content, media_type=DOCX,
                    headers={"Content-Disposition": f'attachment; filename="{application.number}-{kind}.docx"'})


# -- intake and receipt [条例 Arts. 29, 31] -------------------------------------------------------------
@router.post("/disclosure/applications", response_model=FoiDetail, status_code=201, responses=ERRORS,
             summary="依申请公开：登记申请")
def register(body: FoiStaffIn, person: Officer, session: Db) -> FoiDetail:
    """Register a request received by the caller's organ. In person: received the day submitted; post
    needing a signature: the day signed for; ordinary mail, online, fax: awaits confirmation [Art. 31]."""
    moment = now()
    fields = body.model_dump()
    fields["submitted_at"] = fields["submitted_at"] or moment
    application = service.receive(session, person, unit=person.unit, at=moment, **fields)
    return detail(session, person, application)


@router.post("/disclosure/applications/{number}/receipt-confirmation", response_model=FoiDetail,
             responses=ERRORS, summary="依申请公开：确认收到")
def confirm_receipt(number: Number, body: FoiConfirmIn, person: Officer, session: Db) -> FoiDetail:
    """Ordinary mail, online, fax: the day confirmed with the applicant is the day of receipt [Art. 31]."""
    application = service.confirm_receipt(session, person, own_application(session, person, number),
                                          confirmed_on=body.confirmed_on, at=now())
    return detail(session, person, application)


@router.post("/disclosure/applications/{number}/clear", response_model=FoiDetail, responses=ERRORS,
             summary="依申请公开：确认申请内容明确")
def accept_as_clear(number: Number, person: Officer, session: Db) -> FoiDetail:
    """The request is clear: no correction notice; the 7-working-day clock stops [Art. 30]."""
    application = service.accept_as_clear(session, person, own_application(session, person, number), at=now())
    return detail(session, person, application)


# -- correction [Art. 30] -----------------------------------------------------------------------------
@router.post("/disclosure/applications/{number}/correction", response_model=FoiDetail, responses=ERRORS,
             summary="依申请公开：通知补正")
def request_correction(number: Number, body: FoiCorrectionIn, person: Officer, session: Db) -> FoiDetail:
    """One notice listing everything to clarify, with a reasonable deadline; the reply period pauses."""
    application = service.request_correction(session, person, own_application(session, person, number),
                                             items=body.items, deadline=body.deadline, at=now())
    return detail(session, person, application)


@router.post("/disclosure/applications/{number}/correction/received", response_model=FoiDetail,
             responses=ERRORS, summary="依申请公开：收到补正")
def correction_received(number: Number, body: FoiDayIn, person: Officer, session: Db) -> FoiDetail:
    """The corrected request arrived: the reply period begins again from that day."""
    application = service.correction_received(session, person, own_application(session, person, number),
                                              on=body.on, at=now())
    return detail(session, person, application)


@router.post("/disclosure/applications/{number}/correction/abandonment", response_model=FoiDetail,
             responses=ERRORS, summary="依申请公开：逾期未补正")
def abandon_uncorrected(number: Number, person: Officer, session: Db) -> FoiDetail:
    """The correction deadline passed without the corrected request: treated as abandoned."""
    application = service.abandon_uncorrected(session, person, own_application(session, person, number), at=now())
    return detail(session, person, application)


# -- consultation [Arts. 32–34] -------------------------------------------------------------------------
@router.post("/disclosure/applications/{number}/consultations", response_model=FoiDetail, status_code=201,
             responses=ERRORS, summary="依申请公开：征求意见")
def consult(number: Number, body: FoiConsultIn, person: Officer, session: Db) -> FoiDetail:
    """Consult a third party or a co-making organ in writing; its 15 working days are not counted."""
    application = own_application(session, person, number)
    service.consult(session, person, application, kind=body.kind, party=body.party, at=now())
    return detail(session, person, application)


@router.post("/disclosure/applications/{number}/consultations/{consultation_id}/answer",
             response_model=FoiDetail, responses=ERRORS, summary="依申请公开：登记征求意见结果")
def record_answer(number: Number, consultation_id: RowId, body: FoiAnswerIn, person: Officer,
                  session: Db) -> FoiDetail:
    """The party's answer; an objection states its reasons; silence only after the 15 working days."""
    application = own_application(session, person, number)
    service.record_consultation_answer(session, person, _consultation(application, consultation_id),
                                       answer=body.answer, reasons=body.reasons, at=now())
    return detail(session, person, application)


# -- extension [Art. 33] ------------------------------------------------------------------------------
@router.post("/disclosure/applications/{number}/extension", response_model=FoiDetail, responses=ERRORS,
             summary="依申请公开：延长答复期限")
def extend(number: Number, body: FoiExtendIn, person: Head, session: Db) -> FoiDetail:
    """Extend the reply period once, by at most 20 working days, approved by the organ's head."""
    application = service.extend(session, person, own_application(session, person, number), days=body.days,
                                 reason=body.reason, at=now())
    return detail(session, person, application)


# -- fee [国办函〔2020〕109号] ----------------------------------------------------------------------------
@router.post("/disclosure/applications/{number}/fee", response_model=FoiDetail, responses=ERRORS,
             summary="依申请公开：收费通知")
def charge_fee(number: Number, body: FoiFeeIn, person: Officer, session: Db) -> FoiDetail:
    """A fee notice by one method, never both; the reply period pauses until payment."""
    application = service.charge_fee(session, person, own_application(session, person, number), method=body.method,
                                     pages=body.pages, deadline=body.deadline, at=now())
    return detail(session, person, application)


@router.post("/disclosure/applications/{number}/fee/payment", response_model=FoiDetail, responses=ERRORS,
             summary="依申请公开：登记缴费")
def record_fee_paid(number: Number, body: FoiDayIn, person: Officer, session: Db) -> FoiDetail:
    application = service.record_fee_paid(session, person, own_application(session, person, number), on=body.on,
                                          at=now())
    return detail(session, person, application)


@router.post("/disclosure/applications/{number}/fee/unpaid", response_model=FoiDetail, responses=ERRORS,
             summary="依申请公开：逾期未缴费")
def fee_unpaid(number: Number, person: Officer, session: Db) -> FoiDetail:
    """The payment deadline passed: the request is no longer handled."""
    application = service.fee_unpaid(session, person, own_application(session, person, number), at=now())
    return detail(session, person, application)


# -- the reply [Art. 36] ------------------------------------------------------------------------------
@router.post("/disclosure/applications/{number}/conclusion", response_model=FoiDetail, responses=ERRORS,
             summary="依申请公开：作出答复")
def conclude(number: Number, body: FoiConcludeIn, person: Officer, session: Db) -> FoiDetail:
    """The reply with its outcome; the reply letter follows from it."""
    application = service.conclude(session, person, own_application(session, person, number), outcome=body.outcome,
                                   reason=body.reason, right_organ=body.right_organ,
                                   where_published=body.where_published, at=now())
    return detail(session, person, application)


# -- remedies ----------------------------------------------------------------------------------------
@router.post("/disclosure/applications/{number}/remedies", response_model=FoiDetail, status_code=201,
             responses=ERRORS, summary="依申请公开：登记行政复议、行政诉讼")
def record_remedy(number: Number, body: FoiRemedyIn, person: Officer, session: Db) -> FoiDetail:
    application = own_application(session, person, number)
    service.record_remedy(session, person, application=application, kind=body.kind, filed_on=body.filed_on,
                          case_number=body.case_number, note=body.note, at=now())
    return detail(session, person, application)


@router.post("/disclosure/applications/{number}/remedies/{remedy_id}/conclusion", response_model=FoiDetail,
             responses=ERRORS, summary="依申请公开：登记复议、诉讼结果")
def conclude_remedy(number: Number, remedy_id: RowId, body: FoiRemedyResultIn, person: Officer,
                    session: Db) -> FoiDetail:
    application = own_application(session, person, number)
    service.conclude_remedy(session, person, _remedy(application, remedy_id), result=body.result,
                            concluded_on=body.concluded_on, at=now())
    return detail(session, person, application)


# -- public -------------------------------------------------------------------------------------------
def apply_online(session: Session, body: FoiOnlineIn) -> FoiOnlineReceipt:
    """The public online form: waits for the organ to confirm receipt [Art. 31]."""
    moment = now()
    application = service.receive(session, None, unit=organ_of(session, body.unit), channel=Channel.ONLINE,
                                  submitted_at=moment, at=moment, **body.model_dump(exclude={"unit"}))
    return FoiOnlineReceipt(number=application.number, query_code=application.query_code, organ=application.unit.name,
                         submitted_at=application.submitted_at, state=application.state,
                         state_label=APPLICATION_STATE_LABELS[application.state], notice=RECEIPT_NOTICE)


def look_up_progress(number: str, query_code: str, *, address: str, at: datetime) -> dict[str, Any]:
    """:func:`queries.public_progress` behind the per-address limit on wrong guesses (:func:`limited_lookup`)."""
    return limited_lookup(PROGRESS_SCOPE, number, lambda session: queries.public_progress(
        session, number, query_code, at=at), address=address, at=at, not_found=queries.PROGRESS_NOT_FOUND)


@router.post("/disclosure/online-applications", response_model=FoiOnlineReceipt, status_code=201,
             responses=PUBLIC_ERRORS, summary="依申请公开：网上提交申请（公众）")
def submit_online(body: FoiOnlineIn, session: Db) -> FoiOnlineReceipt:
    """A member of the public applies online (no account). The answer carries the number and the query code
    for the progress query; the request counts as received on the day the organ confirms it [Art. 31]."""
    return apply_online(session, body)


@router.get("/disclosure/progress", response_model=FoiProgress, summary="依申请公开：办理进度查询（公众）",
            responses={**PUBLIC_ERRORS, 429: {"model": ERRORS[404]["model"], "description": "该地址查询失败次数过多"}})
def progress(request: Request, number: Annotated[str, Query(pattern=NUMBER_PATTERN, description="申请编号")],
             query_code: Annotated[str, Query(pattern=QUERY_CODE_PATTERN, description="查询码")]) -> dict[str, Any]:
    """Progress by number and query code, without personal data. A wrong code answers exactly like an unknown
    number; wrong guesses are limited per client address."""
    return look_up_progress(number, query_code.strip(), address=client_address(request), at=now())
