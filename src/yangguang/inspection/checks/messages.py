"""Interaction: message boards' reply times and whether a working consultation channel exists.

国办秘函〔2019〕19号, 互动回应差: "no working online consultation channel (petition and discipline channels do
not count); or, in the past year, a valid message in a consultation column unanswered for more than 3 months".
The reply time limit of the 留言办理时限 deduction is configuration (unverified).

A message is read where the page shows it: a block holding one message date (labelled 留言/提问/咨询/来信/写信/
提交 …时间) and its reply date (回复/答复/回信/办结 …时间) or a status saying it is still open (未回复, 办理中…);
in a table, the columns headed that way. A message showing neither a reply nor an open status is not judged.
Whether a message is valid (not spam, not a duplicate) is for the inspector to confirm.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from yangguang.inspection.checklist import MESSAGE_REPLIES, VETO_INTERACTION
from yangguang.inspection.checks.findings import DEDUCTION, VETO, Finding, evidence
from yangguang.inspection.checks.freshness import months_before
from yangguang.inspection.dates import find_dates, normalise
from yangguang.inspection.fetched import LinkStatus
from yangguang.inspection.html_text import visible_text

UNANSWERED_MONTHS = 3
LOOKBACK_MONTHS = 12
ASKED_WORDS = ("留言", "提问", "咨询", "来信", "写信", "提交")
REPLY_WORDS = ("回复", "答复", "回信", "办结")
OPEN_WORDS = ("未回复", "待回复", "未答复", "待答复", "办理中", "处理中", "未办结", "正在办理")
_LABEL = re.compile(rf"({'|'.join(ASKED_WORDS + REPLY_WORDS)})[^\d]{{0,6}}$")
_ASKED_LABEL = re.compile(rf"(?:{'|'.join(ASKED_WORDS)})(?:时间|日期)")
_CONTAINERS = "li, dl, tr, div, article, section, table, tbody, ul"
_LABEL_CONTEXT = 8


@dataclass(frozen=True)
class Message:
    url: str
    asked: date
    replied: date | None  # the reply date shown; None: open (no reply yet)
    excerpt: str


def _labelled_dates(text: str, today: date) -> tuple[list[date], list[date]]:
    """Dates preceded by a message label and by a reply label (a label naming both counts as reply)."""
    text = normalise(text)
    asked, replied = [], []
    for found in find_dates(text, today):
        context = text[max(0, found.start - _LABEL_CONTEXT):found.start]
        if _LABEL.search(context) is None:
            continue
        (replied if any(word in context for word in REPLY_WORDS) else asked).append(found.value)
    return asked, replied


def _message(url: str, text: str, asked: date, replied: list[date]) -> Message | None:
    if replied:
        return Message(url, asked, max(replied), text)
    if any(word in text for word in OPEN_WORDS):
        return Message(url, asked, None, text)
    return None


def _from_tables(tree: Any, url: str, today: date, done: set[int]) -> list[Message]:
    messages = []
    for table in tree.css("table"):
        header = table.css_first("tr")
        if header is None:
            continue
        labels = [visible_text(cell) for cell in header.css("th, td")]
        asked_col = next((i for i, label in enumerate(labels) if _ASKED_LABEL.search(label)), None)
        reply_col = next((i for i, label in enumerate(labels) if any(w in label for w in REPLY_WORDS)), None)
        if asked_col is None:
            continue
        done.add(table.mem_id)
        for row in table.css("tr")[1:]:
            cells = [visible_text(cell) for cell in row.css("td, th")]
            asked = find_dates(cells[asked_col], today) if asked_col < len(cells) else []
            if not asked:
                continue
            reply_cell = cells[reply_col] if reply_col is not None and reply_col < len(cells) else ""
            replied = [found.value for found in find_dates(reply_cell, today)]
            text = " ".join(cells)
            if (message := _message(url, text, asked[0].value, replied)) is not None:
                messages.append(message)
    return messages


def _inside(node: Any, ids: set[int]) -> bool:
    while node is not None:
        if node.mem_id in ids:
            return True
        node = node.parent
    return False


def message_rows(tree: Any, text: str, url: str, today: date) -> list[Message]:
    """The messages a page (visible text ``text``) shows with their reply state; nothing on pages without a
    message-date label."""
    if tree is None or not _ASKED_LABEL.search(normalise(text)):
        return []
    tables: set[int] = set()
    messages = _from_tables(tree, url, today, tables)
    counts: dict[int, tuple[int, Any]] = {}
    for node in tree.css(_CONTAINERS):
        if not _inside(node, tables):
            text = visible_text(node)
            counts[node.mem_id] = (len(_labelled_dates(text, today)[0]), text)
    for node in tree.css(_CONTAINERS):
        count, text = counts.get(node.mem_id, (0, ""))
        parent = node.parent
        while parent is not None and parent.mem_id not in counts:
            parent = parent.parent
        if count != 1 or (parent is not None and counts[parent.mem_id][0] == 1):
            continue  # not the largest block holding exactly one message
        asked, replied = _labelled_dates(text, today)
        if (message := _message(url, text, asked[0], replied)) is not None:
            messages.append(message)
    return messages


def message_findings(messages: Iterable[Message], today: date, *, reply_days: int) -> list[Finding]:
    """互动回应差 (veto) for a message of the past year unanswered more than 3 months; 留言办理时限 (deduction)
    for one answered, or still open, later than ``reply_days``."""
    year_ago = months_before(today, LOOKBACK_MONTHS)
    findings = []
    for message in messages:
        answered_on = message.replied or today
        waited = (answered_on - message.asked).days
        state = f"{message.replied.isoformat()} 答复" if message.replied else "至今未答复"
        if message.asked >= year_ago and months_before(answered_on, UNANSWERED_MONTHS) > message.asked:
            findings.append(Finding(
                "messages.unanswered", VETO_INTERACTION, message.url, VETO,
                f"{message.asked.isoformat()} 的留言超过 {UNANSWERED_MONTHS} 个月未答复（{state}），"
                "请核实是否为有效留言",
                evidence(page=message.url, found_date=message.asked, excerpt=message.excerpt, waited_days=waited)))
        elif waited > reply_days:
            findings.append(Finding(
                "messages.late", MESSAGE_REPLIES, message.url, DEDUCTION,
                f"{message.asked.isoformat()} 的留言 {waited} 天未答复或答复超时（{state}，时限 {reply_days} 天）",
                evidence(page=message.url, found_date=message.asked, excerpt=message.excerpt, waited_days=waited)))
    return findings


def is_consultation_link(text: str, words: Iterable[str], excluded: Iterable[str]) -> bool:
    """A link to an online consultation channel (petition and discipline channels do not count)."""
    return any(word in text for word in words) and not any(word in text for word in excluded)


def consultation_findings(channels: Mapping[str, tuple[str, str]], statuses: Mapping[str, LinkStatus],
                          url: str) -> list[Finding]:
    """互动回应差 (veto) when no consultation link was found, or every one found is broken.

    ``channels`` maps each consultation link target to the (page, link text) where it was first found."""
    working = {target: place for target, place in channels.items()
               if target not in statuses or not statuses[target].broken}
    if working:
        return []
    if not channels:
        detail, proof = "未发现在线咨询渠道（信访、纪检举报渠道不计）", evidence(page=url)
    else:
        target, (source, text) = next(iter(channels.items()))
        detail = f"在线咨询渠道均无法访问，如“{text}”"
        proof = evidence(page=source, link=target, text=text, channels=len(channels))
    return [Finding("messages.channel", VETO_INTERACTION, url, VETO, detail, proof)]
