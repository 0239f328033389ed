"""The administrator's calendar: overrides of single days, notices uploaded, open clocks recomputed.

Rules: calendar-and-clocks.md ("Working days in mainland China": local holidays on top; "when an
administrator loads or corrects holidays, the due moments of open clocks that are affected must be
recomputed"; "Counting a time limit": day one is the first working day after the start).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from tests.factories import at
from tests.web.admin_support import actions, assert_admin_only, assert_labelled, audit_count, make_office
from yangguang.core import clocks, db
from yangguang.core.calendar import CalendarDay
from yangguang.core.clocks import Clock
from yangguang.core.org import Unit

NOTICE_2027 = (Path(__file__).parent.parent / "data" / "notice-2027.toml").read_bytes()
ROUTES = [("GET", "/api/v1/admin/calendar/overrides?year=2026"), ("PUT", "/api/v1/admin/calendar/overrides/2026-03-05"),
          ("DELETE", "/api/v1/admin/calendar/overrides/2026-03-05"), ("POST", "/api/v1/admin/calendar/notices"),
          ("GET", "/staff/admin/calendar"), ("POST", "/staff/admin/calendar/days"),
          ("POST", "/staff/admin/calendar/days/2026-03-05/remove"), ("POST", "/staff/admin/calendar/notices")]


def open_clock(db_url: str, start: str = "2026-03-02 10:00", limit: int = 5) -> int:
    """An open obligation with a working-day clock; returns the clock's id."""
    with db.transaction(db_url) as session:
        unit = session.scalar(select(Unit).where(Unit.code == "SCJ"))
        obligation = clocks.open_obligation(session, kind="test.case", subject="test", subject_id="1",
                                            title="测试办件", unit_id=unit.id, at=at(start), actor="test")
        clock = clocks.start_clock(session, obligation, kind="promised", unit="workdays", limit=limit,
                                   start_at=at(start), actor="test")
        session.flush()
        return clock.id


def due(db_url: str, clock_id: int):
    with db.reading(db_url) as session:
        clock = session.get(Clock, clock_id)
        return clock.due_at, clock.provisional


def test_only_administrators_reach_any_calendar_route(client, api_client, page_client, db_url):
    office = make_office(db_url)
    assert_admin_only(client, api_client(office.clerk), page_client(office.clerk), ROUTES)


def test_a_local_holiday_moves_an_open_clock_and_removing_it_moves_it_back(api_client, db_url):
    """5 working days from Mon 2 Mar 2026 end with Mon 9 Mar; a local holiday on Thu 5 Mar moves the end
    to Tue 10 Mar; removing the holiday moves it back [calendar-and-clocks.md]."""
    office = make_office(db_url)
    admin = api_client(office.admin)
    clock_id = open_clock(db_url)
    assert due(db_url, clock_id) == (at("2026-03-10 00:00"), False)
    response = admin.put("/api/v1/admin/calendar/overrides/2026-03-05",
                         json={"workday": False, "note": "自治县成立纪念日"})
    assert response.status_code == 200, response.text
    assert response.json() == {"date": "2026-03-05", "clocks_recomputed": 1}
    assert due(db_url, clock_id) == (at("2026-03-11 00:00"), False)
    year = admin.get("/api/v1/admin/calendar/overrides?year=2026").json()
    assert [(o["date"], o["workday"], o["name"]) for o in year["overrides"]] == [
        ("2026-03-05", False, "自治县成立纪念日")]
    assert year["known"] is True and year["notice"] is None
    assert admin.delete("/api/v1/admin/calendar/overrides/2026-03-05").status_code == 200
    assert due(db_url, clock_id) == (at("2026-03-10 00:00"), False)
    assert actions(db_url)[-2:] == ["calendar.day_set", "calendar.day_removed"]


def test_an_adjusted_working_saturday_shortens_an_open_clock(api_client, db_url):
    """5 working days from Mon 2 Mar 2026 are 3–6 Mar and Mon 9 Mar; with Saturday 7 Mar worked (调休上班)
    the 5th is Sat 7 Mar, so the period ends at the end of 7 Mar [calendar-and-clocks.md]."""
    office = make_office(db_url)
    clock_id = open_clock(db_url)
    api_client(office.admin).put("/api/v1/admin/calendar/overrides/2026-03-07", json={"workday": True,
                                                                                     "note": "调休上班"})
    assert due(db_url, clock_id) == (at("2026-03-08 00:00"), False)


