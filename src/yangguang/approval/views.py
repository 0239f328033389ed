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
from starlette.datastructures import FormData

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
    parse,
)
from yangguang.approval.codes import HANDLING_FORM, SERVICE_OBJECT, SPECIAL_PROCEDURE_KINDS
from yangguang.approval.models import Case
from yangguang.approval.service import CORRECTION, DECISIONS, DELIVER_STEP, CaseState, StepState
from yangguang.core.auth import record_refusal
from yangguang.core.errors import Forbidden, InvalidInput, YangguangError
from yangguang.core.org import Person, Role, Window
from yangguang.web.deps import Db, Paging, PostedForm, paginate
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
        filters = parse(CaseFilters, values)
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
    values: dict[str, Any] = {k: _text(form, k) for k in ("item", "channel", "name", "type", "id_number", "phone")}
    values["materials"] = [str(v) for v in form.getlist("materials")]
    applicant = {k: values[k] for k in ("name", "type", "id_number", "phone")}
    try:
        body = parse(CaseIn, {"item": values["item"], "channel": values["channel"] or "1", "applicant": applicant,
                              "materials": _material_refs(values["materials"])})
        receipt = api.receive(body, person, session)
    except YangguangError as exc:
        session.rollback()
        return _new_form(request, session, person, values, exc)
    return RedirectResponse(_case_url(receipt.number) + "/receipt", status_code=303)


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


def _perform(request: Request, session: Session, person: Person, number: str, done: str, form: FormData,
             action: Callable[[FormData], object]) -> Response:
    """Run a page action; on success back to the case with a message, on refusal the case with the reason
    (the unit of work is rolled back, so nothing of the action is kept)."""
    try:
        action(form)
    except YangguangError as exc:
        session.rollback()
        if isinstance(exc, Forbidden):  # audited like every refusal (web/errors.py does it for raised ones)
            record_refusal(session, actor=person.login, method=request.method, path=request.url.path,
                           field=exc.field, reason=exc.reason)
        return _detail_page(request, session, person, number, error=exc)
    return RedirectResponse(_case_url(number, done), status_code=303)


def _text(form: FormData, name: str) -> str:
    return str(form.get(name) or "").strip()


@router.post("/staff/cases/{number}/materials")
def supply_materials(request: Request, number: api.Number, person: api.Clerk,
                     session: Db, form: PostedForm) -> Response:
    def action(form: FormData) -> object:
        refs = _material_refs([str(v) for v in form.getlist("materials")])
        return api.supply_materials(number, parse(MaterialsIn, {"materials": refs}), person, session)

    return _perform(request, session, person, number, "materials", form, action)


@router.post("/staff/cases/{number}/refusal")
def refuse(request: Request, number: api.Number, person: api.Clerk, session: Db, form: PostedForm) -> Response:
    def action(form: FormData) -> object:
        body = parse(RefusalIn, {"reason": _text(form, "reason"), "legal_basis": _text(form, "legal_basis")})
        return api.refuse(number, body, person, session)

    return _perform(request, session, person, number, "refusal", form, action)


@router.post("/staff/cases/{number}/steps/{step}")
def act(request: Request, number: api.Number, step: api.StepName, person: api.Handler,
              session: Db, form: PostedForm) -> Response:
    def action(form: FormData) -> object:
        body = parse(StepActionIn, {"note": _text(form, "note"), "decision": _text(form, "decision") or None,
                                    "legal_basis": _text(form, "legal_basis")})
        return api.act(number, step, body, person, session)

    return _perform(request, session, person, number, "step", form, action)


@router.post("/staff/cases/{number}/special-procedures")
def begin_special_procedure(request: Request, number: api.Number, person: api.Reviewer,
                                  session: Db, form: PostedForm) -> Response:
    def action(form: FormData) -> object:
        body = parse(SpecialProcedureIn, {"kind": _text(form, "kind"), "expected_days": _text(form, "expected_days"),
                                          "reason": _text(form, "reason")})
        return api.begin_special_procedure(number, body, person, session)

    return _perform(request, session, person, number, "special", form, action)


@router.post("/staff/cases/{number}/special-procedures/end")
def end_special_procedure(request: Request, number: api.Number, person: api.Reviewer,
                                session: Db, form: PostedForm) -> Response:
    def action(form: FormData) -> object:
        body = parse(EndSpecialProcedureIn, {"note": _text(form, "note")})
        return api.end_special_procedure(number, person, session, body)

    return _perform(request, session, person, number, "special_end", form, action)


@router.post("/staff/cases/{number}/corrections")
def request_correction(request: Request, number: api.Number, person: api.Reviewer,
                       session: Db, form: PostedForm) -> Response:
    def action(form: FormData) -> object:
        lines = [line.strip() for line in _text(form, "missing").splitlines() if line.strip()]
        return api.request_correction(number, parse(CorrectionIn, {"missing": lines}), person, session)

    return _perform(request, session, person, number, "correction", form, action)


@router.post("/staff/cases/{number}/corrections/received")
def correction_received(request: Request, number: api.Number, person: api.Handler,
                        session: Db, form: PostedForm) -> Response:
    return _perform(request, session, person, number, "correction_received", form,
                    lambda _form: api.correction_received(number, person, session))


@router.post("/staff/cases/{number}/extension-requests")
def request_extension(request: Request, number: api.Number, person: api.Approver,
                      session: Db, form: PostedForm) -> Response:
    def action(form: FormData) -> object:
        body = parse(ExtensionIn, {"days": _text(form, "days"), "reason": _text(form, "reason")})
        return api.request_extension(number, body, person, session)

    return _perform(request, session, person, number, "extension_request", form, action)


@router.post("/staff/cases/{number}/extensions")
def extend(request: Request, number: api.Number, person: api.Head, session: Db, form: PostedForm) -> Response:
    def action(form: FormData) -> object:
        body = parse(ExtensionIn, {"days": _text(form, "days"), "reason": _text(form, "reason")})
        return api.extend(number, body, person, session)

    return _perform(request, session, person, number, "extension", form, action)


@router.post("/staff/cases/{number}/fees")
def charge_fee(request: Request, number: api.Number, person: api.Cashier, session: Db, form: PostedForm) -> Response:
    def action(form: FormData) -> object:
        body = parse(FeeIn, {"amount_fen": fen_from_yuan(_text(form, "amount_yuan")), "basis": _text(form, "basis")})
        return api.charge_fee(number, body, person, session)

    return _perform(request, session, person, number, "fee", form, action)


@router.post("/staff/cases/{number}/result")
def deliver(request: Request, number: api.Number, person: api.Clerk, session: Db, form: PostedForm) -> Response:
    def action(form: FormData) -> object:
        return api.deliver(number, parse(ResultIn, {"result_number": _text(form, "result_number")}), person, session)

    return _perform(request, session, person, number, "result", form, action)


# -- the work queue -----------------------------------------------------------------------------------------
@router.get("/staff/queue")
def work_queue(request: Request, person: api.Queue, session: Db, paging: Paging) -> Response:
    page = api.work_queue(person, session, paging)
    return render(request, "cases/queue.html", {"page": page})
