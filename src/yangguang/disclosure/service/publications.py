"""Proactive disclosure (主动公开): drafting, the confidentiality review, publication, the sensitive-word
lists and the organs' disclosure guides — the only code that changes them.

The rules [disclosure.md, "Proactive disclosure and review before publication"; 政府信息公开条例
(2019) Arts. 12, 17, 19–26]:

* Time limit. Information to be disclosed proactively is published within 20 working days of being
  formed or changed [Art. 26]. Each item opens an obligation ``disclosure.publication`` (responsible:
  the issuing organ and the drafter) with a clock ``proactive`` of 20 working days from its date of
  formation ``formed_on``; a new date (the information changed) begins the period again; publication
  stops it. The supervision engine raises the cards (:mod:`yangguang.disclosure.rules.publications`).
* 先审查、后公开, 一事一审. Every item is reviewed before publication [Art. 17]; the review record
  keeps who, when, the verdict, the reasons and what the scanner found. A verdict is about one text:
  the *review text* (:func:`review_text`, the title and the body — a secrecy mark in a title is as
  public as one in the body), identified by its SHA-256 (``PublicationReview.body_sha256``). A change
  of that text after an approval voids the approval.
* 谁公开、谁审查、谁负责. The organ that publishes reviews, and one person cannot draft and clear the
  same item:
  - drafting (and changing, submitting) is done by the organ's disclosure staff (政务公开办,
    ``Role.DISCLOSURE``); only the drafter changes or submits an item. Approvers of a department do
    not draft: they hand their information to the disclosure staff, who answer for what is
    published — one role drafts, so the accountability stays with one office;
  - the reviewer holds ``Role.DISCLOSURE`` or ``Role.UNIT_HEAD`` in the issuing organ and is not the
    drafter; an approval despite findings must give the reasons each one is acceptable;
  - publication is done by the organ's disclosure staff; withdrawal and repeal by its disclosure
    staff or head.
* Publishing without a positive review is impossible: the attempt is a monitoring point, refused
  through :func:`yangguang.core.events.refuse` (nothing published, the attempt recorded, a card).
* Catalogue data [Art. 12; disclosure.md]: index number (索引号, assigned on publication, see
  :func:`index_number_for`), category, issuing organ, document number (文号), date of formation, date of
  publication, subject words.

Every function takes the session, the acting person (a :class:`Person` or a login) and the moment
``at`` (timezone-aware). None commits.

Events (subject ``disclosure_publication`` with the publication id; ``data`` always has ``title``):

* ``disclosure.publication_drafted`` — category, formed_on, due_on
* ``disclosure.publication_updated`` — changed (field names), restarted (bool), due_on, review_voided
* ``disclosure.submitted_for_review`` — reviewers (logins told)
* ``disclosure.reviewed`` — verdict, findings (count), near_misses, reviewer
* ``disclosure.publish_refused`` (via ``refuse``) — reason (no_review | rejected | changed_after_review),
  actor, breach
* ``disclosure.published`` — index_number, category, late, used, limit (working days)
* ``disclosure.withdrawn`` — index_number, reason
* ``disclosure.repealed`` — index_number, document_type, repealed_on
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any, NoReturn

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yangguang.core import audit
from yangguang.core.clocks import (
    Clock,
    ClockUnit,
    Obligation,
    close_obligation,
    local_day,
    open_obligation,
    restart_clock,
    start_clock,
)
from yangguang.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from yangguang.core.events import Event, emit, refuse
from yangguang.core.notify import notify_person
from yangguang.core.org import Person, Role, Unit, get_person, get_unit
from yangguang.core.settings import get_settings
from yangguang.core.validation import aware, check_text
from yangguang.disclosure.codes import (
    CATEGORIES,
    DOCUMENT_TYPE_LABELS,
    PUBLICATION_STATE_LABELS,
    VERDICT_LABELS,
    DocumentType,
    PublicationState,
    Verdict,
)
from yangguang.disclosure.extract import extract_text
from yangguang.disclosure.models import DisclosureGuide, Publication, PublicationReview, SensitiveWord
from yangguang.disclosure.scanner import Scanner, ScanResult
from yangguang.disclosure.service._common import (
    check_choice,
    check_day,
    day_start,
    known_past_day,
    require_staff,
)

PUBLICATION_OBLIGATION = "disclosure.publication"
PROACTIVE_CLOCK = "proactive"
SUBJECT = "disclosure_publication"
PROACTIVE_WORKDAYS = 20  # 条例 Art. 26
MAX_SEQUENCE = 99_999  # five digits of the index number's sequence
SOURCE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf", ".html": "text/html", ".htm": "text/html",
}
EDITABLE = (PublicationState.DRAFT, PublicationState.REJECTED, PublicationState.APPROVED)
REVIEWER_ROLES = (Role.DISCLOSURE, Role.UNIT_HEAD)
REFUSAL_REASONS = {
    "no_review": "未经保密审查，不能发布（先审查、后公开）",
    "rejected": "保密审查未通过，不能发布",
    "changed_after_review": "保密审查后内容已修改，须重新审查后才能发布（一事一审）",
}


# -- small helpers ------------------------------------------------------------------------------------
def _person(session: Session, actor: Person | str, field: str) -> Person:
    if isinstance(actor, Person):
        if not actor.active:
            raise NotFound(field, f"人员 {actor.login!r} 已停用")
        return actor
    return get_person(session, actor, field)


def get_publication(session: Session, publication_id: int) -> Publication:
    publication = session.get(Publication, publication_id)
    if publication is None:
        raise NotFound("publication", f"公开事项 {publication_id!r} 不存在")
    return publication


def _publication(session: Session, publication: Publication | int) -> Publication:
    return publication if isinstance(publication, Publication) else get_publication(session, publication)


def _state(publication: Publication) -> str:
    return PUBLICATION_STATE_LABELS.get(publication.state, publication.state)


def _content(body: object, source: bytes | None, source_name: str | None) -> tuple[str, str | None, str | None]:
    """``(body, source_name, source_type)``: typed text, or the text of an uploaded DOCX, PDF or HTML."""
    typed = check_text(body, "body", "正文", max_length=2_000_000)
    if source is None:
        if source_name:
            raise InvalidInput("source", "只有文件名，没有文件内容")
        if not typed:
            raise InvalidInput("body", "请填写正文或上传文件（DOCX、PDF、HTML）")
        return typed, None, None
    if typed:
        raise InvalidInput("body", "正文与上传文件只能二选一：上传文件时正文从文件中提取")
    name = check_text(source_name, "source_name", "文件名", max_length=200, required=True)
    source_type = SOURCE_TYPES.get(PurePosixPath(name.lower()).suffix)
    if source_type is None:
        raise InvalidInput("source_name", f"{name!r}：只能上传 DOCX、PDF 或 HTML 文件")
    try:
        extracted = extract_text(source, name)
    except InvalidInput as exc:  # empty, corrupt, encrypted, scanned without text...
        raise InvalidInput("source", exc.reason) from exc
    return extracted, name, source_type


def review_text(publication: Publication) -> str:
    """The text a review is about and the scanner reads: the title, a blank line, the body. The
    findings' positions refer to it (highlight it, not the body alone)."""
    return f"{publication.title}\n\n{publication.body}"


