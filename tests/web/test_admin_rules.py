"""The administrator's monitoring rules: level, enabled flag and thresholds changed at run time.

Defaults from approval-and-supervision.md "Levels and timing" (预警 1 working day before the promised
deadline, yellow when it is exceeded, red 3 working days over; "defaults to use, all configurable").
"""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import at
from tests.web.admin_support import actions, assert_admin_only, assert_labelled, audit_count, make_office
from yangguang.approval.service import CASE_OBLIGATION
from yangguang.core import clocks, db
from yangguang.core.org import Unit
from yangguang.supervision.models import Card, RuleSetting, RuleSettingsState
from yangguang.supervision.sweep import sweep

ROUTES = [("GET", "/api/v1/admin/rules"), ("GET", "/api/v1/admin/rules/approval.case_overdue"),
          ("PATCH", "/api/v1/admin/rules/approval.case_overdue"),
          ("GET", "/staff/admin/rules"), ("POST", "/staff/admin/rules/approval.case_overdue")]
LONG = "/api/v1/admin/rules/approval.case_overdue_long"


def open_case_clock(db_url: str) -> None:
    """An approval case's promised clock: 5 working days from Mon 2 Mar 2026, due at the end of Mon 9 Mar."""
    with db.transaction(db_url) as session:
        unit = session.scalar(select(Unit).where(Unit.code == "SCJ"))
        obligation = clocks.open_obligation(session, kind=CASE_OBLIGATION, subject="approval_case", subject_id="1",
                                            title="办件 SP2026-000001", unit_id=unit.id, at=at("2026-03-02 10:00"),
                                            actor="test")
        clocks.start_clock(session, obligation, kind="promised", unit="workdays", limit=5,
                           start_at=at("2026-03-02 10:00"), actor="test")


def run_sweep(db_url: str, moment: str) -> dict:
    with db.transaction(db_url) as session:
        return sweep(session, at(moment))


def cards(db_url: str) -> list[tuple[str, str]]:
    with db.reading(db_url) as session:
        return [(c.rule_code, c.level) for c in session.scalars(select(Card).order_by(Card.id))]


def revision(db_url: str) -> int:
    with db.reading(db_url) as session:
        state = session.get(RuleSettingsState, 1)
        return state.revision if state else 0


def stored_values(db_url: str, code: str) -> dict:
    with db.reading(db_url) as session:
        row = session.get(RuleSetting, code)
        return dict(row.values) if row else {}


def test_only_administrators_reach_any_rule_route(client, api_client, page_client, db_url):
    office = make_office(db_url)
    assert_admin_only(client, api_client(office.clerk), page_client(office.clerk), ROUTES)


def test_rules_list_shows_values_in_force_and_their_layers(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    listing = admin.get("/api/v1/admin/rules?per_page=200").json()
    by_code = {rule["code"]: rule for rule in listing["items"]}
    assert listing["total"] == len(by_code) and "approval.case_overdue_long" in by_code
    long = by_code["approval.case_overdue_long"]
    assert (long["level"], long["enabled"], long["params"], long["stored"]) == ("red", True, {"workdays": 3}, {})
    assert long["configured"] == {"enabled": True, "level": "red", "workdays": 3} and long["kind"] == "clock"
    assert by_code["supervision.repeat_yellow"]["params"] == {"days": 30}  # from defaults.toml
    fees = admin.get("/api/v1/admin/rules?category=收费").json()["items"]
    assert [rule["code"] for rule in fees] == ["approval.fee_violation"]
    assert all(r["level"] == "warning" for r in admin.get("/api/v1/admin/rules?level=warning").json()["items"])


def test_a_threshold_edit_takes_effect_on_the_next_sweep(api_client, db_url):
    """Red 3 working days over by default; set to 1, a clock already past its yellow is judged again by the
    next sweep and carded red at the end of the first working day after the due day (Tue 10 Mar)."""
    office = make_office(db_url)
    admin = api_client(office.admin)
    open_case_clock(db_url)
    first = run_sweep(db_url, "2026-03-11 12:00")
    assert (first["warnings"], first["yellow"], first["red"]) == (1, 1, 0)
    assert run_sweep(db_url, "2026-03-11 12:00")["clocks_examined"] == 0  # nothing due before the 3-day mark
    changed = admin.patch(LONG, json={"params": {"workdays": 1}})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["params"], changed.json()["stored"]) == ({"workdays": 1}, {"workdays": 1})
    assert changed.json()["updated_by"] == "admin1"
    second = run_sweep(db_url, "2026-03-11 12:00")
    assert second["red"] == 1
    assert ("approval.case_overdue_long", "red") in cards(db_url)
    assert "rules.setting_changed" in actions(db_url)


