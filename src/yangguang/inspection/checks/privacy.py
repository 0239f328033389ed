"""Secrecy marks, personal information and sensitive words in page text: the disclosure module's scanner.

"涉密信息不上网，上网信息不涉密" (shared/domain/disclosure.md): a secrecy marking on a public page is a state-secret
leak, the 安全、泄密事故等严重问题 veto of 国办秘函〔2019〕19号. Unmasked ID, mobile and bank card numbers and home
addresses are the 个人信息泄露 deduction, sensitive words the 敏感词 deduction (monitoring vendors' practice);
internal-only markings (内部资料, 不宜公开…) are reported for a person to judge. One finding per page and kind;
evidence shows only masked excerpts (the scanner masks personal data wherever it shows text).
"""

from __future__ import annotations

from datetime import date

from yangguang.disclosure.service import LABELS, PERSONAL, Scanner
from yangguang.inspection.checklist import PERSONAL_INFO, SENSITIVE_WORDS, VETO_SECURITY
from yangguang.inspection.checks.findings import DEDUCTION, INFO, VETO, Finding, evidence

SAMPLES = 3


def _verdict(kind: str) -> tuple[str, str, str]:
    """(checklist item, severity, wording with a ``{found}`` slot) of a scanner finding kind."""
    if kind == "secrecy_mark":
        return VETO_SECURITY, VETO, "页面含密级标志{found}，疑似泄露国家秘密"
    if kind == "internal_mark":
        return VETO_SECURITY, INFO, "页面含内部资料标识{found}，请核实是否应当公开"
    if kind in PERSONAL:
        return PERSONAL_INFO, DEDUCTION, f"页面含未脱敏的{LABELS[kind]}{{found}}"
    return SENSITIVE_WORDS, DEDUCTION, "页面含敏感词{found}"


def privacy_findings(url: str, text: str, scanner: Scanner, today: date | None = None) -> list[Finding]:
    """Scan the visible text of one page (one line per block, as :func:`~..html_text.page_lines` gives it)."""
    by_kind: dict[str, list] = {}
    for hit in scanner.scan(text, today).findings:
        by_kind.setdefault(hit.kind, []).append(hit)
    findings = []
    for kind, hits in by_kind.items():
        item, severity, wording = _verdict(kind)
        shown = list(dict.fromkeys(hit.text for hit in hits))
        findings.append(Finding(
            f"privacy.{kind}", item, url, severity, wording.format(found=f"（{len(hits)} 处，如“{shown[0]}”）"),
            evidence(page=url, excerpt=hits[0].excerpt, kind=LABELS[kind], occurrences=len(hits),
                     samples=shown[:SAMPLES], line=hits[0].line)))
    return findings
