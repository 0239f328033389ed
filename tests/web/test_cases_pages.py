"""The staff pages of the case workspace: receipt at the window with the one-time notice, the case list,
a case with the forms the viewer's role allows, fees in yuan, and refusals shown in the page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from sqlalchemy import select

from tests.web.case_helpers import (
    APPROVER,
    CASHIER,
    CLERK,
    FOOD,
    HEAD,
    OTHER_CLERK,
    OTHER_HEAD,
    PARALLEL,
    SUPERVISOR,
    SWJ_ITEM,
    act,
    actions,
    build_hall,
    count,
    receive,
    state_of,
)
from yangguang.approval.models import Case, FeeCharge
from yangguang.core import db
from yangguang.core.audit import AuditEntry


@pytest.fixture
def hall(db_url):
    build_hall(db_url)


class _Form(HTMLParser):
    """Fields without a <label for>, and post forms without the CSRF field."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str | None] = []
        self.labels: set[str] = set()
        self.forms: list[bool] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        a = dict(attrs)
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit", "button"):
            self.fields.append(a.get("id"))
        elif tag == "form" and a.get("method") == "post":
            self.forms.append(False)
        if tag == "input" and a.get("name") == "csrf_token" and self.forms:
            self.forms[-1] = True


def assert_usable_forms(html: str) -> None:
    """Every field has a label (keyboard and screen-reader use) and every post form the CSRF token."""
    parser = _Form()
    parser.feed(html)
    assert parser.fields and all(f is not None and f in parser.labels for f in parser.fields), parser.fields
    assert all(parser.forms), "a post form lacks csrf_token"


def material_ids(html: str) -> list[str]:
    return re.findall(r'name="materials" value="(\d+)"', html)


def query_code(db_url: str, number: str) -> str:
    with db.reading(db_url) as session:
        return session.scalar(select(Case.query_code).where(Case.number == number))


# -- receipt at the window ---------------------------------------------------------------------------------
def test_clerk_receives_an_incomplete_application_prints_the_notice_and_records_the_rest(hall, page_client, db_url):
    """一次性告知: everything missing at once, on paper for the applicant; accepted once complete
    [行政许可法 Art. 32; approval-and-supervision.md, "Licensing-law time limits"]."""
    clerk = page_client(CLERK)
    form = clerk.get("/staff/cases/new")
    assert form.status_code == 200 and 'hx-get="/staff/cases/new/materials"' in form.text
    assert_usable_forms(form.text)
    partial = clerk.get("/staff/cases/new/materials", params={"item": FOOD})
    assert partial.status_code == 200 and "<html" not in partial.text and "经营场所平面图" in partial.text
    ids = material_ids(partial.text)
    assert len(ids) == 4

    sent = clerk.post("/staff/cases/new", data={"item": FOOD, "name": "张三餐馆", "type": "1", "channel": "1",
                                                "id_number": "", "phone": "13900000000", "materials": [ids[0]]})
    assert sent.status_code == 303 and sent.headers["location"].endswith("/receipt")
    number = sent.headers["location"].split("/")[3]
    receipt = clerk.get(sent.headers["location"])
    assert number in receipt.text and query_code(db_url, number) in receipt.text
    notice = receipt.text[receipt.text.index('id="one-time-notice"'):]
    assert "一次性告知书" in notice and "营业执照复印件" in notice and "经营场所平面图" in notice
    assert "第三十二条" in notice and "其他说明材料" not in notice

    page = clerk.get(f"/staff/cases/{number}")
    assert "登记补充材料" in page.text and "待补齐材料" in page.text
    assert_usable_forms(page.text)
    supplied = clerk.post(f"/staff/cases/{number}/materials", data={"materials": ids[1:3]})
    assert supplied.status_code == 303 and supplied.headers["location"] == f"/staff/cases/{number}?done=materials"
    after = clerk.get(supplied.headers["location"])
    assert "已登记补充的材料" in after.text and "办理中" in after.text and state_of(db_url, number) == "in_progress"


