"""Staff pages of proactive disclosure: the overview, drafting, the review page with findings highlighted
in place (a valid ID number marked, a near miss only counted), the verdict, publication and its refusal,
sensitive words and the guide.

Sources: 政府信息公开条例 Arts. 12, 17, 26; shared/domain/disclosure.md.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.web.publication_helpers import (
    CLERK,
    DRAFTER,
    NEAR_MISS,
    OUTSIDER,
    REVIEWER,
    TITLE,
    VALID_ID,
    build_organs,
    draft,
    snapshot,
    submitted,
    today,
)
from yangguang.core import db
from yangguang.core.audit import AuditEntry
from yangguang.disclosure.models import Publication
from yangguang.supervision.models import Card

BASE = "/staff/disclosure"


@pytest.fixture
def organs(db_url):
    build_organs(db_url)


def test_the_nav_and_overview(organs, page_client, db_url):
    submitted(db_url)
    page = page_client(REVIEWER).get(BASE)
    assert page.status_code == 200 and 'href="/staff/disclosure"' in page.text
    for link in ("/staff/disclosure/publications", "/staff/disclosure/applications", "/staff/disclosure/reports",
                 "/staff/disclosure/words", "/staff/disclosure/guide"):
        assert f'href="{link}"' in page.text
    assert TITLE in page.text  # waiting for review
    assert page_client(CLERK).get(BASE).status_code == 403
    assert 'href="/staff/disclosure"' not in page_client(CLERK).get("/").text


def test_drafting_from_the_form(organs, page_client, db_url):
    pages = page_client(DRAFTER)
    assert pages.get(f"{BASE}/publications/new").status_code == 200
    bad = pages.post(f"{BASE}/publications/new", data={"title": "", "category": "02", "formed_on": today(),
                                                       "body": "正文"})
    assert bad.status_code == 422 and "标题" in bad.text
    made = pages.post(f"{BASE}/publications/new", data={"title": TITLE, "category": "02", "formed_on": today(),
                                                        "document_type": "other", "body": "正文内容。"})
    assert made.status_code == 303
    page = pages.get(made.headers["location"])
    assert "已保存草稿" in page.text and "提交保密审查" in page.text
    uploaded = pages.post(f"{BASE}/publications/new", data={"title": "上传的通知", "category": "02",
                                                            "formed_on": today()},
                          files={"source": ("通知.html", "<html><body><p>网页正文。</p></body></html>".encode(),
                                            "text/html")})
    assert uploaded.status_code == 303
    assert "网页正文" in pages.get(uploaded.headers["location"]).text
    listed = pages.get(f"{BASE}/publications?state=draft")
    assert TITLE in listed.text and "上传的通知" in listed.text


def test_the_review_page_marks_a_valid_id_number_and_not_a_near_miss(organs, page_client, db_url):
    publication_id = submitted(db_url, body=f"申请人身份证号{VALID_ID}。\n另一号码{NEAR_MISS}。")
    page = page_client(REVIEWER).get(f"{BASE}/publications/{publication_id}")
    assert page.status_code == 200
    marks = re.findall(r'<mark class="finding finding-id_number"[^>]*>([^<]*)</mark>', page.text)
    assert marks == [VALID_ID]
    assert f">{NEAR_MISS}<" not in page.text and NEAR_MISS in page.text
    assert "已忽略 1 个校验位不符的疑似身份证号" in page.text
    assert "身份证号码" in page.text and "3:8" in page.text  # the findings table: kind, line:column
    assert 'id="review-form"' in page.text
    assert 'id="review-form"' not in page_client(DRAFTER).get(f"{BASE}/publications/{publication_id}").text
    assert page_client(OUTSIDER).get(f"{BASE}/publications/{publication_id}").status_code == 404


def test_reject_fix_resubmit_approve_publish(organs, page_client, db_url):
    publication_id = submitted(db_url, body=f"申请人身份证号{VALID_ID}。")
    reviewer, drafter = page_client(REVIEWER), page_client(DRAFTER)
    url = f"{BASE}/publications/{publication_id}"
    missing = reviewer.post(f"{url}/review", data={"verdict": "reject", "reasons": ""})
    assert missing.status_code == 422 and "不同意公开须写明理由" in missing.text
    assert reviewer.post(f"{url}/review", data={"verdict": "reject", "reasons": "含身份证号"}).status_code == 303
    page = drafter.get(url)
    assert "审查未通过" in page.text and "含身份证号" in page.text
    assert drafter.post(f"{url}/edit", data={"title": TITLE, "category": "02", "formed_on": today(),
                                             "document_type": "other", "body": "已删除个人信息。"}).status_code == 303
    assert drafter.post(f"{url}/submit").status_code == 303
    assert reviewer.post(f"{url}/review", data={"verdict": "approve", "reasons": ""}).status_code == 303
    done = drafter.post(f"{url}/publish")
    assert done.status_code == 303
    page = drafter.get(done.headers["location"])
    assert "已发布到政府信息公开目录" in page.text and "113301000024912353/02-" in page.text


def test_a_refusal_of_permission_in_the_page_is_shown_and_recorded(organs, page_client, db_url):
    """One person cannot draft and clear the same item (谁审查、谁负责); the refusal is on record like every
    refusal of permission, and nothing else is written."""
    publication_id = submitted(db_url)
    before = snapshot(db_url)
    page = page_client(DRAFTER).post(f"{BASE}/publications/{publication_id}/review",
                                     data={"verdict": "approve", "reasons": "可以公开"})
    assert page.status_code == 403 and 'data-field="reviewer"' in page.text and 'id="refusal"' in page.text
    assert snapshot(db_url)[1:] == before[1:]
    with db.reading(db_url) as session:
        assert session.scalar(select(Publication.state)) == "in_review"
        refusals = session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "auth.refused")).all()
    assert refusals == [DRAFTER]


def test_publishing_without_review_shows_the_refusal_and_raises_a_card(organs, page_client, db_url):
    publication_id = draft(db_url)
    before = snapshot(db_url)
    page = page_client(DRAFTER).post(f"{BASE}/publications/{publication_id}/publish")
    assert page.status_code == 409
    assert "未经保密审查，不能发布（先审查、后公开）" in page.text and 'id="refusal"' in page.text
    assert snapshot(db_url)[1:] == before[1:]
    with db.reading(db_url) as session:
        assert session.scalar(select(Publication.state)) == "draft"
        assert session.scalar(select(Card)) is not None


def test_words_and_guide_pages(organs, page_client):
    pages = page_client(DRAFTER)
    assert pages.post(f"{BASE}/words", data={"words": "内部讨论\n绝密\n"}).status_code == 303
    page = pages.get(f"{BASE}/words")
    assert "内部讨论" in page.text and "绝密" in page.text
    assert pages.post(f"{BASE}/words/remove", data={"word": "绝密"}).status_code == 303
    assert "绝密" not in pages.get(f"{BASE}/words").text.split("本机关敏感词")[1].split("全县敏感词")[0]
    assert pages.post(f"{BASE}/guide", data={"text": "", "office_address": "", "office_hours": "",
                                             "phone": ""}).status_code == 422
    assert pages.post(f"{BASE}/guide", data={"text": "新指南。", "office_address": "人民路1号", "office_hours": "",
                                             "phone": ""}).status_code == 303
    assert "人民路1号" in pages.get(f"{BASE}/guide").text
    assert page_client(OUTSIDER).post(f"{BASE}/words", data={"words": "x"}).status_code == 303  # its own organ's
