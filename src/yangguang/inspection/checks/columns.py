"""Columns (栏目): discovered from the homepage navigation, summarised from their pages, and blank columns.

国办秘函〔2019〕19号, 栏目不更新: "5 or more blank columns (空白栏目: never carried content; an empty column is
allowed when its page explains why)". A column page is blank when it lists no items, carries almost no text
outside its navigation, header and footer, and says nothing such as "暂无" or "本栏目……说明".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from yangguang.inspection.checklist import BLANK_COLUMNS, VETO_COLUMNS_STALE
from yangguang.inspection.checks.findings import DEDUCTION, VETO, Finding, evidence
from yangguang.inspection.dates import ListItem, in_chrome, newest
from yangguang.inspection.domains import absolute, same_site
from yangguang.inspection.fetched import Page
from yangguang.inspection.html_text import visible_text

BLANK_VETO_COUNT = 5
NAV_SELECTOR = "nav a[href], [class*=nav] a[href], [id*=nav] a[href], [class*=menu] a[href], [id*=menu] a[href]"
MIN_NAME, MAX_NAME = 2, 12
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Column:
    name: str
    url: str


@dataclass(frozen=True)
class ColumnPage:
    """What the column checks need of one page, kept instead of the page itself."""

    newest: date | None  # the newest list-item date
    items: int  # list items in the content (dated or not)
    content_chars: int  # visible characters outside navigation, header and footer
    explained: bool  # the page explains why it is empty


def discover_columns(homepage: Page, not_columns: Iterable[str] = ()) -> list[Column]:
    """Links of the homepage's navigation to pages of the same site, in order, one per URL: the columns an
    administrator confirms before they are monitored."""
    if homepage.tree is None:
        return []
    skip = set(not_columns)
    home = homepage.final_url
    found: dict[str, Column] = {}
    for anchor in homepage.tree.css(NAV_SELECTOR):
        name = visible_text(anchor)
        url = absolute(anchor.attributes.get("href") or "", home)
        if (url is not None and MIN_NAME <= len(name) <= MAX_NAME and name not in skip and url != home
                and url not in (homepage.url, *homepage.redirects) and same_site(url, home) and url not in found
                and not _in_footer(anchor)):
            found[url] = Column(name, url)
    return list(found.values())


def _in_footer(node: Any) -> bool:
    while node is not None and node.tag not in ("body", "html"):
        names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}".lower()
        if node.tag == "footer" or "foot" in names or "bottom" in names:
            return True
        node = node.parent
    return False


def _chars(text: str) -> int:
    return len(_SPACE.sub("", text))


def _chrome_chars(tree: Any) -> int:
    """Characters of the outermost navigation, header and footer blocks."""
    total = 0
    for node in tree.css("nav, header, footer, [class], [id]"):
        if in_chrome(node) and (node.parent is None or not in_chrome(node.parent)):
            total += _chars(visible_text(node))
    return total


def summarise_page(page: Page, rows: list[ListItem], text: str, explanations: Iterable[str]) -> ColumnPage:
    """The summary of a page whose list items (:func:`~yangguang.inspection.dates.list_rows`) are ``rows`` and
    visible text ``text``."""
    content = max(0, _chars(text) - _chrome_chars(page.tree)) if page.tree is not None else 0
    explained = any(re.search(pattern, text) for pattern in explanations)
    return ColumnPage(newest(r.date for r in rows), len(rows), content, explained)


def is_blank(page: ColumnPage, max_chars: int) -> bool:
    return page.items == 0 and page.content_chars <= max_chars and not page.explained


def blank_column_findings(columns: Iterable[tuple[Column, ColumnPage]], *, max_chars: int,
                          veto_count: int = BLANK_VETO_COUNT) -> list[Finding]:
    """One deduction per blank column (空白栏目), and the 栏目不更新 veto at ``veto_count`` or more."""
    blank = [(column, page) for column, page in columns if is_blank(page, max_chars)]
    findings = [Finding("columns.blank", BLANK_COLUMNS, column.url, DEDUCTION,
                        f"空白栏目：“{column.name}”没有内容，也未说明原因",
                        evidence(page=column.url, text=column.name, content_chars=page.content_chars))
                for column, page in blank]
    if len(blank) >= veto_count:
        names = "、".join(column.name for column, _ in blank)
        findings.append(Finding("columns.blank", VETO_COLUMNS_STALE, blank[0][0].url, VETO,
                                f"空白栏目 {len(blank)} 个，达到 {veto_count} 个：{names}",
                                evidence(columns=[column.url for column, _ in blank], excerpt=names)))
    return findings
