"""The annual report as HTML: the fragment the portal includes (``disclosure/annual_report.html``,
context ``report`` = :func:`~.as_json.to_json`) or a standalone page around it. Merged header cells
use colspan/rowspan, header cells carry ``scope`` (col, colgroup, row)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from yangguang.disclosure.annual_report import Report
from yangguang.disclosure.report_render.as_json import to_json

FRAGMENT = "disclosure/annual_report.html"
PAGE = "disclosure/annual_report_page.html"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=PackageLoader("yangguang.disclosure", "templates"), autoescape=select_autoescape(),
                       trim_blocks=True, lstrip_blocks=True)


def to_html(report: Report, *, page: bool = True) -> str:
    """A whole HTML page (``page``) or the fragment alone."""
    return _environment().get_template(PAGE if page else FRAGMENT).render(report=to_json(report))
