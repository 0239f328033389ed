"""The confidentiality scanner (保密审查): what a reviewer must see before a text is published.

Review before publication ("先审查、后公开", "涉密信息不上网，上网信息不涉密"; disclosure.md, "Proactive
disclosure and review before publication") checks at least secrecy markings, internal-only markings,
personal information that must not be published unmasked (resident ID, mobile and bank card numbers,
home addresses) and the words of the office's sensitive-word list. The scanner finds each with its
position and a masked excerpt. What counts as what: :mod:`yangguang.disclosure.markings` (markings,
addresses) and :mod:`yangguang.disclosure.personal_numbers` (ID numbers per GB 11643-1999, mobile
numbers, bank cards per ISO/IEC 7812 Luhn). Sensitive words match case-insensitively for ASCII
letters; where findings of the automaton overlap, the leftmost wins, then the longest.

How it runs: one Aho-Corasick automaton (pyahocorasick) holds the sensitive words and the fixed
markings and makes one pass over the text; runs of digits are found by one compiled regular
expression (Chinese text has few digits) and validated in Python. The automaton walks the UTF-8
bytes of the text (each byte a character of a Latin-1 string) rather than its characters:
pyahocorasick looks a node's children up one by one, and a root with thousands of CJK children is
more than ten times slower than a trie whose nodes have at most 64 (docs/benchmarks.md). Keys go in
with common characters first (:mod:`yangguang.disclosure.character_order`) so that those lookups
end early.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import ahocorasick
from markupsafe import Markup, escape

from yangguang.core.errors import InvalidInput
from yangguang.disclosure import markings
from yangguang.disclosure.character_order import insertion_order
from yangguang.disclosure.markings import Span
from yangguang.disclosure.personal_numbers import find_numbers, mask

LABELS = {
    "secrecy_mark": "密级标志",
    "internal_mark": "内部标识",
    "id_number": "身份证号码",
    "mobile": "手机号码",
    "bank_card": "银行卡号",
    "address": "家庭住址",
    "sensitive_word": "敏感词",
}
PERSONAL = frozenset({"id_number", "mobile", "bank_card", "address", "near_miss"})

WORD = 1
"""Flag of an automaton key that is on the office's word list (a key may also be a marking)."""
CONTEXT_RULES: dict[str, Callable[[str, int, int], Span | None]] = {  # fixed keys: their context decides
    **{level: markings.secrecy_level for level in markings.SECRECY_LEVELS},
    **{phrase: markings.internal_phrase for phrase in markings.INTERNAL_PHRASES},
    markings.BARE_INTERNAL: markings.bare_internal,
    markings.STAR: markings.secrecy_star,
    markings.ADDRESS_TRIGGER: markings.home_address,
}

CONTEXT = 12
"""Characters of context on each side of a finding in its excerpt."""
CHUNK = 1 << 16
"""Bytes of text the automaton takes at a time: pyahocorasick copies its input at 4 bytes a character,
so a whole text would need four times its size in memory."""

NUMBER_RUN = re.compile(r"[+＋0-9０-９](?<![0-9０-９].)(?=[0-9０-９ \-]{10})"
                        r"[0-9０-９]*+(?:[ \-][0-9０-９]+)*+[XxＸｘ]?")
"""A run of digits with single spaces or hyphens, at least 11 characters, not starting inside a longer run."""
CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
DIGIT = re.compile(r"[0-9０-９]")


@dataclass(frozen=True)
class Finding:
    """One thing the reviewer must look at: its kind, where it is, and what it looks like masked."""

    kind: str
    label: str
    start: int
    end: int
    line: int
    column: int
    excerpt: str
    text: str = ""
    """The finding itself as it may be shown: personal data masked, markings and words as written."""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class ScanResult:
    """What a scan found, sorted by position, and how many near-miss ID numbers it ignored."""

    findings: list[Finding] = field(default_factory=list)
    near_misses: int = 0
    """ID-shaped numbers (province code and birth date plausible) whose check character is wrong:
    not reported as ID numbers, only counted."""

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.kind] = counts.get(finding.kind, 0) + 1
        return counts

    def to_dict(self) -> dict[str, object]:
        return {"findings": [f.to_dict() for f in self.findings], "near_misses": self.near_misses,
                "counts": self.counts()}


