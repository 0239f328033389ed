"""Regenerate the initial migration from the models.

Only while no deployment exists (before the first release): afterwards every schema change gets a
migration of its own with ``alembic revision --autogenerate``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from yangguang.migrations import HERE, alembic_config


def main() -> None:
    for old in (HERE / "versions").glob("*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'empty.db'}")
        command.revision(
            alembic_config(engine), message="initial schema", autogenerate=True, rev_id="0001"
        )
    print("regenerated", *(p.name for p in (HERE / "versions").glob("*.py")))


if __name__ == "__main__":
    main()
