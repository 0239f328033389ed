"""The checks run on each page as the crawl streams it, and what the site-level checks keep of each page.

Memory stays bounded: a page is dropped once :meth:`PageChecks.on_page` returns; what is kept is its findings,
a :class:`~yangguang.inspection.checks.columns.ColumnPage` summary, the first place each external and
consultation link was seen, and the text of pages given a baseline (plus the homepage's, the next baseline).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from yangguang.disclosure.service import Scanner
from yangguang.inspection.checklist import MESSAGE_REPLIES, TAMPERING
from yangguang.inspection.checks import Finding
from yangguang.inspection.checks.availability import homepage_availability
from yangguang.inspection.checks.columns import Column, ColumnPage, discover_columns, summarise_page
from yangguang.inspection.checks.freshness import forged_date_findings
from yangguang.inspection.checks.hidden import hidden_findings
from yangguang.inspection.checks.keywords import KeywordMatcher
from yangguang.inspection.checks.links import wrong_link_findings
from yangguang.inspection.checks.messages import is_consultation_link, message_findings, message_rows
from yangguang.inspection.checks.privacy import privacy_findings
from yangguang.inspection.checks.services import guide_findings, is_service_link
from yangguang.inspection.checks.tampering import baseline_findings, script_findings
from yangguang.inspection.checks.transport import mixed_content_findings
from yangguang.inspection.dates import ListItem, list_rows
from yangguang.inspection.fetched import Page
from yangguang.inspection.html_text import page_lines
from yangguang.inspection.indicators import IndicatorTable


@dataclass
class Homepage:
    """What the site-level checks need of the homepage."""

    page: Page  # without its text and tree (the crawler drops them)
    rows: list[ListItem]
    columns: list[Column]
    parsed: bool  # it was an HTML page the checks could read


@dataclass
class PageChecks:
    """Runs the page checks of one inspection; pass :meth:`on_page` to the crawler."""

    start_url: str
    today: date
    table: IndicatorTable
    scanner: Scanner
    baseline: Mapping[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    summaries: dict[str, ColumnPage] = field(default_factory=dict)
    external: dict[str, tuple[str, str]] = field(default_factory=dict)  # target -> (page, text)
    channels: dict[str, tuple[str, str]] = field(default_factory=dict)
    service_links: int = 0
    texts: dict[str, str] = field(default_factory=dict)  # visible text of the homepage and baselined pages
    homepage: Homepage | None = None

    def __post_init__(self) -> None:
        self.matcher = KeywordMatcher(self.table.keywords)
        self.checks = self.table.checks

    def on_page(self, page: Page) -> None:
        is_homepage = page.url == self.start_url and self.homepage is None
        if is_homepage:
            self.findings += homepage_availability(page)
        self._note_links(page)
        if page.tree is None:
            if is_homepage:
                self.homepage = Homepage(page, [], [], parsed=False)
            return
        rows = list_rows(page.tree, self.today)
        if is_homepage:
            self.homepage = Homepage(page, rows, discover_columns(page, self.checks["not_columns"]), parsed=True)
        lines = page_lines(page.tree)
        summary = summarise_page(page, rows, lines, self.checks["blank_explanations"])
        self.summaries[page.url] = self.summaries[page.final_url] = summary
        self.findings += self._page_findings(page, rows, lines)
        if is_homepage or page.url in self.baseline or page.final_url in self.baseline:
            self.texts[page.final_url] = lines

    def _page_findings(self, page: Page, rows: list[ListItem], lines: str) -> list[Finding]:
        checks, url = self.checks, page.final_url
        findings = forged_date_findings(url, rows, self.today)
        findings += wrong_link_findings(page, checks["organ_domains"])
        findings += hidden_findings(page, lines, self.matcher, checks["government_hosts"])
        findings += script_findings(page, self.matcher, checks["script_hosts"])
        findings += mixed_content_findings(page)
        findings += privacy_findings(url, lines, self.scanner, self.today)
        findings += message_findings(message_rows(page.tree, lines, url, self.today), self.today,
                                     reply_days=self.table.param(MESSAGE_REPLIES, "reply_days"))
        findings += guide_findings(page, lines, checks["guide_key_elements"], checks["guide_other_elements"])
        baseline = self.baseline.get(page.url, self.baseline.get(url))
        if baseline is not None:
            findings += baseline_findings(url, lines, baseline,
                                          threshold=float(self.table.param(TAMPERING, "similarity")))
        return findings

    def _note_links(self, page: Page) -> None:
        checks = self.checks
        for link in page.links:
            if link.kind != "a":
                continue
            if not link.internal:
                self.external.setdefault(link.target, (link.source, link.text))
            if is_consultation_link(link.text, checks["consultation_words"], checks["excluded_channel_words"]):
                self.channels.setdefault(link.target, (link.source, link.text))
            if is_service_link(link.text, checks["service_words"]):
                self.service_links += 1
