"""``yangguang serve``: the web portal, staff workspace and API over the configured database."""

from __future__ import annotations

import os
import socket

import typer
from uvicorn.protocols.http.h11_impl import H11Protocol

from yangguang.core.cli_support import console
from yangguang.core.settings import get_settings


def serve(host: str = typer.Option("127.0.0.1", help="Address to listen on (loopback by default)."),
          port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
          workers: int | None = typer.Option(None, min=1, max=64,
                                             help="Worker processes (default: one per core, at most 8).")) -> None:
    """Serve the portal (公众门户), the staff workspace (工作台) and the REST API (/api/v1)."""
    import uvicorn

    from yangguang.web.app import create_app

    workers = workers or default_workers()
    create_app()  # migrate and create the session secret once, before workers start
    console.print(f"阳光政务平台 → http://{host}:{port}/  (API: /api/v1, OpenAPI: /openapi.json, "
                  f"database: {get_settings().database_url})")
    console.print(f"{workers} worker process(es)")
    uvicorn.run("yangguang.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                http=NoDelayH11Protocol, log_level="warning", access_log=False)


def default_workers() -> int:
    """One process per core (at most 8): the app is CPU-bound Python; SQLite serialises the writers of
    several processes itself (BEGIN IMMEDIATE with a busy timeout), PostgreSQL with row locks."""
    return max(1, min(8, os.cpu_count() or 1))


class NoDelayH11Protocol(H11Protocol):
    """HTTP/1.1 with Nagle's algorithm off. With several workers uvicorn hands each one a socket asyncio
    does not recognise as TCP, so accepted connections keep Nagle on and every response waits for the
    client's delayed ACK (about 40 ms: measured by benchmarks/bench_public_pages.py)."""

    def connection_made(self, transport) -> None:
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
