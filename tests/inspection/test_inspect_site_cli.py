"""``yangguang inspect site|columns|run|probe|report`` end to end against a local site on 127.0.0.1: register it,
inspect it on demand and when due, list the results, confirm the columns found in its navigation, write the
quarterly self-inspection report (季度自查报告), and the exit codes of bad input (2, one line on stderr).

The site has a broken internal link (国办发〔2015〕15号 链接可用性) and a notice column not updated for more than
6 months (国办秘函〔2019〕19号 栏目不更新)."""

from __future__ import annotations

import io
import json

import pytest
from docx import Document
from sqlalchemy import select

from yangguang.core import db as core_db
from yangguang.inspection.models import Inspection, Problem, Site

from .registry_helpers import Org
from .sites import local_site, page

AT = "2026-03-05T12:00:00+08:00"
NAV = ('<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/news/">工作动态</a></li>'
       '<li><a href="/notice/">通知公告</a></li><li><a href="/hudong/">县长信箱</a></li>'
       '<li><a href="/bs/">网上办事</a></li></ul></div>')


def news(days: list[tuple[int, int]]) -> str:
    return "".join(f'<li><a href="/news/{i}.html">新闻标题{i}</a><span>2026-{m:02d}-{d:02d}</span></li>'
                   for i, (m, d) in enumerate(days))


def routes() -> dict:
    recent = news([(3, 4), (3, 3), (3, 2), (3, 1), (2, 28), (2, 27), (2, 26), (2, 25), (2, 24), (2, 23), (2, 22)])
    return {
        "/": page(f'{NAV}<div class="main"><ul>{recent}</ul><a href="/missing.html">失效页面</a></div>'),
        "/news/": page(f"{NAV}<div class='main'><ul>{recent}</ul></div>"),
        **{f"/news/{i}.html": page(f"{NAV}<p>正文{i}</p>") for i in range(11)},
        "/notice/": page(f'{NAV}<div class="main"><ul><li><a href="/notice/1.html">旧通知</a> 2025-06-01</li>'
                         "</ul></div>"),
        "/notice/1.html": page(f"{NAV}<p>通知正文</p>"),
        "/hudong/": page(f'{NAV}<div class="main"><p>欢迎您通过县长信箱反映问题，我们将在十五个工作日内答复。</p>'
                         "</div>"),
        "/bs/": page(f'{NAV}<div class="main"><ul><li><a href="/bs/">个人办事</a></li></ul></div>'),
    }


@pytest.fixture
def web():
    with local_site(routes()) as site:
        yield site


@pytest.fixture
def org(db_url):
    with core_db.transaction(db_url) as session:
        Org(session)


def add(run_cli, web, *extra: str):
    return run_cli("inspect", "site", "add", "--unit", "XZF", "--name", "某县人民政府门户网站", "--url", web.url("/"),
                   "--portal", "--max-pages", "50", *extra)


def test_register_inspect_list_confirm_and_report(run_cli, web, org, db_url, tmp_path):
    added = add(run_cli, web, "--json")
    assert added.code == 0, added.err
    site_id = json.loads(added.out)["id"]

    ran = run_cli("inspect", "run", str(site_id), "--at", AT, "--json")
    assert ran.code == 0, ran.err
    [inspection] = json.loads(ran.out)
    assert inspection["site_id"] == site_id and inspection["trigger"] == "manual"
    assert inspection["problems"]["new"] >= 2 and inspection["broken_count"] >= 1
    with core_db.reading(db_url) as session:
        found = {p.checklist_item: (p.url, p.evidence) for p in session.scalars(select(Problem))}
    assert found["availability.links_homepage"][1]["link"] == web.url("/missing.html")
    assert found["updates.columns"][0] == web.url("/notice/")

    listed = json.loads(run_cli("inspect", "site", "list", "--json").out)
    assert [(r["id"], r["score"], r["open_problems"] >= 2) for r in listed] == [(site_id, inspection["score"], True)]
    human = run_cli("inspect", "site", "list")
    assert human.code == 0 and "某县人民政府门户网站" in human.out

    columns = run_cli("inspect", "columns", web.url("/"), "--confirm-all", "--at", AT, "--json")
    assert columns.code == 0, columns.err
    rows = {c["name"]: c for c in json.loads(columns.out)}
    assert rows["工作动态"]["kind"] == "news" and rows["工作动态"]["update_days"] == 14
    assert rows["通知公告"]["update_days"] == 180 and rows["通知公告"]["newest"] == "2025-06-01"
    assert all(c["confirmed"] and c["discovered"] for c in rows.values())

    docx_file, html_file = tmp_path / "report.docx", tmp_path / "report.html"
    for fmt, out in (("docx", docx_file), ("html", html_file)):
        written = run_cli("inspect", "report", "--site", str(site_id), "--quarter", "2026Q1", "--format", fmt,
                          "--out", str(out))
        assert written.code == 0, written.err
        assert "2026年第一季度自查报告" in written.err
    text = "\n".join(p.text for p in Document(io.BytesIO(docx_file.read_bytes())).paragraphs)
    assert "某县人民政府门户网站2026年第一季度自查报告" in text and "六、结论" in text
    html = html_file.read_text("utf-8")
    assert "链接可用性（首页）" in html and web.url("/missing.html") in html


