"""Commands ``yangguang case ...``: list cases, the staff view of one, the public progress query."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from yangguang.approval import queries, service
from yangguang.core import db
from yangguang.core.cli_support import JsonOption, console, print_json
from yangguang.core.clocks import local_day

case_app = typer.Typer(help="Approval cases (办件).", no_args_is_help=True)


def _day(value: Any) -> str:
    return local_day(value).isoformat() if value else "—"


@case_app.command("list")
def list_(unit: str = typer.Option(None, "--unit", help="Department code or name."),
          state: str = typer.Option(None, "--state", help="Case state (in_progress, completed, ...)."),
          limit: int = typer.Option(50, "--limit"), offset: int = typer.Option(0, "--offset"),
          as_json: bool = JsonOption) -> None:
    """Cases, newest first."""
    with db.reading() as session:
        cases = queries.list_cases(session, unit=unit, state=state, limit=limit, offset=offset)
        rows = [{"number": c.number, "item": c.item.name, "state": c.state,
                 "state_label": service.STATE_LABELS[service.CaseState(c.state)], "received_at": c.received_at,
                 "accepted_at": c.accepted_at, "completed_at": c.completed_at} for c in cases]
    if as_json:
        print_json(rows)
        return
    table = Table("编号", "事项", "状态", "收件", "受理", "办结")
    for r in rows:
        table.add_row(r["number"], r["item"], r["state_label"], _day(r["received_at"]), _day(r["accepted_at"]),
                      _day(r["completed_at"]))
    console.print(table)


@case_app.command("show")
def show(number: str = typer.Argument(..., metavar="NUMBER"), as_json: bool = JsonOption) -> None:
    """Everything about one case (staff view): applicant, materials, steps, clocks, notices, fees."""
    with db.reading() as session:
        detail = queries.case_detail(session, number)
    if as_json:
        print_json(detail)
        return
    a = detail["applicant"]
    console.print(f"[bold]{detail['number']}[/bold] {detail['item']}（{detail['unit']}）— {detail['state_label']}")
    console.print(f"申请人：{a['name']}  证件：{a['id_number'] or '—'}  电话：{a['phone'] or '—'}  "
                  f"查询码：{detail['query_code']}  办理形式：{detail['channel_label']}")
    steps = Table("环节", "部门", "状态", "开始", "完成", "办理人", "结果")
    for s in detail["steps"]:
        steps.add_row(s["step"], s["unit"], s["state"], _day(s["started_at"]), _day(s["done_at"]), s["actor"] or "—",
                      s["outcome"] or "—")
    console.print(steps)
    clocks = Table("时限", "期限", "已用", "剩余", "到期日", "状态")
    for c in detail["clocks"]:
        clocks.add_row(c["kind"], f"{c['limit']}{c['unit_label']}", str(c["used"]), str(c["left"]), c["due_on"] or "—",
                       c["state"] + ("（超期）" if c["overdue"] else ""))
    console.print(clocks)
    for f in detail["fees"]:
        console.print(f"收费 {f['amount_fen'] / 100:.2f} 元，依据：{f['basis'] or '—'}"
                      f"{'' if f['within_standard'] else '（超标准或无依据）'}")
    for n in detail["notices"]:
        console.print(f"\n[{n['kind']}] {_day(n['issued_at'])}\n{n['text']}")


@case_app.command("progress")
def progress(number: str = typer.Argument(..., metavar="NUMBER"),
             code: str = typer.Option(..., "--code", help="The query code given to the applicant."),
             as_json: bool = JsonOption) -> None:
    """The public progress view of a case (no personal data)."""
    with db.reading() as session:
        view = queries.case_progress(session, number, code)
    if as_json:
        print_json(view)
        return
    console.print(f"{view['number']} {view['item']}（{view['unit']}）— {view['state_label']}")
    for s in view["steps_done"]:
        console.print(f"  ✓ {s['step']}  {s['unit']}  {s['done_on']}")
    for s in view["current"]:
        console.print(f"  → {s['step']}  {s['unit']}  自 {s['since']}")
    if "suspended" in view:
        console.print(f"暂停计时：{view['suspended']['reason']}（自 {view['suspended']['since']}），期间不计入办理时限")
    t = view["time"]
    if t:
        due = "暂停计时中" if t["paused"] else f"到期日 {t['due_on']}{'（已超期）' if t['overdue'] else ''}"
        console.print(f"承诺时限 {t['limit']}{t['unit_label']}，已用 {t['used']}，剩余 {t['left']}，{due}")
