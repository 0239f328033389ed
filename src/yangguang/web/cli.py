"""``yangguang serve``: the web portal, staff workspace and API over the configured database."""

from __future__ import annotations

import typer

from yangguang.core.cli_support import console
from yangguang.core.settings import get_settings


def serve(host: str = typer.Option("127.0.0.1", help="Address to listen on (loopback by default)."),
          port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
          workers: int = typer.Option(1, min=1, max=64, help="Worker processes (PostgreSQL for more than one).")
          ) -> None:
    """Serve the portal (公众门户), the staff workspace (工作台) and the REST API (/api/v1)."""
    import uvicorn

    from yangguang.web.app import create_app

    create_app()  # migrate and create the session secret once, before workers start
    console.print(f"阳光政务平台 → http://{host}:{port}/  (API: /api/v1, OpenAPI: /openapi.json, "
                  f"database: {get_settings().database_url})")
    uvicorn.run("yangguang.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False)
