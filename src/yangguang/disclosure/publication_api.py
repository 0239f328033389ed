"""The API of proactive disclosure (tags "disclosure-publications" and "disclosure-public").

Staff routes need a role (a dependency) and find the item through :func:`own_publication`: an item of
another organ is a 404 like an id that does not exist (supervisors and administrators read every
organ's). The service then checks the authority for the action itself (only the drafter changes and
submits, another member of the organ's disclosure office or its head reviews, the disclosure office
publishes) and the rules (先审查、后公开: a publication without a positive review of the current text is
refused, recorded and carded). Routes are thin: one scoped lookup, one service call.

The public routes need no account: the catalogue of published items with its search, one item by its
index number (索引号), and an organ's disclosure guide (公开指南).
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core.clocks import Clock, local_day
from yangguang.core.db import MAX_INT
from yangguang.core.errors import InvalidInput, NotFound
from yangguang.core.org import Person, Role, Unit
from yangguang.disclosure import catalogue
from yangguang.disclosure.codes import (
    CATEGORIES,
    DOCUMENT_TYPE_LABELS,
    PUBLICATION_STATE_LABELS,
    VERDICT_LABELS,
)
from yangguang.disclosure.models import Publication, SensitiveWord
from yangguang.disclosure.publication_schemas import (
    ERRORS,
    MAX_SOURCE,
    PUBLIC_ERRORS,
    UNIT_PATTERN,
    CatalogueFilters,
    CatalogueItem,
    CatalogueItemDetail,
    CataloguePage,
    GuideIn,
    GuideOut,
    PublicationChange,
    PublicationDetail,
    PublicationFilters,
    PublicationIn,
    PublicationPage,
    RepealIn,
    ReviewIn,
    ReviewOut,
    ScanOut,
    WithdrawIn,
    WordsIn,
    WordsOut,
)
from yangguang.disclosure.service import publications as service
from yangguang.web.deps import Db, Paging, is_overseer, require_roles

router = APIRouter(prefix="/api/v1")
STAFF_TAG, PUBLIC_TAG = "disclosure-publications", "disclosure-public"

READER_ROLES = (Role.DISCLOSURE, Role.UNIT_HEAD, Role.SUPERVISOR, Role.ADMIN)
Reader = Annotated[Person, Depends(require_roles(*READER_ROLES))]
Officer = Annotated[Person, Depends(require_roles(Role.DISCLOSURE))]
Reviewer = Annotated[Person, Depends(require_roles(Role.DISCLOSURE, Role.UNIT_HEAD))]
WordKeeper = Annotated[Person, Depends(require_roles(Role.DISCLOSURE, Role.ADMIN))]
GuideKeeper = Annotated[Person, Depends(require_roles(Role.DISCLOSURE, Role.ADMIN))]
PublicationId = Annotated[int, Path(ge=1, le=MAX_INT, description="公开事项编号")]
UnitCode = Annotated[str, Path(pattern=UNIT_PATTERN, description="机关代码")]
IndexNumber = Annotated[str, Path(min_length=1, max_length=60, pattern=r"^[^\x00-\x1f\x7f]+$",
                                  description="索引号, e.g. 113301000024912353/02-2026-00001")]
NEAR_MISS_NOTE = "已忽略 {n} 个校验位不符的疑似身份证号"


def now() -> datetime:
    return datetime.now(UTC)


# -- lookups ------------------------------------------------------------------------------------------
def own_publication(session: Session, person: Person, publication_id: int) -> Publication:
    """An item of the person's organ (any organ's for supervisors and administrators), else 404."""
    publication = session.get(Publication, publication_id)
    if publication is None or (not is_overseer(person) and publication.unit_id != person.unit_id):
        raise NotFound("publication", f"公开事项 {publication_id} 不存在")
    return publication


def active_organs(session: Session) -> list[Unit]:
    """The organs in service, by code: what the pages offer to choose from."""
    return list(session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)))


def unit_by_code(session: Session, code: str, field: str = "unit") -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise NotFound(field, f"机关 {code!r} 不存在")
    return unit


def _source(base64_text: str | None, name: str | None) -> bytes | None:
    if base64_text is None:
        return None
    try:
        data = base64.b64decode(base64_text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("source_base64", "上传文件内容不是有效的 Base64 编码") from exc
    if len(data) > MAX_SOURCE:
        raise InvalidInput("source_base64", f"上传文件不能超过 {MAX_SOURCE // 1024 // 1024} MB")
    return data


def due_on(session: Session, publication: Publication):
    clock = session.scalar(select(Clock).where(Clock.obligation_id == publication.obligation_id,
                                               Clock.kind == service.PROACTIVE_CLOCK))
    return clock.due_day if clock is not None and clock.due_at is not None else None


def detail(session: Session, publication: Publication) -> PublicationDetail:
    digest = service.review_digest(publication)
    reviews = []
    for review in publication.reviews:
        reviewer = session.get(Person, review.reviewer_id)
        reviews.append(ReviewOut(
            id=review.id, reviewer=reviewer.login, reviewer_name=reviewer.name, at=review.at, verdict=review.verdict,
            verdict_label=VERDICT_LABELS.get(review.verdict, review.verdict), reasons=review.reasons,
            findings=len(review.findings or []), near_misses=review.near_misses,
            current=review.body_sha256 == digest))
    drafter = session.get(Person, publication.drafter_id)
    blocker = service.publish_blocker(publication) if publication.state not in ("published", "withdrawn") else None
    return PublicationDetail(
        id=publication.id, title=publication.title, body=publication.body, state=publication.state,
        state_label=PUBLICATION_STATE_LABELS[publication.state], unit=publication.unit.code,
        unit_name=publication.unit.name, drafter=drafter.login, drafter_name=drafter.name,
        category=publication.category, category_label=CATEGORIES[publication.category],
        document_type=publication.document_type,
        document_type_label=DOCUMENT_TYPE_LABELS.get(publication.document_type, publication.document_type),
        document_number=publication.document_number, subject_words=publication.subject_words,
        formed_on=publication.formed_on, due_on=due_on(session, publication), index_number=publication.index_number,
        published_at=publication.published_at, repealed_on=publication.repealed_on,
        source_name=publication.source_name,
        publish_blocker=service.REFUSAL_REASONS[blocker] if blocker else None, reviews=reviews)


def scan(session: Session, publication: Publication) -> ScanOut:
    result = service.scan_publication(session, publication)
    return ScanOut(review_text=service.review_text(publication), findings=[f.to_dict() for f in result.findings],
                   near_misses=result.near_misses, near_miss_note=NEAR_MISS_NOTE.format(n=result.near_misses),
                   counts=result.counts())


# -- reading ------------------------------------------------------------------------------------------
@router.get("/disclosure/publications", response_model=PublicationPage, responses=ERRORS, tags=[STAFF_TAG],
            summary="主动公开：事项列表")
def list_publications(person: Reader, session: Db, paging: Paging,
                      filters: Annotated[PublicationFilters, Query()]) -> dict[str, Any]:
    """Items in every state, most recently changed first: the caller's organ (every organ for supervisors
    and administrators), with the Art. 26 deadline."""
    per_page = min(paging.per_page, catalogue.MAX_PER_PAGE)
    entries, total = catalogue.staff_list(session, person, state=filters.state, q=filters.q, page=paging.page,
                                          per_page=per_page)
    return {"items": [vars(e) for e in entries], "total": total, "page": paging.page, "per_page": per_page}


@router.get("/disclosure/publications/{publication_id}", response_model=PublicationDetail, responses=ERRORS,
            tags=[STAFF_TAG], summary="主动公开：事项详情")
def get_publication(publication_id: PublicationId, person: Reader, session: Db) -> PublicationDetail:
    """The item, its catalogue data, its deadline, why it cannot be published yet, and the review record
    (who, when, verdict, reasons)."""
    return detail(session, own_publication(session, person, publication_id))


@router.get("/disclosure/publications/{publication_id}/scan", response_model=ScanOut, responses=ERRORS,
            tags=[STAFF_TAG], summary="主动公开：保密审查扫描结果")
def scan_publication(publication_id: PublicationId, person: Reader, session: Db) -> ScanOut:
    """What the scanner finds in the review text (title, blank line, body): secrecy and internal-only
    markings, valid ID numbers, mobile and bank card numbers, addresses, sensitive words — with line and
    column and a masked excerpt — and how many ID-shaped numbers with a wrong check digit it ignored."""
    return scan(session, own_publication(session, person, publication_id))


# -- drafting -----------------------------------------------------------------------------------------
@router.post("/disclosure/publications", response_model=PublicationDetail, status_code=201, responses=ERRORS,
             tags=[STAFF_TAG], summary="主动公开：起草")
def create_publication(body: PublicationIn, person: Officer, session: Db) -> PublicationDetail:
    """A new item of the caller's organ (disclosure office); the 20 working days run from ``formed_on``."""
    fields = body.model_dump(exclude={"source_base64"})
    publication = service.create_draft(session, person, source=_source(body.source_base64, body.source_name),
                                       at=now(), **fields)
    return detail(session, publication)


