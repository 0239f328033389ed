"""Published rankings and statistics (绩效排名): only complete past months, units and windows but never
persons, the monthly statistics, the page with its charts' API sources, and bad input.

[DESIGN.md, "Performance evaluation": per unit, window and person; "rankings are published". Persons
are ranked for internal use only (the brief of the public portal).]
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import make_person, make_unit, make_window
from yangguang.core import clocks, db
from yangguang.supervision import service
from yangguang.supervision.scoring import period_bounds, scores
from yangguang.supervision.statistics import PUBLIC_FIELDS, complete_months

NOW = datetime.now(UTC)
LAST, BEFORE = complete_months(NOW, 2)[::-1]  # the newest published month and the one before it
CURRENT = period_bounds(LAST)[1].strftime("%Y-%m")  # the local month now running


def _case(session, unit, window, person, opened: datetime, closed: datetime | None, limit: int, n=[0]):  # noqa: B006
    """A case obligation (kind approval.case) with its promised clock, closed as done or cancelled."""
    n[0] += 1
    obligation = clocks.open_obligation(session, kind="approval.case", subject="approval_case", subject_id=n[0],
                                        title=f"办件{n[0]}", unit_id=unit.id, window_id=window.id,
                                        person_id=person.id, at=opened, actor="test")
    clocks.start_clock(session, obligation, kind="promised", unit="workdays", limit=limit, start_at=opened,
                       actor="test")
    if closed is not None:
        clocks.close_obligation(session, obligation, at=closed, actor="test")
    session.flush()
    return obligation


def build_month(db_url: str) -> None:
    """Unit 甲局 (windows A01, A02) and 乙局 (window B01); person 张三丰 of 甲局 handles every case."""
    start = period_bounds(LAST)[0] + timedelta(days=1, hours=2)
    with db.transaction(db_url) as session:
        a, b = make_unit(session, "A", "甲局"), make_unit(session, "B", "乙局")
        make_person(session, make_unit(session, "JW", "县纪委监委"), "wang", ["supervisor"])
        a1, a2, b1 = make_window(session, a, "A01", "甲局窗口一"), make_window(session, a, "A02", "甲局窗口二"), \
            make_window(session, b, "B01", "乙局窗口")
        person = make_person(session, a, "zhangsf", ["approver"], "张三丰")
        hour = timedelta(hours=1)
        _case(session, a, a1, person, start, start + hour, 30)  # on time
        _case(session, a, a1, person, start, start + timedelta(days=23), 1)  # late: 1 working day, 23 days later
        _case(session, a, a2, person, start, start + hour, 30)  # on time
        _case(session, b, b1, person, start, start + hour, 30)
        _case(session, b, b1, person, start, start + hour, 30)
        withdrawn = _case(session, a, a1, person, start, None, 30)
        clocks.close_obligation(session, withdrawn, at=start + hour, actor="test",
                                state=clocks.ObligationState.CANCELLED)
        earlier = period_bounds(BEFORE)[0] + timedelta(days=20)
        _case(session, b, b1, person, earlier, start + hour, 60)  # accepted the month before, done in LAST
        _case(session, a, a1, person, period_bounds(CURRENT)[0] + hour, None, 30)  # this month: not published
        for level, unit in (("yellow", "A"), ("red", "A"), ("warning", "B")):
            service.issue_manual_card(session, actor="wang", level=level, unit=unit, person="zhangsf" if unit == "A"
                                      else None, reason="窗口服务不规范", at=start + hour)


def _public(rows: list[dict]) -> list[dict]:
    return [{field: row[field] for field in PUBLIC_FIELDS} for row in rows]


def test_rankings_api_publishes_unit_and_window_scores(client, db_url):
    build_month(db_url)
    units = client.get("/api/v1/rankings", params={"period": LAST, "by": "unit"}).json()
    with db.reading(db_url) as session:
        assert units["items"] == _public(scores(session, LAST, "unit"))
        windows_scored = _public(scores(session, LAST, "window"))
    assert (units["period"], units["by"], units["total"]) == (LAST, "unit", 2)
    first, second = units["items"]
    assert (first["code"], first["rank"], first["completed"], first["on_time_rate"], first["warnings"]) == (
        "B", 1, 3, 100.0, 1)
    assert (second["code"], second["rank"], second["completed"], second["on_time"], second["yellow"],
            second["red"]) == ("A", 2, 3, 2, 1, 1)
    windows = client.get("/api/v1/rankings", params={"period": LAST, "by": "window"}).json()
    assert windows["items"] == windows_scored
    assert {row["code"]: row["completed"] for row in windows["items"]} == {"A01": 2, "A02": 1, "B01": 3}
    assert client.get("/api/v1/rankings").json()["period"] == LAST  # the newest published month by default
    page_two = client.get("/api/v1/rankings", params={"period": LAST, "by": "window", "per_page": 1, "page": 2})
    assert (page_two.json()["total"], page_two.json()["items"]) == (3, windows["items"][1:2])


def test_persons_are_never_published(client, db_url):
    build_month(db_url)
    refused = client.get("/api/v1/rankings", params={"period": LAST, "by": "person"})
    assert refused.status_code == 422 and refused.json()["field"] == "by"
    answers = [client.get("/rankings", params={"period": LAST}).text,
               client.get("/api/v1/rankings", params={"period": LAST, "by": "unit"}).text,
               client.get("/api/v1/rankings", params={"period": LAST, "by": "window"}).text,
               client.get("/api/v1/statistics").text]
    with db.reading(db_url) as session:
        assert scores(session, LAST, "person")  # the person is scored internally ...
    for text in answers:  # ... and never shown
        assert "张三丰" not in text and "zhangsf" not in text


def test_current_and_future_months_are_refused(client, db_url):
    build_month(db_url)
    next_year = f"{int(CURRENT[:4]) + 1}{CURRENT[4:]}"
    for period in (CURRENT, next_year):
        api = client.get("/api/v1/rankings", params={"period": period})
        assert api.status_code == 422 and api.json()["field"] == "period" and "尚未结束" in api.json()["reason"]
        page = client.get("/rankings", params={"period": period})
        assert page.status_code == 422 and "尚未结束，不予公布" in page.text
        assert f"最近可查询的月份是 {LAST}" in page.text
        assert "<table" not in page.text and "echarts" not in page.text


@pytest.mark.parametrize("period", ["2026-1", "2026-13", "1999-12", "abcd-ef", "２０２６-１０"])
def test_bad_periods_name_the_field(client, db_url, period):
    response = client.get("/api/v1/rankings", params={"period": period})
    assert response.status_code == 422 and response.json()["field"] == "period"
    assert client.get("/rankings", params={"period": period}).status_code == 422


def test_monthly_statistics(client, db_url):
    """Accepted (not withdrawn), completed, on time (the promised clock stopped before its due moment),
    cards by level, per complete month [scoring's definitions]."""
    build_month(db_url)
    body = client.get("/api/v1/statistics", params={"months": 2}).json()
    assert body == {"months": [
        {"month": BEFORE, "accepted": 1, "completed": 0, "on_time": 0, "on_time_rate": None, "warning": 0,
         "yellow": 0, "red": 0},
        {"month": LAST, "accepted": 5, "completed": 6, "on_time": 5, "on_time_rate": 83.3, "warning": 1,
         "yellow": 1, "red": 1}]}
    year = client.get("/api/v1/statistics").json()["months"]
    assert len(year) == 12 and year[-1]["month"] == LAST and year[0]["month"] == complete_months(NOW, 12)[0]
    for months in (0, 37, "x"):
        bad = client.get("/api/v1/statistics", params={"months": months})
        assert bad.status_code == 422 and bad.json()["field"] == "months"


def test_rankings_page(client, db_url):
    build_month(db_url)
    page = client.get("/rankings")
    assert page.status_code == 200
    assert f'<option value="{LAST}" selected>' in page.text and f'<option value="{CURRENT}"' not in page.text
    assert '<label for="ranking-period">' in page.text
    assert f'data-src="/api/v1/rankings?period={LAST}&amp;by=unit&amp;per_page=200"' in page.text
    assert f'data-src="/api/v1/rankings?period={LAST}&amp;by=window&amp;per_page=200"' in page.text
    assert page.text.count('data-src="/api/v1/statistics?months=12"') == 3
    assert '<script src="/static/vendor/echarts.min.js" defer></script>' in page.text
    assert '<script src="/static/charts.js" defer></script>' in page.text
    best = client.get("/api/v1/rankings").json()["items"][0]
    unit_row = re.search(r"<th scope=\"row\">乙局</th>(.*?)</tr>", page.text, re.S).group(1)
    assert re.findall(r'<td class="number">([^<]*)</td>', unit_row)[:4] == [str(best["score"]), "3", "100.0%",
                                                                           f"{best['early_rate']}%"]
    assert "甲局窗口一" in page.text and "乙局窗口" in page.text
    month_row = re.search(rf'<th scope="row">{LAST}</th>(.*?)</tr>', page.text, re.S).group(1)
    assert re.findall(r'<td class="number">([^<]*)</td>', month_row) == ["5", "6", "83.3%", "1", "1", "1"]
    assert client.get("/static/charts.js").status_code == 200
