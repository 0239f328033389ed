"""The schema: created and migrated on first use by any command; the migration matches the models."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from tests.conftest import IN_CI, PG_DSN, _pg_reachable
from yangguang.core import db as core_db
from yangguang.core.settings import reset_settings
from yangguang.migrations import alembic_config, upgrade_to_head


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh' / 'yangguang.db'}"
        return
    problem = _pg_reachable()
    if problem:
        if IN_CI:
            pytest.fail(f"PostgreSQL is mandatory in CI and unreachable at {PG_DSN}: {problem}")
        pytest.skip(f"PostgreSQL unreachable at {PG_DSN}: {problem}")
    schema = f"yg_fresh_{uuid.uuid4().hex[:8]}"
    base = PG_DSN.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield base + ("&" if "?" in base else "?") + f"options=-csearch_path%3D{schema}"
    core_db.dispose_engines()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_a_command_creates_and_migrates_a_fresh_database(empty_database, monkeypatch, capsys):
    from yangguang.cli import main

    monkeypatch.setenv("YANGGUANG_DATABASE_URL", empty_database)
    reset_settings()
    monkeypatch.setattr("sys.argv", ["yangguang", "supervise", "cards", "--json"])
    main()
    assert capsys.readouterr().out.strip() == "[]"
    tables = set(inspect(core_db.get_engine(empty_database)).get_table_names())
    assert {"alembic_version", "audit_entry", "clock", "approval_case", "supervision_card"} <= tables
    core_db.dispose_engines()
    reset_settings()


def test_the_migration_matches_the_models(empty_database):
    engine = core_db.get_engine(empty_database)
    upgrade_to_head(engine)
    command.check(alembic_config(engine))  # raises when the models and the migrations differ
