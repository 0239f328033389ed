"""Local web sites for crawler and inspection tests: aiohttp.web servers on 127.0.0.1 with an ephemeral
port, each in its own event-loop thread, counting every request they receive.

    with local_site({"/": page('<a href="/a.html">A</a>'), "/a.html": page("A")}) as site:
        ...crawl site.url("/")...
        assert site.count("/a.html") == 1          # requests for a path (with its query), any method
        assert site.count("/a.html", "HEAD") == 0

Routes map a decoded path (no query) to a handler ``async (request) -> response``; helpers build the
common ones (:func:`page`, :func:`raw`, :func:`redirect`). Unknown paths answer 404. Routes may be
added after start (``site.routes[path] = ...``), so two sites can link to each other.

:func:`hostile_site` starts a ready-made site with every behaviour a crawler must survive, plus a
second server on another port that plays the external host. Its paths are listed in
:data:`HOSTILE_PATHS`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import NamedTuple

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class LocalSite:
    """A running test server: its address, its routes and the requests it received."""

    base_url: str = ""
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path with query)
    active: int = 0
    max_active: int = 0  # the most requests handled at the same time
    closing: asyncio.Event | None = None

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``: what a crawl's scope_hosts takes."""
        return self.base_url.split("//", 1)[1]

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def count(self, path: str | None = None, method: str | None = None) -> int:
        """Requests received, for one path with its query (all paths when ``None``) and one method."""
        return sum(
            1 for verb, target in list(self.requests) if (path is None or target == path) and method in (None, verb)
        )

    def paths(self, method: str | None = None) -> set[str]:
        """The distinct paths (with query) requested."""
        return {target for verb, target in list(self.requests) if method in (None, verb)}

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.method, request.path_qs))
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            handler = self.routes.get(request.path)
            if handler is None:
                return web.Response(status=404, text="<html><body>未找到</body></html>", content_type="text/html")
            return await handler(request)
        finally:
            self.active -= 1


def raw(body: bytes, *, status: int = 200, content_type: str = "text/html", headers: dict | None = None):
    """A handler answering fixed bytes with the Content-Type given verbatim."""

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.Response(body=body, status=status, headers=headers)
        response.headers["Content-Type"] = content_type
        return response

    return handler


def page(html: str, *, status: int = 200, charset: str = "utf-8", declare: str = "header", headers: dict | None = None):
    """An HTML page encoded in ``charset``, declared in the ``header``, a ``meta`` tag, or ``none``."""
    if declare == "meta":
        html = f'<html><head><meta charset="{charset}"><title>页面</title></head><body>{html}</body></html>'
    elif "<html" not in html:
        html = f"<html><head><title>页面</title></head><body>{html}</body></html>"
    content_type = f"text/html; charset={charset}" if declare == "header" else "text/html"
    return raw(html.encode(charset), status=status, content_type=content_type, headers=headers)


