"""HTTP for the crawler: one aiohttp session, per-host concurrency and rate limits, retries with backoff,
a size cap on bodies, HEAD with GET fallback for link checks.

Every request goes through the gate of its host (``host[:port]``): a semaphore bounding concurrent
requests and a schedule spacing their starts (``per_host_rate``, or robots.txt's Crawl-delay). A 429 or
503 with Retry-After pauses the whole host. Connection errors, timeouts and 429/503 are retried with
exponential backoff and jitter; waits are capped at ``max_retry_wait``.

Error names (``Response.error``): ``timeout``, ``connection`` (refused or reset), ``dns`` (the host
name does not resolve; not retried), ``payload`` (the body was cut off or malformed), ``tls``,
``malformed_url``, ``redirect_loop``, ``too_many_redirects``, ``invalid_redirect``.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import aiohttp
from yarl import URL

from yangguang.core.errors import InvalidInput
from yangguang.inspection.fetched import LinkStatus
from yangguang.inspection.urls import host_of, normalise, url_key

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 503})


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay seconds or an HTTP-date); ``None`` if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class RateSchedule:
    """Start times for requests to one host, at least ``interval`` seconds apart."""

    def __init__(self, interval: float = 0.0) -> None:
        self.interval = interval
        self.next_at = 0.0

    def reserve(self, now: float) -> float:
        """Book the next start; returns how long to wait before it."""
        start = max(now, self.next_at)
        self.next_at = start + self.interval
        return start - now

    def pause_until(self, moment: float) -> None:
        self.next_at = max(self.next_at, moment)


class HostGate:
    """Concurrency and rate limit of one host; use as ``async with gate:`` around one request."""

    def __init__(self, concurrency: int, interval: float) -> None:
        self._semaphore = asyncio.Semaphore(concurrency)
        self.schedule = RateSchedule(interval)

    async def __aenter__(self) -> None:
        await self._semaphore.acquire()
        try:
            delay = self.schedule.reserve(time.monotonic())
            if delay > 0:
                await asyncio.sleep(delay)
        except BaseException:
            self._semaphore.release()
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        self._semaphore.release()


class HostGates:
    """The gate of every host met, created on first use."""

    def __init__(self, concurrency: int, rate: float | None) -> None:
        self.concurrency = concurrency
        self.interval = 1.0 / rate if rate else 0.0
        self._gates: dict[str, HostGate] = {}

    def __call__(self, host: str) -> HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = HostGate(self.concurrency, self.interval)
        return gate

    def slow_down(self, host: str, interval: float) -> None:
        """Space requests to ``host`` at least ``interval`` seconds apart (robots.txt Crawl-delay)."""
        schedule = self(host).schedule
        schedule.interval = max(schedule.interval, interval)

    def pause(self, host: str, seconds: float) -> None:
        """No new request to ``host`` for ``seconds`` (Retry-After)."""
        self(host).schedule.pause_until(time.monotonic() + seconds)


@dataclass
class Response:
    """One HTTP exchange (no redirects followed)."""

    url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False
    error: str | None = None
    elapsed: float = 0.0

    @property
    def location(self) -> str | None:
        return self.headers.get("location") if self.status in REDIRECT_STATUSES else None


def _error_name(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "payload"
    if isinstance(exc, aiohttp.ClientSSLError):
        return "tls"
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "dns"
    if isinstance(exc, ValueError):  # aiohttp.InvalidURL included
        return "malformed_url"
    return "connection"


@dataclass
class FetchLimits:
    """The request settings of a crawl (see :class:`~yangguang.inspection.crawl_config.CrawlConfig`)."""

    timeout: float = 15.0
    max_bytes: int = 5 * 2**20
    max_redirects: int = 10
    retries: int = 2
    retry_backoff: float = 0.5
    max_retry_wait: float = 30.0


class Fetcher:
    """Requests through host gates, with retries; bodies read up to the size cap."""

    def __init__(self, session: aiohttp.ClientSession, gates: HostGates, limits: FetchLimits) -> None:
        self.session = session
        self.gates = gates
        self.limits = limits
        self._timeout = aiohttp.ClientTimeout(total=limits.timeout)

    async def _once(self, method: str, url: str, want_body: Callable[[Response], bool], max_bytes: int) -> Response:
        response = Response(url)
        started = time.monotonic()
        async with self.gates(host_of(url)):
            try:
                async with self.session.request(
                    method, URL(url, encoded=True), allow_redirects=False, timeout=self._timeout
                ) as resp:
                    response.status = resp.status
                    response.headers = {name.lower(): value for name, value in resp.headers.items()}
                    if method != "HEAD" and want_body(response):
                        response.body, response.truncated = await _read_capped(resp, max_bytes)
                    if response.truncated or not resp.content.at_eof():
                        resp.close()  # do not download the rest just to reuse the connection
            except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
                response.error = _error_name(exc)
        response.elapsed = time.monotonic() - started
        return response

    def _retry_wait(self, response: Response, attempt: int, retry_dropped: bool) -> float | None:
        """Seconds before the next attempt, or ``None`` when the response is final."""
        dropped = response.error in ("connection", "payload")
        transient = response.error == "timeout" or response.status in RETRY_STATUSES or (dropped and retry_dropped)
        if not transient or attempt >= self.limits.retries:
            return None
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if retry_after is not None:
            wait = min(retry_after, self.limits.max_retry_wait)
            self.gates.pause(host_of(response.url), wait)
            return 0.0  # the host's gate waits
        backoff = self.limits.retry_backoff * 2**attempt * random.uniform(0.5, 1.5)
        return min(backoff, self.limits.max_retry_wait)

    async def request(
        self,
        method: str,
        url: str,
        want_body: Callable[[Response], bool] = lambda response: False,
        max_bytes: int | None = None,
        retry_dropped: bool = True,
    ) -> Response:
        """One request to a normalised URL (no redirects followed), retried on timeouts, 429/503 and,
        when ``retry_dropped``, connections that failed or dropped."""
        attempt = 0
        while True:
            response = await self._once(method, url, want_body, max_bytes or self.limits.max_bytes)
            wait = self._retry_wait(response, attempt, retry_dropped)
            if wait is None:
                return response
            if wait:
                await asyncio.sleep(wait)
            attempt += 1

    async def check(self, url: str) -> LinkStatus:
        """Check a link target: HEAD, falling back to GET (headers only) when HEAD is refused or the
        connection drops; redirects followed up to ``max_redirects``, loops detected."""
        chain = {url_key(url)}
        current = url
        for _ in range(self.limits.max_redirects + 1):
            method = "HEAD"
            response = await self.request("HEAD", current, retry_dropped=False)  # GET is the retry
            refused = response.status is not None and response.status >= 400 and response.status not in RETRY_STATUSES
            if refused or response.error in ("connection", "payload"):
                method = "GET"
                response = await self.request("GET", current)
            if response.error or response.location is None:
                return LinkStatus(url, response.status, response.error, current, method)
            try:
                current = normalise(response.location, current)
            except InvalidInput:
                return LinkStatus(url, response.status, "invalid_redirect", current, method)
            if url_key(current) in chain:
                return LinkStatus(url, response.status, "redirect_loop", current, method)
            chain.add(url_key(current))
        return LinkStatus(url, response.status, "too_many_redirects", current, method)


async def _read_capped(resp: aiohttp.ClientResponse, max_bytes: int) -> tuple[bytes, bool]:
    """The body up to ``max_bytes``; True when there was more."""
    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes:
        chunk = await resp.content.read(max_bytes + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    body = b"".join(chunks)
    return body[:max_bytes], size > max_bytes


def open_session(concurrency: int, per_host_concurrency: int, user_agent: str) -> aiohttp.ClientSession:
    """The crawl's one session: a pooled keep-alive connector, no proxies from the environment."""
    connector = aiohttp.TCPConnector(
        limit=concurrency + per_host_concurrency, limit_per_host=0, ttl_dns_cache=300, keepalive_timeout=30
    )
    return aiohttp.ClientSession(
        connector=connector,
        headers={"User-Agent": user_agent},
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        trust_env=False,
    )
