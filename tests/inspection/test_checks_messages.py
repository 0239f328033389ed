"""国办秘函〔2019〕19号 单项否决 互动回应差: no working consultation channel, or a valid message of the past year
unanswered for more than 3 months; 留言办理时限 deduction (reply limit configurable, unverified)."""

from __future__ import annotations

from datetime import date

from yangguang.inspection.checklist import MESSAGE_REPLIES, VETO_INTERACTION
from yangguang.inspection.checks import DEDUCTION, VETO
from yangguang.inspection.checks.messages import (
    Message,
    consultation_findings,
    is_consultation_link,
    message_findings,
    message_rows,
)
from yangguang.inspection.fetched import LinkStatus

from .page_factory import SITE, make_page, text_of

TODAY = date(2026, 3, 5)
BOARD = SITE + "board/"


def test_message_blocks_with_labelled_dates_and_open_states():
    page = make_page("""<div class="list">
      <div class="item"><p>标题：路灯不亮</p><p>留言时间：2025-10-01</p><p>回复时间：2025-10-08</p>
        <p>答复内容：已修复。</p></div>
      <div class="item"><p>标题：道路积水</p><p>留言时间：2025-11-20</p><p>状态：未回复</p></div>
      <div class="item"><p>标题：咨询社保</p><p>提问时间：2026年2月1日</p><p>答复时间：2026年2月25日</p></div>
      <div class="item"><p>标题：无状态</p><p>留言时间：2026-02-01</p></div>
    </div>""", BOARD)
    messages = message_rows(page.tree, text_of(page), BOARD, TODAY)
    assert [(m.asked, m.replied) for m in messages] == [
        (date(2025, 10, 1), date(2025, 10, 8)), (date(2025, 11, 20), None), (date(2026, 2, 1), date(2026, 2, 25))]


def test_message_tables_are_read_by_their_headed_columns():
    page = make_page("""<table><tr><th>标题</th><th>留言时间</th><th>回复时间</th><th>状态</th></tr>
      <tr><td><a href="/m/1">噪音扰民</a></td><td>2025-09-01</td><td></td><td>办理中</td></tr>
      <tr><td><a href="/m/2">学校招生</a></td><td>2026-01-05</td><td>2026-01-09</td><td>已回复</td></tr>
    </table>""", BOARD)
    assert [(m.asked, m.replied) for m in message_rows(page.tree, text_of(page), BOARD, TODAY)] == [
        (date(2025, 9, 1), None), (date(2026, 1, 5), date(2026, 1, 9))]


def test_pages_without_message_labels_have_no_messages():
    page = make_page("<ul><li><a href='/n'>新闻</a> 发布时间：2026-01-01 未回复</li></ul>")
    assert message_rows(page.tree, text_of(page), SITE, TODAY) == []


def test_a_message_of_the_past_year_unanswered_over_three_months_is_the_veto():
    open_message = Message(BOARD, date(2025, 11, 20), None, "道路积水 未回复")
    late_reply = Message(BOARD, date(2025, 6, 1), date(2025, 9, 2), "回复晚了")  # answered after 3 months and a day
    findings = message_findings([open_message, late_reply], TODAY, reply_days=15)
    assert [(f.severity, f.checklist_item) for f in findings] == [(VETO, VETO_INTERACTION)] * 2
    assert findings[0].evidence["date"] == "2025-11-20" and findings[0].evidence["excerpt"] == "道路积水 未回复"


def test_older_than_a_year_or_within_three_months_is_not_the_veto():
    too_old = Message(BOARD, date(2025, 3, 4), None, "去年")
    three_months = Message(BOARD, date(2025, 12, 5), date(2026, 3, 5), "正好三个月")
    findings = message_findings([too_old, three_months], TODAY, reply_days=15)
    assert [(f.severity, f.checklist_item) for f in findings] == [(DEDUCTION, MESSAGE_REPLIES)] * 2


def test_a_reply_within_the_configured_limit_is_fine():
    assert message_findings([Message(BOARD, date(2026, 1, 5), date(2026, 1, 20), "")], TODAY, reply_days=15) == []
    assert len(message_findings([Message(BOARD, date(2026, 1, 5), date(2026, 1, 21), "")], TODAY,
                                reply_days=15)) == 1


def test_petition_and_discipline_channels_do_not_count_as_consultation():
    words, excluded = ["咨询", "留言", "信箱"], ["信访", "纪检", "举报"]
    assert is_consultation_link("县长信箱", words, excluded)
    assert not is_consultation_link("网上信访", words, excluded)
    assert not is_consultation_link("纪检监察举报信箱", words, excluded)


def test_no_consultation_channel_or_only_broken_ones_is_the_veto():
    [none] = consultation_findings({}, {}, SITE)
    assert (none.severity, none.checklist_item) == (VETO, VETO_INTERACTION)
    channels = {SITE + "mail/": (SITE, "县长信箱")}
    broken = {SITE + "mail/": LinkStatus(SITE + "mail/", 404)}
    [dead] = consultation_findings(channels, broken, SITE)
    assert dead.evidence["link"] == SITE + "mail/" and dead.evidence["text"] == "县长信箱"
    assert consultation_findings(channels, {SITE + "mail/": LinkStatus(SITE + "mail/", 200)}, SITE) == []
