"""The annual report on government information disclosure [条例 Arts. 49–50]: its tables in the official
formats (国办公开办函〔2021〕30号; the trial format 国办公开办函〔2019〕60号 for 2019 and 2020), the figures
computed from the data, the reconciliation, the carry-forward, publication, and the supervised
obligation due on 31 January."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.disclosure.report_data import (
    application,
    decided_case,
    fee,
    licensing_item,
    make_organ,
    publication,
    remedy,
)
from tests.factories import at, make_unit
from yangguang.approval import service as approval
from yangguang.core.audit import AuditEntry, history, write_entries
from yangguang.core.clocks import ClockState, Obligation, ObligationState
from yangguang.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from yangguang.disclosure import annual_report
from yangguang.disclosure.annual_report import compute
from yangguang.disclosure.models import AnnualReport
from yangguang.disclosure.report_tables import APPLICATION_STUB
from yangguang.disclosure.service import annual_report as service
from yangguang.supervision.models import Card
from yangguang.supervision.sweep import sweep

SHANGHAI = ZoneInfo("Asia/Shanghai")

# disclosure.md, "Section 三" — the rows of the 2021 format, in order, with their indentation.
SECTION_THREE_2021 = [
    (0, "一、本年新收政府信息公开申请数量"), (0, "二、上年结转政府信息公开申请数量"), (0, "三、本年度办理结果"),
    (1, "（一）予以公开"), (1, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), (1, "（三）不予公开"),
    (2, "1.属于国家秘密"), (2, "2.其他法律行政法规禁止公开"), (2, "3.危及“三安全一稳定”"), (2, "4.保护第三方合法权益"),
    (2, "5.属于三类内部事务信息"), (2, "6.属于四类过程性信息"), (2, "7.属于行政执法案卷"), (2, "8.属于行政查询事项"),
    (1, "（四）无法提供"), (2, "1.本机关不掌握相关政府信息"), (2, "2.没有现成信息需要另行制作"),
    (2, "3.补正后申请内容仍不明确"), (1, "（五）不予处理"), (2, "1.信访举报投诉类申请"), (2, "2.重复申请"),
    (2, "3.要求提供公开出版物"), (2, "4.无正当理由大量反复申请"), (2, "5.要求行政机关确认或重新出具已获取信息"),
    (1, "（六）其他处理"), (2, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    (2, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"), (2, "3.其他"),
    (1, "（七）总计"), (0, "四、结转下年度继续办理"),
]
APPLICANT_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def _labels(table) -> list[tuple[int, str]]:
    return [(row.level, row.label) for row in table.rows]


def _titles(report) -> list[tuple[str, list[str], list[str]]]:
    return [(t.title, t.labels, [r.label for r in t.rows]) for t in report.section("二").tables]


# -- the official formats ------------------------------------------------------------------------------
def test_the_2021_format_has_the_sections_rows_and_columns_of_guobangongkaibanhan_2021_30(db):
    """国办公开办函〔2021〕30号 as listed in disclosure.md: six sections in order, section 二's four blocks,
    section 三's 30 rows and 7 applicant columns, section 四's 15 columns."""
    organ = make_organ(db)
    report = compute(db, organ.unit, 2026)
    assert (report.format.value, report.format_document) == ("2021", "国办公开办函〔2021〕30号")
    assert [s.title for s in report.sections] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert _titles(report) == [
        ("第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
         ["规章", "行政规范性文件"]),
        ("第二十条第（五）项", ["信息内容", "本年处理决定数量"], ["行政许可"]),
        ("第二十条第（六）项", ["信息内容", "本年处理决定数量"], ["行政处罚", "行政强制"]),
        ("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"], ["行政事业性收费"]),
    ]
    applications = report.table("applications")
    assert _labels(applications) == SECTION_THREE_2021
    assert [path[-1] for path in applications.columns] == APPLICANT_COLUMNS
    assert [path[:-1] for path in applications.columns] == (
        [("申请人情况",)] + [("申请人情况", "法人或其他组织")] * 5 + [("申请人情况",)])
    remedies = report.table("remedies")
    assert [path[-1] for path in remedies.columns] == RESULTS * 3
    assert [path[:-1] for path in remedies.columns] == (
        [("行政复议",)] * 5 + [("行政诉讼", "未经复议直接起诉")] * 5 + [("行政诉讼", "复议后起诉")] * 5)
    assert remedies.stub is None and len(remedies.rows) == 1


def test_the_header_merges_cells_as_the_official_table_does(db):
    """Section 三: the stub over three header rows, 申请人情况 over seven columns, 法人或其他组织 over five;
    section 四: 行政复议 over five, 行政诉讼 over ten, its two kinds over five each."""
    report = compute(db, make_organ(db).unit, 2026)
    spans = [[(c.label, c.col, c.rowspan, c.colspan) for c in row] for row in report.table("applications").header()]
    assert spans[0] == [(APPLICATION_STUB, 0, 3, 1), ("申请人情况", 1, 1, 7)]
    assert spans[1] == [("自然人", 1, 2, 1), ("法人或其他组织", 2, 1, 5), ("总计", 7, 2, 1)]
    assert [c[0] for c in spans[2]] == APPLICANT_COLUMNS[1:6]
    header = [[(c.label, c.col, c.rowspan, c.colspan) for c in row] for row in report.table("remedies").header()]
    assert header[0] == [("行政复议", 0, 1, 5), ("行政诉讼", 5, 1, 10)]
    assert header[1] == [(label, i, 2, 1) for i, label in enumerate(RESULTS)] + [
        ("未经复议直接起诉", 5, 1, 5), ("复议后起诉", 10, 1, 5)]
    assert [(c[0], c[1]) for c in header[2]] == [(label, 5 + i) for i, label in enumerate(RESULTS * 2)]


def test_reports_for_2019_and_2020_use_the_2019_trial_format(db):
    """disclosure.md: "Reports for years before 2021 use it" — 国办公开办函〔2019〕60号: section 二 with
    本年新制作数量 / 上一年项目数量 columns and a 第二十条第（九）项 block, （六）其他处理 without sub-rows."""
    unit = make_organ(db).unit
    for year in (2019, 2020):
        report = compute(db, unit, year)
        assert (report.format.value, report.format_document) == ("2019", "国办公开办函〔2019〕60号")
        assert report.notes and "未经核实" in report.notes[0]
        assert _titles(report) == [
            ("第二十条第（一）项", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
             ["规章", "规范性文件"]),
            ("第二十条第（五）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
             ["行政许可", "其他对外管理服务事项"]),
            ("第二十条第（六）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
             ["行政处罚", "行政强制"]),
            ("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减"], ["行政事业性收费"]),
            ("第二十条第（九）项", ["信息内容", "采购项目数量", "采购总金额"], ["政府集中采购"]),
        ]
        rows = _labels(report.table("applications"))
        other = rows.index((1, "（六）其他处理"))
        assert rows[other + 1] == (1, "（七）总计")  # no sub-rows under （六）
        assert rows == [r for r in SECTION_THREE_2021 if not (r[0] == 2 and r[1].startswith(("1.申请人", "2.申请人",
                                                                                              "3.其他")))]
    assert compute(db, unit, 2021).format.value == "2021"


def test_the_2019_format_shows_no_invented_figures_where_the_platform_has_no_data(db):
    """Item counts of earlier years and central procurement have no source here: empty cells, a note."""
    report = compute(db, make_organ(db).unit, 2020)
    assert report.table("art20_9").rows[0].values == (None, None)
    assert report.table("art20_8").rows[0].values == (None, None)
    assert report.table("art20_5").row("licensing").values[:2] == (None, None)
    assert any("无数据来源" in note for note in report.table("art20_9").notes)


# -- section 三 ----------------------------------------------------------------------------------------
def _scenario(db, unit, other_unit):
    application(db, unit, "2025-06-01", concluded="2025-07-01", row="disclosed")  # all in 2025
    application(db, unit, "2025-12-20", concluded="2026-01-10", row="disclosed")  # carried in, concluded
    application(db, unit, "2025-11-01", kind="commercial")  # carried in and out
    application(db, unit, "2026-02-02", concluded="2026-02-20", row="disclosed")
    application(db, unit, "2026-03-02", concluded="2026-03-25", row="withheld.state_secret")
    application(db, unit, "2026-11-30")  # open at the end of the year
    application(db, unit, "2026-04-01", kind="research", concluded="2026-06-01", row="other.no_correction")
    application(db, unit, "2026-12-30", kind="legal_service", concluded="2027-01-05", row="disclosed")
    application(db, unit, None)  # not yet received (awaiting confirmation): counted nowhere
    application(db, other_unit, "2026-05-05", concluded="2026-05-06", row="disclosed")  # another organ


def test_section_three_counts_per_applicant_kind_with_the_total(db):
    """disclosure.md "Section 三": 一 received in the year, 二 open on 1 January, 三 the outcomes of the
    year by row and applicant kind, 四 open on 31 December; 总计 = 自然人 + the five organisation columns."""
    organ = make_organ(db)
    _scenario(db, organ.unit, organ.other_unit)
    table = compute(db, organ.unit, 2026).table("applications")
    #                                   自然人 商业 科研 公益 法律 其他 总计
    assert table.row("new").values == (3, 0, 1, 0, 1, 0, 5)
    assert table.row("carried_in").values == (1, 1, 0, 0, 0, 0, 2)
    assert table.row("disclosed").values == (2, 0, 0, 0, 0, 0, 2)
    assert table.row("withheld.state_secret").values == (1, 0, 0, 0, 0, 0, 1)
    assert table.row("other.no_correction").values == (0, 0, 1, 0, 0, 0, 1)
    assert table.row("partly_disclosed").values == (0,) * 7
    assert table.row("total").values == (3, 0, 1, 0, 0, 0, 4)
    assert table.row("carried_out").values == (1, 1, 0, 0, 1, 0, 3)
    assert table.row("withheld").heading and table.row("withheld").values == (None,) * 7


def test_section_three_reconciles_and_the_carry_forward_is_computed_without_last_years_report(db):
    """一 + 二 = 三（七） + 四 per column; without a published report for last year, 二 is computed from
    the data and flagged as computed, not carried."""
    organ = make_organ(db)
    _scenario(db, organ.unit, organ.other_unit)
    report = compute(db, organ.unit, 2026)
    assert report.reconciles and report.discrepancies == ()
    assert report.carry_forward == annual_report.COMPUTED
    assert "根据申请数据计算" in report.table("applications").notes[0]


def _published(db, organ, year: int, when: str):
    row = service.get_or_create_draft(db, organ.officer, organ.unit, year, at(when))
    service.edit_text(db, organ.officer, row, overview="本年公开工作总体情况。", problems="存在的问题。",
                      other_matters="无其他需要报告的事项。", at=at(when))
    return service.publish(db, organ.officer, row, at(when))


def test_row_two_is_carried_from_last_years_published_report(db):
    """二 equals last year's 四 [国办公开办函〔2021〕30号]: read from the figures frozen at publication."""
    organ = make_organ(db)
    _scenario(db, organ.unit, organ.other_unit)
    last = _published(db, organ, 2025, "2026-01-20 10:00")
    frozen = next(t for s in last.figures["sections"] for t in s["tables"] if t["key"] == "applications")
    assert next(r for r in frozen["rows"] if r["key"] == "carried_out")["values"] == [1, 1, 0, 0, 0, 0, 2]
    report = compute(db, organ.unit, 2026)
    assert report.carry_forward == annual_report.CARRIED
    assert report.table("applications").row("carried_in").values == (1, 1, 0, 0, 0, 0, 2)
    assert report.reconciles
    assert "上年度已公开的年度报告" in report.table("applications").notes[0]


