"""Sitemap discovery: the Sitemap: lines of robots.txt and ``/sitemap.xml``, sitemap index files
followed one level down, gzip-compressed sitemaps. URLs come out in batches so a sitemap of 50,000
URLs never sits in memory as a list of pages."""

from __future__ import annotations

import html
import re
import zlib
from collections.abc import AsyncIterator, Callable

from yangguang.core.errors import InvalidInput
from yangguang.inspection.fetch import Fetcher
from yangguang.inspection.urls import host_of, normalise

SITEMAP_MAX_BYTES = 10 * 2**20
MAX_SITEMAPS = 50
_LOC = re.compile(rb"<loc>\s*(?:<!\[CDATA\[)?\s*(.*?)\s*(?:\]\]>)?\s*</loc>", re.IGNORECASE | re.DOTALL)


def parse_sitemap(body: bytes) -> tuple[bool, list[str]]:
    """(is a sitemap index, the <loc> URLs) of a sitemap, gzip-compressed or not."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, SITEMAP_MAX_BYTES)
        except zlib.error:
            return False, []
    is_index = b"<sitemapindex" in body[:4096].lower()
    return is_index, [html.unescape(loc.decode("utf-8", "replace")) for loc in _LOC.findall(body)]


async def sitemap_urls(
    fetcher: Fetcher, declared: list[str], guessed: list[str], report: Callable[[str, str], None]
) -> AsyncIterator[list[str]]:
    """Page URLs listed in the sitemaps (normalised, not yet scope-checked), a batch per sitemap.

    ``declared`` sitemaps (from robots.txt) that fail are reported as ``sitemap_unavailable``;
    ``guessed`` ones (``/sitemap.xml``) fail silently. Only URLs the caller passes are fetched: sitemap
    index entries are fetched only when they are on the host of the sitemap that lists them.
    """
    queue = [(url, True) for url in declared] + [(url, False) for url in guessed if url not in declared]
    fetched: set[str] = set()
    while queue and len(fetched) < MAX_SITEMAPS:
        url, reported = queue.pop(0)
        if url in fetched:
            continue
        fetched.add(url)
        response = await fetcher.request("GET", url, lambda response: True, SITEMAP_MAX_BYTES)
        if response.location:
            try:
                moved = normalise(response.location, url)
            except InvalidInput:
                moved = ""
            if moved and host_of(moved) == host_of(url):
                queue.append((moved, reported))
                continue
        if response.error or response.status != 200:
            if reported:
                report(url, "sitemap_unavailable")
            continue
        is_index, locs = parse_sitemap(response.body)
        urls = []
        for loc in locs:
            try:
                urls.append(normalise(loc, url))
            except InvalidInput:
                continue
        if is_index:
            host = host_of(url)
            queue.extend((child, reported) for child in urls if host_of(child) == host)
        else:
            yield urls
