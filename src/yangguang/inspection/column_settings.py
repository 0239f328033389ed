"""The administrator's confirmed columns applied to an inspection: each column judged by its own required update
frequency, columns that are not columns left out, empty columns that may be empty excused; then scored again.

:func:`~yangguang.inspection.inspect.inspect_site` judges the columns it discovers in the homepage navigation by
the words of their names (国办秘函〔2019〕19号, 栏目不更新: news/activity columns within 2 weeks, notice/policy
columns within 6 months, 5 or more of them stale — or 10 or more columns that should update, or 5 or more blank
columns — is a veto). A registered column the administrator confirmed (:class:`SiteColumn` ``confirmed``) says
better: its kind, its frequency in days, whether it is monitored at all, and whether it may stay empty (the
checklist allows an empty column whose page explains why; the administrator records the explanation when the
page's wording escapes the check). When a site has confirmed columns, the column findings of the inspection are
rebuilt from its column reports with those settings — the others keep the default judgement, the same as
``inspect_site``'s — the veto counts are taken again with the checklist's thresholds, and the result is scored
again. Columns outside the homepage navigation are not fetched as columns by the crawl: the self-inspection
report lists them as not checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from yangguang.inspection.checklist import BLANK_COLUMNS, COLUMN_UPDATES, VETO_COLUMNS_STALE
from yangguang.inspection.checks.columns import BLANK_VETO_COUNT
from yangguang.inspection.checks.findings import DEDUCTION, VETO, Finding, evidence
from yangguang.inspection.checks.freshness import (
    LONG_STALE_VETO_COUNT,
    NEWS,
    NEWS_DAYS,
    NOTICE,
    NOTICE_MONTHS,
    STALE_VETO_COUNT,
    cutoff,
)
from yangguang.inspection.codes import COLUMN_KIND_LABELS
from yangguang.inspection.indicators import IndicatorTable
from yangguang.inspection.inspect import ColumnReport, InspectionResult
from yangguang.inspection.scoring import score

COLUMN_CHECKS = ("freshness.columns", "columns.blank")


@dataclass(frozen=True)
class ColumnSetting:
    """A confirmed column's settings."""

    url: str
    name: str
    kind: str  # news | notice | other
    update_days: int
    monitored: bool = True
    blank_allowed: bool = False
    blank_reason: str = ""


def _kind_label(kind: str) -> str:
    return COLUMN_KIND_LABELS.get(kind, kind)


def _stale(column: ColumnReport, setting: ColumnSetting | None, today: date,
           other_days: int) -> tuple[str, str] | None:
    """``(kind, required)`` when the column is stale, None when it is fresh or not judged."""
    if column.items == 0:
        return None  # lists nothing: the blank-column check's, or a page of text
    if setting is not None:
        last_fresh_day = today - timedelta(days=setting.update_days)
        kind, required = setting.kind, f"要求每 {setting.update_days} 天更新"
    else:
        kind = column.kind
        if kind not in (NEWS, NOTICE) and column.newest is None:
            return None  # a list of services or links: for the administrator to classify
        last_fresh_day = cutoff(kind, today, other_days)
        required = {NEWS: f"要求 {NEWS_DAYS} 天内更新", NOTICE: f"要求 {NOTICE_MONTHS} 个月内更新"}.get(
            kind, f"要求 {other_days} 天内更新")
    if column.newest is None or column.newest <= last_fresh_day:
        return kind, required
    return None


def column_findings(columns: list[ColumnReport], settings: Mapping[str, ColumnSetting], today: date,
                    table: IndicatorTable) -> list[Finding]:
    """The 栏目更新 and 空白栏目 deductions and the 栏目不更新 vetoes of the columns, with the settings applied."""
    other_days = int(table.param(COLUMN_UPDATES, "other_columns_days"))
    stale: list[tuple[str, str, str]] = []  # (name, url, kind)
    blank: list[tuple[str, str]] = []
    findings: list[Finding] = []
    for column in columns:
        setting = settings.get(column.url)
        if not column.fetched or (setting is not None and not setting.monitored):
            continue
        name = setting.name if setting is not None else column.name
        if column.blank:
            if setting is None or not setting.blank_allowed:
                blank.append((name, column.url))
                findings.append(Finding("columns.blank", BLANK_COLUMNS, column.url, DEDUCTION,
                                        f"空白栏目：“{name}”没有内容，也未说明原因",
                                        evidence(page=column.url, text=name)))
            continue
        judged = _stale(column, setting, today, other_days)
        if judged is None:
            continue
        kind, required = judged
        stale.append((name, column.url, kind))
        shown = column.newest.isoformat() if column.newest else "无日期"
        findings.append(Finding("freshness.columns", COLUMN_UPDATES, column.url, DEDUCTION,
                                f"栏目不更新：“{name}”（{_kind_label(kind)}，{required}）最近更新 {shown}",
                                evidence(page=column.url, text=name, found_date=column.newest, kind=kind,
                                         required=required)))
    regular = [name for name, _, kind in stale if kind in (NEWS, NOTICE)]
    if len(regular) >= STALE_VETO_COUNT:
        findings.append(Finding("freshness.columns", VETO_COLUMNS_STALE, stale[0][1], VETO,
                                "动态要闻类栏目与通知公告、政策文件类栏目未按要求更新"
                                f"合计 {len(regular)} 个，达到 {STALE_VETO_COUNT} 个：{'、'.join(regular)}",
                                evidence(excerpt="、".join(regular), columns=regular)))
    if len(stale) >= LONG_STALE_VETO_COUNT:
        names = [name for name, _, _ in stale]
        findings.append(Finding("freshness.columns", VETO_COLUMNS_STALE, stale[0][1], VETO,
                                f"应更新而长期未更新的栏目 {len(stale)} 个，达到 {LONG_STALE_VETO_COUNT} 个",
                                evidence(excerpt="、".join(names), columns=names)))
    if len(blank) >= BLANK_VETO_COUNT:
        names = "、".join(name for name, _ in blank)
        findings.append(Finding("columns.blank", VETO_COLUMNS_STALE, blank[0][1], VETO,
                                f"空白栏目 {len(blank)} 个，达到 {BLANK_VETO_COUNT} 个：{names}",
                                evidence(columns=[url for _, url in blank], excerpt=names)))
    return findings


def apply_column_settings(result: InspectionResult, settings: Mapping[str, ColumnSetting], *, today: date,
                          indicators: IndicatorTable, has_services: bool, is_portal: bool) -> InspectionResult:
    """``result`` with its column findings rebuilt from ``settings`` (confirmed columns by URL) and scored
    again; ``result`` itself when there are no settings."""
    if not settings:
        return result
    kept = [finding for finding in result.findings if finding.check not in COLUMN_CHECKS]
    findings = kept + column_findings(result.columns, settings, today, indicators)
    report = score(findings, indicators=indicators, has_services=has_services, is_portal=is_portal,
                   bonus_items=result.score.bonus_items)
    return replace(result, findings=findings, score=report)
