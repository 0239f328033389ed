"""国办秘函〔2019〕19号 单项否决 站点无法访问: 1 week, at least 20 probes a day, 5% not loaded within 15 s."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from yangguang.inspection.checklist import HOMEPAGE_AVAILABILITY, VETO_UNREACHABLE
from yangguang.inspection.checks import DEDUCTION, INFO, VETO
from yangguang.inspection.checks.availability import Probe, availability_veto, homepage_availability

from .page_factory import make_page

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def week_of_probes(per_day: int, failing: int = 0, slow: float = 20.0, days: int = 7) -> list[Probe]:
    """``per_day`` probes on each of ``days`` days before NOW; the first ``failing`` ones take ``slow`` s."""
    step = timedelta(days=1) / per_day
    probes = [Probe(NOW - timedelta(days=day) - step * (i + 0.5), 1.2) for day in range(days) for i in range(per_day)]
    return [Probe(p.at, slow) if index < failing else p for index, p in enumerate(probes)]


def test_five_percent_of_probes_slower_than_15_seconds_is_the_veto():
    probes = week_of_probes(20, failing=7)  # 7 of 140 = 5%
    [finding] = availability_veto(probes, NOW, url="http://x.gov.cn/")
    assert (finding.severity, finding.checklist_item) == (VETO, VETO_UNREACHABLE)
    assert finding.evidence["failed"] == 7 and finding.evidence["probes"] == 140
    assert finding.evidence["share"] == "5.0%"


def test_just_under_five_percent_passes():
    assert availability_veto(week_of_probes(20, failing=6), NOW) == []  # 6 of 140 = 4.3%


def test_a_probe_that_got_no_page_counts_as_not_loaded():
    probes = week_of_probes(20)
    probes[:7] = [Probe(p.at, None) for p in probes[:7]]
    assert availability_veto(probes, NOW)[0].severity == VETO


def test_exactly_15_seconds_is_loaded_in_time():
    assert availability_veto(week_of_probes(20, failing=20, slow=15.0), NOW) == []


def test_fewer_than_20_probes_on_one_day_is_not_yet_sufficient():
    """Every probe failed, but the fourth day back was probed only 19 times: no verdict yet."""
    day_four = (NOW - timedelta(days=4), NOW - timedelta(days=3))
    probes = week_of_probes(20, failing=140)
    probes.remove(next(p for p in probes if day_four[0] < p.at <= day_four[1]))
    [finding] = availability_veto(probes, NOW)
    assert finding.severity == INFO and finding.evidence["days_short"] == 1


def test_probes_outside_the_week_are_ignored():
    old = [Probe(NOW - timedelta(days=8, minutes=i), None) for i in range(100)]
    assert availability_veto(week_of_probes(20) + old, NOW) == []


def test_homepage_not_loading_in_a_one_off_crawl_is_a_deduction():
    """国办发〔2015〕15号 网站可用性: 首页可用性."""
    page = make_page("", status=None, error="timeout")
    [finding] = homepage_availability(page)
    assert (finding.severity, finding.checklist_item) == (DEDUCTION, HOMEPAGE_AVAILABILITY)
    assert "timeout" in finding.detail
    assert homepage_availability(make_page("<p>x</p>", status=503))[0].evidence["status"] == 503
    assert "16.0 秒" in homepage_availability(make_page("<p>x</p>", elapsed=16.0))[0].detail
    assert homepage_availability(make_page("<p>x</p>", elapsed=3.0)) == []
