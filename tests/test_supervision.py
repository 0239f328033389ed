"""E-supervision: thresholds, the sweep, event rules, cards, escalation, rectification, roles.

Figures follow approval-and-supervision.md "Levels and timing" (预警 1 working day before the
promised deadline; yellow when overdue; red when overdue by 3 working days or on a second yellow for
the same unit within 30 days; rectification within 5 working days, late rectification escalates)
and the 2026 State Council holiday notice (calendar-and-clocks.md).
"""

from __future__ import annotations

import json
from datetime import UTC

import pytest
from sqlalchemy import func, select

from tests.factories import at, make_person, make_unit, make_window
from yangguang.core import clocks
from yangguang.core.audit import AuditEntry
from yangguang.core.calendar import get_calendar
from yangguang.core.clocks import ClockState, Obligation, ObligationState
from yangguang.core.errors import Conflict, Forbidden, InvalidInput
from yangguang.core.events import Event, emit
from yangguang.core.notify import InboxMessage, Notification
from yangguang.supervision import registry, service
from yangguang.supervision.engine import CLOCK_LABELS, RECTIFICATION_KIND
from yangguang.supervision.models import Card, CardState, Finding, Rating, SweepState
from yangguang.supervision.registry import ClockRule, EventRule, Level, Trigger
from yangguang.supervision.sweep import sweep

SOURCE = "test"


# -- helpers (imported by the other supervision tests) -----------------------------------------------
class Org:
    def __init__(self, db) -> None:
        self.unit = make_unit(db, email="scj@example.gov.cn", mobile="13800000001")
        self.other_unit = make_unit(db, code="ZJJ", name="县住房和城乡建设局")
        self.oversight = make_unit(db, code="JW", name="县纪委监委")
        self.window = make_window(db, self.unit)
        self.head = make_person(db, self.unit, "zhang", ["unit_head"], name="张局长")
        self.clerk = make_person(db, self.unit, "lisi", ["clerk"], name="李四", email="lisi@example.gov.cn",
                                 mobile="13900000002", window_id=self.window.id)
        self.other_head = make_person(db, self.other_unit, "zhao", ["unit_head"], name="赵局长")
        self.supervisor = make_person(db, self.oversight, "wang", ["supervisor"], name="王监察")


def open_case(db, org: Org, start, *, limit: int = 3, kind: str = "test.case", clock_kind: str = "promised",
              unit=None, person=None, window=None, extension_max: int = 0, subject_id: str = "1"):
    unit = unit or org.unit
    person = person if person is not None else org.clerk
    obligation = clocks.open_obligation(db, kind=kind, subject="test", subject_id=subject_id,
                                        title=f"测试办件{subject_id}", unit_id=unit.id,
                                        person_id=person.id if person else None,
                                        window_id=window.id if window else None, at=start, actor="test")
    clock = clocks.start_clock(db, obligation, kind=clock_kind, unit="workdays", limit=limit, start_at=start,
                               actor="test", extension_max=extension_max)
    db.flush()  # ids are assigned at flush
    return obligation, clock


@pytest.fixture
def time_rules(rules):
    """预警 1 working day before, yellow at the deadline, red 3 working days over, on test.case/promised."""
    common = dict(category="时效", source=SOURCE, obligation_kind="test.case", clock_kind="promised")
    rules(ClockRule(code="test.near_due", name="临近承诺时限", trigger=Trigger.NEAR_DUE, level=Level.WARNING,
                    params={"workdays_before": 1}, **common))
    rules(ClockRule(code="test.overdue", name="超过承诺时限", trigger=Trigger.OVERDUE, level=Level.YELLOW, **common))
    rules(ClockRule(code="test.overdue_by", name="超过承诺时限3个工作日", trigger=Trigger.OVERDUE_BY, level=Level.RED,
                    params={"workdays": 3}, **common))
    return rules


def cards_of(db, rule_code: str | None = None) -> list[Card]:
    query = select(Card).order_by(Card.id)
    if rule_code:
        query = query.where(Card.rule_code == rule_code)
    return list(db.scalars(query))


def zeros(result) -> bool:
    return (result["clocks_examined"], result["warnings"], result["yellow"], result["red"], result["cards"]) == (
        0, 0, 0, 0, [])


