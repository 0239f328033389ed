"""Scores (绩效评估) and the monitoring rules over the API.

Figures by hand from the defaults (defaults.toml [scoring]): satisfaction 1 → 100, 3 → 50; weights
re-normalised over the components available (here satisfaction alone); yellow −2, red −5; grades 优秀
≥ 90, 良好 ≥ 80, 合格 ≥ 60, else 不合格 [DESIGN.md "Performance evaluation"; approval-and-supervision.md
"Levels and timing": units graded 优秀 / 良好 / 合格 / 不合格].
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.factories import at, make_unit
from tests.web.conftest import staff
from yangguang.core import db
from yangguang.core.events import Event, emit
from yangguang.supervision.rule_settings import set_rule_settings
from yangguang.supervision.service import issue_manual_card


def county(db_url: str) -> None:
    """Unit A rated 非常满意 (1) twice in March; unit B rated 一般 (3) once and given a yellow card."""
    with db.transaction(db_url) as session:
        a = make_unit(session, "A", "甲局")
        b = make_unit(session, "B", "乙局")
        commission = make_unit(session, "JW", "县纪委监委")
        staff(session, commission, "super1", ["supervisor"])
        staff(session, commission, "admin1", ["admin"])
        staff(session, a, "head_a", ["unit_head"])
        staff(session, a, "clerk_a", ["clerk"])
        for unit, code, when in ((a, "1", "2026-03-05 10:00"), (a, "1", "2026-03-06 10:00"),
                                 (b, "3", "2026-03-09 10:00"), (b, "1", "2026-04-01 10:00")):
            emit(session, Event(type="test.rated", subject="case", subject_id="1", unit_id=unit.id,
                                data={"rating": code}, at=at(when)))
        issue_manual_card(session, actor="super1", level="yellow", unit="B", reason="窗口服务不规范",
                          at=at("2026-03-20 10:00"))


def test_scores_per_unit_are_graded_and_ranked(api_client, db_url):
    county(db_url)
    body = api_client("super1").get("/api/v1/scores", params={"period": "2026-03", "by": "unit"}).json()
    assert (body["period"], body["by"], body["total"]) == ("2026-03", "unit", 2)
    rows = {r["code"]: r for r in body["items"]}
    # A: (100 + 100) / 2 = 100 → 优秀, rank 1; B: 50 − 2 (one yellow) = 48 → 不合格, rank 2
    assert (rows["A"]["score"], rows["A"]["grade"], rows["A"]["rank"], rows["A"]["ratings"]) == (100.0, "优秀", 1, 2)
    assert (rows["B"]["score"], rows["B"]["grade"], rows["B"]["rank"], rows["B"]["yellow"]) == (48.0, "不合格", 2, 1)
    # the quarter takes B's April rating too: (50 + 100) / 2 − 2 = 73 → 合格
    quarter = api_client("admin1").get("/api/v1/scores", params={"period": "2026-q2"}).json()
    assert quarter["period"] == "2026-Q2" and [(r["code"], r["score"]) for r in quarter["items"]] == [("B", 100.0)]
    first_quarter = {r["code"]: r for r in api_client("admin1").get(
        "/api/v1/scores", params={"period": "2026-Q1"}).json()["items"]}
    assert (first_quarter["B"]["score"], first_quarter["B"]["grade"]) == (48.0, "不合格")
    page = api_client("super1").get("/api/v1/scores", params={"period": "2026-03", "per_page": 1, "page": 2}).json()
    assert (page["total"], [r["code"] for r in page["items"]]) == (2, ["B"])


def test_scores_by_person_and_window_and_the_default_period(api_client, db_url):
    county(db_url)
    supervisor = api_client("super1")
    assert supervisor.get("/api/v1/scores", params={"period": "2026-03", "by": "person"}).json()["items"] == []
    assert supervisor.get("/api/v1/scores", params={"period": "2026-03", "by": "window"}).json()["total"] == 0
    default = supervisor.get("/api/v1/scores").json()
    assert len(default["period"]) == 7 and default["period"][4] == "-" and default["by"] == "unit"


def test_scores_refuse_bad_periods_and_other_roles(client, api_client, db_url):
    county(db_url)
    supervisor = api_client("super1")
    for params, field in (({"period": "2026-13"}, "period"), ({"period": "0000-01"}, "period"),
                          ({"period": "9999-Q4"}, "period"), ({"period": "March"}, "period"),
                          ({"period": "2026-03", "by": "team"}, "by")):
        response = supervisor.get("/api/v1/scores", params=params)
        assert response.status_code == 422 and response.json()["field"] == field, params
    assert client.get("/api/v1/scores", params={"period": "2026-03"}).status_code == 401
    for login in ("head_a", "clerk_a"):
        assert api_client(login).get("/api/v1/scores", params={"period": "2026-03"}).status_code == 403


def test_rules_in_force_with_filters(api_client, db_url):
    county(db_url)
    head = api_client("head_a")
    body = head.get("/api/v1/rules", params={"per_page": 200}).json()
    rules = {r["code"]: r for r in body["items"]}
    assert body["total"] == len(rules) and "approval.case_overdue" in rules
    overdue = rules["approval.case_overdue"]
    assert (overdue["level"], overdue["level_label"], overdue["kind"], overdue["enabled"]) == ("yellow", "黄牌",
                                                                                              "clock", True)
    assert rules["supervision.repeat_yellow"]["params"] == {"days": 30}
    events = head.get("/api/v1/rules", params={"kind": "event", "per_page": 200}).json()["items"]
    assert events and all(r["kind"] == "event" for r in events)
    fees = head.get("/api/v1/rules", params={"category": "收费"}).json()["items"]
    assert [r["code"] for r in fees] == ["approval.fee_violation"]
    assert head.get("/api/v1/rules", params={"category": "杂项"}).status_code == 422
    assert api_client("clerk_a").get("/api/v1/rules").status_code == 403


def test_rules_show_an_administrators_stored_settings(api_client, db_url):
    """Stored settings override the code's defaults [approval-and-supervision.md: thresholds are
    "defaults to use, all configurable"]."""
    county(db_url)
    with db.transaction(db_url) as session:
        set_rule_settings(session, "supervision.repeat_yellow", {"days": 14, "level": "yellow"}, actor="admin1",
                          at=datetime.now(UTC))
    rules = {r["code"]: r for r in api_client("super1").get("/api/v1/rules", params={"per_page": 200}).json()["items"]}
    assert (rules["supervision.repeat_yellow"]["params"], rules["supervision.repeat_yellow"]["level"]) == (
        {"days": 14}, "yellow")
