"""Staff pages of proactive disclosure (主动公开): the overview of the disclosure office's work, the list
of items by state, drafting (typed text or an uploaded DOCX, PDF or HTML), the review page — the review
text with every finding highlighted in place, the findings table, the near misses, the review record and
the verdict form —, publication (a refusal is shown with its reason), withdrawal and repeal, the
organ's sensitive words and its disclosure guide.

A page action posts a form; it is parsed into the API's body model and handed to the API route function
itself (:mod:`yangguang.disclosure.publication_api`), so pages and API share one scoped lookup and one
service call. Success redirects back with a message; a refusal shows the page again with the reason.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from yangguang.core.clocks import local_day
from yangguang.core.errors import InvalidInput, YangguangError
from yangguang.core.org import Person, Role
from yangguang.core.validation import validated
from yangguang.disclosure import publication_api as api
from yangguang.disclosure.codes import (
    CATEGORIES,
    DOCUMENT_TYPE_LABELS,
    PUBLICATION_STATE_LABELS,
    VERDICT_LABELS,
    DocumentType,
    PublicationState,
)
from yangguang.disclosure.publication_schemas import (
    MAX_SOURCE,
    GuideIn,
    PublicationChange,
    PublicationFilters,
    PublicationIn,
    RepealIn,
    ReviewIn,
    WithdrawIn,
    WordsIn,
)
from yangguang.disclosure.scanner import highlight_html
from yangguang.disclosure.service import publications as service
from yangguang.web.deps import Db, Paging, PostedForm
from yangguang.web.forms import form_body, form_lines, form_text, page_action
from yangguang.web.templating import render

router = APIRouter(include_in_schema=False)

BASE = "/staff/disclosure"
PUBLICATIONS = f"{BASE}/publications"
FIELDS = ("title", "category", "formed_on", "body", "document_type", "document_number", "subject_words")
DONE = {
    "created": "已保存草稿。", "updated": "已保存修改。", "submitted": "已提交保密审查，本机关审查人员已收到通知。",
    "reviewed": "已记录审查结论。", "published": "已发布到政府信息公开目录。", "withdrawn": "已撤回。",
    "repealed": "已登记废止。", "words": "敏感词表已更新。", "guide": "公开指南已保存。",
}


def _url(publication_id: int, done: str | None = None) -> str:
    return f"{PUBLICATIONS}/{publication_id}" + (f"?done={done}" if done else "")


def _upload(form: FormData) -> dict[str, str]:
    """An uploaded original as the API's fields (``source_base64``, ``source_name``); none: {}."""
    upload = form.get("source")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return {}
    data = upload.file.read(MAX_SOURCE + 1)
    if len(data) > MAX_SOURCE:
        raise InvalidInput("source", f"上传文件不能超过 {MAX_SOURCE // 1024 // 1024} MB")
    return {"source_base64": base64.b64encode(data).decode("ascii"), "source_name": upload.filename}


def _vocabulary() -> dict[str, Any]:
    return {"categories": CATEGORIES, "document_types": {t.value: label for t, label in DOCUMENT_TYPE_LABELS.items()}}


# -- overview and list ------------------------------------------------------------------------------------
@router.get(BASE)
def overview(request: Request, person: api.Reader, session: Db) -> Response:
    waiting, _ = api.catalogue.staff_list(session, person, state=PublicationState.IN_REVIEW, per_page=10)
    return render(request, "disclosure/publications/overview.html", {"waiting": waiting})


@router.get(PUBLICATIONS)
def publication_list(request: Request, person: api.Reader, session: Db, paging: Paging) -> Response:
    values = {k: v.strip() for k, v in request.query_params.items() if k in ("state", "q") and v.strip()}
    error, page = None, None
    try:
        page = api.list_publications(person, session, paging, validated(PublicationFilters, values))
    except InvalidInput as exc:
        error = exc
    return render(request, "disclosure/publications/list.html", {
        "page": page, "values": values, "error": error, "query": urlencode(values),
        "states": [(s.value, label) for s, label in PUBLICATION_STATE_LABELS.items()]},
        status=error.http_status if error else 200)


# -- drafting -----------------------------------------------------------------------------------------------
def _form_page(request: Request, values: dict[str, str], error: YangguangError | None = None,
               publication_id: int | None = None) -> Response:
    return render(request, "disclosure/publications/form.html", {
        "values": values, "error": error, "publication_id": publication_id, **_vocabulary()},
        status=error.http_status if error else 200)


@router.get(f"{PUBLICATIONS}/new")
def new_publication(request: Request, person: api.Officer) -> Response:
    return _form_page(request, {"formed_on": local_day(datetime.now(UTC)).isoformat(), "category": "02",
                                "document_type": DocumentType.OTHER.value})


