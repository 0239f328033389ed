"""URLs as the crawler sees them: one normal form, the site's scope, crawler traps and de-duplication keys.

Normal form (:func:`normalise`): lower-case scheme and host, IDNA (punycode) hosts, default ports
dropped, fragment dropped, backslashes before the query turned into slashes (as browsers do for
http/https), dot segments resolved, percent-encoding normalised (unreserved characters decoded, hex
digits upper case, spaces, non-ASCII and other unsafe characters encoded as UTF-8), an empty path made
``/`` and an empty query dropped. Query parameters keep their order: the URL fetched is the URL the
page linked. Order is ignored only by :func:`url_key`, which sorts the parameters by name, so
``?a=1&b=2`` and ``?b=2&a=1`` are one target, fetched once. ``http`` and ``https`` stay distinct.
"""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass
from datetime import date, timedelta
from functools import cached_property, lru_cache
from hashlib import blake2b
from urllib.parse import urljoin, urlsplit

from yangguang.core.errors import InvalidInput

DEFAULT_PORTS = {"http": 80, "https": 443}
# Entries of each per-URL cache: enough for the navigation repeated on every page, small in memory.
CACHE_SIZE = 8192
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left as they are in a path or query; everything else but a valid %XX escape is encoded.
_PLAIN = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?\[\]|^]*")
_TO_FIX = re.compile(r"%[0-9A-Fa-f]{2}|%|[^A-Za-z0-9\-._~!$&'()*+,;=:@/?\[\]|^%]")
_HOST = re.compile(r"[a-z0-9_]([a-z0-9\-_]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9\-_]*[a-z0-9_])?)*\.?")
_TAB_NEWLINE = str.maketrans("", "", "\t\n\r")
# Extensions of files a page links to that are checked (HEAD), not crawled as pages.
_FILE_EXTENSIONS_TEXT = """pdf doc docx xls xlsx ppt pptx wps et dps ofd ceb zip rar 7z gz tgz bz2 xz tar jpg jpeg png
gif bmp webp svg ico tif tiff mp3 mp4 avi flv wmv mov mkv swf exe apk msi dmg iso csv txt xml json js css"""
FILE_EXTENSIONS = frozenset(_FILE_EXTENSIONS_TEXT.split())


def _fix_escape(match: re.Match[str]) -> str:
    token = match.group(0)
    if len(token) == 3:
        char = chr(int(token[1:], 16))
        return char if char in _UNRESERVED else token.upper()
    return "".join(f"%{byte:02X}" for byte in token.encode("utf-8"))


def _clean_component(text: str) -> str:
    """Normalise percent-encoding of a path or query (``%`` alone becomes ``%25``)."""
    if "%" not in text and _PLAIN.fullmatch(text):
        return text
    return _TO_FIX.sub(_fix_escape, text)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: resolve ``.`` and ``..`` segments."""
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    return result if result.startswith("/") else "/" + result


def _normal_host(host: str, url: str) -> str:
    if ":" in host:  # an IPv6 literal (urlsplit already removed the brackets)
        if not re.fullmatch(r"[0-9a-f:.]+", host):
            raise InvalidInput("url", f"主机名无效：{url}")
        return f"[{host}]"
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise InvalidInput("url", f"主机名无效：{url}") from exc
    if not _HOST.fullmatch(host):
        raise InvalidInput("url", f"主机名无效：{url}")
    return host.rstrip(".")


def normalise(url: str, base: str | None = None) -> str:
    """The normal form of ``url`` (resolved against ``base`` when given).

    Raises :class:`InvalidInput` for a malformed URL or a scheme other than http/https.
    """
    raw = url.strip().translate(_TAB_NEWLINE)
    cut = min((index for index in (raw.find("?"), raw.find("#")) if index >= 0), default=len(raw))
    if "\\" in raw[:cut]:
        raw = raw[:cut].replace("\\", "/") + raw[cut:]
    try:
        if base is not None:
            raw = urljoin(base, raw)
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise InvalidInput("url", f"网址格式不正确：{url}") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidInput("url", f"只支持 http 和 https 网址：{url}")
    if not parts.hostname:
        raise InvalidInput("url", f"网址缺少主机名：{url}")
    netloc = _normal_host(parts.hostname, url)
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if "@" in parts.netloc:
        netloc = _clean_component(parts.netloc.rpartition("@")[0]) + "@" + netloc
    path = _remove_dot_segments(_clean_component(parts.path)) or "/"
    if not path.startswith("/"):
        path = "/" + path
    query = _clean_component(parts.query)
    return f"{scheme}://{netloc}{path}?{query}" if query else f"{scheme}://{netloc}{path}"


def split_normalised(url: str) -> tuple[str, str, str, str]:
    """(scheme, netloc without user info, path, query) of a URL already in normal form; fast."""
    scheme, _, rest = url.partition("://")
    slash = rest.find("/")
    netloc, path_query = (rest, "/") if slash < 0 else (rest[:slash], rest[slash:])
    path, _, query = path_query.partition("?")
    return scheme, netloc.rpartition("@")[2], path, query


def host_of(url: str) -> str:
    """``host[:port]`` of a normalised URL: the unit of per-host limits and robots.txt."""
    return split_normalised(url)[1]


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a normalised URL."""
    scheme, netloc, _, _ = split_normalised(url)
    return f"{scheme}://{netloc}"


