"""Publication dates on list pages, in the formats Chinese government sites write them.

Recognised: ``2026-11-20``, ``2026/11/20``, ``2026.11.20``, ``2026年11月20日`` (each optionally followed by a
time), full-width digits (``２０２６－１１－２０``), Chinese numerals (``二〇二六年十一月二十日``), and a month and
day alone (``[11-20]``, ``11/20``, ``11月20日``) whose year is inferred from a reference day: the latest such
date not after it. Text inside scripts and styles is ignored.

A list item is a row (``li``, ``tr``, ``dd`` or ``dl``) holding a link and a date; the freshness checks of the
2019 checklist (国办秘函〔2019〕19号: 首页不更新, 栏目不更新) read these rows. Items with no date count as not
updated: they are reported with ``date`` ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from yangguang.inspection.html_text import visible_text

ROWS = "li, tr, dd, dl"
_TIME = r"(?:\s*(?:T|\s)\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_DATE = re.compile(
    r"(?<!\d)(?P<y>\d{4})\s*(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日?"
    r"|(?P<sep>[-/.])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2}))(?!\d)" + _TIME
    + r"|(?<![\d./-])(?P<m3>\d{1,2})(?:(?P<sep3>[-/])(?P<d3>\d{1,2})(?![\d./-])|月(?P<d4>\d{1,2})日)" + _TIME
)
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_NUMBER = "[一二三四五六七八九十]{1,3}"
_CN_DATE = re.compile(rf"(?P<y>[〇零○Ｏ一二三四五六七八九]{{4}})年(?P<m>{_CN_NUMBER})月(?P<d>{_CN_NUMBER})日")


@dataclass(frozen=True)
class FoundDate:
    value: date
    start: int  # offset in the normalised text
    year_inferred: bool = False


@dataclass(frozen=True)
class ListItem:
    title: str  # the text of the row's first link
    url: str  # its href, as written
    date: date | None  # None: the row shows no date
    text: str  # the row's visible text


def _cn_number(numeral: str) -> int:
    """二十 -> 20, 十一 -> 11, 三十一 -> 31, 九 -> 9."""
    if "十" not in numeral:
        return _CN_DIGITS[numeral]
    tens, _, units = numeral.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _cn_date(match: re.Match[str]) -> str:
    year = "".join(str(_CN_DIGITS[c]) for c in match["y"])
    return f"{year}年{_cn_number(match['m'])}月{_cn_number(match['d'])}日"


def normalise(text: str) -> str:
    """Full-width forms to ASCII (NFKC) and dates in Chinese numerals to digits."""
    return _CN_DATE.sub(_cn_date, unicodedata.normalize("NFKC", text))


def _latest_not_after(month: int, day: int, today: date) -> date | None:
    for year in (today.year, today.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    return None


def find_dates(text: str, today: date) -> list[FoundDate]:
    """The dates in ``text`` (in order); ``today`` gives the year of a month and day written alone."""
    text = normalise(text)
    found = []
    for match in _DATE.finditer(text):
        if match["y"]:
            month, day = match["m1"] or match["m2"], match["d1"] or match["d2"]
            try:
                value = date(int(match["y"]), int(month), int(day))
            except ValueError:
                continue
            found.append(FoundDate(value, match.start()))
        else:
            value = _latest_not_after(int(match["m3"]), int(match["d3"] or match["d4"]), today)
            if value is not None:
                found.append(FoundDate(value, match.start(), year_inferred=True))
    return found


def _row_date(text: str, link_text: str, today: date) -> date | None:
    """The date of a row whose text is ``text``: one outside the link text first (a title may name a date),
    else any."""
    outside = find_dates(text.replace(link_text, " ", 1), today) if link_text else []
    dates = outside or find_dates(text, today)
    return dates[-1].value if dates else None


_CHROME_TAGS = frozenset({"nav", "header", "footer"})
_CHROME_NAMES = re.compile(r"(?:^|[-_\s])(?:nav|menu|header|footer|head|foot|bottom|copyright|banner|crumbs?|"
                           r"breadcrumb|position|location|weizhi|dqwz|daohang|friend|links?|sitemap|pagination|"
                           r"pager|paging|fenye)(?:$|[-_\s\d])", re.IGNORECASE)


def in_chrome(node: Any) -> bool:
    """Whether ``node`` sits in the page's navigation, header or footer (by tag, class or id)."""
    while node is not None and node.tag not in ("body", "html"):
        attributes = node.attributes
        names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
        if node.tag in _CHROME_TAGS or _CHROME_NAMES.search(names):
            return True
        node = node.parent
    return False


def _has_inner_row(row: Any) -> bool:
    return any(inner.mem_id != row.mem_id and inner.css_first("a[href]") is not None for inner in row.css(ROWS))


def list_rows(tree: Any, today: date) -> list[ListItem]:
    """The list items of a page's content (navigation, header and footer left out): innermost rows with a
    link, in document order, each with its date or ``None``."""
    if tree is None:
        return []
    items = []
    for row in tree.css(ROWS):
        link = row.css_first("a[href]")
        if link is None or _has_inner_row(row) or in_chrome(row):
            continue
        title, text = visible_text(link), visible_text(row)
        items.append(ListItem(title=title, url=link.attributes.get("href") or "", date=_row_date(text, title, today),
                              text=text))
    return items


def newest(dates: Iterable[date | None]) -> date | None:
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def future_dates(items: Iterable[ListItem], today: date, tolerance_days: int = 1) -> list[ListItem]:
    """Items dated after ``today`` + tolerance: a publication date cannot lie in the future (forged dates are
    "fraud such as forged publication dates", a 安全、泄密事故等严重问题 veto of 国办秘函〔2019〕19号)."""
    limit = today + timedelta(days=tolerance_days)
    return [item for item in items if item.date is not None and item.date > limit]