@router.post(f"{PUBLICATIONS}/new")
def create_publication(request: Request, person: api.Officer, session: Db, form: PostedForm) -> Response:
    values = {name: form_text(form, name) for name in FIELDS}
    return page_action(request, session, person, lambda: api.create_publication(validated(
        PublicationIn, {**{k: v for k, v in values.items() if v}, **_upload(form)}), person, session),
        then=lambda created: _url(created.id, "created"), refused=lambda error: _form_page(request, values, error))


@router.get(f"{PUBLICATIONS}/{{publication_id}}/edit")
def edit_publication(request: Request, publication_id: api.PublicationId, person: api.Officer,
                     session: Db) -> Response:
    publication = api.own_publication(session, person, publication_id)
    values = {name: str(getattr(publication, name) or "") for name in FIELDS}
    return _form_page(request, values, publication_id=publication.id)


@router.post(f"{PUBLICATIONS}/{{publication_id}}/edit")
def update_publication(request: Request, publication_id: api.PublicationId, person: api.Officer, session: Db,
                       form: PostedForm) -> Response:
    values = {name: form_text(form, name) for name in FIELDS}

    def action() -> object:
        upload = _upload(form)
        fields = {k: v for k, v in values.items() if k != "body" or not upload}
        return api.update_publication(publication_id, validated(PublicationChange, {**fields, **upload}), person,
                                      session)

    return page_action(request, session, person, action, then=_url(publication_id, "updated"),
                       refused=lambda error: _form_page(request, values, error, publication_id=publication_id))


# -- the review page ----------------------------------------------------------------------------------------
def available_actions(person: Person, detail: dict[str, Any], unit_id: int, drafter_id: int) -> set[str]:
    """The forms worth showing this viewer (the service checks every action again on submission)."""
    own = person.unit_id == unit_id
    officer = own and person.has_role(Role.DISCLOSURE)
    reviewer = own and (person.has_role(Role.DISCLOSURE) or person.has_role(Role.UNIT_HEAD))
    state, drafter = detail["state"], person.id == drafter_id
    actions: set[str] = set()
    if officer and drafter and state in service.EDITABLE:
        actions.add("edit")
    if officer and drafter and state in (PublicationState.DRAFT, PublicationState.REJECTED):
        actions.add("submit")
    if reviewer and not drafter and state == PublicationState.IN_REVIEW:
        actions.add("review")
    if officer and state not in (PublicationState.PUBLISHED, PublicationState.WITHDRAWN):
        actions.add("publish")
    if reviewer and state == PublicationState.PUBLISHED:
        actions.add("withdraw")
        if detail["document_type"] in (DocumentType.REGULATION, DocumentType.NORMATIVE) and not detail["repealed_on"]:
            actions.add("repeal")
    return actions


def _detail_page(request: Request, session: Session, person: Person, publication_id: int, *,
                 done: str | None = None, error: YangguangError | None = None,
                 values: dict[str, str] | None = None) -> Response:
    publication = api.own_publication(session, person, publication_id)
    detail = api.detail(session, publication).model_dump()
    result = service.scan_publication(session, publication)
    return render(request, "disclosure/publications/detail.html", {
        "p": detail, "highlighted": highlight_html(service.review_text(publication), result.findings),
        "findings": result.findings, "near_misses": result.near_misses,
        "near_miss_note": api.NEAR_MISS_NOTE.format(n=result.near_misses), "verdicts": VERDICT_LABELS,
        "actions": available_actions(person, detail, publication.unit_id, publication.drafter_id),
        "done": DONE.get(done or ""), "error": error, "values": values or {},
        "today": local_day(datetime.now(UTC)).isoformat(),
    }, status=error.http_status if error else 200)


@router.get(f"{PUBLICATIONS}/{{publication_id}}")
def publication_page(request: Request, publication_id: api.PublicationId, person: api.Reader, session: Db,
                     done: Annotated[str, Query(max_length=30)] = "") -> Response:
    return _detail_page(request, session, person, publication_id, done=done)


def _act(request: Request, session: Session, person: Person, publication_id: int, form: FormData, done: str,
         call: Callable[[], object]) -> Response:
    """Run a page action: done, back to the item with a message; refused, the item again with the reason
    and what was typed (a refused publication has already recorded the attempt and its card)."""
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    return page_action(request, session, person, call, then=_url(publication_id, done),
                       refused=lambda error: _detail_page(request, session, person, publication_id, error=error,
                                                          values=values))


