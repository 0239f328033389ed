"""Proactive disclosure (disclosure/service/publications.py, rules/publications.py, catalogue.py) on
SQLite and PostgreSQL.

Sources: disclosure.md "Proactive disclosure and review before publication" — 政府信息公开条例 Art. 26
(published within 20 working days of formation or change), "先审查、后公开", "一事一审", "谁公开、谁审查、
谁负责", the review record (who, when, verdict, reasons), catalogue data; Art. 12 (guide and catalogue).
Due dates follow the 2026 State Council holiday notice (National Day 1–7 October off, Saturday 10
October worked; Qingming 4–6 April off).
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date

import pytest
from docx import Document
from sqlalchemy import func, select, update

from tests.factories import at, make_person, make_unit
from yangguang.core.audit import AuditEntry
from yangguang.core.clocks import Clock, ClockState, Obligation, ObligationState
from yangguang.core.errors import Conflict, Forbidden, InvalidInput, NotFound, UnknownCalendarYear
from yangguang.core.notify import InboxMessage
from yangguang.disclosure import catalogue
from yangguang.disclosure.models import DisclosureGuide, Publication, PublicationReview, SensitiveWord
from yangguang.disclosure.service import publications as svc
from yangguang.supervision.models import Card
from yangguang.supervision.sweep import sweep

CREDIT_CODE = "113301000024912353"  # valid check character [GB 32100-2015]


class Org:
    def __init__(self, db) -> None:
        self.unit = make_unit(db, code="SCJ", name="县市场监督管理局", credit_code=CREDIT_CODE)
        self.other = make_unit(db, code="ZJJ", name="县住房和城乡建设局")
        self.drafter = make_person(db, self.unit, "gk1", ["disclosure"], name="公开员甲")
        self.reviewer = make_person(db, self.unit, "gk2", ["disclosure"], name="公开员乙")
        self.head = make_person(db, self.unit, "head", ["unit_head"], name="张局长")
        self.clerk = make_person(db, self.unit, "clerk", ["clerk", "approver"], name="李四")
        self.other_drafter = make_person(db, self.other, "zj1", ["disclosure"], name="住建公开员")
        self.other_reviewer = make_person(db, self.other, "zj2", ["disclosure"], name="住建审查员")
        self.supervisor = make_person(db, self.other, "jc", ["supervisor"], name="王监察")
        self.admin = make_person(db, self.other, "admin", ["admin"], name="管理员")


@pytest.fixture
def org(db):
    return Org(db)


def draft(db, org, *, when="2026-03-02 09:30", person=None, **kw):
    kw.setdefault("title", "关于开展食品安全专项检查的通知")
    kw.setdefault("category", "02")
    kw.setdefault("formed_on", date(2026, 3, 2))
    if "source" not in kw:
        kw.setdefault("body", "各乡镇市场监管所：现将食品安全专项检查工作安排通知如下。")
    return svc.create_draft(db, person or org.drafter, at=at(when), **kw)


def approved(db, org, *, when="2026-03-03 10:00", **kw):
    publication = draft(db, org, **kw)
    svc.submit_for_review(db, org.drafter, publication, at=at(when))
    svc.review(db, org.reviewer, publication, verdict="approve", reasons="", at=at(when))
    return publication


def proactive_clock(db, publication) -> Clock:
    return db.scalar(select(Clock).where(Clock.obligation_id == publication.obligation_id))


def counts(db) -> tuple[int, ...]:
    return tuple(db.scalar(select(func.count()).select_from(model)) for model in
                 (Publication, PublicationReview, Obligation, Clock, AuditEntry, SensitiveWord, DisclosureGuide))


def refusals(db) -> list[dict]:
    return [json.loads(e.data) for e in db.scalars(select(AuditEntry).where(
        AuditEntry.action == "refused:disclosure.publish_refused").order_by(AuditEntry.seq))]


def docx_bytes(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- the Art. 26 clock --------------------------------------------------------------------------------
def test_twenty_working_days_from_formation_skip_national_day(db, org, events):
    """条例 Art. 26: within 20 working days of formation. Formed Mon 28 Sep 2026: 29, 30 Sep, (1–7 Oct
    off), 8, 9, 10 (Saturday worked), 12–16, 19–23, 26–30 Oct → due at the end of 30 Oct 2026."""
    publication = draft(db, org, when="2026-10-09 09:00", formed_on=date(2026, 9, 28))
    clock = proactive_clock(db, publication)
    obligation = db.get(Obligation, publication.obligation_id)
    assert (obligation.kind, obligation.subject, obligation.subject_id) == (
        "disclosure.publication", "disclosure_publication", str(publication.id))
    assert (obligation.unit_id, obligation.person_id) == (org.unit.id, org.drafter.id)
    assert (clock.kind, clock.unit, clock.limit) == ("proactive", "workdays", 20)
    assert clock.due_day == date(2026, 10, 30)
    assert publication.state == "draft" and publication.unit_id == org.unit.id
    [event] = [e for e in events if e.type == "disclosure.publication_drafted"]
    assert event.data["due_on"] == "2026-10-30" and event.obligation_id == obligation.id


def test_a_change_of_the_information_restarts_the_period(db, org, events):
    """条例 Art. 26 "形成或者变更之日起": a new date of formation begins the 20 working days again — from
    Mon 16 Mar 2026 the period ends on 14 Apr (Qingming 4–6 Apr off)."""
    publication = draft(db, org, formed_on=date(2026, 3, 2))
    assert proactive_clock(db, publication).due_day == date(2026, 3, 30)
    svc.update_draft(db, org.drafter, publication, formed_on=date(2026, 3, 16), at=at("2026-03-16 10:00"))
    clock = proactive_clock(db, publication)
    assert clock.due_day == date(2026, 4, 14) and clock.state == ClockState.RUNNING
    db.commit()
    assert db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "clock.restart")) == 1
    [event] = [e for e in events if e.type == "disclosure.publication_updated"]
    assert event.data["restarted"] is True and event.data["due_on"] == "2026-04-14"


def test_sweep_past_the_deadline_raises_warning_yellow_then_red(db, org):
    """Supervised like every clock: 预警 3 working days before, 黄牌 at the Art. 26 deadline, 红牌 10
    working days after it (defaults, configurable)."""
    publication = draft(db, org, when="2026-10-09 09:00", formed_on=date(2026, 9, 28))
    db.commit()
    assert sweep(db, at("2026-10-27 23:59"))["cards"] == []
    assert sweep(db, at("2026-10-28 00:00"))["warnings"] == 1
    result = sweep(db, at("2026-10-31 00:00"))
    assert (result["yellow"], result["red"]) == (1, 0)
    card = db.scalar(select(Card).where(Card.rule_code == "disclosure.publication_overdue"))
    assert card.level == "yellow" and card.subject == "disclosure_publication"
    assert (card.subject_id, card.unit_id, card.person_id) == (str(publication.id), org.unit.id, org.drafter.id)
    assert "主动公开时限" in card.reason
    long_overdue = select(Card).where(Card.rule_code == "disclosure.publication_overdue_long")
    sweep(db, at("2026-11-13 23:59"))
    assert db.scalar(long_overdue) is None
    sweep(db, at("2026-11-14 00:00"))  # 10 working days after 30 Oct: 2–6, 9–13 Nov
    assert db.scalar(long_overdue).level == "red"


def test_publishing_on_time_stops_the_clock_and_late_publication_is_flagged(db, org, events):
    """Publication stops the Art. 26 clock; the event says whether it was late and the days used."""
    on_time = approved(db, org, formed_on=date(2026, 3, 2))
    svc.publish(db, org.drafter, on_time, at=at("2026-03-04 09:00"))
    late = approved(db, org, formed_on=date(2026, 1, 5), title="逾期公开的信息")  # due 2 Feb
    svc.publish(db, org.reviewer, late, at=at("2026-03-04 10:00"))
    published = [e for e in events if e.type == "disclosure.published"]
    assert [(e.data["late"], e.data["used"], e.data["limit"]) for e in published] == [(False, 2, 20), (True, 38, 20)]
    for publication in (on_time, late):
        assert proactive_clock(db, publication).state == ClockState.STOPPED
        assert db.get(Obligation, publication.obligation_id).state == ObligationState.DONE


# -- 先审查、后公开 ---------------------------------------------------------------------------------------
def test_publishing_without_a_review_is_refused_recorded_and_carded(db, org, events):
    """disclosure.md: "Publishing without a positive review must be impossible" (先审查、后公开): refused,
    the attempt written to the audit trail and a yellow card raised by the supervision engine."""
    publication = draft(db, org)
    db.commit()
    with pytest.raises(Conflict, match="未经保密审查"):
        svc.publish(db, org.drafter, publication, at=at("2026-03-03 09:00"))
    db.refresh(publication)
    assert publication.state == "draft" and publication.index_number is None and publication.published_at is None
    [entry] = refusals(db)
    assert entry["reason"] == "no_review" and entry["actor"] == "gk1"
    [card] = db.scalars(select(Card).where(Card.rule_code == "disclosure.publish_without_review"))
    assert (card.level, card.category, card.unit_id, card.person_id) == ("yellow", "流程", org.unit.id, org.drafter.id)
    assert card.subject_id == str(publication.id)
    assert [e.data["reason"] for e in events if e.type == "disclosure.publish_refused"] == ["no_review"]
    assert proactive_clock(db, publication).state == ClockState.RUNNING


def test_publishing_under_review_or_after_a_rejection_is_refused(db, org):
    """一事一审: only a positive verdict on the item allows publication; a rejection needs reasons."""
    publication = draft(db, org)
    svc.submit_for_review(db, org.drafter, publication, at=at("2026-03-02 10:00"))
    db.commit()
    with pytest.raises(Conflict, match="未经保密审查"):
        svc.publish(db, org.drafter, publication, at=at("2026-03-02 11:00"))
    with pytest.raises(InvalidInput, match="不同意公开须写明理由") as error:
        svc.review(db, org.reviewer, publication, verdict="reject", reasons="  ", at=at("2026-03-03 09:00"))
    assert error.value.field == "reasons"
    svc.review(db, org.reviewer, publication, verdict="reject", reasons="含内部工作安排，不宜公开",
               at=at("2026-03-03 09:00"))
    assert publication.state == "rejected"
    db.commit()
    with pytest.raises(Conflict, match="保密审查未通过"):
        svc.publish(db, org.drafter, publication, at=at("2026-03-03 10:00"))
    assert [r["reason"] for r in refusals(db)] == ["no_review", "rejected"]
    assert db.get(Publication, publication.id).index_number is None


def test_each_review_is_listed_once_in_the_record(db, org):
    """The review record (who, when, verdict, reasons) lists every verdict exactly once, in the session that
    wrote it too (the item's history is what the reviewer and the supervisor read)."""
    publication = draft(db, org)
    svc.submit_for_review(db, org.drafter, publication, at=at("2026-03-02 10:00"))
    first = svc.review(db, org.reviewer, publication, verdict="reject", reasons="缺少文号", at=at("2026-03-03 09:00"))
    svc.update_draft(db, org.drafter, publication, document_number="青市监〔2026〕1号", at=at("2026-03-03 10:00"))
    svc.submit_for_review(db, org.drafter, publication, at=at("2026-03-03 10:05"))
    second = svc.review(db, org.reviewer, publication, verdict="approve", reasons="", at=at("2026-03-03 11:00"))
    assert publication.reviews == [first, second]
    db.commit()
    assert [r.verdict for r in db.get(Publication, publication.id).reviews] == ["reject", "approve"]


def test_a_change_after_approval_voids_it_and_publishing_is_refused(db, org):
    """一事一审: the verdict is about one text (its SHA-256); changing the body after approval voids
    the approval, and publishing the changed text is refused until it is reviewed again."""
    publication = approved(db, org)
    assert publication.state == "approved"
    svc.update_draft(db, org.drafter, publication, body="改过的正文：联系人手机号另行通知。", at=at("2026-03-03 11:00"))
    assert publication.state == "draft"
    db.commit()
    with pytest.raises(Conflict, match="须重新审查"):
        svc.publish(db, org.drafter, publication, at=at("2026-03-03 12:00"))
    assert refusals(db)[-1]["reason"] == "changed_after_review"
    svc.submit_for_review(db, org.drafter, publication, at=at("2026-03-04 09:00"))
    svc.review(db, org.head, publication, verdict="approve", reasons="", at=at("2026-03-04 10:00"))
    svc.publish(db, org.drafter, publication, at=at("2026-03-04 11:00"))
    assert publication.state == "published"


def test_text_changed_behind_the_services_back_is_not_published(db, org):
    """The approval names the text it is about (SHA-256 of title and body): a body altered directly in
    the database after approval is refused as unreviewed, although the state still says approved."""
    publication = approved(db, org)
    db.execute(update(Publication).where(Publication.id == publication.id).values(body="未经审查的正文"))
    db.commit()
    db.refresh(publication)
    assert publication.state == "approved"
    with pytest.raises(Conflict, match="须重新审查"):
        svc.publish(db, org.drafter, publication, at=at("2026-03-03 12:00"))
    assert refusals(db)[-1]["reason"] == "changed_after_review"
    assert db.get(Publication, publication.id).index_number is None


def test_a_change_of_catalogue_data_keeps_the_approval(db, org):
    """Only the reviewed text (title and body) is what a verdict is about: a document number added
    after approval does not void it."""
    publication = approved(db, org)
    svc.update_draft(db, org.drafter, publication, document_number="县市监〔2026〕3号", at=at("2026-03-03 11:00"))
    assert publication.state == "approved"
    svc.publish(db, org.drafter, publication, at=at("2026-03-03 12:00"))
    assert publication.document_number == "县市监〔2026〕3号"


def test_published_items_get_sequential_index_numbers_per_organ_and_year(db, org, events):
    """索引号 {organ credit code, else unit code}/{category}-{year of publication}-{five-digit sequence}."""
    first = approved(db, org, category="02")
    second = approved(db, org, category="08", title="2026年部门预算")
    other = draft(db, org, person=org.other_drafter, title="住建信息")
    svc.submit_for_review(db, org.other_drafter, other, at=at("2026-03-03 10:00"))
    svc.review(db, org.other_reviewer, other, verdict="approve", reasons="", at=at("2026-03-03 10:00"))
    for publication, person in ((first, org.drafter), (second, org.drafter), (other, org.other_drafter)):
        svc.publish(db, person, publication, at=at("2026-03-04 09:00"))
    assert [first.index_number, second.index_number, other.index_number] == [
        f"{CREDIT_CODE}/02-2026-00001", f"{CREDIT_CODE}/08-2026-00002", "ZJJ/02-2026-00001"]
    assert first.published_at == at("2026-03-04 09:00")
    [event] = [e for e in events if e.type == "disclosure.published" and e.subject_id == str(second.id)]
    assert event.data["index_number"] == f"{CREDIT_CODE}/08-2026-00002"
    # withdrawn items keep their numbers; the sequence goes on
    svc.withdraw(db, org.head, second, "信息有误，更正后重新发布", at=at("2026-03-05 09:00"))
    third = approved(db, org, title="第三条信息")
    svc.publish(db, org.drafter, third, at=at("2026-03-05 10:00"))
    assert third.index_number == f"{CREDIT_CODE}/02-2026-00003" and second.index_number.endswith("00002")


def test_only_the_organs_disclosure_staff_publish(db, org):
    """谁公开、谁负责: the head of the organ and another organ's staff may not publish (nothing written)."""
    publication = approved(db, org)
    db.commit()
    before = counts(db)
    for person in (org.head, org.other_drafter, org.clerk):
        with pytest.raises(Forbidden):
            svc.publish(db, person, publication, at=at("2026-03-04 09:00"))
    db.commit()
    assert counts(db) == before and publication.state == "approved"


# -- the review --------------------------------------------------------------------------------------
def test_one_person_cannot_draft_and_clear_the_same_item(db, org):
    """谁公开、谁审查、谁负责: the reviewer is another member of the organ's disclosure staff or its head,
    never the drafter, never someone of another organ or without the role."""
    publication = draft(db, org)
    svc.submit_for_review(db, org.drafter, publication, at=at("2026-03-02 10:00"))
    db.commit()
    before = counts(db)
    with pytest.raises(Forbidden, match="起草人"):
        svc.review(db, org.drafter, publication, verdict="approve", reasons="", at=at("2026-03-02 11:00"))
    for person in (org.other_reviewer, org.clerk, org.supervisor):
        with pytest.raises(Forbidden):
            svc.review(db, person, publication, verdict="approve", reasons="", at=at("2026-03-02 11:00"))
    with pytest.raises(InvalidInput) as error:
        svc.review(db, org.reviewer, publication, verdict="ok", reasons="", at=at("2026-03-02 11:00"))
    assert error.value.field == "verdict"
    db.commit()
    assert counts(db) == before and publication.state == "in_review"


def test_approval_despite_findings_needs_reasons_and_the_findings_are_stored(db, org, events):
    """The review record keeps who, when, verdict, reasons and what the scanner showed the reviewer; an
    approval despite findings must say why they are acceptable [disclosure.md]."""
    svc.add_sensitive_words(db, org.drafter, ["专项整治名单"], unit_id=org.unit.id, at=at("2026-03-01 09:00"))
    publication = draft(db, org, body="附件：专项整治名单（共三家）。")
    svc.submit_for_review(db, org.drafter, publication, at=at("2026-03-02 10:00"))
    with pytest.raises(InvalidInput, match="逐项说明") as error:
        svc.review(db, org.reviewer, publication, verdict="approve", reasons="", at=at("2026-03-02 11:00"))
    assert error.value.field == "reasons" and db.scalar(select(func.count()).select_from(PublicationReview)) == 0
    record = svc.review(db, org.reviewer, publication, verdict="approve", reasons="名单已经县政府常务会议决定公开",
                        at=at("2026-03-02 11:00"))
    text = svc.review_text(publication)
    assert record.reviewer_id == org.reviewer.id and record.at == at("2026-03-02 11:00")
    assert record.body_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert any(text[f["start"]:f["end"]] == "专项整治名单" for f in record.findings)
    assert record.near_misses == 0 and publication.state == "approved"
    [event] = [e for e in events if e.type == "disclosure.reviewed"]
    assert event.data["findings"] == len(record.findings) >= 1 and event.data["verdict"] == "approve"


def test_the_scan_uses_the_organs_and_the_county_list_only(db, org):
    """Words on the office's sensitive-word list [disclosure.md]: the organ's own and the county's."""
    svc.add_sensitive_words(db, org.admin, ["县级敏感词"], at=at("2026-03-01 09:00"))
    svc.add_sensitive_words(db, org.other_drafter, ["住建敏感词"], unit_id=org.other.id, at=at("2026-03-01 09:00"))
    publication = draft(db, org, body="本文含县级敏感词，也含住建敏感词。")
    text = svc.review_text(publication)
    found = {text[f.start:f.end] for f in svc.scan_publication(db, publication).findings}
    assert "县级敏感词" in found and "住建敏感词" not in found


def test_submission_tells_the_reviewers_and_needs_a_second_person(db, org):
    """一事一审 needs a reviewer other than the drafter: the organ's reviewers get an inbox message; an
    organ with nobody else is told at once."""
    publication = draft(db, org)
    svc.submit_for_review(db, org.drafter, publication, at=at("2026-03-02 10:00"))
    db.flush()
    told = set(db.scalars(select(InboxMessage.person_id)))
    assert told == {org.reviewer.id, org.head.id}
    lonely_unit = make_unit(db, code="TJJ", name="县统计局")
    alone = make_person(db, lonely_unit, "tj1", ["disclosure"])
    lonely = svc.create_draft(db, alone, title="统计公报", category="04", formed_on=date(2026, 3, 2), body="正文",
                              at=at("2026-03-02 09:00"))
    with pytest.raises(Conflict, match="无法进行保密审查"):
        svc.submit_for_review(db, alone, lonely, at=at("2026-03-02 10:00"))
    assert lonely.state == "draft"


def test_only_the_drafter_changes_or_submits_and_not_during_review(db, org):
    publication = draft(db, org)
    with pytest.raises(Forbidden, match="起草人"):
        svc.update_draft(db, org.reviewer, publication, title="别人改的标题", at=at("2026-03-02 10:00"))
    with pytest.raises(Forbidden):
        svc.submit_for_review(db, org.reviewer, publication, at=at("2026-03-02 10:00"))
    svc.submit_for_review(db, org.drafter, publication, at=at("2026-03-02 10:00"))
    with pytest.raises(Conflict, match="待审查"):
        svc.update_draft(db, org.drafter, publication, title="审查中改标题", at=at("2026-03-02 11:00"))
    assert publication.title == "关于开展食品安全专项检查的通知"


# -- bad input ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("changes", "error", "field"), [
    ({"body": "   "}, InvalidInput, "body"),
    ({"category": "99"}, InvalidInput, "category"),
    ({"document_type": "law"}, InvalidInput, "document_type"),
    ({"title": ""}, InvalidInput, "title"),
    ({"formed_on": date(2026, 3, 3)}, InvalidInput, "formed_on"),  # tomorrow
    ({"formed_on": date(2003, 6, 2)}, InvalidInput, "formed_on"),  # before the calendar's first year
    ({"formed_on": "2026-02-30"}, InvalidInput, "formed_on"),
    ({"source": b"not a docx", "source_name": "notice.docx", "body": ""}, InvalidInput, "source"),
    ({"source": b"x", "source_name": "notice.exe", "body": ""}, InvalidInput, "source_name"),
    ({"source": b"x", "source_name": "notice.pdf", "body": "正文"}, InvalidInput, "body"),  # text and a file
])
def test_bad_drafts_are_refused_and_nothing_is_written(db, org, changes, error, field):
    db.commit()
    before = counts(db)
    with pytest.raises(error) as raised:
        draft(db, org, **changes)
    assert raised.value.field == field and raised.value.reason
    db.commit()
    assert counts(db) == before


