"""The annual disclosure report of an organ with 1,000,000 applications in the database, on PostgreSQL.

Issue target: the annual report for an organ with 1,000,000 applications generated in under 2 seconds
on PostgreSQL (aggregation in the database, not in Python loops).

The data, in a scratch schema ``bench_annual_report`` created and dropped by this script, generated in
SQL (``INSERT … SELECT … FROM generate_series``, a fixed ``setseed``):

* the organ: 1,000,000 applications received over 2025 and 2026 (0.2 % not yet received); applicants
  85 % natural persons, 8 % companies, 3 % legal services, 2 % other, 1 % research, 1 % public
  interest; outcomes spread over the 21 report rows (40 % disclosed, 20 % not held, 10 % partly
  disclosed...); 3 % still open, the rest concluded 1–35 days after receipt; 0.5 % paid a fee;
  5,000 remedies; 20,000 publications (regulations, normative documents, penalty and coercion
  decisions); 200,000 approval cases decided over the two years with 20,000 fee charges;
* five other organs with 40,000 applications, 4,000 publications and 1,000 remedies each.

Measured after ANALYZE, each run in a fresh read-only session: :func:`compute` of the organ's 2026
report followed by :func:`to_json` (what the command and the portal do), best and median of the runs;
the section 三 aggregate alone; and the plan of that aggregate (EXPLAIN ANALYZE).

    .venv/bin/python -m benchmarks.bench_annual_report [--applications 1000000] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, text

from benchmarks.common import PG_DSN, fresh_database, machine, save
from yangguang.approval.models import Case, FeeCharge, Item
from yangguang.core import db
from yangguang.core.org import Person, Unit
from yangguang.disclosure.annual_report import compute
from yangguang.disclosure.models import Application, Publication, Remedy
from yangguang.disclosure.report_figures import application_figures, application_query
from yangguang.disclosure.report_render import to_json
from yangguang.registry import load_all

NAME = "annual_report"
YEAR = 2026
BUILT_AT = datetime(2025, 1, 1, tzinfo=UTC)
OTHER_ORGANS = 5
# outcome rows, weighted out of 100 (REPORT_ROWS keys)
OUTCOME_WEIGHTS = {
    "disclosed": 40, "partly_disclosed": 10, "withheld.state_secret": 1, "withheld.law_forbids": 1,
    "withheld.three_safeties": 1, "withheld.third_party": 2, "withheld.internal_affairs": 1,
    "withheld.process_info": 2, "withheld.enforcement_file": 1, "withheld.query_matter": 1,
    "unavailable.not_held": 20, "unavailable.must_create": 5, "unavailable.still_unclear": 2,
    "not_handled.petition": 3, "not_handled.repeat": 3, "not_handled.publication": 1, "not_handled.excessive": 1,
    "not_handled.confirm_or_reissue": 1, "other.no_correction": 2, "other.fee_unpaid": 1, "other.other": 1,
}
KIND_BUCKETS = "CASE WHEN r1 < 0.85 THEN 'natural_person' WHEN r1 < 0.93 THEN 'commercial' " \
               "WHEN r1 < 0.96 THEN 'legal_service' WHEN r1 < 0.98 THEN 'other_org' " \
               "WHEN r1 < 0.99 THEN 'research' ELSE 'public_interest' END"


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def insert_select(table: Table, given: dict[str, str], source: str) -> str:
    """``INSERT INTO table (every column but id) SELECT …``: the given SQL expressions, else each
    column's scalar default as a literal, else NULL."""
    names, values = [], []
    for column in table.columns:
        if column.name == "id":
            continue
        names.append(f'"{column.name}"')
        if column.name in given:
            values.append(given[column.name])
        elif column.default is not None and column.default.is_scalar:
            values.append(_literal(column.default.arg))
        else:
            values.append("NULL")
    return f'INSERT INTO "{table.name}" ({", ".join(names)}) SELECT {", ".join(values)} FROM {source}'


