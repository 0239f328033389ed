"""The incremental sweep with 1,000,000 open cases in the database, on PostgreSQL and on SQLite.

Issue target: the sweep finds what fell due since the last sweep in under 1 second (an index range
query, not a scan); say how long building the data took.

The data: 1,000,000 open approval cases (case rows, their supervised obligations, and a promised and
a statutory clock each: 4,000,000 rows), accepted over the last 20 working days, with due days spread
over the next year so that a few thousand clocks reach a threshold each midnight. ``next_check_at`` is
what the real threshold policy (supervision.engine) gives, as it stands after the previous sweep at
``LAST``. Rows are bulk-loaded (COPY on PostgreSQL, executemany on SQLite) — building data is not
what is measured, but its time is reported.

Measured, after ANALYZE:
* find: the sweep's own batch query (supervision.sweep.due_clocks), run batch by batch until empty,
  returning every clock due at ``NOW`` — what fell due since the last sweep;
* the full sweep at ``NOW`` (find, judge, raise the cards with audit, notifications and rectification
  orders), committed, and the same sweep again (idempotent: it finds nothing);
* the query plan, to show the index range scan.

    .venv/bin/python -m benchmarks.bench_sweep [--cases 1000000] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from benchmarks.common import fresh_database, save
from yangguang.approval.models import Case, Item
from yangguang.core import db
from yangguang.core.calendar import get_calendar
from yangguang.core.clocks import Clock, ClockState, Obligation, ObligationState, thresholds
from yangguang.core.org import add_unit
from yangguang.registry import load_all
from yangguang.supervision.models import SweepState
from yangguang.supervision.sweep import due_clocks, sweep

ZONE = ZoneInfo("Asia/Shanghai")
LAST = datetime(2026, 6, 16, 23, 30, tzinfo=ZONE)  # the previous sweep (a Tuesday night)
NOW = datetime(2026, 6, 17, 0, 30, tzinfo=ZONE)  # this sweep: one hour and one midnight later
WORK = Path(__file__).parent / ".work"
CHUNK = 50_000


def _full_row(table: Table, given: dict) -> tuple:
    """Every column of ``table`` in order: the given value, else the column's scalar default, else None."""
    values = []
    for column in table.columns:
        if column.name in given:
            values.append(given[column.name])
        elif column.default is not None and column.default.is_scalar:
            values.append(column.default.arg)
        else:
            values.append(None)
    return tuple(values)


