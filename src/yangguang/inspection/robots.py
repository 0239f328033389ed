"""robots.txt of the site's hosts, fetched once per origin (RFC 9309, parsed by protego).

A 2xx answer is obeyed (Disallow/Allow for the crawler's user agent, Crawl-delay and Request-rate as a
minimum spacing between requests to that host); a 4xx answer (no robots.txt) allows everything; a 5xx
answer or no answer at all disallows everything, as RFC 9309 requires, and is reported as
``robots_unavailable``. Redirects are followed up to five times, only to hosts inside the scope.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from protego import Protego

from yangguang.core.errors import InvalidInput
from yangguang.inspection.fetch import Fetcher, Response
from yangguang.inspection.urls import host_of, normalise, origin_of

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB
_MAX_ROBOTS_REDIRECTS = 5


class SiteRobots:
    """The robots.txt rules of every origin of the site, fetched on first need."""

    def __init__(
        self, fetcher: Fetcher, user_agent: str, scope_hosts: frozenset[str], report: Callable[[str, str], None]
    ) -> None:
        self.fetcher = fetcher
        self.user_agent = user_agent
        self.scope_hosts = scope_hosts
        self.report = report
        # an origin's rules; None: robots.txt could not be read, nothing may be fetched
        self._rules: dict[str, asyncio.Task[Protego | None]] = {}

    def _rules_for(self, origin: str) -> asyncio.Task[Protego | None]:
        task = self._rules.get(origin)
        if task is None:
            task = self._rules[origin] = asyncio.ensure_future(self._load(origin))
        return task

    async def allows(self, url: str) -> bool:
        """Whether robots.txt lets the crawler fetch a normalised in-scope URL."""
        rules = await self._rules_for(origin_of(url))
        return rules is not None and rules.can_fetch(url, self.user_agent)

    async def sitemaps(self, origin: str) -> list[str]:
        """The Sitemap: lines of an origin's robots.txt."""
        rules = await self._rules_for(origin)
        return list(rules.sitemaps) if rules is not None else []

    def close(self) -> None:
        """Cancel robots.txt fetches still running (a crawl that stops early)."""
        for task in self._rules.values():
            task.cancel()

    async def _get(self, url: str) -> Response:
        for _ in range(_MAX_ROBOTS_REDIRECTS + 1):
            response = await self.fetcher.request("GET", url, lambda response: True, ROBOTS_MAX_BYTES)
            if response.location is None:
                return response
            try:
                url = normalise(response.location, url)
            except InvalidInput:
                break
            if host_of(url) not in self.scope_hosts:
                break
        return Response(url, status=404)  # an unusable redirect counts as "no robots.txt"

    async def _load(self, origin: str) -> Protego | None:
        response = await self._get(origin + "/robots.txt")
        status = response.status
        if response.error is None and status is not None and 200 <= status < 300:
            rules = Protego.parse(response.body.decode("utf-8", "replace"))
            delays = [rules.crawl_delay(self.user_agent)]
            if rate := rules.request_rate(self.user_agent):
                delays.append(rate.seconds / max(rate.requests, 1))
            if interval := max((delay for delay in delays if delay), default=None):
                self.fetcher.gates.slow_down(host_of(origin), float(interval))
            return rules
        if response.error is None and status is not None and 400 <= status < 500:
            return Protego.parse("")  # no robots.txt: everything allowed
        self.report(origin + "/robots.txt", "robots_unavailable")
        return None
