"""Decode an HTML body the way a browser would, with the encodings Chinese sites use.

Order: a byte-order mark (it overrides everything, as in the HTML standard); then a body that is
valid UTF-8 is UTF-8, whatever is declared (by chance GBK text is almost never valid UTF-8, while
UTF-8 pages declared as GBK or ISO-8859-1 by a server's default setting are common); then the
``charset`` of the Content-Type header, a ``<meta charset>`` or ``<meta http-equiv="Content-Type">``
in the first :data:`META_SCAN_BYTES` bytes; then GB18030. GB2312 and GBK are decoded as GB18030 (a
superset that browsers use for them); ISO-8859-1 and ASCII as windows-1252, as browsers do. The first
that decodes strictly wins and is returned; a page that says UTF-8 but is GBK comes out as GB18030.
When none does, the declared encoding (else UTF-8) is used with replacement characters.
"""

from __future__ import annotations

import codecs
import re

META_SCAN_BYTES = 4096  # a little over the HTML standard's 1024: Chinese sites' <head> is often long
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_LABELS = {"x-gbk": "gbk", "x-gb18030": "gb18030"}  # labels browsers know that Python's codecs do not
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "iso8859-1": "cp1252", "ascii": "cp1252"}


def canonical_encoding(label: str | None) -> str | None:
    """The codec to decode with for a charset label (``None`` for an unknown label)."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(_LABELS.get(label, label)).name
    except LookupError:
        return None
    return _ALIASES.get(name, name)


def declared_encoding(body: bytes, content_type: str | None) -> str | None:
    """The encoding a response declares: header charset first, then a meta tag near the start."""
    if content_type and (match := _HEADER_CHARSET.search(content_type)):
        encoding = canonical_encoding(match.group(1))
        if encoding:
            return encoding
    if match := _META_CHARSET.search(body[:META_SCAN_BYTES]):
        encoding = canonical_encoding(match.group(1).decode("ascii"))
        if encoding and encoding.startswith("utf-16"):
            return "utf-8"  # a meta tag readable as ASCII cannot be in UTF-16
        return encoding
    return None


def _strict(body: bytes, encoding: str, final: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)("strict").decode(body, final)
    except UnicodeDecodeError:
        return None


def decode(body: bytes, content_type: str | None, truncated: bool = False) -> tuple[str, str]:
    """(text, encoding used) of an HTML body. ``truncated`` bodies may end inside a character."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return codecs.decode(body[len(bom) :], encoding, "replace"), encoding
    declared = declared_encoding(body, content_type)
    final = not truncated
    for encoding in dict.fromkeys(("utf-8", declared or "utf-8", "gb18030")):
        text = _strict(body, encoding, final)
        if text is not None:
            return text, encoding
    encoding = declared or "utf-8"
    return codecs.getincrementaldecoder(encoding)("replace").decode(body, final), encoding
