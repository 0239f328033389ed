"""The crawl's limits and settings: page budget, depth, scope, per-host concurrency, robots.txt,
redirect de-duplication, callbacks, and the validation of its configuration."""

from __future__ import annotations

import asyncio
import tempfile

import pytest
from aiohttp import web

from tests.inspection.sites import generated_routes, local_site, page, raw, redirect
from yangguang.core.errors import InvalidInput
from yangguang.inspection import crawler as crawler_module
from yangguang.inspection.crawler import CrawlConfig, Crawler
from yangguang.inspection.fetch import Fetcher, FetchLimits, HostGates, open_session
from yangguang.inspection.robots import SiteRobots


def crawl(config: CrawlConfig, on_page=None, progress=None):
    return asyncio.run(Crawler(config).run(on_page=on_page, progress=progress))


def page_gets(site) -> int:
    return sum(1 for method, target in site.requests if method == "GET" and target.startswith("/p/"))


def test_page_budget_stops_the_crawl_and_counts_what_is_left():
    with local_site(generated_routes(60, links_per_page=4)) as site:
        result = crawl(CrawlConfig(site.url("/p/0.html"), max_pages=10))
        assert result.pages_checked == 10
        assert page_gets(site) == 10
        assert result.skipped["max_pages"] > 0
        result.close()


def test_depth_limit():
    with local_site(generated_routes(60, links_per_page=3)) as site:
        depths: list[int] = []
        result = crawl(CrawlConfig(site.url("/p/0.html"), max_depth=1), on_page=lambda p: depths.append(p.depth))
        assert sorted(depths) == [0, 1, 1, 1]
        assert page_gets(site) == 4
        assert result.skipped["max_depth"] > 0
        result.close()


def test_large_crawls_keep_their_state_in_a_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(crawler_module, "IN_MEMORY_MAX_PAGES", 5)
    with local_site(generated_routes(8, links_per_page=2)) as site:
        result = crawl(CrawlConfig(site.url("/p/0.html"), max_pages=6))
        assert "crawl.db" in {path.name for path in tmp_path.glob("yangguang-crawl-*/*")}
        assert result.pages_checked == 6
        result.close()
    assert list(tmp_path.iterdir()) == []
    with local_site(generated_routes(8, links_per_page=2)) as site:
        crawl(CrawlConfig(site.url("/p/0.html"), max_pages=5)).close()
    assert list(tmp_path.iterdir()) == []


def test_path_prefix_scope_checks_other_pages_once_without_crawling_them():
    routes = {
        "/xxgk/": page('<a href="/xxgk/a.html">A</a> <a href="/about.html">关于</a> <a href="/xxgk2/">不是</a>'),
        "/xxgk/a.html": page('<a href="/about.html">关于</a>'),
        "/about.html": page('<a href="/secret.html">内</a>'),
    }
    with local_site(routes) as site:
        result = crawl(CrawlConfig(site.url("/xxgk/"), scope_prefixes=["/xxgk"], use_sitemaps=False))
        assert result.pages_checked == 2
        assert site.count("/about.html", "HEAD") == 1 and site.count("/about.html", "GET") == 0
        assert site.count("/secret.html") == 0
        assert result.skipped["out_of_scope"] == 2
        assert result.statuses[site.url("/xxgk2/")].status == 404
        result.close()


def _slow_pages(count: int):
    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(0.02)  # holds the request open so that requests to the host overlap
        index = int(request.path.rpartition("/")[2].partition(".")[0])
        links = "".join(f'<a href="/p/{other}.html">{other}</a>' for other in range(count) if other != index)
        return await page(links)(request)

    return {f"/p/{index}.html": slow for index in range(count)}


@pytest.mark.parametrize("per_host", [1, 3])
def test_per_host_concurrency_is_never_exceeded(per_host):
    with local_site(_slow_pages(20)) as site:
        result = crawl(CrawlConfig(site.url("/p/0.html"), concurrency=8, per_host_concurrency=per_host))
        assert result.pages_checked == 20
        assert site.max_active == per_host  # the limit is reached, never exceeded
        result.close()


def test_without_external_checks_no_request_leaves_the_site():
    with local_site() as external, local_site() as site:
        external.routes["/x"] = page("外部")
        site.routes["/"] = page(f'<a href="{external.url("/x")}">外部</a><a href="/a">内部</a>')
        site.routes["/a"] = page("A")
        result = crawl(CrawlConfig(site.url("/"), check_external=False))
        assert external.requests == []
        assert result.pages_checked == 2
        assert result.skipped["not_checked"] == 1 and result.skipped["out_of_scope"] == 1
        result.close()


def test_robots_can_be_ignored_on_request():
    routes = {"/robots.txt": raw(b"User-agent: *\nDisallow: /\n", content_type="text/plain"), "/": page("首页")}
    with local_site(routes) as site:
        assert crawl(CrawlConfig(site.url("/"))).pages_checked == 0
        assert site.count("/") == 0
        assert crawl(CrawlConfig(site.url("/"), respect_robots=False)).pages_checked == 1


