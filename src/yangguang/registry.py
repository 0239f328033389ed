"""The list of installed domain modules.

Importing a module's ``models`` registers its tables; importing its ``rules`` registers its obligation
kinds and monitoring rules with the supervision engine. Everything that needs the whole platform (the
CLI, migrations, the tests) calls :func:`load_all` once.
"""

from __future__ import annotations

import importlib

MODULES = ("core", "supervision", "approval", "disclosure", "inspection")


def load_all() -> None:
    for module in MODULES:
        for part in ("models", "rules"):
            try:
                importlib.import_module(f"yangguang.{module}.{part}")
            except ModuleNotFoundError as exc:
                if exc.name != f"yangguang.{module}.{part}":
                    raise
