"""The annual report as DOCX (what offices file): A4, 宋体 for Chinese (:mod:`yangguang.reports.docx`),
the six sections in order, and the tables laid out as the official format — header cells merged
across the columns they head (申请人情况, 法人或其他组织, 行政复议, 行政诉讼, 未经复议直接起诉, 复议后起诉)
and down to the last header row, row labels indented by level."""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.shared import Pt

from yangguang.core.settings import get_settings
from yangguang.disclosure.annual_report import Report
from yangguang.disclosure.report_tables import Table
from yangguang.reports.docx import ALIGNMENTS, new_document, paragraph, title, to_bytes

TABLE_SIZE = Pt(9)  # 小五
NOTE_SIZE = Pt(10.5)  # 五号
CELL_ALIGN = {"header": "center", "label": "left", "value": "right"}


def _grid(document: DocumentObject, table: Table) -> None:
    rows, columns = table.size
    grid = document.add_table(rows=rows, cols=columns)
    grid.style = "Table Grid"
    for c in table.grid():
        cell = grid.cell(c.row, c.col)
        if c.rowspan > 1 or c.colspan > 1:
            cell = cell.merge(grid.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
        para = cell.paragraphs[0]
        para.alignment = ALIGNMENTS[CELL_ALIGN[c.kind]]
        if c.level:
            para.paragraph_format.left_indent = Pt(TABLE_SIZE.pt * 2 * c.level)
        run = para.add_run("—" if c.content is None else str(c.content))
        run.bold = c.kind == "header"
        run.font.size = TABLE_SIZE
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


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
