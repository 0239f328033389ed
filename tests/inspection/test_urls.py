"""URL normal form, scope, trap heuristics and de-duplication keys."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yangguang.core.errors import InvalidInput
from yangguang.inspection.urls import Scope, TrapRules, looks_like_file, normalise, url_key

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("HTTP://Example.GOV.cn:80/a/./b/../c?x=1#frag", None, "http://example.gov.cn/a/c?x=1"),
        ("https://example.gov.cn:443", None, "https://example.gov.cn/"),
        ("https://example.gov.cn:8443/", None, "https://example.gov.cn:8443/"),
        ("http://example.gov.cn/?", None, "http://example.gov.cn/"),
        ("http://example.gov.cn/%7euser/%2fx%e4%b8%ad", None, "http://example.gov.cn/~user/%2Fx%E4%B8%AD"),
        ("http://example.gov.cn/中文 路径.html?q=政府", None,
         "http://example.gov.cn/%E4%B8%AD%E6%96%87%20%E8%B7%AF%E5%BE%84.html?q=%E6%94%BF%E5%BA%9C"),
        ("http://example.gov.cn/100%", None, "http://example.gov.cn/100%25"),
        ("http://例子.中国/", None, "http://xn--fsqu00a.xn--fiqs8s/"),
        ("http://[::1]:8080/x", None, "http://[::1]:8080/x"),
        ("http://example.gov.cn/?b=2&a=1", None, "http://example.gov.cn/?b=2&a=1"),
        ("..\\news\\1.html", "http://example.gov.cn/a/b/c.html", "http://example.gov.cn/a/news/1.html"),
        ("?page=2", "http://example.gov.cn/list.html?page=1", "http://example.gov.cn/list.html?page=2"),
        ("../../../x", "http://example.gov.cn/a/", "http://example.gov.cn/x"),
        ("//cdn.example.gov.cn/s.css", "https://example.gov.cn/", "https://cdn.example.gov.cn/s.css"),
        ("  /a\n/b\t.html ", "http://example.gov.cn/", "http://example.gov.cn/a/b.html"),
    ],
)
def test_normalise(url, base, expected):
    assert normalise(url, base) == expected


@pytest.mark.parametrize(
    "url",
    ["javascript:void(0)", "mailto:a@example.gov.cn", "ftp://example.gov.cn/", "http://[::1", "http:///x",
     "http://exa mple.gov.cn/", "http://example.gov.cn:99999/", "example.gov.cn/a", ""],
)
def test_normalise_rejects_what_is_not_a_web_url(url):
    with pytest.raises(InvalidInput) as caught:
        normalise(url)
    assert caught.value.field == "url"
    assert caught.value.reason


segment = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#\\"), max_size=8)


@given(st.lists(segment, max_size=5), st.lists(st.tuples(segment, segment), max_size=4))
def test_normalise_is_idempotent_and_ascii(path, params):
    query = "&".join(f"{name}={value}" for name, value in params)
    url = "http://Example.gov.cn/" + "/".join(path) + ("?" + query if query else "")
    once = normalise(url)
    assert normalise(once) == once
    assert once.isascii()


def test_url_key_ignores_parameter_order_but_not_scheme_or_values():
    assert url_key("http://a.cn/?b=2&a=1") == url_key("http://a.cn/?a=1&b=2")
    assert url_key("http://a.cn/x") != url_key("https://a.cn/x")
    assert url_key("http://a.cn/?a=1") != url_key("http://a.cn/?a=2")
    assert -(2**63) <= url_key("http://a.cn/") < 2**63


def test_scope_hosts_ports_and_prefixes_on_segment_boundaries():
    scope = Scope.build(["WWW.Example.gov.cn", "127.0.0.1:8080"], ["/xxgk", "/news/"])
    assert scope.contains("http://www.example.gov.cn/xxgk")
    assert scope.contains("https://www.example.gov.cn/xxgk/a.html")
    assert scope.contains("http://127.0.0.1:8080/news/1.html")
    assert scope.contains("http://127.0.0.1:8080/news")
    assert not scope.contains("http://www.example.gov.cn/xxgk2/a.html")
    assert not scope.contains("http://www.example.gov.cn/")
    assert not scope.contains("http://127.0.0.1:8081/news/1.html")
    assert not scope.contains("http://example.gov.cn/xxgk/")
    assert Scope.build(["a.cn"], ["/"]).contains("http://a.cn/anything?x=1")


@pytest.mark.parametrize(
    ("hosts", "prefixes", "field"),
    [([], ["/"], "scope_hosts"), (["a.cn/x"], ["/"], "scope_hosts"), (["a b"], ["/"], "scope_hosts"),
     (["a.cn"], ["xxgk"], "scope_prefixes"), (["a.cn"], [], "scope_prefixes")],
)
def test_scope_rejects_bad_input(hosts, prefixes, field):
    with pytest.raises(InvalidInput) as caught:
        Scope.build(hosts, prefixes)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://a.cn/news/2026/11/1.html", None),
        ("http://a.cn/list?page=3&type=news", None),
        ("http://a.cn/cal?month=2026-12", None),
        ("http://a.cn/cal?month=2022-01", None),
        ("http://a.cn/art?id=20190512", None),
        ("http://a.cn/cal?month=2028-01", "calendar"),
        ("http://a.cn/cal?date=2019/03/05", "calendar"),
        ("http://a.cn/cal?year=2030&month=2", "calendar"),
        ("http://a.cn/cal?day=19990101", "calendar"),
        ("http://a.cn/events/2031/01/", "calendar"),
        ("http://a.cn/a/b/a/b/a/b/a/b", "repeated_segment"),
        ("http://a.cn/" + "x/" * 20, "path_depth"),
        ("http://a.cn/?" + "&".join(f"p{i}=1" for i in range(13)), "query_params"),
        ("http://a.cn/?q=" + "x" * 600, "query_length"),
        ("http://a.cn/" + "y" * 3000, "url_length"),
    ],
)
def test_trap_rules(url, reason):
    assert TrapRules().reason(url, TODAY) == reason


def test_trap_rules_are_configurable():
    rules = TrapRules(max_query_params=2, calendar_future_days=1000)
    assert rules.reason("http://a.cn/?a=1&b=2&c=3", TODAY) == "query_params"
    assert rules.reason("http://a.cn/cal?month=2028-01", TODAY) is None


def test_looks_like_file():
    assert looks_like_file("http://a.cn/files/report.PDF")
    assert looks_like_file("http://a.cn/img/logo.png?v=2")
    assert not looks_like_file("http://a.cn/news/1.html")
    assert not looks_like_file("http://a.cn/download?id=5")
    assert not looks_like_file("http://a.cn/v1.2/")
