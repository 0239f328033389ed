"""DOCX building blocks shared by every module's letters and reports (python-docx).

Chinese text needs the East Asian font set explicitly: Word picks the font of CJK characters from
``w:rFonts/@w:eastAsia``, which python-docx's ``font.name`` does not set. :func:`new_document` sets
it on the Normal style (which every paragraph here inherits), on an A4 page with the margins of
official documents (GB/T 9704-2012: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm).

API: :func:`new_document`, :func:`title`, :func:`paragraph`, :func:`table`, :func:`to_bytes`,
:func:`set_east_asian_font`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

LATIN_FONT = "Times New Roman"
CJK_FONT = "宋体"  # SimSun
BODY_SIZE = Pt(14)  # 四号
TITLE_SIZE = Pt(22)  # 二号
ALIGNMENTS = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
              "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


def set_east_asian_font(style_or_run, name: str = CJK_FONT) -> None:
    """Set the font of CJK characters (``w:eastAsia``) of a style or a run."""
    r_pr = style_or_run.element.get_or_add_rPr()
    r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def new_document() -> DocumentObject:
    """An empty A4 document whose Normal style writes Chinese in 宋体 (SimSun) at 四号 (14 pt)."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    set_east_asian_font(normal)
    return document


def title(document: DocumentObject, text: str, *, size: Pt = TITLE_SIZE) -> Paragraph:
    """A centred bold title (in the Normal style's fonts, not Word's heading theme fonts)."""
    para = document.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(text)
    run.bold = True
    run.font.size = size
    return para


def paragraph(document: DocumentObject, text: str = "", *, align: str = "justify", indent: bool = True,
              bold: bool = False) -> Paragraph:
    """A body paragraph; ``indent`` puts the usual two-character first-line indent."""
    para = document.add_paragraph()
    para.alignment = ALIGNMENTS[align]
    if indent:
        para.paragraph_format.first_line_indent = Pt(BODY_SIZE.pt * 2)
    if text:
        para.add_run(text).bold = bold
    return para


def table(document: DocumentObject, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Table:
    """A grid table with a bold header row; cells are written with ``str``."""
    grid = document.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(str(text)).bold = True
    for row in rows:
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    return grid


def to_bytes(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
