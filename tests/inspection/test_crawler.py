"""The crawler against a hostile site: every bad behaviour ends within the crawl's limits and is
reported; nothing outside the scope is fetched except one check per external link."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from tests.inspection.sites import GOV_TEXT, HostileSites, hostile_site
from yangguang.inspection.crawler import CrawlConfig, Crawler, CrawlResult
from yangguang.inspection.fetched import Page

MAX_BYTES = 2**20
RETRIES = 2


@dataclass
class HostileCrawl:
    sites: HostileSites
    result: CrawlResult
    pages: dict[str, Page] = field(default_factory=dict)
    texts: dict[str, str | None] = field(default_factory=dict)
    delivered: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.sites.site.url(path)

    def ext(self, path: str) -> str:
        return self.sites.external.url(path)


@pytest.fixture(scope="module")
def crawl():
    with hostile_site(slow_seconds=10) as sites:
        config = CrawlConfig(
            sites.site.url("/"), timeout=2.0, retries=RETRIES, retry_backoff=0.05, max_retry_wait=2.0,
            max_bytes=MAX_BYTES, max_pages=500,
        )
        pages: dict[str, Page] = {}
        texts: dict[str, str | None] = {}
        delivered: list[str] = []

        async def on_page(page: Page) -> None:
            await asyncio.sleep(0)
            delivered.append(page.url)
            pages[page.url] = page
            texts[page.url] = page.text

        result = asyncio.run(Crawler(config).run(on_page=on_page))
        yield HostileCrawl(sites, result, pages, texts, delivered)
        result.close()


def test_the_crawl_finishes_and_fetches_every_page_once(crawl):
    site = crawl.sites.site
    assert len(crawl.delivered) == len(set(crawl.delivered)) == crawl.result.pages_checked
    for path in ("/", "/news/1.html", "/news/2.html", "/encoding/liar.html", "/malformed.html"):
        assert site.count(path, "GET") == 1, path
    assert crawl.pages[crawl.url("/")].status == 200


def test_page_text_and_tree_are_dropped_after_on_page(crawl):
    home = crawl.pages[crawl.url("/")]
    assert home.text is None and home.tree is None
    assert GOV_TEXT in crawl.texts[crawl.url("/")]
    assert home.links


def test_robots_txt_is_read_once_and_obeyed(crawl):
    site = crawl.sites.site
    assert site.count("/robots.txt") == 1
    assert site.count("/private/secret.html") == 0
    assert crawl.result.skipped["robots"] == 1


def test_nothing_out_of_scope_is_fetched_but_one_check_per_external_link(crawl):
    external = crawl.sites.external
    assert external.paths() <= {"/ok", "/gone", "/nohead", "/reset-on-head", "/landing"}
    assert external.count("/ok") == 1 and external.count("/ok", "HEAD") == 1
    assert external.count("/landing") == 1
    assert external.count("/gone", "HEAD") == 1 and external.count("/gone", "GET") == 1
    assert external.count("/nohead", "HEAD") == 1 and external.count("/nohead", "GET") == 1
    assert external.count("/reset-on-head", "GET") == 1
    assert external.count("/reset-on-head", "HEAD") <= 2  # aiohttp itself retries once on a dropped keep-alive
    assert crawl.result.skipped["out_of_scope"] == 5
    statuses = crawl.result.statuses
    assert (statuses[crawl.ext("/ok")].status, statuses[crawl.ext("/ok")].method) == (200, "HEAD")
    assert (statuses[crawl.ext("/nohead")].status, statuses[crawl.ext("/nohead")].method) == (200, "GET")
    assert (statuses[crawl.ext("/reset-on-head")].status, statuses[crawl.ext("/reset-on-head")].method) == (200, "GET")
    assert statuses[crawl.ext("/gone")].status == 404


@pytest.mark.parametrize(
    "path",
    ["/encoding/gbk-header.html", "/encoding/gbk-meta.html", "/encoding/gbk-http-equiv.html", "/encoding/liar.html",
     "/encoding/plain-gb18030.html"],
)
def test_gbk_family_pages_are_decoded(crawl, path):
    assert crawl.pages[crawl.url(path)].encoding == "gb18030"
    assert GOV_TEXT in crawl.texts[crawl.url(path)]


def test_page_without_charset_in_utf8_is_decoded(crawl):
    assert crawl.pages[crawl.url("/encoding/plain-utf8.html")].encoding == "utf-8"
    assert GOV_TEXT in crawl.texts[crawl.url("/encoding/plain-utf8.html")]


def test_links_are_found_in_malformed_html(crawl):
    page = crawl.pages[crawl.url("/malformed.html")]
    assert [link.target for link in page.links] == [crawl.url("/news/2.html")]


def test_infinite_calendar_and_query_trap_are_cut(crawl):
    site = crawl.sites.site
    calendar = [path for path in site.paths() if path.startswith("/calendar")]
    assert 2 <= len(calendar) <= 6 * 12 + 2  # the trap window: five years back, one ahead
    trap = [path for path in site.paths() if path.startswith("/trap")]
    assert 2 <= len(trap) <= 12
    assert crawl.result.skipped["trap"] >= 2
    assert len(site.requests) < 300


def test_redirect_loop_and_long_chain_are_stopped_and_reported(crawl):
    site = crawl.sites.site
    assert site.count("/loop/a") == site.count("/loop/b") == 1
    assert crawl.result.statuses[crawl.url("/loop/a")].error == "redirect_loop"
    assert sum(site.count(f"/chain/{step}") for step in range(16)) == 11
    assert crawl.result.statuses[crawl.url("/chain/0")].error == "too_many_redirects"
    assert (crawl.url("/loop/a"), "redirect_loop") in crawl.result.errors
    assert (crawl.url("/chain/0"), "too_many_redirects") in crawl.result.errors


def test_huge_page_is_cut_at_the_cap_and_still_parsed(crawl):
    page = crawl.pages[crawl.url("/huge.html")]
    assert page.truncated and page.size == MAX_BYTES
    assert [link.target for link in page.links] == [crawl.url("/news/1.html")]
    assert (crawl.url("/huge.html"), "truncated") in crawl.result.errors


def test_slow_and_dropping_servers_fail_after_their_retries(crawl):
    site = crawl.sites.site
    assert site.count("/slow.html") == RETRIES + 1
    assert crawl.pages[crawl.url("/slow.html")].error == "timeout"
    assert site.count("/drop.html") == RETRIES + 1
    assert crawl.pages[crawl.url("/drop.html")].error == "payload"
    assert {(crawl.url("/slow.html"), "timeout"), (crawl.url("/drop.html"), "payload")} <= set(crawl.result.errors)


def test_busy_answers_are_retried_honouring_retry_after(crawl):
    site = crawl.sites.site
    assert site.count("/busy.html") == 2 and crawl.pages[crawl.url("/busy.html")].status == 200
    assert site.count("/ratelimited.html") == 2 and crawl.pages[crawl.url("/ratelimited.html")].status == 200
    assert site.count("/always-busy.html") == RETRIES + 1
    assert crawl.result.statuses[crawl.url("/always-busy.html")].status == 503


def test_base_href_meta_refresh_and_sitemap_pages_are_followed(crawl):
    for path in ("/news/3.html", "/news/4.html", "/orphan.html"):
        assert crawl.pages[crawl.url(path)].status == 200
    site = crawl.sites.site
    assert site.count("/sitemap.xml") == site.count("/sitemap-pages.xml") == 1


def test_redirect_out_of_scope_is_recorded_and_checked_once(crawl):
    page = crawl.pages[crawl.url("/redirect-out")]
    assert (page.status, page.final_url, page.redirects) == (302, crawl.ext("/landing"), [crawl.ext("/landing")])
    assert crawl.result.statuses[crawl.ext("/landing")].status == 200


def test_resources_get_head_and_files_get_get_when_head_is_refused(crawl):
    site = crawl.sites.site
    assert site.count("/img/logo.png", "HEAD") == 1 and site.count("/img/logo.png", "GET") == 0
    assert site.count("/style.css", "HEAD") == 1
    report = crawl.result.statuses[crawl.url("/files/report.pdf")]
    assert (report.status, report.method) == (200, "GET")
    assert crawl.result.statuses[crawl.url("/img/missing.png")].broken


def test_broken_links_are_reported_for_every_page_that_has_them(crawl):
    home, news1, news2 = crawl.url("/"), crawl.url("/news/1.html"), crawl.url("/news/2.html")
    broken = {(link.source, link.target, link.status, link.error) for link in crawl.result.broken_links()}
    expected = {
        (home, crawl.url("/missing.html"), 404, None),
        (news1, crawl.url("/missing.html"), 404, None),
        (home, crawl.ext("/gone"), 404, None),
        (news2, crawl.ext("/gone"), 404, None),
        (home, crawl.url("/img/missing.png"), 404, None),
        (home, crawl.url("/slow.html"), None, "timeout"),
        (home, "http://[::1", None, "malformed_url"),
        (home, "C:\\docs\\a.doc", None, "malformed_url"),
        (home, crawl.url("/always-busy.html"), 503, None),
    }
    assert expected <= broken
    assert all(status is None or status >= 400 or error for _, _, status, error in broken)
    texts = {link.text for link in crawl.result.broken_links() if link.target == crawl.ext("/gone")}
    assert texts == {"外部失效"}


def test_other_schemes_are_counted_not_fetched(crawl):
    assert crawl.result.skipped["non_http"] == 4
    requested = crawl.sites.site.paths() | crawl.sites.external.paths()
    assert not [path for path in requested if any(word in path for word in ("javascript", "mailto", "12345", "base64"))]
    assert not any(target.startswith(("javascript", "mailto", "tel", "data")) for target in crawl.result.statuses)
