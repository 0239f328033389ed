"""Step transitions per second through the HTTP API on PostgreSQL, against pgbench running the same SQL.

One run: (a) a fresh PostgreSQL schema ``bench_http_steps`` with a department, a window, a clerk, an
approver and a department head (each with an API token), the five-step item of the lifecycle benchmark
(受理 → 审查 → 决定 → 办结 → 送达) and accepted cases, all made through the real services; (b)
``yangguang serve`` on a free loopback port and C closed-loop asyncio clients (httpx), each advancing
its own cases step by step (审查 as the approver, 决定 as the head, 办结 and 送达 as the clerk) with
``POST /api/v1/cases/{number}/steps/{step}/actions`` — authenticated by bearer token, audited (the
hash-chained trail), supervised (the event rules run in the transaction). Each request on a new
connection, so the workers share the clients out; then again with kept-alive connections, which the
worker that accepted them keeps (at the start of a run that can be one worker for every client);
(c) the SQL one transition
of each step executes, captured in process through the same ASGI app (SQLAlchemy cursor events plus
the pool's pre-ping), written as four pgbench scripts and run with ``pgbench -M prepared`` at the same
concurrency against the same database; (d) both figures, the ratio (target >= 0.5) and p50/p99.

How the pgbench scripts are derived (every statement of the captured transition, in order):
  * BEGIN; the pool's ``SELECT 1`` pre-ping; every SELECT (the token with its holder, the case with its
    steps, obligations with clocks, the audit head ``FOR UPDATE``, the calendar and rule-state stamps), every
    INSERT and UPDATE; COMMIT. Values are the captured ones, rendered as literals by psycopg.
  * An ``executemany`` (the audit entries; several clocks) is what psycopg sends in one pipeline: the
    same statements between ``\\startpipeline`` and ``\\endpipeline``.
  * Keys of the growing tables (case, step, obligation, clock ids; the case number) are drawn with
    ``\\set random()`` over rows of cases seeded for pgbench alone (so pgbench never touches the cases
    the HTTP clients advance); singleton rows (audit head, calendar and rule-state stamps) and the
    small reference rows (token, person) keep their captured values, as they do in the application.
  * The audit head is locked with ``\\gset``; the entries take the next sequence numbers from it and
    the head is advanced, so the chain's primary key and lock behave as in the application.

    .venv/bin/python -m benchmarks.bench_http_steps [--clients 8] [--workers 2] [--duration 30] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import re
import statistics
import subprocess
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import psycopg
from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from benchmarks.common import PG_DSN, WORK, fresh_database, save
from benchmarks.http_load import CpuMeter, Server, closed_loop, serve, summarize
from benchmarks.lifecycle_setup import MATERIALS, build_hall
from yangguang.approval import service
from yangguang.core import db
from yangguang.core.auth import issue_token
from yangguang.core.org import Person
from yangguang.core.settings import reset_settings
from yangguang.registry import load_all

NAME = "http_steps"
HERE = WORK / NAME
# (step, who does it, body); 送达 adds the result number of the case
STEPS = (("审查", "approver", {"note": "材料齐全，符合法定条件"}), ("决定", "head", {"decision": "grant"}),
         ("办结", "clerk", {}), ("送达", "clerk", {"result_number": ""}))
GROWING = {"approval_case": "id", "approval_case_step": "id", "obligation": "id", "clock": "id"}
KEY_PARAMS = {"approval_case_id": "approval_case", "approval_case_step_id": "approval_case_step",
              "clock_id": "clock", "obligation_id": "obligation"}
PING = "SELECT 1"
APPLICATION = "yg_bench_http_steps"


# -- (a) the data ---------------------------------------------------------------------------------------
def add_cases(url: str, count: int, batch: int = 50) -> list[str]:
    """``count`` accepted cases of the five-step item (受理 done, 审查 active), ``batch`` per transaction."""
    at, numbers = datetime.now(UTC) - timedelta(minutes=10), []
    for first in range(0, count, batch):
        with db.transaction(url) as session:
            for _ in range(min(batch, count - first)):
                case = service.receive_application(
                    session, item_code="BENCH-0001", clerk="clerk", window_number="A01", channel="1",
                    applicant={"name": "某某餐饮店", "type": "2", "id_number": "", "phone": ""},
                    materials=MATERIALS, at=at)
                numbers.append(case.number)
    return numbers


def row_ranges(url: str) -> dict[str, tuple[int, int]]:
    with db.get_engine(url).connect() as conn:
        return {table: tuple(conn.execute(text(f"SELECT min(id), max(id) FROM {table}")).one()) for table in GROWING}


def seed(url: str, pgbench_cases: int, http_cases: int) -> dict[str, Any]:
    with db.transaction(url) as session:
        build_hall(session)
    started = time.perf_counter()
    pgbench_numbers = add_cases(url, pgbench_cases)  # first, so their rows have the lowest ids
    pgbench_rows = row_ranges(url)
    numbers = add_cases(url, http_cases)
    tokens = {}
    with db.transaction(url) as session:
        for login in ("clerk", "approver", "head"):
            person = session.scalar(select(Person).where(Person.login == login))
            tokens[login] = issue_token(session, person, "bench_http_steps", actor="bench", at=datetime.now(UTC))[1]
    with db.get_engine(url).connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return {"tokens": tokens, "numbers": numbers, "pgbench_numbers": pgbench_numbers, "pgbench_rows": pgbench_rows,
            "seconds": round(time.perf_counter() - started, 1)}


def case_work(numbers: list[str], tokens: dict[str, str]):
    """Every transition of the cases in order: (number, step, headers, body)."""
    for number in numbers:
        for step, login, body in STEPS:
            body = {**body, "result_number": f"JY{number}"} if "result_number" in body else body
            yield number, step, {"Authorization": f"Bearer {tokens[login]}"}, body


async def post_step(client: httpx.AsyncClient, number: str, step: str, headers: dict[str, str],
                    body: dict[str, str]) -> httpx.Response:
    return await client.post(f"/api/v1/cases/{number}/steps/{quote(step)}/actions", json=body, headers=headers)


# -- (c) capture, in process, through the same ASGI app ---------------------------------------------------
class Recorder:
    """Every statement a request sends (cursor events, and the pool's pre-ping), with timings; the moment
    the audit head was locked and the end of the commit."""

    def __init__(self, engine: Engine) -> None:
        self.on = False
        self.statements: list[tuple[str, Any, bool]] = []
        self.sql_seconds = 0.0
        self.locked_at: float | None = None
        self.hold: list[float] = []
        self.commit_seconds = 0.0
        self._started = 0.0
        self._commit_started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine, "commit", self._commit)
        event.listen(Session, "after_commit", self._committed)
        ping = engine.dialect.do_ping

        def do_ping(dbapi_connection) -> bool:  # instrumentation of the benchmark's own engine object
            start = time.perf_counter()
            try:
                return ping(dbapi_connection)
            finally:
                if self.on:
                    self.statements.append((PING, {}, False))
                    self.sql_seconds += time.perf_counter() - start

        engine.dialect.do_ping = do_ping

    def reset(self) -> None:
        self.sql_seconds, self.commit_seconds, self.hold, self.statements = 0.0, 0.0, [], []

    def figures(self, times: list[float]) -> dict[str, Any]:
        """Per transition: wall time, time in SQL round trips, in COMMIT, the rest (Python), how long the
        audit head stayed locked."""
        count, total = len(times), sum(times)
        return {"transitions": count, "ms_per_transition": round(total / count * 1000, 2),
                "p50_ms": round(statistics.median(times) * 1000, 2),
                "sql_round_trips_ms": round(self.sql_seconds / count * 1000, 2),
                "commit_ms": round(self.commit_seconds / count * 1000, 2),
                "python_ms": round((total - self.sql_seconds - self.commit_seconds) / count * 1000, 2),
                "audit_head_held_ms": round(sum(self.hold) / len(self.hold) * 1000, 2) if self.hold else None}

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.on:
            self.statements.append((statement, parameters, executemany))
            self._started = time.perf_counter()
            if "FOR UPDATE" in statement and "audit_head" in statement:
                self.locked_at = self._started

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.on:
            self.sql_seconds += time.perf_counter() - self._started

    def _commit(self, conn) -> None:
        self._commit_started = time.perf_counter()

    def _committed(self, session) -> None:
        if self.on:
            done = time.perf_counter()
            self.commit_seconds += done - self._commit_started
            if self.locked_at is not None:
                self.hold.append(done - self.locked_at)
                self.locked_at = None


async def through_app(tokens: dict[str, str], warm: list[str], capture: str, timed: list[str],
                      recorder: Recorder) -> dict[str, Any]:
    """Warm up, capture one case's four transitions, then time more of them: through the application's
    ASGI app in this process (the code ``yangguang serve`` runs, without the network and uvicorn)."""
    from yangguang.web.app import create_app

    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        async def run(numbers: list[str]) -> list[float]:
            times = []
            for number, step, headers, body in case_work(numbers, tokens):
                start = time.perf_counter()
                response = await post_step(client, number, step, headers, body)
                times.append(time.perf_counter() - start)
                if response.status_code != 200:
                    raise RuntimeError(f"{number} {step}: {response.status_code} {response.text}")
            return times

        await run(warm)
        captured = {}
        recorder.on = True
        for number, step, headers, body in case_work([capture], tokens):
            recorder.statements = []
            response = await post_step(client, number, step, headers, body)
            response.raise_for_status()
            captured[step] = recorder.statements
        recorder.reset()
        times = await run(timed)
        recorder.on = False
    return {"captured": captured, "timing": recorder.figures(times)}


def direct(url: str, tokens: dict[str, str], numbers: list[str], recorder: Recorder | None = None,
           profile: cProfile.Profile | None = None) -> dict[str, Any] | None:
    """The same transitions without the web layer: what the route does (token, scoped case lookup,
    ``service.act_on_step``) in one transaction each, timed, or profiled."""
    from yangguang.approval.api import scope_of
    from yangguang.approval.queries import find_case
    from yangguang.core.auth import person_for_token

    times = []
    if recorder:
        recorder.reset()
        recorder.on = True
    for number, step, headers, body in case_work(numbers, tokens):
        start = time.perf_counter()
        if profile:
            profile.enable()
        with db.transaction(url) as session:
            person = person_for_token(session, headers["Authorization"].split()[1])
            case = find_case(session, number, scope_of(person))
            service.act_on_step(session, case, step, person, at=datetime.now(UTC), note=body.get("note", ""),
                                decision=body.get("decision"), result_number=body.get("result_number", ""))
        if profile:
            profile.disable()
        times.append(time.perf_counter() - start)
    if recorder:
        recorder.on = False
        return recorder.figures(times)
    return None


def in_process(url: str, tokens: dict[str, str], numbers: list[str]) -> dict[str, Any]:
    """Capture and time through the app; time and profile the same work called directly."""
    recorder = Recorder(db.get_engine(url))
    app = asyncio.run(through_app(tokens, numbers[:2], numbers[2], numbers[3:23], recorder))
    timing = direct(url, tokens, numbers[23:43], recorder)
    profile = cProfile.Profile()
    direct(url, tokens, numbers[43:63], profile=profile)
    listing = io.StringIO()
    pstats.Stats(profile, stream=listing).sort_stats("cumulative").print_stats(60)
    (HERE / "profile.txt").write_text(listing.getvalue(), "utf-8")
    return {"captured": app["captured"], "through_app": app["timing"], "direct": timing,
            "profile": _top(profile, 20 * len(STEPS))}


def _top(profile: cProfile.Profile, transitions: int, count: int = 30) -> list[dict[str, Any]]:
    """The functions with the most cumulative time per transition (under cProfile, which slows Python)."""
    rows = sorted(pstats.Stats(profile).stats.items(), key=lambda kv: kv[1][3], reverse=True)[:count]
    return [{"function": f"{'/'.join(Path(k[0]).parts[-2:])}:{k[1]}({k[2]})", "cumulative_ms":
             round(v[3] / transitions * 1000, 3), "calls": round(v[1] / transitions, 1)} for k, v in rows]


# -- the pgbench scripts --------------------------------------------------------------------------------
def _table(statement: str) -> str:
    match = re.search(r"^(?:UPDATE|INSERT INTO)\s+(\w+)|\bFROM\s+(\w+)", statement)
    return (match.group(1) or match.group(2)) if match else ""


def _kind(statement: str) -> str:
    word = statement.split()[0].upper()
    return "SELECT FOR UPDATE" if word == "SELECT" and "FOR UPDATE" in statement else word


_LITERAL = re.compile(r"(?<![A-Za-z])'(?:[^']|'')*'")
_VARIABLE_LIKE = re.compile(r":[A-Za-z_\x80-\U0010ffff]")


def _hide_colons(sql: str) -> str:
    """pgbench reads ``:name`` as a variable even inside a string literal (``{"late":false}`` in an audit
    entry's data): such a literal is written as an escape string with the colon as ``\\072``, the same value."""
    def escape(match: re.Match) -> str:
        literal = match.group(0)
        if not _VARIABLE_LIKE.search(literal):
            return literal
        return "E" + literal.replace("\\", "\\\\").replace(":", "\\072")

    return _LITERAL.sub(escape, sql)


class Script:
    """One pgbench script being written from a captured transition."""

    def __init__(self, cursor: psycopg.ClientCursor, rows: dict[str, tuple[int, int]],
                 case_numbers: tuple[str, int, int]) -> None:
        self.cursor, self.rows, self.case_numbers = cursor, rows, case_numbers
        self.sets: list[str] = []
        self.lines: list[str] = []
        self.audit_rows = 0

    def variable(self, table: str) -> str:
        name = f"yg_{table}_{len(self.sets) + 1}"
        low, high = self.rows[table]
        self.sets.append(f"\\set {name} random({low}, {high})")
        return f":{name}"

    def key(self, name: str, statement: str, value: Any, row_index: int) -> str | None:
        """The pgbench expression replacing parameter ``name``, or None to keep the captured value."""
        table = KEY_PARAMS.get(name) or (_table(statement) if re.fullmatch(r"(ids|pk)_\d+", name) else None)
        if table in GROWING and isinstance(value, int):
            return self.variable(table)
        if name in ("number", "number_1") and isinstance(value, str):
            prefix, low, high = self.case_numbers
            self.sets.append(f"\\set yg_case_{len(self.sets) + 1} random({low}, {high})")
            return f"('{prefix}' || lpad(:yg_case_{len(self.sets)}::text, 6, '0'))"
        if _table(statement) == "audit_entry" and name == "seq":
            return f"(:yg_head_seq::bigint + {self.audit_rows + row_index + 1})"
        if _table(statement) == "audit_entry" and name == "prev_hash" and self.audit_rows + row_index == 0:
            return ":yg_head_hash"
        if _table(statement) == "audit_head" and name == "seq" and statement.startswith("UPDATE"):
            return f"(:yg_head_seq::bigint + {self.audit_rows})"
        return None

    def render(self, statement: str, params: dict[str, Any], row_index: int = 0) -> str:
        statement = " ".join(statement.split())
        keep = {}
        for name, value in params.items():
            expression = self.key(name, statement, value, row_index)
            if expression is None:
                keep[name] = value
            else:
                statement = statement.replace(f"%({name})s", expression)
        return _hide_colons(self.cursor.mogrify(statement, keep))

    def add(self, statement: str, params: Any, many: bool) -> None:
        if statement == PING:
            self.lines.append(PING + ";")
            return
        if many:
            self.lines.append("\\startpipeline")
            self.lines += [self.render(statement, row, i) + ";" for i, row in enumerate(params)]
            self.lines.append("\\endpipeline")
            if _table(statement) == "audit_entry":
                self.audit_rows += len(params)
            return
        line = self.render(statement, params or {})
        if _kind(statement) == "SELECT FOR UPDATE" and _table(statement) == "audit_head":
            self.lines.append(line + " \\gset yg_head_")
            return
        self.lines.append(line + ";")
        if _table(statement) == "audit_entry" and statement.startswith("INSERT"):
            self.audit_rows += 1

    def text(self) -> str:
        body = "\n".join(["BEGIN;", *self.lines, "COMMIT;"])
        stray = set(re.findall(r":([A-Za-z_\x80-\U0010ffff][\w\x80-\U0010ffff]*)", re.sub(r"::\w+", "", body)))
        stray -= {v.split()[1] for v in self.sets} | {"yg_head_seq", "yg_head_hash"}
        if stray:  # pgbench would read these as variables
            raise RuntimeError(f"a literal looks like a pgbench variable: {sorted(stray)[:5]}")
        return "\n".join([*self.sets, body]) + "\n"


def libpq(url: str) -> dict[str, str]:
    parsed = make_url(url)
    return {"host": parsed.host or "127.0.0.1", "port": str(parsed.port or 5432), "user": parsed.username or "postgres",
            "dbname": parsed.database or "postgres"}


def write_scripts(captured: dict[str, list], rows: dict[str, tuple[int, int]], pgbench_numbers: list[str]
                  ) -> tuple[list[Path], dict[str, Any]]:
    prefix = pgbench_numbers[0][:-6]
    case_numbers = (prefix, int(pgbench_numbers[0][-6:]), int(pgbench_numbers[-1][-6:]))
    paths, listing = [], {}
    conninfo = " ".join(f"{k}={v}" for k, v in libpq(PG_DSN).items())
    with psycopg.connect(conninfo) as conn:
        cursor = psycopg.ClientCursor(conn)
        for index, (step, statements) in enumerate(captured.items(), 1):
            script = Script(cursor, rows, case_numbers)
            for statement, params, many in statements:
                script.add(statement, params, many)
            path = HERE / f"step{index}.sql"
            path.write_text(script.text(), "utf-8")
            paths.append(path)
            kinds = Counter()
            for statement, params, many in statements:
                kinds[_kind(statement)] += len(params) if many else 1
            listing[step] = {
                "statements": [(f"(executemany x{len(params)}) " if many else "") + " ".join(statement.split())
                               for statement, params, many in statements],
                "round_trips": len(statements) + 2, "kinds": dict(kinds), "script": str(path.relative_to(WORK.parent))}
    return paths, listing


def pgbench(scripts: list[Path], clients: int, seconds: int, *, log: str | None = None) -> dict[str, Any]:
    target = libpq(PG_DSN)
    command = ["pgbench", "-n", "-M", "prepared", "-c", str(clients), "-j", str(min(2, clients)), "-T", str(seconds),
               "-h", target["host"], "-p", target["port"], "-U", target["user"]]
    for path in scripts:
        command += ["-f", f"{path}@1"]
    if log:
        for old in HERE.glob(f"{log}*"):
            old.unlink()
        command += ["-r", "-l", f"--log-prefix={HERE / log}"]
    env = {**os.environ, "PGOPTIONS": f"-c search_path=bench_{NAME}"}
    done = subprocess.run([*command, target["dbname"]], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed ({done.returncode}): {done.stderr[-2000:]}")
    out = done.stdout
    result: dict[str, Any] = {
        "tps": round(float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out).group(1)), 1),
        "transactions": int(re.search(r"number of transactions actually processed: (\d+)", out).group(1)),
        "failed": int(failed.group(1)) if (failed := re.search(r"number of failed transactions: (\d+)", out)) else 0,
        "latency_average_ms": float(re.search(r"latency average = ([\d.]+) ms", out).group(1))}
    if log:
        (HERE / f"{log}.out").write_text(out, "utf-8")
        latencies = []
        for path in HERE.glob(f"{log}.*"):
            if path.suffix == ".out":
                continue
            latencies += [int(line.split()[2]) / 1e6 for line in path.read_text().splitlines() if line.strip()]
        result.update({k: v for k, v in summarize(latencies).items() if k != "count"})
        result["statement_latencies_ms"] = _statement_latencies(out)
    return result


def _statement_latencies(out: str) -> dict[str, list[list[Any]]]:
    """pgbench -r: the average latency of each statement of each script (the highest ones)."""
    found, script = {}, None
    for line in out.splitlines():
        header = re.match(r"SQL script (\d+): (\S+)", line)
        if header:
            script = Path(header.group(2)).stem
            found[script] = []
            continue
        row = re.match(r"\s+([\d.]+)\s+(\d+)\s+(.*)", line)
        if script and row:
            found[script].append([float(row.group(1)), row.group(3)[:70]])
    return {k: sorted(v, reverse=True)[:6] for k, v in found.items()}


# -- who waits for the audit head, and what its holder is doing ------------------------------------------
class LockSampler:
    """Samples pg_stat_activity every ``interval`` seconds for the backends of ``application``: how many
    wait for a lock (the audit head: nothing else is shared between transitions), and what the backend
    they wait for is doing — executing a statement (``active``) or waiting for its client to send the
    next one (``idle in transaction``: the application's Python is working while it holds the lock)."""

    QUERY = ("SELECT pid, state, wait_event_type, wait_event, pg_blocking_pids(pid) FROM pg_stat_activity "
             "WHERE application_name = %s AND backend_type = 'client backend'")

    def __init__(self, application: str, interval: float = 0.05) -> None:
        self.application, self.interval = application, interval
        self.samples = 0
        self.waiting = 0
        self.holder: Counter = Counter()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> LockSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        conninfo = " ".join(f"{k}={v}" for k, v in libpq(PG_DSN).items())
        with psycopg.connect(conninfo, autocommit=True) as conn:
            while not self._stop.wait(self.interval):
                rows = conn.execute(self.QUERY, (self.application,)).fetchall()
                states = {pid: (state, kind, name) for pid, state, kind, name, _ in rows}
                waiters = [r for r in rows if r[2] == "Lock"]
                self.samples += 1
                self.waiting += len(waiters)
                # the root of the queue: a backend others wait for that does not wait for a lock itself
                holders = {pid for r in waiters for pid in r[4]} - {r[0] for r in waiters}
                for pid in holders:
                    state, kind, name = states.get(pid, ("other", None, None))
                    self.holder[state if state != "active" or not kind else f"active, waiting on {kind}:{name}"] += 1
                if not holders:
                    self.holder["no one waiting"] += 1

    def report(self) -> dict[str, Any]:
        seen = sum(self.holder.values()) or 1
        waiting = round(self.waiting / max(1, self.samples), 2)
        return {"samples": self.samples, "mean_backends_waiting_for_a_lock": waiting,
                "lock_holder_state_pct": {k: round(100 * v / seen, 1) for k, v in self.holder.most_common()}}


# -- (b) the HTTP run -------------------------------------------------------------------------------------
def http_round(server: Server, queues: list, clients: int, warmup: float, duration: float,
               keepalive: bool = True) -> dict[str, Any]:
    async def step(client: httpx.AsyncClient, index: int):
        work = next(queues[index], None)
        if work is None:
            return None
        number, name, headers, body = work
        return name, await post_step(client, number, name, headers, body)

    meter = CpuMeter(server.pid)
    with LockSampler(APPLICATION) as locks:
        load = asyncio.run(closed_loop(server.url, clients, step, warmup=warmup, duration=duration, meter=meter,
                                       keepalive=keepalive))
    report = load.report()
    report["locks"] = locks.report()
    report["cpu"] = meter.report(report["requests"])
    return {"tps": report["per_second"], "p50_ms": report["all"]["p50_ms"], "p99_ms": report["all"]["p99_ms"],
            "max_ms": report["all"]["max_ms"], "errors": report["errors"], **{k: report[k] for k in (
                "requests", "cpu", "locks", "kinds", "error_samples") if k in report},
            **({"clients_out_of_work": report["clients_out_of_work"]} if "clients_out_of_work" in report else {})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (pgbench -c the same)")
    parser.add_argument("--workers", type=int, default=2, help="yangguang serve --workers")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2, help="HTTP then pgbench, this many times")
    parser.add_argument("--cases", type=int, default=6000, help="cases for the HTTP clients (4 transitions each)")
    parser.add_argument("--pgbench-cases", type=int, default=2000, help="cases whose rows pgbench updates")
    args = parser.parse_args()
    load_all()
    HERE.mkdir(parents=True, exist_ok=True)
    url = fresh_database("postgresql", NAME)
    os.environ["YANGGUANG_DATABASE_URL"] = url
    reset_settings()
    data = seed(url, args.pgbench_cases, args.cases + 63)
    print(f"seeded {args.pgbench_cases} + {args.cases + 63} cases in {data['seconds']} s", flush=True)
    numbers, tokens = data["numbers"], data["tokens"]
    inproc = in_process(url, tokens, numbers[:63])
    print("in process, through the app:", inproc["through_app"], flush=True)
    print("in process, direct:", inproc["direct"], flush=True)
    scripts, listing = write_scripts(inproc["captured"], data["pgbench_rows"], data["pgbench_numbers"])
    for step, info in listing.items():
        print(step, info["round_trips"], "round trips", info["kinds"], flush=True)

    work = numbers[63:]
    queues = [iter(list(case_work(work[i::args.clients], tokens))) for i in range(args.clients)]
    rounds = []
    # the server's connections are named, for the lock sampler; nothing else about them changes
    with serve(url + f"&application_name={APPLICATION}", workers=args.workers, log=HERE / "serve.log") as server:
        for n in range(1, args.rounds + 1):
            http = http_round(server, queues, args.clients, args.warmup, args.duration, keepalive=False)
            print(f"round {n} HTTP:", {k: http[k] for k in ("tps", "p50_ms", "p99_ms", "errors", "cpu", "locks")},
                  flush=True)
            pinned = http_round(server, queues, args.clients, args.warmup, args.duration, keepalive=True)
            print(f"round {n} HTTP, kept-alive connections:", {k: pinned[k] for k in (
                "tps", "p50_ms", "p99_ms", "errors", "cpu")}, flush=True)
            pgbench(scripts, args.clients, max(1, int(args.warmup)))  # warm-up
            meter = CpuMeter()
            meter.start()
            with LockSampler("pgbench") as locks:
                peer = pgbench(scripts, args.clients, args.duration, log=f"pgbench_round{n}")
            meter.stop()
            peer["locks"] = locks.report()
            peer["cpu"] = {k: v for k, v in meter.report(peer["transactions"]).items() if "server" not in k}
            print(f"round {n} pgbench:", {k: peer[k] for k in ("tps", "p50_ms", "p99_ms", "failed", "cpu", "locks")},
                  flush=True)
            rounds.append({"http": http, "http_kept_alive": pinned, "pgbench": peer,
                           "ratio": round(http["tps"] / peer["tps"], 3)})
    best_http = max(rounds, key=lambda r: r["http"]["tps"])["http"]
    best_peer = max(rounds, key=lambda r: r["pgbench"]["tps"])["pgbench"]
    result = {
        "setup": {"backend": "postgresql", "clients": args.clients, "workers": args.workers, "warmup_s": args.warmup,
                  "duration_s": args.duration, "rounds": args.rounds, "http_cases": args.cases,
                  "pgbench_cases": args.pgbench_cases, "pgbench": f"pgbench -n -M prepared -c {args.clients} -j "
                  f"{min(2, args.clients)} -T {args.duration} -f step1.sql@1 ... -f step4.sql@1",
                  "steps": [s for s, _, _ in STEPS], "seeding_s": data["seconds"]},
        "http_tps": best_http["tps"], "pgbench_tps": best_peer["tps"],
        "ratio": round(best_http["tps"] / best_peer["tps"], 3), "target_ratio": 0.5,
        "http_p50_ms": best_http["p50_ms"], "http_p99_ms": best_http["p99_ms"],
        "pgbench_p50_ms": best_peer["p50_ms"], "pgbench_p99_ms": best_peer["p99_ms"],
        "http_kept_alive_tps": max(r["http_kept_alive"]["tps"] for r in rounds),
        "rounds": rounds, "in_process": {"through_app": inproc["through_app"], "direct": inproc["direct"]},
        "profile_top": inproc["profile"], "transition_sql": listing,
    }
    print({k: result[k] for k in ("http_tps", "pgbench_tps", "ratio", "http_p50_ms", "http_p99_ms")}, flush=True)
    print("saved", save(NAME, result))


if __name__ == "__main__":
    main()
