"""The asynchronous crawler of the website inspection: fetches the site's pages once each, hands every
page to the checks, and checks every distinct link target once.

Flow of a crawl: robots.txt of the start origin, the sitemaps, then a pool of ``concurrency`` workers
fed by :class:`~yangguang.inspection.scheduler.JobSource`. A page job fetches one in-scope URL with
GET, following redirects itself (loops detected; a redirect out of the scope is recorded and its
target checked once, never crawled), decodes and parses the HTML once (selectolax.lexbor), extracts
the links, calls ``on_page`` (awaited when it returns an awaitable), then drops the text and tree and
records, in one transaction, the outcome and the links found: in-scope page links are queued,
everything else becomes a target for one HEAD/GET check. Internal page targets take the status of
their fetch. See :mod:`.linkstore` for how link occurrences are kept in bounded memory.

State: a SQLite database, in memory for crawls of up to :data:`IN_MEMORY_MAX_PAGES` pages, in a
temporary file beyond (deleted by :meth:`CrawlResult.close`), or in ``frontier_path``.
Resuming: with ``frontier_path`` the state lives in a SQLite file committed after every page. A crawl
run again on the same file skips the pages already done; pages that were in flight when the process
died are fetched again (so ``on_page`` may see them twice).
"""

from __future__ import annotations

import asyncio
import inspect
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from yangguang.core.errors import InvalidInput
from yangguang.inspection.crawl_config import DEFAULT_USER_AGENT, CrawlConfig
from yangguang.inspection.decode import decode
from yangguang.inspection.extract import PAGE_KINDS, Extracted, LinkExtractor
from yangguang.inspection.fetch import Fetcher, HostGates, Response, open_session
from yangguang.inspection.fetched import LinkStatus, Page
from yangguang.inspection.frontier import (
    DONE,
    IN_FLIGHT,
    QUEUED,
    Frontier,
    FrontierEntry,
    Outcome,
    open_database,
    transaction,
)
from yangguang.inspection.linkstore import CHECK, PAGE, PENDING, BrokenLink, CheckEntry, LinkStatuses, LinkStore
from yangguang.inspection.robots import SiteRobots
from yangguang.inspection.scheduler import PAGE as PAGE_JOB
from yangguang.inspection.scheduler import JobSource
from yangguang.inspection.sitemaps import sitemap_urls
from yangguang.inspection.urls import host_of, looks_like_file, normalise, origin_of, url_key

__all__ = ["DEFAULT_USER_AGENT", "CrawlConfig", "CrawlResult", "Crawler"]

OnPage = Callable[[Page], Awaitable[None] | None]
Progress = Callable[[int, int], None]
IN_MEMORY_MAX_PAGES = 10_000  # larger crawls without a frontier_path use a temporary file: bounded memory
SKIP_REASONS = ("out_of_scope", "robots", "trap", "max_pages", "max_depth", "non_http")
_HTML_TYPES = ("", "text/html", "application/xhtml+xml")


@dataclass
class CrawlResult:
    """What a crawl found. ``statuses`` (target → :class:`LinkStatus`) and :meth:`broken_links` read the
    crawl database, which stays open until :meth:`close`.

    ``skipped`` counts, by reason: ``out_of_scope`` distinct targets outside the site (checked once,
    never crawled), ``robots`` URLs robots.txt disallows, ``trap`` URLs the trap rules rejected,
    ``max_pages`` pages queued but not fetched when the page budget ran out, ``max_depth`` pages beyond
    the depth limit, ``non_http`` links with other schemes (occurrences), and ``not_checked`` external
    targets when ``check_external`` is off. ``errors``: (url, error) for pages that failed or were
    truncated, and robots.txt or sitemaps that could not be read.
    """

    pages_checked: int
    links_checked: int
    statuses: LinkStatuses
    skipped: dict[str, int]
    errors: list[tuple[str, str]]
    elapsed: float
    _store: LinkStore = field(repr=False)
    _temp_dir: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    def broken_links(self) -> Iterator[BrokenLink]:
        """(source, target, status, text, error) for every page that links to a broken target."""
        return self._store.broken()

    def close(self) -> None:
        """Close the crawl database (and delete it when it was a temporary file)."""
        self._store.conn.close()
        if self._temp_dir is not None:
            self._temp_dir.cleanup()


