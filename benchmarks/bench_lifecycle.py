"""A five-step case lifecycle: Yangguang's service layer against SpiffWorkflow, same database, same run.

Yangguang: accept (受理, with material check, case and step obligations, clocks), review (审查),
decide (决定), complete (办结), deliver (送达) — each step one transaction through approval.service,
with the audit chain written and the supervision engine subscribed (rules evaluated on every event,
thresholds materialised for every clock).

SpiffWorkflow 3.2: the equivalent BPMN process of five userTasks. As a deployment must, each task
is its own transaction: load the serialized workflow from the database, deserialize it, complete
the task, serialize it and store it back (the first transaction creates and stores the workflow).

Both use the same SQLAlchemy engine from yangguang.core.db: SQLite in WAL mode with
synchronous=FULL, or PostgreSQL with its default synchronous_commit=on.

    .venv/bin/python -m benchmarks.bench_lifecycle [--cases 500] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Integer, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from benchmarks.common import fresh_database, save
from benchmarks.lifecycle_setup import MATERIALS, build_hall
from yangguang.approval import service
from yangguang.core import db
from yangguang.registry import load_all

ZONE = ZoneInfo("Asia/Shanghai")
WORK = Path(__file__).parent / ".work"
TASKS = ["accept", "review", "decide", "complete", "deliver"]


class SpiffState(db.Base):
    """The peer's storage: one row per workflow instance with its serialized state."""

    __tablename__ = "bench_spiff_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(Text)


def bpmn_process() -> str:
    nodes = ['<bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>']
    flows, previous = [], "start"
    for i, name in enumerate(TASKS):
        nodes.append(f'<bpmn:userTask id="{name}" name="{name}"><bpmn:incoming>f{i}</bpmn:incoming>'
                     f'<bpmn:outgoing>f{i + 1}</bpmn:outgoing></bpmn:userTask>')
        flows.append(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{previous}" targetRef="{name}"/>')
        previous = name
    nodes.append(f'<bpmn:endEvent id="end"><bpmn:incoming>f{len(TASKS)}</bpmn:incoming></bpmn:endEvent>')
    flows.append(f'<bpmn:sequenceFlow id="f{len(TASKS)}" sourceRef="{previous}" targetRef="end"/>')
    return ('<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions '
            'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" '
            'targetNamespace="https://yangguang.example/bench"><bpmn:process id="case" isExecutable="true">'
            + "".join(nodes) + "".join(flows) + "</bpmn:process></bpmn:definitions>")


def run_spiff(url: str, cases: int, first_id: int = 1) -> float:
    parser = BpmnParser()
    parser.add_bpmn_str(bpmn_process().encode())
    spec = parser.get_spec("case")
    serializer = BpmnWorkflowSerializer()
    engine = db.get_engine(url)
    start = time.perf_counter()
    for n in range(first_id, first_id + cases):
        with Session(engine) as session, session.begin():
            workflow = BpmnWorkflow(spec)
            workflow.do_engine_steps()
            session.add(SpiffState(id=n, state=serializer.serialize_json(workflow)))
        for name in TASKS:
            with Session(engine) as session, session.begin():
                row = session.get(SpiffState, n)
                workflow = serializer.deserialize_json(row.state)
                task = workflow.get_next_task(state=TaskState.READY, manual=True)
                assert task.task_spec.name == name
                task.data["actor"] = name
                task.run()
                workflow.do_engine_steps()
                row.state = serializer.serialize_json(workflow)
        assert workflow.is_completed()
    return time.perf_counter() - start


def run_yangguang(url: str, cases: int) -> float:
    moment = datetime(2026, 3, 2, 9, 0, tzinfo=ZONE)
    start = time.perf_counter()
    for _ in range(cases):
        moment += timedelta(seconds=20)
        with db.transaction(url) as session:
            case = service.receive_application(
                session, item_code="BENCH-0001", clerk="clerk", window_number="A01", channel="1",
                applicant={"name": "某某餐饮店", "type": "2", "id_number": "", "phone": ""},
                materials=MATERIALS, at=moment)
            number = case.number
        for step, actor in (("审查", "approver"), ("决定", "head"), ("办结", "clerk")):
            with db.transaction(url) as session:
                decision = "grant" if step == "决定" else None
                service.act_on_step(session, number, step, actor, at=moment, decision=decision)
        with db.transaction(url) as session:
            service.deliver_result(session, number, "clerk", f"SP{number}", at=moment)
    return time.perf_counter() - start


def prepare(backend: str) -> str:
    url = fresh_database(backend, "lifecycle")
    SpiffState.__table__.create(db.get_engine(url))
    with db.transaction(url) as session:
        build_hall(session)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    load_all()
    results = {}
    for backend in (["sqlite", "postgresql"] if args.backend == "both" else [args.backend]):
        url = prepare(backend)
        run_yangguang(url, 20)  # warm-up: imports, caches, calendar index
        run_spiff(url, 20)
        ours = run_yangguang(url, args.cases)
        peer = run_spiff(url, args.cases, first_id=1000)
        results[backend] = {
            "cases": args.cases,
            "yangguang_cases_per_s": round(args.cases / ours, 1),
            "spiffworkflow_cases_per_s": round(args.cases / peer, 1),
            "yangguang_ms_per_case": round(ours / args.cases * 1000, 2),
            "spiffworkflow_ms_per_case": round(peer / args.cases * 1000, 2),
            "ratio": round(peer / ours, 2), "target_ratio": 3,
        }
        print(backend, results[backend], flush=True)
    print("saved", save("lifecycle", results, merge=True))


if __name__ == "__main__":
    main()