# -- thresholds ---------------------------------------------------------------------------------------
def test_threshold_moments_follow_the_2026_calendar(db, time_rules):
    """3 working days from Tue 29 Sep 2026: 30 Sep, (1–7 Oct off), 8 Oct, 9 Oct → due end of 9 Oct.
    预警 at the start of the due day; yellow at the deadline; red at the end of the 3rd working day
    after it: 10 Oct (Saturday, worked), 12 Oct, 13 Oct [approval-and-supervision.md Levels and timing;
    2026 notice]."""
    org = Org(db)
    _, clock = open_case(db, org, at("2026-09-29 10:00"))
    moments = clocks.thresholds(db, clock, get_calendar(db))
    assert moments == [at("2026-10-09 00:00"), at("2026-10-10 00:00"), at("2026-10-14 00:00")]
    assert clock.due_at == at("2026-10-10 00:00")
    assert clock.next_check_at == at("2026-10-09 00:00")


def test_warning_window_and_worked_weekends(db, rules):
    """2 working days from Thu 12 Feb 2026: 13 Feb, 14 Feb (Saturday, worked) → due end of 14 Feb; with
    a 2-working-day warning window the warning comes at the start of 13 Feb; overdue by 3 working days
    skips the Spring Festival (15–23 Feb): 24, 25, 26 Feb."""
    common = dict(category="时效", source=SOURCE, obligation_kind="test.case", clock_kind="promised")
    rules(ClockRule(code="test.near2", name="临近", trigger=Trigger.NEAR_DUE, level=Level.WARNING,
                    params={"workdays_before": 2}, **common))
    rules(ClockRule(code="test.red3", name="超3日", trigger=Trigger.OVERDUE_BY, level=Level.RED,
                    params={"workdays": 3}, **common))
    org = Org(db)
    _, clock = open_case(db, org, at("2026-02-12 16:00"), limit=2)
    assert clocks.thresholds(db, clock, get_calendar(db)) == [at("2026-02-13 00:00"), at("2026-02-27 00:00")]


def test_a_period_shorter_than_the_warning_window_gets_no_warning(db, time_rules):
    """A 4-working-hour clock from 10:00 on Mon 2 Mar 2026 is due at 14:00 the same day: the start of
    its due day is before it began, so only the deadline and the red threshold remain."""
    org = Org(db)
    obligation = clocks.open_obligation(db, kind="test.case", subject="test", subject_id="h", title="即办件",
                                        unit_id=org.unit.id, at=at("2026-03-02 10:00"), actor="test")
    clock = clocks.start_clock(db, obligation, kind="promised", unit="work_hours", limit=4,
                               start_at=at("2026-03-02 10:00"), actor="test")
    assert clock.due_at == at("2026-03-02 14:00")
    assert clocks.thresholds(db, clock, get_calendar(db)) == [at("2026-03-02 14:00"), at("2026-03-06 00:00")]


# -- the sweep ----------------------------------------------------------------------------------------
def test_sweep_raises_warning_then_yellow_then_red_and_is_idempotent(db, time_rules):
    org = Org(db)
    obligation, clock = open_case(db, org, at("2026-09-29 10:00"))

    assert zeros(sweep(db, at("2026-10-08 23:59")))

    first = sweep(db, at("2026-10-09 00:00"))
    assert (first["clocks_examined"], first["warnings"], first["yellow"], first["red"]) == (1, 1, 0, 0)
    assert first["cards"] == ["JC2026-000001"]
    assert clock.next_check_at == at("2026-10-10 00:00")
    assert zeros(sweep(db, at("2026-10-09 00:00")))  # twice at the same moment: nothing new
    assert zeros(sweep(db, at("2026-10-09 18:00")))

    second = sweep(db, at("2026-10-10 00:00"))
    assert (second["warnings"], second["yellow"], second["red"]) == (0, 1, 0)
    assert zeros(sweep(db, at("2026-10-13 23:59")))

    third = sweep(db, at("2026-10-14 00:00"))
    assert (third["warnings"], third["yellow"], third["red"]) == (0, 0, 1)
    assert clock.next_check_at is None
    assert zeros(sweep(db, at("2026-10-14 00:00")))

    levels = [(c.level, c.rule_code, c.number) for c in cards_of(db) if c.obligation_id == obligation.id]
    assert levels == [("warning", "test.near_due", "JC2026-000001"), ("yellow", "test.overdue", "JC2026-000002"),
                      ("red", "test.overdue_by", "JC2026-000003")]
    state = db.get(SweepState, 1)
    assert state.runs == 8 and state.cards_raised == 3 and state.last_at == at("2026-10-14 00:00")
    findings = db.scalars(select(Finding).where(Finding.obligation_id == obligation.id)).all()
    assert len(findings) == 3 and all(f.card_id for f in findings)


