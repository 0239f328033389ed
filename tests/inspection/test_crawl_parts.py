"""The crawler's parts on their own: Retry-After, rate schedules, link extraction, sitemaps, the
command-line progress bar."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from types import SimpleNamespace

import aiohttp
import pytest
from rich.console import Console
from selectolax.lexbor import LexborHTMLParser

from yangguang.inspection.cli_progress import progress_callback
from yangguang.inspection.extract import LinkExtractor
from yangguang.inspection.fetch import HostGates, RateSchedule, _error_name, parse_retry_after
from yangguang.inspection.sitemaps import parse_sitemap
from yangguang.inspection.urls import Scope

NOW = datetime(2026, 11, 22, 8, 0, 0, tzinfo=UTC)


def test_retry_after_in_seconds_or_as_an_http_date():
    assert parse_retry_after("7", NOW) == 7.0
    assert parse_retry_after("Sun, 22 Nov 2026 08:00:30 GMT", NOW) == 30.0
    assert parse_retry_after("Sun, 22 Nov 2026 07:00:00 GMT", NOW) == 0.0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after("", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_rate_schedule_spaces_request_starts():
    schedule = RateSchedule(interval=0.5)
    assert [schedule.reserve(10.0) for _ in range(3)] == [0.0, 0.5, 1.0]
    assert schedule.reserve(12.0) == 0.0
    schedule.pause_until(20.0)
    assert schedule.reserve(13.0) == 7.0
    assert RateSchedule().reserve(5.0) == RateSchedule().reserve(5.0) == 0.0


def test_host_gates_turn_the_rate_into_spacing_and_keep_the_slowest():
    gates = HostGates(2, rate=4.0)
    assert gates("a.gov.cn").schedule.interval == 0.25
    gates.slow_down("a.gov.cn", 2.0)
    gates.slow_down("a.gov.cn", 1.0)
    assert gates("a.gov.cn").schedule.interval == 2.0
    assert gates("b.gov.cn").schedule.interval == 0.25
    assert HostGates(2, rate=None)("c.gov.cn").schedule.interval == 0.0


def _links(html: str, url: str = "http://a.gov.cn/dir/page.html"):
    return LinkExtractor(Scope.build(["a.gov.cn"], ["/"])).extract(LexborHTMLParser(html), url)


def test_extract_links_kinds_texts_and_scope():
    found = _links(
        """<html><head><link rel="stylesheet" href="/s.css"><link rel="shortcut icon" href="/f.ico">
        <link rel="preconnect" href="https://cdn.example.com"><script src="app.js"></script>
        <meta http-equiv="refresh" content="5;URL='/new.html'"></head><body>
        <a href="a.html">  新闻
          动态 </a><a href="/b.html"><img src="/i.png" alt="图片链接"></a><a href="https://other.cn/x" title="外站"></a>
        <map><area href="/area.html" alt="区域"></map><iframe src="/frame.html" title="框架"></iframe>
        <img src="/pic.jpg" alt="照片"><a href="">空</a><a>无链接</a></body></html>"""
    )
    got = [(link.target, link.kind, link.text, link.internal) for link in found.links]
    assert got == [
        ("http://a.gov.cn/s.css", "css", "", True),
        ("http://a.gov.cn/f.ico", "img", "", True),
        ("http://a.gov.cn/dir/app.js", "script", "", True),
        ("http://a.gov.cn/new.html", "refresh", "", True),
        ("http://a.gov.cn/dir/a.html", "a", "新闻 动态", True),
        ("http://a.gov.cn/b.html", "a", "图片链接", True),
        ("http://a.gov.cn/i.png", "img", "图片链接", True),
        ("https://other.cn/x", "a", "外站", False),
        ("http://a.gov.cn/area.html", "a", "区域", True),
        ("http://a.gov.cn/frame.html", "iframe", "框架", True),
        ("http://a.gov.cn/pic.jpg", "img", "照片", True),
    ]
    assert all(link.source == "http://a.gov.cn/dir/page.html" for link in found.links)


def test_extract_links_honours_base_and_sorts_out_non_web_and_malformed_hrefs():
    found = _links(
        """<head><base href="http://a.gov.cn/news/"></head><a href="1.html">一</a>
        <a href="javascript:void(0)">脚本</a><a href="mailto:x@a.gov.cn">信</a><a href="tel:110">电话</a>
        <img src="data:image/gif;base64,R0lGOD"><a href="http://[bad">坏</a><a href="file:///C:/a.doc">文件</a>
        <a href="D:\\报告.doc">本地</a>"""
    )
    assert [link.target for link in found.links] == ["http://a.gov.cn/news/1.html"]
    assert found.non_http == 4
    assert found.malformed == [
        ("http://[bad", "a", "坏"), ("file:///C:/a.doc", "a", "文件"), ("D:\\报告.doc", "a", "本地")
    ]


def test_sitemaps_plain_gzip_and_index():
    urlset = b"""<?xml version="1.0"?><urlset><url><loc> http://a.gov.cn/1.html </loc></url>
    <url><loc><![CDATA[http://a.gov.cn/2.html?a=1&b=2]]></loc></url>
    <url><loc>http://a.gov.cn/3.html?x=1&amp;y=2</loc></url></urlset>"""
    expected = ["http://a.gov.cn/1.html", "http://a.gov.cn/2.html?a=1&b=2", "http://a.gov.cn/3.html?x=1&y=2"]
    assert parse_sitemap(urlset) == (False, expected)
    assert parse_sitemap(gzip.compress(urlset)) == (False, expected)
    index = b"<sitemapindex><sitemap><loc>http://a.gov.cn/s1.xml</loc></sitemap></sitemapindex>"
    assert parse_sitemap(index) == (True, ["http://a.gov.cn/s1.xml"])
    assert parse_sitemap(b"\x1f\x8bnot gzip") == (False, [])


def test_progress_callback_draws_on_a_terminal_and_stays_silent_otherwise():
    out = io.StringIO()
    with progress_callback("抓取", Console(file=out, force_terminal=True, width=80)) as progress:
        progress(3, 10)
        progress(10, 10)
    assert "抓取" in out.getvalue() and "10/10" in out.getvalue()
    quiet = io.StringIO()
    with progress_callback("抓取", Console(file=quiet, force_terminal=False)) as progress:
        progress(1, 2)
    assert quiet.getvalue() == ""


@pytest.mark.parametrize(
    ("exc", "name"),
    [
        (TimeoutError(), "timeout"),
        (aiohttp.ServerDisconnectedError(), "connection"),
        (aiohttp.ClientPayloadError("cut"), "payload"),
        (aiohttp.ClientConnectorDNSError(SimpleNamespace(ssl=None), OSError("no such host")), "dns"),
        (ValueError("bad url"), "malformed_url"),
    ],
)
def test_transport_errors_get_stable_names(exc, name):
    assert _error_name(exc) == name
