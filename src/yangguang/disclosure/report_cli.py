"""``yangguang disclosure annual-report``: write an organ's annual report to a file.

A published report is rendered from the figures frozen at publication; otherwise the draft is
computed from the data now. Which one is said on stderr (and in the output's metadata).
"""

from __future__ import annotations

from pathlib import Path

import typer

from yangguang.core import db
from yangguang.core.errors import InvalidInput
from yangguang.core.org import get_unit
from yangguang.disclosure.annual_report import PUBLISHED, report_for
from yangguang.disclosure.report_render import check_format, render
from yangguang.disclosure.service.annual_report import check_year


def _year(text: str) -> int:
    try:
        return check_year(int(text.strip()))
    except ValueError as exc:
        raise InvalidInput("year", f"年度应为整数年份（如 2026），输入值为 {text!r}") from exc


def annual_report(org: str = typer.Option(..., "--org", help="Organ: unit code or name."),
                  year: str = typer.Option(..., "--year", help="Report year, e.g. 2026."),
                  fmt: str = typer.Option(..., "--format", help="docx, html, xlsx or json."),
                  out: Path = typer.Option(..., "--out", help="File to write.")) -> None:
    """The statutory annual report on government information disclosure (条例第四十九、五十条)."""
    check_format(fmt)
    report_year = _year(year)
    with db.reading() as session:
        report = report_for(session, get_unit(session, org, "org"), report_year)
        content = render(report, fmt)
    try:
        out.write_bytes(content)
    except OSError as exc:
        raise InvalidInput("out", f"无法写入 {out}：{exc.strerror}") from exc
    state = ("已公开的年度报告（公开时冻结的数据）" if report.status == PUBLISHED
             else "草稿：根据当前数据实时计算，尚未公开")
    problems = "" if report.reconciles else f"；数据核对未通过 {len(report.discrepancies)} 处"
    typer.echo(f"{report.title}：{state}{problems} → {out}", err=True)
