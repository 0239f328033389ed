"""The live hall board (大厅实况): figures per window computed from cases built with the services at
known moments, the page, its htmx fragment, the API, and bad dates.

[approval-and-supervision.md, "Service-centre practice": "The public sees, live: each window's cases
accepted and completed today"]. On time means within the promised limit (承诺时限), counted in
working days from the day after acceptance [calendar-and-clocks.md, "Counting a time limit"].
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import event

from tests.approval_factories import REQUIRED, make_hall
from tests.factories import at, make_window
from yangguang.approval import service
from yangguang.approval.hall import hall_board
from yangguang.core import db
from yangguang.core.clocks import local_day
from yangguang.core.org import get_unit
from yangguang.core.settings import reset_settings

APPLICANT = {"name": "青山县测试餐饮有限公司", "type": "2", "id_number": "91330100MA2TEST01X", "phone": "13912345678"}
DAY = date(2026, 3, 10)  # a Tuesday


def moment(when: str | datetime) -> datetime:
    return when if isinstance(when, datetime) else at(when)


def accept(session, hall, when, window: str = "A01", complete: bool = True):
    """A case received (and, with every required material, accepted) at ``window``."""
    return service.receive_application(session, item_code="SCJ-0001", clerk=hall.clerk, window_number=window,
                                       channel="1", applicant=APPLICANT,
                                       materials=REQUIRED if complete else REQUIRED[:1], at=moment(when))


def complete(session, hall, case, when) -> None:
    """Do the steps after acceptance up to 办结 (the case is then completed)."""
    service.act_on_step(session, case, "审查", hall.approver, at=moment(when))
    service.act_on_step(session, case, "决定", hall.head, at=moment(when), decision="grant")
    service.act_on_step(session, case, "办结", hall.clerk, at=moment(when))


def build_day(db_url: str) -> None:
    """Cases around Tuesday 2026-03-10 at windows A01 and A02 (both of the market regulator).

    Promised limit 10 working days: accepted Mon 2 Mar, due end of Mon 16 Mar; accepted Mon 2 Feb,
    due end of Sat 14 Feb (a working Saturday of the 2026 notice: 15–23 Feb are the Spring Festival).
    """
    with db.transaction(db_url) as session:
        hall = make_hall(session)
        make_window(session, hall.unit, "A02", "市场监管第二窗口")
        make_window(session, hall.other_unit, "B01", "税务窗口")  # a window with nothing: zeros
        on_time = accept(session, hall, "2026-03-02 09:00")
        complete(session, hall, on_time, "2026-03-10 10:00")  # A01: completed today, on time
        late = accept(session, hall, "2026-02-02 09:00")
        complete(session, hall, late, "2026-03-10 11:00")  # A01: completed today, late
        accept(session, hall, "2026-03-10 09:30")  # A01: accepted today, in progress
        refused = accept(session, hall, "2026-03-10 12:00")  # A01: acceptance withdrawn the same day
        service.refuse_application(session, refused, hall.clerk, "申请人撤回", "", at=at("2026-03-10 12:30"))
        accept(session, hall, "2026-03-10 15:00", complete=False)  # A01: received, not accepted
        accept(session, hall, "2026-03-11 09:00")  # A01: the next day, not counted
        earlier = accept(session, hall, "2026-03-05 09:00", window="A02")
        complete(session, hall, earlier, "2026-03-06 10:00")  # A02: completed this month, on time
        accept(session, hall, "2026-03-10 14:00", window="A02")  # A02: accepted today, in progress
        overnight = accept(session, hall, "2026-03-09 10:00", window="A02")
        complete(session, hall, overnight, "2026-03-11 10:00")  # A02: in progress at the end of the day


WINDOW_FIGURES = {
    "A01": {"accepted": 1, "completed": 2, "on_time": 1, "on_time_rate": 50.0, "month_completed": 2,
            "month_on_time": 1, "month_on_time_rate": 50.0, "in_progress": 1},
    "A02": {"accepted": 1, "completed": 0, "on_time": 0, "on_time_rate": None, "month_completed": 1,
            "month_on_time": 1, "month_on_time_rate": 100.0, "in_progress": 2},
    "B01": {"accepted": 0, "completed": 0, "on_time": 0, "on_time_rate": None, "month_completed": 0,
            "month_on_time": 0, "month_on_time_rate": None, "in_progress": 0},
}
TOTALS = {"accepted": 2, "completed": 2, "on_time": 1, "on_time_rate": 50.0, "month_completed": 3,
          "month_on_time": 2, "month_on_time_rate": 66.7, "in_progress": 3}


def test_board_figures_of_a_past_day(client, db_url):
    build_day(db_url)
    body = client.get("/api/v1/hall?date=2026-03-10").json()
    assert (body["date"], body["live"]) == ("2026-03-10", False)
    assert datetime.fromisoformat(body["as_of"]) == at("2026-03-11 00:00")
    figures = {row["window"]: {key: row[key] for key in WINDOW_FIGURES["A01"]} for row in body["windows"]}
    assert figures == WINDOW_FIGURES
    assert [(row["window"], row["name"], row["unit"]) for row in body["windows"]] == [
        ("A01", "市场监管综合窗口", "县市场监督管理局"), ("A02", "市场监管第二窗口", "县市场监督管理局"),
        ("B01", "税务窗口", "县税务局")]
    assert body["totals"] == TOTALS


def test_month_counts_only_up_to_the_day(client, db_url):
    """The month's figures of 2026-03-06 hold what was completed by then, not the later cases."""
    build_day(db_url)
    body = client.get("/api/v1/hall?date=2026-03-06").json()
    rows = {row["window"]: row for row in body["windows"]}
    assert (rows["A02"]["completed"], rows["A02"]["month_completed"], rows["A01"]["month_completed"]) == (1, 1, 0)
    assert rows["A01"]["in_progress"] == 2  # accepted 2 Feb and 2 Mar, neither completed yet


