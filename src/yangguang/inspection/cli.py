"""``yangguang inspect ...``: inspect a government website against the national checklist (国办秘函〔2019〕19号)."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from yangguang.core import db
from yangguang.core.cli_support import JsonOption, console, parse_moment, print_json
from yangguang.core.clocks import local_day
from yangguang.core.errors import InvalidInput, YangguangError
from yangguang.disclosure.service import load_words
from yangguang.inspection import queries, self_report, service
from yangguang.inspection.checklist import item
from yangguang.inspection.cli_progress import progress_callback
from yangguang.inspection.codes import Trigger
from yangguang.inspection.crawler import CrawlConfig
from yangguang.inspection.inspect import InspectionResult, inspect_site
from yangguang.inspection.models import Inspection

inspect_app = typer.Typer(help="网站自查: crawl a site and score it against the national checklist.",
                          no_args_is_help=True)

TOP_DEDUCTIONS = 5
_OPTION_NAMES = {"start_url": "url", "max_pages": "--max-pages", "concurrency": "--concurrency"}


def _config(url: str, max_pages: int, concurrency: int) -> CrawlConfig:
    try:
        return CrawlConfig(url, max_pages=max_pages, concurrency=concurrency)
    except InvalidInput as exc:
        raise InvalidInput(_OPTION_NAMES.get(exc.field, exc.field), exc.reason) from exc


def summary_lines(result: InspectionResult) -> list[str]:
    """The human summary: counts, verdict, vetoes, the largest deductions, the columns found."""
    report = result.score
    lines = [f"网站 {result.site}：检查页面 {result.pages_checked} 个，链接 {result.links_checked} 个，"
             f"失效链接 {len(result.broken_links)} 处"]
    lines.append(report.explain()[0])
    for veto in report.vetoes:
        lines.append(f"  单项否决【{item(veto.checklist_item).name}】{veto.detail}（{veto.url}）")
    deducted = sorted((e for e in report.deductions if e.findings and e.scored), key=lambda e: -e.points)
    if deducted:
        lines.append("主要扣分：")
        lines += [f"  【{e.block}·{e.name}】{e.occurrences} 处，扣 {e.points} 分" for e in deducted[:TOP_DEDUCTIONS]]
    if result.columns:
        lines.append("栏目（请管理员确认）：" + "、".join(
            f"{c.name}（{c.newest.isoformat() if c.newest else '无日期'}）" for c in result.columns))
    return lines


@inspect_app.command("crawl")
def crawl(
    url: str = typer.Argument(..., help="The site's homepage (http or https)."),
    max_pages: int = typer.Option(1000, "--max-pages", help="Pages to fetch at most."),
    concurrency: int = typer.Option(8, "--concurrency", help="Requests in flight at once."),
    json_file: str = typer.Option(None, "--json", help="Write the result as JSON to FILE ('-': stdout)."),
    words: Path = typer.Option(None, "--words", help="Sensitive-word list: UTF-8, one word a line."),
    no_services: bool = typer.Option(False, "--no-services",
                                     help="A department without external services: scored out of 75 x 4/3."),
    at: str = typer.Option(None, "--at", help="Reference moment, ISO 8601 (default: now)."),
) -> None:
    """Inspect one site without registering it: broken links, freshness, security, score."""
    config = _config(url, max_pages, concurrency)
    if json_file not in (None, "-") and not Path(json_file).parent.is_dir():
        raise InvalidInput("--json", f"目录不存在：{Path(json_file).parent}")
    sensitive = load_words(words) if words is not None else []
    moment = parse_moment(at)
    with progress_callback("检查中") as progress:
        result = asyncio.run(inspect_site(config, sensitive_words=sensitive, now=moment,
                                          has_services=not no_services, progress=progress))
    data = json.dumps(result.to_json(), ensure_ascii=False, indent=2)
    if json_file == "-":
        sys.stdout.write(data + "\n")
        return
    if json_file:
        Path(json_file).write_text(data + "\n", encoding="utf-8")
    sys.stdout.write("\n".join(summary_lines(result)) + "\n")


# -- registered sites (网站登记), scheduled inspections, probes, the quarterly report ------------------------------
site_app = typer.Typer(help="Registered government websites and new-media accounts (网站登记).", no_args_is_help=True)
inspect_app.add_typer(site_app, name="site")
AsOption = typer.Option(None, "--as", help="Act as this staff login (default: the platform's operator).")


def _verdict(row: dict) -> str:
    if row.get("inspection_id") is None:
        return "未检查"
    if row.get("vetoes"):
        return f"不合格（单项否决 {row['vetoes']} 项）"
    return "合格" if row.get("qualified") else "不合格"


@site_app.command("add")
def site_add(
    unit: str = typer.Option(..., "--unit", help="The responsible organ: unit code or name."),
    name: str = typer.Option(..., "--name", help="The site's name."),
    url: str = typer.Option(..., "--url", help="The homepage (http or https)."),
    kind: str = typer.Option("website", "--kind", help="website or new_media."),
    no_services: bool = typer.Option(False, "--no-services", help="No external services: scored out of 75 x 4/3."),
    portal: bool = typer.Option(False, "--portal", help="A government portal (bonus items apply)."),
    every: int = typer.Option(None, "--every", help="Inspect every N days (default [inspection] inspect_every_days)."),
    max_pages: int = typer.Option(None, "--max-pages", help="Pages per inspection at most."),
    as_login: str = AsOption,
    as_json: bool = JsonOption,
) -> None:
    """Register a site for scheduled inspection (one registration per homepage URL)."""
    with db.transaction() as session:
        site = service.register_site(session, as_login, unit=unit, name=name, url=url, kind=kind,
                                     has_services=not no_services, is_portal=portal, inspect_every_days=every,
                                     max_pages=max_pages, at=datetime.now(UTC))
        site_id = site.id
    with db.reading() as session:
        row = next(r for r in queries.site_list(session, operator=True) if r["id"] == site_id)
    if as_json:
        print_json(row)
        return
    sys.stdout.write(f"已登记网站 #{row['id']} {row['name']}（{row['url']}，主办单位 {row['unit']}）\n")


@site_app.command("list")
def site_list(as_json: bool = JsonOption) -> None:
    """Every registered site with its latest score, verdict and problems still to rectify."""
    with db.reading() as session:
        rows = queries.site_list(session, operator=True)
    if as_json:
        print_json(rows)
        return
    table = Table("编号", "网站", "网址", "主办单位", "类型", "最近检查", "得分", "结论", "待整改", "状态")
    for r in rows:
        table.add_row(str(r["id"]), r["name"], r["url"], r["unit"], r["kind_label"],
                      local_day(r["inspected_at"]).isoformat() if r["inspected_at"] else "—",
                      r["score"] or "—", _verdict(r), str(r["open_problems"]), "检查中" if r["active"] else "已停止")
    console.print(table)


@inspect_app.command("columns")
def columns(
    site: str = typer.Argument(..., metavar="SITE", help="Site id or homepage URL."),
    discover: bool = typer.Option(False, "--discover", help="Fetch the homepage and the pages it links to; "
                                                            "register the navigation's new columns."),
    confirm: Path = typer.Option(None, "--confirm", help="JSON file: [{url, name, kind, update_days, confirmed, "
                                                         "monitored, blank_allowed, blank_reason}]."),
    confirm_all: bool = typer.Option(False, "--confirm-all", help="Confirm every unconfirmed column as it is."),
    at: str = typer.Option(None, "--at", help="Reference moment, ISO 8601 (default: now)."),
    as_login: str = AsOption,
    as_json: bool = JsonOption,
) -> None:
    """A site's columns and their required update frequency; discover them from the navigation and confirm."""
    moment = parse_moment(at)
    entries = None
    if confirm is not None:
        try:
            entries = json.loads(confirm.read_text("utf-8"))
        except FileNotFoundError as exc:
            raise InvalidInput("--confirm", f"文件 {confirm} 不存在") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidInput("--confirm", f"文件 {confirm} 不是有效的 JSON：{exc}") from exc
    with db.reading() as session:
        site_id = service.get_site(session, site).id
    if discover:
        asyncio.run(service.discover_columns(site_id, now=moment))
    if entries is not None or confirm_all:
        with db.transaction() as session:
            if confirm_all:
                row = service.get_site(session, site_id)
                entries = [*(entries or []), *({"url": c.url} for c in row.columns if not c.confirmed)]
            if entries:
                service.confirm_columns(session, as_login, site_id, entries, at=moment)
    with db.reading() as session:
        row = service.get_site(session, site_id)
        rows = queries.columns_view(row, queries.latest_inspection(session, site_id))
    if as_json:
        print_json(rows)
        return
    table = Table("栏目", "网址", "类型", "更新频率（天）", "最近更新", "来源", "确认", "监测")
    for c in rows:
        table.add_row(c["name"], c["url"], c["kind_label"], str(c["update_days"]), c["newest"] or "—",
                      "导航发现" if c["discovered"] else "登记", "已确认" if c["confirmed"] else "待确认",
                      "是" if c["monitored"] else "否")
    console.print(table)