def test_receipt_errors_are_shown_in_the_form_and_nothing_is_written(hall, page_client, db_url):
    """Bad input gets a clear error naming the field and changes nothing [DESIGN.md, Conventions]."""
    clerk = page_client(CLERK)
    entries = count(db_url)
    for data, field in [({"item": FOOD, "name": "", "type": "1", "phone": "13900000000"}, "applicant.name"),
                        ({"item": FOOD, "name": "张三", "type": "1", "materials": ["不存在"]}, "materials"),
                        ({"item": "NOPE", "name": "张三", "type": "1"}, "item"),
                        ({"item": FOOD, "name": "张三", "type": "9"}, "applicant.type")]:
        response = clerk.post("/staff/cases/new", data=data)
        assert response.status_code in (404, 422), response.text
        assert f'data-field="{field}"' in response.text and 'role="alert"' in response.text
        assert f'value="{data["name"]}"' in response.text or not data["name"]  # what was typed stays
    assert count(db_url, Case) == 0 and count(db_url) == entries
    chosen = clerk.get("/staff/cases/new", params={"item": FOOD})  # without JavaScript: the item's materials
    assert len(material_ids(chosen.text)) == 4


# -- the list ------------------------------------------------------------------------------------------------
def test_case_list_shows_the_units_cases_with_filters(hall, page_client, db_url):
    mine = receive(db_url)
    waiting = receive(db_url, materials=[])
    theirs = receive(db_url, clerk=OTHER_CLERK, item=SWJ_ITEM, window="B01")
    clerk = page_client(CLERK)
    page = clerk.get("/staff/cases")
    assert page.status_code == 200 and mine in page.text and waiting in page.text and theirs not in page.text
    assert '<div class="table-wrap">' in page.text and 'href="/staff/cases/new"' in page.text
    assert_usable_forms(page.text)
    filtered = clerk.get("/staff/cases", params={"state": "awaiting_materials", "item": "", "number": ""})
    assert waiting in filtered.text and mine not in filtered.text
    bad = clerk.get("/staff/cases", params={"received_from": "2026-13-01"})
    assert bad.status_code == 422 and 'data-field="received_from"' in bad.text
    assert theirs in page_client(SUPERVISOR).get("/staff/cases").text


def test_cashier_finds_any_case_by_number(hall, page_client, db_url):
    number = receive(db_url)
    cashier = page_client(CASHIER)
    found = cashier.get("/staff/cases/find", params={"number": number})
    assert found.status_code == 303 and found.headers["location"] == f"/staff/cases/{number}"
    assert cashier.get("/staff/cases/find", params={"number": "2026SCJ999999"}).status_code == 404
    assert number in cashier.get("/staff/cases", params={"awaiting_fee": "true"}).text


# -- one case ------------------------------------------------------------------------------------------------
def test_each_role_sees_the_forms_it_may_use(hall, page_client, db_url):
    number = receive(db_url)
    approver = page_client(APPROVER).get(f"/staff/cases/{number}").text
    assert f"/staff/cases/{number}/steps/{quote('审查')}" in approver and "/special-procedures" in approver
    assert "/corrections" in approver and "/extension-requests" in approver and "/refusal" not in approver
    assert_usable_forms(approver)
    clerk = page_client(CLERK).get(f"/staff/cases/{number}").text
    assert "/refusal" in clerk and "/steps/" not in clerk and "/fees" not in clerk
    head = page_client(HEAD).get(f"/staff/cases/{number}").text
    assert f"/staff/cases/{number}/extensions" in head and "/steps/" not in head
    supervisor = page_client(SUPERVISOR).get(f"/staff/cases/{number}").text
    assert "办理记录" in supervisor and 'id="actions"' not in supervisor


def test_approver_does_a_step_and_an_out_of_order_step_is_refused_in_the_page(hall, page_client, db_url):
    """Fixed steps (流程固化): a skipped step is refused, shown and recorded [approval-and-supervision.md,
    "Service-centre practice"; trigger 8]."""
    number = receive(db_url)
    head = page_client(HEAD)
    refused = head.post(f"/staff/cases/{number}/steps/决定", data={"decision": "grant", "note": ""})
    assert refused.status_code == 409 and 'data-field="step"' in refused.text and number in refused.text
    assert count(db_url, AuditEntry, AuditEntry.action == "refused:approval.action_refused") == 1
    done = page_client(APPROVER).post(f"/staff/cases/{number}/steps/审查", data={"note": "材料真实有效"})
    assert done.status_code == 303 and done.headers["location"] == f"/staff/cases/{number}?done=step"
    page = head.get(f"/staff/cases/{number}").text
    assert "材料真实有效" in page and f"/staff/cases/{number}/steps/{quote('决定')}" in page
    granted = head.post(f"/staff/cases/{number}/steps/决定", data={"decision": "grant", "legal_basis": ""})
    assert granted.status_code == 303
    assert count(db_url, AuditEntry, AuditEntry.action == "approval.step_done") == 2