def test_a_report_whose_row_two_differs_from_last_years_row_four_does_not_reconcile_and_is_not_published(db):
    """Reconciliation [disclosure.md]: "二 equals last year's 四"; a report that does not reconcile is
    refused publication with the cells named, and nothing is written."""
    organ = make_organ(db)
    _scenario(db, organ.unit, organ.other_unit)
    _published(db, organ, 2025, "2026-01-20 10:00")
    application(db, organ.unit, "2025-09-09")  # entered late: the data now says 2 natural persons were open
    report = compute(db, organ.unit, 2026)
    assert not report.reconciles
    found = {(d.check, d.column, d.expected, d.actual) for d in report.discrepancies}
    assert ("carry_forward", "自然人", 1, 2) in found and ("carry_forward", "总计", 2, 3) in found
    assert ("balance", "自然人", 4, 5) in found  # 一 3 + 二 1 against （七） 3 + 四 2
    assert {d.column for d in report.discrepancies} == {"自然人", "总计"}
    row = service.get_or_create_draft(db, organ.officer, organ.unit, 2026, at("2027-01-10 09:00"))
    service.edit_text(db, organ.officer, row, overview="总体情况", problems="问题", other_matters="无",
                      at=at("2027-01-10 09:00"))
    write_entries(db)
    entries = db.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(Conflict) as refused:
        service.publish(db, organ.officer, row, at("2027-01-20 09:00"))
    assert refused.value.field == "figures"
    assert "“自然人”列" in refused.value.reason and "二＝上年度报告的四" in refused.value.reason
    write_entries(db)
    assert (row.state, row.figures, row.published_at) == ("draft", None, None)
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_an_outcome_without_a_report_row_breaks_the_total_check(db):
    """（七） = （一）+（二）+ the sub-rows of （三）to（六）: an application concluded without a report row
    counts in （七） and in no row, and is shown."""
    organ = make_organ(db)
    application(db, organ.unit, "2026-03-02", concluded="2026-03-20", row=None)
    report = compute(db, organ.unit, 2026)
    assert [(d.check, d.column, d.expected, d.actual) for d in report.discrepancies] == [
        ("total", "自然人", 0, 1), ("total", "总计", 0, 1)]


