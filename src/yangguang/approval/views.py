"""Staff pages of the case workspace: the case list, receipt at the window, a case with the actions the
viewer's role allows, and the approvers' work queue.

A page action posts a form; it is parsed into the API's body model and handed to the API route
function itself (:mod:`yangguang.approval.api`), so pages and API share one scoped lookup and one
service call. Success redirects back to the case with a message; a refusal shows the case again with
the service's reason, and nothing of the action is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from yangguang.approval import api, queries, service
from yangguang.approval.api_schemas import (
    NUMBER_PATTERN,
    CaseFilters,
    CaseIn,
    CorrectionIn,
    EndSpecialProcedureIn,
    ExtensionIn,
    FeeIn,
    MaterialsIn,
    RefusalIn,
    ResultIn,
    SpecialProcedureIn,
    StepActionIn,
    fen_from_yuan,
)
from yangguang.approval.codes import HANDLING_FORM, SERVICE_OBJECT, SPECIAL_PROCEDURE_KINDS
from yangguang.approval.models import Case
from yangguang.approval.service import CORRECTION, DECISIONS, DELIVER_STEP, CaseState, StepState
from yangguang.core.errors import InvalidInput, YangguangError
from yangguang.core.org import Person, Role, Window
from yangguang.core.validation import validated
from yangguang.web.deps import Db, Paging, PostedForm, paginate
from yangguang.web.forms import form_body, form_lines, form_text, page_action
from yangguang.web.templating import render

router = APIRouter(include_in_schema=False)

DONE = {
    "materials": "已登记补充的材料。", "refusal": "已出具不予受理决定书。", "step": "环节已办理。",
    "special": "特别程序已开始，计时暂停，已出具告知书。", "special_end": "特别程序已结束，继续计时。",
    "correction": "已出具补正材料通知书，计时暂停。", "correction_received": "已收到补正材料，继续计时。",
    "extension_request": "延期申请已发送本单位负责人审批。", "extension": "已批准延期并出具告知书。", "fee": "已收费。",
    "result": "已送达。",
}
CLOCK_LABELS = {"promised": "承诺时限", "statutory": "法定时限"}
STEP_STATE_LABELS = {StepState.PENDING: "待办", StepState.ACTIVE: "办理中", StepState.DONE: "已办"}
FILTER_FIELDS = ("state", "item", "number", "received_from", "received_to", "awaiting_fee")
_ID = re.compile(r"[0-9]{1,10}")


def _case_url(number: str, done: str | None = None) -> str:
    return f"/staff/cases/{quote(number, safe='')}" + (f"?done={done}" if done else "")


def _material_refs(values: list[str]) -> list[int | str]:
    """Checkbox values are material ids; anything else is passed on as a name (and refused if unknown)."""
    return [int(v) if _ID.fullmatch(v) else v for v in values]


# -- the list ---------------------------------------------------------------------------------------------
@router.get("/staff/cases")
def case_list(request: Request, person: api.Staff, session: Db, paging: Paging) -> Response:
    values = {k: v for k, v in request.query_params.items() if k in FILTER_FIELDS and v}
    error, page = None, None
    try:
        filters = validated(CaseFilters, values)
        query = queries.cases_query(scope=api.scope_of(person, finance=True), state=filters.state, item=filters.item,
                                    number_prefix=filters.number, received_from=filters.received_from,
                                    received_to=filters.received_to, awaiting_fee=filters.awaiting_fee)
        page = paginate(session, query, paging, api.summary)
    except InvalidInput as exc:
        error = exc
    return render(request, "cases/list.html", {
        "page": page, "values": values, "error": error, "query": urlencode(values),
        "states": [(s.value, label) for s, label in service.STATE_LABELS.items()]},
        status=error.http_status if error else 200)


@router.get("/staff/cases/find")
def find(person: api.Staff, session: Db,
         number: Annotated[str, Query(pattern=NUMBER_PATTERN, description="case number")]) -> Response:
    """Look a case up by its number (the finance window takes the fee of any case)."""
    case = queries.find_case(session, number.strip(), api.scope_of(person, finance=True))
    return RedirectResponse(_case_url(case.number), status_code=303)


# -- receipt at the window ----------------------------------------------------------------------------------
def _new_form(request: Request, session: Session, person: Person, values: dict[str, Any],
              error: YangguangError | None = None) -> Response:
    items = queries.receivable_items(session, person.unit_id)
    chosen = next((i for i in items if i.impl_code == values.get("item")), None)
    return render(request, "cases/new.html", {
        "items": items, "chosen": chosen, "values": values, "error": error, "service_objects": SERVICE_OBJECT,
        "channels": HANDLING_FORM, "own_unit": person.unit_id}, status=error.http_status if error else 200)


@router.get("/staff/cases/new")
def new_case(request: Request, person: api.Clerk, session: Db,
             item: Annotated[str, Query(max_length=60)] = "") -> Response:
    return _new_form(request, session, person, {"item": item, "materials": []})


@router.get("/staff/cases/new/materials")
def item_materials(request: Request, person: api.Clerk, session: Db,
                   item: Annotated[str, Query(max_length=60)] = "") -> Response:
    """The chosen item's materials as checkboxes (loaded by htmx when the item is chosen)."""
    found = queries.receivable_items(session, person.unit_id, item) if item else []
    return render(request, "cases/_materials.html", {"chosen": found[0] if found else None, "checked": []})


