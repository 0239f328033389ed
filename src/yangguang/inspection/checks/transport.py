"""Transport security: HTTPS, the redirect from HTTP, and mixed content (HTTPS 与混合内容).

Monitoring vendors' practice (shared/domain/website-inspection.md, "HTTPS"): a site served over plain HTTP,
an HTTPS site whose HTTP address does not redirect to HTTPS, and an HTTPS page loading resources (scripts,
styles, images, frames) over HTTP are each a deduction.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from yangguang.inspection.checklist import HTTPS
from yangguang.inspection.checks.findings import DEDUCTION, Finding, evidence
from yangguang.inspection.fetched import Page

RESOURCE_KINDS = frozenset({"img", "script", "css", "iframe"})


def _scheme(url: str | None) -> str:
    return urlsplit(url or "").scheme.lower()


def site_https_findings(homepage: Page, http_final_url: str | None = None) -> list[Finding]:
    """The site over plain HTTP; or, for an HTTPS site, its HTTP address (fetched to ``http_final_url``) not
    ending on HTTPS. ``http_final_url`` None: the HTTP address was not tried."""
    if homepage.status is None:
        return []
    if _scheme(homepage.final_url) == "http":
        return [Finding("transport.https", HTTPS, homepage.final_url, DEDUCTION, "网站未使用 HTTPS 加密访问",
                        evidence(page=homepage.final_url))]
    if http_final_url is not None and _scheme(http_final_url) != "https":
        return [Finding("transport.redirect", HTTPS, homepage.final_url, DEDUCTION,
                        "通过 HTTP 访问网站时未跳转到 HTTPS", evidence(page=homepage.final_url, link=http_final_url))]
    return []


def mixed_content_findings(page: Page) -> list[Finding]:
    """One finding per HTTPS page that loads resources over HTTP, listing them."""
    if _scheme(page.final_url) != "https":
        return []
    insecure = sorted({link.target for link in page.links if link.kind in RESOURCE_KINDS and _scheme(link.target)
                       == "http"})
    if not insecure:
        return []
    return [Finding("transport.mixed_content", HTTPS, page.final_url, DEDUCTION,
                    f"HTTPS 页面通过 HTTP 加载了 {len(insecure)} 个资源（混合内容），如 {insecure[0]}",
                    evidence(page=page.final_url, link=insecure[0], resources=insecure[:20]))]
