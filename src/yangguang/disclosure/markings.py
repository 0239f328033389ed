"""Where a secrecy or internal-only marking is a marking, and where a street address is a home address.

The review before publication checks secrecy markings (绝密, 机密, 秘密, the ★ with a period),
internal-only markings (内部, 内部资料, 不宜公开) and home addresses (disclosure.md, "Proactive
disclosure and review before publication"). The words themselves also occur in ordinary text, so
these rules decide, from the context of an occurrence the scanner's automaton found:

* secrecy levels 绝密, 机密, 秘密 are a marking when followed by the ★ of a secrecy marking (with its
  period: "秘密★1年", "绝密★长期", "机密★"), after the label 密级 ("密级：秘密"), or alone on their line
  (the top-left corner of a document; brackets, spaces and punctuation aside). In running text they
  are words, not markings: "涉及商业秘密、个人隐私的" or "属于国家秘密的" in a sentence about the law is
  not flagged, since the disclosure regulations themselves use those words (条例 Art. 14, 15) and
  every guide and annual report repeats them. A ★ followed by a period ("★5年") is a marking even
  without the level;
* internal-only phrases 内部资料, 内部文件, 不宜公开, 注意保密 are a marking on a short line (at most
  ``SHORT_LINE`` characters: a header, a footer, a stamp, a table cell), in brackets or before a ★;
  the bare 内部, which running text uses all the time (内部控制, 内部审计), only alone on its line or
  in brackets ("【内部】");
* a home address is a street address down to the flat: a road, street, lane or avenue
  (路/街/巷/道/弄/胡同) with its number (号), then a building (栋/幢/号楼/座), a unit (单元) and a room
  number. An office address ("人民路18号", "政务服务中心3楼302室") has no 单元 and stays publishable.
"""

from __future__ import annotations

import re

SECRECY_LEVELS = ("绝密", "机密", "秘密")
INTERNAL_PHRASES = ("内部资料", "内部文件", "不宜公开", "注意保密")
BARE_INTERNAL = "内部"
STAR = "★"
ADDRESS_TRIGGER = "单元"

SHORT_LINE = 30
"""Longest line (characters, decoration aside) on which an internal-only phrase reads as a marking."""

Span = tuple[int, int, str]
"""(start, end, kind) of a finding in characters."""

PERIOD = r"[ \u3000]?(?:长期|[0-9０-９一二三四五六七八九十]+[ \u3000]?(?:年|个月))"
STAR_AFTER_LEVEL = re.compile(rf"[ \u3000]?★(?:{PERIOD})?")
PERIOD_AFTER_STAR = re.compile(PERIOD)
LEVEL_LABEL_BEFORE = re.compile(r"密[ \u3000]?级[ \u3000]*[：:]?[ \u3000]*$")
BRACKETS = {"【": "】", "[": "]", "〔": "〕", "(": ")", "（": "）", "「": "」", "『": "』", "<": ">", "《": "》"}
LINE_DECORATION = " \t\r\u3000【】[]〔〕()（）「」『』<>《》:：,，;；、.。★"
NUMERAL = "[0-9０-９一二三四五六七八九十百]"
ROAD_TO_ROOM = re.compile(
    rf"(?:路|街|巷|道|弄|胡同){NUMERAL}{{1,5}}号院?[\u4e00-\u9fff]{{0,8}}(?:{NUMERAL}{{1,4}}|[A-Za-zＡ-Ｚ])"
    rf"(?:栋|幢|号楼|座)[ \u3000]?{NUMERAL}{{1,3}}[ \u3000]?单元[ \u3000]?[0-9０-９]{{2,5}}[室号房]?")
"""From the road's suffix to the room: at most 35 characters, 28 before 单元 and 7 after it."""
ROAD_NAME = 10
"""Characters of a road's name before its suffix, at most (a district or town name may come first)."""
NOT_IN_NAME = set("住于在至址为是")


def _line_around(text: str, start: int, end: int) -> str | None:
    """The line holding ``text[start:end]``, or None when it runs more than ``SHORT_LINE`` characters
    beyond it on either side."""
    before = text.rfind("\n", max(0, start - SHORT_LINE - 1), start)
    if before < 0 and start > SHORT_LINE:
        return None
    after = text.find("\n", end, end + SHORT_LINE + 1)
    if after < 0:
        if len(text) - end > SHORT_LINE:
            return None
        after = len(text)
    return text[before + 1:after]


def _alone_on_line(text: str, start: int, end: int) -> bool:
    line = _line_around(text, start, end)
    return line is not None and line.strip(LINE_DECORATION) == text[start:end]


def _in_brackets(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and BRACKETS.get(text[start - 1]) == text[end]


def secrecy_level(text: str, start: int, end: int) -> Span | None:
    """The secrecy marking whose level is ``text[start:end]``, ★ and period included, if it is one."""
    star = STAR_AFTER_LEVEL.match(text, end)
    if star:
        return start, star.end(), "secrecy_mark"
    if LEVEL_LABEL_BEFORE.search(text, max(0, start - 8), start) or _alone_on_line(text, start, end):
        return start, end, "secrecy_mark"
    return None


def secrecy_star(text: str, start: int, end: int) -> Span | None:
    """A ★ (at ``start``) followed by a secrecy period, the level left out."""
    period = PERIOD_AFTER_STAR.match(text, end)
    return (start, period.end(), "secrecy_mark") if period else None


def internal_phrase(text: str, start: int, end: int) -> Span | None:
    """An internal-only phrase used as a marking: on a short line, in brackets or before a ★."""
    line = _line_around(text, start, end)
    if ((line is not None and len(line.strip(LINE_DECORATION)) <= SHORT_LINE) or _in_brackets(text, start, end)
            or text.startswith(STAR, end)):
        return start, end, "internal_mark"
    return None


def bare_internal(text: str, start: int, end: int) -> Span | None:
    """The bare 内部 as a marking: alone on its line or in brackets."""
    if _alone_on_line(text, start, end) or _in_brackets(text, start, end):
        return start, end, "internal_mark"
    return None


def home_address(text: str, start: int, end: int) -> Span | None:
    """The home address whose 单元 is ``text[start:end]``, if the street address around it is one:
    a road's name (1 to ``ROAD_NAME`` Chinese characters) and the rest down to the room."""
    for match in ROAD_TO_ROOM.finditer(text, max(0, start - 28), min(len(text), end + 7)):
        if match.start() <= start and end <= match.end():
            name = match.start()
            while (name > 0 and match.start() - name < ROAD_NAME and "\u4e00" <= text[name - 1] <= "\u9fff"
                   and text[name - 1] not in NOT_IN_NAME):
                name -= 1
            return (name, match.end(), "address") if name < match.start() else None
    return None
