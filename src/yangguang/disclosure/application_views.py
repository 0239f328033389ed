"""Staff pages of applications for government information (依申请公开): the list by time left, the
registration of a request received by letter, visit, post or fax, and an application's page with its
clocks, consultations, fee, outcome, remedies and letters, and the actions its state allows.

A page action posts a form; it is parsed into the API's body model and handed to the API route function
itself (:mod:`yangguang.disclosure.application_api`), so pages and API share one scoped lookup and one
service call. Success redirects back to the application with a message; a refusal shows the page again
with the service's reason, and nothing of the action is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from yangguang.core.clocks import local_day
from yangguang.core.errors import InvalidInput, YangguangError
from yangguang.core.org import Person, Role
from yangguang.core.settings import get_settings
from yangguang.core.validation import validated
from yangguang.disclosure import application_api as api
from yangguang.disclosure.application_schemas import (
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
    FoiRemedyIn,
    FoiRemedyResultIn,
    FoiStaffIn,
    organisation_kinds,
    request_fields,
)
from yangguang.disclosure.codes import (
    APPLICATION_STATE_LABELS,
    CHANNEL_LABELS,
    CONSULTATION_KIND_LABELS,
    FEE_METHOD_LABELS,
    OUTCOMES,
    REMEDY_KIND_LABELS,
    REMEDY_RESULT_LABELS,
    ApplicationState,
    RemedyResult,
)
from yangguang.disclosure.models import Application
from yangguang.disclosure.report_tables import OUTCOME_GROUPS
from yangguang.disclosure.service import applications as service
from yangguang.web.deps import Db, Paging, PostedForm
from yangguang.web.forms import form_body, form_lines, form_text, page_action
from yangguang.web.templating import render

router = APIRouter(include_in_schema=False)

BASE = "/staff/disclosure/applications"
DONE = {
    "registered": "申请已登记。", "confirmed": "已确认收到申请，答复期限开始计算。", "clear": "已确认申请内容明确。",
    "correction": "已发出补正通知，答复期限暂停计算。", "corrected": "已登记收到补正，答复期限重新计算。",
    "consulted": "已发出征求意见，期间不计入答复期限。", "answered": "已登记征求意见结果。",
    "extended": "已延长答复期限。", "fee": "已发出收费通知，答复期限暂停计算。",
    "paid": "已登记缴费，答复期限继续计算。",
    "concluded": "已作出答复。", "remedy": "已登记行政复议或行政诉讼。", "remedy_concluded": "已登记复议或诉讼结果。",
}
HISTORY_LABELS = {
    "disclosure.application_submitted": "提交申请", "disclosure.application_received": "收到申请",
    "disclosure.application_clear": "确认申请内容明确", "disclosure.correction_requested": "通知补正",
    "disclosure.correction_received": "收到补正", "disclosure.consultation_sent": "征求意见",
    "disclosure.consultation_answered": "登记征求意见结果", "disclosure.application_extended": "延长答复期限",
    "disclosure.fee_charged": "发出收费通知", "disclosure.fee_paid": "登记缴费",
    "disclosure.application_concluded": "作出答复",
}
CLOCK_LABELS = {service.REPLY_CLOCK: "答复期限（第三十三条）", service.CORRECTION_CLOCK: "补正告知期限（第三十条）"}
INTAKE_FIELDS = ("channel", "submitted_at", "signed_for_on", "applicant_type", "organisation_kind", "applicant_name",
                 "applicant_id_number", "contact_phone", "contact_email", "contact_address", "content", "delivery")
# Outcomes given by their own buttons (abandonment after the correction or fee deadline) are not in the select.
OWN_BUTTONS = ("other.no_correction", "other.fee_unpaid")


def _url(number: str, done: str | None = None) -> str:
    return f"{BASE}/{quote(number, safe='')}" + (f"?done={done}" if done else "")


def outcome_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The outcomes of Art. 36, grouped as section 三 of the annual report groups their rows."""
    headings = {"disclosed": "（一）予以公开", "partly_disclosed": "（二）部分公开", **dict(OUTCOME_GROUPS)}
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, outcome in OUTCOMES.items():
        if code not in OWN_BUTTONS:
            group = headings.get(outcome.row, headings.get(outcome.row.split(".")[0]))
            groups.setdefault(group, []).append((code, outcome.label))
    return list(groups.items())


