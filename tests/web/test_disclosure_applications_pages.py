"""The staff pages of applications for government information (/staff/disclosure/applications): the list
by time left, registration of a request received by visit or post, an application's page with its clocks
and letters and the forms its state and the viewer's role allow, and refusals shown in the page with
nothing written.

Sources: 中华人民共和国政府信息公开条例 (2019) Arts. 30–36; 国办函〔2020〕109号; shared/domain/disclosure.md.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.web.foi_helpers import (
    CLERK,
    HEAD,
    OFFICER,
    OTHER_ORGAN,
    OUTSIDER,
    SUPERVISOR,
    act,
    build_organs,
    days_ago,
    query_code,
    receive,
    snapshot,
    state_of,
    today,
)
from tests.web.test_cases_pages import assert_usable_forms
from yangguang.core.clocks import local_day

BASE = "/staff/disclosure/applications"


@pytest.fixture
def organs(db_url):
    build_organs(db_url)


def page_of(number: str) -> str:
    return f"{BASE}/{number}"


def forms(html: str) -> list[str]:
    """The actions of the page's post forms, relative to the application."""
    return [unescape(a).rsplit("/staff/disclosure/applications/", 1)[-1].split("/", 1)[-1]
            for a in re.findall(r'<form method="post" action="([^"]+)"', html) if "/staff/disclosure/" in a]


def alert(html: str) -> str:
    found = re.search(r'<p class="error" role="alert"[^>]*>([^<]*)</p>', html)
    return unescape(found.group(1)) if found else ""


# -- the list --------------------------------------------------------------------------------------------
def test_the_list_puts_the_least_time_left_first_and_filters(organs, page_client, client, db_url):
    older = receive(db_url, ago=10)
    newer = receive(db_url, content="青山县2026年城区道路改造工程招标文件")
    waiting = receive(db_url, channel="online", actor=None)
    theirs = receive(db_url, actor=OUTSIDER, unit=OTHER_ORGAN)
    officer = page_client(OFFICER)
    html = officer.get(BASE).text
    assert "共 3 件" in html and theirs not in html
    assert html.index(older) < html.index(newer) < html.index(waiting)
    assert "待确认收到" in html and 'href="/staff/disclosure/applications/new"' in html
    assert '<a href="/staff/disclosure/applications">依申请公开</a>' in html  # the staff link in the header
    filtered = officer.get(BASE, params={"q": "道路改造"}).text
    assert newer in filtered and older not in filtered and "共 1 件" in filtered
    assert waiting in officer.get(BASE, params={"state": "awaiting_confirmation"}).text
    bad = officer.get(BASE, params={"state": "lost"})
    assert bad.status_code == 422 and "取值应为" in alert(bad.text)
    overseen = page_client(SUPERVISOR).get(BASE).text
    assert all(number in overseen for number in (older, newer, waiting, theirs))
    assert "登记申请" not in overseen  # supervisors read, they do not register
    assert client.get(BASE).status_code == 303  # to the login page
    assert page_client(CLERK).get(BASE).status_code == 403


# -- registering a request ------------------------------------------------------------------------------
def test_the_office_registers_a_request_handed_in(organs, page_client, db_url):
    """In person: received the day submitted, the 20-working-day reply period starts [条例 Arts. 31, 33]."""
    officer = page_client(OFFICER)
    form = officer.get(f"{BASE}/new")
    assert form.status_code == 200
    assert_usable_forms(form.text)
    response = officer.post(f"{BASE}/new", data={
        "channel": "in_person", "submitted_at": local_day(days_ago(0)).isoformat() + "T09:00",
        "applicant_type": "organisation", "organisation_kind": "legal_service", "applicant_name": "某某律师事务所",
        "applicant_id_number": "31110000MD0123456X", "contact_phone": "0571-88888888",
        "content": "2025年本县行政处罚决定书目录", "delivery": "paper"})
    assert response.status_code == 303, alert(response.text)
    number = response.headers["location"].split("/")[-1].split("?")[0]
    detail = officer.get(response.headers["location"]).text
    assert "申请已登记。" in detail and "某某律师事务所（法律服务机构）" in detail and "纸质文本" in detail
    assert query_code(db_url, number) in detail and "答复期限（第三十三条）" in detail
    assert state_of(db_url, number) == "in_progress"


