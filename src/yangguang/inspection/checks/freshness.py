"""Freshness: homepage and column updates, and publication dates that lie in the future.

国办秘函〔2019〕19号:
* 首页不更新 — the homepage has had no update for 2 weeks (a navigation-only homepage: no second-level page
  updated);
* 栏目不更新 — news/activity columns (动态、要闻) not updated in the last 2 weeks plus first-level notice/policy
  columns (通知公告、政策文件) not updated in the last 6 months, together 5 or more; or 10 or more columns that
  should update but have long not; items with no date count as not updated;
* 安全、泄密事故等严重问题 — "fraud such as forged publication dates": a list item dated in the future.
The homepage update count (fewer than 10 in 2 weeks, −5) is the vendors' deduction of 首页更新量.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from datetime import date, timedelta

from yangguang.inspection.checklist import (
    COLUMN_UPDATES,
    HOMEPAGE_UPDATES,
    VETO_COLUMNS_STALE,
    VETO_HOMEPAGE_STALE,
    VETO_SECURITY,
)
from yangguang.inspection.checks.columns import Column, ColumnPage
from yangguang.inspection.checks.findings import DEDUCTION, VETO, Finding, evidence
from yangguang.inspection.dates import ListItem, future_dates, newest

HOMEPAGE_DAYS = 14
NEWS_DAYS = 14
NOTICE_MONTHS = 6
STALE_VETO_COUNT = 5  # stale news + stale notice/policy columns
LONG_STALE_VETO_COUNT = 10  # all columns that should update and have not
NEWS, NOTICE, OTHER = "news", "notice", "other"
_KIND_NAMES = {NEWS: "动态要闻类", NOTICE: "通知公告、政策文件类", OTHER: "其他"}


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def column_kind(name: str, news_words: Iterable[str], notice_words: Iterable[str]) -> str:
    """news (2 weeks), notice (6 months) or other, from the words of the column's name."""
    if any(word in name for word in news_words):
        return NEWS
    if any(word in name for word in notice_words):
        return NOTICE
    return OTHER


def homepage_freshness(url: str, items: list[ListItem], today: date, *, min_updates: int,
                       window_days: int = HOMEPAGE_DAYS, second_level_newest: date | None = None) -> list[Finding]:
    """首页不更新 (veto) when nothing is dated within the checklist's 2 weeks; 首页更新量 (deduction) when fewer
    than ``min_updates`` distinct items are dated within ``window_days`` (the deduction's configurable window). A
    homepage without dated items is judged by its second-level pages."""
    stale_before = today - timedelta(days=HOMEPAGE_DAYS)
    latest = newest(item.date for item in items)
    if latest is None:
        if second_level_newest is not None and second_level_newest > stale_before:
            return []
        shown = second_level_newest.isoformat() if second_level_newest else "无"
        return [Finding("freshness.homepage", VETO_HOMEPAGE_STALE, url, VETO,
                        f"首页没有带日期的信息，二级页面最近更新日期：{shown}，{HOMEPAGE_DAYS} 天内没有更新",
                        evidence(page=url, found_date=second_level_newest))]
    newest_item = next(item for item in items if item.date == latest)
    if latest <= stale_before:
        return [Finding("freshness.homepage", VETO_HOMEPAGE_STALE, url, VETO,
                        f"首页 {HOMEPAGE_DAYS} 天内没有更新，最近一条信息的日期为 {latest.isoformat()}",
                        evidence(page=url, link=newest_item.url, text=newest_item.title, found_date=latest,
                                 excerpt=newest_item.text))]
    since = today - timedelta(days=window_days)
    recent = {item.url for item in items if item.date is not None and since < item.date <= today}
    if len(recent) >= min_updates:
        return []
    return [Finding("freshness.homepage", HOMEPAGE_UPDATES, url, DEDUCTION,
                    f"首页近 {window_days} 天更新 {len(recent)} 条，少于 {min_updates} 条",
                    evidence(page=url, found_date=latest, updates=len(recent), excerpt=newest_item.text))]


def cutoff(kind: str, today: date, other_days: int) -> date:
    """The day before which a column of ``kind`` counts as not updated (国办秘函〔2019〕19号 栏目不更新)."""
    if kind == NEWS:
        return today - timedelta(days=NEWS_DAYS)
    if kind == NOTICE:
        return months_before(today, NOTICE_MONTHS)
    return today - timedelta(days=other_days)


def column_freshness(columns: Iterable[tuple[Column, ColumnPage]], today: date, *, news_words: Iterable[str],
                     notice_words: Iterable[str], other_days: int) -> list[Finding]:
    """One 栏目更新 deduction per stale list column, and the 栏目不更新 veto by either count of the checklist.

    Only columns that list items are judged (an empty column is the blank-column check's). A news or notice
    column whose items carry no date is not updated; a column of another kind showing no date at all is taken
    for a list of services or links, not of information, and left for an administrator to classify."""
    news_words, notice_words = list(news_words), list(notice_words)
    stale: list[tuple[Column, ColumnPage, str]] = []
    for column, page in columns:
        kind = column_kind(column.name, news_words, notice_words)
        if not page.items or (kind == OTHER and page.newest is None):
            continue
        if page.newest is None or page.newest <= cutoff(kind, today, other_days):
            stale.append((column, page, kind))
    findings = [Finding("freshness.columns", COLUMN_UPDATES, column.url, DEDUCTION,
                        f"栏目不更新：“{column.name}”（{_KIND_NAMES[kind]}）最近更新 "
                        f"{page.newest.isoformat() if page.newest else '无日期'}",
                        evidence(page=column.url, text=column.name, found_date=page.newest, kind=kind))
                for column, page, kind in stale]
    regular = [column.name for column, _, kind in stale if kind in (NEWS, NOTICE)]
    if len(regular) >= STALE_VETO_COUNT:
        findings.append(Finding("freshness.columns", VETO_COLUMNS_STALE, stale[0][0].url, VETO,
                                "动态要闻类栏目 2 周未更新与通知公告、政策文件类栏目 6 个月未更新"
                                f"合计 {len(regular)} 个，达到 {STALE_VETO_COUNT} 个：{'、'.join(regular)}",
                                evidence(excerpt="、".join(regular), columns=regular)))
    if len(stale) >= LONG_STALE_VETO_COUNT:
        names = [column.name for column, _, _ in stale]
        findings.append(Finding("freshness.columns", VETO_COLUMNS_STALE, stale[0][0].url, VETO,
                                f"应更新而长期未更新的栏目 {len(stale)} 个，达到 {LONG_STALE_VETO_COUNT} 个",
                                evidence(excerpt="、".join(names), columns=names)))
    return findings


def forged_date_findings(url: str, items: Iterable[ListItem], today: date, *, tolerance_days: int = 1) -> list[Finding]:
    """Items dated after today (beyond a tolerance for time zones): suspected forged publication dates."""
    future = future_dates(items, today, tolerance_days)
    if not future:
        return []
    first = future[0]
    return [Finding("freshness.future_dates", VETO_SECURITY, url, VETO,
                    f"疑似伪造发布日期：{len(future)} 条信息的日期晚于检查日 {today.isoformat()}，如“{first.title}”"
                    f"（{first.date.isoformat()}），请人工核实",
                    evidence(page=url, link=first.url, text=first.title, found_date=first.date, excerpt=first.text,
                             items=len(future)))]
