"""The API of proactive disclosure (/api/v1/disclosure/publications, sensitive words, guides): every staff
route scoped to the caller's role and organ, refusals in the one error shape with nothing written, and a
publication without a positive review refused, recorded and carded (先审查、后公开).

Sources: 政府信息公开条例 (2019) Arts. 12, 17, 26; shared/domain/disclosure.md.
"""

from __future__ import annotations

import base64
import io

import pytest
from docx import Document
from sqlalchemy import select

from tests.web.publication_helpers import (
    ADMIN,
    CLERK,
    DRAFTER,
    HEAD,
    NEAR_MISS,
    ORGAN,
    OUTSIDER,
    REVIEWER,
    SUPERVISOR,
    TITLE,
    VALID_ID,
    approved,
    build_organs,
    draft,
    published,
    snapshot,
    submitted,
    today,
)
from yangguang.core import db
from yangguang.core.audit import AuditEntry
from yangguang.disclosure.models import DisclosureGuide, SensitiveWord
from yangguang.supervision.models import Card

API = "/api/v1/disclosure"
NEW = {"title": TITLE, "category": "02", "body": "正文内容。"}


@pytest.fixture
def organs(db_url):
    build_organs(db_url)


def refused(db_url, call, status: int, field: str | None = None):
    before = snapshot(db_url)
    response = call()
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"field", "reason"} and body["reason"]
    if field:
        assert body["field"] == field
    after = snapshot(db_url)
    assert after[1:] == before[1:]  # refusals of permission add an audit entry, nothing else
    return body


def test_a_drafter_creates_an_item_and_reads_it_back(organs, api_client):
    client = api_client(DRAFTER)
    response = client.post(f"{API}/publications", json={
        **NEW, "formed_on": today(), "document_number": "市监〔2026〕1号", "subject_words": "食品 检查"})
    assert response.status_code == 201, response.text
    item = response.json()
    assert (item["state"], item["state_label"], item["unit"], item["drafter"]) == ("draft", "草稿", ORGAN, DRAFTER)
    assert item["due_on"] and item["index_number"] is None
    assert item["publish_blocker"] == "未经保密审查，不能发布（先审查、后公开）"
    listed = client.get(f"{API}/publications", params={"state": "draft"}).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == item["id"]
    assert client.get(f"{API}/publications/{item['id']}").json()["document_number"] == "市监〔2026〕1号"


def test_an_uploaded_docx_becomes_the_text(organs, api_client):
    document = Document()
    document.add_paragraph("上传文件中的正文。")
    buffer = io.BytesIO()
    document.save(buffer)
    response = api_client(DRAFTER).post(f"{API}/publications", json={
        "title": TITLE, "category": "02", "formed_on": today(), "source_name": "通知.docx",
        "source_base64": base64.b64encode(buffer.getvalue()).decode()})
    assert response.status_code == 201, response.text
    assert "上传文件中的正文" in response.json()["body"] and response.json()["source_name"] == "通知.docx"


@pytest.mark.parametrize(("body", "field"), [
    ({**NEW}, "formed_on"),
    ({**NEW, "formed_on": "2026-02-30"}, "formed_on"),
    ({**NEW, "formed_on": "2099-01-01"}, "formed_on"),
    ({**NEW, "category": "99", "formed_on": "2026-03-02"}, "category"),
    ({**NEW, "title": "", "formed_on": "2026-03-02"}, "title"),
    ({**NEW, "body": "", "formed_on": "2026-03-02"}, "body"),
    ({**NEW, "title": "a\x00b", "formed_on": "2026-03-02"}, "title"),
    ({**NEW, "formed_on": "2026-03-02", "source_base64": "***", "source_name": "a.docx", "body": ""}, "source_base64"),
    ({**NEW, "formed_on": "2026-03-02", "extra": 1}, "extra"),
])
def test_bad_drafts_are_refused_naming_the_field(organs, api_client, db_url, body, field):
    refused(db_url, lambda: api_client(DRAFTER).post(f"{API}/publications", json=body), 422, field)


