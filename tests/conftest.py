"""Every test that takes ``db`` runs twice: on SQLite and on PostgreSQL.

PostgreSQL is the machine's server (``YANGGUANG_TEST_PG``, default 127.0.0.1:5432 database ``test``);
each pytest worker gets a schema of its own, migrated once and truncated between tests. When the
server is unreachable the PostgreSQL runs are skipped, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import uuid
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from yangguang.core import db as core_db
from yangguang.core.settings import reset_settings
from yangguang.registry import load_all

load_all()

PG_DSN = os.environ.get("YANGGUANG_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _pg_reachable() -> str | None:
    try:
        with psycopg.connect(PG_DSN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_engine(f"sqlite:///{path}")
    from yangguang.migrations import upgrade_to_head

    upgrade_to_head(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_schema_url(worker_id) -> str:
    problem = _pg_reachable()
    if problem:
        if IN_CI:
            pytest.fail(f"PostgreSQL is mandatory in CI and unreachable at {PG_DSN}: {problem}")
        pytest.skip(f"PostgreSQL unreachable at {PG_DSN}: {problem}")
    schema = f"yg_test_{worker_id}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_DSN.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = PG_DSN.replace("postgresql://", "postgresql+psycopg://", 1)
    url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    from yangguang.migrations import upgrade_to_head

    engine = create_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _truncate_all(url: str) -> None:
    engine = core_db.get_engine(url)
    names = ", ".join(f'"{t.name}"' for t in core_db.Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path, monkeypatch) -> str:
    if request.param == "sqlite":
        path = tmp_path / "yangguang.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_schema_url")
        _truncate_all(url)
    monkeypatch.setenv("YANGGUANG_DATABASE_URL", url)
    reset_settings()
    core_db._migrated.add(url)
    yield url
    core_db.dispose_engines()
    reset_settings()


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    """Write a deployment configuration file (TOML text) and make it the one in force for the test."""
    def write(content: str) -> None:
        path = tmp_path / "yangguang.toml"
        path.write_text(content, "utf-8")
        monkeypatch.setenv("YANGGUANG_CONFIG", str(path))
        reset_settings()

    yield write
    monkeypatch.delenv("YANGGUANG_CONFIG", raising=False)
    reset_settings()


@pytest.fixture
def rules():
    """Register monitoring rules for one test only: ``rules(ClockRule(...))``."""
    from yangguang.supervision import registry

    added: list[str] = []

    def add(rule):
        registry.register(rule)
        added.append(rule.code)
        return rule

    yield add
    for code in added:
        registry.unregister(code)


@pytest.fixture
def events():
    """Every domain event emitted during the test, in order."""
    from yangguang.core import events as core_events

    seen: list[core_events.Event] = []

    def record(_session, event):
        seen.append(event)

    core_events.subscribe(record)
    yield seen
    core_events._handlers.remove(record)


@pytest.fixture
def db(db_url):
    """A session in a transaction on the test database; committed by the test when it wants to."""
    with core_db.transaction(db_url) as session:
        yield session


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(db_url):
    """Run ``yangguang ARGS...`` in process against the test database."""
    from yangguang.cli import main

    def run(*args: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        argv = sys.argv
        sys.argv = ["yangguang", *args]
        code = 0
        try:
            with redirect_stdout(out), redirect_stderr(err):
                main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.argv = argv
        return CliResult(code, out.getvalue(), err.getvalue())

    return run