def test_a_late_sweep_raises_every_passed_threshold_once(db, time_rules):
    org = Org(db)
    open_case(db, org, at("2026-09-29 10:00"))
    result = sweep(db, at("2026-10-20 09:00"))
    assert (result["warnings"], result["yellow"], result["red"]) == (1, 1, 1)
    assert zeros(sweep(db, at("2026-10-20 09:00")))
    # recomputing the clock re-arms its first threshold, but nothing is raised twice
    clock = db.scalars(select(clocks.Clock).where(clocks.Clock.kind == "promised")).one()
    clocks.recompute(db, clock)
    again = sweep(db, at("2026-10-20 09:01"))
    assert again["clocks_examined"] == 1 and again["cards"] == []


def test_a_case_finished_late_between_two_sweeps_still_gets_its_yellow_card(db, time_rules):
    """Yellow when the promised limit is exceeded [approval-and-supervision.md, trigger 2], even when the
    case was completed after its deadline but before the sweep that would have seen it running."""
    org = Org(db)
    obligation, clock = open_case(db, org, at("2026-09-29 10:00"))  # due at the end of 2026-10-09
    sweep(db, at("2026-10-09 08:00"))  # the warning
    clocks.close_obligation(db, obligation, at=at("2026-10-12 11:00"), actor="test")  # one working day late
    result = sweep(db, at("2026-10-12 12:00"))
    assert (result["warnings"], result["yellow"], result["red"]) == (0, 1, 0)
    assert clock.next_check_at is None  # the red threshold lies after the stop: never reached
    sweep(db, at("2026-10-20 12:00"))
    assert cards_of(db, "test.overdue_by") == []


def test_a_case_finished_in_time_raises_nothing_more(db, time_rules):
    org = Org(db)
    obligation, clock = open_case(db, org, at("2026-09-29 10:00"))
    sweep(db, at("2026-10-09 08:00"))
    clocks.close_obligation(db, obligation, at=at("2026-10-09 16:00"), actor="test")
    assert clock.next_check_at is None
    assert zeros(sweep(db, at("2026-10-20 12:00")))


def test_sweep_reads_only_due_clocks_in_batches(db, time_rules):
    org = Org(db)
    for n in range(7):
        open_case(db, org, at("2026-09-29 10:00"), subject_id=str(n))
    open_case(db, org, at("2026-10-12 10:00"), subject_id="later")
    result = sweep(db, at("2026-10-09 00:00"), batch=3)
    assert result["clocks_examined"] == 7 and result["warnings"] == 7
    assert zeros(sweep(db, at("2026-10-09 00:00"), batch=3))


def test_an_extension_moves_the_thresholds(db, time_rules):
    org = Org(db)
    _, clock = open_case(db, org, at("2026-09-29 10:00"), extension_max=10)
    clocks.extend_clock(db, clock, amount=2, reason="专家评审", approved_by="zhang", at=at("2026-10-08 10:00"))
    # 3 + 2 working days: 30 Sep, 8 Oct, 9 Oct, 10 Oct (Sat, worked), 12 Oct → due end of 12 Oct
    assert clock.due_at == at("2026-10-13 00:00")
    assert clocks.thresholds(db, clock, get_calendar(db))[:2] == [at("2026-10-12 00:00"), at("2026-10-13 00:00")]
    assert zeros(sweep(db, at("2026-10-10 00:00")))
    assert sweep(db, at("2026-10-12 00:00"))["warnings"] == 1
    assert sweep(db, at("2026-10-13 00:00"))["yellow"] == 1


def test_a_paused_clock_is_not_swept(db, time_rules):
    org = Org(db)
    _, clock = open_case(db, org, at("2026-09-29 10:00"))
    clocks.pause_clock(db, clock, reason_code="expert", reason="专家评审", at=at("2026-09-30 10:00"), actor="lisi")
    assert zeros(sweep(db, at("2026-10-20 00:00")))
    clocks.resume_clock(db, clock, at=at("2026-10-21 10:00"), actor="lisi")
    assert clock.state == ClockState.RUNNING and clock.next_check_at > at("2026-10-21 10:00")
    assert cards_of(db) == []


