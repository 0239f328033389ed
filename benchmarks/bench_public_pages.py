"""The public pages of the demo county under a fixed 200 requests per second: p99 under 100 ms?

Builds the demo county (``yangguang demo --no-serve --fresh``) when its database is missing — SQLite
in ``benchmarks/.work/public/demo.db`` by default, or a PostgreSQL schema with ``--backend
postgresql`` — starts ``yangguang serve`` and runs an open-loop load (:func:`http_load.open_loop`):
requests scheduled at a fixed rate whatever the server answers, each latency counted from its
scheduled moment, so a stall is not hidden (no coordinated omission). The mix, drawn with a fixed
seed: the item guide ``GET /guide/{code}`` over every item of the catalogue, the progress query
``POST /progress`` (the form, with its CSRF token and session cookie, as a browser sends it) over
real case numbers and their query codes, the hall page ``GET /hall`` and its board fragment
``GET /hall/board`` (what the page polls). Then, as context, ``wrk`` (closed loop: a fixed number
of connections, each sending its next request when the last one answered) gives each page's
maximum throughput.

    .venv/bin/python -m benchmarks.bench_public_pages [--rate 200] [--duration 30] [--rounds 2]
        [--backend sqlite|postgresql] [--rebuild] [--no-wrk] [--only KIND] [--label TEXT]

Results go to ``results/public_pages.json`` under the backend's name; a run at another rate, of one
page kind alone (``--only``, a diagnosis) or with a ``--label`` is kept beside it under its own key.
Each round starts a fresh server, so a round that overloads it does not spill into the next.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, text

from benchmarks.common import PG_DSN, WORK, save
from benchmarks.http_load import CpuMeter, Request, Server, lua_string, open_loop, serve, wrk
from yangguang.approval.models import Case, Item
from yangguang.core import db

HERE = WORK / "public"
SCHEMA = "bench_public"
MIX = {"guide": 0.4, "progress": 0.4, "hall": 0.1, "hall_board": 0.1}
TARGET_P99_MS = 100.0
DEFAULT_RATE = 200.0


# -- the demo county --------------------------------------------------------------------------------------
def database_url(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{HERE / 'demo.db'}"
    return PG_DSN + ("&" if "?" in PG_DSN else "?") + f"options=-csearch_path%3D{SCHEMA}"


def has_demo(url: str, backend: str) -> bool:
    if backend == "sqlite" and not (HERE / "demo.db").exists():
        return False
    try:
        with db.get_engine(url).connect() as conn:
            return bool(conn.execute(select(func.count()).select_from(Case)).scalar())
    except Exception:  # no schema, no table: not built
        return False


def build_demo(url: str, backend: str) -> dict[str, Any]:
    HERE.mkdir(parents=True, exist_ok=True)
    if backend == "postgresql":
        with db.get_engine(PG_DSN).begin() as conn:
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
    script = Path(sys.executable).with_name("yangguang")
    started = time.perf_counter()
    done = subprocess.run([str(script), "demo", "--no-serve", "--fresh", "--json"], capture_output=True, text=True,
                          env={**os.environ, "YANGGUANG_DATABASE_URL": url})
    if done.returncode != 0:
        raise RuntimeError(f"yangguang demo failed: {done.stderr[-2000:]}")
    summary = json.loads(done.stdout)
    db.dispose_engines()
    return {"seconds": round(time.perf_counter() - started, 1), "cases": summary.get("cases", {}).get("received")}


def samples(url: str, cases: int = 500) -> dict[str, list]:
    """Every active item code; ``cases`` accepted cases (number, query code) drawn with a fixed seed."""
    with db.get_engine(url).connect() as conn:
        codes = list(conn.execute(select(Item.impl_code).where(Item.active.is_(True)).order_by(Item.impl_code))
                     .scalars())
        found = conn.execute(select(Case.number, Case.query_code).where(Case.accepted_at.is_not(None))
                             .order_by(Case.id)).all()
        total = conn.execute(select(func.count()).select_from(Case)).scalar()
    picked = random.Random(7).sample(found, min(cases, len(found)))
    return {"codes": codes, "cases": [tuple(row) for row in picked], "total_cases": total}


# -- the load -----------------------------------------------------------------------------------------------
def session_for_progress(base: str) -> tuple[dict[str, str], str]:
    """A visitor's session cookie and the CSRF token the progress form carries."""
    with httpx.Client(base_url=base, timeout=90.0) as client:
        page = client.get("/progress")
        page.raise_for_status()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return dict(client.cookies.items()), token


