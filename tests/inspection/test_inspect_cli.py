"""``yangguang inspect crawl`` end to end against local sites on 127.0.0.1 with injected problems: broken
internal and external links (国办发〔2015〕15号 链接可用性), a hidden gambling link and a secrecy mark
(国办秘函〔2019〕19号 单项否决 安全、泄密事故等严重问题), a stale notice column and a blank column (栏目不更新),
the JSON it writes, its exit codes, and that nothing outside the site is fetched beyond one check per external
link."""

from __future__ import annotations

import io
import json
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest

from yangguang.cli import main

from .sites import local_site, page

AT = "2026-03-05T12:00:00+08:00"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    argv, sys.argv = sys.argv, ["yangguang", *args]
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


def news_list(prefix: str, days: list[int]) -> str:
    return "".join(f'<li><a href="{prefix}{i}.html">新闻标题{i}</a><span>2026-{m:02d}-{d:02d}</span></li>'
                   for i, (m, d) in enumerate(days))


def site_routes(ext: str) -> dict:
    nav = ('<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/news/">工作动态</a></li>'
           '<li><a href="/notice/">通知公告</a></li><li><a href="/policy/">政策文件</a></li>'
           '<li><a href="/hudong/">县长信箱</a></li><li><a href="/bs/">网上办事</a></li></ul></div>')
    home = f"""{nav}<div class="main"><ul>{news_list("/news/", [(3, 4), (3, 2), (2, 27)])}</ul>
        <a href="/missing.html">失效页面</a> <a href="{ext}/ok">友情链接</a>
        <div style="display:none"><a href="{ext}/casino">百家乐在线</a></div></div>"""
    return {
        "/": page(home),
        "/news/": page(nav + f"<div class='main'><ul>{news_list('/news/', [(3, 4), (3, 2), (2, 27)])}</ul></div>"),
        "/news/0.html": page(nav + f'<p>正文</p><a href="{ext}/gone">外部失效</a>'),
        "/news/1.html": page(nav + "<p>机密★5年</p><p>关于某项工作的通知</p>"),
        "/news/2.html": page(nav + "<p>本次会议强调了违禁词甲的危害。</p>"),
        "/notice/": page(nav + '<div class="main"><ul><li><a href="/notice/1.html">旧通知</a> 2025-06-01</li>'
                               "</ul></div>"),
        "/notice/1.html": page(nav + "<p>通知正文</p>"),
        "/policy/": page(nav + "<div class='main'><h2>政策文件</h2></div>"),
        "/hudong/": page(nav + '<div class="main"><p>欢迎您通过县长信箱反映问题，我们将在十五个工作日内答复。</p>'
                               "<table><tr><th>标题</th><th>留言时间</th><th>回复时间</th></tr>"
                               '<tr><td>路灯不亮</td><td>2026-02-01</td><td>2026-02-06</td></tr></table></div>'),
        "/bs/": page(nav + '<div class="main"><ul><li><a href="/bs/">个人办事</a></li>'
                           '<li><a href="/bs/">法人办事</a></li></ul></div>'),
    }


@pytest.fixture(scope="module")
def inspected(tmp_path_factory):
    """One inspection of the problem site, run once for the module: (exit code, stdout, JSON, requests)."""
    out = tmp_path_factory.mktemp("inspect") / "result.json"
    words = out.with_name("words.txt")
    words.write_text("# 敏感词\n违禁词甲\n", encoding="utf-8")
    with local_site() as ext, local_site() as site:
        ext.routes.update({"/ok": page('<a href="/deeper">外站的链接不应被抓取</a>'),
                           "/gone": page("<p>没有了</p>", status=404)})
        site.routes.update(site_routes(ext.base_url))
        code, stdout, stderr = run("inspect", "crawl", site.url("/"), "--json", str(out), "--words", str(words),
                                   "--at", AT, "--concurrency", "4")
        yield {"code": code, "stdout": stdout, "stderr": stderr, "json": json.loads(out.read_text("utf-8")),
               "site": site, "ext": ext}


def test_the_json_carries_the_promised_keys(inspected):
    data = inspected["json"]
    assert inspected["code"] == 0, inspected["stderr"]
    assert {"pages_checked", "links_checked", "broken_links", "findings", "vetoes", "score", "columns",
            "crawl"} <= set(data)
    assert data["pages_checked"] == 11  # the ten pages and the missing one
    assert {"total", "qualified", "deductions", "bonus", "explanation"} <= set(data["score"])
    for finding in data["findings"]:
        assert {"check", "checklist_item", "url", "severity", "detail", "evidence"} <= set(finding)
    assert {"elapsed", "skipped", "errors"} <= set(data["crawl"])


