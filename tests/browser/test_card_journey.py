"""A card's life in a real browser (journeys 3 to 5): time passes and the sweep raises a yellow card; the
supervisor finds it on the board, the unit head finds it in the inbox, acknowledges it and reports the
rectification with an evidence file; the supervisor accepts the rectification and the card is closed
with every step on its timeline.

The case is accepted six working days before today, so its 审查 step (4 of the 10 promised working
days) is over its share; the sweep runs in process at the present moment, as the cron job would.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.browser.journeys import (
    OTHER_UNIT_NAME,
    UNIT_NAME,
    card_state,
    field,
    no_sideways_scroll,
    overdue_step_with_card,
    pdf_report,
)
from tests.web.case_helpers import HEAD, SUPERVISOR, build_hall

REPORT = "已对超时办件逐件分析原因，建立审查环节限时办结台账，并对承办人进行提醒谈话。"


def heading(page: Page, number: str):
    return page.get_by_role("heading", level=1).filter(has_text=number)


def test_a_yellow_card_from_the_sweep_to_its_closure(live_server, new_page, shots, db_url):
    build_hall(db_url)
    data = overdue_step_with_card(db_url)

    # 3. the supervisor's board: both cards, then only the yellow one
    supervisor = new_page(DESKTOP)
    log_in(supervisor, live_server, SUPERVISOR)
    expect(supervisor).to_have_url(f"{live_server}/staff/cards")
    board = supervisor.locator("#cards")
    expect(board).to_contain_text("符合条件的共 2 张")
    expect(board.get_by_role("link", name=data.other)).to_be_visible()
    supervisor.get_by_label("级别").select_option(label="黄牌")  # htmx swaps the list, the address follows
    expect(supervisor).to_have_url(re.compile(r"/staff/cards\?level=yellow(&|$)"))
    expect(board).to_contain_text("符合条件的共 1 张")
    expect(board.get_by_role("link", name=data.other)).to_have_count(0)
    rows = board.locator("tbody tr")
    expect(rows).to_have_count(1)
    for text in (data.yellow, "黄牌", "环节超时", UNIT_NAME, "已发出", data.case):
        expect(rows.first).to_contain_text(text)
    shots.take(supervisor, "supervisor-board-yellow")

    # 3. the unit head: the card's message in the inbox, the card on the unit's board
    head = new_page(PHONE)
    log_in(head, live_server, HEAD)
    expect(head).to_have_url(f"{live_server}/staff/cards")
    expect(head.locator("main")).to_contain_text(f"仅显示本单位（{UNIT_NAME}）的监察牌")
    expect(head.locator("#cards").get_by_role("link", name=data.yellow)).to_be_visible()
    expect(head.locator("#cards").get_by_role("link", name=data.other)).to_have_count(0)  # another unit's card
    expect(head.locator("#cards")).not_to_contain_text(OTHER_UNIT_NAME)
    expect(head.locator("header.site .unread-count")).to_have_text("未读 1 条")  # loaded by htmx
    shots.take(head, "head-board")
    head.get_by_role("link", name=re.compile("^消息")).click()
    expect(head).to_have_url(f"{live_server}/staff/inbox")
    message = head.locator("li.message")
    expect(message).to_have_count(1)
    expect(message.locator(".message-head strong")).to_have_text(
        re.compile(rf"【黄牌】{re.escape(data.yellow)} 环节超时$"))
    expect(message.locator(".message-body")).to_contain_text("电子监察系统对贵单位发出黄牌")
    expect(message.locator(".message-body")).to_contain_text(data.case)
    no_sideways_scroll(head)
    shots.take(head, "head-inbox")
    message.get_by_role("button", name="标为已读").click()  # htmx: the message is swapped, the counters follow
    expect(message).to_contain_text("已读于")
    expect(message.get_by_role("button", name="标为已读")).to_have_count(0)
    expect(head.locator("main .unread-count")).to_have_text("未读 0 条")
    expect(head.locator("header.site .unread-count")).to_have_text("未读 0 条")
    message.get_by_role("link", name="查看详情").click()

    # 4. the unit head acknowledges the card and reports the rectification with an evidence file
    expect(head).to_have_url(f"{live_server}/staff/cards/{data.yellow}")
    expect(heading(head, data.yellow)).to_contain_text("已发出")
    expect(field(head, "监察对象")).to_have_text(f"办件 {data.case}")
    expect(field(head, "签收时间")).to_have_text("未签收")
    head.get_by_label("签收说明（可不填）").fill("已收到，立即整改")
    head.get_by_role("button", name="签收").click()
    expect(head.get_by_role("status")).to_have_text("已签收。")
    expect(heading(head, data.yellow)).to_contain_text("已签收")
    expect(field(head, "签收时间")).not_to_have_text("未签收")
    expect(head.get_by_role("button", name="签收")).to_have_count(0)
    shots.take(head, "head-acknowledged")

    pdf = pdf_report(new_page(DESKTOP))
    head.get_by_label("整改情况").fill(REPORT)
    head.get_by_label(re.compile("^证明材料")).set_input_files(
        files=[{"name": "整改报告.pdf", "mimeType": "application/pdf", "buffer": pdf}])
    shots.take(head, "head-report-filled")
    head.get_by_role("button", name="报送整改情况").click()
    expect(head.get_by_role("status")).to_have_text("整改情况已报送，等待纪检监察审核。")
    expect(heading(head, data.yellow)).to_contain_text("已报送整改")
    report = head.get_by_role("article", name="第 1 次整改报告")
    expect(report).to_contain_text(REPORT)
    expect(report).to_contain_text("待审核")
    evidence = report.get_by_role("link", name="整改报告.pdf")
    expect(evidence).to_be_visible()
    download = head.request.get(live_server + evidence.get_attribute("href"))
    assert download.ok and download.body() == pdf
    expect(head.get_by_role("heading", name="办理", exact=True)).to_have_count(0)  # nothing left for the unit to do
    no_sideways_scroll(head)
    shots.take(head, "head-reported")
    head.get_by_role("link", name="← 返回监察牌列表").click()
    expect(head.locator("#cards tbody tr").filter(has_text=data.yellow)).to_contain_text("已报送整改")
    assert card_state(db_url, data.yellow) == "rectified"

    # 5. the supervisor reviews, accepts, and the card is closed with its whole history
    supervisor.reload()
    expect(board.locator("tbody tr").filter(has_text=data.yellow)).to_contain_text("已报送整改")
    board.get_by_role("link", name=data.yellow).click()
    expect(heading(supervisor, data.yellow)).to_contain_text("已报送整改")
    report = supervisor.get_by_role("article", name="第 1 次整改报告")
    expect(report).to_contain_text(REPORT)
    expect(report.get_by_role("link", name="整改报告.pdf")).to_be_visible()
    for button in ("整改通过并办结", "退回整改", "办结监察牌"):
        expect(supervisor.get_by_role("button", name=button)).to_be_visible()
    shots.take(supervisor, "supervisor-review")
    supervisor.get_by_label("审核意见（可不填）").fill("整改到位，同意办结")
    supervisor.get_by_role("button", name="整改通过并办结").click()
    expect(supervisor.get_by_role("status")).to_have_text("整改已审核通过，监察牌已办结。")
    expect(heading(supervisor, data.yellow)).to_contain_text("已办结")
    expect(field(supervisor, "办结时间")).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))
    expect(supervisor.get_by_role("article", name="第 1 次整改报告")).to_contain_text("审核通过")
    expect(supervisor.get_by_role("heading", name="办理", exact=True)).to_have_count(0)
    timeline = supervisor.locator("ol.timeline > li")
    expect(timeline.locator("strong")).to_have_text(["发出", "签收", "上传证明材料", "报送整改情况", "整改通过"])
    expect(timeline.nth(0)).to_contain_text("（系统）")
    expect(timeline.nth(1)).to_contain_text("已收到，立即整改")
    expect(timeline.nth(2)).to_contain_text("整改报告.pdf")
    expect(timeline.nth(3)).to_contain_text(REPORT)
    expect(timeline.nth(4)).to_contain_text("整改到位，同意办结")
    for entry, actor in zip(range(1, 5), (HEAD, HEAD, HEAD, SUPERVISOR), strict=True):
        expect(timeline.nth(entry)).to_contain_text(f"（{actor}）")
    shots.take(supervisor, "supervisor-closed")
    assert card_state(db_url, data.yellow) == "closed"