def review_digest(publication: Publication) -> str:
    return hashlib.sha256(review_text(publication).encode("utf-8")).hexdigest()


def _event(publication: Publication, type_: str, person: Person, at: datetime, **data: Any) -> Event:
    return Event(type=type_, subject=SUBJECT, subject_id=str(publication.id), unit_id=publication.unit_id,
                 person_id=person.id, obligation_id=publication.obligation_id,
                 data={"title": publication.title, **data}, at=at)


def _record(session: Session, actor: Person, action: str, publication: Publication, at: datetime,
            **data: Any) -> None:
    audit.record(session, actor=actor.login, action=action, entity=SUBJECT, entity_id=publication,
                 data={"title": publication.title, **data}, at=at)


def _proactive_clock(session: Session, publication: Publication) -> Clock:
    return session.scalar(select(Clock).where(Clock.obligation_id == publication.obligation_id,
                                              Clock.kind == PROACTIVE_CLOCK))


def _require_organ(publication: Publication, person: Person, roles: tuple[Role, ...], what: str) -> None:
    require_staff(person, publication.unit_id, roles, what, elsewhere="该事项由其他机关公开（谁公开、谁审查、谁负责）")


def _require_drafter(publication: Publication, person: Person, what: str) -> None:
    _require_organ(publication, person, (Role.DISCLOSURE,), what)
    if person.id != publication.drafter_id:
        raise Forbidden("actor", f"{person.label} 无权{what}：只有起草人可以修改或提交该事项")