# -- sections 二 and 四 ---------------------------------------------------------------------------------
def test_section_four_counts_remedies_concluded_in_the_year_by_result_and_the_pending_at_its_end(db):
    """Section 四 (disclosure.md; counting rule in report_tables.REMEDY_NOTE): results of remedies
    concluded in the year, 尚未审结 for those open on 31 December, 总计 the sum of the four."""
    organ = make_organ(db)
    unit = organ.unit
    remedy(db, unit, "review", "2025-11-03", result="upheld", concluded="2026-03-01")
    remedy(db, unit, "review", "2026-05-06", result="corrected", concluded="2026-07-01")
    remedy(db, unit, "review", "2026-05-07")  # pending
    remedy(db, unit, "review", "2025-03-03", result="upheld", concluded="2025-06-01")  # last year's
    remedy(db, unit, "litigation_direct", "2026-02-02", result="other", concluded="2026-08-08")
    remedy(db, unit, "litigation_after_review", "2026-10-10", result="other", concluded="2027-02-02")  # open on 31.12
    remedy(db, organ.other_unit, "review", "2026-05-06")
    values = compute(db, unit, 2026).table("remedies").rows[0].values
    assert values == (1, 1, 0, 1, 3) + (0, 0, 1, 0, 1) + (0, 0, 0, 1, 1)


