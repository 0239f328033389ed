"""``yangguang demo``: build the demo county and say where to look next."""

from __future__ import annotations

import typer
from rich.table import Table

from yangguang.core import db
from yangguang.core.cli_support import JsonOption, console, print_json
from yangguang.core.settings import get_settings
from yangguang.web.cli import serve

LEVELS = {"warning": "预警", "yellow": "黄牌", "red": "红牌"}
STATES = {"in_progress": "办理中", "completed": "已办结", "delivered": "已送达", "awaiting_materials": "待补齐材料",
          "suspended": "暂停计时", "refused": "不予受理"}


def demo(seed: int = typer.Option(2026, help="Random seed: the same seed builds the same county."),
         cases: int = typer.Option(6000, help="How many applications the simulated year receives."),
         fresh: bool = typer.Option(False, "--fresh", help="Drop everything in the database first."),
         no_serve: bool = typer.Option(False, "--no-serve", help="Only build (scripts use this)."),
         host: str = typer.Option("127.0.0.1", help="Address the portal listens on."),
         port: int = typer.Option(8000, min=1, max=65535, help="Port the portal listens on."),
         as_json: bool = JsonOption) -> None:
    """Build the demo county 青山县 (departments, catalogue, staff, a year of cases under supervision),
    then serve its portal, staff workspace and API."""
    from yangguang.demo import build

    if fresh:
        db.reset_database()
    result = build(seed=seed, cases=cases, show_progress=not as_json)
    if as_json:
        print_json(result)
        return
    _report(result, f"http://{host}:{port}")
    if not no_serve:
        serve(host=host, port=port, workers=None)


def _report(result: dict, address: str) -> None:
    url = get_settings().database_url
    states = "、".join(f"{STATES.get(k, k)} {v}" for k, v in sorted(result["cases"]["by_state"].items()))
    levels = "、".join(f"{LEVELS[k]} {v}" for k, v in sorted(result["cards"]["by_level"].items()))
    console.print(f"[bold]青山县演示数据已生成[/bold] ({result['seconds']} s, seed {result['seed']}) → {url}")
    console.print(f"办件 {result['cases']['received']} 件：{states}")
    console.print(f"监察：{levels}；未销号 {result['cards']['open']} 张")
    _disclosure(result.get("disclosure"))
    prefix = f"YANGGUANG_DATABASE_URL={url} .venv/bin/yangguang"
    console.print("\n[bold]Where to look next[/bold]")
    hints = [f"{prefix} supervise cards --level red", f"{prefix} supervise scores --period 2026-10",
             f"{prefix} supervise scores --period 2026-10 --by window", f"{prefix} supervise rules",
             f"{prefix} case list --state in_progress", f"{prefix} audit verify"]
    if result["sample_red_card"]:
        hints.insert(1, f"{prefix} supervise card {result['sample_red_card']}")
    if result["sample_case"]:
        number, code = result["sample_case"]["number"], result["sample_case"]["query_code"]
        hints += [f"{prefix} case show {number}", f"{prefix} case progress {number} --code {code}"]
    figures = result.get("disclosure") or {}
    sample_app = figures.get("sample_application")
    hints += [f"{prefix} disclosure annual-report --org FGJ --year 2025 --format html --out /tmp/fgj-2025.html",
              f"{prefix} supervise cards --json | grep disclosure."]
    for hint in hints:
        console.print(f"  {hint}", soft_wrap=True)
    if result["sample_case"]:
        console.print(f"\n[bold]Portal[/bold] {address}/  办件查询: {address}/progress (编号 {number}, 查询码 {code})")
    else:
        console.print(f"\n[bold]Portal[/bold] {address}/")
    if sample_app:
        console.print(f"依申请公开进度查询: {address}/disclosure/progress (编号 {sample_app['number']}, "
                      f"查询码 {sample_app['query_code']})")
    if figures.get("sample_publication"):
        console.print(f"公开目录索引号示例: {figures['sample_publication']}")
    console.print(f"Staff workspace {address}/login · API {address}/api/v1 · OpenAPI {address}/openapi.json")
    title = f"Demo accounts: one of each role (every department has its own); password {result['password']}"
    table = Table(title=title)
    for column in ("login", "role", "unit"):
        table.add_column(column)
    for account in _one_per_role(result["accounts"]):
        table.add_row(account["login"], account["role"], account["unit"])
    console.print(table)


def _one_per_role(accounts: list[dict]) -> list[dict]:
    seen: dict[str, dict] = {}
    for account in accounts:
        seen.setdefault(account["role"], account)
    return list(seen.values())


def _disclosure(figures: dict | None) -> None:
    """One line each for the catalogue, the applications and the annual reports."""
    if not figures:
        return
    pubs, apps, reports = figures["publications"], figures["applications"], figures["reports"]
    outcomes = apps["by_outcome"]
    top = "、".join(f"{k} {v}" for k, v in sorted(outcomes.items(), key=lambda kv: -kv[1])[:4])
    console.print(f"主动公开：已公开 {pubs['by_state'].get('published', 0)} 条（审查退回后修改 "
                  f"{pubs['rejected_in_review']} 条，超期发布 {pubs['late']} 条，已废止 {pubs['repealed']} 件）")
    console.print(f"依申请公开：{sum(apps['by_state'].values())} 件，答复类型 {len(outcomes)} 种（{top}……），"
                  f"超期答复 {apps['late']} 件；行政复议、诉讼 {sum(figures['remedies'].values())} 件")
    published = "、".join(f"{year} 年度 {n} 份" for year, n in sorted(reports["published"].items()))
    console.print(f"年度报告：已公开 {published}（2025 年度逾期 {reports['late_2025']} 份）；"
                  f"政务公开监察卡 {sum(figures['cards'].values())} 张")