# -- drafting ------------------------------------------------------------------------------------------
def create_draft(session: Session, drafter: Person | str, *, title: str, category: str, formed_on: date | str,
                 body: str = "", source: bytes | None = None, source_name: str | None = None,
                 document_type: str = "other", document_number: str = "", subject_words: str = "",
                 at: datetime) -> Publication:
    """A new item of the drafter's organ, from typed text or an uploaded DOCX, PDF or HTML (its text
    becomes the body; the file is kept). Opens the 20-working-day clock from ``formed_on`` [Art. 26]."""
    at = aware(at)
    drafter = _person(session, drafter, "drafter")
    if not drafter.has_role(Role.DISCLOSURE):
        raise Forbidden("drafter", f"{drafter.label} 无权起草主动公开信息（须由政务公开办人员办理）")
    title = check_text(title, "title", "标题", max_length=300, required=True)
    category = check_choice(category, CATEGORIES, "category", "公开目录类别")
    document_type = check_choice(document_type, DOCUMENT_TYPE_LABELS, "document_type", "文件类型")
    document_number = check_text(document_number, "document_number", "文号", max_length=100)
    subject_words = check_text(subject_words, "subject_words", "主题词", max_length=200)
    formed = known_past_day(session, formed_on, "formed_on", at, "信息形成或者变更日期")
    text, source_name, source_type = _content(body, source, source_name)
    publication = Publication(
        unit_id=drafter.unit_id, title=title, body=text, category=category, document_type=document_type,
        document_number=document_number, subject_words=subject_words, formed_on=formed,
        state=PublicationState.DRAFT, drafter_id=drafter.id, source=source,
        source_name=source_name, source_type=source_type, created_at=at, updated_at=at)
    session.add(publication)
    session.flush()
    obligation = open_obligation(session, kind=PUBLICATION_OBLIGATION, subject=SUBJECT, subject_id=publication.id,
                                 title=f"主动公开：{title}"[:300], unit_id=publication.unit_id, person_id=drafter.id,
                                 at=at, actor=drafter.login)
    clock = start_clock(session, obligation, kind=PROACTIVE_CLOCK, unit=ClockUnit.WORKDAYS, limit=PROACTIVE_WORKDAYS,
                        start_at=day_start(formed), actor=drafter.login)
    session.flush()
    publication.obligation_id = obligation.id
    due = clock.due_day.isoformat()
    _record(session, drafter, "disclosure.publication_drafted", publication, at, category=category,
            formed_on=formed.isoformat(), due_on=due, source_name=source_name)
    emit(session, _event(publication, "disclosure.publication_drafted", drafter, at, category=category,
                         formed_on=formed.isoformat(), due_on=due))
    return publication


def update_draft(session: Session, drafter: Person | str, publication: Publication | int, *,
                 title: str | None = None, category: str | None = None, formed_on: date | str | None = None,
                 body: str | None = None, source: bytes | None = None, source_name: str | None = None,
                 document_type: str | None = None, document_number: str | None = None,
                 subject_words: str | None = None, at: datetime) -> Publication:
    """Change an unpublished item not under review (``None``: unchanged). Only its drafter does.

    A new date of formation — the information changed — begins the 20 working days again from that
    date [Art. 26 "形成或者变更之日起"]. A change of the review text (title or body) voids an earlier
    verdict: the item is a draft again and must be reviewed again (一事一审). Typed text replaces an
    uploaded original, which is then dropped (it no longer is what was reviewed).
    """
    at = aware(at)
    publication = _publication(session, publication)
    drafter = _person(session, drafter, "drafter")
    _require_drafter(publication, drafter, "修改该事项")
    if publication.state not in EDITABLE:
        raise Conflict("publication", f"「{publication.title}」当前为「{_state(publication)}」，不能修改"
                                      "（审查中的事项须等审查结束；已公开的信息变更须另行起草）")
    wanted: dict[str, Any] = {}
    if title is not None:
        wanted["title"] = check_text(title, "title", "标题", max_length=300, required=True)
    if category is not None:
        wanted["category"] = check_choice(category, CATEGORIES, "category", "公开目录类别")
    if document_type is not None:
        wanted["document_type"] = check_choice(document_type, DOCUMENT_TYPE_LABELS, "document_type", "文件类型")
    if document_number is not None:
        wanted["document_number"] = check_text(document_number, "document_number", "文号", max_length=100)
    if subject_words is not None:
        wanted["subject_words"] = check_text(subject_words, "subject_words", "主题词", max_length=200)
    if formed_on is not None:
        wanted["formed_on"] = known_past_day(session, formed_on, "formed_on", at, "信息形成或者变更日期")
    if body is not None or source is not None:
        wanted["body"], wanted["source_name"], wanted["source_type"] = _content(body, source, source_name)
        wanted["source"] = source if wanted["source_name"] else None
    elif source_name is not None:
        raise InvalidInput("source", "只有文件名，没有文件内容")
    changed = [name for name, value in wanted.items() if getattr(publication, name) != value]
    if not changed:
        return publication
    digest = review_digest(publication)
    for name in changed:
        setattr(publication, name, wanted[name])
    publication.updated_at = at
    restarted = "formed_on" in changed
    clock = _proactive_clock(session, publication)
    if restarted:
        restart_clock(session, clock, at=day_start(publication.formed_on), actor=drafter.login,
                      reason=f"信息形成或者变更日期改为 {publication.formed_on.isoformat()}（条例第二十六条）")
    voided = review_digest(publication) != digest and publication.state != PublicationState.DRAFT
    if voided:
        publication.state = PublicationState.DRAFT
    shown = [n for n in changed if n not in ("source", "source_type")]
    _record(session, drafter, "disclosure.publication_updated", publication, at, changed=shown, restarted=restarted,
            review_voided=voided, formed_on=publication.formed_on.isoformat())
    emit(session, _event(publication, "disclosure.publication_updated", drafter, at, changed=shown,
                         restarted=restarted, due_on=clock.due_day.isoformat(), review_voided=voided))
    return publication