def test_section_two_counts_regulations_normative_documents_and_decisions_published(db):
    """2021 format 第二十条第（一）项: 本年制发件数 published in the year, 本年废止件数 repealed in it, 现行有效件数
    published and not repealed by 31 December; （六）项: decisions published in categories 06 and 07."""
    organ = make_organ(db)
    unit, drafter = organ.unit, organ.officer
    publication(db, unit, drafter, document_type="regulation", published="2026-04-01 10:00")
    publication(db, unit, drafter, document_type="regulation", published="2024-04-01 10:00", repealed="2026-06-30")
    publication(db, unit, drafter, document_type="regulation", formed="2020-03-03", published="2020-04-01 10:00")
    publication(db, unit, drafter, document_type="normative", published="2025-02-01 10:00")
    publication(db, unit, drafter, document_type="normative", published="2026-12-31 23:30")  # local time: 2026
    publication(db, unit, drafter, document_type="normative", published="2027-01-01 00:10")  # next year
    publication(db, unit, drafter, document_type="normative")  # never published
    publication(db, unit, drafter, category="06", published="2026-05-05 10:00")
    publication(db, unit, drafter, category="06", published="2026-05-06 10:00")
    publication(db, unit, drafter, category="06", published="2025-05-06 10:00")
    publication(db, unit, drafter, category="07", published="2026-09-09 10:00")
    publication(db, organ.other_unit, organ.outsider, document_type="regulation", published="2026-04-01 10:00")
    report = compute(db, unit, 2026)
    block = report.table("art20_1")
    assert block.row("regulation").values == (1, 1, 2)
    assert block.row("normative").values == (1, 0, 2)
    assert report.table("art20_6").row("penalty").values == (2,)
    assert report.table("art20_6").row("coercion").values == (1,)
    trial = compute(db, unit, 2020).table("art20_1")  # 本年新制作数量 by the date of formation
    assert trial.row("regulation").values == (1, 1, 1)
    assert trial.row("normative").values == (0, 0, 0)


