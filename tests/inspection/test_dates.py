"""Dates on list pages in the formats Chinese government sites write them (freshness checks of 国办秘函〔2019〕19号)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from yangguang.inspection.dates import find_dates, future_dates, list_rows, newest, normalise

TODAY = date(2026, 3, 5)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-20", date(2026, 11, 20)),
    ("2026/11/20", date(2026, 11, 20)),
    ("2026.11.20", date(2026, 11, 20)),
    ("发布日期：2026年11月20日", date(2026, 11, 20)),
    ("2026 年 1 月 5 日", date(2026, 1, 5)),
    ("2026-11-20 09:30", date(2026, 11, 20)),
    ("2025-1-5 10:00:01", date(2025, 1, 5)),
    ("２０２６年１１月２０日", date(2026, 11, 20)),
    ("２０２６－１１－２０", date(2026, 11, 20)),
    ("二〇二六年十一月二十日", date(2026, 11, 20)),
    ("二〇二五年三月五日", date(2025, 3, 5)),
    ("二〇二五年十二月三十一日", date(2025, 12, 31)),
])
def test_full_dates_in_every_format(text, expected):
    assert [found.value for found in find_dates(text, TODAY)] == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("[03-04]", date(2026, 3, 4)),  # not after today: this year
    ("03-05", date(2026, 3, 5)),
    ("[03-06]", date(2025, 3, 6)),  # after today: last year
    ("11/20", date(2025, 11, 20)),
    ("12月31日", date(2025, 12, 31)),
    ("（2月1日）", date(2026, 2, 1)),
])
def test_month_and_day_alone_take_the_latest_year_not_after_today(text, expected):
    found = find_dates(text, TODAY)
    assert [f.value for f in found] == [expected]
    assert found[0].year_inferred


@pytest.mark.parametrize("text", ["电话 0571-88888888", "版本 2.3.4", "增长 1.5%", "2026年2月30日", "13-45",
                                  "编号 20261120"])
def test_numbers_that_are_not_dates(text):
    assert find_dates(text, TODAY) == []


def test_normalise_turns_full_width_and_chinese_numerals_into_digits():
    assert normalise("２０２６年　二〇二六年十月一日") == "2026年 2026年10月1日"


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)),
       st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m:02d}.{d:02d}", "{y}年{m}月{d}日",
                        "{y}-{m:02d}-{d:02d} 08:05"]))
def test_any_date_written_in_any_full_format_is_read_back(day, pattern):
    text = "标题文字 " + pattern.format(y=day.year, m=day.month, d=day.day) + " 更多"
    assert [found.value for found in find_dates(text, TODAY)] == [day]


LIST_PAGE = """<html><body>
<nav><ul><li><a href="/">首页</a></li><li><a href="/news/">新闻动态</a> 2026-03-01</li></ul></nav>
<div class="main">
<ul>
  <li><a href="/a1.html">关于2026年1月1日起施行新规的通知</a><span>2026-02-01</span></li>
  <li><a href="/a2.html">脚本写的日期</a><script>document.write("2026-03-04")</script></li>
  <li><a href="/a3.html">第三条</a> [02-28]</li>
</ul>
<table><tr><td><a href="/t1.html">表格行</a></td><td>2026/01/09</td></tr></table>
<dl><dt><a href="/d1.html">定义列表</a></dt><dd>2025年12月30日</dd></dl>
</div></body></html>"""


def test_list_rows_read_li_tr_and_dl_rows_outside_navigation_and_scripts():
    rows = list_rows(LexborHTMLParser(LIST_PAGE), TODAY)
    assert [(row.url, row.date) for row in rows] == [
        ("/a1.html", date(2026, 2, 1)),  # the date outside the title, not the one the title names
        ("/a2.html", None),  # a date written by a script is not shown as text
        ("/a3.html", date(2026, 2, 28)),
        ("/t1.html", date(2026, 1, 9)),
        ("/d1.html", date(2025, 12, 30)),
    ]
    assert newest(row.date for row in rows) == date(2026, 2, 28)


def test_nested_rows_count_once_at_the_innermost_level():
    html = "<div><ul><li>专题<ul><li><a href='/x'>内层</a> 2026-01-02</li></ul></li></ul></div>"
    rows = list_rows(LexborHTMLParser(html), TODAY)
    assert [(row.title, row.date) for row in rows] == [("内层", date(2026, 1, 2))]


def test_future_dates_beyond_the_tolerance_are_flagged_as_forged():
    """国办秘函〔2019〕19号 安全、泄密事故等严重问题: "fraud such as forged publication dates"."""
    html = "<ul><li><a href='/1'>明天</a> 2026-03-06</li><li><a href='/2'>下月</a> 2026-04-20</li></ul>"
    rows = list_rows(LexborHTMLParser(html), TODAY)
    assert [row.url for row in future_dates(rows, TODAY, tolerance_days=1)] == ["/2"]
