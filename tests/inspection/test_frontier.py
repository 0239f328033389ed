"""The crawl frontier in SQLite: de-duplication, breadth-first order, redirect claims, and resuming a
crawl after it was killed midway."""

from __future__ import annotations

import asyncio

import pytest

from tests.inspection.sites import generated_routes, local_site
from yangguang.core.errors import InvalidInput
from yangguang.inspection.crawler import CrawlConfig, Crawler
from yangguang.inspection.frontier import DONE, IN_FLIGHT, QUEUED, SKIPPED, Frontier, Outcome, open_database
from yangguang.inspection.urls import url_key


@pytest.fixture
def frontier():
    conn = open_database(None)
    yield Frontier(conn)
    conn.close()


def test_add_deduplicates_at_enqueue(frontier):
    assert frontier.add("http://a.cn/?a=1&b=2", 0)
    assert not frontier.add("http://a.cn/?b=2&a=1", 3)
    rows = [("http://a.cn/x", 1, "http://a.cn/"), ("http://a.cn/x", 1, None), ("http://a.cn/y", 1, None)]
    assert frontier.add_many(rows) == 2
    assert frontier.count(QUEUED) == 3


def test_pop_is_breadth_first_and_marks_in_flight(frontier):
    frontier.add_many([("http://a.cn/deep", 3, None), ("http://a.cn/b", 1, None), ("http://a.cn/c", 1, None)])
    frontier.add("http://a.cn/", 0)
    assert [entry.url for entry in frontier.pop(3)] == ["http://a.cn/", "http://a.cn/b", "http://a.cn/c"]
    assert [entry.url for entry in frontier.pop(10)] == ["http://a.cn/deep"]
    assert frontier.pop(10) == []
    assert frontier.count(IN_FLIGHT) == 4
    assert frontier.requeue_in_flight() == 4
    assert frontier.count(QUEUED) == 4


def test_page_skipped_for_depth_is_queued_when_met_at_an_allowed_depth(frontier):
    assert frontier.skip("http://a.cn/x", 5, None, "max_depth")
    assert frontier.skip("http://a.cn/t", 2, None, "trap")
    assert frontier.skip_counts() == {"max_depth": 1, "trap": 1}
    assert frontier.add("http://a.cn/x", 2)
    assert not frontier.add("http://a.cn/t", 1)
    assert frontier.count(SKIPPED) == 1
    assert [entry.depth for entry in frontier.pop(5)] == [2]


def test_claim_takes_new_or_queued_urls_but_not_ones_in_flight(frontier):
    assert frontier.claim("http://a.cn/new", 1, "http://a.cn/")
    frontier.add("http://a.cn/queued", 1)
    assert frontier.claim("http://a.cn/queued", 1, None)
    frontier.add("http://a.cn/popped", 1)
    frontier.pop(1)
    assert not frontier.claim("http://a.cn/popped", 1, None)
    assert not frontier.claim("http://a.cn/new", 1, None)


def test_finish_resolves_pages_pointing_at_a_page_that_finishes_later(frontier):
    for url in ("http://a.cn/old", "http://a.cn/new"):
        frontier.add(url, 0)
    frontier.pop(2)
    old, new = url_key("http://a.cn/old"), url_key("http://a.cn/new")
    assert frontier.finish([old], Outcome(301, "http://a.cn/new", None), redirect_to=new) == {}
    ok = Outcome(200, "http://a.cn/new", None)
    assert frontier.finish([new], ok) == {new: ok, old: ok}
    assert frontier.count(DONE) == 2


def test_finish_copies_the_outcome_of_a_page_already_done(frontier):
    frontier.add("http://a.cn/done", 0)
    frontier.pop(1)
    done = url_key("http://a.cn/done")
    gone = Outcome(404, "http://a.cn/done", None)
    frontier.finish([done], gone)
    frontier.add("http://a.cn/alias", 0)
    frontier.pop(1)
    alias = url_key("http://a.cn/alias")
    assert frontier.finish([alias], Outcome(302, "http://a.cn/done", None), redirect_to=done) == {alias: gone}


def test_pointer_cycle_is_settled_as_a_redirect_loop(frontier):
    a, b = url_key("http://a.cn/a"), url_key("http://a.cn/b")
    frontier.add_many([("http://a.cn/a", 0, None), ("http://a.cn/b", 0, None)])
    frontier.pop(2)
    frontier.finish([a], Outcome(302, "http://a.cn/b", None), redirect_to=b)
    frontier.finish([b], Outcome(302, "http://a.cn/a", None), redirect_to=a)
    settled = frontier.settle_pointers()
    assert settled[a].error == settled[b].error == "redirect_loop"


def test_file_frontier_survives_reopening(tmp_path):
    path = tmp_path / "crawl.db"
    conn = open_database(path)
    Frontier(conn).add_many([("http://a.cn/", 0, None), ("http://a.cn/x", 1, None)])
    Frontier(conn).pop(1)
    conn.close()
    reopened = Frontier(open_database(path))
    assert reopened.count(IN_FLIGHT) == 1
    reopened.requeue_in_flight()
    assert [entry.url for entry in reopened.pop(5)] == ["http://a.cn/", "http://a.cn/x"]
    reopened.conn.close()


async def _crawl_killed_after(config: CrawlConfig, pages: int, delivered: list[str]) -> None:
    """Run a crawl as a task and cancel it once ``pages`` pages were delivered (a killed process)."""
    task: asyncio.Task | None = None

    def on_page(page):
        delivered.append(page.url)
        if len(delivered) == pages:
            task.cancel()

    task = asyncio.create_task(Crawler(config).run(on_page=on_page))
    with pytest.raises(asyncio.CancelledError):
        await task


def test_crawl_killed_midway_resumes_without_refetching_done_pages(tmp_path):
    path = tmp_path / "crawl.db"
    with local_site(generated_routes(120, links_per_page=5)) as site:
        settings = dict(max_pages=500, concurrency=4, per_host_concurrency=4, frontier_path=path)
        first_run: list[str] = []
        asyncio.run(_crawl_killed_after(CrawlConfig(site.url("/p/0.html"), **settings), 40, first_run))
        assert 40 <= len(first_run) < 120  # workers ready in the same loop turn may deliver one more
        requests_before = len(site.requests)

        second_run: list[str] = []
        crawler = Crawler(CrawlConfig(site.url("/p/0.html"), **settings))
        result = asyncio.run(crawler.run(on_page=lambda page: second_run.append(page.url)))
        requested_again = {target for _, target in site.requests[requests_before:]}

        assert not set(first_run) & set(second_run)
        assert not {url.removeprefix(site.base_url) for url in first_run} & requested_again
        assert set(first_run) | set(second_run) == {site.url(f"/p/{index}.html") for index in range(120)}
        assert result.pages_checked == 120
        assert result.skipped["max_pages"] == 0
        assert result.statuses[site.url("/p/7.html")].status == 200
        result.close()


def test_frontier_file_of_another_crawl_is_refused(tmp_path):
    path = tmp_path / "crawl.db"
    with local_site(generated_routes(3)) as site:
        result = asyncio.run(Crawler(CrawlConfig(site.url("/p/0.html"), frontier_path=path)).run())
        result.close()
        with pytest.raises(InvalidInput) as caught:
            asyncio.run(Crawler(CrawlConfig(site.url("/p/1.html"), frontier_path=path)).run())
    assert caught.value.field == "frontier_path"