def _reviewers(session: Session, publication: Publication) -> list[Person]:
    """Who may review the item: disclosure staff and heads of its organ, except the drafter."""
    staff = session.scalars(select(Person).where(Person.unit_id == publication.unit_id, Person.active,
                                                 Person.id != publication.drafter_id).order_by(Person.id))
    return [p for p in staff if any(p.has_role(r) for r in REVIEWER_ROLES)]


def submit_for_review(session: Session, drafter: Person | str, publication: Publication | int, *,
                      at: datetime) -> Publication:
    """Hand a draft (or a rejected item) to the confidentiality review; the organ's reviewers are told.
    An organ where nobody but the drafter could review is told so at once (一事一审 needs a second
    person)."""
    at = aware(at)
    publication = _publication(session, publication)
    drafter = _person(session, drafter, "drafter")
    _require_drafter(publication, drafter, "提交该事项")
    if publication.state not in (PublicationState.DRAFT, PublicationState.REJECTED):
        raise Conflict("publication", f"「{publication.title}」当前为「{_state(publication)}」，不能提交审查")
    reviewers = _reviewers(session, publication)
    if not reviewers:
        raise Conflict("publication", "本机关没有起草人以外的政务公开办人员或单位负责人，无法进行保密审查")
    publication.state = PublicationState.IN_REVIEW
    publication.updated_at = at
    for reviewer in reviewers:
        notify_person(session, reviewer, subject=f"待保密审查：{publication.title}"[:200],
                      body=f"{drafter.name}提交了拟主动公开的信息「{publication.title}」，请进行保密审查"
                           "（先审查、后公开）。",
                      ref=f"{SUBJECT}:{publication.id}", at=at, external=False)
    logins = [r.login for r in reviewers]
    _record(session, drafter, "disclosure.submitted_for_review", publication, at, reviewers=logins)
    emit(session, _event(publication, "disclosure.submitted_for_review", drafter, at, reviewers=logins))
    return publication


# -- the confidentiality review (保密审查) ---------------------------------------------------------------
def sensitive_words(session: Session, unit_id: int) -> list[str]:
    """The organ's own list and the county's list (``unit_id`` None)."""
    return list(session.scalars(select(SensitiveWord.word).where(
        (SensitiveWord.unit_id == unit_id) | SensitiveWord.unit_id.is_(None)).order_by(SensitiveWord.word).distinct()))


def scan_publication(session: Session, publication: Publication | int, *, today: date | None = None) -> ScanResult:
    """What the review page shows: the scanner's findings in :func:`review_text` (secrecy and
    internal-only marks, personal data, the organ's and the county's sensitive words); ``today``
    bounds the birth dates of plausible ID numbers (default: the current day)."""
    publication = _publication(session, publication)
    return Scanner(sensitive_words(session, publication.unit_id)).scan(review_text(publication), today)