def test_fee_form_takes_yuan_and_stores_exact_fen(hall, page_client, db_url):
    """Money in fen, never float: 0.29 yuan is 29 fen (a float would make 28) [DESIGN.md, Conventions]."""
    number = receive(db_url)
    cashier = page_client(CASHIER)
    page = cashier.get(f"/staff/cases/{number}").text
    assert 'name="amount_yuan"' in page and 'value="50.00"' in page and "省物价局收费文件" in page
    assert_usable_forms(page)
    for yuan in ("0.29", "1234.56", "12"):
        assert cashier.post(f"/staff/cases/{number}/fees", data={"amount_yuan": yuan, "basis": "省物价局收费文件"}
                            ).status_code == 303
    with db.reading(db_url) as session:
        charges = session.scalars(select(FeeCharge.amount_fen).order_by(FeeCharge.id)).all()
    assert charges == [29, 123456, 1200]
    for yuan in ("12.345", "1e3", "", "-5", "0.1.2", "１２"):
        response = cashier.post(f"/staff/cases/{number}/fees", data={"amount_yuan": yuan})
        assert response.status_code == 422 and 'data-field="amount_yuan"' in response.text, yuan
    assert count(db_url, FeeCharge) == 3
    assert "超标准或无依据" in cashier.get(f"/staff/cases/{number}").text  # 1,234.56 yuan is above 50.00


def test_special_procedure_and_correction_from_the_pages(hall, page_client, db_url):
    """Time not counted: special procedures [行政许可法 Art. 45] and corrections (补正)."""
    number = receive(db_url)
    approver = page_client(APPROVER)
    begun = approver.post(f"/staff/cases/{number}/special-procedures",
                          data={"kind": "hearing", "expected_days": "5", "reason": "申请人要求听证"})
    assert begun.status_code == 303 and state_of(db_url, number) == "suspended"
    page = approver.get(begun.headers["location"]).text
    assert "暂停计时：听证" in page and "/special-procedures/end" in page and "特别程序告知书" in page
    bad = approver.post(f"/staff/cases/{number}/special-procedures",
                        data={"kind": "hearing", "expected_days": "x", "reason": "再次"})
    assert bad.status_code == 422 and 'data-field="expected_days"' in bad.text
    assert approver.post(f"/staff/cases/{number}/special-procedures/end", data={"note": ""}).status_code == 303
    missing = "平面图比例不符\n\n缺少消防验收意见\n"
    asked = approver.post(f"/staff/cases/{number}/corrections", data={"missing": missing})
    assert asked.status_code == 303 and state_of(db_url, number) == "suspended"
    clerk = page_client(CLERK)
    assert "/corrections/received" in clerk.get(f"/staff/cases/{number}").text
    assert clerk.post(f"/staff/cases/{number}/corrections/received").status_code == 303
    assert state_of(db_url, number) == "in_progress"


def test_extension_requested_on_the_page_is_granted_by_the_head(hall, page_client, db_url):
    """The extension needs the head's approval [行政许可法 Art. 42]."""
    number = receive(db_url)
    asked = page_client(APPROVER).post(f"/staff/cases/{number}/extension-requests",
                                       data={"days": "6", "reason": "需现场核查"})
    assert asked.status_code == 303
    head = page_client(HEAD)
    page = head.get(f"/staff/cases/{number}").text
    assert 'id="extension-request"' in page and 'value="6"' in page and "需现场核查</textarea>" in page
    refused = head.post(f"/staff/cases/{number}/extensions", data={"days": "11", "reason": "需现场核查"})
    assert refused.status_code == 422 and 'data-field="days"' in refused.text
    granted = head.post(f"/staff/cases/{number}/extensions", data={"days": "6", "reason": "需现场核查"})
    assert granted.status_code == 303
    assert "含延长6" in head.get(granted.headers["location"]).text


