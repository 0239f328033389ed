"""The annual report as XLSX: a sheet 报告 (organ, year, format, status, carry-forward, the text
sections, the reconciliation) and one sheet per table section (二, 三, 四) with its tables in order,
header cells merged as in the official format, figures as numbers (万元 amounts with 4 decimals)."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from yangguang.disclosure.annual_report import CARRY_LABELS, PUBLISHED, Report
from yangguang.disclosure.report_tables import Table

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _table(sheet: Worksheet, table: Table, top: int) -> int:
    """Write ``table`` from row ``top``; returns the first free row after it."""
    sheet.cell(top, 1, table.title).font = Font(bold=True)
    start = top + 1
    for c in table.grid():
        cell = sheet.cell(start + c.row, 1 + c.col, "—" if c.content is None else c.content)
        if c.kind == "header":
            cell.font, cell.alignment = Font(bold=True), _CENTRE
        elif c.kind == "label":
            cell.alignment = Alignment(indent=2 * c.level, wrap_text=True)
        elif isinstance(c.content, Decimal):
            cell.number_format = "0.0000"
        if c.rowspan > 1 or c.colspan > 1:
            sheet.merge_cells(start_row=start + c.row, start_column=1 + c.col,
                              end_row=start + c.row + c.rowspan - 1, end_column=c.col + c.colspan)
    rows, columns = table.size
    end = start + rows
    for line in sheet.iter_rows(min_row=start, max_row=end - 1, max_col=columns):
        for cell in line:
            cell.border = _BOX
    for i, note in enumerate(table.notes):
        sheet.cell(end + i, 1, note)
    return end + len(table.notes) + 1


def _cover(sheet: Worksheet, report: Report) -> None:
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 16, 100
    lines = [("报告", report.title), ("机关", report.organ), ("年度", report.year),
             ("格式", f"{report.format_document}（{report.format.value}年格式）"),
             ("状态", "已公开" if report.status == PUBLISHED else "草稿（根据当前数据实时计算）"),
             ("上年结转", CARRY_LABELS[report.carry_forward]),
             ("数据核对", "通过" if report.reconciles else "未通过（不能公开）")]
    lines += [("", d.describe()) for d in report.discrepancies]
    lines += [(s.title, s.text or "") for s in report.sections if not s.tables]
    lines += [("说明", note) for s in report.sections for note in s.notes] + [("说明", n) for n in report.notes]
    for r, (label, value) in enumerate(lines, start=1):
        sheet.cell(r, 1, label).font = Font(bold=True)
        sheet.cell(r, 2, value).alignment = Alignment(wrap_text=True, vertical="top")


def to_xlsx(report: Report) -> bytes:
    book = Workbook()
    cover = book.active
    cover.title = "报告"
    _cover(cover, report)
    for section in report.sections:
        if not section.tables:
            continue
        sheet = book.create_sheet(section.title)
        sheet.column_dimensions["A"].width = 48
        row = 1
        for table in section.tables:
            row = _table(sheet, table, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
