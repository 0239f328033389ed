"""Availability: the 站点无法访问 veto over a monitoring window of probes, and the homepage's own fetch.

国办秘函〔2019〕19号, 站点无法访问: "monitored for 1 week with at least 20 probes a day, the share of probes that
do not load within 15 seconds reaches 5%". A probe that got no page, or got it later than 15 s, did not load.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from yangguang.inspection.checklist import HOMEPAGE_AVAILABILITY, VETO_UNREACHABLE
from yangguang.inspection.checks.findings import DEDUCTION, INFO, VETO, Finding, evidence
from yangguang.inspection.fetched import Page

WINDOW = timedelta(days=7)
MIN_PROBES_PER_DAY = 20
SLOW_SECONDS = 15.0
FAILURE_SHARE = Decimal("0.05")


@dataclass(frozen=True)
class Probe:
    at: datetime
    seconds: float | None  # time to load the homepage; None: it did not load (error, timeout, HTTP error)

    def loaded(self, slow_seconds: float) -> bool:
        return self.seconds is not None and self.seconds <= slow_seconds


def availability_veto(probes: Iterable[Probe], now: datetime, *, url: str = "",
                      window: timedelta = WINDOW, min_per_day: int = MIN_PROBES_PER_DAY,
                      slow_seconds: float = SLOW_SECONDS, share: Decimal = FAILURE_SHARE) -> list[Finding]:
    """The 站点无法访问 veto when the window is monitored enough and the failure share reaches ``share``; a
    finding saying the window is not yet sufficient otherwise; nothing when the site passes."""
    start = now - window
    in_window = [p for p in probes if start < p.at <= now]
    days = max(1, round(window / timedelta(days=1)))
    per_day = [0] * days
    for probe in in_window:
        per_day[min(days - 1, int((now - probe.at) / timedelta(days=1)))] += 1
    short_days = sum(1 for count in per_day if count < min_per_day)
    if short_days:
        return [Finding("availability.probes", VETO_UNREACHABLE, url, INFO,
                        f"监测不足：近 {days} 天中有 {short_days} 天探测少于每天 {min_per_day} 次，"
                        "暂不能判定站点能否访问",
                        evidence(page=url, probes=len(in_window), days_short=short_days))]
    failed = [p for p in in_window if not p.loaded(slow_seconds)]
    ratio = Decimal(len(failed)) / Decimal(len(in_window))
    if ratio < share:
        return []
    percent = (ratio * 100).quantize(Decimal("0.1"))
    first = sorted(failed, key=lambda p: p.at)[:5]
    return [Finding("availability.probes", VETO_UNREACHABLE, url, VETO,
                    f"近 {days} 天探测 {len(in_window)} 次，{len(failed)} 次未能在 {slow_seconds:g} 秒内打开"
                    f"（{percent}%），达到 {share * 100:g}%",
                    evidence(page=url, probes=len(in_window), failed=len(failed), share=f"{percent}%",
                             failed_at=[p.at.isoformat() for p in first]))]


def homepage_availability(page: Page, *, slow_seconds: float = SLOW_SECONDS) -> list[Finding]:
    """The homepage's own fetch in a one-off inspection: not loaded, or loaded later than 15 s (首页可用性)."""
    if page.error is not None or page.status is None or page.status >= 400:
        reason = f"HTTP {page.status}" if page.status is not None else (page.error or "无响应")
        return [Finding("availability.homepage", HOMEPAGE_AVAILABILITY, page.url, DEDUCTION,
                        f"首页无法访问（{reason}）", evidence(page=page.url, status=page.status, error=page.error))]
    if page.elapsed > slow_seconds:
        return [Finding("availability.homepage", HOMEPAGE_AVAILABILITY, page.url, DEDUCTION,
                        f"首页打开用时 {page.elapsed:.1f} 秒，超过 {slow_seconds:g} 秒",
                        evidence(page=page.url, seconds=round(page.elapsed, 1)))]
    return []
