"""The annual report rendered: JSON with the official labels in official order, HTML with merged header
cells, DOCX laid out as the official format (国办公开办函〔2021〕30号) and XLSX with numbers as numbers."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from decimal import Decimal

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from tests.disclosure.report_data import application, decided_case, fee, licensing_item, make_organ, remedy
from tests.disclosure.test_annual_report import APPLICANT_COLUMNS, RESULTS, SECTION_THREE_2021
from yangguang.disclosure.annual_report import compute, freeze, thaw
from yangguang.disclosure.report_render import render, to_docx, to_html, to_json, to_xlsx
from yangguang.disclosure.report_tables import APPLICATION_STUB


@pytest.fixture
def report(db):
    """SCJ's 2026 report: two natural persons and a company; one application concluded without a row
    (so the report does not reconcile); a pending review; 173.45 元 of fees; a text with markup."""
    organ = make_organ(db)
    application(db, organ.unit, "2025-12-20", concluded="2026-01-10", row="disclosed")
    application(db, organ.unit, "2026-03-02", kind="commercial", concluded="2026-03-20", row="withheld.state_secret")
    application(db, organ.unit, "2026-04-02", concluded="2026-04-20", row=None)
    remedy(db, organ.unit, "review", "2026-03-03")
    case = decided_case(db, licensing_item(db, organ.unit), decided="2026-06-01 10:00")
    fee(db, case, organ.clerk, 17345, "2026-06-01 11:00")
    live = compute(db, organ.unit, 2026)
    return replace(live, sections=tuple(replace(s, text="第一段<script>alert(1)</script>\n第二段") if s.number == "一"
                                        else s for s in live.sections))


def _table(data: dict, key: str) -> dict:
    return next(t for s in data["sections"] for t in s.get("tables", []) if t["key"] == key)


def test_json_carries_the_official_labels_in_official_order(report):
    data = json.loads(render(report, "json"))
    assert (data["format"], data["format_document"], data["status"]) == ("2021", "国办公开办函〔2021〕30号", "draft")
    assert [s["number"] for s in data["sections"]] == ["一", "二", "三", "四", "五", "六"]
    applications = _table(data, "applications")
    assert applications["columns"] == [APPLICATION_STUB] + APPLICANT_COLUMNS
    assert [(r["level"], r["label"]) for r in applications["rows"]] == SECTION_THREE_2021
    assert applications["header"][0] == [{"label": APPLICATION_STUB, "colspan": 1, "rowspan": 3},
                                         {"label": "申请人情况", "colspan": 7, "rowspan": 1}]
    new = next(r for r in applications["rows"] if r["key"] == "new")
    assert new["values"] == [1, 1, 0, 0, 0, 0, 2]
    remedies = _table(data, "remedies")
    assert remedies["columns"] == RESULTS * 3 and remedies["row_labels"] is False
    assert remedies["rows"][0]["values"] == [0, 0, 0, 1, 1] + [0] * 10
    assert _table(data, "art20_8")["rows"][0]["values"] == ["0.0173"]  # 万元, a decimal string
    assert _table(data, "art20_5")["rows"][0]["values"] == [1]


def test_json_shows_the_reconciliation_and_where_row_two_came_from(report):
    data = to_json(report)
    assert data["reconciliation"]["reconciles"] is False
    assert [(d["check"], d["column"], d["expected"], d["actual"]) for d in data["reconciliation"]["discrepancies"]] \
        == [("total", "自然人", 1, 2), ("total", "总计", 2, 3)]
    assert data["carry_forward"]["source"] == "computed"


def test_html_merges_header_cells_with_scopes_and_shows_the_discrepancies(report):
    page = to_html(report)
    assert page.startswith("<!doctype html>")
    assert '<th scope="colgroup" colspan="7">申请人情况</th>' in page
    assert '<th scope="colgroup" colspan="5">法人或其他组织</th>' in page
    assert '<th scope="col" rowspan="2">自然人</th>' in page
    assert '<th scope="colgroup" colspan="10">行政诉讼</th>' in page
    assert '<th scope="row">（七）总计</th>' in page
    assert "数据核对未通过" in page and "“自然人”列 三（七）总计：应为 1，实为 2" in page
    assert "<script>" not in page and "&lt;script&gt;" in page  # edited text is escaped
    fragment = to_html(report, page=False)
    assert fragment.lstrip().startswith("<article") and "<html" not in fragment
    assert fragment.count("<table") == 6  # four blocks of section 二, section 三, section 四


def _docx_table(document, first_header: str):
    return next(t for t in document.tables if t.rows[0].cells[-1].text == first_header
                or t.rows[0].cells[1].text == first_header)


def test_docx_lays_the_tables_out_as_the_official_format(report):
    document = docx.Document(io.BytesIO(to_docx(report)))
    assert document.paragraphs[0].text == "县市场监督管理局2026年度政府信息公开工作年度报告"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"  # SimSun
    texts = [p.text for p in document.paragraphs]
    for title in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                  "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert title in texts
    assert "第二段" in texts and "数据核对未通过（不能公开）：" in texts

    applications = _docx_table(document, "申请人情况")
    first = applications.rows[0]._tr.tc_lst
    assert [(tc.grid_span, tc.vMerge) for tc in first] == [(1, "restart"), (7, None)]
    second = applications.rows[1]._tr.tc_lst
    assert [(tc.grid_span, tc.vMerge) for tc in second] == [(1, "continue"), (1, "restart"), (5, None),
                                                            (1, "restart")]
    assert applications.cell(1, 2).text == "法人或其他组织"
    assert [c.text for c in applications.rows[2].cells[2:7]] == APPLICANT_COLUMNS[1:6]
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in applications.rows[3:]}
    assert rows["一、本年新收政府信息公开申请数量"] == ["1", "1", "0", "0", "0", "0", "2"]
    assert rows["三、本年度办理结果"] == [""] * 7
    assert len(applications.rows) == 3 + len(SECTION_THREE_2021)
    indented = next(r for r in applications.rows if r.cells[0].text == "1.属于国家秘密")
    assert indented.cells[0].paragraphs[0].paragraph_format.left_indent.pt == 36  # level 2

    remedies = _docx_table(document, "行政诉讼")
    assert [tc.grid_span for tc in remedies.rows[0]._tr.tc_lst] == [5, 10]
    assert [tc.grid_span for tc in remedies.rows[1]._tr.tc_lst] == [1, 1, 1, 1, 1, 5, 5]
    assert [c.text for c in remedies.rows[3].cells] == ["0", "0", "0", "1", "1"] + ["0"] * 10
    fees = next(t for t in document.tables if t.cell(0, 1).text == "本年收费金额（单位：万元）")
    assert fees.cell(1, 1).text == "0.0173"


def test_xlsx_has_merged_headers_and_numbers_as_numbers(report):
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    assert book.sheetnames == ["报告", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                               "四、政府信息公开行政复议、行政诉讼情况"]
    sheet = book["三、收到和处理政府信息公开申请情况"]
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A2:A4", "B2:H2", "B3:B4", "C3:G3", "H3:H4"}
    assert sheet["B2"].value == "申请人情况" and sheet["C3"].value == "法人或其他组织"
    labels = [sheet.cell(r, 1).value for r in range(5, 5 + len(SECTION_THREE_2021))]
    assert labels == [label for _level, label in SECTION_THREE_2021]
    assert [sheet.cell(5, c).value for c in range(2, 9)] == [1, 1, 0, 0, 0, 0, 2]
    remedies = book["四、政府信息公开行政复议、行政诉讼情况"]
    assert {str(r) for r in remedies.merged_cells.ranges} >= {"A2:E2", "F2:O2", "F3:J3", "K3:O3", "A3:A4"}
    assert [remedies.cell(5, c).value for c in range(1, 6)] == [0, 0, 0, 1, 1]
    fees = book["二、主动公开政府信息情况"]
    amount = next(row[1] for row in fees.iter_rows() if row[0].value == "行政事业性收费")
    assert amount.value == pytest.approx(0.0173) and amount.number_format == "0.0000"
    cover = book["报告"]
    assert cover["B4"].value == "国办公开办函〔2021〕30号（2021年格式）"
    assert "未通过" in cover["B7"].value


def test_a_frozen_report_renders_as_it_was_computed(report):
    """The figures kept at publication give back the same report (amounts stay Decimal)."""
    frozen = thaw(json.loads(json.dumps(freeze(report))), status="draft")
    assert frozen == report
    assert frozen.table("art20_8").rows[0].values == (Decimal("0.0173"),)


def test_the_2020_report_renders_in_the_2019_format(db):
    """Reports for 2019 and 2020 use 国办公开办函〔2019〕60号; cells without a data source show "—"."""
    report = compute(db, make_organ(db).unit, 2020)
    data = to_json(report)
    assert (data["format"], data["format_document"]) == ("2019", "国办公开办函〔2019〕60号")
    assert _table(data, "art20_9")["columns"] == ["信息内容", "采购项目数量", "采购总金额"]
    assert _table(data, "art20_9")["rows"][0]["values"] == [None, None]
    page = to_html(report, page=False)
    assert "第二十条第（九）项" in page and '<th scope="row">政府集中采购</th><td>—</td><td>—</td>' in page