def redirect(location: str, status: int = 302):
    """A handler redirecting to ``location``."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers={"Location": location})

    return handler


class _ServerThread:
    def __init__(self, site: LocalSite) -> None:
        self.site = site
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    async def _start(self) -> None:
        self.site.closing = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.site._dispatch)
        self.runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self.runner.setup()
        server = web.TCPSite(self.runner, "127.0.0.1", 0, backlog=1024)
        await server.start()
        self.site.base_url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"

    async def _stop(self) -> None:
        self.site.closing.set()
        await self.runner.cleanup()

    def __enter__(self) -> LocalSite:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)
        return self.site

    def __exit__(self, *exc_info: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@contextmanager
def local_site(routes: dict[str, Handler] | None = None) -> Iterator[LocalSite]:
    """A test server on 127.0.0.1, stopped when the block ends."""
    with _ServerThread(LocalSite(routes=dict(routes or {}))) as site:
        yield site


# -- the hostile site --------------------------------------------------------------------------------

GOV_TEXT = "政府信息公开"


def _month(day: date, shift: int) -> str:
    index = day.year * 12 + day.month - 1 + shift
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


async def _calendar(request: web.Request) -> web.StreamResponse:
    """An infinite calendar: each month links to the previous and the next one."""
    year, month = (int(part) for part in request.query.get("month", "2026-01").split("-"))
    day = date(year, month, 1)
    html = f'<a href="/calendar?month={_month(day, -1)}">上月</a> <a href="/calendar?month={_month(day, 1)}">下月</a>'
    return await page(html)(request)


async def _query_trap(request: web.Request) -> web.StreamResponse:
    """A query-string trap: every page links to itself with one more parameter."""
    query = request.query_string
    html = f'<a href="/trap?{query}&p{len(request.query)}=1">更多</a>'
    return await page(html)(request)


async def _chain(request: web.Request) -> web.StreamResponse:
    """/chain/N redirects to /chain/N+1 until 15: longer than any sane redirect limit."""
    step = int(request.path.rpartition("/")[2])
    return web.Response(status=302, headers={"Location": f"/chain/{step + 1}"})


async def _huge(request: web.Request) -> web.StreamResponse:
    """A 4 MiB page streamed in chunks, with a link at the start."""
    response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
    await response.prepare(request)
    await response.write(b'<html><body><a href="/news/1.html">news</a><p>')
    for _ in range(64):
        await response.write(b"x" * 65536)
    await response.write(b"</p></body></html>")
    return response


async def _dropped(request: web.Request) -> web.StreamResponse:
    """Promises 100,000 bytes, sends 1,000, then drops the connection."""
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    response.content_length = 100_000
    await response.prepare(request)
    await response.write(b"<html><body>" + b"x" * 1000)
    request.transport.close()
    return response


def _first_then_ok(status: int, headers: Callable[[], dict[str, str]]) -> Handler:
    """``status`` with ``headers()`` on the first request, then a normal page."""
    calls = {"n": 0}

    async def handler(request: web.Request) -> web.StreamResponse:
        calls["n"] += 1
        if calls["n"] == 1:
            return web.Response(status=status, headers=headers())
        return await page(f"<p>{GOV_TEXT}</p>")(request)

    return handler


def _head_refused(allowed: Handler) -> Handler:
    """405 to HEAD, ``allowed`` to GET."""

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.method == "HEAD":
            return web.Response(status=405)
        return await allowed(request)

    return handler


def _head_reset(allowed: Handler) -> Handler:
    """Drops the connection on HEAD; ``allowed`` to GET."""

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.method == "HEAD":
            request.transport.close()
            raise asyncio.CancelledError
        return await allowed(request)

    return handler


def _slow(site: LocalSite, seconds: float) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        with suppress(TimeoutError):
            await asyncio.wait_for(site.closing.wait(), seconds)
        return await page("<p>慢</p>")(request)

    return handler


# Every path of hostile_site(): what it does. ``E`` is the external server.
HOSTILE_PATHS = {
    "/": "home page linking to everything below, in odd but equivalent forms, and to the external server",
    "/robots.txt": "Disallow: /private/; Sitemap: /sitemap.xml",
    "/sitemap.xml": "sitemap index: /sitemap-pages.xml and E/sitemap.xml (another host: must not be fetched)",
    "/sitemap-pages.xml": "urlset: /orphan.html (linked nowhere), /news/1.html, E/external-page (out of scope)",
    "/news/1.html, /news/2.html, /news/3.html, /news/4.html": "ordinary pages",
    "/orphan.html": "reachable only through the sitemap",
    "/encoding/gbk-header.html": "GBK, charset=gbk in the header",
    "/encoding/gbk-meta.html": "GB2312 text, declared only in <meta charset>",
    "/encoding/gbk-http-equiv.html": "GBK, declared only in <meta http-equiv=Content-Type>",
    "/encoding/liar.html": "header says utf-8, body is GBK",
    "/encoding/plain-utf8.html, /encoding/plain-gb18030.html": "no charset anywhere",
    "/malformed.html": "broken HTML (unclosed tags, stray bytes) with a link to /news/2.html inside",
    "/calendar?month=YYYY-MM": "infinite calendar (previous and next month forever)",
    "/trap?a=1": "query-string trap (one more parameter on every page)",
    "/loop/a, /loop/b": "redirect loop",
    "/chain/0": "15 redirects in a row",
    "/huge.html": "4 MiB page",
    "/slow.html": "answers after slow_seconds",
    "/drop.html": "connection dropped mid-body",
    "/busy.html": "503 with Retry-After: 1 once, then 200",
    "/ratelimited.html": "429 with Retry-After as an HTTP-date once, then 200",
    "/always-busy.html": "503 forever",
    "/missing.html, /img/missing.png": "404",
    "/private/secret.html": "disallowed by robots.txt",
    "/redirect-out": "302 to E/landing",
    "/base/page.html": '<base href="/news/"> with a relative link to 3.html',
    "/refresh.html": "meta refresh to /news/4.html",
    "/files/report.pdf": "405 to HEAD, a PDF to GET",
    "/img/logo.png, /style.css": "resources",
    "E/ok, E/landing": "200",
    "E/gone": "404",
    "E/nohead": "405 to HEAD, 200 to GET",
    "E/reset-on-head": "drops the connection on HEAD, 200 to GET",
}


class HostileSites(NamedTuple):
    site: LocalSite
    external: LocalSite


def _hostile_routes(site: LocalSite, external: LocalSite, slow_seconds: float) -> dict[str, Handler]:
    base, ext = site.base_url, external.base_url
    this_month = _month(date.today(), 0)
    home = f"""<h1>{GOV_TEXT}</h1>
