"""Plain text from a file submitted for review before publication: DOCX, PDF, HTML or plain text.

The type is told by the file's first bytes (a ZIP holding ``word/document.xml``, ``%PDF-``, an HTML
start tag), the name's extension only when the bytes say nothing. Lines of the result follow the
document's structure (a paragraph, a table cell, an HTML block a line), which the scanner's marking
rules rely on: a marking is often alone on its line.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from yangguang.core.errors import InvalidInput

SUPPORTED = "DOCX、PDF、HTML、TXT"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls / .ppt
HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE | re.DOTALL)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
HTML_BLOCKS = ("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
               "article", "header", "footer", "blockquote", "pre", "dt", "dd", "caption", "hr", "address", "nav")
BLOCK_BREAK = "\u2029"  # inserted around HTML blocks, turned into line breaks after whitespace is collapsed
VML_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
"""Text boxes are stored twice, as DrawingML and as a VML fallback: the fallback copy is skipped."""
CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


def extract_text(data: bytes, filename: str) -> str:
    """The text of ``data`` (the content of the file named ``filename``), one paragraph a line.

    An empty, unsupported, corrupt or encrypted file, or one without any text (a scanned PDF), is an
    :class:`InvalidInput` on the field ``file``.
    """
    name = PurePath(filename).name or filename
    if not data:
        raise InvalidInput("file", f"文件为空：{name}")
    kind = _kind(data, name)
    text = {"docx": _docx, "pdf": _pdf, "html": _html, "txt": _txt}[kind](data, name)
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    if not text.strip():
        hint = "（可能是扫描件，需要先做文字识别）" if kind == "pdf" else ""
        raise InvalidInput("file", f"文件中没有可提取的文字{hint}：{name}")
    return text.strip("\n")


def _kind(data: bytes, name: str) -> str:
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                is_docx = "word/document.xml" in archive.namelist()
        except zipfile.BadZipFile as exc:
            raise InvalidInput("file", f"文件已损坏，无法读取（ZIP 结构错误）：{name}") from exc
        if not is_docx:
            raise InvalidInput("file", f"不支持的文件类型：{name} 是 ZIP 压缩包而不是 Word 文档（支持 {SUPPORTED}）")
        return "docx"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if HTML_START.match(data[:4096].removeprefix(b"\xef\xbb\xbf")):
        return "html"
    if data.startswith(OLE_MAGIC):
        raise InvalidInput("file", f"不支持旧版 Office 格式（.doc/.xls），请另存为 DOCX 后再审查：{name}")
    extension = PurePath(name).suffix.lower()
    if extension in (".docx", ".pdf"):
        raise InvalidInput("file", f"文件已损坏，内容不是有效的 {extension[1:].upper()}：{name}")
    if extension in (".html", ".htm"):
        return "html"
    if extension == ".txt":
        return "txt"
    raise InvalidInput("file", f"不支持的文件类型：{name}（支持 {SUPPORTED}）")


def _docx(data: bytes, name: str) -> str:
    """Paragraphs in document order, those in table cells and text boxes included (each a line), then
    the text of headers and footers, where internal-only markings often stand."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, XMLSyntaxError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InvalidInput("file", f"文件已损坏，无法读取 Word 文档：{name}") from exc
    lines = [Paragraph(p, document).text for p in document.element.body.iter(qn("w:p"))
             if not any(ancestor.tag == VML_FALLBACK for ancestor in p.iterancestors())]
    for section in document.sections:
        for part in (section.first_page_header, section.header, section.even_page_header,
                     section.first_page_footer, section.footer, section.even_page_footer):
            if not part.is_linked_to_previous:
                lines.extend(p.text for p in part.paragraphs)
    return "\n".join(lines)


def _pdf(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InvalidInput("file", f"PDF 文件已加密，无法提取文字：{name}")
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except InvalidInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise InvalidInput("file", f"文件已损坏，无法读取 PDF：{name}") from exc


def _html(data: bytes, name: str) -> str:
    """The body's text, scripts and styles dropped, a line per block element."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(_decode_html(data))
    tree.strip_tags(["script", "style", "noscript", "template"])
    body = tree.body
    if body is None:
        return ""
    for node in body.css(",".join(HTML_BLOCKS)):
        node.insert_before(BLOCK_BREAK)
        node.insert_after(BLOCK_BREAK)
    text = re.sub(r"[ \t\r\n\f]+", " ", body.text(separator=""))
    return re.sub(rf" ?{BLOCK_BREAK}[ {BLOCK_BREAK}]*", "\n", text)


def _decode_html(data: bytes) -> str:
    """The charset of the byte-order mark; else UTF-8 when the bytes are valid UTF-8 (a page saved in
    UTF-8 often keeps a ``<meta charset="gbk">`` it no longer has, while GBK text is almost never valid
    UTF-8); else the charset of ``<meta charset>``; else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = META_CHARSET.search(data[:4096])
    if declared:
        charset = declared.group(1).decode("ascii").lower()
        try:
            return data.decode(CHARSET_ALIASES.get(charset, charset))
        except (LookupError, UnicodeDecodeError):
            pass
    return _decode_text(data, strict=False)


def _txt(data: bytes, name: str) -> str:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInput("file", f"文件不是文本文件（含有二进制内容）：{name}")
    return _decode_text(data, strict=True, name=name)


def _decode_text(data: bytes, strict: bool, name: str = "") -> str:
    """UTF-8 (a byte-order mark honoured, UTF-16 too), then GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        if strict:
            raise InvalidInput("file", f"无法识别文本编码（既不是 UTF-8 也不是 GB18030）：{name}") from exc
        return data.decode("utf-8", "replace")
