"""Proactive disclosure in a real browser: a drafter writes an item containing a valid resident ID number;
another member of the disclosure office reviews it, sees the number highlighted and rejects it; the drafter
removes it and resubmits; the reviewer approves; the drafter publishes and the public catalogue lists the
item under its index number (先审查、后公开, 一事一审).
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.web.publication_helpers import DRAFTER, REVIEWER, VALID_ID, build_organs

TITLE = "关于2026年食品安全抽检结果的公告"


def test_a_publication_from_draft_to_the_public_catalogue(live_server, new_page, shots, db_url):
    build_organs(db_url)

    drafter = new_page(DESKTOP)
    log_in(drafter, live_server, DRAFTER)
    drafter.goto(f"{live_server}/staff/disclosure")
    drafter.get_by_role("link", name=re.compile("^主动公开")).click()
    drafter.get_by_role("link", name="起草公开信息").click()
    drafter.get_by_label("标题").fill(TITLE)
    drafter.get_by_label("主题词").fill("食品 抽检")
    drafter.get_by_label("正文", exact=True).fill(f"经抽检，以下产品不合格。\n联系人身份证号：{VALID_ID}。")
    shots.take(drafter, "draft-form")
    drafter.get_by_role("button", name="保存草稿").click()
    expect(drafter.get_by_role("status")).to_contain_text("已保存草稿")
    drafter.get_by_role("button", name="提交保密审查").click()
    expect(drafter.locator("#state")).to_have_text("待审查")
    item_url = drafter.url.split("?")[0]

    reviewer = new_page(DESKTOP)
    log_in(reviewer, live_server, REVIEWER)
    reviewer.goto(f"{live_server}/staff/disclosure")
    reviewer.locator("#waiting").get_by_role("link", name=TITLE).click()
    mark = reviewer.locator("#review-text mark.finding-id_number")
    expect(mark).to_have_count(1)
    expect(mark).to_have_text(VALID_ID)
    expect(reviewer.locator("#findings")).to_contain_text("身份证号码")
    shots.take(reviewer, "review-highlight")
    reviewer.get_by_role("radio", name="不同意公开").check()
    reviewer.get_by_label(re.compile("^审查意见")).fill("含有未经处理的公民身份号码，请删除后重新提交。")
    reviewer.get_by_role("button", name="提交审查结论").click()
    expect(reviewer.locator("#state")).to_have_text("审查未通过")

    drafter.goto(item_url)
    expect(drafter.locator("#reviews")).to_contain_text("含有未经处理的公民身份号码")
    drafter.get_by_role("link", name="修改").click()
    drafter.get_by_label("正文", exact=True).fill("经抽检，以下产品不合格。\n联系人：食品安全科。")
    drafter.get_by_role("button", name="保存草稿").click()
    drafter.get_by_role("button", name="提交保密审查").click()
    expect(drafter.locator("#state")).to_have_text("待审查")

    reviewer.goto(item_url)
    expect(reviewer.locator("#review-text mark")).to_have_count(0)
    reviewer.get_by_role("radio", name="同意公开", exact=True).check()
    reviewer.get_by_role("button", name="提交审查结论").click()
    expect(reviewer.locator("#state")).to_have_text("审查通过")
    shots.take(reviewer, "approved")

    drafter.goto(item_url)
    drafter.get_by_role("button", name="发布").click()
    expect(drafter.get_by_role("status")).to_contain_text("已发布到政府信息公开目录")
    index_number = drafter.locator("#index-number").inner_text()
    assert index_number.startswith("113301000024912353/02-")
    shots.take(drafter, "published")

    public = new_page(PHONE)
    public.goto(f"{live_server}/disclosure")
    public.get_by_role("link", name=re.compile("^政府信息公开目录")).click()
    public.get_by_label("关键词").fill("抽检")
    public.get_by_role("button", name="检索").click()
    row = public.locator("#catalogue tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(index_number)
    shots.take(public, "catalogue")
    row.get_by_role("link", name=TITLE).click()
    expect(public.locator("#catalogue-data")).to_contain_text(index_number)
    expect(public.locator("article")).not_to_contain_text(VALID_ID)
    shots.take(public, "item")