@lru_cache(maxsize=CACHE_SIZE)
def looks_like_file(url: str) -> bool:
    """Whether a normalised URL's last path segment has the extension of a non-HTML file."""
    last = split_normalised(url)[2].rpartition("/")[2]
    return "." in last and last.rpartition(".")[2].lower() in FILE_EXTENSIONS


@lru_cache(maxsize=CACHE_SIZE)
def url_key(url: str) -> int:
    """A 64-bit key identifying the target of a normalised URL: query parameters sorted by name.

    Used for de-duplication at enqueue time; stored as a SQLite integer key.
    """
    if "?" in url:
        head, _, query = url.partition("?")
        params = query.split("&")
        if len(params) > 1:
            url = head + "?" + "&".join(sorted(params, key=lambda param: param.partition("=")[0]))
    return int.from_bytes(blake2b(url.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


@dataclass(frozen=True)
class Scope:
    """Which URLs belong to the site: its hosts (``host[:port]``, any scheme) and path prefixes.

    A prefix matches on segment boundaries: ``/xxgk`` covers ``/xxgk``, ``/xxgk/`` and ``/xxgk/a.html``
    but not ``/xxgk2``.
    """

    hosts: frozenset[str]
    path_prefixes: tuple[str, ...] = ("/",)

    @cached_property
    def _hash(self) -> int:
        return hash((self.hosts, self.path_prefixes))

    def __hash__(self) -> int:  # computed once: scopes are cache keys on every link
        return self._hash

    @classmethod
    def build(cls, hosts: list[str] | tuple[str, ...], path_prefixes: list[str] | tuple[str, ...]) -> Scope:
        """A scope from user input: hosts as ``host[:port]``, prefixes starting with ``/``."""
        if not hosts:
            raise InvalidInput("scope_hosts", "至少需要一个主机名")
        if not path_prefixes:
            raise InvalidInput("scope_prefixes", "至少需要一个路径前缀")
        normal_hosts = set()
        for host in hosts:
            if not isinstance(host, str) or not host.strip() or "/" in host.strip():
                raise InvalidInput("scope_hosts", f"主机名无效：{host}")
            try:
                normal_hosts.add(host_of(normalise(f"http://{host.strip()}/")))
            except InvalidInput as exc:
                raise InvalidInput("scope_hosts", f"主机名无效：{host}") from exc
        prefixes = []
        for prefix in path_prefixes:
            if not isinstance(prefix, str) or not prefix.startswith("/"):
                raise InvalidInput("scope_prefixes", f"路径前缀应以 / 开头：{prefix}")
            prefixes.append(_remove_dot_segments(_clean_component(prefix)).rstrip("/"))
        return cls(frozenset(normal_hosts), tuple(dict.fromkeys(prefixes)))

    def contains(self, url: str) -> bool:
        """Whether a normalised URL is inside the site."""
        return _in_scope(self, url)


@lru_cache(maxsize=CACHE_SIZE)
def _in_scope(scope: Scope, url: str) -> bool:
    _, netloc, path, _ = split_normalised(url)
    if netloc not in scope.hosts:
        return False
    return any(not prefix or path == prefix or path.startswith(prefix + "/") for prefix in scope.path_prefixes)


_DATE_VALUE = re.compile(r"((?:19|20)\d\d)[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?")
_COMPACT_DATE = re.compile(r"((?:19|20)\d\d)(\d\d)(\d\d)?")
_DATE_NAME_HINTS = ("date", "day", "month", "cal", "time", "riqi")
_YEAR_NAMES = frozenset({"year", "yyyy", "y", "nian"})
_MONTH_NAMES = frozenset({"month", "mm", "m", "yue"})


def _safe_date(year: str, month: str, day: str | None) -> date | None:
    try:
        return date(int(year), int(month), int(day or 1))
    except ValueError:
        return None


def _query_dates(query: str) -> list[date]:
    """Dates a query string carries: ``2026-11``, ``2026/11/05``, ``year=2026&month=11``, and ``20261105``
    when the parameter's name says it is a date."""
    found: list[date | None] = []
    year = month = None
    for param in query.split("&"):
        name, _, value = param.partition("=")
        name = name.lower()
        if match := _DATE_VALUE.fullmatch(value):
            found.append(_safe_date(*match.groups()))
        elif name in _YEAR_NAMES and re.fullmatch(r"(19|20)\d\d", value):
            year = value
        elif name in _MONTH_NAMES and re.fullmatch(r"\d{1,2}", value):
            month = value
        elif any(hint in name for hint in _DATE_NAME_HINTS) and (match := _COMPACT_DATE.fullmatch(value)):
            found.append(_safe_date(*match.groups()))
    if year:
        found.append(_safe_date(year, month or "1", None))
    return [day for day in found if day is not None]


@dataclass(frozen=True)
class TrapRules:
    """Heuristics for URLs that generate endless pages (calendars, growing query strings, path loops).

    A URL is a trap when it is too long, too deep, repeats a path segment too often, carries too many
    or too long query parameters, or a query date outside the window (``calendar_past_days`` before
    to ``calendar_future_days`` after today). Path segments that are a year after next also count.
    """

    max_url_length: int = 2048
    max_path_depth: int = 16
    max_segment_repeats: int = 3
    max_query_params: int = 12
    max_query_length: int = 512
    calendar_past_days: int = 5 * 366
    calendar_future_days: int = 366

    @cached_property
    def _hash(self) -> int:
        return hash(astuple(self))

    def __hash__(self) -> int:  # computed once: rules are cache keys on every link
        return self._hash

    def reason(self, url: str, today: date | None = None) -> str | None:
        """Why a normalised URL looks like a trap (``url_length``, ``path_depth``, ``repeated_segment``,
        ``query_params``, ``query_length``, ``calendar``), or ``None``."""
        return _trap_reason(self, url, today or date.today())


def _most_repeated(segments: list[str]) -> int:
    return max((segments.count(item) for item in segments if item), default=0)


@lru_cache(maxsize=CACHE_SIZE)
def _trap_reason(rules: TrapRules, url: str, today: date) -> str | None:
    if len(url) > rules.max_url_length:
        return "url_length"
    _, _, path, query = split_normalised(url)
    segments = path.split("/")[1:]
    if len(segments) > rules.max_path_depth:
        return "path_depth"
    if len(set(segments)) < len(segments) and _most_repeated(segments) > rules.max_segment_repeats:
        return "repeated_segment"
    years = [int(item) for item in segments if len(item) == 4 and item.isdigit() and item[:2] in ("19", "20")]
    if years and max(years) > today.year + 1:
        return "calendar"
    if not query:
        return None
    if query.count("&") + 1 > rules.max_query_params:
        return "query_params"
    if len(query) > rules.max_query_length:
        return "query_length"
    earliest = today - timedelta(days=rules.calendar_past_days)
    latest = today + timedelta(days=rules.calendar_future_days)
    if any(not earliest <= day <= latest for day in _query_dates(query)):
        return "calendar"
    return None