@router.post(f"{PUBLICATIONS}/{{publication_id}}/submit")
def submit(request: Request, publication_id: api.PublicationId, person: api.Officer, session: Db,
           form: PostedForm) -> Response:
    return _act(request, session, person, publication_id, form, "submitted",
                lambda: api.submit_publication(publication_id, person, session))


@router.post(f"{PUBLICATIONS}/{{publication_id}}/review")
def review(request: Request, publication_id: api.PublicationId, person: api.Reviewer, session: Db,
           form: PostedForm) -> Response:
    return _act(request, session, person, publication_id, form, "reviewed", lambda: api.review_publication(
        publication_id, form_body(ReviewIn, form), person, session))


@router.post(f"{PUBLICATIONS}/{{publication_id}}/publish")
def publish(request: Request, publication_id: api.PublicationId, person: api.Officer, session: Db,
            form: PostedForm) -> Response:
    return _act(request, session, person, publication_id, form, "published",
                lambda: api.publish_publication(publication_id, person, session))


@router.post(f"{PUBLICATIONS}/{{publication_id}}/withdraw")
def withdraw(request: Request, publication_id: api.PublicationId, person: api.Reviewer, session: Db,
             form: PostedForm) -> Response:
    return _act(request, session, person, publication_id, form, "withdrawn", lambda: api.withdraw_publication(
        publication_id, form_body(WithdrawIn, form), person, session))


@router.post(f"{PUBLICATIONS}/{{publication_id}}/repeal")
def repeal(request: Request, publication_id: api.PublicationId, person: api.Reviewer, session: Db,
           form: PostedForm) -> Response:
    return _act(request, session, person, publication_id, form, "repealed", lambda: api.repeal_publication(
        publication_id, form_body(RepealIn, form), person, session))


# -- sensitive words ------------------------------------------------------------------------------------------
def _words_page(request: Request, session: Session, person: Person, *, done: str | None = None,
                error: YangguangError | None = None) -> Response:
    return render(request, "disclosure/publications/words.html", {
        "words": api.get_words(person, session), "done": DONE.get(done or ""), "error": error,
        "keeper": person.has_role(Role.DISCLOSURE), "admin": person.has_role(Role.ADMIN)},
        status=error.http_status if error else 200)


@router.get(f"{BASE}/words")
def words_page(request: Request, person: api.Reader, session: Db,
               done: Annotated[str, Query(max_length=30)] = "") -> Response:
    return _words_page(request, session, person, done=done)


@router.post(f"{BASE}/words")
def add_words(request: Request, person: api.WordKeeper, session: Db, form: PostedForm) -> Response:
    return page_action(request, session, person, lambda: api.add_words(validated(WordsIn, {
        "words": form_lines(form, "words"), "county": form_text(form, "county") == "1"}), person, session),
        then=f"{BASE}/words?done=words", refused=lambda error: _words_page(request, session, person, error=error))


@router.post(f"{BASE}/words/remove")
def remove_word(request: Request, person: api.WordKeeper, session: Db, form: PostedForm) -> Response:
    return page_action(request, session, person, lambda: api.remove_word(
        person, session, word=form_text(form, "word"), county=form_text(form, "county") == "1"),
        then=f"{BASE}/words?done=words", refused=lambda error: _words_page(request, session, person, error=error))


# -- the guide ----------------------------------------------------------------------------------------------
GUIDE_FIELDS = ("text", "office_address", "office_hours", "phone")


def _guide_page(request: Request, session: Session, person: Person, values: dict[str, str] | None = None, *,
                done: str | None = None, error: YangguangError | None = None) -> Response:
    guide = api.guide_out(session, person.unit)
    return render(request, "disclosure/publications/guide.html", {
        "guide": guide, "values": values or guide.model_dump(), "done": DONE.get(done or ""), "error": error,
        "keeper": person.has_role(Role.DISCLOSURE) or person.has_role(Role.ADMIN)},
        status=error.http_status if error else 200)


@router.get(f"{BASE}/guide")
def guide_page(request: Request, person: api.Reader, session: Db,
               done: Annotated[str, Query(max_length=30)] = "") -> Response:
    return _guide_page(request, session, person, done=done)


@router.post(f"{BASE}/guide")
def save_guide(request: Request, person: api.GuideKeeper, session: Db, form: PostedForm) -> Response:
    values = {name: form_text(form, name) for name in GUIDE_FIELDS}
    return page_action(request, session, person, lambda: api.set_guide(
        person.unit.code, validated(GuideIn, values), person, session), then=f"{BASE}/guide?done=guide",
        refused=lambda error: _guide_page(request, session, person, values, error=error))