def _local_moment(text: str) -> datetime | None:
    """A ``datetime-local`` field (the deployment's zone) as an aware moment; empty: None."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput("submitted_at", "时间格式应为 YYYY-MM-DDTHH:MM") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=get_settings().zone)


def _today() -> str:
    return local_day(datetime.now(UTC)).isoformat()


# -- the list -------------------------------------------------------------------------------------------
@router.get(BASE)
def application_list(request: Request, person: api.Reader, session: Db, paging: Paging) -> Response:
    values = {k: v.strip() for k, v in request.query_params.items() if k in ("state", "q") and v.strip()}
    error, page = None, None
    try:
        page = api.list_applications(person, session, paging, validated(FoiFilters, values))
    except InvalidInput as exc:
        error = exc
    return render(request, "disclosure/applications/list.html", {
        "page": page, "values": values, "error": error, "query": urlencode(values),
        "states": [(s.value, label) for s, label in APPLICATION_STATE_LABELS.items()]},
        status=error.http_status if error else 200)


# -- registering a request --------------------------------------------------------------------------------
def _new_form(request: Request, values: dict[str, str], error: YangguangError | None = None) -> Response:
    return render(request, "disclosure/applications/new.html", {
        "values": values, "error": error, "channels": CHANNEL_LABELS, "organisation_kinds": organisation_kinds(),
        "deliveries": service.DELIVERY_LABELS}, status=error.http_status if error else 200)


@router.get(f"{BASE}/new")
def new_application(request: Request, person: api.Officer) -> Response:
    now = datetime.now(UTC).astimezone(get_settings().zone)
    return _new_form(request, {"channel": "in_person", "submitted_at": now.strftime("%Y-%m-%dT%H:%M"),
                               "applicant_type": "natural_person", "delivery": "electronic"})


@router.post(f"{BASE}/new")
def register(request: Request, person: api.Officer, session: Db, form: PostedForm) -> Response:
    values = {name: form_text(form, name) for name in INTAKE_FIELDS}

    def action() -> FoiDetail:
        body = validated(FoiStaffIn, {**request_fields(form), "channel": values["channel"],
                                      "submitted_at": _local_moment(values["submitted_at"]),
                                      "signed_for_on": values["signed_for_on"] or None})
        return api.register(body, person, session)

    return page_action(request, session, person, action, then=lambda detail: _url(detail.number, "registered"),
                       refused=lambda error: _new_form(request, values, error))


# -- one application ----------------------------------------------------------------------------------------
def available_actions(person: Person, application: Application, detail: dict[str, Any]) -> set[str]:
    """The forms worth showing this viewer (the service checks every action again on submission)."""
    own = person.unit_id == application.unit_id
    officer, head = own and person.has_role(Role.DISCLOSURE), own and person.has_role(Role.UNIT_HEAD)
    state, clocks = application.state, detail["clocks"]
    actions: set[str] = set()
    if officer:
        actions |= {"remedy"} | {
            ApplicationState.AWAITING_CONFIRMATION: {"confirm"},
            ApplicationState.IN_PROGRESS: {"consult", "conclude"},
            ApplicationState.CORRECTION: {"corrected", "abandon"},
            ApplicationState.CONSULTING: {"consult", "answer"},
            ApplicationState.AWAITING_FEE: {"paid", "unpaid"},
        }.get(state, set())
        if state == ApplicationState.IN_PROGRESS:
            actions |= {"fee"} if detail["fee"] is None else set()
            actions |= {"correction"} if detail["correction"] is None else set()
            actions |= {"clear"} if not clocks[service.CORRECTION_CLOCK]["stopped"] else set()
    reply = clocks.get(service.REPLY_CLOCK)
    if head and state in (ApplicationState.IN_PROGRESS, ApplicationState.CONSULTING) and not reply["extension"]:
        actions.add("extend")
    return actions


def _fee_terms(session: Session, application: Application) -> dict[str, Any]:
    """What the fee form shows: the applicant's count of requests this month, the earliest deadline."""
    if application.state != ApplicationState.IN_PROGRESS or application.fee_method:
        return {}
    earliest = service.earliest_fee_deadline(session, datetime.now(UTC))
    return {"monthly_count": service.monthly_count(session, application), "earliest": earliest.isoformat(),
            "workdays": service.FEE_PAYMENT_WORKDAYS}


def _detail_page(request: Request, session: Session, person: Person, number: str, *, done: str | None = None,
                 error: YangguangError | None = None) -> Response:
    application = api.own_application(session, person, number)
    detail = api.detail(session, person, application).model_dump()
    return render(request, "disclosure/applications/detail.html", {
        "a": detail, "actions": available_actions(person, application, detail), "done": DONE.get(done or ""),
        "error": error, "clock_labels": CLOCK_LABELS, "history_labels": HISTORY_LABELS,
        "outcome_groups": outcome_groups(), "consultation_kinds": CONSULTATION_KIND_LABELS,
        "answers": service.ANSWER_LABELS, "fee_methods": FEE_METHOD_LABELS, "fee": _fee_terms(session, application),
        "remedy_kinds": REMEDY_KIND_LABELS, "today": _today(), "extension_max": service.EXTENSION_MAX_WORKDAYS,
        "remedy_results": {r.value: label for r, label in REMEDY_RESULT_LABELS.items() if r != RemedyResult.PENDING},
    }, status=error.http_status if error else 200)