def review(session: Session, reviewer: Person | str, publication: Publication | int, *, verdict: str, reasons: str,
           at: datetime) -> PublicationReview:
    """Record the verdict on the item's current text, with what the scanner finds in it now.

    Reasons are required for a rejection, and for an approval despite findings or near misses: the
    reviewer says why each is acceptable (谁审查、谁负责) [Art. 17; disclosure.md].
    """
    at = aware(at)
    publication = _publication(session, publication)
    reviewer = _person(session, reviewer, "reviewer")
    _require_organ(publication, reviewer, REVIEWER_ROLES, "审查该事项")
    if reviewer.id == publication.drafter_id:
        raise Forbidden("reviewer", f"{reviewer.label} 是该事项的起草人，不能审查本人起草的信息（须由他人审查）")
    verdict = check_choice(verdict, VERDICT_LABELS, "verdict", "审查结论")
    reasons = check_text(reasons, "reasons", "审查意见", max_length=5000)
    if publication.state != PublicationState.IN_REVIEW:
        raise Conflict("publication", f"「{publication.title}」当前为「{_state(publication)}」，不在待审查状态")
    result = scan_publication(session, publication, today=local_day(at))
    if verdict == Verdict.REJECT and not reasons:
        raise InvalidInput("reasons", "不同意公开须写明理由")
    if verdict == Verdict.APPROVE and (result.findings or result.near_misses) and not reasons:
        raise InvalidInput("reasons", f"审查发现 {len(result.findings)} 处疑似不宜公开的内容"
                                      f"（另有 {result.near_misses} 处疑似证件号码），同意公开须逐项说明可以公开的理由")
    record = PublicationReview(publication_id=publication.id, reviewer_id=reviewer.id, at=at, verdict=verdict,
                               reasons=reasons, body_sha256=review_digest(publication),
                               findings=[f.to_dict() for f in result.findings], near_misses=result.near_misses)
    session.add(record)
    session.flush()
    # Reloaded from the table rather than appended: an append after the lazy load (which autoflushes the
    # new row) listed the review twice.
    session.expire(publication, ["reviews"])
    publication.state = PublicationState.APPROVED if verdict == Verdict.APPROVE else PublicationState.REJECTED
    publication.updated_at = at
    _record(session, reviewer, "disclosure.reviewed", publication, at, review_id=record.id, verdict=verdict,
            reasons=reasons, findings=len(result.findings), near_misses=result.near_misses,
            body_sha256=record.body_sha256)
    emit(session, _event(publication, "disclosure.reviewed", reviewer, at, verdict=verdict,
                         findings=len(result.findings), near_misses=result.near_misses, reviewer=reviewer.login))
    return record


# -- publication ----------------------------------------------------------------------------------------
def publish_blocker(publication: Publication) -> str | None:
    """Why the item may not be published (a key of ``REFUSAL_REASONS``), or None when the latest
    review approves exactly its current text."""
    latest = publication.reviews[-1] if publication.reviews else None
    if latest is None:
        return "no_review"
    if latest.body_sha256 != review_digest(publication):
        return "changed_after_review"
    if latest.verdict != Verdict.APPROVE:
        return "rejected"
    if publication.state != PublicationState.APPROVED:  # changed, then changed back: the approval was voided
        return "changed_after_review"
    return None


def _refuse_publication(session: Session, publication: Publication, person: Person, reason: str,
                        at: datetime) -> NoReturn:
    """A monitoring point: roll back, record the attempt and its event, raise Conflict."""
    error = Conflict("publication", f"「{publication.title}」{REFUSAL_REASONS[reason]}")
    event = Event(type="disclosure.publish_refused", subject=SUBJECT, subject_id=str(publication.id),
                  unit_id=publication.unit_id, person_id=person.id, obligation_id=publication.obligation_id,
                  data={"title": publication.title, "reason": reason, "actor": person.login,
                        "breach": f"publication:{publication.id}:publish:{reason}:{person.login}"}, at=at)
    refuse(session, error, event, actor=person.login)


def index_number_for(unit: Unit, category: str, year: int, sequence: int) -> str:
    """索引号: ``{organ}/{category}-{year}-{sequence}`` — the organ's unified social credit code (its
    unit code when it has none), the catalogue category, the year of publication and a five-digit
    sequence counted per organ and year, e.g. ``113301000024912353/02-2026-00001``."""
    return f"{unit.credit_code or unit.code}/{category}-{year}-{sequence:05d}"


