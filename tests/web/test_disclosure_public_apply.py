"""The public pages of applications for government information: the online form (/disclosure/apply), its
receipt with the number, the query code and when the request counts as received, and the progress
query (/disclosure/progress) with no personal data, a wrong code indistinguishable from an unknown
number and wrong guesses limited per client address.

Sources: 中华人民共和国政府信息公开条例 (2019) Arts. 29, 31, 36; shared/domain/disclosure.md.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from tests.web.conftest import csrf_of
from tests.web.foi_helpers import (
    ORGAN,
    ORGAN_NAME,
    OTHER_ORGAN,
    PERSONAL,
    act,
    build_organs,
    query_code,
    receive,
    snapshot,
    today,
)
from tests.web.test_cases_pages import assert_usable_forms
from yangguang.core import db
from yangguang.core.auth import LoginAttempt
from yangguang.disclosure.models import Application

FORM = {"unit": ORGAN, "applicant_type": "natural_person", "organisation_kind": "commercial",
        "applicant_name": "陈某某", "applicant_id_number": "110105194912310021", "contact_phone": "13800000000",
        "contact_email": "", "contact_address": "", "content": "本县2025年度财政预算执行情况报告全文",
        "delivery": "electronic"}


@pytest.fixture
def organs(db_url):
    build_organs(db_url)


def submit(client, **changes):
    token = csrf_of(client, "/disclosure/apply")
    return client.post("/disclosure/apply", data={**FORM, **changes, "csrf_token": token})


def alert(html: str) -> str:
    found = re.search(r'<p class="error" role="alert"[^>]*>([^<]*)</p>', html)
    return unescape(found.group(1)) if found else ""


def shown(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}"><strong[^>]*>([^<]+)</strong>', html).group(1)


# -- the form -------------------------------------------------------------------------------------------
def test_the_form_offers_every_organ_and_labels_every_field(organs, client):
    page = client.get("/disclosure/apply", params={"unit": ORGAN})
    assert page.status_code == 200
    assert_usable_forms(page.text)
    assert f'<option value="{ORGAN}" selected>{ORGAN_NAME}</option>' in page.text
    assert re.search(rf'<option value="{OTHER_ORGAN}"\s*>县市场监督管理局</option>', page.text)
    for label in ("自然人", "法人或者其他组织", "法律服务机构", "所需政府信息的名称、文号或者便于查询的其他特征性描述",
                  "电子数据", "纸质文本", "第三十一条"):
        assert label in page.text, label


def test_an_online_request_gets_its_number_code_and_the_receipt_rule(organs, client, db_url):
    """Online requests count as received on the day the organ confirms them [条例 Art. 31]; the receipt
    gives the number and the query code for the progress query."""
    response = submit(client)
    assert response.status_code == 303 and response.headers["location"] == "/disclosure/apply/receipt"
    receipt = client.get("/disclosure/apply/receipt")
    assert receipt.status_code == 200
    number, code = shown(receipt.text, "application-number"), shown(receipt.text, "query-code")
    assert code == query_code(db_url, number) and number.startswith(f"YSQ-{ORGAN}-")
    assert "以本机关与您确认收到之日为收到申请之日" in receipt.text and "第三十一条" in receipt.text
    assert f"您的政府信息公开申请已提交至{ORGAN_NAME}" in receipt.text
    assert client.get("/disclosure/apply/receipt").text == receipt.text  # reloading files nothing new
    with db.reading(db_url) as session:
        application = session.scalar(select(Application))
        assert (application.channel, application.state, application.applicant_kind, application.applicant_name,
                application.received_on) == ("online", "awaiting_confirmation", "natural_person", "陈某某", None)
        assert session.scalar(select(func.count()).select_from(Application)) == 1
    assert code not in response.headers["location"] and code not in client.get("/disclosure/apply").text


def test_a_receipt_is_shown_only_to_the_browser_that_filed(organs, client, app):
    from fastapi.testclient import TestClient

    submit(client)
    with TestClient(app, follow_redirects=False) as stranger:
        response = stranger.get("/disclosure/apply/receipt")
        assert response.status_code == 303 and response.headers["location"] == "/disclosure/apply"


def test_an_organisation_applies_with_its_kind(organs, client, db_url):
    """Organisations are counted by kind in section 三 of the annual report [国办公开办函〔2021〕30号]."""
    assert submit(client, applicant_type="organisation", organisation_kind="legal_service",
                  applicant_name="某某律师事务所").status_code == 303
    with db.reading(db_url) as session:
        assert session.scalar(select(Application.applicant_kind)) == "legal_service"


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"content": "   "}, "content", "申请内容不能为空"),
    ({"unit": "NOPE"}, "unit", "未知的受理机关"),
    ({"unit": ""}, "unit", "未知的受理机关"),
    ({"contact_phone": ""}, "contact_phone", "第二十九条"),
    ({"applicant_name": ""}, "applicant_name", "申请人姓名或者名称不能为空"),
    ({"applicant_type": "robot"}, "applicant_kind", "取值应为"),
    ({"delivery": "pigeon"}, "delivery", "取值应为"),
])
def test_a_bad_request_shows_the_reason_keeps_the_values_and_writes_nothing(organs, client, db_url, changes, field,
                                                                            words):
    """A request names the applicant with a contact and describes the information [条例 Art. 29]."""
    before = snapshot(db_url)
    response = submit(client, **changes)
    assert response.status_code == 422 and words in alert(response.text)
    assert f'data-field="{field}"' in response.text
    assert 'value="110105194912310021"' in response.text  # what was typed is kept
    assert snapshot(db_url) == before


def test_the_form_needs_its_csrf_token(organs, client, db_url):
    before = snapshot(db_url)
    csrf_of(client, "/disclosure/apply")
    assert client.post("/disclosure/apply", data={**FORM, "csrf_token": "forged"}).status_code == 403
    assert snapshot(db_url) == before


# -- progress --------------------------------------------------------------------------------------------
def ask(client, number: str, code: str):
    token = csrf_of(client, "/disclosure/progress")
    return client.post("/disclosure/progress", data={"number": number, "query_code": code, "csrf_token": token})


def test_progress_follows_the_request_to_its_reply_without_personal_data(organs, client, db_url):
    """Until confirmed the date of receipt is pending [条例 Art. 31]; then the reply's due date; finally the
    outcome [Art. 36]. The applicant's data and the request never appear."""
    number = receive(db_url, channel="online", actor=None)
    code = query_code(db_url, number)
    form = client.get("/disclosure/progress", params={"number": number})
    assert form.status_code == 200 and f'value="{number}"' in form.text
    assert_usable_forms(form.text)
    waiting = ask(client, number, code)
    assert waiting.status_code == 200
    assert "待确认收到" in waiting.text and "以确认之日为收到申请之日" in waiting.text
    act(db_url, "confirm_receipt", number, confirmed_on=date.fromisoformat(today()))
    running = ask(client, f"  {number} ", code)
    assert "办理中" in running.text and "答复期限" in running.text and f"<dd>{today()}</dd>" in running.text
    act(db_url, "conclude", number, outcome="disclosed")
    done = ask(client, number, code)
    assert '<dd id="foi-state"><strong>已办结</strong></dd>' in done.text and "予以公开" in done.text
    for page in (waiting, running, done):
        for value in PERSONAL:
            assert value not in page.text


def test_a_wrong_code_reads_like_an_unknown_number_and_guesses_are_limited(organs, client, db_url):
    """Neither the number nor the code is revealed; 20 wrong guesses within 15 minutes block the address
    ([progress] in defaults.toml), counted apart from the case progress query."""
    number = receive(db_url, channel="online", actor=None)
    code = query_code(db_url, number)
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    unknown = number[:-1] + ("9" if number[-1] != "9" else "8")
    pages = [ask(client, number, wrong), ask(client, unknown, code)]
    assert pages[0].status_code == pages[1].status_code == 404
    assert pages[0].text.replace(number, "N") == pages[1].text.replace(unknown, "N")
    assert "未找到该申请：请核对申请编号和查询码" in pages[0].text
    for _ in range(18):
        assert ask(client, number, wrong).status_code == 404
    blocked = ask(client, number, code)
    assert blocked.status_code == 429 and "失败次数过多" in blocked.text
    assert client.get("/api/v1/disclosure/progress", params={"number": number, "query_code": code}).status_code == 429
    with db.reading(db_url) as session:
        assert session.scalar(select(func.count()).where(LoginAttempt.address.like("progress:%"))) == 0
