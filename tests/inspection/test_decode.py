"""Decoding HTML bodies with the encodings Chinese sites use, declared right, wrong or not at all."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yangguang.inspection.decode import META_SCAN_BYTES, canonical_encoding, decode

TEXT = "政府信息公开目录：通知公告、政策文件"


def html(charset_meta: str = "") -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return f"<html><head>{meta}<title>公开</title></head><body><p>{TEXT}</p></body></html>"


@pytest.mark.parametrize(
    ("body", "content_type", "encoding"),
    [
        (html().encode("gbk"), "text/html; charset=GBK", "gb18030"),
        (html().encode("gbk"), "text/html;charset=\"gb2312\"", "gb18030"),
        (html("gb2312").encode("gb2312"), "text/html", "gb18030"),
        (html("utf-8").encode("utf-8"), None, "utf-8"),
        (f'<meta http-equiv="Content-Type" content="text/html; charset=gbk">{TEXT}'.encode("gbk"), "", "gb18030"),
        (html().encode("utf-8"), "text/html", "utf-8"),
        (html().encode("gb18030"), "text/html", "gb18030"),
        (html().encode("gbk"), "text/html; charset=utf-8", "gb18030"),
        (html("utf-8").encode("gbk"), "text/html", "gb18030"),
        (html().encode("utf-8"), "text/html; charset=gbk", "utf-8"),
        (html().encode("utf-8"), "text/html; charset=no-such-charset", "utf-8"),
    ],
    ids=["header-gbk", "header-quoted-gb2312", "meta-gb2312", "meta-utf8", "http-equiv-gbk", "none-utf8",
         "none-gb18030", "header-lies-utf8", "meta-lies-utf8", "header-lies-gbk", "unknown-label"],
)
def test_decode_finds_the_encoding_that_works(body, content_type, encoding):
    text, used = decode(body, content_type)
    assert TEXT in text
    assert used == encoding


def test_bom_overrides_the_header():
    text, used = decode(codecs.BOM_UTF8 + html().encode("utf-8"), "text/html; charset=gbk")
    assert used == "utf-8"
    assert text.startswith("<html>")


def test_meta_far_down_the_page_is_not_read():
    body = ("<!--" + "x" * META_SCAN_BYTES + '--><meta charset="gbk"><p>plain ascii</p>').encode()
    assert decode(body, "text/html") == (body.decode("ascii"), "utf-8")


def test_truncated_body_ending_inside_a_character_decodes_cleanly():
    body = TEXT.encode("utf-8")[:-1]
    text, used = decode(body, "text/html; charset=utf-8", truncated=True)
    assert used == "utf-8"
    assert text == TEXT[:-1]


def test_undecodable_bytes_fall_back_to_the_declared_encoding_with_replacements():
    text, used = decode(b"<p>\xff\xfe\x80\x80</p>" * 3, "text/html; charset=utf-8")
    assert used == "utf-8"
    assert "\ufffd" in text
    assert text.startswith("<p>")


def test_canonical_encoding_aliases():
    assert canonical_encoding("GB2312") == "gb18030"
    assert canonical_encoding("x-gbk") == "gb18030"
    assert canonical_encoding("UTF8") == "utf-8"
    assert canonical_encoding("ISO-8859-1") == "cp1252"
    assert canonical_encoding("bogus") is None
    assert canonical_encoding(None) is None


@settings(deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200),
    st.sampled_from([None, "text/html", "text/html; charset=gbk", "text/html; charset=iso-8859-1"]),
)
def test_utf8_bodies_round_trip_whatever_is_declared(text, content_type):
    assert decode(text.encode("utf-8"), content_type) == (text, "utf-8")


def test_utf8_page_declared_gbk_by_the_server_is_read_as_utf8():
    body = "<p>中文</p>".encode()  # also valid GB18030 (it would read 涓枃)
    assert decode(body, "text/html; charset=gbk") == ("<p>中文</p>", "utf-8")