@inspect_app.command("run")
def run(
    sites: list[str] = typer.Argument(None, metavar="SITE", help="Site ids or homepage URLs."),
    due: bool = typer.Option(False, "--due", help="Inspect every active site whose interval has passed."),
    at: str = typer.Option(None, "--at", help="Reference moment, ISO 8601 (default: now)."),
    as_login: str = AsOption,
    as_json: bool = JsonOption,
) -> None:
    """Inspect registered sites and record the results: scores, problems, rectification obligations, cards.

    Name sites to inspect them on demand, or pass --due for the scheduled inspections: meant for cron or a
    systemd timer, e.g. daily `yangguang inspect run --due` (a site is due inspect_every_days after its last
    inspection). A site that fails is reported on stderr and the others go on (exit status 1).
    """
    if bool(sites) == due:
        raise InvalidInput("site", "请指定要检查的网站，或使用 --due 检查到期的网站（二者选一）")
    moment = parse_moment(at)
    with db.reading() as session:
        targets = [service.get_site(session, ref) for ref in sites] if sites else service.due_sites(session, moment)
        targets = [(t.id, t.name) for t in targets]
    stderr = Console(stderr=True)
    results, failed = [], 0
    for site_id, name in targets:
        try:
            with progress_callback(f"检查 {name}", stderr) as progress:
                inspection = asyncio.run(service.run_inspection(
                    site_id, trigger=Trigger.SCHEDULE if due else Trigger.MANUAL, actor=as_login,
                    now=moment if at else None, progress=progress))
        except YangguangError as exc:
            if not due:
                raise
            failed += 1
            stderr.print(f"网站 #{site_id} {name}：{exc.field}: {exc.reason}")
            continue
        with db.reading() as session:
            stored = session.get(Inspection, inspection.id)
            results.append({**queries.inspection_summary(stored), "site": name,
                            "problems": stored.summary.get("problems", {})})
    if as_json:
        print_json(results)
    else:
        if not results and not failed:
            sys.stdout.write("没有到期需要检查的网站\n")
        for r in results:
            verdict = f"不合格（单项否决 {len(r['vetoes'])} 项）" if r["vetoes"] else \
                f"{r['score']} 分，{'合格' if r['qualified'] else '不合格'}"
            p = r["problems"]
            sys.stdout.write(f"网站 #{r['site_id']} {r['site']}：{verdict}；检查页面 {r['pages_checked']} 个，"
                             f"新发现问题 {p.get('new', 0)} 个，已整改 {p.get('resolved', 0)} 个\n")
    if failed:
        raise typer.Exit(1)