def requests_for(data: dict[str, list], token: str, mix: dict[str, float]):
    rng = random.Random(2026)
    kinds, weights = list(mix), list(mix.values())

    def make(_: int) -> Request:
        kind = rng.choices(kinds, weights)[0]
        if kind == "guide":
            return Request(kind, "GET", f"/guide/{rng.choice(data['codes'])}")
        if kind == "progress":
            number, code = rng.choice(data["cases"])
            return Request(kind, "POST", "/progress", data={"number": number, "query_code": code,
                                                             "csrf_token": token})
        return Request(kind, "GET", "/hall" if kind == "hall" else "/hall/board")

    return make


def check(base: str, data: dict[str, list], cookies: dict[str, str], token: str) -> None:
    """Each page answers 200 with what it should show before the load starts."""
    with httpx.Client(base_url=base, cookies=cookies, timeout=90.0) as client:
        for path in (f"/guide/{data['codes'][0]}", "/hall", "/hall/board"):
            client.get(path).raise_for_status()
        number, code = data["cases"][0]
        answer = client.post("/progress", data={"number": number, "query_code": code, "csrf_token": token})
        answer.raise_for_status()
        if number not in answer.text:
            raise RuntimeError(f"the progress page of {number} does not show the case")


def open_round(server: Server, data: dict[str, list], rate: float, warmup: float, duration: float,
               mix: dict[str, float]) -> dict[str, Any]:
    cookies, token = session_for_progress(server.url)  # waits up to 90 s for a server still busy
    check(server.url, data, cookies, token)
    meter = CpuMeter(server.pid)
    load = asyncio.run(open_loop(server.url, rate, requests_for(data, token, mix), warmup=warmup, duration=duration,
                                 cookies=cookies, meter=meter))
    report = load.report()
    report["cpu"] = meter.report(report["requests"] + report["errors"])
    p99 = report["all_counting_errors"]["p99_ms"]
    report["p99_under_target"] = p99 is not None and p99 < TARGET_P99_MS
    return report