def test_live_board_counts_cases_now_in_progress(client, db_url):
    with db.transaction(db_url) as session:
        hall = make_hall(session)
        now = datetime.now(UTC)
        accept(session, hall, now)
        done = accept(session, hall, now)
        complete(session, hall, done, now)
    body = client.get("/api/v1/hall").json()
    assert body["live"] is True and body["date"] == local_day(datetime.now(UTC)).isoformat()
    (row,) = body["windows"]
    assert (row["accepted"], row["completed"], row["on_time_rate"], row["in_progress"]) == (2, 1, 100.0, 1)


def test_live_board_is_recomputed_at_most_every_refresh_interval(client, db_url, tmp_path, monkeypatch):
    """[hall] refresh_seconds: within the interval every poll gets the same board (its as_of says when it was
    computed); with 0 every request recomputes it."""
    with db.transaction(db_url) as session:
        hall = make_hall(session)
        accept(session, hall, datetime.now(UTC))
    first = client.get("/api/v1/hall").json()
    with db.transaction(db_url) as session:
        accept(session, SimpleNamespace(clerk="clerk1"), datetime.now(UTC))
    again = client.get("/api/v1/hall").json()
    assert again == first and again["totals"]["accepted"] == 1
    config = tmp_path / "yangguang.toml"
    config.write_text("[hall]\nrefresh_seconds = 0\n", "utf-8")
    monkeypatch.setenv("YANGGUANG_CONFIG", str(config))
    reset_settings()
    fresh = client.get("/api/v1/hall").json()
    assert fresh["totals"]["accepted"] == 2 and fresh["as_of"] > first["as_of"]


def test_page_polls_the_fragment_only_for_today(client, db_url):
    build_day(db_url)
    today = client.get("/hall")
    assert today.status_code == 200
    assert 'hx-get="/hall/board"' in today.text and 'hx-trigger="every 30s"' in today.text
    past = client.get("/hall?date=2026-03-10")
    assert past.status_code == 200 and "hx-trigger" not in past.text
    assert 'value="2026-03-10"' in past.text and '<label for="hall-date">' in past.text
    row = re.search(r"A01 市场监管综合窗口<br><span class=\"muted\">县市场监督管理局</span></th>(.*?)</tr>",
                    past.text, re.S).group(1)
    assert re.findall(r'<td class="number">([^<]*)</td>', row) == ["1", "2", "50.0%", "2", "50.0%", "1"]
    assert '<div class="table-wrap">' in past.text


def test_fragment_is_the_board_alone(client, db_url):
    build_day(db_url)
    fragment = client.get("/hall/board?date=2026-03-10")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "A02 市场监管第二窗口" in fragment.text and "66.7%" in fragment.text


def _selects(db_url: str) -> int:
    """How many SELECTs one board of DAY costs."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = db.get_engine(db_url)
    event.listen(engine, "before_cursor_execute", count)
    try:
        with db.reading(db_url) as session:
            hall_board(session, DAY, now=datetime.now(UTC))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])


def test_board_is_a_fixed_number_of_queries(db_url):
    """No N+1: the windows, then one grouped query per figure, however many windows there are."""
    build_day(db_url)
    assert _selects(db_url) == 4
    with db.transaction(db_url) as session:
        hall = get_unit(session, "SCJ")
        for number in range(3, 12):
            window = make_window(session, hall, f"A{number:02d}", f"窗口{number}")
            service.receive_application(session, item_code="SCJ-0001", clerk="clerk1", window_number=window.number,
                                        channel="1", applicant=APPLICANT, materials=REQUIRED,
                                        at=at("2026-03-10 16:00"))
    assert _selects(db_url) == 4


@pytest.mark.parametrize(("value", "reason"), [
    ("2026-02-30", None), ("yesterday", None), ("2999-01-01", "尚未到来"), ("1999-12-31", "2000-01-01")])
def test_bad_dates_are_refused(client, db_url, value, reason):
    api = client.get(f"/api/v1/hall?date={value}")
    assert api.status_code == 422 and api.json()["field"] == "date"
    assert reason is None or reason in api.json()["reason"]
    page = client.get(f"/hall?date={value}")
    assert page.status_code == 422 and 'data-field="date"' in page.text
