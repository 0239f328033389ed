"""Defacement and injected scripts (篡改、挂马).

国办秘函〔2019〕19号 makes "a trojan or defacement left unhandled" a 安全、泄密事故等严重问题 veto; what a machine
sees is a suspicion for a person to confirm, so these are 篡改、暗链与挂马 deductions (monitoring vendors'
practice), raised to the veto only where gambling or pornography keywords show what was injected:

* a page whose visible text changed beyond its baseline: the Jaccard similarity of character 5-gram shingles
  below a configurable threshold;
* a script loaded from a host outside the site and outside an allow-list;
* an inline script that writes or evaluates obfuscated code (``document.write``, ``eval(unescape(...))``,
  ``String.fromCharCode``, ``atob``) carrying a link or a redirect.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

from yangguang.inspection.checklist import TAMPERING, VETO_SECURITY
from yangguang.inspection.checks.findings import DEDUCTION, VETO, Finding, evidence
from yangguang.inspection.checks.keywords import KeywordMatcher, describe
from yangguang.inspection.domains import host_matches, hostname, same_site
from yangguang.inspection.fetched import Page
from yangguang.inspection.html_text import excerpt

SHINGLE = 5
_OBFUSCATED = re.compile(r"document\.write|eval\s*\(|unescape\s*\(|String\.fromCharCode|atob\s*\(", re.IGNORECASE)
_CARRIES_LINK = re.compile(r"https?:|<a\b|\\x3c|%3c|\\u003c|location(?:\.href)?\s*=|window\.open|\.src\s*=",
                           re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def shingles(text: str, size: int = SHINGLE) -> set[int]:
    """Stable hashes (CRC-32) of the character ``size``-grams of ``text`` without whitespace."""
    compact = _SPACES.sub("", text)
    if len(compact) <= size:
        return {zlib.crc32(compact.encode())} if compact else set()
    return {zlib.crc32(compact[i:i + size].encode()) for i in range(len(compact) - size + 1)}


def similarity(text: str, baseline: str) -> float:
    """Jaccard similarity of the two texts' shingle sets (1.0 for two empty texts)."""
    a, b = shingles(text), shingles(baseline)
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _first_new_passage(text: str, baseline: str) -> str:
    known = shingles(baseline)
    for start in range(max(1, len(text) - SHINGLE + 1)):
        if zlib.crc32(_SPACES.sub("", text[start:start + SHINGLE]).encode()) not in known:
            return excerpt(text, start, start + 1)
    return excerpt(text)


def baseline_findings(url: str, text: str, baseline: str, *, threshold: float) -> list[Finding]:
    """A deduction when the page's visible text is less similar to its baseline than ``threshold``."""
    score = similarity(text, baseline)
    if score >= threshold:
        return []
    return [Finding("tampering.baseline", TAMPERING, url, DEDUCTION,
                    f"页面内容与基线相比变化过大（相似度 {score:.2f}，低于 {threshold:g}），疑似被篡改，请人工核实",
                    evidence(page=url, similarity=round(score, 3), excerpt=_first_new_passage(text, baseline)))]


def script_findings(page: Page, matcher: KeywordMatcher, allowed_hosts: Iterable[str]) -> list[Finding]:
    """Scripts from hosts outside the site and the allow-list, and obfuscated inline scripts carrying links."""
    allowed = list(allowed_hosts)
    findings = []
    for link in page.links:
        if link.kind == "script" and not same_site(link.target, page.final_url) \
                and not host_matches(hostname(link.target), allowed):
            findings.append(Finding("tampering.script", TAMPERING, page.final_url, DEDUCTION,
                                    f"引用了白名单以外的站外脚本 {hostname(link.target)}，疑似挂马，请人工核实",
                                    evidence(page=page.final_url, link=link.target)))
    for script in page.tree.css("script:not([src])") if page.tree is not None else []:
        code = script.text() or ""
        if not (_OBFUSCATED.search(code) and _CARRIES_LINK.search(code)):
            continue
        words = matcher.find(code)
        severity, item = (VETO, VETO_SECURITY) if words else (DEDUCTION, TAMPERING)
        found = f"，含{describe(words)}" if words else ""
        findings.append(Finding("tampering.inline_script", item, page.final_url, severity,
                                f"页面内联脚本以混淆方式写入链接或跳转{found}，疑似挂马",
                                evidence(page=page.final_url, excerpt=_SPACES.sub(" ", code).strip())))
    return findings