def test_a_bad_registration_shows_the_reason_keeps_the_values_and_writes_nothing(organs, page_client, db_url):
    """Signed post needs the signing date [条例 Art. 31]; a request needs a contact [Art. 29]."""
    officer = page_client(OFFICER)
    before = snapshot(db_url)
    values = {"channel": "post_signed", "submitted_at": local_day(days_ago(2)).isoformat() + "T09:00",
              "applicant_type": "natural_person", "applicant_name": "陈某某", "contact_phone": "13800000000",
              "content": "本县2025年度财政预算执行情况报告全文"}
    response = officer.post(f"{BASE}/new", data=values)
    assert response.status_code == 422 and "签收日期" in alert(response.text)
    assert 'value="陈某某"' in response.text and "本县2025年度财政预算执行情况报告全文</textarea>" in response.text
    no_contact = officer.post(f"{BASE}/new", data={**values, "channel": "in_person", "contact_phone": ""})
    assert no_contact.status_code == 422 and "第二十九条" in alert(no_contact.text)
    bad_time = officer.post(f"{BASE}/new", data={**values, "submitted_at": "yesterday"})
    assert bad_time.status_code == 422 and "YYYY-MM-DD" in alert(bad_time.text)
    assert snapshot(db_url) == before
    assert page_client(HEAD).get(f"{BASE}/new").status_code == 403  # registering is the office's


# -- one application -------------------------------------------------------------------------------------
def test_each_viewer_gets_the_forms_the_state_and_role_allow(organs, page_client, db_url):
    """The disclosure office handles the request [条例 Art. 4]; the head approves the extension [Art. 33];
    supervisors read; an unconfirmed online request can only be confirmed [Art. 31]."""
    number = receive(db_url)
    officer = page_client(OFFICER).get(page_of(number)).text
    assert_usable_forms(officer)
    assert forms(officer) == ["clear", "correction", "consultations", "fee", "conclusion", "remedies"]
    assert "本申请为该申请人本自然月内第 1 件申请" in officer
    head = page_client(HEAD).get(page_of(number)).text
    assert forms(head) == ["extension"] and "最长不超过20个工作日" in head
    supervisor = page_client(SUPERVISOR).get(page_of(number)).text
    assert forms(supervisor) == [] and "陈某某" in supervisor
    assert page_client(OUTSIDER).get(page_of(number)).status_code == 404
    waiting = receive(db_url, channel="online", actor=None)
    assert forms(page_client(OFFICER).get(page_of(waiting)).text) == ["receipt-confirmation", "remedies"]


def test_outcomes_are_grouped_as_the_annual_report_groups_them(organs, page_client, db_url):
    """The reply's outcomes [条例 Art. 36] under the headings of section 三 [国办公开办函〔2021〕30号];
    abandonment has its own buttons, after the deadlines [Art. 30; 国办函〔2020〕109号]."""
    html = page_client(OFFICER).get(page_of(receive(db_url))).text
    groups = re.findall(r'<optgroup label="([^"]+)">', html)
    assert groups == ["（一）予以公开", "（二）部分公开", "（三）不予公开", "（四）无法提供", "（五）不予处理",
                      "（六）其他处理"]
    section = html[html.index('<optgroup label="（四）无法提供">'):html.index('<optgroup label="（五）不予处理">')]
    assert 'value="unavailable.not_this_organ"' in section and 'value="unavailable.not_held"' in section
    assert 'value="other.no_correction"' not in html and 'value="other.fee_unpaid"' not in html


def test_online_request_confirmed_answered_and_its_letter_shown_and_downloaded(organs, page_client, db_url):
    """Confirming receipt starts the clocks [条例 Art. 31]; the reply and its letter [Art. 36]."""
    number = receive(db_url, channel="online", actor=None)
    officer = page_client(OFFICER)
    assert "尚未确认收到，未开始计时。" in officer.get(page_of(number)).text
    confirmed = officer.post(f"{page_of(number)}/receipt-confirmation", data={"confirmed_on": today()})
    assert confirmed.status_code == 303 and confirmed.headers["location"].endswith("?done=confirmed")
    html = officer.get(confirmed.headers["location"]).text
    assert "已确认收到申请，答复期限开始计算。" in html and f"<dt>确认日期</dt><dd>{today()}</dd>" in html
    answered = officer.post(f"{page_of(number)}/conclusion", data={"outcome": "disclosed", "reason": ""})
    assert answered.status_code == 303
    html = officer.get(answered.headers["location"]).text
    assert "已作出答复。" in html and '<dd id="outcome-label">予以公开' in html
    assert "政府信息公开申请答复书" in html and "经审查，现答复如下：予以公开。" in html
    link = re.search(r'href="(/api/v1/disclosure/applications/[^"]+/letters/reply)"', html).group(1)
    download = officer.get(link)
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert forms(html) == ["remedies"]