def test_licensing_decisions_and_fees_come_from_the_approval_module(db):
    """Section 二 第二十条第（五）项: decisions to grant or deny a licence (items of type 01) made in the
    local year; （八）项: fees taken, in 万元 to four decimals (国办公开办函〔2021〕30号)."""
    organ = make_organ(db)
    licence = licensing_item(db, organ.unit)
    service_item = licensing_item(db, organ.unit, item_type="20", code="SCJ-0002")  # 公共服务
    other = licensing_item(db, organ.other_unit, code="ZJJ-0001")
    decided_case(db, licence, decided="2026-03-02 10:00")
    decided_case(db, licence, decided="2026-12-31 23:30", decision="deny")  # still 2026 in Shanghai
    decided_case(db, licence, decided="2027-01-01 00:10")
    decided_case(db, licence, decided=None)  # not decided
    decided_case(db, service_item, decided="2026-05-05 10:00")
    decided_case(db, other, decided="2026-05-05 10:00")
    paid = decided_case(db, licence, decided="2026-06-01 10:00")
    fee(db, paid, organ.clerk, 5000, "2026-06-01 11:00")
    fee(db, paid, organ.clerk, 12345, "2026-12-31 23:59")
    fee(db, paid, organ.clerk, 99900, "2027-01-01 08:00")
    assert approval.licensing_decision_count(db, organ.unit.id, 2026) == 3
    assert approval.other_decision_count(db, organ.unit.id, 2026) == 1
    assert approval.fees_collected_fen(db, organ.unit.id, 2026) == 17345
    report = compute(db, organ.unit, 2026)
    assert report.table("art20_5").row("licensing").values == (3,)
    assert report.table("art20_8").row("fees").values == (Decimal("0.0173"),)  # 173.45 元
    trial = compute(db, organ.unit, 2026 - 6)  # the 2019 format's 其他对外管理服务事项 row
    assert trial.table("art20_5").row("other_services").values == (None, None, 0)


def test_section_six_states_the_information_processing_fees_collected(db):
    """disclosure.md: fees collected under 国办函〔2020〕109号 are reported in section 六."""
    organ = make_organ(db)
    application(db, organ.unit, "2026-03-02", concluded="2026-04-01", row="disclosed", fee_fen=10000,
                fee_paid_on="2026-03-20")
    application(db, organ.unit, "2025-12-02", concluded="2026-01-10", row="disclosed", fee_fen=2000,
                fee_paid_on="2025-12-20")
    notes = compute(db, organ.unit, 2026).section("六").notes
    assert notes == ("本年依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费 1 件，"
                     "合计 100.00 元（申请数据统计）。",)


# -- the report's life -------------------------------------------------------------------------------
def test_publishing_freezes_the_figures_and_later_data_does_not_change_them(db):
    organ = make_organ(db)
    _scenario(db, organ.unit, organ.other_unit)
    row = _published(db, organ, 2026, "2027-01-20 10:00")
    assert (row.state, row.format_version) == ("published", "2021")
    assert row.published_at == at("2027-01-20 10:00")
    application(db, organ.unit, "2026-05-05", concluded="2026-05-06", row="disclosed")
    frozen = annual_report.report_for(db, organ.unit, 2026)
    assert frozen.status == "published" and frozen.table("applications").row("new").values[-1] == 5
    assert compute(db, organ.unit, 2026).table("applications").row("new").values[-1] == 6
    assert frozen.section("一").text == "本年公开工作总体情况。"
    assert [e.action for e in history(db, "disclosure_annual_report", row.id)] == [
        "disclosure.annual_report_drafted", "disclosure.annual_report_edited", "disclosure.annual_report_published"]


