"""``yangguang supervise ...``: the sweep, cards, rules, scores and notification delivery."""

from __future__ import annotations

import typer
from rich.table import Table

from yangguang.core import db, notify
from yangguang.core.cli_support import JsonOption, console, parse_moment, print_json
from yangguang.supervision import queries, scoring, service
from yangguang.supervision.engine import due_text, local_text
from yangguang.supervision.sweep import sweep as run_sweep

supervise_app = typer.Typer(help="电子监察: sweep, cards, rules, scores.", no_args_is_help=True)


@supervise_app.command("sweep")
def sweep(at: str = typer.Option(None, "--at", help="ISO 8601 moment to sweep up to (default: now)."),
          as_json: bool = JsonOption) -> None:
    """Judge every clock due for a check, raise cards, then deliver the notifications."""
    moment = parse_moment(at)
    with db.transaction() as session:
        result = run_sweep(session, moment)
    result["notifications"] = notify.deliver_pending()
    if as_json:
        print_json(result)
        return
    console.print(f"swept up to {local_text(moment)}: {result['clocks_examined']} clocks examined, "
                  f"{result['warnings']} 预警, {result['yellow']} 黄牌, {result['red']} 红牌")
    for number in result["cards"]:
        console.print(f"  {number}")


@supervise_app.command("scores")
def scores(period: str = typer.Option(..., "--period", help="YYYY-MM (or YYYY-Qn)."),
           by: str = typer.Option("unit", "--by", help="unit, window or person."), as_json: bool = JsonOption) -> None:
    """Performance evaluation for a period, ranked (绩效评估)."""
    with db.reading() as session:
        rows = scoring.scores(session, period, by)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{period} 绩效评估（按{ {'unit': '单位', 'window': '窗口', 'person': '人员'}[by] }）")
    headers = ("排名", "名称", "办结", "按时率%", "提前率%", "用时比", "预警", "黄牌", "红牌", "满意度", "得分", "等次")
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*[("" if v is None else str(v)) for v in (
            row["rank"], row["name"], row["completed"], row["on_time_rate"], row["early_rate"], row["time_ratio"],
            row["warnings"], row["yellow"], row["red"], row["satisfaction"], row["score"], row["grade"])])
    console.print(table)


@supervise_app.command("cards")
def cards(level: str = typer.Option(None, "--level"), unit: str = typer.Option(None, "--unit"),
          state: str = typer.Option(None, "--state"), rule: str = typer.Option(None, "--rule"),
          limit: int = typer.Option(200, "--limit"), as_json: bool = JsonOption) -> None:
    """List cards, newest first."""
    with db.reading() as session:
        rows = [service.card_dict(session, c) for c in service.list_cards(
            session, level=level, unit=unit, state=state, rule=rule, limit=limit)]
    if as_json:
        print_json(rows)
        return
    table = Table(title="监察卡片")
    for header in ("编号", "级别", "规则", "单位", "责任人", "发出时间", "状态", "事由"):
        table.add_column(header)
    for row in rows:
        table.add_row(row["number"], row["level_label"], row["rule_name"], row["unit_name"], row["person"] or "",
                      local_text(row["issued_at"]), row["state_label"], row["reason"])
    console.print(table)


@supervise_app.command("card")
def card(number: str = typer.Argument(..., metavar="NUMBER"), as_json: bool = JsonOption) -> None:
    """One card with its timeline."""
    with db.reading() as session:
        found = service.get_card(session, number)
        data = service.card_dict(session, found)
        data["timeline"] = service.timeline(session, found)
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{data['number']}[/bold] {data['level_label']} {data['rule_name']} — {data['state_label']}")
    console.print(f"单位: {data['unit_name']}  责任人: {data['person'] or '（未指定）'}")
    console.print(f"事由: {data['reason']}")
    if data["rectification_due"]:
        console.print(f"整改期限: {due_text(data['rectification_due'])}")
    for entry in data["timeline"]:
        console.print(f"  {local_text(entry['at'])}  {entry['actor']}  {entry['action']}")


@supervise_app.command("rules")
def rules(as_json: bool = JsonOption) -> None:
    """Every monitoring rule with its effective level, parameters and source (stored settings included)."""
    with db.reading() as session:
        rows = queries.rule_rows(session)
    if as_json:
        print_json(rows)
        return
    table = Table(title="监察规则")
    for header in ("代码", "名称", "类别", "启用", "级别", "参数", "监察对象", "依据"):
        table.add_column(header)
    for row in rows:
        table.add_row(row["code"], row["name"], row["category"], "是" if row["enabled"] else "否",
                      row["level_label"], str(row["params"] or ""), row["watches"], row["source"])
    console.print(table)


@supervise_app.command("notify")
def deliver(as_json: bool = JsonOption) -> None:
    """Deliver pending email and SMS notifications (and retry failed ones)."""
    counts = notify.deliver_pending()
    if as_json:
        print_json(counts)
    else:
        console.print(f"{counts['sent']} sent, {counts['failed']} failed of {counts['attempted']} attempted")
