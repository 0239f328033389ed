"""Renderers of the annual report: JSON, HTML (fragment and page), DOCX, XLSX."""

from __future__ import annotations

import json

from yangguang.core.errors import InvalidInput
from yangguang.disclosure.annual_report import Report
from yangguang.disclosure.report_render.as_docx import to_docx
from yangguang.disclosure.report_render.as_html import to_html
from yangguang.disclosure.report_render.as_json import to_json
from yangguang.disclosure.report_render.as_xlsx import to_xlsx

FORMATS = ("docx", "html", "xlsx", "json")


def check_format(fmt: str) -> str:
    """``fmt`` if it is one of FORMATS, else an InvalidInput on the field ``format``."""
    if fmt not in FORMATS:
        raise InvalidInput("format", f"未知的输出格式 {fmt!r}（可选：{'、'.join(FORMATS)}）")
    return fmt


def render(report: Report, fmt: str) -> bytes:
    """The report as the bytes of a file in ``fmt`` (one of FORMATS)."""
    check_format(fmt)
    if fmt == "docx":
        return to_docx(report)
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt == "html":
        return to_html(report).encode("utf-8")
    return (json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


__all__ = ["FORMATS", "check_format", "render", "to_docx", "to_html", "to_json", "to_xlsx"]
