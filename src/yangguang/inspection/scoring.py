"""National-checklist scoring of one inspection, with every veto and deduction explained by its evidence.

国办秘函〔2019〕19号 (shared/domain/website-inspection.md, "Scoring (2019 checklist)"):
1. Any single-veto item: unqualified, nothing else is scored (the deductions are still listed, for information).
2. Deductions start from 100 points; each indicator's deductions stop at its own points; below 60 is
   unqualified (the pass line is 60).
3. Bonus items (up to 30, portals only) count only when the deduction score is above 80; final score =
   deduction score + bonus.
4. Sites without external services skip the service indicators: scored out of 75 and multiplied by 4/3 (out
   of 100 − the service block's points, scaled back to 100).
Arithmetic is decimal, the results rounded half up to one decimal place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from yangguang.inspection.checklist import item
from yangguang.inspection.checks.findings import DEDUCTION, VETO, Finding
from yangguang.inspection.indicators import IndicatorTable

FULL_MARKS = Decimal(100)
PASS_LINE = Decimal(60)
BONUS_CAP = Decimal(30)
BONUS_ABOVE = Decimal(80)
_ONE_PLACE = Decimal("0.1")


def _round(value: Decimal) -> Decimal:
    return value.quantize(_ONE_PLACE, rounding=ROUND_HALF_UP)


def _number(value: Decimal) -> str:
    """0.1 -> "0.1", 5 -> "5", 2.50 -> "2.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class BonusItem:
    """A bonus item (加分指标) an inspector awards a portal, with the reason."""

    name: str
    points: Decimal
    reason: str = ""


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    name: str
    block: str
    findings: list[Finding]
    per_occurrence: Decimal
    cap: Decimal
    points: Decimal  # deducted: min(cap, occurrences x per_occurrence); 0 when not scored
    scored: bool  # False: a service indicator of a site without external services

    @property
    def occurrences(self) -> int:
        return len(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.code, "name": self.name, "block": self.block, "occurrences": self.occurrences,
                "per_occurrence": float(self.per_occurrence), "cap": float(self.cap),
                "points": float(self.points), "scored": self.scored,
                "findings": [finding.to_dict() for finding in self.findings]}