<a href="/news/1.html">新闻一</a> <a href="news/../news/2.html#top">新闻二</a>
<a href="{base.replace("http://", "HTTP://")}/news/1.html">新闻一（大写）</a>
<a href="/encoding/gbk-header.html">GBK</a> <a href="/encoding/gbk-meta.html">GB2312 meta</a>
<a href="/encoding/gbk-http-equiv.html">http-equiv</a> <a href="/encoding/liar.html">说谎</a>
<a href="/encoding/plain-utf8.html">无声明 UTF-8</a> <a href="/encoding/plain-gb18030.html">无声明 GB18030</a>
<a href="/malformed.html">乱</a> <a href="/calendar?month={this_month}">日历</a> <a href="/trap?a=1">陷阱</a>
<a href="/loop/a">循环</a> <a href="/chain/0">长链</a> <a href="/huge.html">巨大</a> <a href="/slow.html">慢</a>
<a href="/drop.html">断开</a> <a href="/busy.html">忙</a> <a href="/ratelimited.html">限流</a>
<a href="/always-busy.html">一直忙</a> <a href="/missing.html">不存在</a> <a href="/private/secret.html">私密</a>
<a href="/redirect-out">外跳</a> <a href="/base/page.html">base</a> <a href="/refresh.html">刷新</a>
<a href="/files/report.pdf">报告</a> <img src="/img/logo.png" alt="标志"> <img src="/img/missing.png" alt="缺图">
<link rel="stylesheet" href="/style.css">
<a href="{ext}/ok">外部正常</a> <a href="{ext}/gone">外部失效</a> <a href="{ext}/nohead">外部无 HEAD</a>
<a href="{ext}/reset-on-head">外部 HEAD 断开</a> <a href="{ext}/ok#again">外部正常（重复）</a>
<a href="javascript:void(0)">脚本</a> <a href="mailto:zwgk@example.gov.cn">邮件</a> <a href="tel:12345">电话</a>
<img src="data:image/png;base64,AAAA" alt="内嵌"> <a href="http://[::1">坏链接</a>
<a href="C:\\docs\\a.doc">本地文件</a>
"""
    gbk_body = f"<p>{GOV_TEXT}</p>"
    gbk_page = f"<html><head><title>公开</title></head><body>{gbk_body}</body></html>".encode("gbk")
    http_equiv = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=GBK"></head>'
        f"<body>{gbk_body}</body></html>"
    ).encode("gbk")
    sitemap_index = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/sitemap-pages.xml</loc></sitemap><sitemap><loc>{ext}/sitemap.xml</loc></sitemap>
</sitemapindex>"""
    urlset = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/orphan.html</loc></url><url><loc>{base}/news/1.html</loc></url>
