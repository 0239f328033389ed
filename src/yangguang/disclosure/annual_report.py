"""The statutory annual report on government information disclosure (政府信息公开工作年度报告).

条例 Art. 49–50: each organ publishes, by 31 January, its report on the previous year. Sections 二, 三
and 四 are computed from the data (:mod:`.report_figures`, the licensing decisions and fees from
:mod:`yangguang.approval.service`) and laid out in the official format of the year
(:mod:`.report_tables`); sections 一, 五 and 六 are the text the organ edits (kept on its
:class:`~yangguang.disclosure.models.AnnualReport` row). Section 三 is checked per column
[国办公开办函〔2021〕30号; disclosure.md]: 一 + 二 = 三（七） + 四; （七） = （一） + （二） + the sub-rows of
（三） to （六）; 二 = last year's 四. Row 二 is carried from last year's *published* report; without one
it is computed from the data (received before the year, not concluded before it) and flagged so.

:func:`compute` is the live computation; :func:`freeze` and :func:`thaw` turn a report into the JSON
kept on the row at publication and back, so a published report renders as it was published.
Pure data: rendering is :mod:`yangguang.disclosure.report_render`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.approval import service as approval
from yangguang.core.org import Unit
from yangguang.disclosure import report_figures as figures
from yangguang.disclosure.codes import ReportFormat, report_format_for
from yangguang.disclosure.models import AnnualReport
from yangguang.disclosure.report_tables import (
    APPLICATION_COLUMNS,
    FORMAT_DOCUMENTS,
    SECTION_TITLES,
    ApprovalFigures,
    Row,
    Table,
    leaf_rows,
    section_four,
    section_three,
    section_two,
    with_total,
)

PUBLISHED = "published"
DRAFT = "draft"
CARRIED, COMPUTED = "carried", "computed"
CARRY_LABELS = {CARRIED: "上年结转数取自上年度已公开的年度报告“四、结转下年度继续办理”",
                COMPUTED: "上年度报告未在本平台公开：上年结转数根据申请数据计算（非结转）"}
CHECKS = {
    "balance": "一＋二＝三（七）＋四",
    "total": "（七）＝（一）＋（二）＋（三）至（六）各分项之和",
    "carry_forward": "二＝上年度报告的四",
}
FEES_FROM = 2021  # 政府信息公开信息处理费管理办法 (国办函〔2020〕109号) applies from 1 January 2021
TRIAL_FORMAT_NOTE = ("本报告适用试行格式（国办公开办函〔2019〕60号）；该格式第二、三部分的细节未经核实，"
                     "第三部分行标签沿用2021年格式的表述。")


@dataclass(frozen=True)
class Section:
    number: str  # 一 … 六
    title: str
    text: str | None = None  # sections 一, 五, 六
    tables: tuple[Table, ...] = ()  # sections 二, 三, 四
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Discrepancy:
    check: str  # a key of CHECKS
    row: str  # the cells compared, as people read them
    column: str  # the applicant column (自然人 … 总计)
    expected: int
    actual: int

    @property
    def rule(self) -> str:
        return CHECKS[self.check]

    def describe(self) -> str:
        return f"“{self.column}”列 {self.row}：应为 {self.expected}，实为 {self.actual}（{self.rule}）"


@dataclass(frozen=True)
class Report:
    organ_code: str
    organ: str
    year: int
    format: ReportFormat
    sections: tuple[Section, ...]
    discrepancies: tuple[Discrepancy, ...]
    carry_forward: str  # CARRIED or COMPUTED
    status: str = DRAFT  # DRAFT: live computation; PUBLISHED: the frozen figures
    published_at: datetime | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def format_document(self) -> str:
        return FORMAT_DOCUMENTS[self.format]

    @property
    def title(self) -> str:
        return f"{self.organ}{self.year}年度政府信息公开工作年度报告"

    @property
    def reconciles(self) -> bool:
        return not self.discrepancies

    def section(self, number: str) -> Section:
        return next(s for s in self.sections if s.number == number)

    def table(self, key: str) -> Table:
        return next(t for s in self.sections for t in s.tables if t.key == key)


# -- computation -------------------------------------------------------------------------------------
def _last_years_carry_out(session: Session, unit_id: int, year: int) -> tuple[int, ...] | None:
    """Row 四 of last year's published report (seven values), None without one."""
    frozen = session.scalar(select(AnnualReport.figures).where(
        AnnualReport.unit_id == unit_id, AnnualReport.year == year - 1, AnnualReport.state == PUBLISHED))
    if not frozen:
        return None
    return tuple(int(v) for v in thaw(frozen).table("applications").row("carried_out").values)


def reconcile(fmt: ReportFormat, table: Table, data_carry_in: tuple[int, ...] | None) -> list[Discrepancy]:
    """The checks of section 三, per column. ``data_carry_in`` is what the data says was pending on
    1 January when row 二 was carried from last year's report (None when row 二 is the data itself)."""
    columns = [path[-1] for path in APPLICATION_COLUMNS]
    value = {row.key: row.values for row in table.rows}
    leaves = leaf_rows(fmt)
    found = []
    for i, column in enumerate(columns):
        before = value["new"][i] + value["carried_in"][i]
        after = value["total"][i] + value["carried_out"][i]
        if before != after:
            found.append(Discrepancy("balance", "一＋二 与 三（七）＋四", column, before, after))
        summed = sum(value[key][i] for key in leaves)
        if summed != value["total"][i]:
            found.append(Discrepancy("total", "三（七）总计", column, summed, value["total"][i]))
        if data_carry_in is not None and data_carry_in[i] != value["carried_in"][i]:
            found.append(Discrepancy("carry_forward", "二、上年结转（申请数据中1月1日仍在办理的申请）", column,
                                     value["carried_in"][i], data_carry_in[i]))
    return found