def test_a_formation_date_in_a_year_the_calendar_does_not_know_is_refused(db, org):
    """Working days need the year's State Council notice: early January 2027, before it is loaded, an
    item formed in 2027 cannot be given its Art. 26 deadline (the calendar's error, nothing written)."""
    db.commit()
    before = counts(db)
    with pytest.raises(UnknownCalendarYear) as raised:
        draft(db, org, when="2027-01-05 09:00", formed_on=date(2027, 1, 4))
    assert raised.value.field == "formed_on"
    db.commit()
    assert counts(db) == before


def test_drafting_needs_the_disclosure_role(db, org):
    """Publications are drafted by the organ's disclosure staff (政务公开办), not by approvers."""
    db.commit()
    before = counts(db)
    with pytest.raises(Forbidden, match="政务公开办"):
        draft(db, org, person=org.clerk)
    db.commit()
    assert counts(db) == before


def test_an_uploaded_docx_becomes_the_body_and_is_kept(db, org):
    data = docx_bytes("关于公布2026年抽检结果的通告", "经抽检，以下产品合格。")
    publication = draft(db, org, source=data, source_name="通告.docx")
    assert "经抽检，以下产品合格" in publication.body
    assert publication.source == data and publication.source_name == "通告.docx"
    assert publication.source_type.endswith("wordprocessingml.document")
    svc.update_draft(db, org.drafter, publication, body="手工改写的正文", at=at("2026-03-02 10:00"))
    assert (publication.body, publication.source, publication.source_name) == ("手工改写的正文", None, None)