def test_disabling_a_rule_and_changing_its_level(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    open_case_clock(db_url)
    assert admin.patch("/api/v1/admin/rules/approval.case_near_due", json={"enabled": False}).json()["enabled"] is False
    assert admin.patch("/api/v1/admin/rules/approval.case_overdue", json={"level": "red"}).json()["level"] == "red"
    result = run_sweep(db_url, "2026-03-10 12:00")
    assert (result["warnings"], result["yellow"], result["red"]) == (0, 0, 1)
    assert cards(db_url) == [("approval.case_overdue", "red")]


def test_null_returns_a_key_to_the_configuration_and_an_unchanged_patch_writes_nothing(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    admin.patch(LONG, json={"level": "yellow", "params": {"workdays": 2}})
    restored = admin.patch(LONG, json={"level": None}).json()
    assert (restored["level"], restored["params"], restored["stored"]) == ("red", {"workdays": 2}, {"workdays": 2})
    before, rev = audit_count(db_url), revision(db_url)
    assert admin.patch(LONG, json={"params": {"workdays": 2}}).status_code == 200
    assert (audit_count(db_url), revision(db_url)) == (before, rev)
    cleared = admin.patch(LONG, json={"params": {"workdays": None}}).json()
    assert (cleared["params"], cleared["stored"], cleared["updated_at"]) == ({"workdays": 3}, {}, None)


def test_bad_input_is_refused_with_the_field_and_changes_nothing(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    before, rev = audit_count(db_url), revision(db_url)
    cases = [
        ("/api/v1/admin/rules/approval.nope", {"enabled": False}, "rule"),
        (LONG, {"params": {"days": 3}}, "params.days"),
        (LONG, {"params": {"workdays": "3"}}, "params.workdays"),
        (LONG, {"params": {"workdays": 2.5}}, "params.workdays"),
        (LONG, {"params": {"workdays": True}}, "params.workdays"),
        (LONG, {"params": {"workdays": 0}}, "params.workdays"),
        (LONG, {"params": {"workdays": 367}}, "params.workdays"),
        (LONG, {"params": {"workdays": 2, "colour": "red"}}, "params.colour"),
        (LONG, {"level": "purple"}, "level"),
        (LONG, {"enabled": "yes"}, "enabled"),
        (LONG, {"threshold": 1}, "threshold"),
        (LONG, {}, "body"),
        ("/api/v1/admin/rules/approval.online_only_offline", {"params": {"online_channels": [2]}},
         "params.online_channels"),
        ("/api/v1/admin/rules/approval.online_only_offline", {"params": {"online_channels": "2"}},
         "params.online_channels"),
    ]
    for path, body, field in cases:
        response = admin.patch(path, json=body)
        assert (response.status_code, response.json()["field"]) == (422, field), (body, response.text)
    assert (audit_count(db_url), revision(db_url)) == (before, rev)
    assert admin.get(LONG).json()["params"] == {"workdays": 3}


def test_list_parameter_is_stored_as_texts(api_client, db_url):
    office = make_office(db_url)
    response = api_client(office.admin).patch("/api/v1/admin/rules/approval.online_only_offline",
                                              json={"params": {"online_channels": ["2", " 3 "]}})
    assert response.json()["params"] == {"online_channels": ["2", "3"]}


# -- pages ----------------------------------------------------------------------------------------------
def test_page_edits_a_rule_with_htmx_and_shows_errors_in_place(page_client, db_url):
    office = make_office(db_url)
    admin = page_client(office.admin)
    page = admin.get("/staff/admin/rules")
    assert page.status_code == 200 and "办件超过承诺时限3个工作日以上" in page.text
    htmx = {"HX-Request": "true"}
    saved = admin.post("/staff/admin/rules/approval.case_overdue_long", headers=htmx,
                       data={"enabled": "true", "level": "red", "param.workdays": "2"})
    assert saved.status_code == 200 and "已保存" in saved.text and "<html" not in saved.text
    assert 'value="2"' in saved.text and "配置文件：3" in saved.text
    wrong = admin.post("/staff/admin/rules/approval.case_overdue_long", headers=htmx,
                       data={"enabled": "true", "level": "red", "param.workdays": "400"})
    assert 'data-field="params.workdays"' in wrong.text and 'value="2"' in wrong.text
    reset = admin.post("/staff/admin/rules/approval.case_overdue_long", data={"reset": "1"})
    assert reset.status_code == 303 and reset.headers["location"].endswith("#rule-approval.case_overdue_long")
    assert stored_values(db_url, "approval.case_overdue_long") == {}
    unchecked = admin.post("/staff/admin/rules/approval.case_near_due", data={"level": "warning",
                                                                            "param.workdays_before": "1"})
    assert unchecked.status_code == 303 and stored_values(db_url, "approval.case_near_due") == {"enabled": False}


def test_page_labels_every_field(page_client, db_url):
    office = make_office(db_url)
    assert_labelled(page_client(office.admin), "/staff/admin/rules")
