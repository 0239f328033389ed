"""The links of a parsed HTML page, resolved and normalised.

Kinds: ``a`` (``a[href]``, ``area[href]``), ``iframe`` (``iframe[src]``, ``frame[src]``), ``refresh``
(``<meta http-equiv="refresh" content="0; url=...">``, common on Chinese portals' home pages): these
are pages the crawler follows inside the scope. Resources, checked but never parsed: ``img``
(``img[src]``, ``link[rel~=icon]``), ``script`` (``script[src]``), ``css`` (``link[rel~=stylesheet]``).
``<base href>`` is honoured. Empty hrefs are ignored; ``javascript:``, ``mailto:``, ``tel:``,
``data:`` and other non-web schemes are counted, not kept; hrefs that are not URLs at all (bad hosts or
ports, ``file:`` and drive-letter paths such as ``C:\\a.doc``) come back as ``malformed``.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from yangguang.core.errors import InvalidInput
from yangguang.inspection.fetched import Link
from yangguang.inspection.urls import CACHE_SIZE, Scope, normalise, split_normalised

PAGE_KINDS = frozenset({"a", "iframe", "refresh"})
_SELECTOR = "a[href], area[href], img[src], script[src], link[href], iframe[src], frame[src], meta[http-equiv]"
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.IGNORECASE)
NON_HTTP, MALFORMED = "non_http", "malformed"


@dataclass
class Extracted:
    """What :meth:`LinkExtractor.extract` found on one page."""

    links: list[Link] = field(default_factory=list)
    malformed: list[tuple[str, str, str]] = field(default_factory=list)  # (href, kind, text)
    non_http: int = 0


def _collapse(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _describe(node: Any) -> tuple[str | None, str, str] | None:
    """(href, kind, text) of a link element, or ``None`` when it is not a link to check."""
    tag = node.tag
    attributes = node.attributes
    if tag == "a":
        text = _collapse(node.text(deep=True)) or _collapse(attributes.get("title"))
        if not text and (image := node.css_first("img[alt]")):
            text = _collapse(image.attributes.get("alt"))
        return attributes.get("href"), "a", text
    if tag == "area":
        return attributes.get("href"), "a", _collapse(attributes.get("alt"))
    if tag == "img":
        return attributes.get("src"), "img", _collapse(attributes.get("alt") or attributes.get("title"))
    if tag == "script":
        return attributes.get("src"), "script", ""
    if tag in ("iframe", "frame"):
        return attributes.get("src"), "iframe", _collapse(attributes.get("title"))
    if tag == "link":
        rel = (attributes.get("rel") or "").lower().split()
        if "stylesheet" in rel:
            return attributes.get("href"), "css", ""
        if "icon" in rel or "apple-touch-icon" in rel:
            return attributes.get("href"), "img", ""
        return None
    if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
        match = _REFRESH_URL.search(attributes.get("content") or "")
        return (match.group(1), "refresh", "") if match else None
    return None


class LinkExtractor:
    """Extracts the links of the pages of one site. Resolved hrefs are cached across pages (bounded):
    absolute and root-relative hrefs — the navigation repeated on every page — by themselves, relative
    ones by the directory of the page they are on."""

    def __init__(self, scope: Scope, cache_size: int = CACHE_SIZE) -> None:
        self.scope = scope
        self._resolve = lru_cache(maxsize=cache_size)(self._resolve_uncached)

    def _resolve_uncached(self, href: str, base: str) -> tuple[str, bool] | str:
        """(target, inside the scope), or ``NON_HTTP`` / ``MALFORMED``."""
        if (scheme := _SCHEME.match(href)) and scheme.group(1).lower() not in ("http", "https"):
            return NON_HTTP if len(scheme.group(1)) > 1 and scheme.group(1).lower() != "file" else MALFORMED
        try:
            target = normalise(href, base or None)
        except InvalidInput:
            return MALFORMED
        return target, self.scope.contains(target)

    def extract(self, tree: Any, page_url: str) -> Extracted:
        """The links of a page parsed with ``selectolax.lexbor``; ``page_url`` is its final URL."""
        found = Extracted()
        base = page_url
        if (base_node := tree.css_first("base[href]")) is not None:
            with suppress(InvalidInput):
                base = normalise(base_node.attributes.get("href") or "", page_url)
        scheme, netloc, path, _ = split_normalised(base)
        origin = f"{scheme}://{netloc}"
        directory = origin + path[: path.rfind("/") + 1]
        for node in tree.css(_SELECTOR):
            described = _describe(node)
            if described is None or not described[0]:
                continue
            href, kind, text = described
            href = href.strip()
            if not href:
                continue
            if href.startswith(("http://", "https://")):
                resolved = self._resolve(href, "")
            elif href[0] == "/" and not href.startswith("//"):
                resolved = self._resolve(href, origin)
            elif href[0] in "?#" or href.startswith("//"):
                resolved = self._resolve(href, base)
            else:
                resolved = self._resolve(href, directory)
            if resolved == NON_HTTP:
                found.non_http += 1
            elif resolved == MALFORMED:
                found.malformed.append((href, kind, text))
            else:
                found.links.append(Link(page_url, resolved[0], text, kind, resolved[1]))
        return found
