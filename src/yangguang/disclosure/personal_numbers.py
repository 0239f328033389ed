"""Personal numbers a publication must not show unmasked: resident ID, mobile and bank card numbers.

The confidentiality review before publication checks for personal information (disclosure.md,
"Proactive disclosure and review before publication"). This module finds such numbers inside a run
of digits the scanner hands it, and masks them for display:

* resident ID numbers (公民身份号码) per GB 11643-1999: 6-digit address code, 8-digit birth date,
  3-digit sequence, and a check character computed with ISO 7064 MOD 11-2 (0-9 or X). The first two
  digits must be a province-level code of GB/T 2260. An 18-character number with a plausible province
  and birth date but a wrong check character is a *near miss*: not reported, only counted. The
  15-digit first-generation numbers (no check digit, no longer valid since 2013) are not looked for:
  nothing tells them from the 15-digit business registration numbers that decisions publish.
  The 9-prefixed permanent residence ID of foreigners is not covered;
* mobile numbers: 11 digits, 13x to 19x (MIIT numbering plan for public mobile networks), alone or
  grouped 3-4-4 with spaces or hyphens, optionally after the country code +86 / 86;
* bank card numbers (ISO/IEC 7812-1): 16 to 19 digits, alone or in groups of four, with a valid Luhn
  check digit and an issuer prefix of the schemes cards in China carry: 62 UnionPay (16-19 digits),
  4 Visa (16 or 19), 51-55 and 2221-2720 Mastercard (16), 3528-3589 JCB (16-19). Luhn alone would
  flag one random number in ten; the prefixes keep invoice, contract and registration numbers out.
  A number that is a valid resident ID is an ID number, never a card.

A group of digits touching a Latin letter, another digit or a decimal point belongs to a longer code
(a product serial number, an amount) and is left alone.
"""

from __future__ import annotations

import re
from datetime import date
from operator import mul
from typing import NamedTuple

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
PROVINCE_CODES = frozenset(str(code) for code in (
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54,
    61, 62, 63, 64, 65, 71, 81, 82, 83))
"""Province-level codes of GB/T 2260 (71 Taiwan, 81 Hong Kong, 82 Macao, 83 residence permits of Taiwan residents)."""

FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘx＋", "0123456789XXX+")
GROUP = re.compile(r"[+＋]?[0-9０-９]+[XxＸｘ]?")
ID_WEIGHT_SUM = sum(ID_WEIGHTS)
LUHN_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")
"""A digit doubled, its two digits added (2*7 = 14 -> 5), as the digit character of the result."""
KEEP_DIGITS = {"id_number": (6, 4), "bank_card": (6, 4), "near_miss": (6, 4), "mobile": (3, 4)}


def id_check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits (GB 11643-1999, 5.3)."""
    total = sum(map(mul, ID_WEIGHTS, first17.encode("ascii"))) - 48 * ID_WEIGHT_SUM
    return ID_CHECK_CHARACTERS[total % 11]


def id_shaped(number: str, today: date) -> bool:
    """18 characters with a GB/T 2260 province code and a real birth date from 1900 to ``today``."""
    if len(number) != 18 or number[:2] not in PROVINCE_CODES or not number[:17].isdecimal():
        return False
    if not ("0" <= number[17] <= "9" or number[17] == "X"):
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= today


def is_resident_id(number: str, today: date) -> bool:
    """A resident ID number of GB 11643-1999 with a correct check character (uppercase X)."""
    return id_shaped(number, today) and number[17] == id_check_character(number[:17])


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check of ISO/IEC 7812-1: from the right, every second digit doubled (its
    digits added), the total a multiple of 10."""
    data = digits.encode("ascii")
    total = sum(data[-1::-2]) + sum(data[-2::-2].translate(LUHN_DOUBLED)) - 48 * len(data)
    return total % 10 == 0


def is_bank_card(digits: str) -> bool:
    """16-19 digits, Luhn-valid, with an issuer prefix of UnionPay, Visa, Mastercard or JCB."""
    length = len(digits)
    if not 16 <= length <= 19 or not digits.isdecimal() or not digits.isascii() or not luhn_valid(digits):
        return False
    if digits.startswith("62"):
        return True
    if digits[0] == "4":
        return length in (16, 19)
    if length == 16 and ("51" <= digits[:2] <= "55" or "2221" <= digits[:4] <= "2720"):
        return True
    return "3528" <= digits[:4] <= "3589"


def is_mobile(digits: str) -> bool:
    """An 11-digit mainland mobile number, 13x to 19x."""
    return len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789" and digits.isdecimal()


class NumberHit(NamedTuple):
    """A personal number found in a run of digits: its kind and its offsets in the text."""

    kind: str  # "id_number", "mobile", "bank_card" or "near_miss"
    start: int
    end: int


Group = tuple[int, int, str]
"""(start, end, value) of a group of digits; the value in ASCII, perhaps with a leading "+" or a
trailing uppercase "X"."""