def test_due_inspections_and_probes(run_cli, web, org, db_url):
    assert add(run_cli, web).code == 0
    first = run_cli("inspect", "run", "--due", "--at", AT)
    assert first.code == 0, first.err
    assert "某县人民政府门户网站" in first.out and "新发现问题" in first.out
    none_due = run_cli("inspect", "run", "--due", "--at", "2026-03-11T12:00:00+08:00")
    assert none_due.out.strip() == "没有到期需要检查的网站"
    again = run_cli("inspect", "run", "--due", "--at", "2026-03-12T12:00:00+08:00", "--json")
    [second] = json.loads(again.out)
    assert second["trigger"] == "schedule" and second["problems"]["still_found"] >= 2
    assert second["problems"]["new"] == 1  # a week on, fewer than 10 homepage updates in the last 2 weeks
    with core_db.reading(db_url) as session:
        assert len(session.scalars(select(Inspection)).all()) == 2
    probed = run_cli("inspect", "probe", "--json")
    assert probed.code == 0, probed.err
    [probe] = json.loads(probed.out)
    assert probe["status"] == 200 and probe["seconds"] is not None


@pytest.mark.parametrize(("args", "message"), [
    (("inspect", "site", "add", "--unit", "XZF", "--name", "站", "--url", "ftp://x.gov.cn/"), "error: url:"),
    (("inspect", "site", "add", "--unit", "NOPE", "--name", "站", "--url", "http://x.gov.cn/"), "error: unit:"),
    (("inspect", "site", "add", "--unit", "XZF", "--name", "站", "--url", "http://x.gov.cn/", "--kind", "weibo"),
     "error: kind:"),
    (("inspect", "site", "add", "--unit", "XZF", "--name", "站", "--url", "http://x.gov.cn/", "--as", "clerk"),
     "error: actor:"),
    (("inspect", "site", "add", "--unit", "XZF", "--name", "站", "--url", "http://x.gov.cn/", "--as", "ghost"),
     "error: actor:"),
    (("inspect", "run"), "error: site:"),
    (("inspect", "run", "--due", "1"), "error: site:"),
    (("inspect", "run", "42"), "error: site:"),
    (("inspect", "columns", "42"), "error: site:"),
    (("inspect", "report", "--site", "42", "--quarter", "2026Q1", "--format", "docx", "--out", "x.docx"),
     "error: site:"),
    (("inspect", "report", "--site", "1", "--quarter", "2026Q9", "--format", "docx", "--out", "x.docx"),
     "error: --quarter:"),
    (("inspect", "report", "--site", "1", "--quarter", "2026Q1", "--format", "pdf", "--out", "x.pdf"),
     "error: --format:"),
    (("inspect", "report", "--site", "1", "--quarter", "2026Q1", "--format", "html", "--out", "/nonexistent/x.html"),
     "error: --out:"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(run_cli, org, db_url, args, message):
    outcome = run_cli(*args)
    assert outcome.code == 2 and outcome.err.startswith(message) and outcome.err.count("\n") == 1, outcome.err
    with core_db.reading(db_url) as session:
        assert session.scalars(select(Site)).all() == []


def test_a_second_registration_and_bad_column_files_exit_2(run_cli, web, org, tmp_path):
    assert add(run_cli, web).code == 0
    twice = add(run_cli, web)
    assert twice.code == 2 and twice.err.startswith("error: url:")
    broken_file = tmp_path / "columns.json"
    broken_file.write_text("[{", encoding="utf-8")
    bad = run_cli("inspect", "columns", "1", "--confirm", str(broken_file))
    assert bad.code == 2 and bad.err.startswith("error: --confirm:")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps([{"url": web.url("/news/"), "name": "工作动态", "kind": "daily"}]), encoding="utf-8")
    refused = run_cli("inspect", "columns", "1", "--confirm", str(wrong))
    assert refused.code == 2 and refused.err.startswith("error: columns[0].kind:")


def test_columns_are_discovered_from_the_navigation_then_confirmed_from_a_file(run_cli, web, org, tmp_path):
    assert add(run_cli, web).code == 0
    discovered = run_cli("inspect", "columns", "1", "--discover", "--at", AT, "--json")
    assert discovered.code == 0, discovered.err
    rows = {c["name"]: c for c in json.loads(discovered.out)}
    assert {"工作动态", "通知公告"} <= set(rows) and not any(c["confirmed"] for c in rows.values())
    settings = tmp_path / "columns.json"
    settings.write_text(json.dumps([{"url": web.url("/news/"), "update_days": 7},
                                    {"url": web.url("/bs/"), "monitored": False}]), encoding="utf-8")
    confirmed = run_cli("inspect", "columns", web.url("/"), "--confirm", str(settings), "--json")
    assert confirmed.code == 0, confirmed.err
    rows = {c["name"]: c for c in json.loads(confirmed.out)}
    assert (rows["工作动态"]["update_days"], rows["工作动态"]["confirmed"]) == (7, True)
    assert rows["网上办事"]["monitored"] is False and rows["通知公告"]["confirmed"] is False
    human = run_cli("inspect", "columns", "1")
    assert human.code == 0 and "待确认" in human.out