# -- withdrawal, repeal --------------------------------------------------------------------------------
def test_repeal_is_recorded_for_regulations_and_normative_documents_only(db, org, events):
    """The annual report counts 本年废止件数 and 现行有效件数 of 规章 and 行政规范性文件 [条例 Art. 20(1)]."""
    normative = approved(db, org, document_type="normative", document_number="县市监规〔2026〕1号")
    other = approved(db, org, title="工作动态")
    with pytest.raises(Conflict, match="已公开"):
        svc.repeal(db, org.head, normative, date(2026, 3, 3), at=at("2026-03-03 12:00"))
    svc.publish(db, org.drafter, normative, at=at("2026-03-03 12:00"))
    svc.publish(db, org.drafter, other, at=at("2026-03-03 12:00"))
    with pytest.raises(Conflict, match="规章或行政规范性文件"):
        svc.repeal(db, org.head, other, date(2026, 3, 4), at=at("2026-03-04 09:00"))
    with pytest.raises(InvalidInput):
        svc.repeal(db, org.head, normative, date(2026, 3, 5), at=at("2026-03-04 09:00"))
    svc.repeal(db, org.head, normative, "2026-03-04", at=at("2026-03-04 09:00"))
    assert normative.repealed_on == date(2026, 3, 4) and normative.state == "published"
    with pytest.raises(Conflict, match="已于 2026-03-04 废止"):
        svc.repeal(db, org.head, normative, date(2026, 3, 4), at=at("2026-03-04 10:00"))
    assert [e.data["repealed_on"] for e in events if e.type == "disclosure.repealed"] == ["2026-03-04"]