class Scanner:
    """Built once for a word list; :meth:`scan` is then cheap to call on any number of texts."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        keys: dict[str, int] = {}
        for word in words:
            if not isinstance(word, str):
                raise InvalidInput("words", f"敏感词必须是文字，收到 {type(word).__name__}")
            if word := word.strip():
                keys[word] = WORD
        self.word_count = len(keys)
        self._fold = any(c.isascii() and c.isalpha() for word in keys for c in word)
        self._rules: list[Callable[[str, int, int], Span | None] | None] = [None, *CONTEXT_RULES.values()]
        rule_index = {key: index for index, key in enumerate(CONTEXT_RULES, start=1)}
        automaton = ahocorasick.Automaton()
        for key in sorted(dict.fromkeys([*keys, *CONTEXT_RULES]), key=insertion_order):
            encoded = key.encode("utf-8", "surrogatepass")
            encoded = (encoded.lower() if self._fold else encoded).decode("latin-1")
            flags = automaton.get(encoded, (0, 0))[0] | keys.get(key, 0) | rule_index.get(key, 0) << 1
            automaton.add_word(encoded, (flags, len(key)))
        automaton.make_automaton()
        self._automaton = automaton
        self._overlap = max(len(key.encode("utf-8", "surrogatepass")) for key in [*keys, *CONTEXT_RULES]) - 1

    def scan(self, text: str, today: date | None = None) -> ScanResult:
        """Every finding in ``text``, sorted by position, and the count of near-miss ID numbers. Birth
        dates after ``today`` (default: the current date) make a number no ID number."""
        today = today or date.today()
        spans = self._automaton_spans(text)
        near_misses = 0
        masked: list[Span] = []
        for run in NUMBER_RUN.finditer(text):
            for hit in find_numbers(text, run.start(), run.end(), today):
                masked.append((hit.start, hit.end, hit.kind))
                if hit.kind == "near_miss":
                    near_misses += 1
                else:
                    spans.append((hit.start, hit.end, hit.kind))
        spans.sort()
        masked += [span for span in spans if span[2] == "address"]
        return ScanResult(_findings(text, spans, _Masks(text, masked)), near_misses)

    def _matches(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, flags) in characters of every key occurrence, in order of their end."""
        data = text.encode("utf-8", "surrogatepass")
        if self._fold:
            data = data.lower()
        ascii_only = len(data) == len(text)
        iterate, overlap = self._automaton.iter, self._overlap
        found: list[tuple[int, int, int]] = []
        byte_mark = char_mark = 0
        for chunk_start in range(0, len(data), CHUNK):
            window_start = max(0, chunk_start - overlap)
            first_end = chunk_start - window_start
            for last, (flags, length) in iterate(data[window_start:chunk_start + CHUNK].decode("latin-1")):
                if last < first_end:
                    continue  # ends in the overlap with the previous chunk, which reported it
                end = window_start + last + 1
                if not ascii_only:
                    char_mark += len(data[byte_mark:end].translate(None, CONTINUATION_BYTES))
                    byte_mark = end
                    end = char_mark
                found.append((end - length, end, flags))
        return found

    def _automaton_spans(self, text: str) -> list[Span]:
        """Markings, home addresses and words; overlaps among markings and words resolved leftmost-longest."""
        candidates: list[Span] = []
        addresses: list[Span] = []
        rules = self._rules
        for start, end, flags in self._matches(text):
            span = rules[flags >> 1](text, start, end) if flags > 1 else None
            if span and span[2] == "address":
                if not addresses or span[0] >= addresses[-1][1]:
                    addresses.append(span)
                span = None
            if span:
                candidates.append(span)
            elif flags & WORD:
                candidates.append((start, end, "sensitive_word"))
        candidates.sort(key=lambda span: (span[0], -span[1]))
        chosen: list[Span] = []
        for span in candidates:
            if not chosen or span[0] >= chosen[-1][1]:
                chosen.append(span)
        return chosen + addresses


