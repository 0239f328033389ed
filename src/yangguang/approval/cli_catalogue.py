"""``yangguang catalogue ...``: import, export and read the item catalogue (政务服务事项目录)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from yangguang.approval import codes
from yangguang.approval.catalogue import (
    CatalogueRejected,
    export_catalogue,
    get_item,
    import_catalogue,
    item_guide,
    item_history,
    list_items,
)
from yangguang.approval.importers import TIME_UNIT_LABELS, file_format
from yangguang.core import db
from yangguang.core.cli_support import JsonOption, console, print_json
from yangguang.core.org import Unit

catalogue_app = typer.Typer(help="政务服务事项目录 (item catalogue): import, export, guide, history.",
                            no_args_is_help=True)
ACTOR = "cli"


@catalogue_app.command("import")
def import_file(file: Path = typer.Argument(..., metavar="FILE"), as_json: bool = JsonOption) -> None:
    """Import an XLSX or CSV catalogue, all or nothing; when rejected, every row error goes to stderr (exit 2)."""
    try:
        with db.transaction() as session:
            report = import_catalogue(session, file, actor=ACTOR, at=datetime.now(UTC))
    except CatalogueRejected as exc:
        if as_json:
            print_json(exc.report.as_dict())
        for error in exc.report.errors:
            print(error, file=sys.stderr)
        raise  # the CLI prints the summary line and exits 2
    if as_json:
        print_json(report.as_dict())
    else:
        console.print(f"{report.rows} rows: {len(report.created)} created, {len(report.updated)} updated, "
                      f"{len(report.unchanged)} unchanged")


@catalogue_app.command("export")
def export(file: Path = typer.Argument(..., metavar="FILE"),
           fmt: str | None = typer.Option(None, "--format", help="xlsx or csv (default: the file's extension)."),
           as_json: bool = JsonOption) -> None:
    """Write the whole catalogue in the import format."""
    fmt = file_format(file, fmt)
    with db.reading() as session:
        count = export_catalogue(session, file, fmt)
    if as_json:
        print_json({"file": str(file), "format": fmt, "items": count})
    else:
        console.print(f"exported {count} items to {file}")


@catalogue_app.command("show")
def show(code: str = typer.Argument(..., metavar="CODE"), as_json: bool = JsonOption) -> None:
    """The public service guide (办事指南) of an item, by 实施编码 or 基本编码."""
    with db.reading() as session:
        guide = item_guide(get_item(session, code))
    if as_json:
        print_json(guide)
        return
    console.print(f"[bold]{escape(guide['事项名称'])}[/bold]  {escape(guide['实施编码'])}  第{guide['版本']}版")
    for section, content in guide.items():
        if isinstance(content, dict):
            console.print(f"\n[bold]{section}[/bold]")
            for label, value in content.items():
                console.print(f"  {label}：{value}", markup=False)
        elif isinstance(content, list):
            console.print(f"\n[bold]{section}[/bold]")
            console.print(_table(content) if content else "  无")


@catalogue_app.command("list")
def list_(unit: str | None = typer.Option(None, "--unit", help="Only this department (code or name)."),
          as_json: bool = JsonOption) -> None:
    """The items of the catalogue, by 实施编码."""
    with db.reading() as session:
        units = {u.id: u for u in session.scalars(select(Unit))}
        rows = [{"impl_code": i.impl_code, "basic_code": i.basic_code, "name": i.name,
                 "item_type": codes.ITEM_TYPE[i.item_type], "unit": units[i.unit_id].code,
                 "unit_name": units[i.unit_id].name,
                 "statutory_limit": f"{i.statutory_limit}个{TIME_UNIT_LABELS[i.statutory_unit]}",
                 "promised_limit": f"{i.promised_limit}个{TIME_UNIT_LABELS[i.promised_unit]}",
                 "version": i.version} for i in list_items(session, unit)]
    if as_json:
        print_json(rows)
        return
    table = Table("实施编码", "事项名称", "事项类型", "实施主体", "法定时限", "承诺时限", "版本")
    for column in table.columns:
        column.overflow = "fold"  # a code cut short with "…" is useless
    for row in rows:
        table.add_row(*(escape(str(row[key])) for key in ("impl_code", "name", "item_type", "unit_name",
                                                           "statutory_limit", "promised_limit", "version")))
    console.print(table)
    console.print(f"{len(rows)} items")


@catalogue_app.command("history")
def history(code: str = typer.Argument(..., metavar="CODE"), as_json: bool = JsonOption) -> None:
    """Every version of an item: when, by whom, which elements changed."""
    with db.reading() as session:
        versions = item_history(session, code)
    if as_json:
        print_json(versions)
        return
    for version in versions:
        changed = "、".join(version["changed"]) if version["changed"] else "(created)"
        console.print(f"v{version['version']}  {version['changed_at'].isoformat()}  {version['changed_by']}  "
                      f"{changed}  {version['note']}", markup=False)


def _table(rows: list[dict[str, Any]]) -> Table:
    table = Table(*rows[0].keys())
    for row in rows:
        table.add_row(*(escape(str(value)) for value in row.values()))
    return table
