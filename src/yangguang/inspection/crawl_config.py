"""The settings of one crawl, validated on creation (bad values raise :class:`InvalidInput`)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from yangguang.core.errors import InvalidInput
from yangguang.inspection.fetch import FetchLimits
from yangguang.inspection.urls import Scope, TrapRules, host_of, normalise

DEFAULT_USER_AGENT = "Yangguang-Inspector/1.0 (+政府网站自查)"


def _require(condition: bool, name: str, reason: str) -> None:
    if not condition:
        raise InvalidInput(name, reason)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass
class CrawlConfig:
    """What to crawl and how hard.

    ``start_url`` is normalised on creation. The scope is ``scope_hosts`` (``host[:port]``; default:
    the start URL's host) and ``scope_prefixes``. ``per_host_rate`` is in requests per second (``None``:
    unlimited); ``timeout`` is the total per request in seconds; ``max_bytes`` caps the body read
    (the page is marked truncated); ``retries`` applies to connection errors, timeouts and 429/503,
    with exponential backoff from ``retry_backoff`` seconds and jitter, Retry-After honoured; waits
    are capped at ``max_retry_wait``. ``frontier_path``: a SQLite file that bounds memory and lets an
    interrupted crawl resume (``None``: in memory).
    """

    start_url: str
    scope_hosts: tuple[str, ...] | list[str] | None = None
    scope_prefixes: tuple[str, ...] | list[str] = ("/",)
    max_pages: int = 1000
    max_depth: int | None = None
    concurrency: int = 8
    per_host_concurrency: int = 4
    per_host_rate: float | None = None
    timeout: float = 15.0
    max_bytes: int = 5 * 2**20
    max_redirects: int = 10
    retries: int = 2
    retry_backoff: float = 0.5
    max_retry_wait: float = 30.0
    respect_robots: bool = True
    use_sitemaps: bool = True
    check_external: bool = True
    user_agent: str = DEFAULT_USER_AGENT
    frontier_path: str | Path | None = None
    traps: TrapRules = field(default_factory=TrapRules)
    scope: Scope = field(init=False, repr=False)

    def __post_init__(self) -> None:
        try:
            self.start_url = normalise(self.start_url if isinstance(self.start_url, str) else "")
        except InvalidInput as exc:
            raise InvalidInput("start_url", exc.reason) from exc
        for name in ("max_pages", "concurrency", "per_host_concurrency", "max_bytes"):
            value = getattr(self, name)
            _require(_is_int(value) and value > 0, name, "应为正整数")
        for name in ("max_redirects", "retries"):
            value = getattr(self, name)
            _require(_is_int(value) and value >= 0, name, "应为不小于 0 的整数")
        depth = self.max_depth
        _require(depth is None or (_is_int(depth) and depth >= 0), "max_depth", "应为不小于 0 的整数")
        _require(isinstance(self.timeout, int | float) and self.timeout > 0, "timeout", "应为正数（秒）")
        rate = self.per_host_rate
        _require(rate is None or (isinstance(rate, int | float) and rate > 0), "per_host_rate", "应为正数（次/秒）")
        for name in ("retry_backoff", "max_retry_wait"):
            value = getattr(self, name)
            _require(isinstance(value, int | float) and value >= 0, name, "应为不小于 0 的数")
        agent = self.user_agent
        valid_agent = isinstance(agent, str) and agent.strip() != "" and not set("\r\n") & set(agent)
        _require(valid_agent, "user_agent", "不能为空或含换行")
        hosts = self.scope_hosts if self.scope_hosts is not None else (host_of(self.start_url),)
        _require(not isinstance(hosts, str), "scope_hosts", "应为主机名列表")
        _require(not isinstance(self.scope_prefixes, str), "scope_prefixes", "应为路径前缀列表")
        self.scope = Scope.build(list(hosts), list(self.scope_prefixes))
        _require(self.scope.contains(self.start_url), "start_url", "起始网址不在抓取范围内")

    @property
    def limits(self) -> FetchLimits:
        """The request settings, taken by name: every :class:`FetchLimits` field is a field here too."""
        return FetchLimits(**{limit.name: getattr(self, limit.name) for limit in fields(FetchLimits)})
