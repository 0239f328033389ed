"""What the crawler hands to the checks: fetched pages, the links found on them, link check results.

The contract between :mod:`yangguang.inspection.crawler` (which fetches, decodes and parses each page
once) and :mod:`yangguang.inspection.checks` (which judge them against the national checklist).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Link:
    """A link found on a page (``a[href]``, ``area[href]``; resources such as ``img[src]``, ``script[src]``,
    ``link[href]``, ``iframe[src]`` with ``kind`` saying which)."""

    source: str  # the page it was found on (final URL)
    target: str  # absolute, normalised
    text: str  # the link text (or alt/title), whitespace collapsed
    kind: str = "a"  # a | img | script | css | iframe | refresh (meta refresh) | form | other
    internal: bool = True  # inside the site's scope


@dataclass
class Page:
    """One fetched URL of the site. ``tree`` is the parsed HTML (``selectolax.lexbor.LexborHTMLParser``)
    for HTML pages and ``None`` otherwise; ``text`` the decoded HTML (``None`` for non-HTML)."""

    url: str  # as enqueued (normalised)
    final_url: str  # after redirects
    status: int | None  # None: no response (error says why)
    depth: int = 0
    referrer: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    content_type: str = ""
    encoding: str | None = None  # the charset used to decode
    text: str | None = None
    tree: Any = None
    links: list[Link] = field(default_factory=list)
    elapsed: float = 0.0  # seconds to the full body
    size: int = 0  # bytes read
    truncated: bool = False  # the page-size cap was hit
    redirects: list[str] = field(default_factory=list)
    error: str | None = None  # timeout | connection | redirect_loop | too_many_redirects | ...


@dataclass
class LinkStatus:
    """The outcome of checking one link target (each distinct target is checked once)."""

    target: str
    status: int | None
    error: str | None = None
    final_url: str | None = None
    method: str = "GET"  # HEAD when HEAD answered; GET after a HEAD refusal

    @property
    def broken(self) -> bool:
        return self.error is not None or self.status is None or self.status >= 400