def test_roles_and_organs_are_enforced(organs, api_client, client, db_url):
    publication_id = draft(db_url)
    refused(db_url, lambda: client.get(f"{API}/publications"), 401)
    refused(db_url, lambda: api_client(CLERK).get(f"{API}/publications"), 403)
    refused(db_url, lambda: api_client(HEAD).post(f"{API}/publications", json={**NEW, "formed_on": today()}), 403)
    refused(db_url, lambda: api_client(OUTSIDER).get(f"{API}/publications/{publication_id}"), 404)
    refused(db_url, lambda: api_client(OUTSIDER).post(f"{API}/publications/{publication_id}/submit"), 404)
    refused(db_url, lambda: api_client(DRAFTER).get(f"{API}/publications/999999"), 404)
    refused(db_url, lambda: api_client(REVIEWER).patch(f"{API}/publications/{publication_id}",
                                                       json={"title": "别人的修改"}), 403)  # only the drafter
    assert api_client(SUPERVISOR).get(f"{API}/publications/{publication_id}").status_code == 200
    assert api_client(OUTSIDER).get(f"{API}/publications").json()["total"] == 0


def test_update_submit_review_publish_withdraw(organs, api_client, db_url):
    drafter, reviewer = api_client(DRAFTER), api_client(REVIEWER)
    publication_id = draft(db_url)
    url = f"{API}/publications/{publication_id}"
    assert drafter.patch(url, json={"subject_words": "食品"}).json()["subject_words"] == "食品"
    assert drafter.post(f"{url}/submit").json()["state"] == "in_review"
    refused(db_url, lambda: drafter.patch(url, json={"title": "审查中修改"}), 409, "publication")
    refused(db_url, lambda: drafter.post(f"{url}/review", json={"verdict": "approve"}), 403)  # own draft
    refused(db_url, lambda: reviewer.post(f"{url}/review", json={"verdict": "reject", "reasons": ""}), 422, "reasons")
    refused(db_url, lambda: reviewer.post(f"{url}/review", json={"verdict": "maybe"}), 422, "verdict")
    item = reviewer.post(f"{url}/review", json={"verdict": "approve", "reasons": ""}).json()
    assert item["state"] == "approved" and item["publish_blocker"] is None
    assert [(r["reviewer"], r["verdict"], r["current"]) for r in item["reviews"]] == [(REVIEWER, "approve", True)]
    refused(db_url, lambda: reviewer.post(f"{url}/withdraw", json={"reason": "x"}), 409)
    item = drafter.post(f"{url}/publish").json()
    assert item["state"] == "published" and item["index_number"].startswith("113301000024912353/02-")
    refused(db_url, lambda: drafter.post(f"{url}/publish"), 409)
    refused(db_url, lambda: reviewer.post(f"{url}/repeal", json={"repealed_on": today()}), 409)  # not a regulation
    refused(db_url, lambda: api_client(HEAD).post(f"{url}/withdraw", json={"reason": ""}), 422)
    assert api_client(HEAD).post(f"{url}/withdraw", json={"reason": "内容有误"}).json()["state"] == "withdrawn"


def test_repeal_of_a_normative_document(organs, api_client, db_url):
    published(db_url, document_type="normative")
    with db.reading(db_url) as session:
        from yangguang.disclosure.models import Publication

        publication_id = session.scalar(select(Publication.id))
    url = f"{API}/publications/{publication_id}/repeal"
    refused(db_url, lambda: api_client(REVIEWER).post(url, json={"repealed_on": "2099-01-01"}), 422)
    assert api_client(REVIEWER).post(url, json={"repealed_on": today()}).json()["repealed_on"] == today()


def test_publishing_without_review_is_refused_recorded_and_carded(organs, api_client, db_url):
    publication_id = draft(db_url)
    response = api_client(DRAFTER).post(f"{API}/publications/{publication_id}/publish")
    assert response.status_code == 409
    assert response.json() == {"field": "publication", "reason": f"「{TITLE}」未经保密审查，不能发布（先审查、后公开）"}
    with db.reading(db_url) as session:
        from yangguang.disclosure.models import Publication

        assert session.get(Publication, publication_id).state == "draft"
        assert session.scalar(select(AuditEntry).where(
            AuditEntry.action == "refused:disclosure.publish_refused")) is not None
        assert session.scalar(select(Card)) is not None


