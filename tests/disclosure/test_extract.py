"""Text extraction for the confidentiality review: DOCX, PDF, HTML and plain text; bad files rejected."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from yangguang.core.errors import InvalidInput
from yangguang.disclosure.extract import extract_text
from yangguang.disclosure.scanner import Scanner


def make_docx(header: str | None = None) -> bytes:
    document = docx.Document()
    document.add_paragraph("秘密★1年")
    document.add_paragraph("关于某某事项的通知")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "姓名"
    table.cell(0, 1).text = "联系电话"
    table.cell(1, 0).text = "张三"
    table.cell(1, 1).text = "13800138000"
    document.add_paragraph("此件公开发布")
    if header:
        document.sections[0].header.paragraphs[0].text = header
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF 1.4 with ASCII text in the standard Helvetica font, xref offsets computed."""
    shown = " ".join(f"({line}) Tj T*" for line in lines)
    stream = f"BT /F1 12 Tf 14 TL 72 720 Td {shown} ET" if lines else ""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += b"".join(f"{offset:010d} 00000 n \n".encode("ascii") for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)


def test_docx_paragraphs_and_table_cells_in_order_headers_included():
    text = extract_text(make_docx(header="内部资料 注意保存"), "通知.docx")
    lines = text.split("\n")
    assert lines[:7] == ["秘密★1年", "关于某某事项的通知", "姓名", "联系电话", "张三", "13800138000", "此件公开发布"]
    assert "内部资料 注意保存" in lines[7:]
    kinds = [f.kind for f in Scanner().scan(text).findings]
    assert kinds == ["secrecy_mark", "mobile", "internal_mark"]


def test_html_in_gbk_with_meta_charset_scripts_and_styles_dropped():
    html = ("<!DOCTYPE html><html><head><meta charset=\"gbk\"><title>标题</title>"
            "<style>.x{color:red}</style><script>var secret = '13800138000';</script></head>"
            "<body><p>联系人：张三，电话：<b>139</b><b>1234</b><b>5678</b></p>"
            "<div>第二段\n  文字</div><table><tr><td>内部</td><td>其他</td></tr></table></body></html>")
    text = extract_text(html.encode("gbk"), "page.html")
    assert text.split("\n") == ["联系人：张三，电话：13912345678", "第二段 文字", "内部", "其他"]
    assert "secret" not in text and "color" not in text and "标题" not in text


def test_html_in_utf8_under_a_stale_gbk_meta_charset_is_read_as_utf8():
    """A page saved in UTF-8 that kept its old ``<meta charset="gbk">``: valid UTF-8 wins, as in browsers."""
    data = '<html><head><meta charset="gbk"></head><body><p>内部资料 注意保存</p></body></html>'.encode()
    assert extract_text(data, "page.html") == "内部资料 注意保存"


def test_html_without_declared_charset_falls_back_to_gb18030():
    data = "<html><body><p>政府信息公开</p></body></html>".encode("gb18030")
    assert extract_text(data, "index.htm") == "政府信息公开"


def test_pdf_text_is_extracted_and_scanned():
    number = "11010519491231002X"
    text = extract_text(make_pdf([f"ID {number}", "Tel 13800138000"]), "decision.pdf")
    assert number in text and "13800138000" in text
    assert [f.kind for f in Scanner().scan(text).findings] == ["id_number", "mobile"]


def test_magic_bytes_win_over_the_extension():
    assert "Tel 13800138000" in extract_text(make_pdf(["Tel 13800138000"]), "misnamed.txt")
    assert extract_text(b"<html><body><p>a</p><p>b</p></body></html>", "page.txt") == "a\nb"


@pytest.mark.parametrize("data", ["内部资料\r\n正文".encode(), "内部资料\r\n正文".encode("gb18030"),
                                  "\ufeff内部资料\r\n正文".encode(), "内部资料\r\n正文".encode("utf-16")])
def test_plain_text_in_utf8_gb18030_or_with_a_byte_order_mark(data):
    assert extract_text(data, "note.txt") == "内部资料\n正文"


def corrupt_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not-xml")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "内容")
    return buffer.getvalue()


@pytest.mark.parametrize("data, name, reason", [
    (b"", "empty.txt", "文件为空"),
    (b"MZ\x90\x00\x03\x00\x00\x00", "tool.exe", "不支持的文件类型"),
    (plain_zip(), "archive.zip", "ZIP 压缩包"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old.doc", "旧版 Office"),
    (corrupt_docx(), "broken.docx", "文件已损坏"),
    (b"PK\x03\x04 truncated", "broken.docx", "文件已损坏"),
    (b"not a pdf at all", "report.pdf", "文件已损坏"),
    (b"%PDF-1.4\n garbage", "broken.pdf", "文件已损坏"),
    (make_pdf([]), "scan.pdf", "没有可提取的文字"),
    (b"  \n\t\n", "blank.txt", "没有可提取的文字"),
    (b"\x00\x01\x02binary", "data.txt", "不是文本文件"),
    (b"<html><body><script>x()</script></body></html>", "empty.html", "没有可提取的文字"),
])
def test_bad_files_are_rejected_with_a_reason(data, name, reason):
    with pytest.raises(InvalidInput) as error:
        extract_text(data, name)
    assert error.value.field == "file"
    assert reason in error.value.reason and name in error.value.reason


def test_docx_text_box_is_read_once_not_twice_from_its_vml_fallback():
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph("正文")
    box = ('<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
           'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<mc:Choice Requires="wps"><w:p><w:r><w:t>内部资料</w:t></w:r></w:p></mc:Choice>'
           '<mc:Fallback><w:p><w:r><w:t>内部资料</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent>')
    paragraph.runs[0]._r.append(parse_xml(box))
    buffer = io.BytesIO()
    document.save(buffer)
    assert extract_text(buffer.getvalue(), "box.docx").split("\n") == ["正文", "内部资料"]
