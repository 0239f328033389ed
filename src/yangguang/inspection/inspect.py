"""One inspection of one site: crawl it, run the page checks as pages stream, then the site-level checks, then
score the findings against the national checklist (国办秘函〔2019〕19号).

Plain inputs, so the scheduled inspections of registered sites reuse it: a crawl configuration, baselines
(URL -> visible text of an earlier inspection), the office's sensitive words, availability probes of the
monitoring window, a reference moment, the deduction table, whether the site offers services and is a portal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import aiohttp

from yangguang.core.settings import get_settings
from yangguang.disclosure.service import Scanner
from yangguang.inspection.checklist import BLANK_COLUMNS, COLUMN_UPDATES, HOMEPAGE_AVAILABILITY, HOMEPAGE_UPDATES
from yangguang.inspection.checks import INFO, VETO, Finding, evidence
from yangguang.inspection.checks.availability import Probe, availability_veto
from yangguang.inspection.checks.columns import Column, ColumnPage, blank_column_findings, is_blank
from yangguang.inspection.checks.freshness import column_freshness, column_kind, homepage_freshness
from yangguang.inspection.checks.links import broken_link_findings, redirect_findings
from yangguang.inspection.checks.messages import consultation_findings
from yangguang.inspection.checks.services import online_service_findings
from yangguang.inspection.checks.transport import site_https_findings
from yangguang.inspection.collector import PageChecks
from yangguang.inspection.crawler import CrawlConfig, Crawler, CrawlResult
from yangguang.inspection.dates import newest
from yangguang.inspection.indicators import IndicatorTable, load_indicators
from yangguang.inspection.linkstore import BrokenLink
from yangguang.inspection.scoring import BonusItem, ScoreReport, score


@dataclass
class ColumnReport:
    """A column found in the homepage navigation, for an administrator to confirm."""

    name: str
    url: str
    kind: str  # news | notice | other
    fetched: bool
    newest: date | None = None
    items: int = 0
    blank: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "url": self.url, "kind": self.kind, "fetched": self.fetched,
                "newest": self.newest.isoformat() if self.newest else None, "items": self.items,
                "blank": self.blank}


@dataclass
class InspectionResult:
    site: str
    inspected_at: datetime
    pages_checked: int
    links_checked: int
    broken_links: list[BrokenLink]
    findings: list[Finding]
    score: ScoreReport
    columns: list[ColumnReport]
    elapsed: float
    skipped: dict[str, int]
    errors: list[tuple[str, str]]
    texts: dict[str, str] = field(default_factory=dict)  # visible text by URL: the next inspection's baseline

    @property
    def vetoes(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == VETO]

    def to_json(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "inspected_at": self.inspected_at.isoformat(),
            "pages_checked": self.pages_checked,
            "links_checked": self.links_checked,
            "broken_links": [{"source": b.source, "target": b.target, "status": b.status, "text": b.text,
                              "error": b.error} for b in self.broken_links],
            "findings": [finding.to_dict() for finding in self.findings],
            "vetoes": [finding.to_dict() for finding in self.vetoes],
            "score": self.score.to_dict(),
            "columns": [column.to_dict() for column in self.columns],
            "crawl": {"elapsed": round(self.elapsed, 3), "skipped": self.skipped,
                      "errors": [{"url": url, "error": error} for url, error in self.errors]},
        }


async def _http_variant_final_url(url: str, config: CrawlConfig) -> str | None:
    """Where the ``http://`` form of an HTTPS homepage ends after redirects (None when it does not answer);
    asked as the crawl asks, with its user agent and timeout."""
    plain = "http://" + url.split("://", 1)[1]
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=config.timeout),
                                         headers={"User-Agent": config.user_agent}) as session, \
                session.get(plain, allow_redirects=True) as response:
            return str(response.url)
    except (aiohttp.ClientError, TimeoutError):
        return None


def _column_reports(columns: list[Column], summaries: Mapping[str, ColumnPage], table: IndicatorTable,
                    max_chars: int) -> list[ColumnReport]:
    reports = []
    for column in columns:
        kind = column_kind(column.name, table.checks["news_columns"], table.checks["notice_columns"])
        page = summaries.get(column.url)
        if page is None:
            reports.append(ColumnReport(column.name, column.url, kind, fetched=False))
        else:
            reports.append(ColumnReport(column.name, column.url, kind, True, page.newest, page.items,
                                        is_blank(page, max_chars)))
    return reports


async def _site_findings(collected: PageChecks, crawl: CrawlResult, table: IndicatorTable, today: date,
                         has_services: bool, config: CrawlConfig) -> list[Finding]:
    """The checks over the whole site, once the crawl is done."""
    homepage = collected.homepage
    if homepage is None or homepage.page.status is None or homepage.page.status >= 400:
        return []  # the homepage did not load: its availability finding says so, nothing else can be judged
    page = homepage.page
    if not homepage.parsed:
        where = f"跳转到 {page.redirects[-1]}" if page.redirects else f"内容类型 {page.content_type or '未知'}"
        return [Finding("availability.homepage", HOMEPAGE_AVAILABILITY, page.url, INFO,
                        f"首页没有返回可检查的网页（{where}），未进行栏目、更新和互动等站点级检查",
                        evidence(page=page.url, status=page.status))]
    checks = table.checks
    pairs = [(column, collected.summaries[column.url]) for column in homepage.columns
             if column.url in collected.summaries]
    max_chars = table.param(BLANK_COLUMNS, "content_chars")
    findings = homepage_freshness(page.final_url, homepage.rows, today,
                                  min_updates=table.param(HOMEPAGE_UPDATES, "min_updates"),
                                  window_days=table.param(HOMEPAGE_UPDATES, "window_days"),
                                  second_level_newest=newest(summary.newest for _, summary in pairs))
    findings += column_freshness([(c, s) for c, s in pairs if not is_blank(s, max_chars)], today,
                                 news_words=checks["news_columns"], notice_words=checks["notice_columns"],
                                 other_days=table.param(COLUMN_UPDATES, "other_columns_days"))
    findings += blank_column_findings(pairs, max_chars=max_chars)
    findings += redirect_findings(collected.external, crawl.statuses, checks["government_hosts"])
    findings += consultation_findings(collected.channels, crawl.statuses, page.final_url)
    if has_services:
        findings += online_service_findings(collected.service_links, page.final_url)
    http_final = await _http_variant_final_url(page.final_url, config) if page.final_url.startswith("https:") \
        else None
    findings += site_https_findings(page, http_final)
    return findings


async def inspect_site(config: CrawlConfig, *, baseline: Mapping[str, str] | None = None,
                       sensitive_words: Iterable[str] = (), now: datetime | None = None,
                       progress: Callable[[int, int], None] | None = None, indicators: IndicatorTable | None = None,
                       probes: Iterable[Probe] | None = None, has_services: bool = True, is_portal: bool = True,
                       bonus_items: Iterable[BonusItem] = ()) -> InspectionResult:
    """Inspect the site ``config`` describes and score it. ``now`` is the reference moment (default: now);
    ``probes`` the availability probes of the monitoring window (none: the 站点无法访问 veto is not judged)."""
    now = now or datetime.now(UTC)
    today = now.astimezone(get_settings().zone).date()
    table = indicators or load_indicators()
    collected = PageChecks(config.start_url, today, table, Scanner(sensitive_words), dict(baseline or {}))
    crawl = await Crawler(config).run(on_page=collected.on_page, progress=progress)
    try:
        broken = list(crawl.broken_links())
        homepage = collected.homepage
        homepage_urls = [config.start_url, *([homepage.page.final_url] if homepage else [])]
        findings = collected.findings + broken_link_findings(broken, homepage_urls)
        findings += await _site_findings(collected, crawl, table, today, has_services, config)
        if probes is not None:
            findings += availability_veto(probes, now, url=config.start_url)
        columns = _column_reports(homepage.columns if homepage else [], collected.summaries, table,
                                  table.param(BLANK_COLUMNS, "content_chars"))
        report = score(findings, indicators=table, has_services=has_services, is_portal=is_portal,
                       bonus_items=bonus_items)
        return InspectionResult(config.start_url, now, crawl.pages_checked, crawl.links_checked, broken, findings,
                                report, columns, crawl.elapsed, crawl.skipped, crawl.errors, collected.texts)
    finally:
        crawl.close()
