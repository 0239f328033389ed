"""Broken links (链接可用性) and wrong links (错链).

A broken link on the homepage and on other pages are two indicators of 网站可用性 (2015 census,
国办发〔2015〕15号; vendors' defaults −1 and −0.1 each); a dead download (forms, templates) counts under 表格下载 of
服务实用情况. A wrong link is one whose target is not what its text says: the text names a host, or an organ
whose site is known, and the link leads elsewhere; or an external link redirects to an unrelated domain
(an expired domain taken over, a parked page) — what monitoring vendors call 错链.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from yangguang.inspection.checklist import DOWNLOADS, HOMEPAGE_LINKS, OTHER_LINKS, WRONG_LINKS
from yangguang.inspection.checks.findings import DEDUCTION, Finding, evidence
from yangguang.inspection.domains import host_matches, hostname, registrable_domain, same_site, site_key
from yangguang.inspection.fetched import LinkStatus, Page
from yangguang.inspection.linkstore import BrokenLink

DOWNLOAD_SUFFIXES = (".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".pdf", ".zip", ".rar", ".7z", ".ofd")
_HOST_IN_TEXT = re.compile(r"(?<![\w.-])((?:[a-z0-9-]+\.)+(?:cn|com|net|org|gov|edu|中国)|\d{1,3}(?:\.\d{1,3}){3})"
                           r"(:\d+)?(?![\w-])", re.IGNORECASE)
_OTHER_CHARS = 10  # characters besides the host in a text that names a site ("中国政府网 www.gov.cn")
_SITE_SUFFIXES = ("门户网站", "官方网站", "网站", "官网")


def _reason(link: BrokenLink) -> str:
    return f"HTTP {link.status}" if link.status is not None else (link.error or "无响应")


def broken_link_findings(broken: Iterable[BrokenLink], homepage_urls: Iterable[str]) -> list[Finding]:
    """One finding per broken (page, target): on the homepage (any of ``homepage_urls``: the address and where
    it redirects), a dead download, or on another page."""
    homepages = list(dict.fromkeys(homepage_urls))
    findings = []
    for link in broken:
        scope = "站内" if homepages and same_site(link.target, homepages[0]) else "站外"
        if link.source in homepages:
            item, place = HOMEPAGE_LINKS, "首页"
        elif urlsplit(link.target).path.lower().endswith(DOWNLOAD_SUFFIXES):
            item, place = DOWNLOADS, "下载"
        else:
            item, place = OTHER_LINKS, "页面"
        findings.append(Finding(
            "links.broken", item, link.source, DEDUCTION,
            f"{place}{scope}链接失效：“{link.text or link.target}”（{_reason(link)}）",
            evidence(page=link.source, link=link.target, text=link.text, status=link.status, error=link.error,
                     scope=scope)))
    return findings


def _named_host(text: str) -> str | None:
    """The host a link text names, when the text is essentially that host (a title mentioning one is not)."""
    match = _HOST_IN_TEXT.search(text)
    if match is None:
        return None
    rest = re.sub(r"https?://|/", "", text[: match.start()] + text[match.end():]).strip()
    return match[0].lower() if len(rest) <= _OTHER_CHARS else None


def _named_organ(text: str, organ_domains: Mapping[str, str]) -> str | None:
    name = text.strip()
    for suffix in _SITE_SUFFIXES:
        if name.endswith(suffix) and name[: -len(suffix)] in organ_domains:
            name = name[: -len(suffix)]
    return name if name in organ_domains else None


def _leads_to(target: str, named_host: str) -> bool:
    named = f"http://{named_host}"
    if site_key(named) != registrable_domain(hostname(named)):  # an IP or localhost: host and port must match
        return site_key(target) == site_key(named)
    return host_matches(hostname(target), [registrable_domain(hostname(named))])


def wrong_link_findings(page: Page, organ_domains: Mapping[str, str]) -> list[Finding]:
    """Links on ``page`` whose text names a host or a known organ and whose target is elsewhere."""
    findings = []
    for link in page.links:
        if link.kind != "a" or not link.text or not urlsplit(link.target).scheme.startswith("http"):
            continue
        named_host = _named_host(link.text)
        organ = _named_organ(link.text, organ_domains)
        if named_host and not _leads_to(link.target, named_host):
            detail = f"链接文字指向 {named_host}，实际链接到 {hostname(link.target)}"
        elif organ and not host_matches(hostname(link.target), [organ_domains[organ]]):
            detail = f"链接文字为“{organ}”，应链接到 {organ_domains[organ]}，实际链接到 {hostname(link.target)}"
        else:
            continue
        findings.append(Finding("links.wrong", WRONG_LINKS, link.source, DEDUCTION, "错链：" + detail,
                                evidence(page=link.source, link=link.target, text=link.text)))
    return findings


def redirect_findings(external: Mapping[str, tuple[str, str]], statuses: Mapping[str, LinkStatus],
                      government_hosts: Iterable[str]) -> list[Finding]:
    """External links that redirect to an unrelated domain (expired domain, parked page): 错链.

    ``external`` maps each external link target to the (page, link text) where it was first found; a redirect
    within the same registrable domain, or to a government host, is not suspicious."""
    trusted = list(government_hosts)
    findings = []
    for target, (source, text) in external.items():
        status = statuses.get(target)
        final = status.final_url if status is not None else None
        if not final or same_site(final, target) or host_matches(hostname(final), trusted):
            continue
        findings.append(Finding(
            "links.redirect", WRONG_LINKS, source, DEDUCTION,
            f"错链：站外链接“{text or target}”跳转到无关域名 {hostname(final)}",
            evidence(page=source, link=target, text=text, final_url=final)))
    return findings