def _applications(unit_id: int, count: int, prefix: str) -> str:
    outcomes = ", ".join(_literal(key) for key, weight in OUTCOME_WEIGHTS.items() for _ in range(weight))
    drawn = (f"SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, "
             f"DATE '2025-01-01' + floor(random() * 730)::int AS day FROM generate_series(1, {count}) g")
    source = (f"(SELECT *, CASE WHEN r3 < 0.03 OR r4 < 0.002 THEN NULL ELSE day + 1 + floor(r3 * 35)::int END "
              f"AS concluded, (ARRAY[{outcomes}])[1 + floor(r2 * 100)::int] AS row FROM ({drawn}) s0) s")
    moment = "(day::timestamp + interval '9 hours') AT TIME ZONE 'Asia/Shanghai'"
    return insert_select(Application.__table__, {
        "number": f"'{prefix}' || g", "query_code": "'ABCDEF'", "unit_id": str(unit_id), "channel": "'online'",
        "submitted_at": moment, "received_on": "CASE WHEN r4 < 0.002 THEN NULL ELSE day END",
        "applicant_kind": KIND_BUCKETS, "applicant_name": "'申请人' || g", "applicant_key": "md5(g::text)",
        "content": "'所需政府信息'", "state": "CASE WHEN concluded IS NULL THEN 'in_progress' ELSE 'concluded' END",
        "outcome": "CASE WHEN concluded IS NULL THEN NULL ELSE row END",
        "outcome_row": "CASE WHEN concluded IS NULL THEN NULL ELSE row END", "concluded_on": "concluded",
        "fee_fen": "CASE WHEN r2 > 0.995 THEN 10000 ELSE 0 END",
        "fee_paid_on": "CASE WHEN r2 > 0.995 THEN day + 1 ELSE NULL END", "created_at": moment,
    }, source)


def _publications(unit_id: int, drafter_id: int, count: int, prefix: str) -> str:
    source = (f"(SELECT g, random() AS r1, random() AS r2, DATE '2024-01-01' + floor(random() * 1095)::int AS day "
              f"FROM generate_series(1, {count}) g) s")
    published = "(day::timestamp + interval '10 hours') AT TIME ZONE 'Asia/Shanghai'"
    return insert_select(Publication.__table__, {
        "unit_id": str(unit_id), "title": "'文件' || g",
        "category": "CASE WHEN r1 < 0.2 THEN '02' WHEN r1 < 0.6 THEN '06' WHEN r1 < 0.7 THEN '07' ELSE '15' END",
        "document_type": "CASE WHEN r1 < 0.05 THEN 'regulation' WHEN r1 < 0.2 THEN 'normative' ELSE 'other' END",
        "formed_on": "day - 3", "repealed_on": "CASE WHEN r1 < 0.2 AND r2 < 0.1 THEN day + 200 ELSE NULL END",
        "state": "'published'", "index_number": f"'{prefix}' || g", "published_at": published,
        "drafter_id": str(drafter_id), "created_at": published, "updated_at": published,
    }, source)


def _remedies(unit_id: int, count: int) -> str:
    source = (f"(SELECT g, random() AS r1, random() AS r2, DATE '2025-01-01' + floor(random() * 730)::int AS day "
              f"FROM generate_series(1, {count}) g) s")
    return insert_select(Remedy.__table__, {
        "unit_id": str(unit_id),
        "kind": "CASE WHEN r1 < 0.6 THEN 'review' WHEN r1 < 0.85 THEN 'litigation_direct' "
                "ELSE 'litigation_after_review' END",
        "filed_on": "day",
        "result": "CASE WHEN r2 < 0.6 THEN 'upheld' WHEN r2 < 0.75 THEN 'corrected' WHEN r2 < 0.85 THEN 'other' "
                  "ELSE 'pending' END",
        "concluded_on": "CASE WHEN r2 < 0.85 THEN day + 60 ELSE NULL END",
    }, source)


