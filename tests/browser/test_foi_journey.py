"""An application for government information in a real browser: a citizen files it online on a phone and
keeps the number and query code; the organ's disclosure office (政务公开办) logs in, confirms receipt
(the day of receipt for an online request [政府信息公开条例 Art. 31]), replies 予以公开 [Art. 36] and
downloads the reply letter; the citizen's progress query then shows 已办结, without personal data.
"""

from __future__ import annotations

import io
import re

from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.browser.journeys import field, no_sideways_scroll
from tests.web.foi_helpers import OFFICER, ORGAN_NAME, build_organs, state_of, today

CONTENT = "青山县2025年城区老旧小区改造项目的资金安排和实施方案"
NAME, PHONE_NUMBER = "陈某某", "13800000000"


def test_an_online_request_from_filing_to_the_reply(live_server, new_page, shots, db_url):
    build_organs(db_url)

    # the citizen files the request online, on a phone
    citizen = new_page(PHONE)
    citizen.goto(f"{live_server}/disclosure/apply")
    expect(citizen.get_by_role("heading", name="政府信息公开申请")).to_be_visible()
    citizen.get_by_label("受理机关").select_option(label=ORGAN_NAME)
    citizen.get_by_label("自然人").check()
    citizen.get_by_label("姓名或者名称").fill(NAME)
    citizen.get_by_label("联系电话").fill(PHONE_NUMBER)
    citizen.get_by_label("所需政府信息的名称、文号或者便于查询的其他特征性描述").fill(CONTENT)
    citizen.get_by_label("电子数据").check()
    no_sideways_scroll(citizen)
    shots.take(citizen, "citizen-form")
    citizen.get_by_role("button", name="提交申请").click()

    expect(citizen).to_have_url(f"{live_server}/disclosure/apply/receipt")
    expect(citizen.get_by_role("status")).to_contain_text(ORGAN_NAME)
    number = citizen.locator("#application-number").inner_text().strip()
    code = citizen.locator("#query-code").inner_text().strip()
    assert re.fullmatch(r"YSQ-ZFB-\d{4}-\d{5}", number) and re.fullmatch(r"\d{8}", code)
    expect(citizen.locator("#receipt-notice")).to_contain_text("第三十一条")
    shots.take(citizen, "citizen-receipt")
    assert state_of(db_url, number) == "awaiting_confirmation"

    citizen.get_by_role("link", name="查询办理进度").click()
    expect(citizen.get_by_label("申请编号")).to_have_value(number)
    citizen.get_by_label("查询码").fill(code)
    citizen.get_by_role("button", name="查询").click()
    expect(field(citizen, "办理状态")).to_have_text("待确认收到")
    expect(field(citizen, "收到申请日期")).to_contain_text("尚待受理机关确认")

    # the disclosure office confirms receipt and replies
    office = new_page(DESKTOP)
    log_in(office, live_server, OFFICER)
    office.get_by_role("navigation", name="工作台").get_by_role("link", name="依申请公开").click()
    expect(office).to_have_url(f"{live_server}/staff/disclosure/applications")
    row = office.locator("#applications tbody tr").filter(has_text=number)
    expect(row).to_contain_text("待确认收到")
    expect(row).to_contain_text(NAME)
    shots.take(office, "office-list")
    row.get_by_role("link", name=number).click()

    expect(office.get_by_role("heading", level=1)).to_contain_text(number)
    expect(office.locator("main")).to_contain_text(CONTENT)
    expect(office.get_by_label("确认日期")).to_have_value(today())
    office.get_by_role("button", name="确认收到").click()
    expect(office.get_by_role("status")).to_have_text("已确认收到申请，答复期限开始计算。")
    expect(field(office, "收到申请日期")).to_have_text(today())
    reply = office.locator("section[aria-labelledby=clocks] tbody tr").filter(has_text="答复期限（第三十三条）")
    expect(reply).to_contain_text("20个工作日")
    shots.take(office, "office-confirmed")

    office.get_by_label("答复结果（条例第三十六条）").select_option(label="予以公开")
    office.get_by_role("button", name="作出答复").click()
    expect(office.get_by_role("status")).to_have_text("已作出答复。")
    expect(office.get_by_role("heading", level=1)).to_contain_text("已办结")
    expect(office.locator("#outcome-label")).to_have_text("予以公开")
    expect(office.locator("pre.letter")).to_contain_text("经审查，现答复如下：予以公开。")
    shots.take(office, "office-replied")
    with office.expect_download() as downloading:
        office.get_by_role("link", name="下载政府信息公开申请答复书（DOCX）").click()
    letter = downloading.value
    assert letter.suggested_filename == f"{number}-reply.docx"
    with open(letter.path(), "rb") as handle:
        text = "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)
    assert "政府信息公开申请答复书" in text and "予以公开" in text and NAME in text and ORGAN_NAME in text
    assert state_of(db_url, number) == "concluded"

    # the citizen sees the reply in the progress query, and nothing personal
    citizen.goto(f"{live_server}/disclosure/progress?number={number}")
    citizen.get_by_label("查询码").fill(code)
    citizen.get_by_role("button", name="查询").click()
    expect(field(citizen, "办理状态")).to_have_text("已办结")
    expect(field(citizen, "答复结果")).to_have_text("予以公开")
    expect(field(citizen, "答复日期")).to_have_text(today())
    main = citizen.locator("main")
    for personal in (NAME, PHONE_NUMBER, CONTENT):
        expect(main).not_to_contain_text(personal)
    no_sideways_scroll(citizen)
    shots.take(citizen, "citizen-progress-concluded")