def _touches_code(text: str, index: int) -> bool:
    """Whether the character at ``index`` (next to a group) makes the group part of a longer code or
    number: a Latin letter or digit, or a decimal point between digits."""
    if not 0 <= index < len(text):
        return False
    char = text[index]
    if char.isascii() and (char.isalnum() or char == "_"):
        return True
    return char in ".．" and any(0 <= i < len(text) and text[i].isdigit() for i in (index - 1, index + 1))


def _groups(text: str, start: int, end: int) -> list[Group]:
    """The groups of a run, less a first or last group that touches a longer code."""
    run = text[start:end]
    if run.isascii() and run.isalnum():  # one group of ASCII digits (perhaps ending in X): the usual case
        groups = [(start, end, run.upper())]
    else:
        groups = [(m.start(), m.end(), m.group().translate(FULL_WIDTH)) for m in GROUP.finditer(text, start, end)]
    if groups and _touches_code(text, start - 1):
        groups.pop(0)
    if groups and _touches_code(text, end):
        groups.pop()
    return groups


MOBILE_GROUPS = (3, 4, 4)
CARD_GROUPS = ((4, 4, 4, 4, 3), (4, 4, 4, 4, 2), (4, 4, 4, 4, 1), (4, 4, 4, 4))
ID_GROUPS = (6, 8, 4)


def _joined(groups: list[Group], at: int, lengths: tuple[int, ...]) -> str | None:
    """The groups from ``at`` joined, when their lengths are ``lengths`` (and only the last may end in X)."""
    chosen = groups[at:at + len(lengths)]
    if len(chosen) < len(lengths) or any(len(g[2]) != n for g, n in zip(chosen, lengths, strict=True)):
        return None
    value = "".join(group[2] for group in chosen)
    return value if value[:-1].isdecimal() else None


def _single(value: str, today: date) -> str | None:
    """The kind of one ungrouped number, or None."""
    if value.startswith("+"):
        return "mobile" if value.startswith("+86") and is_mobile(value[3:]) else None
    length = len(value)
    if length == 18:
        if is_resident_id(value, today):
            return "id_number"
        if is_bank_card(value):
            return "bank_card"
        return "near_miss" if id_shaped(value, today) else None
    if length == 11:
        return "mobile" if is_mobile(value) else None
    if length == 13 and value.startswith("86") and is_mobile(value[2:]):
        return "mobile"
    return "bank_card" if is_bank_card(value) else None


def _grouped(groups: list[Group], at: int, today: date) -> tuple[str, int] | None:
    """A kind and the number of groups it spans, for numbers written in groups (3-4-4, 4-4-4-4, 6-8-4)."""
    if at + 2 >= len(groups):
        return None
    value = _joined(groups, at, MOBILE_GROUPS)
    if value and is_mobile(value):
        return "mobile", 3
    for lengths in CARD_GROUPS:
        value = _joined(groups, at, lengths)
        if value and is_bank_card(value):
            return "bank_card", len(lengths)
    value = _joined(groups, at, ID_GROUPS)
    if value and is_resident_id(value, today):
        return "id_number", 3
    if value and id_shaped(value, today):
        return "near_miss", 3
    return None


def _number_at(groups: list[Group], at: int, today: date) -> tuple[str, int] | None:
    """The personal number starting at group ``at``: its kind and how many groups it spans."""
    if groups[at][2] in ("86", "+86") and at + 1 < len(groups):
        if is_mobile(groups[at + 1][2]):
            return "mobile", 2
        grouped = _grouped(groups, at + 1, today)
        if grouped and grouped[0] == "mobile":
            return "mobile", 1 + grouped[1]
    kind = _single(groups[at][2], today)
    return (kind, 1) if kind else _grouped(groups, at, today)


def find_numbers(text: str, start: int, end: int, today: date | None = None) -> list[NumberHit]:
    """Personal numbers (and near misses) in ``text[start:end]``: a run of digit groups separated by
    single spaces or hyphens, perhaps with a leading + and a trailing X. Birth dates after ``today``
    (default: the current date) are not plausible."""
    today = today or date.today()
    groups = _groups(text, start, end)
    hits: list[NumberHit] = []
    at = 0
    while at < len(groups):
        found = _number_at(groups, at, today)
        if found is None:
            at += 1
            continue
        kind, span = found
        hits.append(NumberHit(kind, groups[at][0], groups[at + span - 1][1]))
        at += span
    return hits


def mask(kind: str, shown: str) -> str:
    """``shown`` (the number as written, separators and country code included) with its middle digits
    replaced by ``*``: ID numbers and cards keep the first 6 and last 4, mobile numbers the first 3 and
    last 4 of the 11-digit number."""
    head, tail = KEEP_DIGITS[kind]
    if shown.isalnum() and shown.isascii():  # digits only (and perhaps an X): the usual case
        if kind == "mobile":
            head += len(shown) - 11
        return shown[:head] + "*" * (len(shown) - head - tail) + shown[len(shown) - tail:]
    positions = [i for i, char in enumerate(shown.translate(FULL_WIDTH)) if char.isdigit() or char == "X"]
    if kind == "mobile":
        positions = positions[-11:]
    hidden = set(positions[head:len(positions) - tail])
    return "".join("*" if i in hidden else char for i, char in enumerate(shown))
