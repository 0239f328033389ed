"""Services: online service entries and the elements of service guides (办事指南).

国办秘函〔2019〕19号, 服务不实用: "no online services; or key service-guide elements missing (事项名称, 设定依据,
申请条件, 办理材料, ...)" — a veto. The other elements of a guide (办理地点, 办理时限, 收费 …) are the 办事指南要素
deduction of 服务实用情况 (2015 census). Both lists are configuration. A page is a guide when its title or
main heading says 办事指南/服务指南, or when it shows at least three element labels.
"""

from __future__ import annotations

from collections.abc import Iterable

from yangguang.inspection.checklist import GUIDE_ELEMENTS, VETO_SERVICES
from yangguang.inspection.checks.findings import DEDUCTION, VETO, Finding, evidence
from yangguang.inspection.fetched import Page
from yangguang.inspection.html_text import visible_text

GUIDE_TITLES = ("办事指南", "服务指南")
MIN_LABELS = 3


def _is_guide(page: Page, text: str, labels: list[str]) -> bool:
    heading = page.tree.css_first("title, h1") if page.tree is not None else None
    titled = heading is not None and any(word in visible_text(heading) for word in GUIDE_TITLES)
    present = sum(1 for label in labels if label in text)
    return (titled and present > 0) or present >= MIN_LABELS


def guide_findings(page: Page, text: str, key_elements: Iterable[str], other_elements: Iterable[str]) -> list[Finding]:
    """服务不实用 (veto) when a guide (visible text ``text``) lacks a key element; 办事指南要素 (deduction) when it
    lacks another."""
    key, other = list(key_elements), list(other_elements)
    if not _is_guide(page, text, key + other):
        return []
    findings = []
    missing_key = [label for label in key if label not in text]
    missing_other = [label for label in other if label not in text]
    if missing_key:
        findings.append(Finding("services.guide", VETO_SERVICES, page.final_url, VETO,
                                f"办事指南缺少关键要素：{'、'.join(missing_key)}",
                                evidence(page=page.final_url, missing=missing_key, excerpt=text)))
    if missing_other:
        findings.append(Finding("services.guide", GUIDE_ELEMENTS, page.final_url, DEDUCTION,
                                f"办事指南缺少要素：{'、'.join(missing_other)}",
                                evidence(page=page.final_url, missing=missing_other, excerpt=text)))
    return findings


def is_service_link(text: str, words: Iterable[str]) -> bool:
    return any(word in text for word in words)


def online_service_findings(service_links: int, url: str) -> list[Finding]:
    """服务不实用 (veto) when the site links to no online service at all."""
    if service_links:
        return []
    return [Finding("services.online", VETO_SERVICES, url, VETO, "未发现网上办事服务入口", evidence(page=url))]