def test_a_notice_upload_makes_its_year_known_and_settles_provisional_clocks(api_client, db_url):
    """Until the year's notice is loaded a deadline in it is provisional; loading it recomputes the clock
    [calendar-and-clocks.md]. The 2027 test notice has 5–13 Feb off."""
    office = make_office(db_url)
    admin = api_client(office.admin)
    clock_id = open_clock(db_url, "2027-02-04 10:00", limit=1)
    assert due(db_url, clock_id) == (at("2027-02-06 00:00"), True)  # provisional: Fri 5 Feb assumed worked
    before = admin.get("/api/v1/admin/calendar/overrides?year=2027").json()
    assert before["known"] is False
    loaded = admin.post("/api/v1/admin/calendar/notices",
                        files={"file": ("notice-2027.toml", NOTICE_2027, "application/toml")})
    assert loaded.status_code == 201, loaded.text
    assert (loaded.json()["year"], loaded.json()["holidays"], loaded.json()["clocks_recomputed"]) == (2027, 12, 1)
    assert due(db_url, clock_id) == (at("2027-02-15 00:00"), False)  # Sunday 14 Feb is worked (调休)
    after = admin.get("/api/v1/admin/calendar/overrides?year=2027").json()
    assert after["known"] is True and after["notice"]["title"].startswith("国务院办公厅关于2027年")


def test_bad_input_names_the_field_and_changes_nothing(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    clock_id = open_clock(db_url)
    before = audit_count(db_url)
    cases = [
        ("put", "/api/v1/admin/calendar/overrides/2026-02-30", {"workday": False, "note": "x"}, 422, "day"),
        ("put", "/api/v1/admin/calendar/overrides/1900-01-01", {"workday": False, "note": "x"}, 422, "date"),
        ("put", "/api/v1/admin/calendar/overrides/2026-03-05", {"workday": False, "note": ""}, 422, "note"),
        ("put", "/api/v1/admin/calendar/overrides/2026-03-05", {"workday": False, "note": "x" * 61}, 422, "note"),
        ("put", "/api/v1/admin/calendar/overrides/2026-03-05", {"workday": "maybe", "note": "x"}, 422, "workday"),
        ("delete", "/api/v1/admin/calendar/overrides/2026-03-05", None, 404, "date"),
        ("get", "/api/v1/admin/calendar/overrides?year=1999", None, 422, "year"),
    ]
    for method, path, body, status, field in cases:
        response = getattr(admin, method)(path, json=body) if body is not None else getattr(admin, method)(path)
        assert (response.status_code, response.json()["field"]) == (status, field), (path, response.text)
    for name, content in (("notice.toml", b"this is not toml"), ("notice.toml", b"year = 2027\n"),
                          ("notice.txt", NOTICE_2027),
                          ("notice.toml", b'[[holiday]]\nname = "x"\nfrom = 1900-01-01\nto = 1900-01-02\n'),
                          ("notice.toml", b'[[holiday]]\nname = "' + "长" .encode() * 61 + b'"\nfrom = 2026-05-03\n'
                                          b'to = 2026-05-03\n')):
        response = admin.post("/api/v1/admin/calendar/notices", files={"file": (name, content, "text/plain")})
        assert response.status_code == 422, (name, content, response.text)
    assert audit_count(db_url) == before and due(db_url, clock_id) == (at("2026-03-10 00:00"), False)
    with db.reading(db_url) as session:
        assert session.scalar(select(func.count()).select_from(CalendarDay)) == 0


def test_pages_set_remove_and_upload(page_client, db_url):
    office = make_office(db_url)
    admin = page_client(office.admin)
    clock_id = open_clock(db_url)
    saved = admin.post("/staff/admin/calendar/days", data={"day": "2026-03-05", "workday": "false",
                                                           "note": "自治县成立纪念日"})
    assert saved.status_code == 303 and saved.headers["location"] == "/staff/admin/calendar?year=2026"
    page = admin.get("/staff/admin/calendar?year=2026")
    assert "重算了 1 个在办时限" in page.text and "自治县成立纪念日" in page.text and "table-wrap" in page.text
    assert due(db_url, clock_id)[0] == at("2026-03-11 00:00")
    partial = admin.post("/staff/admin/calendar/days/2026-03-05/remove", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.text and "已取消 2026-03-05 的调整" in partial.text
    assert due(db_url, clock_id)[0] == at("2026-03-10 00:00")
    bad = admin.post("/staff/admin/calendar/days", data={"day": "2026-03-05", "workday": "false", "note": " "})
    assert bad.status_code == 422 and 'data-field="note"' in bad.text
    uploaded = admin.post("/staff/admin/calendar/notices",
                          files={"file": ("notice-2027.toml", NOTICE_2027, "application/toml")})
    assert uploaded.status_code == 303 and uploaded.headers["location"] == "/staff/admin/calendar?year=2027"
    assert "已载入2027 年放假通知" in admin.get("/staff/admin/calendar?year=2027").text


def test_page_labels_every_field(page_client, db_url):
    office = make_office(db_url)
    assert_labelled(page_client(office.admin), "/staff/admin/calendar?year=2026")
