"""The public and window journeys in a real browser: a citizen checks a case's progress on a phone with
the keyboard, and a clerk receives an incomplete application, issues the one-time notice (一次性告知)
and accepts the case once the missing materials are supplied.

Each test builds its own hall and cases (a fresh database), asserts what the person sees at every step
and keeps screenshots of the key steps in test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.browser.journeys import PERSONAL_DATA, UNIT_NAME, field, no_sideways_scroll, query_code
from tests.web.case_helpers import APPLICANT, APPROVER, act, build_hall, receive, state_of
from yangguang.approval.queries import case_progress
from yangguang.core import db

NOT_FOUND = "未找到该办件：请核对办件编号和查询码"


def test_citizen_checks_progress_on_a_phone_with_the_keyboard(live_server, new_page, shots, db_url):
    build_hall(db_url)
    number = receive(db_url, days_ago=3)  # accepted at the window three days ago (受理 done)
    act(db_url, number, "审查", APPROVER, note="材料审查通过")  # 审查 done, 决定 now with the unit
    code = query_code(db_url, number)

    page = new_page(PHONE)
    page.goto(f"{live_server}/")
    expect(page.get_by_role("heading", name="办件进度查询")).to_be_visible()
    shots.take(page, "home")
    page.get_by_label("办件编号").fill(number)
    page.keyboard.press("Tab")
    expect(page.get_by_label("查询码")).to_be_focused()
    page.keyboard.type(code)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="查询进度")).to_be_focused()
    shots.take(page, "form-filled")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server}/progress")
    expect(page.get_by_role("heading", name="食品经营许可")).to_be_visible()
    with db.reading(db_url) as session:
        expected = case_progress(session, number, code, at=datetime.now(UTC))
    time = expected["time"]
    expect(field(page, "办件编号")).to_have_text(number)
    expect(field(page, "受理部门")).to_have_text(UNIT_NAME)
    expect(field(page, "办理状态")).to_have_text("办理中")
    # who holds it now: the unit and the step, since when
    expect(field(page, "当前办理")).to_have_text(f"{UNIT_NAME} · 决定（自 {expected['current'][0]['since']} 起）")
    # time used and left against the 10-working-day promise
    expect(field(page, "承诺时限")).to_contain_text(f"10{time['unit_label']}")
    expect(field(page, "已用时间")).to_have_text(f"{time['used']}{time['unit_label']}")
    expect(field(page, "剩余时间")).to_have_text(f"{time['left']}{time['unit_label']}")
    assert time["used"] + time["left"] == 10
    # the steps done
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").first).to_have_text("受理")
    expect(rows.nth(1).locator("td").first).to_have_text("审查")
    # and nothing of the applicant
    content = page.content()
    for personal in PERSONAL_DATA:
        assert personal not in content, f"the public progress page shows {personal!r}"
    no_sideways_scroll(page)
    shots.take(page, "progress")

    # a wrong query code: the same words as an unknown case, no result
    page.get_by_label("办件编号").fill(number)
    page.get_by_label("查询码").fill("000000" if code != "000000" else "111111")
    page.get_by_label("查询码").press("Enter")
    expect(page.get_by_role("alert")).to_have_text(NOT_FOUND)
    expect(page.get_by_role("heading", name="食品经营许可")).to_have_count(0)
    expect(page.get_by_label("办件编号")).to_have_value(number)  # kept, so a typo is easy to mend
    no_sideways_scroll(page)
    shots.take(page, "wrong-code")


def test_clerk_receives_an_incomplete_application_and_accepts_it_once_supplied(live_server, new_page, shots,
                                                                              db_url):
    build_hall(db_url)
    page = new_page(DESKTOP)
    log_in(page, live_server, "clerk1")
    expect(page).to_have_url(f"{live_server}/staff/cases")

    page.goto(f"{live_server}/staff/cases/new")
    expect(page.get_by_role("heading", name="收件受理")).to_be_visible()
    materials = page.locator("#materials")
    expect(materials).to_contain_text("选择事项后显示其申请材料清单")
    page.get_by_label("办理事项").select_option("SCJ-0001")
    # the item's material list arrives by htmx
    expect(materials.get_by_role("group", name="已收到的申请材料（食品经营许可）")).to_be_visible()
    expect(materials.get_by_role("checkbox")).to_have_count(4)
    page.get_by_label(re.compile("^食品经营许可申请书")).check()  # only one of the three required materials
    page.get_by_label("申请人名称").fill(APPLICANT["name"])
    page.get_by_label("申请人类型").select_option(APPLICANT["type"])
    page.get_by_label("证件号码或统一社会信用代码").fill(APPLICANT["id_number"])
    page.get_by_label("联系电话").fill(APPLICANT["phone"])
    shots.take(page, "application")
    page.get_by_role("button", name="收件").click()

    expect(page).to_have_url(re.compile(r"/staff/cases/[^/]+/receipt$"))
    expect(page.get_by_role("heading", name="收件回执")).to_be_visible()
    number = page.locator("#case-number").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Za-z_-]+", number), number
    expect(page.locator("#query-code strong")).to_have_text(query_code(db_url, number))
    expect(field(page, "状态")).to_have_text("待补齐材料")
    expect(page.get_by_role("heading", name="一次性告知书")).to_be_visible()
    notice = page.locator("#one-time-notice")
    for missing in ("营业执照复印件", "经营场所平面图"):  # every missing required material, listed at once
        expect(notice).to_contain_text(missing)
    for not_missing in ("食品经营许可申请书", "其他说明材料"):  # supplied, or not required
        expect(notice).not_to_contain_text(not_missing)
    expect(notice).to_contain_text("第三十二条")
    assert state_of(db_url, number) == "awaiting_materials"
    shots.take(page, "receipt-with-notice")

    page.get_by_role("link", name="查看办件").click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(number)))).to_contain_text("待补齐材料")
    supply = page.locator("form", has=page.get_by_role("heading", name="登记补充材料"))
    expect(supply.get_by_role("checkbox")).to_have_count(3)  # the three not yet received
    supply.get_by_label("营业执照复印件").check()
    supply.get_by_label("经营场所平面图").check()
    shots.take(page, "supplying")
    supply.get_by_role("button", name="登记并检查材料").click()

    expect(page.get_by_role("status")).to_have_text("已登记补充的材料。")
    expect(page.get_by_role("heading", name=re.compile(re.escape(number)))).to_contain_text("办理中")
    expect(field(page, "受理")).to_contain_text("窗口张三")
    expect(page.get_by_role("heading", name="登记补充材料")).to_have_count(0)
    steps = page.locator("section[aria-labelledby=steps] tbody tr")
    expect(steps.first).to_contain_text("已办")  # 受理 done by accepting
    expect(steps.nth(1)).to_contain_text("审查")
    expect(steps.nth(1)).to_contain_text("办理中")
    assert state_of(db_url, number) == "in_progress"
    shots.take(page, "accepted")