def test_a_condition_false_at_the_threshold_raises_nothing(db, rules):
    rules(ClockRule(code="test.cond", name="条件", category="时效", source=SOURCE, obligation_kind="test.case",
                    clock_kind="promised", trigger=Trigger.OVERDUE, level=Level.YELLOW,
                    condition=lambda session, clock: clock.obligation.title.endswith("9")))
    org = Org(db)
    open_case(db, org, at("2026-09-29 10:00"), subject_id="1")
    open_case(db, org, at("2026-09-29 10:00"), subject_id="9")
    result = sweep(db, at("2026-10-10 00:00"))
    assert result["clocks_examined"] == 2 and result["yellow"] == 1
    assert cards_of(db)[0].subject_id == "9"


# -- configuration ------------------------------------------------------------------------------------
def test_rules_are_disabled_or_changed_by_configuration(db, time_rules, config_file):
    config_file('[rules."test.near_due"]\nenabled = false\n[rules."test.overdue"]\nlevel = "red"\n'
                '[rules."test.overdue_by"]\nworkdays = 1\n')
    org = Org(db)
    _, clock = open_case(db, org, at("2026-09-29 10:00"))
    assert clocks.thresholds(db, clock, get_calendar(db)) == [at("2026-10-10 00:00"), at("2026-10-11 00:00")]
    assert zeros(sweep(db, at("2026-10-09 12:00")))
    result = sweep(db, at("2026-10-11 00:00"))
    assert (result["warnings"], result["yellow"], result["red"]) == (0, 0, 2)


def test_a_bad_level_in_configuration_names_the_rule(db, time_rules, config_file):
    config_file('[rules."test.overdue"]\nlevel = "purple"\n')
    with pytest.raises(InvalidInput) as error:
        registry.effective(registry.get_rule("test.overdue"))
    assert error.value.field == "rules.test.overdue.level"


# -- events -------------------------------------------------------------------------------------------
def _fee_rule(rules):
    def check(session, event, params):
        amount, standard = event.data["amount_fen"], event.data["standard_fen"]
        return f"收费 {amount / 100:.2f} 元，超过标准 {standard / 100:.2f} 元" if amount > standard else None

    return rules(EventRule(code="test.fee_above_standard", name="超标准收费", category="收费", source=SOURCE,
                           event_type="test.fee_charged", level=Level.RED, check=check))


def test_an_event_rule_records_a_finding_and_raises_a_card_once(db, rules):
    _fee_rule(rules)
    org = Org(db)
    obligation, _ = open_case(db, org, at("2026-03-02 10:00"))

    def charge(amount: int, when: str) -> None:
        emit(db, Event(type="test.fee_charged", subject="test", subject_id="1", obligation_id=obligation.id,
                       data={"amount_fen": amount, "standard_fen": 5000}, at=at(when)))

    charge(5000, "2026-03-02 11:00")
    assert db.scalar(select(func.count(Finding.id))) == 0
    charge(8000, "2026-03-02 12:00")
    charge(9000, "2026-03-02 13:00")
    findings = db.scalars(select(Finding).order_by(Finding.id)).all()
    assert [f.detail for f in findings] == ["收费 80.00 元，超过标准 50.00 元", "收费 90.00 元，超过标准 50.00 元"]
    card = db.scalars(select(Card)).one()  # the same breach (same subject) never raises a second card
    assert (card.level, card.category, card.unit_id, card.person_id) == ("red", "收费", org.unit.id, org.clerk.id)
    assert {f.card_id for f in findings} == {card.id}
    assert card.issued_at == at("2026-03-02 12:00")
    rect = db.get(Obligation, card.rectification_obligation_id)
    assert rect.kind == RECTIFICATION_KIND and rect.subject_id == str(card.id)


