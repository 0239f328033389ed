"""The public progress query (办件进度查询): what it shows, what it never shows (the applicant's personal
data), a wrong query code indistinguishable from an unknown number, and the limit on wrong guesses per
client address ([progress] in defaults.toml: 20 within 15 minutes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.approval_factories import make_hall
from tests.factories import at
from tests.web.conftest import PASSWORD, csrf_of, staff
from tests.web.test_hall import APPLICANT, accept, complete
from yangguang.approval import service
from yangguang.approval.public import look_up_progress
from yangguang.core import db
from yangguang.core.audit import AuditEntry
from yangguang.core.auth import LoginAttempt
from yangguang.core.errors import NotFound, TooManyAttempts

PERSONAL = (APPLICANT["name"], APPLICANT["phone"], APPLICANT["id_number"])


def build_cases(db_url: str) -> dict[str, tuple[str, str]]:
    """An open case held by the unit head (决定), a completed one, a suspended one: (number, query code)."""
    with db.transaction(db_url) as session:
        hall = make_hall(session)
        staff(session, hall.unit, "clerk9", ["clerk"])
        open_case = accept(session, hall, "2026-03-02 09:00")
        service.act_on_step(session, open_case, "审查", hall.approver, at=at("2026-03-03 10:00"))
        done = accept(session, hall, "2026-03-02 10:00")
        complete(session, hall, done, "2026-03-04 16:00")
        paused = accept(session, hall, "2026-03-02 11:00")
        service.begin_special_procedure(session, paused, hall.approver, "expert_review", 5, "需组织专家论证",
                                        at=at("2026-03-03 09:00"))
        return {name: (case.number, case.query_code) for name, case in
                (("open", open_case), ("done", done), ("paused", paused))}


def ask(client, number: str, code: str):
    return client.post("/api/v1/progress", json={"number": number, "query_code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_progress_shows_steps_holder_and_time(client, db_url):
    cases = build_cases(db_url)
    body = ask(client, *cases["open"]).json()
    assert (body["number"], body["item"], body["unit"], body["state_label"]) == (
        cases["open"][0], "食品经营许可", "县市场监督管理局", "办理中")
    assert (body["received_on"], body["accepted_on"], body["completed_on"]) == ("2026-03-02", "2026-03-02", None)
    assert body["steps_done"] == [{"step": "受理", "unit": "县市场监督管理局", "done_on": "2026-03-02"},
                                  {"step": "审查", "unit": "县市场监督管理局", "done_on": "2026-03-03"}]
    assert body["current"] == [{"step": "决定", "unit": "县市场监督管理局", "since": "2026-03-03"}]
    time = body["time"]
    # 10 working days from Mon 2 Mar 2026: due at the end of Mon 16 Mar [calendar-and-clocks.md]
    assert (time["limit"], time["time_unit"], time["due_on"], time["overdue"], time["left"]) == (
        10, "workdays", "2026-03-16", True, 0)
    assert body["suspended"] is None
    done = ask(client, *cases["done"]).json()
    assert (done["state_label"], done["completed_on"], done["result"], done["current"]) == (
        "已办结", "2026-03-04", "准予许可", [{"step": "送达", "unit": "县市场监督管理局", "since": "2026-03-04"}])
    assert (done["time"]["used"], done["time"]["overdue"]) == (2, False)
    paused = ask(client, *cases["paused"]).json()
    assert paused["suspended"] == {"reason": "专家评审", "since": "2026-03-03"}
    assert paused["time"]["paused"] is True and paused["time"]["due_on"] is None


def test_progress_page(client, db_url):
    cases = build_cases(db_url)
    form = client.get(f"/progress?number={cases['open'][0]}")
    assert form.status_code == 200 and f'value="{cases["open"][0]}"' in form.text
    for field in ("progress-number", "progress-code"):
        assert f'<label for="{field}">' in form.text
    token = csrf_of(client, "/progress")
    page = client.post("/progress", data={"number": cases["open"][0], "query_code": cases["open"][1],
                                          "csrf_token": token})
    assert page.status_code == 200
    for shown in ("办理中", "县市场监督管理局 · 决定（自 2026-03-03 起）", "已超过承诺时限", "承诺办结日期 2026-03-16",
                  "<td>审查</td><td>县市场监督管理局</td><td>2026-03-03</td>"):
        assert shown in page.text, shown
    paused = client.post("/progress", data={"number": cases["paused"][0], "query_code": cases["paused"][1],
                                            "csrf_token": token})
    assert "专家评审（自 2026-03-03 起，依法不计入办理时限）" in paused.text


def test_no_personal_data_in_any_answer(client, db_url):
    cases = build_cases(db_url)
    token = csrf_of(client, "/progress")
    for number, code in cases.values():
        api = ask(client, number, code)
        page = client.post("/progress", data={"number": number, "query_code": code, "csrf_token": token})
        assert api.status_code == page.status_code == 200
        for value in PERSONAL:
            assert value not in api.text and value not in page.text
    with db.reading(db_url) as session:  # a right answer writes nothing: no guess counted, no audit entry
        assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0
        assert session.scalar(select(func.count()).where(AuditEntry.action == "progress.failed")) == 0


def test_wrong_code_answers_like_an_unknown_number(client, db_url):
    cases = build_cases(db_url)
    number, code = cases["open"]
    unknown_number = number[:-1] + ("9" if number[-1] != "9" else "8")
    wrong_code, unknown = ask(client, number, wrong(code)), ask(client, unknown_number, code)
    assert wrong_code.status_code == unknown.status_code == 404
    assert wrong_code.json() == unknown.json() == {"field": "number", "reason": "未找到该办件：请核对办件编号和查询码"}
    token = csrf_of(client, "/progress")
    pages = [client.post("/progress", data={"number": asked, "query_code": sent, "csrf_token": token})
             for asked, sent in ((number, wrong(code)), (unknown_number, code))]
    assert pages[0].status_code == pages[1].status_code == 404
    assert pages[0].text.replace(number, "N") == pages[1].text.replace(unknown_number, "N")
    for value in PERSONAL:
        assert value not in pages[0].text


def test_wrong_guesses_are_limited_per_address(client, db_url):
    """20 wrong guesses within 15 minutes: then even the right code is refused, and the guesses are audited."""
    cases = build_cases(db_url)
    number, code = cases["open"]
    for _ in range(20):
        assert ask(client, number, wrong(code)).status_code == 404
    refused = ask(client, number, code)
    assert refused.status_code == 429 and refused.json()["field"] == "number"
    token = csrf_of(client, "/progress")
    page = client.post("/progress", data={"number": number, "query_code": code, "csrf_token": token})
    assert page.status_code == 429 and "失败次数过多" in page.text
    with db.reading(db_url) as session:
        assert session.scalar(select(func.count()).where(AuditEntry.action == "progress.failed")) == 20
        assert session.scalar(select(func.count()).where(LoginAttempt.address == "progress:testclient")) == 20
    # progress guesses never count towards the staff login limits of the same address
    login = client.post("/login", data={"login": "clerk9", "password": PASSWORD, "csrf_token": csrf_of(client)})
    assert login.status_code == 303


def test_the_limit_is_a_window(db_url):
    """Guesses older than the 15-minute window no longer count; another address is not affected."""
    cases = build_cases(db_url)
    number, code = cases["open"]
    start = datetime.now(UTC)
    for _ in range(20):
        with pytest.raises(NotFound):
            look_up_progress(number, wrong(code), address="10.0.0.1", at=start)
    with pytest.raises(TooManyAttempts):
        look_up_progress(number, code, address="10.0.0.1", at=start + timedelta(minutes=14))
    assert look_up_progress(number, code, address="10.0.0.2", at=start)["number"] == number
    assert look_up_progress(number, code, address="10.0.0.1", at=start + timedelta(minutes=16))["number"] == number


@pytest.mark.parametrize(("body", "field"), [
    ({"number": "", "query_code": "123456"}, "number"), ({"number": "2026 SCJ", "query_code": "1"}, "number"),
    ({"number": "N" * 41, "query_code": "1"}, "number"), ({"number": "2026SCJ000001"}, "query_code"),
    ({"number": "2026SCJ000001", "query_code": "1234567890123"}, "query_code"),
    ({"number": "2026SCJ\x00", "query_code": "1"}, "number")])
def test_bad_progress_input_names_the_field(client, db_url, body, field):
    build_cases(db_url)
    response = client.post("/api/v1/progress", json=body)
    assert response.status_code == 422 and response.json()["field"] == field
    with db.reading(db_url) as session:
        assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0  # nothing counted or written


def test_progress_form_needs_its_csrf_token(client, db_url):
    cases = build_cases(db_url)
    csrf_of(client, "/progress")
    refused = client.post("/progress", data={"number": cases["open"][0], "query_code": cases["open"][1],
                                             "csrf_token": "forged"})
    assert refused.status_code == 403