def test_a_change_after_approval_voids_it(organs, api_client, db_url):
    publication_id = approved(db_url)
    url = f"{API}/publications/{publication_id}"
    item = api_client(DRAFTER).patch(url, json={"body": "改过的正文。"}).json()
    assert item["state"] == "draft" and item["reviews"][0]["current"] is False


def test_the_scan_finds_a_valid_id_number_and_counts_a_near_miss(organs, api_client, db_url):
    publication_id = submitted(db_url, body=f"申请人身份证号{VALID_ID}，另一号码{NEAR_MISS}。")
    scan = api_client(REVIEWER).get(f"{API}/publications/{publication_id}/scan").json()
    assert [f["kind"] for f in scan["findings"]] == ["id_number"]
    finding = scan["findings"][0]
    assert scan["review_text"][finding["start"]:finding["end"]] == VALID_ID
    assert finding["line"] == 3 and VALID_ID not in finding["text"]  # masked
    assert scan["near_misses"] == 1 and scan["near_miss_note"] == "已忽略 1 个校验位不符的疑似身份证号"
    refused(db_url, lambda: api_client(OUTSIDER).get(f"{API}/publications/{publication_id}/scan"), 404)


def test_sensitive_words_of_the_organ_and_the_county(organs, api_client, db_url):
    officer = api_client(DRAFTER)
    assert officer.post(f"{API}/sensitive-words", json={"words": ["内部讨论", "内部讨论", "绝密"]}).json()["words"] == [
        "内部讨论", "绝密"]
    refused(db_url, lambda: officer.post(f"{API}/sensitive-words", json={"words": ["x"], "county": True}), 403)
    refused(db_url, lambda: officer.post(f"{API}/sensitive-words", json={"words": []}), 422)
    refused(db_url, lambda: api_client(HEAD).post(f"{API}/sensitive-words", json={"words": ["x"]}), 403)
    assert api_client(ADMIN).post(f"{API}/sensitive-words", json={"words": ["全县词"], "county": True}).json()[
        "county_words"] == ["全县词"]
    words = api_client(HEAD).get(f"{API}/sensitive-words").json()
    assert (words["unit"], words["words"], words["county_words"]) == (ORGAN, ["内部讨论", "绝密"], ["全县词"])
    assert officer.delete(f"{API}/sensitive-words", params={"word": "绝密"}).json()["words"] == ["内部讨论"]
    refused(db_url, lambda: officer.delete(f"{API}/sensitive-words", params={"word": "没有"}), 404)
    with db.reading(db_url) as session:
        assert sorted(session.scalars(select(SensitiveWord.word))) == ["全县词", "内部讨论"]


def test_the_guide_is_written_by_the_organ_and_read_by_anyone(organs, api_client, client, db_url):
    standard = client.get(f"{API}/guides/{ORGAN}").json()
    assert standard["unit_name"] == "县市场监督管理局" and "政府信息公开指南" in standard["text"]
    body = {"text": "本机关指南。", "office_address": "青山县人民路1号", "office_hours": "工作日 9:00-17:00",
            "phone": "0571-1234567"}
    refused(db_url, lambda: api_client(OUTSIDER).put(f"{API}/guides/{ORGAN}", json=body), 403)
    refused(db_url, lambda: api_client(DRAFTER).put(f"{API}/guides/{ORGAN}", json={**body, "text": ""}), 422, "text")
    refused(db_url, lambda: client.put(f"{API}/guides/{ORGAN}", json=body), 401)
    assert api_client(DRAFTER).put(f"{API}/guides/{ORGAN}", json=body).json()["phone"] == "0571-1234567"
    assert client.get(f"{API}/guides/{ORGAN}").json()["text"] == "本机关指南。"
    assert client.get(f"{API}/guides/NOPE").status_code == 404
    with db.reading(db_url) as session:
        assert session.scalar(select(DisclosureGuide.office_address)) == "青山县人民路1号"