def test_rated_events_store_ratings(db):
    org = Org(db)
    obligation, _ = open_case(db, org, at("2026-03-02 10:00"), window=org.window)
    emit(db, Event(type="test.rated", subject="test", subject_id="1", obligation_id=obligation.id,
                   data={"rating": "4", "channel": "二维码"}, at=at("2026-03-03 10:00")))
    rating = db.scalars(select(Rating)).one()
    assert (rating.rating, rating.unit_id, rating.window_id, rating.person_id) == (
        4, org.unit.id, org.window.id, org.clerk.id)
    with pytest.raises(InvalidInput) as error:
        emit(db, Event(type="test.rated", subject="test", subject_id="1", data={"rating": 6}))
    assert error.value.field == "rating"


def test_every_clock_a_registered_rule_watches_is_named_in_card_reasons():
    """A clock rule's card reason names the clock ("已超过整改时限"), never its code ("rectify")."""
    watched = {(r.code, r.clock_kind) for r in registry.all_rules() if isinstance(r, ClockRule)}
    assert watched and {(code, kind) for code, kind in watched if kind not in CLOCK_LABELS} == set()


# -- notifications ------------------------------------------------------------------------------------
def test_a_card_notifies_person_unit_and_heads_and_red_goes_to_supervisors(db, time_rules):
    org = Org(db)
    open_case(db, org, at("2026-09-29 10:00"))
    sweep(db, at("2026-10-10 00:00"))  # warning + yellow
    yellow = cards_of(db, "test.overdue")[0]
    rows = db.scalars(select(Notification).where(Notification.ref == f"card:{yellow.id}")).all()
    assert sorted((r.channel, r.recipient) for r in rows) == sorted([
        ("inbox", str(org.clerk.id)), ("email", "lisi@example.gov.cn"), ("sms", "13900000002"),
        ("email", "scj@example.gov.cn"), ("sms", "13800000001"), ("inbox", str(org.head.id))])
    email = next(r for r in rows if r.recipient == "lisi@example.gov.cn")
    assert email.subject == f"【黄牌】{yellow.number} 超过承诺时限" and email.state == "pending"
    assert "请于 2026-10-16 24:00 前完成整改" in email.body  # 5 working days: 12–16 Oct
    head_inbox = db.scalars(select(InboxMessage).where(InboxMessage.person_id == org.head.id)).all()
    assert len(head_inbox) == 2  # the warning and the yellow
    assert not db.scalars(select(InboxMessage).where(InboxMessage.person_id == org.supervisor.id)).all()
    sweep(db, at("2026-10-14 00:00"))  # red
    red = cards_of(db, "test.overdue_by")[0]
    supervisor_inbox = db.scalars(select(InboxMessage).where(InboxMessage.person_id == org.supervisor.id)).all()
    assert [m.ref for m in supervisor_inbox] == [f"card:{red.id}"]
    assert supervisor_inbox[0].title.startswith("【红牌】") and supervisor_inbox[0].link == f"/staff/cards/{red.number}"


# -- escalation ---------------------------------------------------------------------------------------
def test_a_second_yellow_for_the_same_unit_within_30_days_raises_a_red(db, time_rules):
    org = Org(db)
    open_case(db, org, at("2026-03-02 10:00"), subject_id="1")  # due end of 5 Mar
    open_case(db, org, at("2026-03-09 10:00"), subject_id="2")  # due end of 12 Mar
    open_case(db, org, at("2026-03-09 10:00"), subject_id="3", unit=org.other_unit, person=org.other_head)
    open_case(db, org, at("2026-05-06 10:00"), subject_id="4")  # due end of 11 May: > 30 days after 13 Mar
    sweep(db, at("2026-03-06 00:00"))
    assert cards_of(db, "supervision.repeat_yellow") == []
    result = sweep(db, at("2026-03-13 00:00"))
    assert result["yellow"] == 2  # cases 2 and 3; case 1 is red now (overdue by 3 working days)
    [red] = cards_of(db, "supervision.repeat_yellow")  # the other unit's yellow does not count
    second = db.get(Card, red.escalated_from_id)
    assert (second.subject_id, red.unit_id, red.level) == ("2", org.unit.id, "red")
    assert red.rectification_obligation_id is None  # the yellow's own rectification order stands
    # close the earlier cards so their rectification clocks do not escalate meanwhile
    for card in cards_of(db):
        if card.state != CardState.CLOSED:
            service.close_card(db, card, actor="wang", note="测试", at=at("2026-03-13 09:00"))
    sweep(db, at("2026-05-12 00:00"))
    assert len(cards_of(db, "supervision.repeat_yellow")) == 1


