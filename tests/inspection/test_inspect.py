"""``inspect_site`` with the plain inputs the scheduled inspections give it: baselines, availability probes
(国办秘函〔2019〕19号 单项否决 站点无法访问), sites without services (75 x 4/3), homepages that cannot be checked."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from aiohttp import web

from yangguang.inspection.checklist import HOMEPAGE_AVAILABILITY, TAMPERING, VETO_SERVICES, VETO_UNREACHABLE
from yangguang.inspection.checks import DEDUCTION, INFO, VETO
from yangguang.inspection.checks.availability import Probe
from yangguang.inspection.crawler import CrawlConfig
from yangguang.inspection.inspect import _http_variant_final_url, inspect_site

from .sites import local_site, page, redirect

NOW = datetime(2026, 3, 5, 4, 0, tzinfo=UTC)
HOME = ('<div class="nav"><a href="/news/">工作动态</a></div><div class="main"><ul>'
        + "".join(f'<li><a href="/news/{i}.html">新闻{i}</a> 2026-03-0{i % 4 + 1}</li>' for i in range(10))
        + '</ul><a href="/mail/">领导信箱</a><p>欢迎访问某县人民政府门户网站</p></div>')


def inspect(site, **options):
    return asyncio.run(inspect_site(CrawlConfig(site.url("/"), max_pages=20), now=NOW, **options))


def test_baseline_probes_and_a_site_without_services():
    probes = [Probe(NOW - timedelta(hours=i, minutes=30), None if i % 10 == 0 else 0.5) for i in range(168)]
    with local_site({"/": page(HOME), "/news/": page(HOME)}) as site:
        result = inspect(site, baseline={site.url("/"): "本站已被黑客攻破 hacked by nobody 本站已被黑客攻破"},
                         probes=probes, has_services=False)
        home = site.url("/")
    findings = {(f.checklist_item, f.severity) for f in result.findings}
    assert (TAMPERING, DEDUCTION) in findings  # the homepage is nothing like its baseline
    assert (VETO_UNREACHABLE, VETO) in findings  # hourly for a week, 17 of 168 probes failed
    assert (VETO_SERVICES, VETO) not in findings  # no service entry, but the site offers none
    assert "欢迎访问某县人民政府门户网站" in result.texts[home]  # the next inspection's baseline
    assert any("乘以 4/3" in line for line in result.score.explain())


def test_a_homepage_that_does_not_load_is_judged_on_availability_only():
    with local_site({"/": page("<p>出错了</p>", status=500)}) as site:
        result = inspect(site)
    assert [(f.checklist_item, f.severity) for f in result.findings] == [(HOMEPAGE_AVAILABILITY, DEDUCTION)]
    assert result.score.total is not None and result.vetoes == []


def test_a_homepage_redirecting_out_of_the_site_is_reported_not_vetoed():
    with local_site({"/ok": page("<p>别处</p>")}) as elsewhere, \
            local_site({"/": redirect(elsewhere.url("/ok"))}) as site:
        result = inspect(site)
    [finding] = [f for f in result.findings if f.checklist_item == HOMEPAGE_AVAILABILITY]
    assert finding.severity == INFO and elsewhere.url("/ok") in finding.detail
    assert result.vetoes == []


def test_the_http_address_of_an_https_site_is_asked_as_the_crawl_asks():
    """The HTTPS-redirect check (HTTPS 与混合内容) identifies itself with the crawl's user agent."""
    async def home(request):
        seen = request.headers.get("User-Agent")
        return web.Response(status=302, headers={"Location": "/crawler" if seen == "Inspector-Test/1.0" else "/other"})

    with local_site({"/": home, "/crawler": page("<p>ok</p>"), "/other": page("<p>ok</p>")}) as site:
        config = CrawlConfig(site.url("/"), user_agent="Inspector-Test/1.0")
        final = asyncio.run(_http_variant_final_url(site.url("/").replace("http:", "https:", 1), config))
    assert final == site.url("/crawler")
