"""The annual report as JSON: tables with the official column and row labels in official order.

Each table has ``columns`` (every column's own label, the row-label column first when the table has
one: "信息内容", or the reconciliation note heading section 三), ``header`` (the header rows as laid
out in the official format, with ``colspan``/``rowspan``), and ``rows`` (``label``, ``level`` for the
indentation, ``values`` aligned with the value columns: counts as numbers, 万元 amounts as decimal
strings, ``null`` where the platform has no data for the cell).
"""

from __future__ import annotations

from typing import Any

from yangguang.core.settings import get_settings
from yangguang.disclosure.annual_report import CARRY_LABELS, CHECKS, Report, Section
from yangguang.disclosure.report_tables import Table


def table_json(table: Table) -> dict[str, Any]:
    return {
        "key": table.key, "title": table.title, "columns": table.labels, "row_labels": table.stub is not None,
        "header": [[{"label": c.label, "colspan": c.colspan, "rowspan": c.rowspan} for c in row]
                   for row in table.header()],
        "rows": [r.as_json() for r in table.rows],
        "notes": list(table.notes),
    }


def _section(section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {"number": section.number, "title": section.title}
    if section.tables:
        data["tables"] = [table_json(t) for t in section.tables]
    else:
        data["text"] = section.text or ""
    if section.notes:
        data["notes"] = list(section.notes)
    return data


def to_json(report: Report) -> dict[str, Any]:
    return {
        "title": report.title, "organ": report.organ, "organ_code": report.organ_code, "year": report.year,
        "format": report.format.value, "format_document": report.format_document,
        "status": report.status,
        "published_at": report.published_at.astimezone(get_settings().zone).isoformat() if report.published_at
        else None,
        "carry_forward": {"source": report.carry_forward, "label": CARRY_LABELS[report.carry_forward]},
        "sections": [_section(s) for s in report.sections],
        "reconciliation": {
            "reconciles": report.reconciles,
            "checks": list(CHECKS.values()),
            "discrepancies": [{"check": d.check, "rule": d.rule, "row": d.row, "column": d.column,
                               "expected": d.expected, "actual": d.actual, "text": d.describe()}
                              for d in report.discrepancies],
        },
        "notes": list(report.notes),
    }