def test_the_repeat_window_is_configurable(db, time_rules, config_file):
    config_file('[rules."supervision.repeat_yellow"]\ndays = 3\n')
    org = Org(db)
    open_case(db, org, at("2026-03-02 10:00"), subject_id="1")
    open_case(db, org, at("2026-03-09 10:00"), subject_id="2")
    sweep(db, at("2026-03-06 00:00"))
    sweep(db, at("2026-03-13 00:00"))  # 7 days after the first yellow
    assert len(cards_of(db, "test.overdue")) == 2 and cards_of(db, "supervision.repeat_yellow") == []


# -- rectification and roles --------------------------------------------------------------------------
def _yellow(db, org) -> Card:
    open_case(db, org, at("2026-09-29 10:00"))
    sweep(db, at("2026-10-10 00:00"))
    return cards_of(db, "test.overdue")[0]


def test_rectification_flow_and_timeline(db, time_rules):
    org = Org(db)
    card = _yellow(db, org)
    rect = db.get(Obligation, card.rectification_obligation_id)
    clock = rect.clocks[0]
    # issued Sat 10 Oct 2026 (a worked day); 5 working days: 12–16 Oct [default 5 working days]
    assert (clock.kind, clock.limit, clock.due_at) == ("rectification", 5, at("2026-10-17 00:00"))

    service.acknowledge(db, card.number, actor="zhang", at=at("2026-10-12 09:00"))
    service.submit_rectification(db, card.number, actor="lisi", text="已完成办理并对经办人批评教育",
                                 evidence=["整改报告.pdf"], at=at("2026-10-13 10:00"))
    assert card.state == CardState.RECTIFIED
    service.reject_rectification(db, card.number, actor="wang", note="缺少制度整改措施", at=at("2026-10-13 15:00"))
    assert card.state == CardState.RECTIFYING and clock.state == ClockState.RUNNING
    service.submit_rectification(db, card.number, actor="zhang", text="已补充制度整改措施", at=at("2026-10-14 10:00"))
    service.accept_rectification(db, card.number, actor="wang", at=at("2026-10-15 10:00"))
    assert card.state == CardState.CLOSED and card.closed_at == at("2026-10-15 10:00")
    assert rect.state == ObligationState.DONE and clock.state == ClockState.STOPPED

    actions = [entry["action"] for entry in service.timeline(db, card.number)]
    assert actions == ["card.issue", "card.acknowledge", "card.rectification_submit", "card.rectification_reject",
                       "card.rectification_submit", "card.rectification_accept"]
    lisi_inbox = [m.title for m in db.scalars(select(InboxMessage).where(InboxMessage.person_id == org.clerk.id))]
    assert f"【整改退回】{card.number}" in lisi_inbox and f"【整改通过】{card.number}" in lisi_inbox
    sweep(db, at("2026-10-20 00:00"))
    assert cards_of(db, "supervision.rectification_overdue") == []


def test_late_rectification_escalates_to_a_red_card(db, time_rules):
    org = Org(db)
    card = _yellow(db, org)
    assert sweep(db, at("2026-10-16 23:59"))["red"] == 1  # the case itself: overdue by 3 working days
    result = sweep(db, at("2026-10-17 00:00"))
    assert result["red"] == 1
    red = cards_of(db, "supervision.rectification_overdue")[0]
    assert (red.escalated_from_id, red.unit_id, red.level) == (card.id, org.unit.id, "red")
    supervisor_inbox = [m.ref for m in db.scalars(select(InboxMessage).where(
        InboxMessage.person_id == org.supervisor.id))]
    assert f"card:{red.id}" in supervisor_inbox
    assert zeros(sweep(db, at("2026-10-17 00:00")))


def test_a_report_in_time_prevents_escalation_until_it_is_rejected(db, time_rules):
    org = Org(db)
    card = _yellow(db, org)
    service.submit_rectification(db, card, actor="lisi", text="已整改", at=at("2026-10-16 10:00"))
    sweep(db, at("2026-10-19 09:00"))
    assert cards_of(db, "supervision.rectification_overdue") == []
    service.reject_rectification(db, card, actor="wang", note="整改不到位", at=at("2026-10-19 10:00"))
    sweep(db, at("2026-10-19 10:05"))
    assert len(cards_of(db, "supervision.rectification_overdue")) == 1