def test_refusals_show_the_services_reason_and_change_nothing(organs, page_client, db_url):
    """At most 20 working days of extension [条例 Art. 33]; one fee method, never both [国办函〔2020〕109号
    Art. 3]; withholding gives its reason [条例 Art. 36]; abandonment only after the fee deadline."""
    number = receive(db_url)
    head, officer = page_client(HEAD), page_client(OFFICER)
    before = snapshot(db_url)
    too_long = head.post(f"{page_of(number)}/extension", data={"days": "25", "reason": "档案量大"})
    assert too_long.status_code == 422 and "最长不得超过20个工作日" in alert(too_long.text)
    assert 'data-field="days"' in too_long.text and forms(too_long.text) == ["extension"]
    both = officer.post(f"{page_of(number)}/fee", data={"method": "per_request", "pages": "50",
                                                        "deadline": local_day(days_ago(-45)).isoformat()})
    assert both.status_code == 422 and "不得同时按件和按量" in alert(both.text)
    free = officer.post(f"{page_of(number)}/fee", data={"method": "per_request", "pages": "",  # as a browser sends
                                                        "deadline": local_day(days_ago(-45)).isoformat()})
    assert free.status_code == 422 and 'data-field="method"' in free.text and "不应收费" in alert(free.text)
    secret = officer.post(f"{page_of(number)}/conclusion", data={"outcome": "withheld.state_secret"})
    assert secret.status_code == 422 and "须在答复中说明理由" in alert(secret.text)
    early = officer.post(f"{page_of(number)}/fee/unpaid")
    assert early.status_code == 409 and "不能按逾期未缴费处理" in alert(early.text)
    forbidden = officer.post(f"{page_of(number)}/extension", data={"days": "5", "reason": "x"})
    assert forbidden.status_code == 403
    assert snapshot(db_url) == before
    officer.headers.pop("X-CSRF-Token")
    assert officer.post(f"{page_of(number)}/clear").status_code == 403  # no CSRF token
    assert snapshot(db_url) == before


def test_correction_consultation_extension_and_remedy_through_the_pages(organs, page_client, db_url):
    """Correction pauses and restarts the reply period [条例 Art. 30]; consultation time is not counted
    [Arts. 32, 33]; one extension by the head [Art. 33]; reviews and lawsuits recorded (section 四)."""
    number = receive(db_url)
    officer, head = page_client(OFFICER), page_client(HEAD)
    path = page_of(number)
    deadline = local_day(days_ago(-15)).isoformat()
    officer.post(f"{path}/correction", data={"items": "请写明所需文件的文号\n\n请说明形成年份", "deadline": deadline})
    html = officer.get(path).text
    assert "<li>请写明所需文件的文号</li><li>请说明形成年份</li>" in html and "答复期限暂停计算：等待补正" in html
    assert "政府信息公开申请补正通知书" in html and forms(html) == ["correction/received", "correction/abandonment",
                                                          "remedies"]
    assert officer.post(f"{path}/correction/received", data={"on": today()}).status_code == 303
    assert officer.post(f"{path}/consultations", data={"kind": "third_party", "party": "某某建设有限公司"}
                        ).status_code == 303
    html = officer.get(path).text
    assert "答复期限暂停计算：征求第三方意见" in html and "某某建设有限公司 的意见" in html
    consultation = re.search(r"/consultations/(\d+)/answer", html).group(1)
    assert officer.post(f"{path}/consultations/{consultation}/answer", data={"answer": "agree"}).status_code == 303
    assert head.post(f"{path}/extension", data={"days": "10", "reason": "需调取多年档案"}).status_code == 303
    html = head.get(path).text
    assert "（含延长10）" in html and "政府信息公开申请延期答复告知书" in html
    assert forms(html) == []
    officer.post(f"{path}/remedies", data={"kind": "review", "filed_on": today(), "case_number": "青政复〔2026〕7号"})
    html = officer.get(path).text
    assert "青政复〔2026〕7号" in html and "尚未审结" in html
    remedy = re.search(r"/remedies/(\d+)/conclusion", html).group(1)
    done = officer.post(f"{path}/remedies/{remedy}/conclusion", data={"result": "corrected", "concluded_on": today()})
    assert done.headers["location"].endswith("?done=remedy_concluded")
    assert "结果纠正" in officer.get(path).text
    assert state_of(db_url, number) == "in_progress"


def test_fee_notice_and_payment_through_the_pages(organs, page_client, db_url):
    """Per volume: 120 pages cost 70×¥10 + 20×¥20 = ¥1,100 [国办函〔2020〕109号 Art. 5]; paying resumes the reply."""
    number = receive(db_url)
    officer = page_client(OFFICER)
    html = officer.get(page_of(number)).text
    earliest = re.search(r'name="deadline" type="date" required value="([0-9-]+)"', html).group(1)
    charged = officer.post(f"{page_of(number)}/fee", data={"method": "per_volume", "pages": "120",
                                                           "deadline": earliest})
    assert charged.status_code == 303, alert(charged.text)
    html = officer.get(page_of(number)).text
    assert "1,100.00 元" in html and "等待缴纳信息处理费" in html and forms(html) == ["fee/payment", "fee/unpaid",
                                                                                 "remedies"]
    assert officer.post(f"{page_of(number)}/fee/payment", data={"on": today()}).status_code == 303
    assert state_of(db_url, number) == "in_progress"
    act(db_url, "conclude", number, outcome="disclosed")
    assert "信息处理费1100.00元" in officer.get(page_of(number)).text  # in the reply letter
