"""The ``yangguang`` command. Each module contributes a sub-command group."""

from __future__ import annotations

import sys

import typer

from yangguang.approval.cli import case_app
from yangguang.approval.cli_catalogue import catalogue_app
from yangguang.core.cli import audit_app, calendar_app
from yangguang.core.errors import YangguangError
from yangguang.demo.cli import demo
from yangguang.disclosure.cli import disclosure_app
from yangguang.inspection.cli import inspect_app
from yangguang.registry import load_all
from yangguang.supervision.cli import supervise_app
from yangguang.web.cli import serve

app = typer.Typer(help="阳光 Yangguang: administrative e-supervision and government transparency.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(calendar_app, name="calendar")
app.add_typer(audit_app, name="audit")
app.add_typer(catalogue_app, name="catalogue")
app.add_typer(case_app, name="case")
app.add_typer(supervise_app, name="supervise")
app.add_typer(disclosure_app, name="disclosure")
app.add_typer(inspect_app, name="inspect")
app.command("demo")(demo)
app.command("serve")(serve)


def main() -> None:
    """Run the CLI; a user's error is one line on stderr and exit status 2."""
    load_all()
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except YangguangError as exc:
        print(f"error: {exc.field}: {exc.reason}", file=sys.stderr)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("error: aborted", file=sys.stderr)
        sys.exit(2)
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument...
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)