def test_role_and_state_checks_refuse_with_nothing_written(db, time_rules):
    org = Org(db)
    card = _yellow(db, org)
    db.commit()
    entries = db.scalar(select(func.count(AuditEntry.seq)))
    refused = [
        lambda: service.acknowledge(db, card.number, actor="lisi"),  # a clerk, not the head
        lambda: service.acknowledge(db, card.number, actor="zhao"),  # head of another unit
        lambda: service.submit_rectification(db, card.number, actor="zhao", text="x"),
        lambda: service.accept_rectification(db, card.number, actor="zhang"),
        lambda: service.close_card(db, card.number, actor="zhang", note="x"),
        lambda: service.issue_manual_card(db, actor="zhang", level="red", unit="SCJ", reason="x"),
    ]
    for attempt in refused:
        with pytest.raises(Forbidden) as error:
            attempt()
        assert error.value.field == "actor"
    with pytest.raises(Conflict):
        service.accept_rectification(db, card.number, actor="wang")  # nothing reported yet
    with pytest.raises(InvalidInput) as error:
        service.submit_rectification(db, card.number, actor="lisi", text="  ")
    assert error.value.field == "text"
    assert db.scalar(select(func.count(AuditEntry.seq))) == entries
    assert card.state == CardState.ISSUED and len(cards_of(db)) == 2
    service.acknowledge(db, card.number, actor="wang")  # a supervisor may acknowledge
    with pytest.raises(Conflict):
        service.acknowledge(db, card.number, actor="zhang")


def test_manual_card_by_a_supervisor(db):
    org = Org(db)
    card = service.issue_manual_card(db, actor="wang", level="yellow", unit="SCJ", person="lisi",
                                     reason="窗口人员擅离岗位", category="其他", at=at("2026-03-02 10:00"))
    assert (card.number, card.rule_code, card.issued_by, card.person_id) == (
        "JC2026-000001", "supervision.manual", "wang", org.clerk.id)
    assert card.rectification_obligation_id is not None
    with pytest.raises(InvalidInput) as error:
        service.issue_manual_card(db, actor="wang", level="orange", unit="SCJ", reason="x")
    assert error.value.field == "level"


# -- the command line ---------------------------------------------------------------------------------
def test_cli_sweep_cards_card_and_rules(db, time_rules, run_cli):
    org = Org(db)
    org.clerk.email = org.clerk.mobile = org.unit.email = org.unit.mobile = None
    open_case(db, org, at("2026-09-29 10:00"))
    db.commit()
    result = run_cli("supervise", "sweep", "--at", "2026-10-10T00:00:00+08:00", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert (data["warnings"], data["yellow"], data["red"], data["clocks_examined"]) == (1, 1, 0, 1)
    assert data["cards"] == ["JC2026-000001", "JC2026-000002"]
    again = json.loads(run_cli("supervise", "sweep", "--at", "2026-10-10", "--json").out)
    assert (again["warnings"], again["yellow"], again["red"]) == (0, 0, 0)

    listed = json.loads(run_cli("supervise", "cards", "--level", "yellow", "--json").out)
    assert [c["number"] for c in listed] == ["JC2026-000002"]
    card = json.loads(run_cli("supervise", "card", "JC2026-000002", "--json").out)
    assert card["timeline"][0]["action"] == "card.issue" and card["rectification_due"].startswith("2026-10-16T16:00")
    rules = {r["code"]: r for r in json.loads(run_cli("supervise", "rules", "--json").out)}
    assert rules["supervision.repeat_yellow"]["params"] == {"days": 30}
    assert rules["test.overdue_by"]["level"] == "red" and rules["test.overdue_by"]["kind"] == "clock"

    bad = run_cli("supervise", "card", "JC1999-000001")
    assert bad.code == 2 and bad.err.startswith("error: card:")
    assert run_cli("supervise", "sweep", "--at", "yesterday").code == 2
    assert run_cli("supervise", "scores", "--period", "2026-13").err.startswith("error: period:")


def test_sweep_needs_an_aware_moment(db):
    from datetime import datetime

    with pytest.raises(ValueError):
        sweep(db, datetime(2026, 1, 5, 9, 0))
    assert sweep(db, datetime(2026, 1, 5, 9, 0, tzinfo=UTC))["clocks_examined"] == 0
