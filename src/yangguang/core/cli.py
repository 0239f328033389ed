"""Commands of the core platform: ``yangguang calendar ...`` and ``yangguang audit ...``."""

from __future__ import annotations

from pathlib import Path

import typer

from yangguang.core import audit, db
from yangguang.core.calendar import get_calendar, parse_date
from yangguang.core.calendar_file import load_calendar, parse_calendar_file
from yangguang.core.cli_support import JsonOption, console, print_json
from yangguang.core.errors import InvalidInput

calendar_app = typer.Typer(help="Working-day calendar (工作日历).", no_args_is_help=True)
audit_app = typer.Typer(help="Tamper-evident audit trail.", no_args_is_help=True)


@calendar_app.command("is-workday")
def is_workday(day: str = typer.Argument(..., metavar="DATE"), as_json: bool = JsonOption) -> None:
    """Whether DATE is a working day (exit 0 prints yes/no)."""
    parsed = parse_date(day)
    with db.reading() as session:
        result = get_calendar(session).is_workday(parsed)
    if as_json:
        print_json({"date": parsed, "workday": result})
    else:
        print("yes" if result else "no")


@calendar_app.command("add-workdays")
def add_workdays(day: str = typer.Argument(..., metavar="DATE"), count: int = typer.Argument(..., metavar="N"),
                 as_json: bool = JsonOption) -> None:
    """The day on which a period of N working days starting at DATE ends (day one is the next working day)."""
    parsed = parse_date(day)
    if count <= 0:
        raise InvalidInput("N", f"the number of working days must be positive, got {count}")
    with db.reading() as session:
        result = get_calendar(session).add_workdays(parsed, count)
    if as_json:
        print_json({"date": parsed, "workdays": count, "ends": result})
    else:
        print(result.isoformat())


@calendar_app.command("workdays-between")
def workdays_between(start: str = typer.Argument(..., metavar="A"), end: str = typer.Argument(..., metavar="B"),
                     as_json: bool = JsonOption) -> None:
    """Working days after A up to and including B."""
    first, last = parse_date(start, "A"), parse_date(end, "B")
    with db.reading() as session:
        result = get_calendar(session).workdays_between(first, last)
    if as_json:
        print_json({"from": first, "to": last, "workdays": result})
    else:
        print(result)


@calendar_app.command("load")
def load(file: Path = typer.Argument(..., metavar="FILE"), as_json: bool = JsonOption) -> None:
    """Load a State Council holiday notice or local holidays (TOML) and recompute open clocks."""
    notice = parse_calendar_file(file)
    with db.transaction() as session:
        summary = load_calendar(session, notice, source=file.name, actor="cli")
    if as_json:
        print_json(summary)
    else:
        console.print(f"loaded {summary['days']} days ({summary['holidays']} off, {summary['workdays']} worked)"
                      f"{' for ' + str(summary['year']) if summary['year'] else ''}; "
                      f"{summary['clocks_recomputed']} open clocks recomputed")


@audit_app.command("verify")
def verify(as_json: bool = JsonOption) -> None:
    """Verify the hash chain; exit 1 naming the first bad entry if it is broken."""
    with db.reading() as session:
        report = audit.verify(session)
    if as_json:
        print_json(report.as_dict())
    elif report.ok:
        console.print(f"audit trail intact: {report.entries} entries")
    else:
        typer.echo(f"audit trail BROKEN at entry {report.first_bad_seq}: {report.problem}", err=True)
    if not report.ok:
        raise typer.Exit(1)