def test_an_unauthorised_action_is_shown_in_the_page_and_recorded(hall, page_client, db_url):
    """Only the head of the case's own department extends it [行政许可法 Art. 42]; the attempt of another
    department's head is refused and recorded [approval-and-supervision.md, trigger 8]."""
    number = receive(db_url, item=PARALLEL)
    other_head = page_client(OTHER_HEAD)
    assert number in other_head.get("/staff/cases").text  # a department of the parallel step
    before = len(actions(db_url))
    refused = other_head.post(f"/staff/cases/{number}/extensions", data={"days": "5", "reason": "会商"})
    assert refused.status_code == 403 and 'data-field="actor"' in refused.text and number in refused.text
    written = actions(db_url)[before:]
    assert written[0] == "refused:approval.action_refused" and written[-1] == "auth.refused"
    assert "approval.case_extended" not in written
    assert "操作被拒绝并记录" in refused.text


def test_refusal_and_delivery_at_the_window(hall, page_client, db_url):
    """不予受理 in writing [行政许可法 Art. 32]; the result handed over after completion [Art. 44]."""
    waiting = receive(db_url, materials=[])
    clerk = page_client(CLERK)
    empty = clerk.post(f"/staff/cases/{waiting}/refusal", data={"reason": " ", "legal_basis": ""})
    assert empty.status_code == 422 and state_of(db_url, waiting) == "awaiting_materials"
    refusal = {"reason": "不属于本机关职权", "legal_basis": "《行政许可法》第三十二条"}
    refused = clerk.post(f"/staff/cases/{waiting}/refusal", data=refusal)
    assert refused.status_code == 303 and state_of(db_url, waiting) == "refused"
    assert "不予受理决定书" in clerk.get(refused.headers["location"]).text

    number = receive(db_url)
    act(db_url, number, "审查", APPROVER)
    act(db_url, number, "决定", HEAD, decision="grant")
    early = clerk.post(f"/staff/cases/{number}/result", data={"result_number": "JY1"})
    assert early.status_code == 409  # 办结 is not done yet: out of order, recorded
    act(db_url, number, "办结", CLERK)
    assert "送达结果" in clerk.get(f"/staff/cases/{number}").text
    assert clerk.post(f"/staff/cases/{number}/result", data={"result_number": "JY1"}).status_code == 303
    assert state_of(db_url, number) == "delivered"


# -- who may ------------------------------------------------------------------------------------------------
def test_another_units_clerk_gets_not_found_everywhere(hall, page_client, db_url):
    number = receive(db_url, materials=[])
    other = page_client(OTHER_CLERK)
    for path in (f"/staff/cases/{number}", f"/staff/cases/{number}/receipt"):
        response = other.get(path)
        assert response.status_code == 404 and "未找到" in response.text
    assert number not in other.get("/staff/cases").text
    assert other.post(f"/staff/cases/{number}/refusal", data={"reason": "x"}).status_code == 404
    assert other.post(f"/staff/cases/{number}/materials", data={"materials": ["2"]}).status_code == 404
    assert state_of(db_url, number) == "awaiting_materials"


def test_anonymous_visitors_are_sent_to_login_and_forms_need_the_csrf_token(hall, client, page_client, db_url):
    number = receive(db_url)
    response = client.get("/staff/cases")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/staff/cases"
    assert client.get(f"/staff/cases/{number}").status_code == 303
    approver = page_client(APPROVER)
    del approver.headers["X-CSRF-Token"]
    forged = approver.post(f"/staff/cases/{number}/steps/审查", data={"note": "", "csrf_token": "forged"})
    assert forged.status_code == 403 and state_of(db_url, number) == "in_progress"
    assert page_client(APPROVER).get("/staff/cases/new").status_code == 403


def test_case_list_pages_keep_the_filters(hall, page_client, db_url):
    """The shared pager: page links carry the list's filters and its page size."""
    numbers = [receive(db_url) for _ in range(3)]
    clerk = page_client(CLERK)
    first = clerk.get("/staff/cases", params={"state": "in_progress", "per_page": 2}).text
    assert "第 1 / 2 页，共 3 条" in first and "上一页" not in first
    assert 'href="?state=in_progress&amp;page=2&amp;per_page=2" rel="next"' in first
    second = clerk.get("/staff/cases", params={"state": "in_progress", "per_page": 2, "page": 2}).text
    assert "第 2 / 2 页" in second and "下一页" not in second and numbers[0] in second