def _next_index_number(session: Session, publication: Publication, at: datetime) -> str:
    """The next index number of the organ in the year of ``at``. The organ's row is locked first, so two
    publications of one organ are numbered one after the other (numbers are never reused: withdrawn
    items keep theirs)."""
    unit = session.get(Unit, publication.unit_id, with_for_update=True)
    year = local_day(at).year
    zone = get_settings().zone
    start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    used = session.scalar(select(func.count()).select_from(Publication).where(
        Publication.unit_id == unit.id, Publication.index_number.is_not(None),
        Publication.published_at >= start, Publication.published_at < end))
    if used >= MAX_SEQUENCE:
        raise Conflict("index_number", f"{unit.name} {year} 年的索引号已用完")
    return index_number_for(unit, publication.category, year, used + 1)


def publish(session: Session, person: Person | str, publication: Publication | int, *,
            at: datetime) -> Publication:
    """Publish an approved item: index number, date of publication, the Art. 26 clock stopped.

    Only when the latest review approves the item's current text; otherwise the attempt is refused
    and recorded (监察点 "未经保密审查发布"), whoever made it.
    """
    at = aware(at)
    publication = _publication(session, publication)
    person = _person(session, person, "actor")
    _require_organ(publication, person, (Role.DISCLOSURE,), "发布该事项")
    if publication.state in (PublicationState.PUBLISHED, PublicationState.WITHDRAWN):
        raise Conflict("publication", f"「{publication.title}」当前为「{_state(publication)}」，不能再次发布")
    blocker = publish_blocker(publication)
    if blocker is not None:
        _refuse_publication(session, publication, person, blocker, at)
    publication.index_number = _next_index_number(session, publication, at)
    publication.state, publication.published_at, publication.updated_at = PublicationState.PUBLISHED, at, at
    obligation = session.get(Obligation, publication.obligation_id)
    close_obligation(session, obligation, at=at, actor=person.login)
    clock = _proactive_clock(session, publication)
    late = clock.is_overdue(at)
    _record(session, person, "disclosure.published", publication, at, index_number=publication.index_number,
            late=late, used=clock.used)
    emit(session, _event(publication, "disclosure.published", person, at, index_number=publication.index_number,
                         category=publication.category, late=late, used=clock.used, limit=clock.limit))
    return publication


def withdraw(session: Session, person: Person | str, publication: Publication | int, reason: str, *,
             at: datetime) -> Publication:
    """Take a published item off the portal, with the reason; it keeps its index number."""
    at = aware(at)
    publication = _publication(session, publication)
    person = _person(session, person, "actor")
    _require_organ(publication, person, REVIEWER_ROLES, "撤回该事项")
    reason = check_text(reason, "reason", "撤回理由", max_length=1000, required=True)
    if publication.state != PublicationState.PUBLISHED:
        raise Conflict("publication",
                       f"「{publication.title}」当前为「{_state(publication)}」，只有已公开的信息才能撤回")
    publication.state, publication.updated_at = PublicationState.WITHDRAWN, at
    _record(session, person, "disclosure.withdrawn", publication, at, index_number=publication.index_number,
            reason=reason)
    emit(session, _event(publication, "disclosure.withdrawn", person, at, index_number=publication.index_number,
                         reason=reason))
    return publication


def repeal(session: Session, person: Person | str, publication: Publication | int, repealed_on: date | str, *,
           at: datetime) -> Publication:
    """Record that a published regulation or normative document was repealed (废止) on ``repealed_on``
    (the annual report counts 本年废止件数 and 现行有效件数 [条例 Art. 20(1); 2021 format, section 二]).
    The item stays in the catalogue, marked as repealed."""
    at = aware(at)
    publication = _publication(session, publication)
    person = _person(session, person, "actor")
    _require_organ(publication, person, REVIEWER_ROLES, "登记废止")
    day = check_day(repealed_on, "repealed_on")
    if publication.document_type not in (DocumentType.REGULATION, DocumentType.NORMATIVE):
        raise Conflict("publication", f"「{publication.title}」不是规章或行政规范性文件，不登记废止")
    if publication.state != PublicationState.PUBLISHED:
        raise Conflict("publication",
                       f"「{publication.title}」当前为「{_state(publication)}」，只有已公开的文件才能登记废止")
    if publication.repealed_on is not None:
        raise Conflict("publication", f"「{publication.title}」已于 {publication.repealed_on.isoformat()} 废止")
    if day > local_day(at):
        raise InvalidInput("repealed_on", f"废止日期 {day.isoformat()} 不能晚于今天")
    if day < publication.formed_on:
        raise InvalidInput("repealed_on", f"废止日期不能早于文件形成日期 {publication.formed_on.isoformat()}")
    publication.repealed_on, publication.updated_at = day, at
    _record(session, person, "disclosure.repealed", publication, at, index_number=publication.index_number,
            repealed_on=day.isoformat())
    emit(session, _event(publication, "disclosure.repealed", person, at, index_number=publication.index_number,
                         document_type=publication.document_type, repealed_on=day.isoformat()))
    return publication


