"""The tables of the annual report in the official formats, as plain data (no rendering).

Formats [shared/domain/disclosure.md, "The annual report"]: 国办公开办函〔2021〕30号 for reports from
2021 on, the trial format 国办公开办函〔2019〕60号 for the reports of 2019 and 2020. The 2019 detail
(its section 二 columns, the undivided row （六）其他处理, and the labels of section 三, for which the
2021 wording is used) is marked unverified in the domain file and is implemented as described there.

A :class:`Table` names its columns by their *paths* in the official header — ``("申请人情况",
"法人或其他组织", "商业企业")`` — from which :meth:`Table.header` derives the merged header cells
(colspan/rowspan) and :meth:`Table.grid` places every cell of the table on one grid, the layout the
DOCX and XLSX renderers write. Values are ``int`` counts, ``Decimal`` amounts, or ``None`` where the
platform holds no data for the cell (never a made-up figure).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from yangguang.disclosure.codes import REPORT_ROWS, ApplicantKind, RemedyKind, RemedyResult, ReportFormat

Value = int | Decimal | None

FORMAT_DOCUMENTS = {ReportFormat.TRIAL_2019: "国办公开办函〔2019〕60号",
                    ReportFormat.FORMAT_2021: "国办公开办函〔2021〕30号"}
SECTION_TITLES = {
    "一": "一、总体情况",
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
    "五": "五、存在的主要问题及改进情况",
    "六": "六、其他需要报告的事项",
}
NO_SOURCE = "无数据来源"


@dataclass(frozen=True)
class Row:
    key: str  # stable key (REPORT_ROWS keys for the outcome rows of section 三)
    label: str  # the official row label
    level: int  # indentation: 0 一、二、三、四; 1 （一）…（七）; 2 the numbered sub-rows
    values: tuple[Value, ...]  # one per value column; None: no data for the cell (shown as "—")
    heading: bool = False  # a row that only heads the rows below it (三、, （三）…): no figures

    def as_json(self) -> dict[str, Any]:
        """The row as JSON-ready data, amounts as decimal strings."""
        return {"key": self.key, "label": self.label, "level": self.level, "heading": self.heading,
                "values": [str(v) if isinstance(v, Decimal) else v for v in self.values]}


@dataclass(frozen=True)
class HeaderCell:
    label: str
    row: int
    col: int  # 0 is the stub column when the table has one
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class GridCell:
    """A cell of a table placed on its grid: a header cell (perhaps merged), a row's label in the stub
    column (indented by ``level``), or a figure."""

    kind: str  # "header", "label" or "value"
    row: int
    col: int
    content: str | Value  # the label, or the figure (None: no data, shown as "—")
    rowspan: int = 1
    colspan: int = 1
    level: int = 0


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    stub: str | None  # the label of the row-label column, None when the table has none (section 四)
    columns: tuple[tuple[str, ...], ...]  # value columns, each as its path in the official header
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def labels(self) -> list[str]:
        """Every column's own official label in order, the stub column first when there is one."""
        return [path[-1] for path in self._paths()]

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def _paths(self) -> list[tuple[str, ...]]:
        """Every column's path in the header, the stub column first when there is one."""
        return ([(self.stub,)] if self.stub is not None else []) + list(self.columns)

    def header(self) -> list[list[HeaderCell]]:
        """The header rows with merged cells: a group spans the columns below it; a label whose path
        ends above the last header row reaches down to it (rowspan)."""
        paths = self._paths()
        depth = max(len(p) for p in paths)
        rows: list[list[HeaderCell]] = []
        for level in range(depth):
            cells, col = [], 0
            while col < len(paths):
                path = paths[col]
                if len(path) <= level:
                    col += 1
                    continue
                span = 1
                while (col + span < len(paths) and len(paths[col + span]) > level
                       and paths[col + span][:level + 1] == path[:level + 1] and len(path) > level + 1):
                    span += 1
                rowspan = depth - level if len(path) == level + 1 else 1
                cells.append(HeaderCell(path[level], level, col, rowspan, span))
                col += span
            rows.append(cells)
        return rows

    @property
    def size(self) -> tuple[int, int]:
        """(rows, columns) of the table's grid, header rows included."""
        paths = self._paths()
        return max(len(p) for p in paths) + len(self.rows), len(paths)

    def grid(self) -> Iterator[GridCell]:
        """Every cell to write, in order: the header (merged cells once, at their top-left corner),
        then per row its label (when the table has a stub column) and its figures (none for a row
        that only heads the rows below it)."""
        header = self.header()
        for cells in header:
            for c in cells:
                yield GridCell("header", c.row, c.col, c.label, c.rowspan, c.colspan)
        first = 1 if self.stub is not None else 0
        for i, row in enumerate(self.rows, start=len(header)):
            if first:
                yield GridCell("label", i, 0, row.label, level=row.level)
            if not row.heading:
                for j, value in enumerate(row.values, start=first):
                    yield GridCell("value", i, j, value)


