"""The case lifecycle of the approval module (approval/service.py) on SQLite and PostgreSQL.

Due dates are asserted against the 2026 State Council holiday notice [calendar-and-clocks.md]:
working days only, day one the first working day after acceptance [行政许可法 Art. 82].
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.approval_factories import REQUIRED, make_hall
from tests.factories import at
from yangguang.approval import queries, service
from yangguang.approval.models import Case, CaseNotice, CaseStep, FeeCharge
from yangguang.core import audit
from yangguang.core.audit import AuditEntry
from yangguang.core.clocks import Clock, ClockState, Obligation, ObligationState
from yangguang.core.errors import Conflict, Forbidden, InvalidInput, NotFound

APPLICANT = {"name": "某某餐饮有限公司", "type": "2", "id_number": "91330100MA2ABCDE1X", "phone": "13800000000"}


@pytest.fixture
def hall(db):
    return make_hall(db)


def receive(db, hall, when="2026-03-02 09:00", materials=tuple(REQUIRED), item="SCJ-0001", **kw):
    kw.setdefault("channel", "1")
    return service.receive_application(db, item_code=item, clerk=hall.clerk, window_number="A01",
                                       applicant=APPLICANT, materials=materials, at=at(when), **kw)


def case_clocks(db, case) -> dict[str, Clock]:
    return {c.kind: c for c in db.scalars(select(Clock).where(Clock.obligation_id == case.obligation_id))}


def step_clock(db, case, name) -> Clock:
    row = next(r for r in case.steps if r.name == name and r.state == "active")
    return db.scalar(select(Clock).where(Clock.obligation_id == row.obligation_id))


def of_type(events, kind):
    return [e for e in events if e.type == kind]


def refused_entries(db) -> list[dict]:
    return [json.loads(e.data) for e in db.scalars(
        select(AuditEntry).where(AuditEntry.action == "refused:approval.action_refused").order_by(AuditEntry.seq))]


def count(db, action) -> int:
    return db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


# -- acceptance -------------------------------------------------------------------------------------
def test_complete_application_is_accepted_with_promised_and_statutory_clocks(db, hall, events):
    """Promised and statutory clocks from acceptance, in working days [approval-and-supervision.md, "Licensing-law
    time limits"; 行政许可法 Arts. 42, 82]."""
    case = receive(db, hall, "2026-09-29 10:00")
    assert case.state == "in_progress"
    assert case.number == "2026SCJ000001" and len(case.query_code) == 6 and case.query_code.isdigit()
    clocks = case_clocks(db, case)
    # 10 working days from Tue 29 Sep 2026: 30 Sep, (1–7 Oct off) 8, 9, Sat 10 Oct (worked), 12–16, 19 Oct
    assert clocks["promised"].due_day == date(2026, 10, 19)
    assert clocks["promised"].due_at == at("2026-10-20 00:00")
    # 20 working days: … 19 Oct is day 10, then 20–23, 26–30 Oct and 2 Nov [行政许可法 Arts. 42, 82]
    assert clocks["statutory"].due_day == date(2026, 11, 2)
    assert clocks["promised"].extension_max == 10 and clocks["statutory"].extension_max == 10
    steps = [(r.name, r.state) for r in case.steps]
    assert steps == [("受理", "done"), ("审查", "active"), ("决定", "pending"), ("办结", "pending"),
                     ("送达", "pending")]
    assert case.steps[0].actor_id == hall.clerk.id
    review = step_clock(db, case, "审查")
    assert review.limit == 4 and review.due_day == date(2026, 10, 10)  # 30 Sep, 8, 9 and Sat 10 Oct (worked)
    obligation = db.get(Obligation, case.obligation_id)
    assert (obligation.kind, obligation.unit_id, obligation.person_id, obligation.window_id) == (
        "approval.case", hall.unit.id, hall.clerk.id, hall.window.id)
    [accepted] = of_type(events, "approval.case_accepted")
    assert accepted.unit_id == hall.unit.id and accepted.person_id == hall.clerk.id
    assert accepted.obligation_id == obligation.id
    assert accepted.data["missing_required"] == [] and accepted.data["channel"] == "1"
    assert accepted.data["online_only"] is False
    assert receive(db, hall, "2026-09-29 11:00").number == "2026SCJ000002"


def test_incomplete_application_gets_one_notice_listing_everything_then_is_accepted(db, hall, events):
    """一次性告知 [行政许可法 Art. 32]: everything missing at once; clocks start at acceptance."""
    case = receive(db, hall, "2026-03-02 09:00", materials=["食品经营许可申请书"])
    assert case.state == "awaiting_materials" and case.obligation_id is None and case.accepted_at is None
    [notice] = db.scalars(select(CaseNotice).where(CaseNotice.case_id == case.id)).all()
    assert notice.kind == "materials" and notice.missing == ["营业执照复印件", "经营场所平面图"]
    assert "营业执照复印件" in notice.text and "经营场所平面图" in notice.text and "第三十二条" in notice.text
    assert "其他说明材料" not in notice.text  # optional materials are not demanded
    assert of_type(events, "approval.notice_issued")[0].data["missing"] == ["营业执照复印件", "经营场所平面图"]

    service.supply_materials(db, case, hall.clerk, ["营业执照复印件"], at=at("2026-03-03 10:00"))
    assert case.state == "awaiting_materials"
    second = db.scalars(select(CaseNotice).where(CaseNotice.case_id == case.id).order_by(CaseNotice.id)).all()[-1]
    assert second.missing == ["经营场所平面图"]

    service.supply_materials(db, case.number, "clerk1", ["经营场所平面图"], at=at("2026-03-04 10:00"))
    assert case.state == "in_progress" and case.accepted_at == at("2026-03-04 10:00")
    assert case_clocks(db, case)["promised"].due_day == date(2026, 3, 18)  # 10 working days from Wed 4 Mar
    with pytest.raises(Conflict):
        service.supply_materials(db, case, hall.clerk, [], at=at("2026-03-04 11:00"))


def test_receipt_input_errors_name_the_field(db, hall):
    with pytest.raises(NotFound) as err:
        receive(db, hall, item="NOPE")
    assert err.value.field == "item"
    hall.items["food"].active = False
    with pytest.raises(NotFound) as err:
        receive(db, hall)
    assert err.value.field == "item"
    hall.items["food"].active = True
    with pytest.raises(InvalidInput) as err:
        receive(db, hall, materials=["不存在的材料"])
    assert err.value.field == "materials"
    with pytest.raises(InvalidInput) as err:
        receive(db, hall, channel="7")
    assert err.value.field == "channel"
    with pytest.raises(Forbidden):
        service.receive_application(db, item_code="SCJ-0001", clerk=hall.approver, window_number="A01", channel="1",
                                    applicant=APPLICANT, at=at("2026-03-02 09:00"))
    with pytest.raises(NotFound) as err:
        service.receive_application(db, item_code="SCJ-0001", clerk=hall.clerk, window_number="Z99", channel="1",
                                    applicant=APPLICANT, at=at("2026-03-02 09:00"))
    assert err.value.field == "window"
    assert db.scalar(select(func.count()).select_from(Case)) == 0


def test_forced_acceptance_and_offline_handling_of_online_only_item_are_reported(db, hall, events):
    """Triggers 6 and 8: an online-only item handled offline; acceptance without the required materials
    [approval-and-supervision.md, E-supervision]."""
    receive(db, hall, materials=["食品经营许可申请书"], force_accept=True)
    receive(db, hall, item="SCJ-0002", channel="1")
    first, second = of_type(events, "approval.case_accepted")
    assert first.data["missing_required"] == ["营业执照复印件", "经营场所平面图"]
    assert second.data["online_only"] is True and second.data["channel"] == "1"


def test_refusing_a_complete_application_is_reported(db, hall, events):
    """Trigger 1: a valid application refused [approval-and-supervision.md, E-supervision]."""
    case = receive(db, hall)
    notice = service.refuse_application(db, case, hall.clerk, "不属于本机关职权范围", "", at=at("2026-03-02 10:00"))
    assert case.state == "refused" and notice.kind == "refusal" and "不予受理" in notice.text
    [event] = of_type(events, "approval.application_refused")
    assert event.data["materials_complete"] is True and event.data["has_legal_basis"] is False
    obligation = db.get(Obligation, case.obligation_id)
    assert obligation.state == ObligationState.CANCELLED
    assert all(c.state == ClockState.STOPPED for c in obligation.clocks)


# -- fixed order (流程固化) and authority ----------------------------------------------------------
def test_out_of_order_skipped_and_repeated_steps_are_refused_and_recorded(db, hall, events):
    """Fixed steps (流程固化): skipped, repeated or out-of-order actions are refused and recorded
    [approval-and-supervision.md, "Service-centre practice"; trigger 8]."""
    case = receive(db, hall)
    number = case.number
    db.commit()
    with pytest.raises(Conflict) as err:  # skip 审查
        service.act_on_step(db, number, "决定", hall.head, decision="grant", at=at("2026-03-03 09:00"))
    assert err.value.field == "step"
    case = service.get_case(db, number)
    assert [r.state for r in case.steps] == ["done", "active", "pending", "pending", "pending"]
    assert count(db, "approval.step_done") == 0
    assert refused_entries(db)[-1]["reason"] == "out_of_order" and refused_entries(db)[-1]["step"] == "决定"

    service.act_on_step(db, number, "审查", hall.approver, at=at("2026-03-03 10:00"))
    db.commit()
    with pytest.raises(Conflict):  # repeat 审查
        service.act_on_step(db, number, "审查", hall.approver, at=at("2026-03-03 11:00"))
    entries = refused_entries(db)
    assert len(entries) == 2 and entries[-1] == {**entries[-1], "reason": "out_of_order", "step": "审查",
                                                  "case": number}
    assert count(db, "approval.step_done") == 1
    refused = of_type(events, "approval.action_refused")
    assert [e.data["reason"] for e in refused] == ["out_of_order", "out_of_order"]
    assert refused[0].unit_id == hall.unit.id and refused[0].person_id == hall.head.id


def test_acting_on_a_case_awaiting_materials_is_out_of_order(db, hall):
    """Nothing can be done on a case not yet accepted [approval-and-supervision.md, "Service-centre practice"]."""
    case = receive(db, hall, materials=[])
    number = case.number
    db.commit()
    with pytest.raises(Conflict):
        service.act_on_step(db, number, "审查", hall.approver, at=at("2026-03-03 10:00"))
    assert refused_entries(db)[-1]["reason"] == "out_of_order"


def test_unauthorised_role_and_other_department_are_refused_and_recorded(db, hall, events):
    """Actions by someone without the authority are refused and recorded [approval-and-supervision.md,
    "Service-centre practice"; trigger 8]."""
    case = receive(db, hall)
    number = case.number
    db.commit()
    with pytest.raises(Forbidden):  # a clerk cannot review
        service.act_on_step(db, number, "审查", hall.clerk, at=at("2026-03-03 09:00"))
    with pytest.raises(Forbidden):  # an approver of another department cannot either
        service.act_on_step(db, number, "审查", hall.other_approver, at=at("2026-03-03 09:30"))
    case = service.get_case(db, number)
    assert case.steps[1].state == "active" and case.steps[1].actor_id is None
    assert count(db, "approval.step_done") == 0
    assert [(e["reason"], e["actor"]) for e in refused_entries(db)] == [
        ("unauthorised", "clerk1"), ("unauthorised", "swj_appr")]
    assert [e.person_id for e in of_type(events, "approval.action_refused")] == [hall.clerk.id,
                                                                                   hall.other_approver.id]


def test_unknown_step_or_missing_decision_is_plain_bad_input(db, hall):
    case = receive(db, hall)
    with pytest.raises(InvalidInput) as err:
        service.act_on_step(db, case, "盖章", hall.approver, at=at("2026-03-03 09:00"))
    assert err.value.field == "step"
    service.act_on_step(db, case, "审查", hall.approver, at=at("2026-03-03 09:00"))
    with pytest.raises(InvalidInput) as err:
        service.act_on_step(db, case, "决定", hall.head, decision="maybe", at=at("2026-03-03 10:00"))
    assert err.value.field == "decision"
    assert case.steps[2].state == "active"


def test_full_five_step_lifecycle(db, hall, events):
    """受理 → 审查 → 决定 → 办结 → 送达 [approval-and-supervision.md, "Service-centre practice"]."""
    case = receive(db, hall, "2026-03-02 09:00")
    review = service.act_on_step(db, case, "审查", hall.approver, note="材料真实", at=at("2026-03-03 15:00"))
    assert review.actor_id == hall.approver.id
    step_obligation = db.get(Obligation, review.obligation_id)
    assert step_obligation.state == "done" and step_obligation.person_id == hall.approver.id
    assert step_obligation.clocks[0].used == 1
    service.act_on_step(db, case, "决定", hall.head, decision="grant", at=at("2026-03-04 10:00"))
    assert case.decision == "grant"
    service.act_on_step(db, case, "办结", hall.clerk, at=at("2026-03-05 10:00"))
    assert case.state == "completed" and case.completed_at == at("2026-03-05 10:00")
    clocks = case_clocks(db, case)
    assert all(c.state == ClockState.STOPPED for c in clocks.values()) and clocks["promised"].used == 3
    service.act_on_step(db, case, "送达", hall.clerk, result_number="JY13301000000001", at=at("2026-03-06 10:00"))
    assert case.state == "delivered" and case.result_number == "JY13301000000001"
    assert all(r.state == "done" for r in case.steps)
    assert db.scalar(select(func.count()).select_from(Obligation).where(Obligation.state == "open")) == 0
    [decided] = of_type(events, "approval.decided")
    assert decided.data == {"case": case.number, "decision": "grant", "has_legal_basis": False}
    [completed] = of_type(events, "approval.case_completed")
    assert completed.data["late"] is False and completed.data["promised_used"] == 3
    assert completed.data["promised_limit"] == 10
    assert len(of_type(events, "approval.case_delivered")) == 1
    service.rate_case(db, case, "1", "terminal", at=at("2026-03-06 10:05"))
    assert case.satisfaction == "1"
    assert of_type(events, "approval.rated")[0].data["rating"] == "1"
    with pytest.raises(Conflict):
        service.rate_case(db, case, "5", "web", at=at("2026-03-06 10:06"))
    with pytest.raises(InvalidInput):
        service.rate_case(db, receive(db, hall), "6", "web", at=at("2026-03-06 10:06"))
    assert audit.verify(db).ok


def test_denial_reports_whether_a_legal_basis_was_given(db, hall, events):
    """Trigger 5: a refusal without legal reasons [approval-and-supervision.md, E-supervision; 行政许可法 Art. 38]."""
    case = receive(db, hall)
    service.act_on_step(db, case, "审查", hall.approver, at=at("2026-03-03 09:00"))
    service.act_on_step(db, case, "决定", hall.head, decision="deny", at=at("2026-03-03 10:00"))
    assert case.decision == "deny"
    assert of_type(events, "approval.decided")[0].data["has_legal_basis"] is False
    other = receive(db, hall)
    service.act_on_step(db, other, "审查", hall.approver, at=at("2026-03-03 09:00"))
    service.act_on_step(db, other, "决定", hall.head, decision="deny", legal_basis="《食品安全法》第三十五条",
                        at=at("2026-03-03 10:00"))
    assert other.decision_basis == "《食品安全法》第三十五条"
    assert of_type(events, "approval.decided")[1].data["has_legal_basis"] is True


# -- time not counted and extension -----------------------------------------------------------------
def test_special_procedure_pauses_case_and_step_clocks_and_resume_moves_the_due_day(db, hall, events):
    """Art. 45: the hearing's time is not counted; the applicant is told in writing how long."""
    case = receive(db, hall, "2026-03-02 09:00")
    assert case_clocks(db, case)["promised"].due_day == date(2026, 3, 16)
    assert step_clock(db, case, "审查").due_day == date(2026, 3, 6)
    notice = service.begin_special_procedure(db, case, hall.approver, "hearing", 5, "申请人要求听证",
                                             at=at("2026-03-04 10:00"))
    assert case.state == "suspended" and notice.kind == "special_procedure"
    assert "听证" in notice.text and "5个工作日" in notice.text and "第四十五条" in notice.text
    assert all(c.state == ClockState.PAUSED for c in case_clocks(db, case).values())
    with pytest.raises(Conflict):
        service.act_on_step(db, case, "审查", hall.approver, at=at("2026-03-05 10:00"))
    with pytest.raises(Conflict):
        service.correction_received(db, case, hall.clerk, at=at("2026-03-05 10:00"))
    excluded = service.end_special_procedure(db, case, hall.approver, at=at("2026-03-11 10:00"))
    assert excluded == 5  # 5, 6, 9, 10, 11 March are not counted
    clocks = case_clocks(db, case)
    assert case.state == "in_progress" and clocks["promised"].state == ClockState.RUNNING
    assert clocks["promised"].due_day == date(2026, 3, 23)
    assert clocks["statutory"].due_day == date(2026, 4, 7)  # 30 Mar + 5 working days (4–6 Apr off)
    assert step_clock(db, case, "审查").due_day == date(2026, 3, 13)
    assert [e.data["kind"] for e in of_type(events, "approval.special_procedure_ended")] == ["hearing"]
    with pytest.raises(InvalidInput) as err:
        service.begin_special_procedure(db, case, hall.approver, "picnic", 3, "x", at=at("2026-03-12 10:00"))
    assert err.value.field == "kind"


def test_correction_during_review_pauses_until_received(db, hall):
    """Time for a correction (补正) is not counted [calendar-and-clocks.md, "Counting a time limit"]."""
    case = receive(db, hall, "2026-03-02 09:00")
    notice = service.request_correction(db, case, hall.approver, ["平面图比例不符", "缺少消防验收意见"],
                                        at=at("2026-03-03 10:00"))
    assert notice.missing == ["平面图比例不符", "缺少消防验收意见"] and case.state == "suspended"
    with pytest.raises(Conflict):
        service.end_special_procedure(db, case, hall.approver, at=at("2026-03-04 10:00"))
    assert service.correction_received(db, case, hall.clerk, at=at("2026-03-05 10:00")) == 2
    assert case_clocks(db, case)["promised"].due_day == date(2026, 3, 18)


def test_extension_once_by_at_most_ten_working_days(db, hall, events):
    """Art. 42: +10 days with the head's approval, once; the reason is told to the applicant."""
    case = receive(db, hall, "2026-03-02 09:00")
    with pytest.raises(InvalidInput) as err:
        service.extend_case(db, case, hall.head, 11, "情况复杂", at=at("2026-03-10 10:00"))
    assert err.value.field == "days"
    notice = service.extend_case(db, case, hall.head, 10, "需现场核查", at=at("2026-03-10 10:00"))
    assert notice.kind == "extension" and "延长10个工作日" in notice.text and "2026年3月30日" in notice.text
    clocks = case_clocks(db, case)
    assert clocks["promised"].due_day == date(2026, 3, 30) and clocks["statutory"].due_day == date(2026, 4, 14)
    assert of_type(events, "approval.case_extended")[0].data["days"] == 10
    with pytest.raises(Conflict) as err:
        service.extend_case(db, case, hall.head, 1, "再次延期", at=at("2026-03-11 10:00"))
    assert "已延期一次" in err.value.reason


def test_extension_by_someone_who_is_not_the_head_is_refused_and_recorded(db, hall):
    """Only the head approves an extension [行政许可法 Art. 42]."""
    case = receive(db, hall)
    number = case.number
    db.commit()
    with pytest.raises(Forbidden):
        service.extend_case(db, number, hall.approver, 5, "需现场核查", at=at("2026-03-10 10:00"))
    with pytest.raises(Forbidden):
        service.extend_case(db, number, hall.other_head, 5, "需现场核查", at=at("2026-03-10 10:00"))
    assert [(e["reason"], e["step"]) for e in refused_entries(db)] == [("unauthorised", "延期")] * 2
    assert all(c.extension == 0 for c in case_clocks(db, service.get_case(db, number)).values())


# -- parallel approval (并联审批) -------------------------------------------------------------------
def test_parallel_step_waits_for_every_department(db, hall):
    """Parallel approval: the case is done when all departments are done [approval-and-supervision.md,
    "Service-centre practice"]."""
    case = receive(db, hall, item="SCJ-0003")
    assert case.parallel
    branches = [r for r in case.steps if r.name == "审查"]
    assert sorted(r.unit_id for r in branches) == sorted([hall.unit.id, hall.other_unit.id, hall.third_unit.id])
    assert all(r.state == "active" and r.obligation_id for r in branches)
    clocks = case_clocks(db, case)
    assert clocks["statutory"].limit == 45 and clocks["statutory"].extension_max == 15  # Art. 42 para. 2
    assert clocks["statutory"].due_day == date(2026, 5, 8)

    service.act_on_step(db, case, "审查", hall.other_approver, at=at("2026-03-03 10:00"))
    service.act_on_step(db, case, "审查", hall.approver, at=at("2026-03-03 11:00"))
    assert next(r for r in case.steps if r.name == "决定").state == "pending"
    service.act_on_step(db, case, "审查", hall.third_approver, at=at("2026-03-04 11:00"))
    decide = next(r for r in case.steps if r.name == "决定")
    assert decide.state == "active" and decide.started_at == at("2026-03-04 11:00")
    service.extend_case(db, case, hall.head, 15, "联合审批需会商", at=at("2026-03-05 10:00"))
    assert case_clocks(db, case)["statutory"].extension == 15


def test_a_department_repeating_its_parallel_branch_is_refused(db, hall):
    """A step cannot be repeated [approval-and-supervision.md, "Service-centre practice"]."""
    case = receive(db, hall, item="SCJ-0003")
    number = case.number
    service.act_on_step(db, case, "审查", hall.other_approver, at=at("2026-03-03 10:00"))
    db.commit()
    with pytest.raises(Conflict):
        service.act_on_step(db, number, "审查", hall.other_approver, at=at("2026-03-03 11:00"))
    rows = db.scalars(select(CaseStep).where(CaseStep.name == "审查").order_by(CaseStep.id)).all()
    assert sorted(r.state for r in rows) == ["active", "active", "done"]


# -- fees -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("amount", [50.0, -1, True, Decimal("12.5"), "5000", None])
def test_bad_fee_amounts_are_refused_and_nothing_is_written(db, hall, events, amount):
    """Money in fen, never float; a negative fee is bad input [DESIGN.md, Conventions; approval-and-supervision.md,
    fees]."""
    case = receive(db, hall)
    with pytest.raises(InvalidInput) as err:
        service.charge_fee(db, case, hall.finance, amount, "省物价局收费文件", at=at("2026-03-02 10:00"))
    assert err.value.field == "amount_fen"
    assert db.scalar(select(func.count()).select_from(FeeCharge)) == 0
    assert case.fee_charged_fen == 0 and count(db, "approval.fee_charged") == 0
    assert not of_type(events, "approval.fee_charged")


def test_fee_within_and_above_the_standard(db, hall, events):
    """Trigger 7: a fee above the standard or without basis [approval-and-supervision.md, E-supervision and
    "Service-centre practice"]."""
    case = receive(db, hall)
    ok = service.charge_fee(db, case, hall.finance, Decimal("5000"), "省物价局收费文件", at=at("2026-03-02 10:00"))
    assert ok.within_standard and ok.amount_fen == 5000
    high = service.charge_fee(db, case, "fin1", 8000, "省物价局收费文件", at=at("2026-03-02 10:05"))
    assert high.within_standard is False and db.get(FeeCharge, high.id) is not None
    assert case.fee_charged_fen == 13000
    bare = service.charge_fee(db, case, hall.finance, 100, "", at=at("2026-03-02 10:06"))
    assert bare.within_standard is False
    data = [e.data for e in of_type(events, "approval.fee_charged")]
    assert [(d["amount_fen"], d["standard_fen"], d["has_basis"], d["within_standard"]) for d in data] == [
        (5000, 5000, True, True), (8000, 5000, True, False), (100, 5000, False, False)]


def test_fee_by_someone_outside_the_finance_window_is_refused_and_recorded(db, hall):
    """Fees are charged only by the centre's finance window [approval-and-supervision.md, "Service-centre practice"]."""
    case = receive(db, hall)
    number = case.number
    db.commit()
    with pytest.raises(Forbidden):
        service.charge_fee(db, number, hall.clerk, 5000, "省物价局收费文件", at=at("2026-03-02 10:00"))
    assert db.scalar(select(func.count()).select_from(FeeCharge)) == 0
    assert refused_entries(db)[-1]["step"] == "收费"


def test_rules_raise_the_cards_the_events_call_for(db, hall):
    """The approval rules, evaluated by the supervision engine on the service's events."""
    from yangguang.supervision.models import Card

    case = receive(db, hall, materials=["食品经营许可申请书"], force_accept=True)
    service.charge_fee(db, case, hall.finance, 8000, "省物价局收费文件", at=at("2026-03-02 10:00"))
    service.act_on_step(db, case, "审查", hall.approver, at=at("2026-03-03 09:00"))
    service.act_on_step(db, case, "决定", hall.head, decision="deny", at=at("2026-03-03 10:00"))
    receive(db, hall, item="SCJ-0002")
    number = case.number
    db.commit()
    with pytest.raises(Forbidden):
        service.act_on_step(db, number, "办结", hall.other_approver, at=at("2026-03-03 11:00"))
    cards = {(c.rule_code, c.level) for c in db.scalars(select(Card))}
    assert {("approval.accepted_incomplete", "yellow"), ("approval.fee_violation", "red"),
            ("approval.deny_without_basis", "red"), ("approval.online_only_offline", "yellow"),
            ("approval.unauthorised", "red")} <= cards


# -- the public progress view -----------------------------------------------------------------------
def test_progress_shows_steps_and_time_but_never_the_applicant(db, hall):
    """The public sees each case's progress by number, never another person's data [approval-and-supervision.md,
    "Service-centre practice"]."""
    case = receive(db, hall, "2026-03-02 09:00")
    service.act_on_step(db, case, "审查", hall.approver, at=at("2026-03-03 15:00"))
    view = queries.case_progress(db, case.number, case.query_code, at=at("2026-03-05 12:00"))
    assert view["state"] == "in_progress" and view["item"] == "食品经营许可"
    assert view["steps_done"] == [{"step": "受理", "unit": "县市场监督管理局", "done_on": "2026-03-02"},
                                  {"step": "审查", "unit": "县市场监督管理局", "done_on": "2026-03-03"}]
    assert view["current"] == [{"step": "决定", "unit": "县市场监督管理局", "since": "2026-03-03"}]
    assert view["time"]["due_on"] == "2026-03-16" and view["time"]["used"] == 3 and view["time"]["left"] == 7
    text = json.dumps(view, ensure_ascii=False)
    for key in ("name", "id_number", "phone"):
        assert APPLICANT[key] not in text
    assert "applicant" not in text
    wrong_code = str((int(case.query_code) + 1) % 10**6).zfill(6)
    with pytest.raises(NotFound) as bad_code:
        queries.case_progress(db, case.number, wrong_code)
    with pytest.raises(NotFound) as bad_number:
        queries.case_progress(db, "2026SCJ999999", case.query_code)
    assert bad_code.value.as_dict() == bad_number.value.as_dict()


def test_list_cases_filters(db, hall):
    receive(db, hall)
    receive(db, hall, materials=[])
    assert len(queries.list_cases(db)) == 2
    assert [c.state for c in queries.list_cases(db, state="awaiting_materials")] == ["awaiting_materials"]
    assert queries.list_cases(db, unit="SWJ") == []
    with pytest.raises(InvalidInput):
        queries.list_cases(db, state="lost")


# -- command line ---------------------------------------------------------------------------------
def test_cli_show_and_progress(db, hall, run_cli):
    case = receive(db, hall)
    service.charge_fee(db, case, hall.finance, 5000, "省物价局收费文件", at=at("2026-03-02 10:00"))
    number, code = case.number, case.query_code
    db.commit()

    shown = run_cli("case", "show", number, "--json")
    assert shown.code == 0, shown.err
    detail = json.loads(shown.out)
    assert detail["applicant"]["name"] == APPLICANT["name"] and detail["fees"][0]["amount_fen"] == 5000
    assert {c["kind"] for c in detail["clocks"]} == {"promised", "statutory"}
    assert run_cli("case", "show", number).code == 0

    progress = run_cli("case", "progress", number, "--code", code, "--json")
    assert progress.code == 0, progress.err
    assert json.loads(progress.out)["number"] == number and APPLICANT["name"] not in progress.out
    wrong = run_cli("case", "progress", number, "--code", "000000" if code != "000000" else "111111")
    assert wrong.code == 2 and wrong.err.startswith("error: case:")
    assert run_cli("case", "show", "NOPE").code == 2
    listed = run_cli("case", "list", "--state", "in_progress", "--json")
    assert listed.code == 0 and [r["number"] for r in json.loads(listed.out)] == [number]


def test_clock_rules_step_over_its_share_only_while_the_case_is_within_its_promise(db, hall):
    """Trigger 3 (环节超时) vs trigger 2: swept by the supervision engine with the approval rules."""
    from tests.approval_factories import make_item
    from yangguang.supervision.models import Card
    from yangguang.supervision.sweep import sweep

    make_item(db, hall.unit, impl_code="SCJ-0009", name="短承诺事项", promised=3,
              steps=[("受理", "clerk", 0), ("审查", "approver", 4), ("办结", "clerk", 1)])
    within = receive(db, hall, "2026-03-02 09:00")  # 审查 due 6 Mar, promise due 16 Mar
    beyond = receive(db, hall, "2026-03-02 09:00", item="SCJ-0009")  # 审查 due 6 Mar, promise due 5 Mar
    sweep(db, at("2026-03-09 12:00"))
    cards = {(c.rule_code, c.subject, c.subject_id) for c in db.scalars(select(Card))}
    within_step = next(r for r in within.steps if r.name == "审查")
    beyond_step = next(r for r in beyond.steps if r.name == "审查")
    assert ("approval.step_overdue", "approval_case_step", str(within_step.id)) in cards
    assert ("approval.step_overdue", "approval_case_step", str(beyond_step.id)) not in cards
    assert ("approval.case_overdue", "approval_case", str(beyond.id)) in cards
    assert ("approval.case_near_due", "approval_case", str(beyond.id)) in cards


FIRST_REVIEW_STEPS = [("受理", "clerk", 0), ("初审", "approver", 25), ("办结", "clerk", 1)]


def test_a_first_review_forwarded_late_gets_its_card(db, hall):
    """Trigger 4: a first-instance unit forwarding late [approval-and-supervision.md, E-supervision]; the
    lower organ forwards within 20 days of acceptance [行政许可法 Art. 43; working days, Art. 82]."""
    from tests.approval_factories import make_item
    from yangguang.supervision.models import Card
    from yangguang.supervision.sweep import sweep

    make_item(db, hall.unit, impl_code="SCJ-0010", name="药品批发企业许可（初审）", promised=30, statutory=40,
              steps=FIRST_REVIEW_STEPS, first_review_step="初审")
    case = receive(db, hall, "2026-03-02 09:00", item="SCJ-0010")
    row = next(r for r in case.steps if r.name == "初审")
    first_review = db.scalar(select(Clock).where(Clock.obligation_id == row.obligation_id,
                                                 Clock.kind == "first_review"))
    assert first_review.limit == 20 and first_review.due_day.isoformat() == "2026-03-30"
    sweep(db, at("2026-03-30 18:00"))
    assert not db.scalars(select(Card).where(Card.rule_code == "approval.first_review_late")).all()
    sweep(db, at("2026-03-31 08:00"))
    late = db.scalars(select(Card).where(Card.rule_code == "approval.first_review_late")).all()
    assert [(c.level, c.subject_id) for c in late] == [("yellow", str(row.id))]
    assert "已超过初审报送时限（20个工作日" in late[0].reason


def test_a_first_review_forwarded_in_time_raises_nothing(db, hall):
    """[行政许可法 Art. 43]: forwarded on the 19th working day, no card."""
    from tests.approval_factories import make_item
    from yangguang.supervision.models import Card
    from yangguang.supervision.sweep import sweep

    make_item(db, hall.unit, impl_code="SCJ-0010", name="药品批发企业许可（初审）", promised=30, statutory=40,
              steps=FIRST_REVIEW_STEPS, first_review_step="初审")
    case = receive(db, hall, "2026-03-02 09:00", item="SCJ-0010")
    service.act_on_step(db, case.number, "初审", hall.approver, at=at("2026-03-27 10:00"))
    sweep(db, at("2026-04-30 08:00"))
    assert not db.scalars(select(Card).where(Card.rule_code == "approval.first_review_late")).all()


def test_default_catalogue_flow_completes_at_banjie_and_delivers_after(db, hall, events):
    """The catalogue's default flow 受理 → 审查 → 决定 → 办结 has no 送达 step (catalogue-format.md)."""
    from tests.approval_factories import make_item

    make_item(db, hall.unit, impl_code="SCJ-0010", name="默认流程事项",
              steps=[("受理", "clerk", 1), ("审查", "approver", 6), ("决定", "unit_head", 2), ("办结", "clerk", 1)])
    case = receive(db, hall, item="SCJ-0010")
    number = case.number
    service.act_on_step(db, case, "审查", hall.approver, at=at("2026-03-03 09:00"))
    db.commit()
    with pytest.raises(Conflict):
        service.deliver_result(db, number, hall.clerk, "R-1", at=at("2026-03-03 10:00"))
    assert refused_entries(db)[-1] == {**refused_entries(db)[-1], "reason": "out_of_order", "step": "送达"}
    case = service.get_case(db, number)
    service.act_on_step(db, case, "决定", hall.head, decision="grant", legal_basis="", at=at("2026-03-04 09:00"))
    service.act_on_step(db, case, "办结", hall.clerk, at=at("2026-03-04 10:00"))
    assert case.state == "completed"
    service.deliver_result(db, case, hall.clerk, "R-1", at=at("2026-03-05 10:00"))
    assert case.state == "delivered" and case.result_number == "R-1"
    assert of_type(events, "approval.case_delivered")[-1].data == {"case": number, "result_number": "R-1"}


def test_deliver_result_goes_through_the_songda_step_when_the_flow_has_one(db, hall):
    """Issue or serve the licence after the decision [行政许可法 Art. 44]."""
    case = receive(db, hall)
    for step, person, kw in [("审查", hall.approver, {}), ("决定", hall.head, {"decision": "grant"}),
                             ("办结", hall.clerk, {})]:
        service.act_on_step(db, case, step, person, at=at("2026-03-03 09:00"), **kw)
    service.deliver_result(db, case, hall.clerk, "R-2", at=at("2026-03-04 09:00"))
    assert case.state == "delivered" and case.steps[-1].state == "done" and case.result_number == "R-2"


def test_extension_during_a_special_procedure_takes_effect_on_resumption(db, hall):
    case = receive(db, hall, "2026-03-02 09:00")
    service.begin_special_procedure(db, case, hall.approver, "testing", 3, "送检", at=at("2026-03-04 10:00"))
    notice = service.extend_case(db, case, hall.head, 10, "检测结果复杂", at=at("2026-03-05 10:00"))
    assert "顺延" in notice.text
    service.end_special_procedure(db, case, hall.approver, at=at("2026-03-09 10:00"))  # 5, 6, 9 Mar not counted
    assert case_clocks(db, case)["promised"].due_day == date(2026, 4, 2)  # 16 Mar + 3 + 10 working days