class Loader:
    """Bulk insert of whole rows: COPY on PostgreSQL, executemany of bound values on SQLite."""

    def __init__(self, url: str) -> None:
        self.engine = db.get_engine(url)
        self.dialect = self.engine.dialect

    def load(self, table: Table, rows: list[tuple]) -> None:
        names = [f'"{c.name}"' for c in table.columns]
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if self.dialect.name == "postgresql":
                with cursor.copy(f'COPY "{table.name}" ({", ".join(names)}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                processors = [c.type.dialect_impl(self.dialect).bind_processor(self.dialect) for c in table.columns]
                bound = [tuple(p(v) if p and v is not None else v for p, v in zip(processors, row, strict=True))
                         for row in rows]
                cursor.execute("BEGIN")  # the engine's connections leave transactions to us
                cursor.executemany(f'INSERT INTO "{table.name}" ({", ".join(names)}) VALUES '
                                   f'({", ".join("?" * len(names))})', bound)
            raw.commit()
        finally:
            raw.close()


def build(url: str, cases: int, seed: int = 1) -> dict[str, float]:
    rng = random.Random(seed)
    started = time.perf_counter()
    with db.transaction(url) as session:
        units = [add_unit(session, code=f"U{n:02d}", name=f"青山县第{n}局", actor="bench", at=LAST) for n in range(40)]
        items = []
        for unit in units:
            item = Item(name=f"{unit.name}许可", basic_code=f"B{unit.code}", impl_code=f"I{unit.code}", item_type="01",
                        exercise_level="4", unit_id=unit.id, statutory_limit=20, promised_limit=10, updated_at=LAST)
            session.add(item)
            items.append(item)
        session.flush()
        unit_items = [(u.id, i.id) for u, i in zip(units, items, strict=True)]
        session.add(SweepState(id=1, runs=1, clocks_examined=0, cards_raised=0, last_counts={}, last_at=LAST,
                               last_run_at=LAST))
        calendar = get_calendar(session)
        policy_cache: dict[tuple[date, int, str], tuple[datetime, datetime | None]] = {}

        def plan(start: datetime, limit: int, kind: str, obligation: Obligation) -> tuple[datetime, datetime | None]:
            """due_at and next_check_at from the real policy (cached per start day, limit, kind)."""
            key = (start.astimezone(ZONE).date(), limit, kind)
            if key not in policy_cache:
                probe = Clock(obligation=obligation, kind=kind, unit="workdays", limit=limit, start_at=start,
                              extension=0, extension_max=10, state=ClockState.RUNNING, excluded=0)
                probe.due_at = db_due(calendar, start, limit)
                moments = [m for m in thresholds(session, probe, calendar) if m > LAST]
                policy_cache[key] = (probe.due_at, min(moments) if moments else None)
            return policy_cache[key]

        starts = [calendar.add_workdays(LAST.date(), -back) for back in range(1, 21)]
        probe_obligation = Obligation(kind="approval.case", subject="approval_case", subject_id="0", title="",
                                      unit_id=units[0].id, state=ObligationState.OPEN, opened_at=LAST)
        loader = Loader(url)
        case_t, obligation_t, clock_t = Case.__table__, Obligation.__table__, Clock.__table__
        clock_id = 0
        for first in range(1, cases + 1, CHUNK):
            case_rows, obligation_rows, clock_rows = [], [], []
            for n in range(first, min(first + CHUNK, cases + 1)):
                unit_id, item_id = unit_items[n % len(unit_items)]
                back = rng.randrange(len(starts))
                day = starts[back]
                start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=ZONE)
                start += timedelta(minutes=rng.randrange(480))
                promised = back + rng.randint(1, 250)  # due days spread evenly over the year after LAST
                number = f"2026U{n:09d}"
                obligation_rows.append(_full_row(obligation_t, dict(
                    id=n, kind="approval.case", subject="approval_case", subject_id=str(n), title=f"办件{number}",
                    unit_id=unit_id, state=ObligationState.OPEN, opened_at=start)))
                case_rows.append(_full_row(case_t, dict(
                    id=n, number=number, query_code=f"{rng.randrange(10**6):06d}", item_id=item_id, item_version=1,
                    unit_id=unit_id, channel="1", applicant_name="申请人", applicant_type="1",
                    state="in_progress", received_at=start, accepted_at=start, obligation_id=n)))
                for kind, limit in (("promised", promised), ("statutory", promised + 20)):
                    clock_id += 1
                    due_at, next_check = plan(start, limit, kind, probe_obligation)
                    clock_rows.append(_full_row(clock_t, dict(
                        id=clock_id, obligation_id=n, kind=kind, unit="workdays", limit=limit, start_at=start,
                        extension=0, extension_max=10, state=ClockState.RUNNING, excluded=0, due_at=due_at,
                        provisional=False, next_check_at=next_check)))
            session.commit()
            loader.load(obligation_t, obligation_rows)
            loader.load(case_t, case_rows)
            loader.load(clock_t, clock_rows)
            print(f"  loaded {min(first + CHUNK - 1, cases):,} cases", flush=True)
    engine = db.get_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # ids were given explicitly: move the sequences past them
            for table in ("obligation", "approval_case", "clock"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
        conn.execute(text("ANALYZE"))
    return {"build_s": round(time.perf_counter() - started, 1)}


def db_due(calendar, start: datetime, limit: int) -> datetime:
    last = calendar.add_workdays_flagged(start.astimezone(ZONE).date(), limit)[0]
    return datetime(last.year, last.month, last.day, tzinfo=ZONE).astimezone(UTC) + timedelta(days=1)


def measure(url: str) -> dict[str, object]:
    engine = db.get_engine(url)
    with Session(engine) as session:
        open_cases = session.scalar(select(func.count()).select_from(Case).where(Case.state == "in_progress"))
        start = time.perf_counter()
        found, after = 0, None
        while True:
            batch = session.scalars(due_clocks(NOW, 500, after)).unique().all()
            if not batch:
                break
            found += len(batch)
            after = (batch[-1].next_check_at, batch[-1].id)
            session.expunge_all()
        find_s = time.perf_counter() - start
        compiled = due_clocks(NOW, 500).compile(engine, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
        plan = [" ".join(str(c) for c in row) for row in session.execute(text(explain + str(compiled)))]
    with db.transaction(url) as session:
        start = time.perf_counter()
        result = sweep(session, NOW)
    full_s = time.perf_counter() - start
    with db.transaction(url) as session:
        start = time.perf_counter()
        again = sweep(session, NOW)
        again_s = time.perf_counter() - start
    return {"open_cases": open_cases, "due_clocks_found": found, "find_s": round(find_s, 3),
            "full_sweep_s": round(full_s, 2), "cards_raised": len(result["cards"]),
            "cards": {k: result[k] for k in ("warnings", "yellow", "red")},
            "second_sweep_s": round(again_s, 3), "second_sweep_clocks": again["clocks_examined"],
            "query_plan": plan}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    load_all()
    results = {}
    for backend in (["postgresql", "sqlite"] if args.backend == "both" else [args.backend]):
        url = fresh_database(backend, "sweep")
        print(f"{backend}: building {args.cases:,} open cases", flush=True)
        built = build(url, args.cases)
        results[backend] = {"cases": args.cases, **built, **measure(url)}
        print(backend, results[backend], flush=True)
        db.dispose_engines()
    print("saved", save("sweep", results, merge=True))


if __name__ == "__main__":
    main()