# -- section 二: proactive disclosure (第二十条) ---------------------------------------------------------
@dataclass(frozen=True)
class PublicationFigures:
    """Counts per row key (regulation, normative, penalty, coercion) of section 二."""

    published: Mapping[str, int]  # published in the year
    repealed: Mapping[str, int]  # repealed in the year
    in_force: Mapping[str, int]  # published by 31 December and not repealed by then
    formed: Mapping[str, int]  # made (formed) in the year — the 2019 format's 本年新制作数量


@dataclass(frozen=True)
class ApprovalFigures:
    licensing_decisions: int
    other_decisions: int | None  # asked for the 2019 format only
    fees_fen: int


def wan_yuan(fen: int) -> Decimal:
    """Fen to 万元 with 4 decimals (1 元 = 0.0001 万元), rounded half up to the yuan."""
    return (Decimal(fen) / Decimal(1_000_000)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


_PROCESSING_NOTE = ("处理决定数量：行政许可为本机关在本年内作出准予或不予许可决定的办件数（审批系统数据）；"
                    "行政处罚、行政强制为本年内主动公开的行政处罚、行政强制决定条数（目录类别 06、07，"
                    "在处罚、强制模块建立前以公开条数近似）。")
_FEE_NOTE = "本年收费金额：审批系统本年内收取的费用合计，按元四舍五入折算为万元（保留四位小数）。"


def section_two(fmt: ReportFormat, pubs: PublicationFigures, approvals: ApprovalFigures) -> tuple[Table, ...]:
    return _section_two_2021(pubs, approvals) if fmt == ReportFormat.FORMAT_2021 else \
        _section_two_2019(pubs, approvals)


def _section_two_2021(pubs: PublicationFigures, approvals: ApprovalFigures) -> tuple[Table, ...]:
    """国办公开办函〔2021〕30号, section 二, four blocks of 条例 Art. 20."""
    stub = "信息内容"
    return (
        Table("art20_1", "第二十条第（一）项", stub, (("本年制发件数",), ("本年废止件数",), ("现行有效件数",)), tuple(
            Row(key, label, 0, (pubs.published.get(key, 0), pubs.repealed.get(key, 0), pubs.in_force.get(key, 0)))
            for key, label in (("regulation", "规章"), ("normative", "行政规范性文件"))),
            notes=("本年制发件数：本年内公开的规章、行政规范性文件；现行有效件数：截至12月31日已公开且未废止的件数。",)),
        Table("art20_5", "第二十条第（五）项", stub, (("本年处理决定数量",),),
              (Row("licensing", "行政许可", 0, (approvals.licensing_decisions,)),), notes=(_PROCESSING_NOTE,)),
        Table("art20_6", "第二十条第（六）项", stub, (("本年处理决定数量",),), (
            Row("penalty", "行政处罚", 0, (pubs.published.get("penalty", 0),)),
            Row("coercion", "行政强制", 0, (pubs.published.get("coercion", 0),)))),
        Table("art20_8", "第二十条第（八）项", stub, (("本年收费金额（单位：万元）",),),
              (Row("fees", "行政事业性收费", 0, (wan_yuan(approvals.fees_fen),)),), notes=(_FEE_NOTE,)),
    )


def _section_two_2019(pubs: PublicationFigures, approvals: ApprovalFigures) -> tuple[Table, ...]:
    """国办公开办函〔2019〕60号, section 二 (unverified detail, see the module docstring). The catalogue
    keeps no history of its item counts and no procurement data exists yet: those cells are empty."""
    stub = "信息内容"
    items = (("上一年项目数量",), ("本年增/减",), ("处理决定数量",))
    no_history = f"上一年项目数量、本年增/减：{NO_SOURCE}（事项目录未保存历年项目数）。"
    return (
        Table("art20_1", "第二十条第（一）项", stub, (("本年新制作数量",), ("本年新公开数量",), ("对外公开总数量",)),
              tuple(Row(key, label, 0, (pubs.formed.get(key, 0), pubs.published.get(key, 0),
                                        pubs.in_force.get(key, 0)))
                    for key, label in (("regulation", "规章"), ("normative", "规范性文件"))),
              notes=("本年新制作数量：成文日期在本年内的件数；对外公开总数量：截至12月31日已公开且未废止的件数。",)),
        Table("art20_5", "第二十条第（五）项", stub, items, (
            Row("licensing", "行政许可", 0, (None, None, approvals.licensing_decisions)),
            Row("other_services", "其他对外管理服务事项", 0, (None, None, approvals.other_decisions))),
            notes=(no_history, _PROCESSING_NOTE)),
        Table("art20_6", "第二十条第（六）项", stub, items, (
            Row("penalty", "行政处罚", 0, (None, None, pubs.published.get("penalty", 0))),
            Row("coercion", "行政强制", 0, (None, None, pubs.published.get("coercion", 0)))),
            notes=(no_history,)),
        Table("art20_8", "第二十条第（八）项", stub, (("上一年项目数量",), ("本年增/减",)),
              (Row("fees", "行政事业性收费", 0, (None, None)),), notes=(no_history,)),
        Table("art20_9", "第二十条第（九）项", stub, (("采购项目数量",), ("采购总金额",)),
              (Row("procurement", "政府集中采购", 0, (None, None)),),
              notes=(f"政府集中采购：{NO_SOURCE}（平台尚无政府采购数据）。",)),
    )


# -- section 三: applications ------------------------------------------------------------------------
APPLICANT_KINDS = tuple(ApplicantKind)  # 自然人, then the five organisation kinds, in official order
APPLICATION_STUB = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
ORGANISATION_KINDS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
APPLICATION_COLUMNS = (("申请人情况", "自然人"),) + tuple(
    ("申请人情况", "法人或其他组织", label) for label in ORGANISATION_KINDS) + (("申请人情况", "总计"),)
# Group headings of section 三 (rows without figures) and the leaf rows of REPORT_ROWS under each.
OUTCOME_GROUPS = (
    ("withheld", "（三）不予公开"), ("unavailable", "（四）无法提供"), ("not_handled", "（五）不予处理"),
    ("other", "（六）其他处理"),
)


def leaf_rows(fmt: ReportFormat) -> list[str]:
    """The rows whose sum is （七）总计: every outcome row, with （六） undivided in the 2019 format."""
    keys = [k for k in REPORT_ROWS if not (fmt == ReportFormat.TRIAL_2019 and k.startswith("other."))]
    return keys + (["other"] if fmt == ReportFormat.TRIAL_2019 else [])


def with_total(counts: Mapping[str, int]) -> tuple[int, ...]:
    """The seven values of a section 三 row: per applicant kind in column order, then 总计."""
    per_kind = tuple(int(counts.get(kind, 0)) for kind in APPLICANT_KINDS)
    return per_kind + (sum(per_kind),)


def section_three(fmt: ReportFormat, *, new: Mapping[str, int], carried_in: Sequence[int],
                  outcomes: Mapping[str, Mapping[str, int]], total: Mapping[str, int],
                  carried_out: Mapping[str, int]) -> Table:
    """Section 三. ``carried_in`` is the seven values of row 二 (total included); the other figures
    are per applicant kind; ``outcomes`` per REPORT_ROWS key (row key → kind → count)."""
    none = (None,) * len(APPLICATION_COLUMNS)
    rows = [Row("new", "一、本年新收政府信息公开申请数量", 0, with_total(new)),
            Row("carried_in", "二、上年结转政府信息公开申请数量", 0, tuple(carried_in)),
            Row("results", "三、本年度办理结果", 0, none, heading=True)]
    for key in ("disclosed", "partly_disclosed"):
        rows.append(Row(key, REPORT_ROWS[key], 1, with_total(outcomes.get(key, {}))))
    for group, label in OUTCOME_GROUPS:
        members = [k for k in REPORT_ROWS if k.startswith(group + ".")]
        if group == "other" and fmt == ReportFormat.TRIAL_2019:  # 2019: （六） is one row, the sum
            summed = {kind: sum(outcomes.get(k, {}).get(kind, 0) for k in members) for kind in APPLICANT_KINDS}
            rows.append(Row(group, label, 1, with_total(summed)))
            continue
        rows.append(Row(group, label, 1, none, heading=True))
        rows.extend(Row(k, REPORT_ROWS[k], 2, with_total(outcomes.get(k, {}))) for k in members)
    rows.append(Row("total", "（七）总计", 1, with_total(total)))
    rows.append(Row("carried_out", "四、结转下年度继续办理", 0, with_total(carried_out)))
    return Table("applications", SECTION_TITLES["三"], APPLICATION_STUB, APPLICATION_COLUMNS, tuple(rows))


# -- section 四: administrative review and litigation ------------------------------------------------
REMEDY_RESULTS = (RemedyResult.UPHELD, RemedyResult.CORRECTED, RemedyResult.OTHER, RemedyResult.PENDING)
_RESULT_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
REMEDY_BLOCKS = ((RemedyKind.REVIEW, ("行政复议",)),
                 (RemedyKind.LITIGATION_DIRECT, ("行政诉讼", "未经复议直接起诉")),
                 (RemedyKind.LITIGATION_AFTER_REVIEW, ("行政诉讼", "复议后起诉")))
REMEDY_COLUMNS = tuple(prefix + (label,) for _kind, prefix in REMEDY_BLOCKS for label in _RESULT_LABELS)
REMEDY_NOTE = ("统计口径：本年内审结的复议、诉讼按结果计入“结果维持”“结果纠正”“其他结果”；截至12月31日尚未审结的"
               "（含以前年度提起的）计入“尚未审结”；总计为四项之和。")


def section_four(counts: Mapping[str, Mapping[str, int]]) -> Table:
    """Section 四 from counts per remedy kind and result (see REMEDY_NOTE for what is counted)."""
    values: list[int] = []
    for kind, _prefix in REMEDY_BLOCKS:
        block = [int(counts.get(kind, {}).get(result, 0)) for result in REMEDY_RESULTS]
        values.extend(block + [sum(block)])
    return Table("remedies", SECTION_TITLES["四"], None, REMEDY_COLUMNS, (Row("remedies", "", 0, tuple(values)),),
                 notes=(REMEDY_NOTE,))
