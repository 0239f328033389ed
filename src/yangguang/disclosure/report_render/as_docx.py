"""The annual report as DOCX (what offices file): A4, 宋体 for Chinese (:mod:`yangguang.reports.docx`),
the six sections in order, and the tables laid out as the official format — header cells merged
across the columns they head (申请人情况, 法人或其他组织, 行政复议, 行政诉讼, 未经复议直接起诉, 复议后起诉)
and down to the last header row, row labels indented by level."""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from yangguang.core.settings import get_settings
from yangguang.disclosure.annual_report import Report
from yangguang.disclosure.report_tables import Table
from yangguang.reports.docx import new_document, paragraph, title, to_bytes

TABLE_SIZE = Pt(9)  # 小五
NOTE_SIZE = Pt(10.5)  # 五号


def _write(cell, text: str, *, bold: bool = False, align: str = "center", level: int = 0) -> None:
    para = cell.paragraphs[0]
    para.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                      "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    if level:
        para.paragraph_format.left_indent = Pt(TABLE_SIZE.pt * 2 * level)
    run = para.add_run(text)
    run.bold = bold
    run.font.size = TABLE_SIZE
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _grid(document: DocumentObject, table: Table) -> None:
    header = table.header()
    grid = document.add_table(rows=len(header) + len(table.rows), cols=len(table.labels))
    grid.style = "Table Grid"
    for cells in header:
        for c in cells:
            cell = grid.cell(c.row, c.col)
            if c.rowspan > 1 or c.colspan > 1:
                cell = cell.merge(grid.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
            _write(cell, c.label, bold=True)
    first = 1 if table.stub is not None else 0
    for i, row in enumerate(table.rows, start=len(header)):
        if first:
            _write(grid.cell(i, 0), row.label, align="left", level=row.level)
        if row.heading:
            continue
        for j, value in enumerate(row.values, start=first):
            _write(grid.cell(i, j), "—" if value is None else str(value), align="right")


def _note(document: DocumentObject, text: str) -> None:
    run = paragraph(document, indent=False).add_run(text)
    run.font.size = NOTE_SIZE


def to_docx(report: Report) -> bytes:
    document = new_document()
    title(document, report.title)
    status = (f"已于 {report.published_at.astimezone(get_settings().zone).date().isoformat()} 公开"
              if report.published_at else "草稿：根据当前数据实时计算，尚未公开")
    paragraph(document, f"（格式：{report.format_document}；{status}）", align="center", indent=False)
    if not report.reconciles:
        paragraph(document, "数据核对未通过（不能公开）：", indent=False, bold=True)
        for d in report.discrepancies:
            _note(document, d.describe())
    for section in report.sections:
        paragraph(document, section.title, indent=False, bold=True)
        for table in section.tables:
            paragraph(document, table.title, indent=False, align="center", bold=True)
            _grid(document, table)
            for note in table.notes:
                _note(document, note)
        if not section.tables:
            lines = [line.strip() for line in (section.text or "").splitlines() if line.strip()]
            for line in lines or ["（未填写）"]:
                paragraph(document, line)
        for note in section.notes:
            _note(document, note)
    for note in report.notes:
        _note(document, note)
    return to_bytes(document)
