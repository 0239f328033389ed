"""Keyboard-only use and the 360-px phone layout of the main pages, in a real browser.

Keyboard: the skip link is the first stop and moves the focus to the main content; Tab then reaches the
header's links and every field and button of the forms, in reading order; a clerk receives a complete
application at the window without touching the mouse (the item chosen with the arrow keys loads its
materials through htmx). Phone: at 360 px no main page scrolls sideways (wide tables scroll inside
their own box).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, log_in
from tests.browser.journeys import no_sideways_scroll, overdue_step_with_card
from tests.web.case_helpers import APPLICANT, CLERK, SUPERVISOR, build_hall, state_of

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return '';
  const label = el.id && document.querySelector(`label[for="${el.id}"]`);
  return (label ? label.innerText : (el.innerText || el.value || el.id || el.tagName)).trim();
}"""


def tab(page: Page) -> str:
    """Press Tab; the accessible text of what now has the focus (its label for a field)."""
    page.keyboard.press("Tab")
    return page.evaluate(FOCUSED)


def test_the_skip_link_and_tab_order_of_the_home_page(live_server, new_page, shots, db_url):
    build_hall(db_url)
    page = new_page(PHONE)
    page.goto(f"{live_server}/")
    skip = page.get_by_role("link", name="跳到正文")
    assert not skip.is_visible() or skip.bounding_box()["x"] < 0  # off screen until focused
    assert tab(page) == "跳到正文"
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0  # shown on screen once focused
    shots.take(page, "skip-link-focused")
    # the header, in reading order
    assert [tab(page) for _ in range(7)] == ["阳光政务", "办事指南", "办件查询", "大厅实况", "绩效排名", "政府信息公开",
                                          "工作人员登录"]
    # the skip link jumps over the header to the main content
    for _ in range(7):
        page.keyboard.press("Shift+Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/#main")
    expect(page.locator("main")).to_be_focused()
    # every field and button of the main content, then its links
    assert [tab(page) for _ in range(8)] == ["事项名称或编码", "查找办事指南", "办件编号", "查询码", "查询进度",
                                            "大厅实况", "绩效排名", "办事指南"]
    # a link followed with the keyboard
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/hall")
    expect(page.get_by_role("heading", level=1)).to_contain_text("大厅")
    # the search form, keyboard only
    page.goto(f"{live_server}/")
    page.get_by_label("事项名称或编码").focus()
    page.keyboard.type("食品")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/guide\?q=%E9%A3%9F%E5%93%81"))
    expect(page.get_by_role("link", name="食品经营许可")).to_be_visible()
    shots.take(page, "guide-search")


def test_a_clerk_receives_a_complete_application_with_the_keyboard_only(live_server, new_page, shots, db_url):
    build_hall(db_url)
    page = new_page(PHONE)
    log_in(page, live_server, CLERK)  # labels, typing and Enter
    page.goto(f"{live_server}/staff/cases/new")
    assert tab(page) == "跳到正文"
    page.keyboard.press("Enter")
    assert tab(page) == "办理事项"
    page.keyboard.press("ArrowDown")  # the first item; htmx loads its materials
    expect(page.get_by_label("办理事项")).to_have_value("SCJ-0001")
    materials = page.locator("#materials").get_by_role("checkbox")
    expect(materials).to_have_count(4)
    for required in range(3):  # the three required materials ticked with the space bar
        assert tab(page).startswith(("食品经营许可申请书", "营业执照复印件", "经营场所平面图")[required])
        page.keyboard.press("Space")
        expect(materials.nth(required)).to_be_checked()
    assert tab(page).startswith("其他说明材料")  # optional, left unticked
    assert tab(page) == "申请人名称"
    page.keyboard.type(APPLICANT["name"])
    assert tab(page) == "申请人类型"
    assert tab(page) == "证件号码或统一社会信用代码"
    page.keyboard.type(APPLICANT["id_number"])
    assert tab(page) == "联系电话"
    page.keyboard.type(APPLICANT["phone"])
    assert tab(page) == "办理形式"
    assert tab(page) == "收件"
    no_sideways_scroll(page)
    shots.take(page, "filled-with-keyboard")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="收件回执")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("材料齐全，已受理。")
    expect(page.get_by_role("heading", name="一次性告知书")).to_have_count(0)
    number = page.locator("#case-number").inner_text().strip()
    assert state_of(db_url, number) == "in_progress"
    no_sideways_scroll(page)
    shots.take(page, "receipt")


PUBLIC_PAGES = [("/", "青山县阳光政务平台"), ("/guide", "办事指南"), ("/guide/SCJ-0001", "食品经营许可"),
                ("/progress", "办件进度查询"), ("/hall", "政务服务大厅实况"), ("/rankings", "绩效排名与统计")]


def test_public_pages_fit_a_360_px_phone(live_server, new_page, shots, db_url):
    build_hall(db_url)
    overdue_step_with_card(db_url)  # a case in progress and cards, so the boards and tables have rows
    page = new_page(PHONE)
    too_wide = {}
    for path, title in PUBLIC_PAGES:
        response = page.goto(f"{live_server}{path}")
        assert response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        page.wait_for_load_state("networkidle")  # htmx fragments loaded and charts drawn
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
        shots.take(page, path.strip("/").replace("/", "-") or "home")
    assert not too_wide, f"pages wider than a 360 px phone (px): {too_wide}"


def test_staff_pages_fit_a_360_px_phone(live_server, new_page, shots, db_url):
    build_hall(db_url)
    data = overdue_step_with_card(db_url)
    clerk = new_page(PHONE)
    log_in(clerk, live_server, CLERK)
    clerk.goto(f"{live_server}/staff/cases/new")
    no_sideways_scroll(clerk)
    clerk.get_by_label("办理事项").select_option("SCJ-0001")
    expect(clerk.locator("#materials").get_by_role("checkbox")).to_have_count(4)
    no_sideways_scroll(clerk)
    shots.take(clerk, "clerk-new-case")
    clerk.goto(f"{live_server}/staff/cases/{data.case}")
    expect(clerk.get_by_role("heading", level=1)).to_contain_text(data.case)
    no_sideways_scroll(clerk)
    shots.take(clerk, "clerk-case")

    supervisor = new_page(PHONE)
    log_in(supervisor, live_server, SUPERVISOR)
    expect(supervisor).to_have_url(f"{live_server}/staff/cards")
    expect(supervisor.locator("#cards tbody tr")).to_have_count(2)
    no_sideways_scroll(supervisor)
    shots.take(supervisor, "supervisor-board")
    supervisor.get_by_label("级别").select_option(label="红牌")
    expect(supervisor.locator("#cards tbody tr")).to_have_count(1)
    no_sideways_scroll(supervisor)
    supervisor.goto(f"{live_server}/staff/cards/{data.yellow}")
    expect(supervisor.get_by_role("heading", level=1)).to_contain_text(data.yellow)
    no_sideways_scroll(supervisor)
    shots.take(supervisor, "supervisor-card")