@dataclass(frozen=True)
class ScoreReport:
    total: Decimal | None  # None: vetoed, not scored
    qualified: bool
    deduction_score: Decimal  # 100 minus the deductions (scaled for sites without services)
    bonus: Decimal
    vetoes: list[Finding]
    deductions: list[IndicatorScore]
    bonus_items: list[BonusItem] = field(default_factory=list)
    has_services: bool = True
    is_portal: bool = True
    service_block_points: Decimal = Decimal(25)

    def explain(self) -> list[str]:
        """The result in sentences: the verdict, every veto and every deduction with its evidence, the bonus."""
        return _explain(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the points as numbers (exact to their one decimal place)."""
        return {"total": float(self.total) if self.total is not None else None, "qualified": self.qualified,
                "deduction_score": float(self.deduction_score), "bonus": float(self.bonus),
                "pass_line": float(PASS_LINE),
                "has_services": self.has_services, "is_portal": self.is_portal,
                "vetoes": [finding.to_dict() for finding in self.vetoes],
                "deductions": [entry.to_dict() for entry in self.deductions if entry.findings],
                "bonus_items": [{"name": b.name, "points": float(b.points), "reason": b.reason}
                                for b in self.bonus_items],
                "explanation": self.explain()}


def score(findings: Iterable[Finding], *, indicators: IndicatorTable, has_services: bool = True,
          is_portal: bool = True, bonus_items: Iterable[BonusItem] = ()) -> ScoreReport:
    """Score an inspection's findings against the deduction table ``indicators``."""
    findings = list(findings)
    vetoes = [finding for finding in findings if finding.severity == VETO]
    by_code: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.severity == DEDUCTION:
            by_code.setdefault(finding.checklist_item, []).append(finding)
    unknown = set(by_code) - set(indicators.indicators)
    if unknown:
        raise KeyError(f"findings of indicators missing from the deduction table: {sorted(unknown)}")
    entries = []
    for code, indicator in indicators.indicators.items():
        found = by_code.get(code, [])
        scored = has_services or not indicator.service
        points = min(indicator.points, indicator.per_occurrence * len(found)) if scored else Decimal(0)
        entries.append(IndicatorScore(code, indicator.name, indicator.block, found, indicator.per_occurrence,
                                      indicator.points, points, scored))
    base = FULL_MARKS if has_services else FULL_MARKS - indicators.service_block_points
    remaining = max(Decimal(0), base - sum((entry.points for entry in entries), Decimal(0)))
    deduction_score = _round(remaining * FULL_MARKS / base)
    bonus_items = list(bonus_items)
    bonus = Decimal(0)
    if not vetoes and is_portal and deduction_score > BONUS_ABOVE:
        bonus = _round(min(BONUS_CAP, sum((b.points for b in bonus_items), Decimal(0))))
    total = None if vetoes else deduction_score + bonus
    qualified = not vetoes and deduction_score >= PASS_LINE
    return ScoreReport(total, qualified, deduction_score, bonus, vetoes, entries, bonus_items, has_services,
                       is_portal, indicators.service_block_points)


def describe_evidence(evidence: dict[str, Any]) -> str:
    """"页面 …；链接 …；文字 “…”；日期 …；摘录 “…”" from a finding's evidence."""
    parts = []
    for key, label, quoted in (("page", "页面", False), ("link", "链接", False), ("text", "文字", True),
                               ("date", "日期", False), ("excerpt", "摘录", True)):
        if evidence.get(key):
            parts.append(f"{label} “{evidence[key]}”" if quoted else f"{label} {evidence[key]}")
    return "；".join(parts)


def _line(finding: Finding) -> str:
    proof = describe_evidence(finding.evidence)
    return f"{finding.detail}（{proof}）" if proof else finding.detail


def _explain(report: ScoreReport) -> list[str]:
    lines = []
    if report.vetoes:
        lines.append(f"结论：不合格。触发单项否决 {len(report.vetoes)} 项，扣分指标不再计分（以下扣分仅供参考）。")
    else:
        verdict = "合格" if report.qualified else f"不合格（低于 {_number(PASS_LINE)} 分合格线）"
        lines.append(f"结论：{verdict}。总分 {report.total}"
                     f"（扣分项得分 {report.deduction_score} + 加分 {report.bonus}）。")
    for finding in report.vetoes:
        lines.append(f"单项否决【{item(finding.checklist_item).name}】{_line(finding)}")
    if not report.has_services:
        base = FULL_MARKS - report.service_block_points
        ratio = Fraction(int(FULL_MARKS), int(base)) if base == base.to_integral() else f"{FULL_MARKS}/{base}"
        lines.append(f"本网站无对外服务，服务实用类指标不计分：按 {_number(base)} 分计算后乘以 {ratio}。")
    for entry in report.deductions:
        if not entry.findings:
            continue
        if not entry.scored:
            lines.append(f"不计分【{entry.block}·{entry.name}】{entry.occurrences} 处（无对外服务的网站不计）")
        else:
            full = entry.per_occurrence * entry.occurrences
            capped = f"，超过上限按 {_number(entry.cap)} 分计" if full > entry.cap else ""
            lines.append(f"扣分【{entry.block}·{entry.name}】{entry.occurrences} 处 × {_number(entry.per_occurrence)}"
                         f" 分 = {_number(full)} 分{capped}，扣 {_number(entry.points)} 分"
                         f"（本项上限 {_number(entry.cap)} 分）")
        lines.extend(f"  - {_line(finding)}" for finding in entry.findings)
    for bonus in report.bonus_items:
        counted = "计入" if report.bonus else "不计入（仅门户网站且扣分项得分高于 80 分时计入）"
        lines.append(f"加分【{bonus.name}】{_number(bonus.points)} 分，{counted}：{bonus.reason}")
    return lines
