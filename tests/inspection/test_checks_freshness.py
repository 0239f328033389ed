"""Homepage and column freshness, blank columns and forged dates (国办秘函〔2019〕19号 单项否决 首页不更新,
栏目不更新; 首页更新量 deduction with the vendors' values)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from yangguang.inspection.checklist import (
    BLANK_COLUMNS,
    COLUMN_UPDATES,
    HOMEPAGE_UPDATES,
    VETO_COLUMNS_STALE,
    VETO_HOMEPAGE_STALE,
    VETO_SECURITY,
)
from yangguang.inspection.checks import DEDUCTION, VETO
from yangguang.inspection.checks.columns import (
    Column,
    ColumnPage,
    blank_column_findings,
    discover_columns,
    summarise_page,
)
from yangguang.inspection.checks.freshness import (
    column_freshness,
    column_kind,
    forged_date_findings,
    homepage_freshness,
    months_before,
)
from yangguang.inspection.dates import ListItem, list_rows

from .page_factory import SITE, make_page, text_of

TODAY = date(2026, 3, 5)
NEWS = ["动态", "要闻", "新闻"]
NOTICE = ["通知公告", "政策文件", "公告", "文件"]
EXPLANATIONS = ["暂无", "本栏目.{0,40}(说明|由于|因|没有|无)"]


def items(*ages: int | None) -> list[ListItem]:
    return [ListItem(f"信息{i}", f"/a{i}.html", None if age is None else TODAY - timedelta(days=age), f"信息{i}")
            for i, age in enumerate(ages)]


def column(name: str, newest_age: int | None, count: int = 3) -> tuple[Column, ColumnPage]:
    newest = None if newest_age is None else TODAY - timedelta(days=newest_age)
    return Column(name, SITE + name + "/"), ColumnPage(newest, count, 500, False)


def test_homepage_with_no_update_for_two_weeks_is_the_veto():
    [finding] = homepage_freshness(SITE, items(14, 20, 30), TODAY, min_updates=10)
    assert (finding.severity, finding.checklist_item) == (VETO, VETO_HOMEPAGE_STALE)
    assert finding.evidence["date"] == "2026-02-19"


def test_fewer_than_10_homepage_updates_in_two_weeks_is_the_vendors_deduction():
    [finding] = homepage_freshness(SITE, items(1, 2, 3, 13, 13, 40), TODAY, min_updates=10)
    assert (finding.severity, finding.checklist_item) == (DEDUCTION, HOMEPAGE_UPDATES)
    assert finding.evidence["updates"] == 5


def test_ten_distinct_updates_in_two_weeks_pass():
    assert homepage_freshness(SITE, items(*range(10)), TODAY, min_updates=10) == []
    repeated = items(*range(9)) + [ListItem("轮播", "/a0.html", TODAY, "轮播")]  # the same item twice counts once
    assert homepage_freshness(SITE, repeated, TODAY, min_updates=10)[0].evidence["updates"] == 9


def test_the_configurable_window_counts_updates_the_veto_keeps_the_checklists_two_weeks():
    [finding] = homepage_freshness(SITE, items(10, 11), TODAY, min_updates=10, window_days=7)
    assert (finding.severity, finding.checklist_item, finding.evidence["updates"]) == (DEDUCTION, HOMEPAGE_UPDATES, 0)
    [veto] = homepage_freshness(SITE, items(15), TODAY, min_updates=1, window_days=30)
    assert (veto.severity, veto.checklist_item) == (VETO, VETO_HOMEPAGE_STALE)


def test_navigation_only_homepage_is_judged_by_its_second_level_pages():
    assert homepage_freshness(SITE, items(None), TODAY, min_updates=10, second_level_newest=TODAY) == []
    [finding] = homepage_freshness(SITE, [], TODAY, min_updates=10, second_level_newest=TODAY - timedelta(days=15))
    assert finding.checklist_item == VETO_HOMEPAGE_STALE


@pytest.mark.parametrize(("name", "kind"), [("工作动态", "news"), ("要闻", "news"), ("通知公告", "notice"),
                                            ("政策文件", "notice"), ("机构概况", "other")])
def test_column_kind_from_its_name(name, kind):
    assert column_kind(name, NEWS, NOTICE) == kind


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(date(2026, 3, 5), 6) == date(2025, 9, 5)
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)


def test_news_two_weeks_and_notice_six_months_together_five_is_the_veto():
    """栏目不更新: news columns not updated in 2 weeks plus notice/policy columns in 6 months, together 5 or more."""
    columns = [column("工作动态", 14), column("要闻", 30), column("乡镇动态", None),  # no date: not updated
               column("通知公告", 183), column("政策文件", 200),
               column("部门动态", 13), column("公告", 150)]  # both within their frequency
    findings = column_freshness(columns, TODAY, news_words=NEWS, notice_words=NOTICE, other_days=365)
    stale = [f.evidence["text"] for f in findings if f.checklist_item == COLUMN_UPDATES]
    assert stale == ["工作动态", "要闻", "乡镇动态", "通知公告", "政策文件"]
    [veto] = [f for f in findings if f.severity == VETO]
    assert veto.checklist_item == VETO_COLUMNS_STALE and veto.evidence["columns"] == stale


def test_four_stale_regular_columns_are_deductions_only():
    columns = [column("工作动态", 20), column("要闻", 30), column("通知公告", 200), column("政策文件", 200)]
    findings = column_freshness(columns, TODAY, news_words=NEWS, notice_words=NOTICE, other_days=365)
    assert {f.severity for f in findings} == {DEDUCTION}


def test_ten_columns_long_not_updated_is_the_veto():
    """栏目不更新: 10 or more columns that should update but have long not."""
    columns = [column(f"专栏{i}", 400) for i in range(10)] + [column("专栏新", 100)]
    findings = column_freshness(columns, TODAY, news_words=NEWS, notice_words=NOTICE, other_days=365)
    assert len([f for f in findings if f.checklist_item == COLUMN_UPDATES]) == 10
    assert [f.detail for f in findings if f.severity == VETO] == ["应更新而长期未更新的栏目 10 个，达到 10 个"]


def test_undated_columns_of_no_stated_frequency_are_left_to_an_administrator():
    """A list of services or links (网上办事) shows no dates; only news and notice columns are held to them."""
    findings = column_freshness([column("网上办事", None), column("要闻", None)], TODAY, news_words=NEWS,
                                notice_words=NOTICE, other_days=365)
    assert [f.evidence["text"] for f in findings] == ["要闻"]


def test_empty_columns_are_left_to_the_blank_check():
    empty = (Column("工作动态", SITE + "e/"), ColumnPage(None, 0, 10, False))
    assert column_freshness([empty], TODAY, news_words=NEWS, notice_words=NOTICE, other_days=365) == []


def test_blank_columns_five_or_more_is_the_veto_and_an_explained_empty_column_is_allowed():
    """栏目不更新: 5 or more blank columns; an empty column is allowed when its page explains why."""
    blank_html = ("<nav><a href='/'>首页</a><a href='/a/'>栏目甲</a></nav>"
                  "<div class='position'>当前位置：首页 &gt; 栏目</div>"
                  "<div class='main'><h2>栏目</h2><div class='pagination'>共0条 首页 上一页 下一页 尾页</div></div>"
                  "<div class='bottom'>版权所有：某某县人民政府办公室 主办单位：某某县人民政府办公室</div>")
    explained_html = "<div class='main'><h2>栏目</h2><p>本栏目因机构调整暂停更新，特此说明。</p></div>"
    article_html = "<div class='main'><h2>机构职能</h2><p>" + "负责全县的有关工作。" * 10 + "</p></div>"
    sources = [(f"空{i}", f"{SITE}b{i}/", blank_html) for i in range(5)]
    sources += [("说明", SITE + "s/", explained_html), ("职能", SITE + "f/", article_html)]
    pages = []
    for name, url, html in sources:
        page = make_page(html, url)
        summary = summarise_page(page, list_rows(page.tree, TODAY), text_of(page), EXPLANATIONS)
        pages.append((Column(name, url), summary))
    findings = blank_column_findings(pages, max_chars=30)
    blank = [f.evidence.get("text") for f in findings if f.checklist_item == BLANK_COLUMNS]
    assert blank == [f"空{i}" for i in range(5)]
    [veto] = [f for f in findings if f.severity == VETO]
    assert veto.checklist_item == VETO_COLUMNS_STALE
    assert len(blank_column_findings(pages[1:], max_chars=30)) == 4  # four blank: no veto


def test_columns_are_the_homepage_navigation_links_of_the_site():
    homepage = make_page("""<div class="nav"><ul>
        <li><a href="/">首页</a></li><li><a href="/news/">工作动态</a></li><li><a href="/notice/#top">通知公告</a></li>
        <li><a href="http://other.example.com/">外站栏目</a></li><li><a href="/news/">工作动态</a></li></ul></div>
        <div class="main"><a href="/a1.html">正文链接不是栏目</a></div>
        <div class="footer-nav"><a href="/map/">网站地图</a></div>""")
    assert discover_columns(homepage, ["首页", "网站地图"]) == [Column("工作动态", SITE + "news/"),
                                                          Column("通知公告", SITE + "notice/")]


def test_list_dates_after_today_are_suspected_forged_publication_dates():
    """国办秘函〔2019〕19号 安全、泄密事故等严重问题: fraud such as forged publication dates."""
    future = [ListItem("未来的新闻", "/f.html", TODAY + timedelta(days=30), "未来的新闻 2026-04-04")]
    [finding] = forged_date_findings(SITE, future + items(1), TODAY)
    assert (finding.severity, finding.checklist_item) == (VETO, VETO_SECURITY)
    assert finding.evidence["date"] == "2026-04-04" and finding.evidence["text"] == "未来的新闻"
    assert forged_date_findings(SITE, [ListItem("明天", "/t.html", TODAY + timedelta(days=1), "")], TODAY) == []
