"""``yangguang disclosure ...``: the confidentiality scanner and the annual report."""

from __future__ import annotations

import typer

disclosure_app = typer.Typer(help="政务公开: confidentiality scan, annual report.", no_args_is_help=True)
