"""Shared helpers of the benchmark scripts: timing, machine facts, result files."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
WORK = Path(__file__).parent / ".work"
PG_DSN = os.environ.get("YANGGUANG_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def fresh_database(backend: str, name: str) -> str:
    """An empty, migrated database for benchmark ``name``: a new SQLite file under ``.work/``, or a
    new PostgreSQL schema ``bench_NAME``. Returns its URL."""
    from sqlalchemy import text

    from yangguang.core import db

    if backend == "sqlite":
        shutil.rmtree(WORK / name, ignore_errors=True)
        (WORK / name).mkdir(parents=True)
        url = f"sqlite:///{WORK / name / 'bench.db'}"
    else:
        with db.get_engine(PG_DSN).begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS bench_{name} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA bench_{name}"))
        url = PG_DSN + ("&" if "?" in PG_DSN else "?") + f"options=-csearch_path%3Dbench_{name}"
    db.ensure_schema(db.get_engine(url))
    return url


def best_of(repeats: int, function: Callable[[], object]) -> float:
    """The fastest of ``repeats`` runs, in seconds (the least disturbed by other load)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def machine() -> dict[str, object]:
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).parent).stdout.strip()
    return {"python": platform.python_version(), "cpu": cpu, "cores": os.cpu_count(), "commit": commit,
            "when": datetime.now(UTC).isoformat(timespec="seconds")}


def save(name: str, result: dict[str, object], *, merge: bool = False) -> Path:
    """Write ``results/NAME.json``; with ``merge``, keep the entries of earlier runs this one did not
    produce (a run of one backend keeps the other backend's figures). Merged entries each carry the
    ``machine`` facts (commit, time) of the run that produced them; the file's own are this run's."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    facts = machine()
    if merge:
        result = {key: {**value, "machine": facts} if isinstance(value, dict) else value
                  for key, value in result.items()}
        if path.exists():
            earlier = json.loads(path.read_text("utf-8"))
            previous = earlier.pop("machine", None)
            earlier = {key: {**value, "machine": value.get("machine", previous)} if isinstance(value, dict) else value
                       for key, value in earlier.items()}
            result = {**earlier, **result}
    path.write_text(json.dumps({"machine": facts, **result}, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return path
