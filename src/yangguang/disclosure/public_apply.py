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
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from yangguang.core.errors import YangguangError
from yangguang.core.validation import NO_NUL, validated
from yangguang.disclosure import application_api as api
from yangguang.disclosure.application_schemas import (
    QUERY_CODE_PATTERN,
    FoiOnlineIn,
    organisation_kinds,
    request_fields,
)
from yangguang.disclosure.publication_api import active_organs
from yangguang.disclosure.service.applications import DELIVERY_LABELS
from yangguang.web.deps import CsrfChecked, Db, OptionalPerson, PostedForm
from yangguang.web.forms import form_text, page_action
from yangguang.web.progress import client_address, progress_page
from yangguang.web.templating import render

router = APIRouter(include_in_schema=False)

RECEIPT_KEY = "disclosure_receipt"
PROGRESS_PAGE = "disclosure/public_apply/progress.html"
NUMBER_FIELD = r"^\s*[0-9A-Za-z_-]{1,40}\s*$"  # an application number, blanks around it allowed
FORM_FIELDS = ("unit", "applicant_type", "organisation_kind", "applicant_name", "applicant_id_number",
               "contact_phone", "contact_email", "contact_address", "content", "delivery")


def _form(request: Request, session: Session, values: dict[str, str], error: YangguangError | None = None) -> Response:
    return render(request, "disclosure/public_apply/form.html", {
        "values": values, "error": error, "organs": active_organs(session), "organisation_kinds": organisation_kinds(),
        "deliveries": DELIVERY_LABELS}, status=error.http_status if error else 200)


@router.get("/disclosure/apply")
def application_form(request: Request, session: Db, person: OptionalPerson,
                     unit: Annotated[str, Query(max_length=20, pattern=NO_NUL)] = "") -> Response:
    return _form(request, session, {"unit": unit, "applicant_type": "natural_person", "delivery": "electronic"})


@router.post("/disclosure/apply")
def submit(request: Request, session: Db, person: OptionalPerson, _: CsrfChecked, form: PostedForm) -> Response:
    values = {name: form_text(form, name) for name in FORM_FIELDS}

    def apply() -> None:
        receipt = api.apply_online(session, validated(FoiOnlineIn, {**request_fields(form), "unit": values["unit"]}))
        request.session[RECEIPT_KEY] = receipt.model_dump(mode="json")

    return page_action(request, session, person, apply, then="/disclosure/apply/receipt",
                       refused=lambda error: _form(request, session, values, error))


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
    return progress_page(request, PROGRESS_PAGE, number.strip())


@router.post("/disclosure/progress")
def progress_result(request: Request, person: OptionalPerson, _: CsrfChecked,
                    number: Annotated[str, Form(max_length=60, pattern=NUMBER_FIELD)],
                    query_code: Annotated[str, Form(max_length=14, pattern=QUERY_CODE_PATTERN)]) -> Response:
    number = number.strip()
    return progress_page(request, PROGRESS_PAGE, number, lambda: api.look_up_progress(
        number, query_code.strip(), address=client_address(request), at=datetime.now(UTC)))