@inspect_app.command("probe")
def probe(
    sites: list[str] = typer.Argument(None, metavar="SITE", help="Site ids or URLs (default: every active site)."),
    at: str = typer.Option(None, "--at", help="Stamp the probes with this moment, ISO 8601 (default: now)."),
    as_json: bool = JsonOption,
) -> None:
    """Probe every active site's homepage once (15 s limit) for the 站点无法访问 veto.

    The veto needs at least 20 probes a day for a week: run it from cron or a systemd timer at least every
    72 minutes, e.g. every 30 minutes.
    """
    results = asyncio.run(service.probe_once(sites or None, at=parse_moment(at) if at else None))
    if as_json:
        print_json(results)
        return
    for r in results:
        state = f"{r['seconds']:.2f} 秒" if r["seconds"] is not None else f"未能打开（{r['error']}）"
        sys.stdout.write(f"网站 #{r['site_id']} {r['site']}：{state}\n")


@inspect_app.command("report")
def report(
    site: str = typer.Option(..., "--site", help="Site id or homepage URL."),
    quarter: str = typer.Option(..., "--quarter", help="Quarter, e.g. 2026Q3 or 2026-Q3."),
    fmt: str = typer.Option(..., "--format", help="docx or html."),
    out: Path = typer.Option(..., "--out", help="File to write."),
) -> None:
    """The quarterly self-inspection report (季度自查报告) of a site."""
    if fmt not in self_report.FORMATS:
        raise InvalidInput("--format", f"未知的输出格式 {fmt!r}（可选：{'、'.join(self_report.FORMATS)}）")
    self_report.parse_quarter(quarter, "--quarter")
    if not out.parent.is_dir():
        raise InvalidInput("--out", f"目录不存在：{out.parent}")
    with db.reading() as session:
        data = self_report.build_report(session, site, quarter)
    content = self_report.render(data, fmt)
    try:
        out.write_bytes(content)
    except OSError as exc:
        raise InvalidInput("--out", f"无法写入 {out}：{exc.strerror}") from exc
    typer.echo(f"{data['title']} → {out}", err=True)