<url><loc>{ext}/external-page</loc></url></urlset>"""

    def http_date_soon() -> dict[str, str]:
        return {"Retry-After": format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True)}

    routes: dict[str, Handler] = {
        "/": page(home),
        "/robots.txt": raw(
            f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap.xml\n".encode(), content_type="text/plain"
        ),
        "/sitemap.xml": raw(sitemap_index.encode(), content_type="application/xml"),
        "/sitemap-pages.xml": raw(urlset.encode(), content_type="application/xml"),
        "/news/1.html": page(f'<a href="/">首页</a> <a href="2.html">新闻二</a> <a href="{ext}/ok">外部</a> '
                             '<a href="/missing.html">坏</a>'),
        "/news/2.html": page(f'<a href="1.html">新闻一</a> <a href="/private/secret.html">私密</a> '
                             f'<a href="{ext}/gone">外部失效</a>'),
        "/news/3.html": page("<p>三</p>"),
        "/news/4.html": page("<p>四</p>"),
        "/orphan.html": page('<a href="/news/1.html">新闻一</a>'),
        "/encoding/gbk-header.html": raw(gbk_page, content_type="text/html; charset=gbk"),
        "/encoding/gbk-meta.html": page(gbk_body, charset="gb2312", declare="meta"),
        "/encoding/gbk-http-equiv.html": raw(http_equiv, content_type="text/html"),
        "/encoding/liar.html": raw(gbk_page, content_type="text/html; charset=utf-8"),
        "/encoding/plain-utf8.html": raw(f"<p>{GOV_TEXT}</p>".encode(), content_type="text/html"),
        "/encoding/plain-gb18030.html": raw(f"<p>{GOV_TEXT}</p>".encode("gb18030"), content_type="text/html"),
        "/malformed.html": raw(
            b'<html><body><div><p>\xff\xfe<table><tr><td><a href="/news/2.html">\xe6\x96\xb0<b></td></div>'
            b"<<<>>><script>if (a < b) {</p><!-- unterminated",
            content_type="text/html",
        ),
        "/calendar": _calendar,
        "/trap": _query_trap,
        "/loop/a": redirect("/loop/b"),
        "/loop/b": redirect("/loop/a"),
        "/huge.html": _huge,
        "/slow.html": _slow(site, slow_seconds),
        "/drop.html": _dropped,
        "/busy.html": _first_then_ok(503, lambda: {"Retry-After": "1"}),
        "/ratelimited.html": _first_then_ok(429, http_date_soon),
        "/always-busy.html": raw(b"busy", status=503, content_type="text/plain"),
        "/private/secret.html": page("<p>机密</p>"),
        "/redirect-out": redirect(f"{ext}/landing"),
        "/base/page.html": page('<html><head><base href="/news/"></head><body><a href="3.html">三</a></body>'),
        "/refresh.html": page('<html><head><meta http-equiv="refresh" content="0; url=/news/4.html"></head></html>'),
        "/files/report.pdf": _head_refused(raw(b"%PDF-1.4", content_type="application/pdf")),
        "/img/logo.png": raw(b"\x89PNG\r\n", content_type="image/png"),
        "/style.css": raw(b"body{}", content_type="text/css"),
    }
    routes.update({f"/chain/{step}": _chain for step in range(15)})
    routes["/chain/15"] = page("<p>链尾</p>")
    return routes


@contextmanager
def hostile_site(slow_seconds: float = 5.0) -> Iterator[HostileSites]:
    """The hostile test site and its external server (see :data:`HOSTILE_PATHS`)."""
    with local_site() as site, local_site() as external:
        site.routes.update(_hostile_routes(site, external, slow_seconds))
        ok = page("<p>外部网站</p>")
        external.routes.update({
            "/ok": ok,
            "/landing": ok,
            "/gone": page("<p>没有了</p>", status=404),
            "/nohead": _head_refused(ok),
            "/reset-on-head": _head_reset(ok),
        })
        yield HostileSites(site, external)


def generated_routes(pages: int, links_per_page: int = 20) -> dict[str, Handler]:
    """A plain site of ``pages`` pages (``/p/0.html`` is the home page); page i links to the next
    ``links_per_page`` pages (wrapping), to the home page and to a shared stylesheet."""

    def body(index: int) -> bytes:
        links = "".join(
            f'<li><a href="/p/{(index + step) % pages}.html">第{(index + step) % pages}页</a></li>'
            for step in range(1, links_per_page + 1)
        )
        return (
            f'<html><head><meta charset="utf-8"><title>第{index}页</title><link rel="stylesheet" href="/s.css">'
            f'</head><body><a href="/p/0.html">首页</a><ul>{links}</ul><p>{GOV_TEXT}</p></body></html>'
        ).encode()

    routes: dict[str, Handler] = {f"/p/{index}.html": raw(body(index)) for index in range(pages)}
    routes["/s.css"] = raw(b"body{}", content_type="text/css")
    return routes