class Crawler:
    """Crawls one site as its :class:`CrawlConfig` says."""

    def __init__(self, config: CrawlConfig) -> None:
        self.config = config

    async def run(self, on_page: OnPage | None = None, progress: Progress | None = None) -> CrawlResult:
        """Crawl the site. ``on_page`` gets every fetched page (its ``text`` and ``tree`` are dropped
        when it returns); ``progress(done, total)`` is called after each page and link check."""
        return await _Run(self.config, on_page, progress).execute()


def _wants_body(response: Response) -> bool:
    content_type = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    return response.status is not None and 200 <= response.status < 300 and content_type in _HTML_TYPES


class _Run:
    """The state of one run of a crawl."""

    def __init__(self, config: CrawlConfig, on_page: OnPage | None, progress: Progress | None) -> None:
        self.config = config
        self.on_page = on_page
        self.progress = progress
        self.scope = config.scope
        self.extractor = LinkExtractor(config.scope)
        self.today = date.today()
        self.temp_dir = None
        path = config.frontier_path
        if path is None and config.max_pages > IN_MEMORY_MAX_PAGES:
            self.temp_dir = tempfile.TemporaryDirectory(prefix="yangguang-crawl-")
            path = Path(self.temp_dir.name) / "crawl.db"
        self.conn = open_database(path)
        self.frontier = Frontier(self.conn)
        self.links = LinkStore(self.conn)
        self.fine: set[int] = set()  # keys of targets known to be fine: their occurrences are not stored
        self.pages_done = self.checks_done = self.pages_known = self.checks_known = 0

    async def execute(self) -> CrawlResult:
        started = time.monotonic()
        try:
            resumed = self._prepare()
            async with open_session(
                self.config.concurrency, self.config.per_host_concurrency, self.config.user_agent
            ) as session:
                gates = HostGates(self.config.per_host_concurrency, self.config.per_host_rate)
                self.fetcher = Fetcher(session, gates, self.config.limits)
                self.robots = (
                    SiteRobots(self.fetcher, self.config.user_agent, self.scope.hosts, self._report)
                    if self.config.respect_robots
                    else None
                )
                if not resumed:
                    await self._seed()
                self.pages_known = sum(self.frontier.count(state) for state in (QUEUED, IN_FLIGHT, DONE))
                try:
                    await self._work()
                finally:
                    if self.robots is not None:
                        self.robots.close()
            with transaction(self.conn):
                self.links.page_outcomes(self.frontier.settle_pointers())
                self.links.finalise()
        except BaseException:
            self.conn.close()
            if self.temp_dir is not None:
                self.temp_dir.cleanup()
            raise
        return self._result(time.monotonic() - started)

    def _prepare(self) -> bool:
        """Check the database belongs to this crawl; on resume, requeue what was in flight."""
        owner = self.frontier.get_meta("start_url")
        if owner is not None and owner != self.config.start_url:
            raise InvalidInput("frontier_path", f"该文件属于另一次抓取（起始网址 {owner}）")
        self.frontier.set_meta("start_url", self.config.start_url)
        resumed = self.frontier.get_meta("seeded") == "1"
        if resumed:
            self.frontier.requeue_in_flight()
            self.links.requeue_in_flight()
            self.fine.update(self.links.fine_keys())
            self.pages_done = self.links.counter("pages")
            self.checks_known = self.links.count(CHECK)
            self.checks_done = self.checks_known - self.links.count(CHECK, PENDING)
        return resumed

    async def _seed(self) -> None:
        """Queue the start URL and the pages the sitemaps list."""
        start = self.config.start_url
        self.frontier.add(start, 0)
        if self.config.use_sitemaps and self.config.max_depth != 0:
            origin = origin_of(start)
            declared = await self.robots.sitemaps(origin) if self.robots else []
            declared = [url for url in self._normal_urls(declared) if host_of(url) in self.scope.hosts]
            guessed = [origin + "/sitemap.xml"]
            if self.robots and not await self.robots.allows(guessed[0]):
                guessed = []
            async for batch in sitemap_urls(self.fetcher, declared, guessed, self._report):
                with transaction(self.conn):
                    self.frontier.add_many((url, 1, None) for url in batch if self.scope.contains(url))
        self.frontier.set_meta("seeded", "1")

    @staticmethod
    def _normal_urls(urls: list[str]) -> list[str]:
        normal = []
        for url in urls:
            try:
                normal.append(normalise(url))
            except InvalidInput:
                continue
        return normal

    async def _work(self) -> None:
        budget = self.config.max_pages - self.pages_done
        buffer = max(16, 2 * self.config.concurrency)
        self.jobs = JobSource(self.frontier, self.links, self.config.per_host_concurrency, budget, buffer)
        workers = [asyncio.create_task(self._worker()) for _ in range(self.config.concurrency)]
        try:
            await asyncio.gather(*workers)
        except BaseException:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            raise

    async def _worker(self) -> None:
        while (job := await self.jobs.next()) is not None:
            try:
                if job.kind == PAGE_JOB:
                    await self._crawl_page(job.entry)
                else:
                    await self._check_target(job.entry)
            finally:
                self.jobs.done(job)
            if self.progress is not None:
                total = min(self.config.max_pages, self.pages_known) + self.checks_known
                self.progress(self.pages_done + self.checks_done, max(total, self.pages_done + self.checks_done))

    def _report(self, url: str, error: str) -> None:
        self.links.add_error(url, error)

    async def _allowed(self, url: str) -> bool:
        return self.robots is None or await self.robots.allows(url)

    # -- pages ---------------------------------------------------------------------------------------

    async def _crawl_page(self, entry: FrontierEntry) -> None:
        if not await self._allowed(entry.url):
            with transaction(self.conn):
                self.frontier.mark_skipped(entry.key, "robots")
            self.jobs.refund_page()
            return
        page, chain, outcome, redirect_to, exit_url = await self._fetch_chain(entry)
        extracted = Extracted()
        if page.text is not None:
            page.tree = LexborHTMLParser(page.text)
            extracted = self.extractor.extract(page.tree, page.final_url)
            page.links = extracted.links
        if self.on_page is not None:
            returned = self.on_page(page)
            if inspect.isawaitable(returned):
                await returned
        page.text = page.tree = None
        with transaction(self.conn):
            self._settle(self.links.page_outcomes(self.frontier.finish(chain, outcome, redirect_to)))
            self._record_links(page, extracted, exit_url)
            for problem in (page.error, "truncated" if page.truncated else None):
                if problem:
                    self.links.add_error(page.url, problem)
            self.links.bump("pages")
        self.pages_done += 1

    async def _fetch_chain(self, entry: FrontierEntry) -> tuple[Page, list[int], Outcome, int | None, str | None]:
        """GET a page, following in-scope redirects; returns the page, the keys of the URLs claimed on
        the way, the outcome, the key of a page another task claimed where the chain stopped, and the
        URL of a redirect out of the scope."""
        current = entry.url
        chain, redirects = [entry.key], []
        error = redirect_to = exit_url = None
        elapsed = 0.0
        while True:
            response = await self.fetcher.request("GET", current, _wants_body)
            elapsed += response.elapsed
            final_url = current
            if response.error or response.location is None:
                break
            try:
                target = normalise(response.location, current)
            except InvalidInput:
                error = "invalid_redirect"
                break
            redirects.append(target)
            final_url = target
            key = url_key(target)
            if key in chain:
                error = "redirect_loop"
                break
            if len(redirects) > self.config.max_redirects:
                error = "too_many_redirects"
                break
            if not self.scope.contains(target):
                exit_url = target
                break
            if not await self._allowed(target):
                break
            if not self.frontier.claim(target, entry.depth, entry.url):
                redirect_to = key
                break
            chain.append(key)
            current = target
        page = Page(
            url=entry.url, final_url=final_url, status=response.status, depth=entry.depth, referrer=entry.referrer,
            headers=response.headers, content_type=response.headers.get("content-type", ""), elapsed=elapsed,
            size=len(response.body), truncated=response.truncated, redirects=redirects, error=response.error or error,
        )
        if response.body:
            page.text, page.encoding = decode(response.body, page.content_type, response.truncated)
        return page, chain, Outcome(page.status, final_url, page.error), redirect_to, exit_url

    def _settle(self, fine_keys: list[int]) -> None:
        if fine_keys:
            self.fine.update(fine_keys)
            self.links.forget_occurrences(fine_keys)

    def _record_links(self, page: Page, extracted: Extracted, exit_url: str | None) -> None:
        """Queue the page's in-scope page links; record targets and occurrences not yet known fine."""
        depth = page.depth + 1
        max_depth = self.config.max_depth
        source = page.final_url
        source_key = url_key(source)
        new_pages, page_keys, targets, occurrences = [], [], [], []
        seen: set[int] = set()
        for link in extracted.links:
            key = url_key(link.target)
            if key in seen or key in self.fine:
                continue
            seen.add(key)
            role = CHECK
            if link.internal and link.kind in PAGE_KINDS and not looks_like_file(link.target):
                if self.config.traps.reason(link.target, self.today):
                    self.frontier.skip(link.target, depth, source, "trap")
                    continue
                if max_depth is not None and depth > max_depth:
                    self.frontier.skip(link.target, depth, source, "max_depth")
                    continue
                new_pages.append((link.target, depth, source))
                page_keys.append(key)
                role = PAGE
            targets.append((key, link.target, link.kind, link.internal, role))
            occurrences.append((key, source_key, link.text))
        if exit_url is not None and url_key(exit_url) not in self.fine:
            targets.append((url_key(exit_url), exit_url, "redirect", False, CHECK))
            occurrences.append((url_key(exit_url), url_key(page.url), ""))
        self.pages_known += self.frontier.add_many(new_pages)
        self.checks_known += self.links.add(targets, occurrences)
        if not self.config.check_external:
            for key, _, _, internal, role in targets:
                if role == CHECK and not internal:
                    self.links.skip_check(key, "not_checked")
        self._settle(self.links.resolve_pages(page_keys))
        for href, kind, text in extracted.malformed:
            self.links.add_malformed(href, kind, source_key, text)
        if extracted.non_http:
            self.links.bump("non_http", extracted.non_http)

    # -- link checks ---------------------------------------------------------------------------------

    async def _check_target(self, entry: CheckEntry) -> None:
        if entry.internal and not await self._allowed(entry.target):
            with transaction(self.conn):
                self.links.skip_check(entry.key, "robots")
            self.checks_done += 1
            return
        result: LinkStatus = await self.fetcher.check(entry.target)
        with transaction(self.conn):
            self.links.finish_check(entry.key, result)
            if not result.broken:
                self._settle([entry.key])
        self.checks_done += 1

    def _result(self, elapsed: float) -> CrawlResult:
        skipped = dict.fromkeys(SKIP_REASONS, 0)
        skipped.update(self.frontier.skip_counts())
        for reason, count in self.links.skip_counts().items():
            skipped[reason] = skipped.get(reason, 0) + count
        skipped["max_pages"] = self.frontier.count(QUEUED)
        skipped["non_http"] = self.links.counter("non_http")
        statuses = LinkStatuses(self.conn)
        return CrawlResult(
            pages_checked=self.links.counter("pages"),
            links_checked=len(statuses),
            statuses=statuses,
            skipped=skipped,
            errors=self.links.errors(),
            elapsed=elapsed,
            _store=self.links,
            _temp_dir=self.temp_dir,
        )
