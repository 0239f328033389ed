"""The quarterly self-inspection report (季度自查报告): each site files one a quarter (shared/domain/
website-inspection.md; 国办秘函〔2019〕19号). It explains every veto and deduction of the latest inspection with its
evidence, and lists the problems found, rectified and still open with their deadlines."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from tests.factories import at
from yangguang.core.errors import InvalidInput, NotFound
from yangguang.inspection import self_report, service
from yangguang.inspection.inspect import ColumnReport

from .registry_helpers import HOME, T0, Org, broken, register, result, sensitive, stale_column, stale_homepage

T1 = at("2026-03-16 09:30")
NOW = at("2026-04-10 09:00")


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture
def quarter(db):
    """A site inspected twice in 2026 Q1: first vetoed, then with deductions only."""
    org = Org(db)
    site = register(db, org)
    service.confirm_columns(db, org.admin, site, [
        {"url": HOME + "news/", "name": "工作动态", "kind": "news"},
        {"url": HOME + "notice/", "name": "通知公告", "kind": "notice"},
        {"url": HOME + "zt/", "name": "专题专栏", "kind": "other", "update_days": 90}], at=T0)
    columns = [ColumnReport("工作动态", HOME + "news/", "news", True, date(2026, 3, 12), 20),
               ColumnReport("通知公告", HOME + "notice/", "notice", True, date(2025, 6, 1), 3)]
    service.record_inspection(db, site, result([stale_homepage(), broken(HOME + "a.html"), sensitive()],
                                               columns=columns), at=T0)
    service.record_inspection(db, site, result([broken(HOME + "a.html"), broken(HOME + "b.html"), stale_column()],
                                               T1, columns=columns), trigger="schedule", at=T1)
    return site


def test_the_report_explains_the_latest_inspection_with_its_evidence(db, quarter):
    report = self_report.build_report(db, quarter.id, "2026Q1", now=NOW)
    assert report["title"] == "某县人民政府门户网站2026年第一季度自查报告"
    assert [i["date"] for i in report["inspections"]] == ["2026-03-02", "2026-03-16"]
    assert report["inspections"][0]["verdict"] == "不合格（触发单项否决 1 项）"
    latest = report["latest"]
    assert latest["date"] == "2026-03-16" and latest["vetoes"] == [] and latest["qualified"]
    links = next(d for d in latest["deductions"] if d["indicator"] == "availability.links_other")
    assert links["occurrences"] == 2 and len(links["findings"]) == 2
    assert f"链接 {HOME}a.html" in links["findings"][0]["evidence"]
    assert report["counts"] == {"found": 5, "rectified": 2, "open": 3}  # the veto and the words were fixed
    open_items = {r["item"] for r in report["problems"]["open"]}
    assert open_items == {"链接可用性（其他页面）", "栏目更新"}
    assert all(r["due"] for r in report["problems"]["open"])
    status = {c["name"]: c["status"] for c in report["columns"]}
    assert status == {"工作动态": "按要求更新", "通知公告": "超期未更新（要求每 180 天更新）",
                      "专题专栏": "未检查（不在首页导航中或未抓取）"}
    assert "本季度共检查 2 次" in report["conclusion"] and "尚有 3 个问题未整改" in report["conclusion"]


def test_docx_reopens_with_every_part(db, quarter):
    report = self_report.build_report(db, quarter.id, "2026-Q1", now=NOW)
    text = docx_text(self_report.render(report, "docx"))
    for expected in ("某县人民政府门户网站2026年第一季度自查报告", "一、网站基本情况", HOME, "县人民政府办公室",
                     "二、本季度检查情况", "2026-03-16", "三、最近一次检查结果",
                     "扣分【网站可用性·链接可用性（其他页面）】2 处",
                     f"链接 {HOME}b.html", "四、问题整改情况", "首页不更新", "五、栏目更新情况", "超期未更新",
                     "六、结论"):
        assert expected in text, expected


def test_html_carries_the_deductions_and_escapes_the_evidence(db, quarter):
    report = self_report.build_report(db, quarter, "2026Q1", now=NOW)
    report["latest"]["deductions"][0]["findings"][0]["detail"] = "<script>alert(1)</script>"
    html = self_report.render(report, "html").decode("utf-8")
    assert "扣分【网站可用性·链接可用性（其他页面）】2 处" in html and "栏目不更新：“通知公告”" in html
    assert f"页面 {HOME}notice/" in html and "<script>alert" not in html
    assert 'class="problems-open"' in html


def test_a_quarter_without_inspection_is_reported_as_such(db, quarter):
    report = self_report.build_report(db, quarter.url, "2026Q2", now=at("2026-05-01 09:00"))
    assert report["inspections"] == [] and report["latest"] is None
    assert report["conclusion"].startswith("本季度（2026-04-01 至 2026-06-30）未对该网站开展检查")
    assert report["counts"]["open"] == 3  # still open from the first quarter
    assert "本季度未对该网站开展检查。" in docx_text(self_report.to_docx(report))
    assert "本季度未对该网站开展检查。" in self_report.to_html(report)


@pytest.mark.parametrize("text", ["2026Q5", "26Q1", "2026-03", "", "2026 Q1", None])
def test_bad_quarters_are_refused(db, quarter, text):
    with pytest.raises(InvalidInput) as refused:
        self_report.build_report(db, quarter.id, text)
    assert refused.value.field == "quarter"


def test_quarters_parse_both_ways():
    assert self_report.parse_quarter("2026Q3") == self_report.parse_quarter("2026-q3") == (2026, 3)
    assert self_report.quarter_days(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))


def test_unknown_site_and_format(db, quarter):
    with pytest.raises(NotFound):
        self_report.build_report(db, 999, "2026Q1")
    with pytest.raises(InvalidInput) as refused:
        self_report.render(self_report.build_report(db, quarter.id, "2026Q1", now=NOW), "pdf")
    assert refused.value.field == "format"
