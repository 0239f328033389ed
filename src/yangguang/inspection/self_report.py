"""The quarterly self-inspection report (季度自查报告) of one site, as DOCX and HTML.

Each site files a quarterly self-inspection report (shared/domain/website-inspection.md; 国办秘函〔2019〕19号).
Its parts: the site's basics (name, URL, organ, kind); the inspections of the quarter (dates, scores, verdicts);
the latest of them with every veto and deduction explained by its evidence (the page, the link, the date found,
a text excerpt); the problems found, rectified and still open at the end of the quarter with their deadlines;
the columns and their freshness; a one-line conclusion. A quarter without an inspection is reported as such.

:func:`build_report` reads the data (read-only) into a plain dict; :func:`to_docx` and :func:`to_html` render it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from yangguang.core.clocks import local_day
from yangguang.core.errors import InvalidInput
from yangguang.core.org import Person
from yangguang.core.settings import get_settings
from yangguang.inspection.codes import SITE_KIND_LABELS, TRIGGER_LABELS
from yangguang.inspection.models import Inspection, Problem
from yangguang.inspection.queries import columns_view, findings_of, problem_row, problems_with_clocks, visible_site
from yangguang.inspection.scoring import describe_evidence
from yangguang.reports import docx

FORMATS = ("docx", "html")
MEDIA_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "html": "text/html; charset=utf-8"}
_QUARTER = re.compile(r"(\d{4})-?[Qq]([1-4])")
_CN_NUMBERS = "一二三四"


def parse_quarter(text: object, field: str = "quarter") -> tuple[int, int]:
    """``2026Q3`` or ``2026-Q3`` -> ``(2026, 3)``."""
    match = _QUARTER.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise InvalidInput(field, f"季度 {text!r} 格式应为 2026Q3 或 2026-Q3")
    year, quarter = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100:
        raise InvalidInput(field, f"年份 {year} 超出范围")
    return year, quarter


def quarter_days(year: int, quarter: int) -> tuple[date, date]:
    """The first and the last day of the quarter."""
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, following - timedelta(days=1)


def quarter_bounds(year: int, quarter: int) -> tuple[datetime, datetime]:
    """The quarter as local [start, end) moments."""
    first, last = quarter_days(year, quarter)
    zone = get_settings().zone
    return (datetime.combine(first, time(0), zone).astimezone(UTC),
            datetime.combine(last + timedelta(days=1), time(0), zone).astimezone(UTC))


def _day(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_day(value).isoformat()
    return value.isoformat() if isinstance(value, date) else str(value)


def _verdict(score: Any, qualified: bool, vetoes: int) -> str:
    if vetoes:
        return f"不合格（触发单项否决 {vetoes} 项）"
    return f"{score} 分，{'合格' if qualified else '不合格（低于 60 分）'}"


def _evidence(evidence: dict[str, Any]) -> str:
    return describe_evidence(evidence) or "—"


def _latest_section(inspection: Inspection, findings: list[dict[str, Any]]) -> dict[str, Any]:
    vetoes = [{"item": f["item_name"], "detail": f["detail"], "url": f["url"], "evidence": _evidence(f["evidence"])}
              for f in findings if f["severity"] == "veto"]
    by_item: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        if f["severity"] == "deduction":
            by_item.setdefault(f["checklist_item"], []).append(
                {"detail": f["detail"], "url": f["url"], "evidence": _evidence(f["evidence"])})
    deductions = [{**entry, "findings": by_item.get(entry["indicator"], [])} for entry in inspection.deductions or []]
    notes = [{"item": f["item_name"], "detail": f["detail"], "url": f["url"]} for f in findings
             if f["severity"] == "info"]
    summary = inspection.summary or {}
    return {"id": inspection.id, "date": _day(inspection.started_at),
            "score": None if inspection.score is None else str(inspection.score), "qualified": inspection.qualified,
            "verdict": _verdict(inspection.score, inspection.qualified, len(vetoes)),
            "deduction_score": summary.get("deduction_score"), "bonus": summary.get("bonus"),
            "has_services": summary.get("has_services", True), "pages_checked": inspection.pages_checked,
            "links_checked": inspection.links_checked, "broken_count": inspection.broken_count,
            "vetoes": vetoes, "deductions": deductions, "notes": notes}


def _problem_line(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "item": row["item_name"], "severity": row["severity_label"], "detail": row["detail"],
            "url": row["url"], "evidence": _evidence(row["evidence"]), "found": _day(row["found_at"]),
            "due": _day(row["due_day"]), "resolved": _day(row["resolved_at"]), "state": row["state_label"]}


def _problems(session: Session, site_id: int, start: datetime, end: datetime,
              as_of: datetime) -> dict[str, list[dict[str, Any]]]:
    query = select(Problem).where(Problem.site_id == site_id, Problem.found_at < end, or_(
        Problem.found_at >= start, Problem.resolved_at.is_(None), Problem.resolved_at >= start))
    found, rectified, still_open = [], [], []
    for problem, clock in problems_with_clocks(session, query.order_by(Problem.id)):
        row = _problem_line(problem_row(problem, clock, as_of))
        if start <= problem.found_at < end:
            found.append(row)
        if problem.resolved_at is not None and start <= problem.resolved_at < end:
            rectified.append(row)
        settled = [m for m in (problem.resolved_at, problem.dismissed_at) if m is not None]
        if problem.found_at < as_of and not any(m < as_of for m in settled):
            still_open.append(row)
    return {"found": found, "rectified": rectified, "open": still_open}


def _column_status(column: dict[str, Any], stale: set[str]) -> str:
    """What the latest inspection found of the column; ``stale``: the columns it found not updated in time."""
    if not column["monitored"]:
        return "不监测（非信息栏目）"
    if not column["checked"]:
        return "未检查（不在首页导航中或未抓取）"
    if column["blank"]:
        return f"空白，已说明：{column['blank_reason']}" if column["blank_allowed"] else "空白栏目"
    if not column["items"]:
        return "无信息列表"
    if column["newest"] is None:
        return "信息无日期（视为未更新）"
    if column["url"] in stale:
        return f"超期未更新（要求每 {column['update_days']} 天更新）"
    return "按要求更新"


def build_report(session: Session, site: int | str, quarter: str, *, now: datetime | None = None,
                 person: Person | None = None) -> dict[str, Any]:
    """The report of ``site`` for ``quarter`` (``2026Q3``) as a plain dict; ``now`` bounds a quarter in
    progress (default: the real time)."""
    year, number = parse_quarter(quarter)
    start, end = quarter_bounds(year, number)
    first, last = quarter_days(year, number)
    now = now or datetime.now(UTC)
    as_of = min(end, now)
    row = visible_site(session, site, person)
    inspections = list(session.scalars(select(Inspection).where(
        Inspection.site_id == row.id, Inspection.started_at >= start, Inspection.started_at < end)
        .order_by(Inspection.started_at, Inspection.id)))
    latest = inspections[-1] if inspections else None
    problems = _problems(session, row.id, start, end, as_of)
    findings = findings_of(session, latest.id) if latest is not None else []
    stale = {f["url"] for f in findings if f["check"] == "freshness.columns" and f["severity"] == "deduction"}
    columns = columns_view(row, latest)
    for column in columns:
        column["status"] = _column_status(column, stale)
    latest_section = _latest_section(latest, findings) if latest is not None else None
    as_of_day = local_day(as_of - timedelta(microseconds=1))
    counts = {key: len(value) for key, value in problems.items()}
    if latest_section is None:
        conclusion = (f"本季度（{first.isoformat()} 至 {last.isoformat()}）未对该网站开展检查；"
                      f"截至 {as_of_day.isoformat()} 尚有 {counts['open']} 个问题未整改。")
    else:
        conclusion = (f"本季度共检查 {len(inspections)} 次，最近一次（{latest_section['date']}）"
                      f"{latest_section['verdict']}；本季度发现问题 {counts['found']} 个，"
                      f"整改 {counts['rectified']} 个，"
                      f"截至 {as_of_day.isoformat()} 尚有 {counts['open']} 个问题未整改。")
    return {
        "title": f"{row.name}{year}年第{_CN_NUMBERS[number - 1]}季度自查报告",
        "quarter": f"{year}Q{number}", "first_day": first.isoformat(), "last_day": last.isoformat(),
        "as_of": as_of_day.isoformat(),
        "site": {"id": row.id, "name": row.name, "url": row.url, "unit": row.unit.name,
                 "kind": SITE_KIND_LABELS.get(row.kind, row.kind), "has_services": row.has_services,
                 "is_portal": row.is_portal, "active": row.active},
        "inspections": [{"date": _day(i.started_at), "trigger": TRIGGER_LABELS.get(i.trigger, i.trigger),
                         "pages": i.pages_checked, "links": i.links_checked, "broken": i.broken_count,
                         "score": "—" if i.score is None else str(i.score),
                         "verdict": _verdict(i.score, i.qualified, len(i.vetoes or []))} for i in inspections],
        "latest": latest_section, "problems": problems, "counts": counts, "columns": columns,
        "conclusion": conclusion, "generated_at": now.astimezone(get_settings().zone).strftime("%Y-%m-%d %H:%M"),
    }


# -- rendering ------------------------------------------------------------------------------------------------
def _yes(value: bool) -> str:
    return "是" if value else "否"


def _heading(document: Any, text: str) -> None:
    docx.paragraph(document, text, indent=False, bold=True, align="left")


def _problem_table(document: Any, rows: list[dict[str, Any]], empty: str) -> None:
    if not rows:
        docx.paragraph(document, empty)
        return
    docx.table(document, ("问题", "类别", "页面", "发现日期", "整改期限", "目前状态"),
               [(f"{r['item']}：{r['detail']}", r["severity"], r["url"], r["found"], r["due"] or "—", r["state"])
                for r in rows])


def to_docx(report: dict[str, Any]) -> bytes:
    document = docx.new_document()
    docx.title(document, report["title"])
    docx.paragraph(document, f"报告期间：{report['first_day']} 至 {report['last_day']}    "
                             f"生成时间：{report['generated_at']}", align="center", indent=False)
    site = report["site"]
    _heading(document, "一、网站基本情况")
    docx.table(document, ("项目", "内容"), [
        ("网站名称", site["name"]), ("网址", site["url"]), ("主办单位", site["unit"]), ("类型", site["kind"]),
        ("提供办事服务", _yes(site["has_services"])), ("门户网站", _yes(site["is_portal"]))])
    _heading(document, "二、本季度检查情况")
    if report["inspections"]:
        docx.table(document, ("检查日期", "方式", "检查页面", "检查链接", "失效链接", "得分", "结论"),
                   [(i["date"], i["trigger"], i["pages"], i["links"], i["broken"], i["score"], i["verdict"])
                    for i in report["inspections"]])
    else:
        docx.paragraph(document, "本季度未对该网站开展检查。")
    _heading(document, "三、最近一次检查结果")
    latest = report["latest"]
    if latest is None:
        docx.paragraph(document, "本季度无检查结果。")
    else:
        docx.paragraph(document, f"检查日期 {latest['date']}，{latest['verdict']}。"
                                 f"扣分项得分 {latest['deduction_score']}，加分 {latest['bonus']}。"
                                 f"检查页面 {latest['pages_checked']} 个、链接 {latest['links_checked']} 个，"
                                 f"失效链接 {latest['broken_count']} 处。")
        if not latest["has_services"]:
            docx.paragraph(document, "本网站无对外服务，服务实用类指标不计分（按 75 分计算后乘以 4/3）。")
        for veto in latest["vetoes"]:
            docx.paragraph(document, f"单项否决【{veto['item']}】{veto['detail']}。证据：{veto['evidence']}")
        for entry in latest["deductions"]:
            counted = f"扣 {entry['points']} 分（每处 {entry['per_occurrence']} 分，本项上限 {entry['cap']} 分）" \
                if entry["scored"] else "不计分（无对外服务）"
            docx.paragraph(document, f"扣分【{entry['block']}·{entry['name']}】{entry['occurrences']} 处，{counted}")
            if entry["findings"]:
                docx.table(document, ("问题", "证据"), [(f["detail"], f["evidence"]) for f in entry["findings"]])
        if not latest["vetoes"] and not latest["deductions"]:
            docx.paragraph(document, "未发现扣分问题。")
        for note in latest["notes"]:
            docx.paragraph(document, f"提示【{note['item']}】{note['detail']}（不计分）")
    _heading(document, "四、问题整改情况")
    counts = report["counts"]
    docx.paragraph(document, f"本季度发现问题 {counts['found']} 个，整改 {counts['rectified']} 个；"
                             f"截至 {report['as_of']} 尚未整改 {counts['open']} 个。")
    docx.paragraph(document, "（一）本季度发现的问题", indent=False)
    _problem_table(document, report["problems"]["found"], "本季度未发现新问题。")
    docx.paragraph(document, "（二）本季度已整改的问题", indent=False)
    _problem_table(document, report["problems"]["rectified"], "本季度无已整改的问题。")
    docx.paragraph(document, "（三）尚未整改的问题", indent=False)
    _problem_table(document, report["problems"]["open"], "无尚未整改的问题。")
    _heading(document, "五、栏目更新情况")
    if report["columns"]:
        docx.table(document, ("栏目", "类型", "要求更新频率（天）", "最近更新", "状态"),
                   [(c["name"], c["kind_label"], c["update_days"], c["newest"] or "—", c["status"])
                    for c in report["columns"]])
    else:
        docx.paragraph(document, "尚未登记栏目。")
    _heading(document, "六、结论")
    docx.paragraph(document, report["conclusion"])
    return docx.to_bytes(document)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=PackageLoader("yangguang.inspection", "templates"), autoescape=select_autoescape(),
                       trim_blocks=True, lstrip_blocks=True)


def to_html(report: dict[str, Any]) -> str:
    return _environment().get_template("inspection/self_report.html").render(report=report)


def render(report: dict[str, Any], fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise InvalidInput("format", f"未知的输出格式 {fmt!r}（可选：{'、'.join(FORMATS)}）")
    return to_docx(report) if fmt == "docx" else to_html(report).encode("utf-8")
