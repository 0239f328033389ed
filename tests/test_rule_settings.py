"""Monitoring rules changed at run time: stored settings over the configuration file, validation,
audit, the per-process cache keyed on the settings stamp, rescheduling of clocks.

"Escalation thresholds ... defaults to use, all configurable" [approval-and-supervision.md, Levels and
timing].
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from tests.factories import at
from tests.test_supervision import SOURCE, Org, cards_of, open_case
from yangguang.core import db as core_db
from yangguang.core.audit import AuditEntry, write_entries
from yangguang.core.errors import InvalidInput
from yangguang.core.events import Event, emit
from yangguang.supervision import registry
from yangguang.supervision.models import RuleSetting, RuleSettingsState
from yangguang.supervision.registry import ClockRule, EventRule, Level, Trigger
from yangguang.supervision.rule_settings import rule_setting, set_rule_settings
from yangguang.supervision.sweep import sweep

T = at("2026-03-02 09:00")
COMMON = dict(category="时效", source=SOURCE, obligation_kind="test.case", clock_kind="promised")


def _late_reply(rules):
    """An event rule: a reply later than ``days`` raises a yellow card."""
    def check(_session, event, params):
        late = event.data["days"] > params["days"]
        return f"答复用时 {event.data['days']} 日，超过 {params['days']} 日" if late else None

    return rules(EventRule(code="test.late_reply", name="答复超期", category="时效", source=SOURCE,
                           event_type="test.replied", level=Level.YELLOW, check=check, params={"days": 5}))


def _reply(db, org, days: int, number: int) -> None:
    emit(db, Event(type="test.replied", subject="test", subject_id=str(number), unit_id=org.unit.id, at=T,
                   data={"days": days}))


def test_stored_settings_override_the_configuration_file_which_overrides_the_code(db, rules, config_file):
    _late_reply(rules)
    config_file('[rules."test.late_reply"]\ndays = 10\nlevel = "red"\n')
    view = rule_setting(db, "test.late_reply")
    assert (view.effective.params, view.effective.level, view.configured.params) == ({"days": 10}, "red", {"days": 10})
    view = set_rule_settings(db, "test.late_reply", {"days": 2}, actor="admin1", at=T)
    assert (view.effective.params, view.effective.level, view.configured.params, view.stored) == (
        {"days": 2}, "red", {"days": 10}, {"days": 2})
    view = set_rule_settings(db, "test.late_reply", {"days": None}, actor="admin1", at=T)
    assert (view.effective.params, view.stored) == ({"days": 10}, {})
    assert db.get(RuleSetting, "test.late_reply") is None


def test_an_event_rule_change_applies_to_the_next_event(db, rules):
    _late_reply(rules)
    org = Org(db)
    _reply(db, org, 4, 1)
    assert cards_of(db, "test.late_reply") == []
    set_rule_settings(db, "test.late_reply", {"days": 3}, actor="admin1", at=T)
    _reply(db, org, 4, 2)
    assert [c.subject_id for c in cards_of(db, "test.late_reply")] == ["2"]
    set_rule_settings(db, "test.late_reply", {"enabled": False}, actor="admin1", at=T)
    _reply(db, org, 9, 3)
    assert len(cards_of(db, "test.late_reply")) == 1


def test_every_change_is_audited_with_before_and_after(db, rules):
    _late_reply(rules)
    set_rule_settings(db, "test.late_reply", {"days": 3, "level": "red"}, actor="admin1", at=T)
    set_rule_settings(db, "test.late_reply", {"level": None}, actor="admin1", at=T)
    write_entries(db)
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "rules.setting_changed")
                         .order_by(AuditEntry.seq)).all()
    assert [(e.actor, e.entity_id) for e in entries] == [("admin1", "test.late_reply")] * 2
    assert '"after":{"days":3,"level":"red"}' in entries[0].data and '"before":{}' in entries[0].data
    assert '"after":{"days":3}' in entries[1].data
    assert db.get(RuleSettingsState, 1).revision == 2


@pytest.mark.parametrize("changes, field", [
    ({"days": "3"}, "params.days"), ({"days": 0}, "params.days"), ({"days": 367}, "params.days"),
    ({"days": 3.0}, "params.days"), ({"days": False}, "params.days"), ({"hours": 3}, "params.hours"),
    ({"hours": None}, "params.hours"), ({"level": "purple"}, "level"), ({"enabled": 1}, "enabled"),
    ({"days": 3, "level": "orange"}, "level"), ({}, "body"),
])
def test_bad_settings_are_refused_and_nothing_is_written(db, rules, changes, field):
    _late_reply(rules)
    with pytest.raises(InvalidInput) as error:
        set_rule_settings(db, "test.late_reply", changes, actor="admin1", at=T)
    assert error.value.field == field
    write_entries(db)
    assert db.scalars(select(RuleSetting)).all() == [] and db.get(RuleSettingsState, 1) is None
    assert db.scalars(select(AuditEntry).where(AuditEntry.action == "rules.setting_changed")).all() == []


@pytest.mark.parametrize("channels", [["2\x00"], ["2"] * 21, "2", [""], [2]])
def test_a_list_parameter_takes_printable_texts_only(db, channels):
    with pytest.raises(InvalidInput) as error:
        set_rule_settings(db, "approval.online_only_offline", {"online_channels": channels}, actor="admin1", at=T)
    assert error.value.field == "params.online_channels"


def test_an_unknown_rule_is_refused(db):
    with pytest.raises(InvalidInput) as error:
        set_rule_settings(db, "test.nope", {"enabled": False}, actor="admin1", at=T)
    assert error.value.field == "rule"


def test_another_process_change_is_seen_from_the_next_transaction(db_url, rules):
    """The cached rules are keyed on the stamp in the database: a change written by another process
    (here: plain SQL, bypassing this process's functions) is seen by this one's next transaction."""
    _late_reply(rules)
    with core_db.transaction(db_url) as session:
        assert registry.event_rules(session, "test.replied")[0].params == {"days": 5}
    with core_db.transaction(db_url) as session:  # "another process"
        session.execute(text("INSERT INTO supervision_rule_setting (code, \"values\", updated_at, updated_by) "
                             "VALUES ('test.late_reply', '{\"days\": 2}', '2026-03-02 01:00:00', 'other')"))
        session.execute(text("INSERT INTO supervision_rule_state (id, revision, stamp) VALUES (1, 1, 'elsewhere')"))
    with core_db.transaction(db_url) as session:
        assert registry.event_rules(session, "test.replied")[0].params == {"days": 2}


def test_a_rolled_back_change_leaves_no_trace_in_the_cache(db_url, rules):
    _late_reply(rules)
    with core_db.transaction(db_url) as session:
        set_rule_settings(session, "test.late_reply", {"days": 1}, actor="admin1", at=T)
        assert registry.event_rules(session, "test.replied")[0].params == {"days": 1}  # seen in its transaction
        session.rollback()
    with core_db.transaction(db_url) as session:
        assert registry.event_rules(session, "test.replied")[0].params == {"days": 5}


def test_a_clock_rule_change_reschedules_the_clocks_it_watches(db, rules):
    """Red 3 working days over (default) moved to 1: the clock swept past its yellow waits for the 3-day
    mark; after the change its next check is due again and the next sweep raises the red card. 3
    working days from Tue 29 Sep 2026 end on 9 Oct (1–7 Oct off); 1 working day over ends on Sat 10 Oct
    (调休上班) [2026 notice]. A clock of another kind is left alone."""
    rules(ClockRule(code="test.overdue", name="超过承诺时限", trigger=Trigger.OVERDUE, level=Level.YELLOW, **COMMON))
    rules(ClockRule(code="test.overdue_by", name="超过承诺时限3个工作日", trigger=Trigger.OVERDUE_BY, level=Level.RED,
                    params={"workdays": 3}, **COMMON))
    rules(ClockRule(code="test.other_overdue", name="其他超期", trigger=Trigger.OVERDUE, level=Level.YELLOW,
                    **{**COMMON, "obligation_kind": "test.other"}))
    org = Org(db)
    _, clock = open_case(db, org, at("2026-09-29 10:00"))
    _, other = open_case(db, org, at("2026-09-29 10:00"), kind="test.other", subject_id="2", unit=org.other_unit)
    first = sweep(db, at("2026-10-11 12:00"))
    assert (first["yellow"], first["red"]) == (2, 0) and clock.next_check_at == at("2026-10-14 00:00")
    assert other.next_check_at is None  # its one threshold is behind it
    set_rule_settings(db, "test.overdue_by", {"workdays": 1}, actor="admin1", at=T)
    assert clock.next_check_at == at("2026-10-10 00:00") and other.next_check_at is None  # not watched by the rule
    second = sweep(db, at("2026-10-11 12:00"))
    assert (second["warnings"], second["yellow"], second["red"]) == (0, 0, 1)
    write_entries(db)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "rules.setting_changed")).one()
    assert '"clocks_rescheduled":1' in entry.data


def test_a_stored_parameter_the_rule_no_longer_has_is_left_out(db, rules):
    """Settings are checked when written; one a later version of the rule dropped must not stop every
    evaluation of the rule."""
    _late_reply(rules)
    db.add(RuleSetting(code="test.late_reply", values={"days": 2, "weekdays_only": True}, updated_at=T,
                       updated_by="admin1"))
    registry.settings_changed(db)
    assert registry.event_rules(db, "test.replied")[0].params == {"days": 2}