@router.patch("/disclosure/publications/{publication_id}", response_model=PublicationDetail, responses=ERRORS,
              tags=[STAFF_TAG], summary="主动公开：修改")
def update_publication(publication_id: PublicationId, body: PublicationChange, person: Officer,
                       session: Db) -> PublicationDetail:
    """Change an unpublished item not under review (its drafter only). A change of the title or text voids
    an earlier verdict (一事一审); a new date of formation restarts the 20 working days."""
    publication = own_publication(session, person, publication_id)
    fields = body.model_dump(exclude={"source_base64"}, exclude_unset=True)
    service.update_draft(session, person, publication, source=_source(body.source_base64, body.source_name),
                         at=now(), **fields)
    return detail(session, publication)


@router.post("/disclosure/publications/{publication_id}/submit", response_model=PublicationDetail,
             responses=ERRORS, tags=[STAFF_TAG], summary="主动公开：提交保密审查")
def submit_publication(publication_id: PublicationId, person: Officer, session: Db) -> PublicationDetail:
    """Hand a draft or a rejected item to the confidentiality review; the organ's reviewers are told."""
    publication = service.submit_for_review(session, person, own_publication(session, person, publication_id),
                                            at=now())
    return detail(session, publication)


@router.post("/disclosure/publications/{publication_id}/review", response_model=PublicationDetail,
             responses=ERRORS, tags=[STAFF_TAG], summary="主动公开：保密审查结论")