def test_withdrawal_needs_a_reason_and_a_published_item(db, org):
    publication = approved(db, org)
    with pytest.raises(Conflict):
        svc.withdraw(db, org.head, publication, "误发", at=at("2026-03-04 09:00"))
    svc.publish(db, org.drafter, publication, at=at("2026-03-04 09:00"))
    with pytest.raises(InvalidInput):
        svc.withdraw(db, org.head, publication, " ", at=at("2026-03-04 10:00"))
    with pytest.raises(Forbidden):
        svc.withdraw(db, org.other_reviewer, publication, "误发", at=at("2026-03-04 10:00"))
    svc.withdraw(db, org.head, publication, "误发", at=at("2026-03-04 10:00"))
    assert publication.state == "withdrawn"


# -- sensitive words, the guide ------------------------------------------------------------------------
def test_sensitive_words_are_audited_deduplicated_and_kept_by_the_right_people(db, org):
    added = svc.add_sensitive_words(db, org.drafter, ["甲词", " 乙词 ", "甲词"], unit_id=org.unit.id,
                                    at=at("2026-03-01 09:00"))
    assert [w.word for w in added] == ["甲词", "乙词"]
    again = svc.add_sensitive_words(db, org.reviewer, ["乙词", "丙词"], unit_id=org.unit.id, at=at("2026-03-01 10:00"))
    assert [w.word for w in again] == ["丙词"]
    assert set(svc.sensitive_words(db, org.unit.id)) == {"甲词", "乙词", "丙词"}
    db.commit()
    before = counts(db)
    with pytest.raises(InvalidInput):
        svc.add_sensitive_words(db, org.drafter, ["丁词", "  "], unit_id=org.unit.id, at=at("2026-03-01 11:00"))
    with pytest.raises(Forbidden, match="系统管理员"):
        svc.add_sensitive_words(db, org.drafter, ["全县词"], at=at("2026-03-01 11:00"))
    with pytest.raises(Forbidden):
        svc.add_sensitive_words(db, org.other_drafter, ["跨机关"], unit_id=org.unit.id, at=at("2026-03-01 11:00"))
    with pytest.raises(NotFound):
        svc.remove_sensitive_word(db, org.drafter, "没有的词", unit_id=org.unit.id, at=at("2026-03-01 11:00"))
    db.commit()
    assert counts(db) == before
    svc.remove_sensitive_word(db, org.drafter, "甲词", unit_id=org.unit.id, at=at("2026-03-01 12:00"))
    db.commit()
    assert set(svc.sensitive_words(db, org.unit.id)) == {"乙词", "丙词"}
    actions = list(db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("disclosure.sensitive%"))
                              .order_by(AuditEntry.seq)))
    assert actions == ["disclosure.sensitive_words_added", "disclosure.sensitive_words_added",
                       "disclosure.sensitive_word_removed"]