def test_publication_is_refused_before_the_year_ends_twice_and_without_the_text(db):
    organ = make_organ(db)
    row = service.get_or_create_draft(db, organ.officer, organ.unit, 2026, at("2026-11-20 09:00"))
    service.edit_text(db, organ.head, row, overview="总体", problems="问题", other_matters="无",
                      at=at("2026-11-20 09:00"))
    with pytest.raises(InvalidInput) as early:
        service.publish(db, organ.officer, row, at("2026-12-31 23:59"))
    assert early.value.field == "year" and "尚未结束" in early.value.reason
    service.edit_text(db, organ.officer, row, other_matters="   ", at=at("2027-01-05 09:00"))
    with pytest.raises(InvalidInput) as empty:
        service.publish(db, organ.officer, row, at("2027-01-05 09:00"))
    assert empty.value.field == "other_matters" and "六、其他需要报告的事项" in empty.value.reason
    assert row.state == "draft"
    service.edit_text(db, organ.officer, row, other_matters="无", at=at("2027-01-05 09:00"))
    service.publish(db, organ.officer, row, at("2027-01-06 09:00"))
    with pytest.raises(Conflict) as twice:
        service.publish(db, organ.officer, row, at("2027-01-07 09:00"))
    assert "不能重复公开" in twice.value.reason
    with pytest.raises(Conflict):
        service.edit_text(db, organ.officer, row, overview="改动", at=at("2027-01-07 09:00"))
    assert row.overview == "总体"


def test_only_the_organs_disclosure_office_or_head_writes_its_report(db):
    organ = make_organ(db)
    for person in (organ.clerk, organ.outsider):
        with pytest.raises(Forbidden):
            service.get_or_create_draft(db, person, organ.unit, 2026, at("2027-01-05 09:00"))
    row = service.get_or_create_draft(db, organ.head, organ.unit, 2026, at("2027-01-05 09:00"))
    with pytest.raises(Forbidden):
        service.edit_text(db, organ.outsider, row, overview="x", at=at("2027-01-05 09:00"))
    assert service.get_or_create_draft(db, organ.officer, "SCJ", 2026, at("2027-01-05 10:00")) is row


@pytest.mark.parametrize("year", ["2026", 2018, True, 2028])
def test_a_bad_year_is_refused_and_nothing_is_written(db, year):
    """Reports start with 2019, the revised 条例 and its first report format; not a future year."""
    organ = make_organ(db)
    with pytest.raises(InvalidInput) as refused:
        service.get_or_create_draft(db, organ.officer, organ.unit, year, at("2027-01-05 09:00"))
    assert refused.value.field == "year"
    db.flush()
    assert db.scalar(select(func.count()).select_from(AnnualReport)) == 0


def test_an_unknown_organ_is_not_found(db):
    organ = make_organ(db)
    with pytest.raises(NotFound) as missing:
        service.get_or_create_draft(db, organ.officer, "NOPE", 2026, at("2027-01-05 09:00"))
    assert missing.value.field == "org"


def test_editing_records_the_text_in_the_audit_trail(db):
    organ = make_organ(db)
    row = service.get_or_create_draft(db, organ.officer, organ.unit, 2026, at("2027-01-05 09:00"))
    service.edit_text(db, organ.officer, row, overview="总体情况", at=at("2027-01-05 09:30"))
    service.edit_text(db, organ.officer, row, overview="总体情况", at=at("2027-01-05 09:40"))  # unchanged
    entries = [(e.action, e.data) for e in history(db, "disclosure_annual_report", row.id)]
    assert [a for a, _ in entries] == ["disclosure.annual_report_drafted", "disclosure.annual_report_edited"]
    assert "总体情况" in entries[1][1]
    with pytest.raises(InvalidInput) as wrong:
        service.edit_text(db, organ.officer, row, problems=42, at=at("2027-01-05 09:50"))
    assert wrong.value.field == "problems"


