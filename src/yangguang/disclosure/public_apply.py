"""Public pages of applications for government information (no account): the online application form
with its receipt, and the progress query by number and query code.

The form is parsed into the API's body and handed to the same function as the public API
(:func:`application_api.apply_online`). After a successful submission the browser is sent to the
receipt page (so reloading it never files the request twice); the number and the query code travel
there in the signed session cookie, never in the address. The progress query shows no personal data;
a wrong code answers like an unknown number and wrong guesses are limited per client address.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core.errors import NotFound, TooManyAttempts, YangguangError
from yangguang.core.org import Unit
from yangguang.disclosure import application_api as api
from yangguang.disclosure.application_schemas import (
    QUERY_CODE_PATTERN,
    FoiOnlineIn,
    organisation_kinds,
    parse,
    request_fields,
)
from yangguang.disclosure.service.applications import DELIVERY_LABELS
from yangguang.web.deps import CsrfChecked, Db, OptionalPerson, PostedForm
from yangguang.web.templating import render

router = APIRouter(include_in_schema=False)

RECEIPT_KEY = "disclosure_receipt"
NUMBER_FIELD = r"^\s*[0-9A-Za-z_-]{1,40}\s*$"  # an application number, blanks around it allowed
NO_NUL = r"^[^\x00]*$"
FORM_FIELDS = ("unit", "applicant_type", "organisation_kind", "applicant_name", "applicant_id_number",
               "contact_phone", "contact_email", "contact_address", "content", "delivery")


def organs(session: Session) -> list[Unit]:
    """The organs a request may be addressed to."""
    return list(session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)))


def _form(request: Request, session: Session, values: dict[str, str], error: YangguangError | None = None) -> Response:
    return render(request, "disclosure/public_apply/form.html", {
        "values": values, "error": error, "organs": organs(session), "organisation_kinds": organisation_kinds(),
        "deliveries": DELIVERY_LABELS}, status=error.http_status if error else 200)


@router.get("/disclosure/apply")
def application_form(request: Request, session: Db, person: OptionalPerson,
                     unit: Annotated[str, Query(max_length=20, pattern=NO_NUL)] = "") -> Response:
    return _form(request, session, {"unit": unit, "applicant_type": "natural_person", "delivery": "electronic"})


@router.post("/disclosure/apply")
def submit(request: Request, session: Db, person: OptionalPerson, _: CsrfChecked, form: PostedForm) -> Response:
    values = {name: str(form.get(name) or "").strip() for name in FORM_FIELDS}
    try:
        body = parse(FoiOnlineIn, {**request_fields(form), "unit": values["unit"]})
        receipt = api.apply_online(session, body)
    except YangguangError as exc:
        session.rollback()
        return _form(request, session, values, exc)
    request.session[RECEIPT_KEY] = receipt.model_dump(mode="json")
    return RedirectResponse("/disclosure/apply/receipt", status_code=303)


@router.get("/disclosure/apply/receipt")
def receipt(request: Request, person: OptionalPerson) -> Response:
    """The receipt of this browser's last online request: number, query code and when it counts as received."""
    filed = request.session.get(RECEIPT_KEY)
    if not filed:
        return RedirectResponse("/disclosure/apply", status_code=303)
    filed = {**filed, "submitted_at": datetime.fromisoformat(filed["submitted_at"])}
    return render(request, "disclosure/public_apply/receipt.html", {"receipt": filed})


@router.get("/disclosure/progress")
def progress_form(request: Request, person: OptionalPerson,
                  number: Annotated[str, Query(max_length=40, pattern=NO_NUL)] = "") -> Response:
    return render(request, "disclosure/public_apply/progress.html", {"number": number.strip(), "result": None,
                                                                    "error": None})


@router.post("/disclosure/progress")
def progress_result(request: Request, person: OptionalPerson, _: CsrfChecked,
                    number: Annotated[str, Form(max_length=60, pattern=NUMBER_FIELD)],
                    query_code: Annotated[str, Form(max_length=14, pattern=QUERY_CODE_PATTERN)]) -> Response:
    number = number.strip()
    context: dict[str, Any] = {"number": number, "result": None, "error": None}
    try:
        context["result"] = api.look_up_progress(number, query_code.strip(), address=api.client_address(request),
                                                 at=datetime.now(UTC))
    except (NotFound, TooManyAttempts) as exc:
        context["error"] = exc.reason
        return render(request, "disclosure/public_apply/progress.html", context, status=exc.http_status)
    return render(request, "disclosure/public_apply/progress.html", context)
