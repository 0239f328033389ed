"""What every command shares: one error convention, JSON output, the time the command acts at."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import typer
from rich.console import Console

from yangguang.core.errors import InvalidInput

# Piped or captured output is read by people in wide windows and by scripts: do not squeeze tables to 80.
console = Console(width=None if sys.stdout.isatty() else 200)


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")


def parse_moment(value: str | None, field: str = "at") -> datetime:
    """An ISO 8601 timestamp (a date alone means its start, local time); none means now."""
    from yangguang.core.settings import get_settings

    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(field, f"时间 {value!r} 格式应为 ISO 8601（如 2026-03-02 或 2026-03-02T09:30）") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=get_settings().zone)
    return moment.astimezone(UTC)


JsonOption = typer.Option(False, "--json", help="Print the result as JSON.")