# -- the obligation due on 31 January [条例 Art. 49] ----------------------------------------------------------
def test_the_report_obligation_falls_due_at_the_end_of_31_january(db):
    """条例 Art. 49: the report on 2026 is due by 31 January 2027 — the clock's due moment is the end of
    that day in local time; every active organ gets one, once."""
    organ = make_organ(db)
    make_unit(db, "OLD", "已撤销机构", active=False)
    assert service.ensure_report_obligations(db, 2026, at("2027-01-04 09:00")) == 2
    assert service.ensure_report_obligations(db, 2026, at("2027-01-05 09:00")) == 0
    obligations = db.scalars(select(Obligation).where(Obligation.kind == "disclosure.annual_report")).all()
    assert sorted(o.unit_id for o in obligations) == sorted([organ.unit.id, organ.other_unit.id])
    clock = obligations[0].clocks[0]
    assert clock.kind == "report"
    assert clock.due_at == datetime(2027, 2, 1, 0, 0, tzinfo=SHANGHAI) == service.report_due(2026)
    assert clock.due_day.isoformat() == "2027-01-31"
    row = db.scalar(select(AnnualReport).where(AnnualReport.unit_id == organ.unit.id))
    assert (row.year, row.state, row.obligation_id) == (2026, "draft", next(
        o.id for o in obligations if o.unit_id == organ.unit.id))


def test_the_sweep_opens_the_obligations_in_january_warns_and_cards_a_late_organ(db):
    """The sweep opens last year's report obligations in January; 预警 5 working days before the end of
    31 January 2027, 黄牌 after it [条例 Art. 49]; an organ that published on time gets neither."""
    organ = make_organ(db)
    sweep(db, at("2027-01-04 08:00"))
    assert db.scalar(select(func.count()).select_from(Obligation)
                     .where(Obligation.kind == "disclosure.annual_report")) == 2
    _published(db, organ, 2026, "2027-01-20 10:00")
    warned = sweep(db, at("2027-01-25 00:00"))
    assert warned["warnings"] == 1
    assert sweep(db, at("2027-01-31 23:59"))["yellow"] == 0
    late = sweep(db, at("2027-02-01 00:00"))
    assert (late["warnings"], late["yellow"], late["red"]) == (0, 1, 0)
    card = db.scalar(select(Card).where(Card.rule_code == "disclosure.annual_report_overdue"))
    assert card.unit_id == organ.other_unit.id
    assert "2026年度政府信息公开工作年度报告" in card.reason and "报告公布时限" in card.reason
    published = db.scalar(select(Obligation).where(Obligation.unit_id == organ.unit.id))
    assert published.state == ObligationState.DONE and published.clocks[0].state == ClockState.STOPPED


def test_the_sweep_does_not_open_report_obligations_after_january(db):
    """Not retroactive: a sweep after the deadline opens nothing (ensure_report_obligations does, asked)."""
    make_organ(db)
    sweep(db, at("2026-03-02 08:00"))
    assert db.scalar(select(func.count()).select_from(Obligation)) == 0


def test_obligations_are_not_opened_for_a_year_not_yet_over(db):
    make_organ(db)
    with pytest.raises(InvalidInput) as early:
        service.ensure_report_obligations(db, 2026, at("2026-12-31 23:00"))
    assert early.value.field == "year"


def test_publication_emits_an_event_and_stops_the_clock(db, monkeypatch):
    organ = make_organ(db)
    service.ensure_report_obligations(db, 2026, at("2027-01-04 09:00"))
    events = []
    monkeypatch.setattr(service, "emit", lambda _session, event: events.append(event))
    row = _published(db, organ, 2026, "2027-02-03 10:00")
    assert [(e.type, e.subject, e.subject_id, e.data["late"]) for e in events] == [
        ("disclosure.annual_report_published", "disclosure_annual_report", str(row.id), True)]
    obligation = db.get(Obligation, row.obligation_id)
    assert obligation.state == ObligationState.DONE and obligation.clocks[0].stopped_at == at("2027-02-03 10:00")


@pytest.mark.parametrize(("supervised", "when", "late"), [
    (True, "2027-01-31 23:59", False), (True, "2027-02-01 00:00", True),
    (False, "2027-01-31 23:59", False), (False, "2027-02-01 00:00", True)])
def test_publication_is_late_after_the_end_of_31_january_with_or_without_the_obligation(
        db, monkeypatch, supervised, when, late):
    """Lateness comes from the report clock when the organ has one, else from the same due moment."""
    organ = make_organ(db)
    if supervised:
        service.ensure_report_obligations(db, 2026, at("2027-01-04 09:00"))
    events = []
    monkeypatch.setattr(service, "emit", lambda _session, event: events.append(event))
    row = _published(db, organ, 2026, when)
    assert (row.obligation_id is not None) == supervised
    assert [e.data["late"] for e in events] == [late]
