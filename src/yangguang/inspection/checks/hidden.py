"""Hidden links (暗链) and links to gambling or pornography.

国办秘函〔2019〕19号, 安全、泄密事故等严重问题: "publishing or linking reactionary, violent or pornographic content;
a trojan or defacement left unhandled" — a veto. Monitoring vendors read 暗链 as a link to another site hidden
with CSS (inline style, a class or id styled in the page, or a ``marquee`` squeezed to a pixel): such a link
to a non-government site is a 篡改、暗链与挂马 deduction; with a gambling or pornography keyword it is the veto.
Keywords in visible internal links or in the page text (news of a crackdown names what it fights) are only
reported for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from yangguang.inspection.checklist import TAMPERING, VETO_SECURITY
from yangguang.inspection.checks.findings import DEDUCTION, INFO, VETO, Finding, evidence
from yangguang.inspection.checks.keywords import KeywordMatcher, describe
from yangguang.inspection.domains import absolute, host_matches, hostname, same_site
from yangguang.inspection.fetched import Page
from yangguang.inspection.html_text import collapse, excerpt, visible_text

FAR_OFF_PIXELS = 500  # position or text-indent this far off-screen hides
_STYLE_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^([.#])([\w-]+)$")
_LENGTH = re.compile(r"^(-?\d+(?:\.\d+)?)(px|pt|em|rem|%)?$")


def _length(value: str | None) -> float | None:
    match = _LENGTH.match((value or "").replace("!important", "").strip())
    return float(match[1]) if match else None


def hiding_trick(style: str) -> str | None:
    """The CSS trick in a declaration block that hides an element, or None."""
    declarations = {}
    for part in style.lower().split(";"):
        name, _, value = part.partition(":")
        declarations[name.strip()] = value.replace("!important", "").strip()
    if declarations.get("display") == "none":
        return "display:none"
    if declarations.get("visibility") == "hidden":
        return "visibility:hidden"
    if _length(declarations.get("font-size")) == 0:
        return "font-size:0"
    if declarations.get("opacity") in ("0", "0.0"):
        return "opacity:0"
    if declarations.get("overflow") == "hidden" and 0 in (_length(declarations.get("height")),
                                                           _length(declarations.get("width"))):
        return "height:0;overflow:hidden"
    if declarations.get("position") in ("absolute", "fixed") and any(
            (_length(declarations.get(side)) or 0) <= -FAR_OFF_PIXELS for side in ("left", "top", "right")):
        return "position 移出屏幕"
    if (_length(declarations.get("text-indent")) or 0) <= -FAR_OFF_PIXELS:
        return "text-indent 移出屏幕"
    return None


def hidden_selectors(tree: Any) -> dict[str, str]:
    """Classes (``.name``) and ids (``#name``) the page's ``<style>`` blocks hide, with the trick."""
    hidden: dict[str, str] = {}
    for style in tree.css("style"):
        for selectors, block in _STYLE_RULE.findall(style.text() or ""):
            trick = hiding_trick(block)
            if trick is None:
                continue
            for selector in selectors.split(","):
                if _SIMPLE_SELECTOR.match(selector.strip()):
                    hidden[selector.strip()] = trick
    return hidden


def _own_trick(node: Any, selectors: dict[str, str]) -> str | None:
    """How ``node`` itself is hidden (its attributes, inline style, or a class or id the page hides)."""
    attributes = node.attributes
    if "hidden" in attributes:
        return "hidden 属性"
    if node.tag == "marquee" and any((_length(attributes.get(side)) or 99) <= 2 for side in ("height", "width")):
        return "marquee 高度或宽度不超过 2 像素"
    trick = hiding_trick(attributes["style"]) if attributes.get("style") else None
    if trick:
        return trick
    names = [f".{name}" for name in (attributes.get("class") or "").split()]
    names += [f"#{attributes['id']}"] if attributes.get("id") else []
    return next((selectors[name] for name in names if name in selectors), None)


def hidden_by(node: Any, selectors: dict[str, str], memo: dict[int, str | None] | None = None) -> str | None:
    """How ``node`` or one of its ancestors is hidden, or None when it is displayed. ``memo`` (node id ->
    answer) spares walking the same ancestors again for the next node of the page."""
    memo = {} if memo is None else memo
    walked, trick = [], None
    while node is not None and node.tag not in ("body", "html"):
        if node.mem_id in memo:
            trick = memo[node.mem_id]
            break
        walked.append(node.mem_id)
        trick = _own_trick(node, selectors)
        if trick:
            break
        node = node.parent
    for mem_id in walked:
        memo[mem_id] = trick
    return trick


def hidden_findings(page: Page, text: str, matcher: KeywordMatcher, government_hosts: Iterable[str]) -> list[Finding]:
    """Hidden external links (暗链), links carrying gambling or pornography keywords, then keywords in the page's
    visible ``text`` not already reported on a link."""
    if page.tree is None:
        return []
    selectors, memo = hidden_selectors(page.tree), {}
    links = _link_findings(page, matcher, government_hosts, selectors, memo)
    reported = {word for finding in links for word in finding.evidence.get("keywords", ())}
    return links + _text_findings(page, text, matcher, reported, selectors, memo)


def _link_findings(page: Page, matcher: KeywordMatcher, government_hosts: Iterable[str], selectors: dict[str, str],
                   memo: dict[int, str | None]) -> list[Finding]:
    trusted = list(government_hosts)
    scope = {link.target: link.internal for link in page.links}
    findings = []
    for anchor in page.tree.css("a[href]"):
        target = absolute(anchor.attributes.get("href") or "", page.final_url)
        if target is None:
            continue
        text = collapse(anchor.text()) or (anchor.attributes.get("title") or "")
        internal = scope[target] if target in scope else same_site(target, page.final_url)
        trick = hidden_by(anchor, selectors, memo)
        words = matcher.find(f"{text} {anchor.attributes.get('title') or ''} {target}")
        proof = evidence(page=page.final_url, link=target, text=text, hidden=trick, keywords=[w for w, _ in words])
        if words and (trick or not internal):
            place = "隐藏链接" if trick else "站外链接"
            findings.append(Finding("hidden.keywords", VETO_SECURITY, page.final_url, VETO,
                                    f"{place}“{text or target}”含{describe(words)}", proof))
        elif words:
            findings.append(Finding("hidden.keywords", VETO_SECURITY, page.final_url, INFO,
                                    f"站内链接“{text}”含{describe(words)}，请人工核实", proof))
        elif trick and not internal and not host_matches(hostname(target), trusted):
            findings.append(Finding("hidden.links", TAMPERING, page.final_url, DEDUCTION,
                                    f"暗链：用 CSS 隐藏（{trick}）的站外链接“{text or target}”", proof))
    return findings


def _text_findings(page: Page, text: str, matcher: KeywordMatcher, reported: set[str], selectors: dict[str, str],
                   memo: dict[int, str | None]) -> list[Finding]:
    """Keywords in the page text: hidden with CSS, the veto; visible, for a person to judge (a crackdown notice
    names what it fights)."""
    words = [(word, kind) for word, kind in matcher.find(text) if word not in reported]
    if not words:
        return []
    for node in page.tree.css("[style], [class], [id], [hidden], marquee"):
        trick = hidden_by(node, selectors, memo)
        hidden_words = [m for m in matcher.find(visible_text(node)) if m[0] not in reported] if trick else []
        if hidden_words:
            return [Finding("hidden.text", VETO_SECURITY, page.final_url, VETO,
                            f"用 CSS 隐藏（{trick}）的文字含{describe(hidden_words)}",
                            evidence(page=page.final_url, hidden=trick, excerpt=visible_text(node)))]
    first = text.lower().find(words[0][0].lower())
    return [Finding("hidden.text", VETO_SECURITY, page.final_url, INFO, f"页面文字含{describe(words)}，请人工核实",
                    evidence(page=page.final_url, excerpt=excerpt(text, first, first + len(words[0][0]))))]