def test_broken_internal_and_external_links_are_found_with_page_and_text(inspected):
    site, ext = inspected["site"], inspected["ext"]
    broken = {(b["source"], b["target"], b["status"], b["text"]) for b in inspected["json"]["broken_links"]}
    assert (site.url("/"), site.url("/missing.html"), 404, "失效页面") in broken
    assert (site.url("/news/0.html"), ext.url("/gone"), 404, "外部失效") in broken
    items = {(f["checklist_item"], f["evidence"]["link"]) for f in inspected["json"]["findings"]
             if f["check"] == "links.broken"}
    assert ("availability.links_homepage", site.url("/missing.html")) in items
    assert ("availability.links_other", ext.url("/gone")) in items


def test_the_hidden_gambling_link_and_the_secrecy_mark_are_vetoes(inspected):
    site, ext = inspected["site"], inspected["ext"]
    vetoes = {(v["check"], v["url"]) for v in inspected["json"]["vetoes"]}
    assert ("hidden.keywords", site.url("/")) in vetoes
    assert ("privacy.secrecy_mark", site.url("/news/1.html")) in vetoes
    [hidden] = [v for v in inspected["json"]["vetoes"] if v["check"] == "hidden.keywords"]
    assert hidden["evidence"]["link"] == ext.url("/casino") and hidden["evidence"]["hidden"] == "display:none"
    score = inspected["json"]["score"]
    assert score["total"] is None and score["qualified"] is False


def test_the_stale_notice_column_blank_column_and_sensitive_word_are_reported(inspected):
    site = inspected["site"]
    findings = inspected["json"]["findings"]
    [stale] = [f for f in findings if f["checklist_item"] == "updates.columns"]
    assert stale["url"] == site.url("/notice/") and stale["evidence"]["date"] == "2025-06-01"
    [blank] = [f for f in findings if f["checklist_item"] == "updates.blank_columns"]
    assert blank["url"] == site.url("/policy/")
    [word] = [f for f in findings if f["checklist_item"] == "security.sensitive_words"]
    assert word["url"] == site.url("/news/2.html") and word["evidence"]["samples"] == ["违禁词甲"]
    columns = {c["name"]: c for c in inspected["json"]["columns"]}
    assert list(columns) == ["工作动态", "通知公告", "政策文件", "县长信箱", "网上办事"]
    assert columns["工作动态"]["newest"] == "2026-03-04" and columns["政策文件"]["blank"]
    assert not any(f["checklist_item"] in ("veto.homepage_stale", "veto.interaction", "veto.services")
                   for f in findings)


def test_the_summary_names_the_verdict_vetoes_and_broken_links(inspected):
    lines = inspected["stdout"].splitlines()
    assert lines[0].endswith("失效链接 3 处")
    assert lines[1].startswith("结论：不合格")
    assert any("单项否决【安全、泄密事故等严重问题】" in line for line in lines)
    assert any(line.startswith("栏目（请管理员确认）：工作动态（2026-03-04）") for line in lines)


def test_nothing_out_of_scope_is_fetched_beyond_one_check_per_external_link(inspected):
    site, ext = inspected["site"], inspected["ext"]
    assert ext.paths() == {"/ok", "/gone", "/casino"}  # never /deeper: external pages are not crawled
    for path in ext.paths():
        assert ext.count(path, "GET") <= 1 and ext.count(path, "HEAD") <= 1
    for path in site_routes(ext.base_url):
        assert site.count(path, "GET") == 1


def test_json_to_stdout_with_a_dash():
    with local_site({"/": page("<p>首页</p>")}) as site:
        code, stdout, _ = run("inspect", "crawl", site.url("/"), "--json", "-", "--at", AT)
    assert code == 0
    data = json.loads(stdout)
    assert data["pages_checked"] == 1 and data["site"] == site.url("/")


@pytest.mark.parametrize(("args", "field"), [
    (["not a url"], "url"),
    (["ftp://example.gov.cn/"], "url"),
    (["http://127.0.0.1:9/", "--max-pages", "0"], "--max-pages"),
    (["http://127.0.0.1:9/", "--concurrency", "0"], "--concurrency"),
    (["http://127.0.0.1:9/", "--words", "/nonexistent/words.txt"], "words"),
    (["http://127.0.0.1:9/", "--at", "yesterday"], "at"),
    (["http://127.0.0.1:9/", "--json", "/nonexistent/dir/out.json"], "--json"),
])
def test_bad_input_exits_2_with_one_line_naming_the_field(args, field):
    code, stdout, stderr = run("inspect", "crawl", *args)
    assert code == 2 and stdout == ""
    assert stderr.startswith(f"error: {field}: ") and stderr.count("\n") == 1