@router.post("/staff/cases/new")
def receive(request: Request, person: api.Clerk, session: Db, form: PostedForm) -> Response:
    values: dict[str, Any] = {k: form_text(form, k) for k in ("item", "channel", "name", "type", "id_number", "phone")}
    values["materials"] = [str(v) for v in form.getlist("materials")]
    applicant = {k: values[k] for k in ("name", "type", "id_number", "phone")}
    return page_action(request, session, person, lambda: api.receive(validated(CaseIn, {
        "item": values["item"], "channel": values["channel"] or "1", "applicant": applicant,
        "materials": _material_refs(values["materials"])}), person, session),
        then=lambda receipt: _case_url(receipt.number) + "/receipt",
        refused=lambda error: _new_form(request, session, person, values, error))


@router.get("/staff/cases/{number}/receipt")
def receipt(request: Request, number: api.Number, person: api.Staff, session: Db) -> Response:
    """The receipt for the applicant: number, query code and, when incomplete, the one-time notice."""
    case = queries.find_case(session, number, api.scope_of(person, finance=True))
    return render(request, "cases/receipt.html", {"receipt": queries.case_receipt(session, case)})


# -- one case ---------------------------------------------------------------------------------------------
def available_actions(person: Person, case: Case, detail: dict[str, Any], window_unit: int | None) -> set[str]:
    """The forms worth showing this viewer (the server checks every action again on submission)."""
    roles, unit, state = set(person.roles), person.unit_id, case.state
    holders = {case.unit_id} | {r.unit_id for r in case.steps if r.state == StepState.ACTIVE}
    window_side = Role.CLERK in roles and unit in {case.unit_id, window_unit} | {r.unit_id for r in case.steps}
    reviewer = bool(roles & {Role.APPROVER, Role.UNIT_HEAD}) and unit in holders
    extended = any(c["extension"] for c in detail["clocks"])
    actions = set()
    if window_side and state == CaseState.AWAITING_MATERIALS:
        actions |= {"materials", "refusal"}
    if window_side and state == CaseState.IN_PROGRESS and not any(r.state == StepState.DONE for r in case.steps[1:]):
        actions.add("refusal")
    if window_side and state == CaseState.COMPLETED:
        actions.add("result")
    if Role.FINANCE in roles and state != CaseState.REFUSED:
        actions.add("fee")
    if reviewer and state == CaseState.IN_PROGRESS:
        actions |= {"special", "correction"}
    if reviewer and detail["suspended_for"] in SPECIAL_PROCEDURE_KINDS:
        actions.add("special_end")
    if (reviewer or window_side) and detail["suspended_for"] == CORRECTION:
        actions.add("correction_received")
    if state in (CaseState.IN_PROGRESS, CaseState.SUSPENDED) and not extended:
        if Role.APPROVER in roles and unit in holders:
            actions.add("extension_request")
        if Role.UNIT_HEAD in roles and unit == case.unit_id:
            actions.add("extension")
    return actions


def steps_to_do(person: Person, case: Case) -> list[str]:
    """Active steps the viewer's unit holds and role does (送达 goes through the delivery form)."""
    names = [r.name for r in case.steps if r.state == StepState.ACTIVE and r.unit_id == person.unit_id
             and r.role in person.roles and r.name != DELIVER_STEP]
    return list(dict.fromkeys(names))


