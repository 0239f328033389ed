"""The case API (/api/v1/cases): receipt and the one-time notice, materials, refusal, the steps, special
procedures, corrections, extensions, fees and delivery; every route scoped to the caller's unit and
role, every refusal in the one error shape with nothing written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.approval_factories import REQUIRED
from tests.web.case_helpers import (
    APPLICANT,
    APPROVER,
    CASHIER,
    CLERK,
    DISCLOSURE,
    FINANCE,
    FOOD,
    HEAD,
    OTHER_APPROVER,
    OTHER_CLERK,
    OTHER_HEAD,
    PARALLEL,
    SUPERVISOR,
    SWJ_ITEM,
    THIRD_APPROVER,
    act,
    actions,
    build_hall,
    count,
    receive,
    state_of,
)
from yangguang.approval.models import Case, CaseNotice, FeeCharge
from yangguang.core import db
from yangguang.core.audit import AuditEntry
from yangguang.core.notify import InboxMessage
from yangguang.core.org import Person


@pytest.fixture
def hall(db_url):
    build_hall(db_url)


def application(**changes) -> dict:
    return {"item": FOOD, "applicant": APPLICANT, "materials": REQUIRED, **changes}


def refused_steps(db_url) -> list[str]:
    with db.reading(db_url) as session:
        return [e.data for e in session.scalars(select(AuditEntry).where(
            AuditEntry.action == "refused:approval.action_refused").order_by(AuditEntry.seq))]


# -- receipt and the one-time notice ---------------------------------------------------------------------
def test_complete_application_is_accepted_at_the_clerks_window(hall, api_client, db_url):
    """Complete materials: accepted on the spot, clocks running [approval-and-supervision.md, "Service-centre
    practice"; 行政许可法 Art. 32]."""
    response = api_client(CLERK).post("/api/v1/cases", json=application(materials=[1, "营业执照复印件", 3]))
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["state"] == "in_progress" and receipt["missing"] == [] and receipt["notice"] is None
    assert receipt["number"].endswith("SCJ000001") and len(receipt["query_code"]) == 6
    detail = api_client(CLERK).get(f"/api/v1/cases/{receipt['number']}").json()
    assert detail["window"] == "A01" and detail["applicant"]["name"] == APPLICANT["name"]
    assert [s["step"] for s in detail["steps"] if s["state"] == "active"] == ["审查"]
    assert {c["kind"] for c in detail["clocks"]} == {"promised", "statutory"}
    assert [h["label"] for h in detail["history"]][:2] == ["收件", "受理"]


def test_incomplete_application_gets_one_notice_of_everything_then_is_accepted(hall, api_client, db_url):
    """一次性告知: everything missing at once; accepted when complete [行政许可法 Art. 32;
    approval-and-supervision.md, "Licensing-law time limits"]."""
    clerk = api_client(CLERK)
    receipt = clerk.post("/api/v1/cases", json=application(materials=["食品经营许可申请书"])).json()
    assert receipt["state"] == "awaiting_materials"
    assert receipt["missing"] == ["营业执照复印件", "经营场所平面图"]
    notice = receipt["notice"]
    assert notice["kind"] == "materials" and notice["missing"] == receipt["missing"]
    assert "营业执照复印件" in notice["text"] and "经营场所平面图" in notice["text"] and "第三十二条" in notice["text"]
    number = receipt["number"]

    again = clerk.post(f"/api/v1/cases/{number}/materials", json={"materials": ["营业执照复印件"]}).json()
    assert again["state"] == "awaiting_materials" and again["notice"]["missing"] == ["经营场所平面图"]
    done = clerk.post(f"/api/v1/cases/{number}/materials", json={"materials": [3]})
    assert done.status_code == 200 and done.json()["state"] == "in_progress" and done.json()["notice"] is None
    repeated = clerk.post(f"/api/v1/cases/{number}/materials", json={"materials": [3]})
    assert repeated.status_code == 409 and repeated.json()["field"] == "case"


@pytest.mark.parametrize(("body", "status", "field"), [
    (application(item="NOPE-1"), 404, "item"),
    (application(applicant={**APPLICANT, "type": "7"}), 422, "applicant.type"),
    (application(applicant={**APPLICANT, "name": ""}), 422, "applicant.name"),
    (application(applicant={**APPLICANT, "name": "某\x00公司"}), 422, "applicant.name"),
    (application(applicant={**APPLICANT, "phone": "1" * 21}), 422, "applicant.phone"),
    (application(materials=["不存在的材料"]), 422, "materials"),
    (application(channel="7"), 422, "channel"),
    (application(surprise=True), 422, "surprise"),
    ({"applicant": APPLICANT}, 422, "item"),
])
def test_bad_receipt_names_the_field_and_writes_nothing(hall, api_client, db_url, body, status, field):
    """Bad input gets a clear error naming the field and changes nothing [DESIGN.md, Conventions]."""
    clerk = api_client(CLERK)
    entries = count(db_url)
    response = clerk.post("/api/v1/cases", json=body)
    assert response.status_code == status and response.json()["field"].startswith(field), response.text
    assert count(db_url, Case) == 0 and count(db_url) == entries


def test_refusal_gives_reason_and_basis_in_writing(hall, api_client, db_url):
    """不予受理 with a written decision giving reason and basis [行政许可法 Art. 32]."""
    number = receive(db_url, materials=[])
    body = {"reason": "不属于本机关职权范围", "legal_basis": "《行政许可法》第三十二条"}
    response = api_client(CLERK).post(f"/api/v1/cases/{number}/refusal", json=body)
    assert response.status_code == 201
    assert response.json()["kind"] == "refusal" and "不予受理" in response.json()["text"]
    assert state_of(db_url, number) == "refused"
    assert api_client(CLERK).post(f"/api/v1/cases/{number}/refusal", json={"reason": ""}).json()["field"] == "reason"


# -- who sees what -------------------------------------------------------------------------------------------
def test_lists_hold_only_the_cases_the_caller_may_see(hall, api_client, db_url):
    """A unit sees its own cases, the departments of a parallel step theirs, supervisors every case."""
    mine = receive(db_url)
    waiting = receive(db_url, materials=[])
    theirs = receive(db_url, clerk=OTHER_CLERK, item=SWJ_ITEM, window="B01")
    parallel = receive(db_url, item=PARALLEL)

    def numbers(login, **params):
        response = api_client(login).get("/api/v1/cases", params=params)
        assert response.status_code == 200, response.text
        return {c["number"] for c in response.json()["items"]}

    assert numbers(CLERK) == numbers(APPROVER) == numbers(HEAD) == {mine, waiting, parallel}
    assert numbers(OTHER_CLERK) == numbers(OTHER_APPROVER) == {theirs, parallel}
    assert numbers(THIRD_APPROVER) == {parallel}
    assert numbers(SUPERVISOR) == {mine, waiting, theirs, parallel}
    assert numbers(CASHIER) == {mine}  # of another unit: only the accepted case of a charging item


def test_cashier_lists_cases_awaiting_a_fee_and_reads_any_case(hall, api_client, db_url):
    """Fees are taken only by the centre's finance window [approval-and-supervision.md, "Service-centre
    practice"]: it needs any case by number and the list of cases awaiting a fee."""
    number = receive(db_url)
    receive(db_url, materials=[])  # not accepted: no fee yet
    receive(db_url, item=PARALLEL)  # the item charges nothing
    cashier = api_client(CASHIER)
    listed = cashier.get("/api/v1/cases", params={"awaiting_fee": True}).json()
    assert [c["number"] for c in listed["items"]] == [number] and listed["total"] == 1
    assert cashier.get(f"/api/v1/cases/{number}").json()["fee_standard_fen"] == 5000
    assert cashier.post(f"/api/v1/cases/{number}/fees", json={"amount_fen": 5000, "basis": "省物价局收费文件"}
                        ).status_code == 201
    assert cashier.get("/api/v1/cases", params={"awaiting_fee": True}).json()["total"] == 0


def test_list_filters(hall, api_client, db_url):
    old = receive(db_url, days_ago=3)
    waiting = receive(db_url, materials=[])
    other_item = receive(db_url, item=PARALLEL)
    clerk = api_client(CLERK)

    def numbers(**params):
        response = clerk.get("/api/v1/cases", params=params)
        assert response.status_code == 200, response.text
        return [c["number"] for c in response.json()["items"]]

    assert numbers() == [other_item, waiting, old]  # newest first
    assert numbers(state="awaiting_materials") == [waiting]
    assert numbers(item=PARALLEL) == [other_item]
    assert numbers(number=old) == [old] and numbers(number="1999") == []
    today = datetime.now(UTC).astimezone(db_tz()).date()
    assert old not in numbers(received_from=today.isoformat())
    assert numbers(received_to=(today - timedelta(days=1)).isoformat()) == [old]
    assert numbers(per_page=1, page=2) == [waiting]
    for params, field in [({"state": "lost"}, "state"), ({"received_from": "2026-02-30"}, "received_from"),
                          ({"received_from": "0001-01-01"}, "received_from"), ({"number": "a\x00"}, "number"),
                          ({"received_from": today.isoformat(), "received_to": (today - timedelta(days=1)).isoformat()},
                           "received_to")]:
        response = clerk.get("/api/v1/cases", params=params)
        assert response.status_code == 422 and response.json()["field"] == field, (params, response.text)


def db_tz():
    from yangguang.core.settings import get_settings

    return get_settings().zone


def test_another_units_case_cannot_be_read_or_acted_on(hall, api_client, db_url):
    """A clerk or approver of another unit gets the same 404 as for a number that does not exist, and
    nothing is written."""
    number = receive(db_url, materials=[])
    accepted = receive(db_url)
    clients = {login: api_client(login) for login in (OTHER_CLERK, OTHER_APPROVER, OTHER_HEAD)}
    missing = clients[OTHER_CLERK].get("/api/v1/cases/2026SCJ999999")
    entries = count(db_url)
    for login, method, path, body in [
        (OTHER_CLERK, "get", f"/api/v1/cases/{number}", None),
        (OTHER_CLERK, "post", f"/api/v1/cases/{number}/materials", {"materials": [2, 3]}),
        (OTHER_CLERK, "post", f"/api/v1/cases/{number}/refusal", {"reason": "不予受理"}),
        (OTHER_APPROVER, "post", f"/api/v1/cases/{accepted}/steps/审查/actions", {}),
        (OTHER_HEAD, "post", f"/api/v1/cases/{accepted}/extensions", {"days": 5, "reason": "复杂"}),
        (OTHER_APPROVER, "post", f"/api/v1/cases/{accepted}/special-procedures",
         {"kind": "hearing", "expected_days": 5, "reason": "听证"}),
    ]:
        response = getattr(clients[login], method)(path, **({"json": body} if body is not None else {}))
        assert response.status_code == 404, (path, response.text)
        assert response.json() == {**missing.json(), "reason": response.json()["reason"]}
        assert response.json()["field"] == "number"
    assert count(db_url) == entries
    assert state_of(db_url, number) == "awaiting_materials" and state_of(db_url, accepted) == "in_progress"


def test_departments_of_a_parallel_step_read_and_do_their_branch(hall, api_client, db_url):
    """Parallel approval: the case is done when all departments are done [approval-and-supervision.md,
    "Service-centre practice"]."""
    number = receive(db_url, item=PARALLEL)
    other = api_client(OTHER_APPROVER)
    assert other.get(f"/api/v1/cases/{number}").status_code == 200
    done = other.post(f"/api/v1/cases/{number}/steps/审查/actions", json={"note": "税务无异议"})
    assert done.status_code == 200 and done.json()["active_steps"] == ["审查", "审查"]
    api_client(THIRD_APPROVER).post(f"/api/v1/cases/{number}/steps/审查/actions", json={})
    last = api_client(APPROVER).post(f"/api/v1/cases/{number}/steps/审查/actions", json={})
    assert last.json()["active_steps"] == ["决定"]


@pytest.mark.parametrize(("login", "method", "path"), [
    (APPROVER, "post", "/api/v1/cases"),
    (FINANCE, "post", "/api/v1/cases/X/steps/审查/actions"),
    (CLERK, "post", "/api/v1/cases/X/fees"),
    (CLERK, "post", "/api/v1/cases/X/extensions"),
    (HEAD, "post", "/api/v1/cases/X/extension-requests"),
    (CLERK, "post", "/api/v1/cases/X/special-procedures"),
    (APPROVER, "post", "/api/v1/cases/X/result"),
    (DISCLOSURE, "get", "/api/v1/cases"),
    (CLERK, "get", "/api/v1/queue"),
])
def test_a_role_without_the_authority_is_refused_and_audited(hall, api_client, db_url, login, method, path):
    caller = api_client(login)
    response = caller.get(path) if method == "get" else caller.post(path, json={})
    assert response.status_code == 403 and response.json()["field"] == "authorization"
    assert actions(db_url)[-1] == "auth.refused"


def test_anonymous_callers_are_refused(hall, client, db_url):
    number = receive(db_url)
    for method, path in [("get", "/api/v1/cases"), ("get", f"/api/v1/cases/{number}"), ("post", "/api/v1/cases"),
                         ("post", f"/api/v1/cases/{number}/steps/审查/actions"), ("get", "/api/v1/queue")]:
        response = getattr(client, method)(path)
        assert response.status_code == 401 and response.json()["field"] == "authorization", path
    assert state_of(db_url, number) == "in_progress"


# -- the steps -------------------------------------------------------------------------------------------
def test_steps_through_to_delivery(hall, api_client, db_url):
    """受理 → 审查 → 决定 → 办结 → 送达 [approval-and-supervision.md, "Service-centre practice";
    行政许可法 Art. 44]."""
    number = receive(db_url)
    review = api_client(APPROVER).post(f"/api/v1/cases/{number}/steps/审查/actions", json={"note": "材料真实"})
    assert review.status_code == 200, review.text
    assert review.json() | {"done_at": None} == {"number": number, "step": "审查", "outcome": "done",
                                                   "done_at": None, "state": "in_progress", "active_steps": ["决定"]}
    decide = api_client(HEAD).post(f"/api/v1/cases/{number}/steps/决定/actions",
                                   json={"decision": "grant", "legal_basis": "《食品安全法》第三十五条"})
    assert decide.json()["outcome"] == "grant"
    assert api_client(CLERK).post(f"/api/v1/cases/{number}/steps/办结/actions", json={}).json()["state"] == "completed"
    delivered = api_client(CLERK).post(f"/api/v1/cases/{number}/result", json={"result_number": "JY1330100001"})
    assert delivered.status_code == 200 and delivered.json()["state"] == "delivered"
    detail = api_client(SUPERVISOR).get(f"/api/v1/cases/{number}").json()
    assert detail["result_number"] == "JY1330100001" and detail["decision"] == "grant"
    assert all(s["state"] == "done" for s in detail["steps"])


def test_out_of_order_step_is_refused_recorded_and_changes_nothing(hall, api_client, db_url):
    """A step cannot be skipped; the attempt is recorded [approval-and-supervision.md, "Service-centre
    practice"; trigger 8]."""
    number = receive(db_url)
    response = api_client(HEAD).post(f"/api/v1/cases/{number}/steps/决定/actions", json={"decision": "grant"})
    assert response.status_code == 409 and response.json()["field"] == "step"
    assert "out_of_order" in refused_steps(db_url)[-1] and "决定" in refused_steps(db_url)[-1]
    assert count(db_url, AuditEntry, AuditEntry.action == "approval.step_done") == 0
    detail = api_client(HEAD).get(f"/api/v1/cases/{number}").json()
    assert [s["state"] for s in detail["steps"]] == ["done", "active", "pending", "pending", "pending"]
    assert detail["history"][-1]["label"] == "操作被拒绝并记录"


def test_unauthorised_step_is_refused_and_recorded(hall, api_client, db_url):
    """Actions by someone without the authority are refused and recorded [approval-and-supervision.md,
    "Service-centre practice"; trigger 8]."""
    number = receive(db_url)
    response = api_client(CLERK).post(f"/api/v1/cases/{number}/steps/审查/actions", json={})
    assert response.status_code == 403 and response.json()["field"] == "actor"
    assert "unauthorised" in refused_steps(db_url)[-1]
    assert count(db_url, AuditEntry, AuditEntry.action == "approval.step_done") == 0


@pytest.mark.parametrize(("step", "body", "status", "field"), [
    ("盖章", {}, 422, "step"),
    ("审查", {"decision": "maybe"}, 422, "decision"),
    ("审查", {"note": "x" * 1001}, 422, "note"),
    ("审查", {"note": 5}, 422, "note"),
    ("审查", {"extra": 1}, 422, "extra"),
])
def test_bad_step_input_names_the_field_and_changes_nothing(hall, api_client, db_url, step, body, status, field):
    number = receive(db_url)
    approver = api_client(APPROVER)
    entries = count(db_url)
    response = approver.post(f"/api/v1/cases/{number}/steps/{step}/actions", json=body)
    assert response.status_code == status and response.json()["field"] == field, response.text
    assert count(db_url) == entries


def test_a_decision_step_needs_a_decision(hall, api_client, db_url):
    number = receive(db_url)
    act(db_url, number, "审查", APPROVER)
    response = api_client(HEAD).post(f"/api/v1/cases/{number}/steps/决定/actions", json={"note": "同意"})
    assert response.status_code == 422 and response.json()["field"] == "decision"


# -- time not counted, extension ---------------------------------------------------------------------------
def test_special_procedure_pauses_and_resumes(hall, api_client, db_url):
    """The hearing's time is not counted; the applicant is told in writing how long [行政许可法 Art. 45]."""
    number = receive(db_url)
    approver = api_client(APPROVER)
    bad = approver.post(f"/api/v1/cases/{number}/special-procedures",
                        json={"kind": "picnic", "expected_days": 5, "reason": "x"})
    assert bad.status_code == 422 and bad.json()["field"] == "kind"
    begun = approver.post(f"/api/v1/cases/{number}/special-procedures",
                          json={"kind": "hearing", "expected_days": 5, "reason": "申请人要求听证"})
    assert begun.status_code == 201 and "第四十五条" in begun.json()["text"] and "5个工作日" in begun.json()["text"]
    detail = approver.get(f"/api/v1/cases/{number}").json()
    assert detail["state"] == "suspended" and detail["suspended_for"] == "hearing"
    assert all(c["paused"] for c in detail["clocks"])
    blocked = approver.post(f"/api/v1/cases/{number}/steps/审查/actions", json={})
    assert blocked.status_code == 409 and blocked.json()["field"] == "case"
    ended = approver.post(f"/api/v1/cases/{number}/special-procedures/end", json={"note": "听证结束"})
    assert ended.status_code == 200 and ended.json()["state"] == "in_progress" and ended.json()["excluded_days"] == 0
    again = approver.post(f"/api/v1/cases/{number}/special-procedures/end")
    assert again.status_code == 409


def test_correction_requested_by_approver_and_received_at_the_window(hall, api_client, db_url):
    """补正 time is not counted [calendar-and-clocks.md, "Counting a time limit"]."""
    number = receive(db_url)
    too_long = api_client(APPROVER).post(f"/api/v1/cases/{number}/corrections", json={"missing": ["很长" * 50] * 5})
    assert too_long.status_code == 422 and too_long.json()["field"] == "missing"
    notice = api_client(APPROVER).post(f"/api/v1/cases/{number}/corrections",
                                       json={"missing": ["平面图比例不符", "缺少消防验收意见"]})
    assert notice.status_code == 201 and notice.json()["missing"] == ["平面图比例不符", "缺少消防验收意见"]
    assert state_of(db_url, number) == "suspended"
    received = api_client(CLERK).post(f"/api/v1/cases/{number}/corrections/received")
    assert received.status_code == 200 and received.json()["state"] == "in_progress"


def test_extension_is_requested_by_the_approver_and_granted_by_the_head_once(hall, api_client, db_url):
    """+10 working days at most, once, with the head's approval; the applicant is told why [行政许可法 Art. 42]."""
    number = receive(db_url)
    request = api_client(APPROVER).post(f"/api/v1/cases/{number}/extension-requests",
                                        json={"days": 8, "reason": "需现场核查"})
    assert request.status_code == 200 and request.json() == {"number": number, "days": 8, "asked": [HEAD]}
    with db.reading(db_url) as session:
        head = session.scalar(select(Person).where(Person.login == HEAD))
        [message] = session.scalars(select(InboxMessage).where(InboxMessage.person_id == head.id)
                                    .where(InboxMessage.title.contains(number))).all()
        assert message.link == f"/staff/cases/{number}" and "8个工作日" in message.body
    pending = api_client(HEAD).get(f"/api/v1/cases/{number}").json()["extension_request"]
    assert pending["days"] == 8 and pending["by"] == APPROVER
    too_many = api_client(HEAD).post(f"/api/v1/cases/{number}/extensions", json={"days": 11, "reason": "需现场核查"})
    assert too_many.status_code == 422 and too_many.json()["field"] == "days"
    granted = api_client(HEAD).post(f"/api/v1/cases/{number}/extensions", json={"days": 8, "reason": "需现场核查"})
    assert granted.status_code == 201 and "延长8个工作日" in granted.json()["text"]
    detail = api_client(HEAD).get(f"/api/v1/cases/{number}").json()
    assert detail["extension_request"] is None and {c["extension"] for c in detail["clocks"]} == {8}
    twice = api_client(HEAD).post(f"/api/v1/cases/{number}/extensions", json={"days": 1, "reason": "再次"})
    assert twice.status_code == 409 and twice.json()["field"] == "days"
    late = api_client(APPROVER).post(f"/api/v1/cases/{number}/extension-requests", json={"days": 1, "reason": "再次"})
    assert late.status_code == 409


def test_extension_by_a_head_of_a_parallel_department_is_refused_and_recorded(hall, api_client, db_url):
    """Only the head of the case's own department approves an extension [行政许可法 Art. 42]."""
    number = receive(db_url, item=PARALLEL)
    response = api_client(OTHER_HEAD).post(f"/api/v1/cases/{number}/extensions", json={"days": 5, "reason": "会商"})
    assert response.status_code == 403 and response.json()["field"] == "actor"
    assert "unauthorised" in refused_steps(db_url)[-1]


# -- fees --------------------------------------------------------------------------------------------------
def test_fees_in_fen_checked_against_the_standard(hall, api_client, db_url):
    """A fee above the standard or without a basis is a violation [approval-and-supervision.md, trigger 7]."""
    number = receive(db_url)
    cashier = api_client(CASHIER)
    within = cashier.post(f"/api/v1/cases/{number}/fees", json={"amount_fen": 5000, "basis": "省物价局收费文件"})
    assert within.status_code == 201 and within.json()["within_standard"] is True
    above = cashier.post(f"/api/v1/cases/{number}/fees", json={"amount_fen": 3000, "basis": "省物价局收费文件"})
    assert above.json()["within_standard"] is True and above.json()["fee_charged_fen"] == 8000
    no_basis = cashier.post(f"/api/v1/cases/{number}/fees", json={"amount_fen": 100})
    assert no_basis.json()["within_standard"] is False
    entries = count(db_url)
    for amount in (-1, 1.5, "50", None, True, 10**9):
        response = cashier.post(f"/api/v1/cases/{number}/fees", json={"amount_fen": amount})
        assert response.status_code == 422 and response.json()["field"] == "amount_fen", amount
    assert count(db_url, FeeCharge) == 3 and count(db_url) == entries
    assert api_client(FINANCE).post(f"/api/v1/cases/{number}/fees", json={"amount_fen": 1}).status_code == 201


# -- documentation --------------------------------------------------------------------------------------
def test_openapi_documents_every_case_route_with_bodies(hall, client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    expected = {
        ("get", "/api/v1/cases"), ("post", "/api/v1/cases"), ("get", "/api/v1/cases/{number}"),
        ("post", "/api/v1/cases/{number}/materials"), ("post", "/api/v1/cases/{number}/refusal"),
        ("post", "/api/v1/cases/{number}/steps/{step}/actions"), ("post", "/api/v1/cases/{number}/special-procedures"),
        ("post", "/api/v1/cases/{number}/special-procedures/end"), ("post", "/api/v1/cases/{number}/corrections"),
        ("post", "/api/v1/cases/{number}/corrections/received"), ("post", "/api/v1/cases/{number}/extension-requests"),
        ("post", "/api/v1/cases/{number}/extensions"), ("post", "/api/v1/cases/{number}/fees"),
        ("post", "/api/v1/cases/{number}/result"), ("get", "/api/v1/queue"),
    }
    for method, path in expected:
        operation = paths[path][method]
        assert operation["tags"] == ["cases"] and operation["description"], (method, path)
    assert not any(p.startswith("/staff") for p in paths)
    fee = schema["components"]["schemas"]["FeeIn"]["properties"]["amount_fen"]
    assert fee["type"] == "integer" and fee["minimum"] == 0 and "fen" in fee["description"]
    assert set(schema["components"]["schemas"]["SpecialProcedureIn"]["properties"]["kind"]["enum"]) >= {"hearing"}


def test_notices_are_listed_with_the_case(hall, api_client, db_url):
    number = receive(db_url, materials=[])
    notices = api_client(CLERK).get(f"/api/v1/cases/{number}").json()["notices"]
    with db.reading(db_url) as session:
        stored = session.scalars(select(CaseNotice.text)).all()
    assert [n["text"] for n in notices] == stored and notices[0]["kind"] == "materials"


def test_detail_shows_each_steps_due_day_and_overrun(hall, api_client, db_url):
    """A step that ran over its time share is marked overdue in the staff view (approval-and-supervision.md,
    monitoring point "step over its share"); a step still within its share is not."""
    late = receive(db_url, days_ago=14)  # 审查 has a 4-working-day share: two weeks on, it ran over
    fresh = receive(db_url)
    late_review = next(s for s in api_client(CLERK).get(f"/api/v1/cases/{late}").json()["steps"] if s["step"] == "审查")
    fresh_review = next(s for s in api_client(CLERK).get(f"/api/v1/cases/{fresh}").json()["steps"]
                        if s["step"] == "审查")
    assert late_review["overdue"] is True and late_review["due_on"] < fresh_review["due_on"]
    assert fresh_review["overdue"] is False
