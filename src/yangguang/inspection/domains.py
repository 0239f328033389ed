"""Hosts and registrable domains, to tell one site (or organisation) from another."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from yangguang.core.errors import InvalidInput
from yangguang.inspection.urls import normalise, origin_of

# Second-level labels under which a country-code domain is registered (www.jx.gov.cn -> jx.gov.cn).
_SECOND_LEVEL = frozenset({"gov", "com", "net", "org", "edu", "ac", "mil"})


def hostname(url: str) -> str:
    """The host name of any URL, without port (``urls.host_of`` keeps the port of a normalised URL)."""
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def registrable_domain(host: str) -> str:
    """``www.example.gov.cn`` -> ``example.gov.cn``; ``a.b.example.com`` -> ``example.com``; an IP stays whole."""
    labels = host.lower().rstrip(".").split(".")
    if labels[-1].isdigit() or ":" in host:
        return host
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def host_matches(host: str, suffixes: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``suffixes`` or a subdomain of one."""
    host = host.lower()
    return any(host == s or host.endswith("." + s) for s in (s.lower().lstrip(".") for s in suffixes))


def absolute(href: str, base: str) -> str | None:
    """``href`` resolved against ``base`` in the crawler's normal form (so it matches ``Link.target``);
    None when it is not an http(s) URL."""
    href = href.strip()
    if not href or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return None
    if href.startswith("/") and not href.startswith("//"):
        base = origin_of(base)  # the navigation repeated on every page resolves once
    return _resolved(href, base)


@lru_cache(maxsize=65536)
def _resolved(href: str, base: str) -> str | None:
    try:
        return normalise(href, base)
    except InvalidInput:
        return None


def site_key(url: str) -> str:
    """What identifies the organisation behind a URL: its registrable domain; for an IP address or
    ``localhost`` (no domain to go by), the host and port."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.replace(".", "").isdigit() or ":" in host:
        return parts.netloc.lower()
    return registrable_domain(host)


def same_site(url_a: str, url_b: str) -> bool:
    return site_key(url_a) == site_key(url_b)