# -- sensitive words (敏感词) ---------------------------------------------------------------------------
def _word_list(session: Session, person: Person, unit_id: int | None) -> str:
    """Who keeps which list: the county's (``unit_id`` None) the administrators; an organ's its
    disclosure staff and the administrators. Returns the list's name for the audit trail."""
    if unit_id is not None:
        get_unit(session, unit_id, "unit_id")
    if person.has_role(Role.ADMIN):
        return "county" if unit_id is None else f"unit:{unit_id}"
    if unit_id is None:
        raise Forbidden("actor", f"{person.label} 无权维护全县敏感词表（须由系统管理员维护）")
    if not person.has_role(Role.DISCLOSURE) or person.unit_id != unit_id:
        raise Forbidden("actor", f"{person.label} 无权维护该机关的敏感词表（须由本机关政务公开办人员维护）")
    return f"unit:{unit_id}"


def _word(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("words", "敏感词不能为空")
    word = value.strip()
    if len(word) > 100:
        raise InvalidInput("words", f"敏感词不能超过 100 个字符：{word[:20]}…")
    return word


def add_sensitive_words(session: Session, person: Person | str, words: Iterable[str], *, unit_id: int | None = None,
                        at: datetime) -> list[SensitiveWord]:
    """Add words to the county's list (``unit_id`` None) or an organ's; words already there are
    skipped. Returns the rows added."""
    at = aware(at)
    person = _person(session, person, "actor")
    name = _word_list(session, person, unit_id)
    wanted = list(dict.fromkeys(_word(w) for w in ([words] if isinstance(words, str) else words)))
    if not wanted:
        raise InvalidInput("words", "请至少填写一个敏感词")
    owner = SensitiveWord.unit_id.is_(None) if unit_id is None else SensitiveWord.unit_id == unit_id
    present = set(session.scalars(select(SensitiveWord.word).where(owner, SensitiveWord.word.in_(wanted))))
    rows = [SensitiveWord(unit_id=unit_id, word=w, added_at=at) for w in wanted if w not in present]
    if rows:
        session.add_all(rows)
        session.flush()
        audit.record(session, actor=person.login, action="disclosure.sensitive_words_added",
                     entity="disclosure_sensitive_words", entity_id=name, data={"words": [r.word for r in rows]}, at=at)
    return rows


def remove_sensitive_word(session: Session, person: Person | str, word: str, *, unit_id: int | None = None,
                          at: datetime) -> None:
    """Remove one word from the county's list (``unit_id`` None) or an organ's."""
    at = aware(at)
    person = _person(session, person, "actor")
    name = _word_list(session, person, unit_id)
    word = _word(word)
    owner = SensitiveWord.unit_id.is_(None) if unit_id is None else SensitiveWord.unit_id == unit_id
    row = session.scalar(select(SensitiveWord).where(owner, SensitiveWord.word == word))
    if row is None:
        raise NotFound("word", f"敏感词表中没有 {word!r}")
    session.delete(row)
    audit.record(session, actor=person.login, action="disclosure.sensitive_word_removed",
                 entity="disclosure_sensitive_words", entity_id=name, data={"word": word}, at=at)


# -- the disclosure guide (政府信息公开指南) [条例 Art. 12] ------------------------------------------------
def default_guide_text(unit: Unit) -> str:
    """The standard guide of an organ that has not written its own: how its information is arranged
    and obtained [Art. 12], the time limits [Arts. 26, 33], fees [国办函〔2020〕109号] and remedies
    [Art. 51]. Plain text, paragraphs separated by blank lines."""
    categories = "、".join(f"{code} {label}" for code, label in CATEGORIES.items())
    return "\n\n".join([
        f"为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》（以下简称《条例》），"
        f"编制《{unit.name}政府信息公开指南》。需要获得{unit.name}政府信息公开服务的公民、法人或者其他组织，"
        "建议阅读本指南。",
        "一、主动公开\n"
        f"（一）公开范围和分类。{unit.name}依照《条例》第十九条、第二十条、第二十一条的规定主动公开政府信息，"
        f"按以下类别编排：{categories}。\n"
        "（二）编排体系。每条信息有唯一的索引号，由发布机构代码、类别代码、公开年份和顺序号组成；"
        "公开目录列明索引号、标题、类别、发布机构、文号、形成日期、公开日期和主题词。\n"
        "（三）公开方式。主动公开的政府信息通过本平台的政府信息公开目录发布，公众可按机关、类别、年份浏览和检索。\n"
        "（四）公开时限。属于主动公开范围的政府信息，自该政府信息形成或者变更之日起20个工作日内予以公开"
        "（《条例》第二十六条）。公开前依法进行保密审查（先审查、后公开）。",
        "二、依申请公开\n"
        f"（一）受理机构。公民、法人或者其他组织可以向{unit.name}申请获取本机关制作或者保存的、未主动公开的政府信息。\n"
        "（二）申请方式。申请人可以通过互联网、信函、传真或者当面提交书面申请；书面申请确有困难的，可以口头提出，"
        "由受理机构代为填写。申请应当包括申请人的姓名或者名称、身份证明、联系方式，申请公开的政府信息的名称、文号"
        "或者便于查询的其他特征性描述，以及获取信息的方式和途径（《条例》第二十九条）。\n"
        "（三）答复时限。能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内答复；需要延长的，"
        "经政府信息公开工作机构负责人同意并告知申请人，延长期限最长不超过20个工作日。征求第三方和其他机关意见"
        "所需时间不计算在内（《条例》第三十三条）。申请内容不明确的，自收到申请之日起7个工作日内一次性告知补正"
        "（《条例》第三十条）。\n"
        "（四）收费。提供政府信息不收取费用；申请人申请公开政府信息的数量、频次明显超过合理范围的，可以依照"
        "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费。",
        "三、监督和救济\n"
        "公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者"
        "政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议（自知道之日起60日内）或者提起行政诉讼"
        "（自知道或者应当知道之日起6个月内）（《条例》第五十一条）。",
    ])


def set_guide(session: Session, person: Person | str, unit: Unit | int | str, *, text: str, office_address: str,
              office_hours: str, phone: str, at: datetime) -> DisclosureGuide:
    """Write an organ's disclosure guide and its office's address, hours and telephone [Art. 12]: the
    organ's disclosure staff, or an administrator."""
    at = aware(at)
    person = _person(session, person, "actor")
    unit = unit if isinstance(unit, Unit) else get_unit(session, unit)
    if not person.has_role(Role.ADMIN) and not (person.has_role(Role.DISCLOSURE) and person.unit_id == unit.id):
        raise Forbidden("actor",
                        f"{person.label} 无权编制{unit.name}的政府信息公开指南（须由本机关政务公开办人员编制）")
    values = {"text": check_text(text, "text", "指南正文", max_length=50_000, required=True),
              "office_address": check_text(office_address, "office_address", "办公地址", max_length=200),
              "office_hours": check_text(office_hours, "office_hours", "办公时间", max_length=100),
              "phone": check_text(phone, "phone", "联系电话", max_length=40)}
    guide = session.scalar(select(DisclosureGuide).where(DisclosureGuide.unit_id == unit.id))
    if guide is None:
        guide = DisclosureGuide(unit_id=unit.id, **values, updated_at=at)
        session.add(guide)
        changed = list(values)
    else:
        changed = [name for name, value in values.items() if getattr(guide, name) != value]
        if not changed:
            return guide
        for name in changed:
            setattr(guide, name, values[name])
        guide.updated_at = at
    session.flush()
    audit.record(session, actor=person.login, action="disclosure.guide_set", entity="disclosure_guide",
                 entity_id=guide, data={"unit": unit.code, "changed": changed}, at=at)
    return guide


__all__ = [
    "PROACTIVE_CLOCK", "PUBLICATION_OBLIGATION", "add_sensitive_words", "create_draft", "default_guide_text",
    "get_publication", "index_number_for", "publish", "publish_blocker", "remove_sensitive_word", "repeal",
    "review", "review_digest", "review_text", "scan_publication", "sensitive_words", "set_guide",
    "submit_for_review", "update_draft", "withdraw",
]