def test_unreachable_robots_txt_disallows_everything_and_is_reported():
    routes = {"/robots.txt": raw(b"down", status=500, content_type="text/plain"), "/": page("首页")}
    with local_site(routes) as site:
        result = crawl(CrawlConfig(site.url("/"), retry_backoff=0.01))
        assert result.pages_checked == 0
        assert site.paths() == {"/robots.txt"}
        assert result.errors == [(site.url("/robots.txt"), "robots_unavailable")]
        result.close()


def test_crawl_delay_slows_the_host_down():
    robots = b"User-agent: Yangguang-Inspector\nCrawl-delay: 2\nDisallow: /no/\n"
    with local_site({"/robots.txt": raw(robots, content_type="text/plain")}) as site:

        async def check() -> None:
            async with open_session(2, 2, "Yangguang-Inspector/1.0") as session:
                gates = HostGates(2, None)
                rules = SiteRobots(Fetcher(session, gates, FetchLimits()), "Yangguang-Inspector/1.0",
                                   frozenset({site.host}), lambda url, error: None)
                assert await rules.allows(site.url("/yes.html"))
                assert not await rules.allows(site.url("/no/x.html"))
                assert gates(site.host).schedule.interval == 2.0

        asyncio.run(check())
        assert site.count("/robots.txt") == 1


def test_page_reached_by_a_link_and_a_redirect_is_fetched_once():
    routes = {
        "/": page('<a href="/old">旧</a> <a href="/new/">新</a> <a href="/gone-old">坏</a>'),
        "/old": redirect("/new/", 301),
        "/new/": page("<p>新</p>"),
        "/gone-old": redirect("/gone", 301),
    }
    with local_site(routes) as site:
        delivered: list[str] = []
        result = crawl(CrawlConfig(site.url("/"), use_sitemaps=False), on_page=lambda p: delivered.append(p.url))
        assert site.count("/new/") == 1 and site.count("/gone") == 1
        old = result.statuses[site.url("/old")]
        assert (old.status, old.final_url) == (200, site.url("/new/"))
        assert result.statuses[site.url("/gone-old")].status == 404
        assert {link.target for link in result.broken_links()} == {site.url("/gone-old")}
        result.close()


def test_progress_reports_growing_totals_up_to_completion():
    with local_site(generated_routes(30, links_per_page=3)) as site:
        calls: list[tuple[int, int]] = []
        result = crawl(CrawlConfig(site.url("/p/0.html")), progress=lambda done, total: calls.append((done, total)))
        assert all(done <= total for done, total in calls)
        assert [done for done, _ in calls] == sorted(done for done, _ in calls)
        assert calls[-1][0] == calls[-1][1] == result.pages_checked + 1  # the stylesheet's check
        result.close()


def test_an_error_in_on_page_stops_the_crawl():
    def failing(page):
        raise RuntimeError("检查出错")

    with local_site(generated_routes(5)) as site, pytest.raises(RuntimeError):
        crawl(CrawlConfig(site.url("/p/0.html")), on_page=failing)


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"max_pages": 0}, "max_pages"),
        ({"max_pages": -5}, "max_pages"),
        ({"max_pages": True}, "max_pages"),
        ({"concurrency": 0}, "concurrency"),
        ({"per_host_concurrency": 0}, "per_host_concurrency"),
        ({"max_bytes": 0}, "max_bytes"),
        ({"timeout": 0}, "timeout"),
        ({"per_host_rate": 0}, "per_host_rate"),
        ({"max_depth": -1}, "max_depth"),
        ({"retries": -1}, "retries"),
        ({"max_redirects": 1.5}, "max_redirects"),
        ({"user_agent": "a\r\nX-Evil: 1"}, "user_agent"),
        ({"scope_hosts": "a.gov.cn"}, "scope_hosts"),
        ({"scope_hosts": ["other.gov.cn"]}, "start_url"),
        ({"scope_prefixes": ["/xxgk/"]}, "start_url"),
        ({"scope_prefixes": ["xxgk"]}, "scope_prefixes"),
    ],
)
def test_bad_settings_are_refused(settings, field):
    with pytest.raises(InvalidInput) as caught:
        CrawlConfig("http://www.example.gov.cn/", **settings)
    assert caught.value.field == field
    assert caught.value.reason


@pytest.mark.parametrize("url", ["ftp://www.example.gov.cn/", "javascript:alert(1)", "http://", "not a url", ""])
def test_bad_start_url_is_refused(url):
    with pytest.raises(InvalidInput) as caught:
        CrawlConfig(url)
    assert caught.value.field == "start_url"


def test_start_url_is_normalised_and_defines_the_default_scope():
    config = CrawlConfig("HTTP://WWW.Example.gov.cn:80/index.html#top")
    assert config.start_url == "http://www.example.gov.cn/index.html"
    assert config.scope.contains("https://www.example.gov.cn/a.html")
    assert not config.scope.contains("http://example.gov.cn/")