def build(url: str, applications: int) -> dict[str, Any]:
    started = time.perf_counter()
    engine = db.get_engine(url)
    with engine.begin() as conn:
        conn.execute(text("SELECT setseed(0.2026)"))
        for n in range(OTHER_ORGANS + 1):
            conn.execute(Unit.__table__.insert().values(code=f"U{n}", name=f"青山县第{n}局", region="", active=True))
        units = [row[0] for row in conn.execute(text("SELECT id FROM unit ORDER BY id"))]
        organ = units[0]
        conn.execute(Person.__table__.insert().values(login="gkb", name="公开办", unit_id=organ, roles=["disclosure"],
                                                      active=True))
        person = conn.execute(text("SELECT id FROM person")).scalar()
        conn.execute(text(_applications(organ, applications, "Y")))
        conn.execute(text(_publications(organ, person, 20_000, "P")))
        conn.execute(text(_remedies(organ, 5_000)))
        for n, other in enumerate(units[1:], start=1):
            conn.execute(text(_applications(other, 40_000, f"Y{n}-")))
            conn.execute(text(_publications(other, person, 4_000, f"P{n}-")))
            conn.execute(text(_remedies(other, 1_000)))
        item_ids = []
        for code, item_type in (("L", "01"), ("S", "20")):
            conn.execute(Item.__table__.insert().values(
                name=f"事项{code}", basic_code=code, impl_code=code, item_type=item_type, exercise_level="4",
                unit_id=organ, statutory_limit=20, promised_limit=10, updated_at=BUILT_AT))
            item_ids.append(conn.execute(text(f"SELECT id FROM approval_item WHERE impl_code = '{code}'")).scalar())
        decided = ("(DATE '2025-01-01' + floor(r1 * 730)::int)::timestamp AT TIME ZONE 'Asia/Shanghai' "
                   "+ interval '3 hours'")
        conn.execute(text(insert_select(Case.__table__, {
            "number": "'BJ' || g", "query_code": "'123456'",
            "item_id": f"CASE WHEN r2 < 0.8 THEN {item_ids[0]} ELSE {item_ids[1]} END", "item_version": "1",
            "unit_id": str(organ), "channel": "'1'", "applicant_name": "'某公司'", "applicant_type": "'2'",
            "state": "'completed'", "received_at": decided, "decided_at": decided,
            "decision": "CASE WHEN r2 < 0.05 THEN 'deny' ELSE 'grant' END",
        }, "(SELECT g, random() AS r1, random() AS r2 FROM generate_series(1, 200000) g) s")))
        conn.execute(text(insert_select(FeeCharge.__table__, {
            "case_id": "id", "amount_fen": "5000", "basis": "'收费依据'", "charged_by": str(person),
            "charged_at": "decided_at", "within_standard": "true",
        }, "(SELECT id, decided_at FROM approval_case WHERE id % 10 = 0) c")))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    return {"organ_id": organ, "build_s": round(time.perf_counter() - started, 1)}


def measure(url: str, organ_id: int, runs: int) -> dict[str, Any]:
    report_s, aggregate_s = [], []
    for _ in range(runs):
        with db.reading(url) as session:
            unit = session.get(Unit, organ_id)
            start = time.perf_counter()
            report = compute(session, unit, YEAR)
            data = to_json(report)
            report_s.append(time.perf_counter() - start)
        with db.reading(url) as session:
            start = time.perf_counter()
            application_figures(session, organ_id, YEAR)
            aggregate_s.append(time.perf_counter() - start)
    engine = db.get_engine(url)
    compiled = application_query(organ_id, YEAR).compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        applications = conn.execute(text(f"SELECT count(*) FROM disclosure_application WHERE unit_id = {organ_id}"))
        plan = [row[0] for row in conn.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}"))]
        applications = applications.scalar()
    new = next(r for s in data["sections"] for t in s.get("tables", []) for r in t["rows"] if r["key"] == "new")
    return {"applications_of_organ": applications, "report_best_s": round(min(report_s), 3),
            "report_median_s": round(statistics.median(report_s), 3), "report_runs_s": [round(s, 3) for s in report_s],
            "section_three_aggregate_best_s": round(min(aggregate_s), 3),
            "section_three_aggregate_median_s": round(statistics.median(aggregate_s), 3),
            "new_in_2026": new["values"][-1], "reconciles": data["reconciliation"]["reconciles"],
            "target_s": 2.0, "met": statistics.median(report_s) < 2.0, "plan": plan}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    load_all()
    url = fresh_database("postgresql", NAME)
    try:
        print(f"building {args.applications:,} applications of one organ (+ {OTHER_ORGANS} other organs)", flush=True)
        built = build(url, args.applications)
        result = {"applications": args.applications, **built, **measure(url, built["organ_id"], args.runs)}
    finally:
        db.dispose_engines()
        with db.get_engine(PG_DSN).begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS bench_{NAME} CASCADE"))
        db.dispose_engines()
    for line in result["plan"]:
        print("  ", line)
    print({k: v for k, v in result.items() if k != "plan"})
    print(f"report ({args.applications:,} applications): best {result['report_best_s']} s, median "
          f"{result['report_median_s']} s — target < 2 s: {'met' if result['met'] else 'NOT met'}")
    print("machine", machine())
    print("saved", save(NAME, {"postgresql": result}))


if __name__ == "__main__":
    main()
