"""Pages for the checks' tests, built the way the crawler hands them over (parsed HTML, absolute links)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from yangguang.inspection.fetched import Link, Page
from yangguang.inspection.html_text import page_lines

SITE = "http://www.example.gov.cn/"
_RESOURCES = (("a[href]", "href", "a"), ("img[src]", "src", "img"), ("script[src]", "src", "script"),
              ("link[href]", "href", "css"), ("iframe[src]", "src", "iframe"))


def make_page(html: str, url: str = SITE, *, status: int | None = 200, elapsed: float = 0.2,
              error: str | None = None) -> Page:
    """A fetched HTML page at ``url`` with its links resolved; internal means on the same host."""
    tree = LexborHTMLParser(html)
    links = []
    for selector, attribute, kind in _RESOURCES:
        for node in tree.css(selector):
            target = urljoin(url, node.attributes.get(attribute) or "")
            text = " ".join((node.text() or node.attributes.get("alt") or node.attributes.get("title") or "").split())
            links.append(Link(url, target, text, kind, urlsplit(target).netloc == urlsplit(url).netloc))
    return Page(url=url, final_url=url, status=status, content_type="text/html", encoding="utf-8", text=html,
                tree=tree, links=links, elapsed=elapsed, size=len(html.encode()), error=error)


def text_of(page: Page) -> str:
    """The page's visible text as the inspection hands it to the checks."""
    return page_lines(page.tree)