def review_publication(publication_id: PublicationId, body: ReviewIn, person: Reviewer,
                       session: Db) -> PublicationDetail:
    """The verdict on the current text, by a member of the organ's disclosure office or its head who did
    not draft it; reasons are required to reject, and to approve despite findings."""
    publication = own_publication(session, person, publication_id)
    service.review(session, person, publication, verdict=body.verdict, reasons=body.reasons, at=now())
    return detail(session, publication)


@router.post("/disclosure/publications/{publication_id}/publish", response_model=PublicationDetail,
             responses=ERRORS, tags=[STAFF_TAG], summary="主动公开：发布")
def publish_publication(publication_id: PublicationId, person: Officer, session: Db) -> PublicationDetail:
    """Publish an item whose latest review approves its current text: it gets its index number. Without
    that, 409: nothing is published, the attempt is recorded and a card raised (先审查、后公开)."""
    publication = service.publish(session, person, own_publication(session, person, publication_id), at=now())
    return detail(session, publication)


@router.post("/disclosure/publications/{publication_id}/withdraw", response_model=PublicationDetail,
             responses=ERRORS, tags=[STAFF_TAG], summary="主动公开：撤回")
def withdraw_publication(publication_id: PublicationId, body: WithdrawIn, person: Reviewer,
                         session: Db) -> PublicationDetail:
    """Take a published item off the portal, with the reason; it keeps its index number."""
    publication = service.withdraw(session, person, own_publication(session, person, publication_id), body.reason,
                                   at=now())
    return detail(session, publication)


@router.post("/disclosure/publications/{publication_id}/repeal", response_model=PublicationDetail,
             responses=ERRORS, tags=[STAFF_TAG], summary="主动公开：登记废止")
def repeal_publication(publication_id: PublicationId, body: RepealIn, person: Reviewer,
                       session: Db) -> PublicationDetail:
    """Record that a published regulation or normative document was repealed; it stays, marked."""
    publication = service.repeal(session, person, own_publication(session, person, publication_id),
                                 body.repealed_on, at=now())
    return detail(session, publication)


# -- sensitive words ----------------------------------------------------------------------------------
def words_of(session: Session, unit: Unit | None) -> WordsOut:
    county = list(session.scalars(select(SensitiveWord.word).where(SensitiveWord.unit_id.is_(None))
                                  .order_by(SensitiveWord.word)))
    own = [] if unit is None else list(session.scalars(select(SensitiveWord.word).where(
        SensitiveWord.unit_id == unit.id).order_by(SensitiveWord.word)))
    return WordsOut(unit=unit.code if unit else None, words=own, county_words=county)


def _word_unit(session: Session, person: Person, code: str | None, county: bool) -> Unit | None:
    if county:
        return None
    return unit_by_code(session, code) if code else person.unit


@router.get("/disclosure/sensitive-words", response_model=WordsOut, responses=ERRORS, tags=[STAFF_TAG],
            summary="主动公开：敏感词表")
def get_words(person: Reader, session: Db,
              unit: Annotated[str | None, Query(pattern=UNIT_PATTERN, description="机关代码（监察、管理员）")] = None
              ) -> WordsOut:
    """The organ's own list and the county's list (both are applied to the organ's items)."""
    organ = unit_by_code(session, unit) if unit and is_overseer(person) else person.unit
    return words_of(session, organ)


@router.post("/disclosure/sensitive-words", response_model=WordsOut, responses=ERRORS, tags=[STAFF_TAG],
             summary="主动公开：添加敏感词")