def test_guide_defaults_to_the_standard_text_until_the_organ_writes_one(db, org):
    """Each organ publishes a disclosure guide [条例 Art. 12; disclosure.md]."""
    guide = catalogue.guide_for(db, org.unit)
    assert guide.office_address == "" and "县市场监督管理局" in guide.text
    assert "20个工作日" in guide.text and "行政复议" in guide.text and "政策文件" in guide.text
    with pytest.raises(Forbidden):
        svc.set_guide(db, org.other_drafter, org.unit, text="指南", office_address="", office_hours="", phone="",
                      at=at("2026-03-01 09:00"))
    with pytest.raises(InvalidInput):
        svc.set_guide(db, org.drafter, org.unit, text=" ", office_address="", office_hours="", phone="",
                      at=at("2026-03-01 09:00"))
    svc.set_guide(db, org.drafter, org.unit, text="本机关指南", office_address="县府路1号",
                  office_hours="工作日 9:00-17:00", phone="0571-1234567", at=at("2026-03-01 09:00"))
    svc.set_guide(db, org.admin, org.unit, text="本机关指南（修订）", office_address="县府路1号",
                  office_hours="工作日 9:00-17:00", phone="0571-1234567", at=at("2026-03-02 09:00"))
    assert tuple(catalogue.guide_for(db, org.unit)) == ("本机关指南（修订）", "县府路1号", "工作日 9:00-17:00",
                                                        "0571-1234567")
    assert db.scalar(select(func.count()).select_from(DisclosureGuide)) == 1
    db.commit()
    changes = [json.loads(e.data)["changed"] for e in db.scalars(
        select(AuditEntry).where(AuditEntry.action == "disclosure.guide_set").order_by(AuditEntry.seq))]
    assert changes == [["text", "office_address", "office_hours", "phone"], ["text"]]


