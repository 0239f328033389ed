"""``yangguang disclosure ...``: the confidentiality scanner and the annual report."""

from __future__ import annotations

import typer

from yangguang.disclosure.report_cli import annual_report
from yangguang.disclosure.scan_cli import scan

disclosure_app = typer.Typer(help="政务公开: confidentiality scan, annual report.", no_args_is_help=True)
disclosure_app.command("annual-report")(annual_report)
disclosure_app.command("scan")(scan)