@router.get(f"{BASE}/{{number}}")
def application_page(request: Request, number: api.Number, person: api.Reader, session: Db,
                     done: Annotated[str, Query(max_length=30)] = "") -> Response:
    return _detail_page(request, session, person, number, done=done)


def _perform(request: Request, session: Session, person: Person, number: str, done: str,
             action: Callable[[], object]) -> Response:
    """Run a page action: on success back to the application with a message, on refusal the application
    with the reason (nothing of the action is kept)."""
    return page_action(request, session, person, action, then=_url(number, done),
                       refused=lambda error: _detail_page(request, session, person, number, error=error))


@router.post(f"{BASE}/{{number}}/receipt-confirmation")
def confirm_receipt(request: Request, number: api.Number, person: api.Officer, session: Db,
                    form: PostedForm) -> Response:
    return _perform(request, session, person, number, "confirmed", lambda: api.confirm_receipt(
        number, form_body(FoiConfirmIn, form), person, session))


@router.post(f"{BASE}/{{number}}/clear")
def accept_as_clear(request: Request, number: api.Number, person: api.Officer, session: Db,
                    form: PostedForm) -> Response:
    return _perform(request, session, person, number, "clear", lambda: api.accept_as_clear(number, person, session))


@router.post(f"{BASE}/{{number}}/correction")
def request_correction(request: Request, number: api.Number, person: api.Officer, session: Db,
                       form: PostedForm) -> Response:
    return _perform(request, session, person, number, "correction", lambda: api.request_correction(
        number, form_body(FoiCorrectionIn, form, items=form_lines(form, "items")), person, session))


@router.post(f"{BASE}/{{number}}/correction/received")
def correction_received(request: Request, number: api.Number, person: api.Officer, session: Db,
                        form: PostedForm) -> Response:
    return _perform(request, session, person, number, "corrected", lambda: api.correction_received(
        number, form_body(FoiDayIn, form), person, session))


@router.post(f"{BASE}/{{number}}/correction/abandonment")
def abandon_uncorrected(request: Request, number: api.Number, person: api.Officer, session: Db,
                        form: PostedForm) -> Response:
    return _perform(request, session, person, number, "concluded",
                    lambda: api.abandon_uncorrected(number, person, session))


@router.post(f"{BASE}/{{number}}/consultations")
def consult(request: Request, number: api.Number, person: api.Officer, session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "consulted", lambda: api.consult(
        number, form_body(FoiConsultIn, form), person, session))


@router.post(f"{BASE}/{{number}}/consultations/{{consultation_id}}/answer")
def record_answer(request: Request, number: api.Number, consultation_id: api.RowId, person: api.Officer, session: Db,
                  form: PostedForm) -> Response:
    return _perform(request, session, person, number, "answered", lambda: api.record_answer(
        number, consultation_id, form_body(FoiAnswerIn, form), person, session))


@router.post(f"{BASE}/{{number}}/extension")
def extend(request: Request, number: api.Number, person: api.Head, session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "extended", lambda: api.extend(
        number, form_body(FoiExtendIn, form), person, session))


@router.post(f"{BASE}/{{number}}/fee")
def charge_fee(request: Request, number: api.Number, person: api.Officer, session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "fee", lambda: api.charge_fee(
        number, form_body(FoiFeeIn, form), person, session))


@router.post(f"{BASE}/{{number}}/fee/payment")
def record_fee_paid(request: Request, number: api.Number, person: api.Officer, session: Db,
                    form: PostedForm) -> Response:
    return _perform(request, session, person, number, "paid", lambda: api.record_fee_paid(
        number, form_body(FoiDayIn, form), person, session))


@router.post(f"{BASE}/{{number}}/fee/unpaid")
def fee_unpaid(request: Request, number: api.Number, person: api.Officer, session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "concluded", lambda: api.fee_unpaid(number, person, session))


@router.post(f"{BASE}/{{number}}/conclusion")
def conclude(request: Request, number: api.Number, person: api.Officer, session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "concluded", lambda: api.conclude(
        number, form_body(FoiConcludeIn, form), person, session))


@router.post(f"{BASE}/{{number}}/remedies")
def record_remedy(request: Request, number: api.Number, person: api.Officer, session: Db,
                  form: PostedForm) -> Response:
    return _perform(request, session, person, number, "remedy", lambda: api.record_remedy(
        number, form_body(FoiRemedyIn, form), person, session))


@router.post(f"{BASE}/{{number}}/remedies/{{remedy_id}}/conclusion")
def conclude_remedy(request: Request, number: api.Number, remedy_id: api.RowId, person: api.Officer, session: Db,
                    form: PostedForm) -> Response:
    return _perform(request, session, person, number, "remedy_concluded", lambda: api.conclude_remedy(
        number, remedy_id, form_body(FoiRemedyResultIn, form), person, session))