def wrk_pages(base: str, data: dict[str, list], seconds: int, connections: int) -> dict[str, Any]:
    """wrk (closed loop) against each page alone; the guide and the progress query rotate over their
    samples through a Lua script."""
    cookies, token = session_for_progress(base)
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    guide = HERE / "wrk_guide.lua"
    guide.write_text("local paths = {" + ", ".join(lua_string(f"/guide/{c}") for c in data["codes"]) + "}\n"
                     "math.randomseed(42)\n"
                     "request = function() return wrk.format('GET', paths[math.random(#paths)]) end\n", "utf-8")
    progress = HERE / "wrk_progress.lua"
    bodies = ", ".join(lua_string(f"number={n}&query_code={q}&csrf_token={token}") for n, q in data["cases"][:200])
    progress.write_text(f"local bodies = {{{bodies}}}\n"
                        "math.randomseed(42)\n"
                        "wrk.method = 'POST'\n"
                        "wrk.headers['Content-Type'] = 'application/x-www-form-urlencoded'\n"
                        f"wrk.headers['Cookie'] = {lua_string(cookie)}\n"
                        "request = function() return wrk.format(nil, nil, nil, bodies[math.random(#bodies)]) end\n",
                        "utf-8")
    pages = {"guide": (base + "/", guide), "progress": (base + "/progress", progress), "hall": (base + "/hall", None),
             "hall_board": (base + "/hall/board", None)}
    found = {}
    for kind, (url, script) in pages.items():
        try:
            found[kind] = wrk(url, seconds=seconds, connections=connections, script=script)
        except (subprocess.CalledProcessError, AttributeError) as exc:  # wrk failed, or printed no figures
            found[kind] = {"error": repr(exc)[:300]}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE, help="requests per second (open loop)")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None, help="default: 1 on SQLite, 2 on PostgreSQL")
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--wrk-connections", type=int, default=16)
    parser.add_argument("--rebuild", action="store_true", help="build the demo county again")
    parser.add_argument("--only", choices=list(MIX), help="one page kind instead of the mix (diagnosis)")
    parser.add_argument("--no-wrk", action="store_true")
    parser.add_argument("--label", default="", help="kept in the result's key (e.g. what differs in this run)")
    args = parser.parse_args()
    mix = {args.only: 1.0} if args.only else MIX
    workers = args.workers or (1 if args.backend == "sqlite" else 2)
    url = database_url(args.backend)
    built = None
    if args.rebuild or not has_demo(url, args.backend):
        print("building the demo county ...", flush=True)
        built = build_demo(url, args.backend)
        print("built:", built, flush=True)
    data = samples(url)
    print(f"{len(data['codes'])} items, {data['total_cases']} cases ({len(data['cases'])} sampled)", flush=True)
    rounds = []
    for n in range(1, args.rounds + 1):  # a fresh server each round: a round that stalled it does not spill over
        with serve(url, workers=workers, log=HERE / f"serve-{args.backend}-round{n}.log") as server:
            report = open_round(server, data, args.rate, args.warmup, args.duration, mix)
            rounds.append(report)
            print(f"round {n}: {report['per_second']}/s, errors {report['errors']}, all {report['all']}, "
                  f"cpu {report['cpu']}, generator lag {report.get('generator_send_lag')}", flush=True)
            if report["errors"]:
                print("    errors:", report["errors_by_kind"], report["error_samples"][:3], flush=True)
            for kind, figures in report["kinds"].items():
                print(f"    {kind}: {figures}", flush=True)
    with serve(url, workers=workers, log=HERE / f"serve-{args.backend}-wrk.log") as server:
        try:
            context = {} if args.no_wrk else wrk_pages(server.url, data, args.wrk_seconds, args.wrk_connections)
        except httpx.HTTPError as exc:  # the server does not answer any more
            context = {"error": f"no session for the progress form: {exc!r}"}
        for kind, figures in context.items():
            print(f"wrk {kind}: {figures}", flush=True)
    best = min(rounds, key=lambda r: r["all_counting_errors"]["p99_ms"] or math.inf)
    result = {
        "setup": {"backend": args.backend, "workers": workers, "rate_per_s": args.rate, "warmup_s": args.warmup,
                  "duration_s": args.duration, "rounds": args.rounds, "mix": mix, "items": len(data["codes"]),
                  "cases_in_database": data["total_cases"], "cases_sampled": len(data["cases"]),
                  "demo_built": built},
        "target_p99_ms": TARGET_P99_MS, "p99_ms": best["all_counting_errors"]["p99_ms"],
        "p99_ms_answered_only": best["all"]["p99_ms"], "errors": best["errors"],
        "p99_under_target": best["p99_under_target"],
        "p99_ms_by_kind": {kind: figures["p99_ms"] for kind, figures in best["kinds"].items()},
        "best_round": best, "rounds": rounds, "wrk_closed_loop": context,
    }
    print({k: result[k] for k in ("p99_ms", "errors", "p99_under_target", "p99_ms_by_kind")}, flush=True)
    key = args.backend + (f", {args.only} only" if args.only else "") + (
        f", {args.rate:g}/s" if args.rate != DEFAULT_RATE else "") + (f", {args.label}" if args.label else "")
    print("saved", save("public_pages", {key: result}, merge=True))


if __name__ == "__main__":
    main()