def add_words(body: WordsIn, person: WordKeeper, session: Db) -> WordsOut:
    """Add words to the organ's list (its disclosure office) or the county's (administrators)."""
    unit = _word_unit(session, person, body.unit, body.county)
    service.add_sensitive_words(session, person, body.words, unit_id=unit.id if unit else None, at=now())
    return words_of(session, unit)


@router.delete("/disclosure/sensitive-words", response_model=WordsOut, responses=ERRORS, tags=[STAFF_TAG],
               summary="主动公开：删除敏感词")
def remove_word(person: WordKeeper, session: Db,
                word: Annotated[str, Query(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")],
                unit: Annotated[str | None, Query(pattern=UNIT_PATTERN)] = None, county: bool = False) -> WordsOut:
    """Remove one word from the organ's list or the county's."""
    organ = _word_unit(session, person, unit, county)
    service.remove_sensitive_word(session, person, word, unit_id=organ.id if organ else None, at=now())
    return words_of(session, organ)


# -- the guide ----------------------------------------------------------------------------------------
def guide_out(session: Session, unit: Unit) -> GuideOut:
    guide = catalogue.guide_for(session, unit)
    return GuideOut(unit=unit.code, unit_name=unit.name, **guide._asdict())


@router.put("/disclosure/guides/{unit}", response_model=GuideOut, responses=ERRORS, tags=[STAFF_TAG],
            summary="主动公开：编制公开指南")
def set_guide(unit: UnitCode, body: GuideIn, person: GuideKeeper, session: Db) -> GuideOut:
    """Write the organ's disclosure guide and its office's address, hours and telephone (its disclosure
    office, or an administrator)."""
    organ = unit_by_code(session, unit)
    service.set_guide(session, person, organ, at=now(), **body.model_dump())
    return guide_out(session, organ)


# -- public -------------------------------------------------------------------------------------------
def catalogue_item(entry: catalogue.CatalogueEntry, unit_code: str) -> CatalogueItem:
    data = vars(entry)
    return CatalogueItem(unit=unit_code, **{k: v for k, v in data.items() if k in CatalogueItem.model_fields})


def catalogue_page(session: Session, filters: CatalogueFilters, page: int, per_page: int) -> dict[str, Any]:
    """One page of the public catalogue: ``{"items", "total", "page", "per_page"}`` (items as entries)."""
    unit_id = unit_by_code(session, filters.unit).id if filters.unit else None
    per_page = min(per_page, catalogue.MAX_PER_PAGE)
    entries, total = catalogue.public_catalogue(session, unit_id=unit_id, category=filters.category,
                                                year=filters.year, q=filters.q, page=page, per_page=per_page)
    return {"items": entries, "total": total, "page": page, "per_page": per_page}


@router.get("/disclosure/catalogue", response_model=CataloguePage, responses=PUBLIC_ERRORS, tags=[PUBLIC_TAG],
            summary="政府信息公开目录：检索")
def search_catalogue(session: Db, paging: Paging, filters: Annotated[CatalogueFilters, Query()]) -> dict[str, Any]:
    """Published items, newest first, by organ, category, year of publication and words (in the title,
    document number, subject words or text)."""
    found = catalogue_page(session, filters, paging.page, paging.per_page)
    codes = dict(session.execute(select(Unit.id, Unit.code)).all())
    return {**found, "items": [catalogue_item(e, codes[e.unit_id]) for e in found["items"]]}


@router.get("/disclosure/catalogue/{index_number:path}", response_model=CatalogueItemDetail,
            responses=PUBLIC_ERRORS, tags=[PUBLIC_TAG], summary="政府信息公开目录：按索引号查看")
def catalogue_entry(index_number: IndexNumber, session: Db) -> CatalogueItemDetail:
    """One published item with its catalogue data and text."""
    p = catalogue.publication_by_index(session, index_number)
    return CatalogueItemDetail(
        index_number=p.index_number, title=p.title, category=p.category, category_label=CATEGORIES[p.category],
        unit=p.unit.code, unit_name=p.unit.name, document_type=p.document_type, document_number=p.document_number,
        subject_words=p.subject_words, formed_on=p.formed_on, published_on=local_day(p.published_at),
        repealed_on=p.repealed_on, body=p.body)


@router.get("/disclosure/guides/{unit}", response_model=GuideOut, responses=PUBLIC_ERRORS, tags=[PUBLIC_TAG],
            summary="政府信息公开指南")
def get_guide(unit: UnitCode, session: Db) -> GuideOut:
    """The organ's disclosure guide (the standard text while it has not written its own) [条例 Art. 12]."""
    return guide_out(session, unit_by_code(session, unit))