def compute(session: Session, unit: Unit, year: int) -> Report:
    """The organ's report for ``year`` computed from the data now (a draft), with the text sections
    of its :class:`AnnualReport` row when there is one."""
    fmt = report_format_for(year)
    apps = figures.application_figures(session, unit.id, year)
    data_carry_in = with_total(apps.pending_at_start)
    carried = _last_years_carry_out(session, unit.id, year)
    applications = section_three(fmt, new=apps.new, carried_in=data_carry_in if carried is None else carried,
                                 outcomes=apps.outcomes, total=apps.concluded, carried_out=apps.carried_out)
    approvals = ApprovalFigures(  # 其他对外管理服务事项 is a row of the 2019 format only
        approval.licensing_decision_count(session, unit.id, year),
        approval.other_decision_count(session, unit.id, year) if fmt == ReportFormat.TRIAL_2019 else None,
        approval.fees_collected_fen(session, unit.id, year))
    publications = section_two(fmt, figures.publication_figures(session, unit.id, year), approvals)
    remedies = section_four(figures.remedy_counts(session, unit.id, year))
    row = session.scalar(select(AnnualReport).where(AnnualReport.unit_id == unit.id, AnnualReport.year == year))
    source = CARRIED if carried is not None else COMPUTED
    # fees under 国办函〔2020〕109号 (in force from 2021) are reported in section 六 [disclosure.md]
    fee_facts = () if year < FEES_FROM else (
        f"本年依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费 {apps.fees_paid} 件，"
        f"合计 {Decimal(apps.fees_fen) / 100:.2f} 元（申请数据统计）。",)
    sections = (
        Section("一", SECTION_TITLES["一"], text=row.overview if row else ""),
        Section("二", SECTION_TITLES["二"], tables=publications),
        Section("三", SECTION_TITLES["三"], tables=(replace(applications, notes=(CARRY_LABELS[source],)),)),
        Section("四", SECTION_TITLES["四"], tables=(remedies,)),
        Section("五", SECTION_TITLES["五"], text=row.problems if row else ""),
        Section("六", SECTION_TITLES["六"], text=row.other_matters if row else "", notes=fee_facts),
    )
    found = reconcile(fmt, applications, data_carry_in if carried is not None else None)
    return Report(unit.code, unit.name, year, fmt, sections, tuple(found), source,
                  notes=(TRIAL_FORMAT_NOTE,) if fmt == ReportFormat.TRIAL_2019 else ())


# -- frozen form -------------------------------------------------------------------------------------
def _value(value: Any) -> Any:
    return Decimal(value) if isinstance(value, str) else value


def freeze(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (amounts as decimal strings): kept on the row at publication."""
    def table(t: Table) -> dict[str, Any]:
        return {"key": t.key, "title": t.title, "stub": t.stub, "columns": [list(p) for p in t.columns],
                "rows": [r.as_json() for r in t.rows], "notes": list(t.notes)}

    return {"organ_code": report.organ_code, "organ": report.organ, "year": report.year,
            "format": report.format.value, "carry_forward": report.carry_forward, "notes": list(report.notes),
            "sections": [{"number": s.number, "title": s.title, "text": s.text, "notes": list(s.notes),
                          "tables": [table(t) for t in s.tables]} for s in report.sections],
            "discrepancies": [{"check": d.check, "row": d.row, "column": d.column, "expected": d.expected,
                               "actual": d.actual} for d in report.discrepancies]}


def thaw(data: dict[str, Any], *, status: str = PUBLISHED, published_at: datetime | None = None) -> Report:
    def table(t: dict[str, Any]) -> Table:
        return Table(t["key"], t["title"], t["stub"], tuple(tuple(p) for p in t["columns"]),
                     tuple(Row(r["key"], r["label"], r["level"], tuple(_value(v) for v in r["values"]), r["heading"])
                           for r in t["rows"]), tuple(t["notes"]))

    sections = tuple(Section(s["number"], s["title"], s["text"], tuple(table(t) for t in s["tables"]),
                             tuple(s["notes"])) for s in data["sections"])
    return Report(data["organ_code"], data["organ"], data["year"], ReportFormat(data["format"]), sections,
                  tuple(Discrepancy(**d) for d in data["discrepancies"]), data["carry_forward"], status,
                  published_at, tuple(data["notes"]))


def report_for(session: Session, unit: Unit, year: int) -> Report:
    """The published report as it was published, else the live computation of the draft."""
    row = session.scalar(select(AnnualReport).where(AnnualReport.unit_id == unit.id, AnnualReport.year == year))
    if row is not None and row.state == PUBLISHED and row.figures:
        return thaw(row.figures, published_at=row.published_at)
    return compute(session, unit, year)