def _detail_page(request: Request, session: Session, person: Person, number: str, *, done: str | None = None,
                 error: YangguangError | None = None) -> Response:
    case = queries.find_case(session, number, api.scope_of(person, finance=True))
    detail = queries.case_detail(session, case)
    window_unit = session.get(Window, case.window_id).unit_id if case.window_id else None
    return render(request, "cases/detail.html", {
        "case": detail, "actions": available_actions(person, case, detail, window_unit),
        "steps_to_do": steps_to_do(person, case), "done": DONE.get(done or ""), "error": error,
        "clock_labels": CLOCK_LABELS, "step_state_labels": STEP_STATE_LABELS, "decisions": DECISIONS,
        "special_kinds": SPECIAL_PROCEDURE_KINDS,
        "extension_max": service.PARALLEL_EXTENSION_MAX if case.parallel else service.EXTENSION_MAX,
    }, status=error.http_status if error else 200)


@router.get("/staff/cases/{number}")
def case_page(request: Request, number: api.Number, person: api.Staff, session: Db,
              done: Annotated[str, Query(max_length=30)] = "") -> Response:
    return _detail_page(request, session, person, number, done=done)


def _perform(request: Request, session: Session, person: Person, number: str, done: str,
             action: Callable[[], object]) -> Response:
    """Run a page action: on success back to the case with a message, on refusal the case with the reason
    (nothing of the action is kept)."""
    return page_action(request, session, person, action, then=_case_url(number, done),
                       refused=lambda error: _detail_page(request, session, person, number, error=error))


@router.post("/staff/cases/{number}/materials")
def supply_materials(request: Request, number: api.Number, person: api.Clerk,
                     session: Db, form: PostedForm) -> Response:
    refs = _material_refs([str(v) for v in form.getlist("materials")])
    return _perform(request, session, person, number, "materials", lambda: api.supply_materials(
        number, validated(MaterialsIn, {"materials": refs}), person, session))


@router.post("/staff/cases/{number}/refusal")
def refuse(request: Request, number: api.Number, person: api.Clerk, session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "refusal", lambda: api.refuse(
        number, form_body(RefusalIn, form), person, session))


@router.post("/staff/cases/{number}/steps/{step}")
def act(request: Request, number: api.Number, step: api.StepName, person: api.Handler,
        session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "step", lambda: api.act(
        number, step, form_body(StepActionIn, form), person, session))


@router.post("/staff/cases/{number}/special-procedures")
def begin_special_procedure(request: Request, number: api.Number, person: api.Reviewer,
                            session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "special", lambda: api.begin_special_procedure(
        number, form_body(SpecialProcedureIn, form), person, session))


@router.post("/staff/cases/{number}/special-procedures/end")
def end_special_procedure(request: Request, number: api.Number, person: api.Reviewer,
                          session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "special_end", lambda: api.end_special_procedure(
        number, person, session, form_body(EndSpecialProcedureIn, form)))


@router.post("/staff/cases/{number}/corrections")
def request_correction(request: Request, number: api.Number, person: api.Reviewer,
                       session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "correction", lambda: api.request_correction(
        number, form_body(CorrectionIn, form, missing=form_lines(form, "missing")), person, session))


@router.post("/staff/cases/{number}/corrections/received")
def correction_received(request: Request, number: api.Number, person: api.Handler,
                        session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "correction_received",
                    lambda: api.correction_received(number, person, session))


@router.post("/staff/cases/{number}/extension-requests")
def request_extension(request: Request, number: api.Number, person: api.Approver,
                      session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "extension_request", lambda: api.request_extension(
        number, form_body(ExtensionIn, form), person, session))


@router.post("/staff/cases/{number}/extensions")
def extend(request: Request, number: api.Number, person: api.Head, session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "extension", lambda: api.extend(
        number, form_body(ExtensionIn, form), person, session))


@router.post("/staff/cases/{number}/fees")
def charge_fee(request: Request, number: api.Number, person: api.Cashier, session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "fee", lambda: api.charge_fee(
        number, form_body(FeeIn, form, amount_fen=fen_from_yuan(form_text(form, "amount_yuan"))), person, session))


@router.post("/staff/cases/{number}/result")
def deliver(request: Request, number: api.Number, person: api.Clerk, session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "result", lambda: api.deliver(
        number, form_body(ResultIn, form), person, session))


# -- the work queue -----------------------------------------------------------------------------------------
@router.get("/staff/queue")
def work_queue(request: Request, person: api.Queue, session: Db, paging: Paging) -> Response:
    page = api.work_queue(person, session, paging)
    return render(request, "cases/queue.html", {"page": page})