class _Masks:
    """The personal numbers and addresses of a text (near misses too), masked wherever text is shown."""

    LONGEST = 64  # no masked span is longer: numbers take at most 25 characters, addresses 45

    def __init__(self, text: str, spans: list[Span]) -> None:
        self.spans = sorted(spans)
        self.starts = [start for start, _, _ in self.spans]
        self.masked = [DIGIT.sub("*", text[start:end]) if kind == "address" else mask(kind, text[start:end])
                       for start, end, kind in self.spans]

    def show(self, text: str, start: int, end: int) -> str:
        """``text[start:end]`` with every masked span over it masked (spans cut by the edges too)."""
        last = bisect_left(self.starts, end)
        first = bisect_left(self.starts, start - self.LONGEST, 0, last)
        if first == last:
            return text[start:end]
        pieces: list[str] = []
        position = start
        for index in range(first, last):
            m_start, m_end, _ = self.spans[index]
            if m_end <= position:
                continue
            cut_from = max(m_start, position)
            pieces.append(text[position:cut_from])
            pieces.append(self.masked[index][cut_from - m_start:min(m_end, end) - m_start])
            position = min(m_end, end)
        if not pieces:
            return text[start:end]
        pieces.append(text[position:end])
        return "".join(pieces)


def _findings(text: str, spans: list[Span], masks: _Masks) -> list[Finding]:
    findings: list[Finding] = []
    line, line_start, counted_to, size = 1, 0, 0, len(text)
    show = masks.show
    for start, end, kind in spans:
        newlines = text.count("\n", counted_to, start)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", counted_to, start) + 1
        counted_to = start
        left, right = max(0, start - CONTEXT), min(size, end + CONTEXT)
        excerpt = " ".join(show(text, left, right).split())
        if left:
            excerpt = "…" + excerpt
        if right < size:
            excerpt += "…"
        shown = show(text, start, end) if kind in PERSONAL else text[start:end]
        findings.append(Finding(kind, LABELS[kind], start, end, line, start - line_start + 1, excerpt, shown))
    return findings


def highlight_html(text: str, findings: list[Finding]) -> Markup:
    """``text`` as HTML: escaped, line breaks as ``<br>``, every finding inside
    ``<mark class="finding finding-KIND" title="LABEL">``. Where findings overlap, the text is cut at
    every boundary and each piece gets one mark naming every finding over it, so marks never nest."""
    marked = sorted((f for f in findings if f.start < f.end), key=lambda f: f.start)
    bounds = sorted({0, len(text), *(f.start for f in marked), *(f.end for f in marked)})
    html: list[str] = []
    active: list[Finding] = []
    upcoming = 0
    for left, right in zip(bounds, bounds[1:], strict=False):
        while upcoming < len(marked) and marked[upcoming].start <= left:
            active.append(marked[upcoming])
            upcoming += 1
        active = [f for f in active if f.end > left]
        piece = str(escape(text[left:right])).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>\n")
        if not active:
            html.append(piece)
            continue
        kinds = list(dict.fromkeys(f.kind for f in active))
        classes = " ".join(["finding", *(f"finding-{kind}" for kind in kinds)])
        title = "、".join(LABELS[kind] for kind in kinds)
        html.append(f'<mark class="{classes}" title="{title}">{piece}</mark>')
    return Markup("".join(html))


def load_words(path: str | Path) -> list[str]:
    """The sensitive-word list in ``path``: one word a line, UTF-8; blank lines and lines starting with
    ``#`` are skipped."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise InvalidInput("words", f"敏感词表文件不存在：{path}") from exc
    except OSError as exc:
        raise InvalidInput("words", f"无法读取敏感词表文件 {path}：{exc.strerror}") from exc
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("words", f"敏感词表文件 {path} 不是 UTF-8 编码（第 {exc.start + 1} 字节无法解码）") from exc
    return [line.strip() for line in content.splitlines() if line.strip() and not line.strip().startswith("#")]