# -- the catalogue ---------------------------------------------------------------------------------------
def test_the_public_catalogue_shows_published_items_only_and_searches_them(db, org):
    """The public catalogue (公开目录) lists published items with their catalogue data [disclosure.md]."""
    food = approved(db, org, title="食品抽检结果通告", subject_words="食品 抽检", document_number="县市监〔2026〕5号")
    svc.publish(db, org.drafter, food, at=at("2026-03-04 09:00"))
    approved(db, org, title="未发布的食品信息")  # approved, not published
    draft(db, org, title="草稿里的食品信息")
    budget = approved(db, org, title="2026年部门预算", category="08", body="部门预算说明。")
    svc.publish(db, org.drafter, budget, at=at("2026-03-05 09:00"))
    withdrawn = approved(db, org, title="已撤回的食品信息")
    svc.publish(db, org.drafter, withdrawn, at=at("2026-03-05 10:00"))
    svc.withdraw(db, org.head, withdrawn, "误发", at=at("2026-03-05 11:00"))
    db.commit()

    rows, total = catalogue.public_catalogue(db, q="食品")
    assert total == 1 and [r.title for r in rows] == ["食品抽检结果通告"]
    row = rows[0]
    assert (row.index_number, row.category_label, row.unit_name, row.document_number) == (
        f"{CREDIT_CODE}/02-2026-00001", "政策文件", "县市场监督管理局", "县市监〔2026〕5号")
    assert (row.formed_on, row.published_on) == (date(2026, 3, 2), date(2026, 3, 4))
    assert catalogue.public_catalogue(db, q="5号 抽检")[1] == 1  # every word, in any searched field
    assert catalogue.public_catalogue(db, q="%")[1] == 0  # LIKE wildcards are searched for literally
    rows, total = catalogue.public_catalogue(db)
    assert total == 2 and [r.title for r in rows] == ["2026年部门预算", "食品抽检结果通告"]
    assert catalogue.public_catalogue(db, category="08")[1] == 1
    assert catalogue.public_catalogue(db, year=2025)[1] == 0
    assert catalogue.public_catalogue(db, unit_id=org.other.id)[1] == 0
    assert len(catalogue.public_catalogue(db, per_page=1, page=2)[0]) == 1
    with pytest.raises(InvalidInput):
        catalogue.public_catalogue(db, category="99")
    with pytest.raises(InvalidInput):
        catalogue.public_catalogue(db, per_page=1000)
    assert catalogue.publication_by_index(db, f"{CREDIT_CODE}/02-2026-00001").id == food.id
    with pytest.raises(NotFound):
        catalogue.publication_by_index(db, withdrawn.index_number)
    assert [(u.code, n) for u, n in catalogue.units_with_publications(db)] == [("SCJ", 2)]


def test_the_staff_list_is_scoped_to_the_organ(db, org):
    draft(db, org, title="市监草稿")
    draft(db, org, person=org.other_drafter, title="住建草稿")
    db.commit()
    rows, total = catalogue.staff_list(db, org.reviewer)
    assert total == 1 and rows[0].title == "市监草稿" and rows[0].due_on == date(2026, 3, 30)
    assert rows[0].state_label == "草稿" and rows[0].drafter_name == "公开员甲"
    assert catalogue.staff_list(db, org.supervisor)[1] == 2
    assert catalogue.staff_list(db, org.admin, state="published")[1] == 0
    with pytest.raises(Forbidden):
        catalogue.staff_list(db, org.clerk)
    with pytest.raises(InvalidInput):
        catalogue.staff_list(db, org.admin, state="gone")
