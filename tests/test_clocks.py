"""Clocks and obligations [shared/domain/calendar-and-clocks.md, "Counting a time limit"]."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.factories import at, make_unit
from yangguang.core.audit import AuditEntry, write_entries
from yangguang.core.calendar import get_calendar
from yangguang.core.calendar_file import load_calendar, parse_calendar_file
from yangguang.core.clocks import (
    Clock,
    ClockState,
    close_obligation,
    extend_clock,
    open_obligation,
    pause_clock,
    restart_clock,
    resume_clock,
    start_clock,
    stop_clock,
    used_units,
)
from yangguang.core.errors import Conflict, InvalidInput

DATA = Path(__file__).parent / "data"


@pytest.fixture
def obligation(db):
    unit = make_unit(db)
    return open_obligation(db, kind="test.case", subject="test", subject_id=1, title="测试事项", unit_id=unit.id,
                           at=at("2026-03-02 09:00"), actor="test")


def local(moment):
    return moment.astimezone(at("2026-01-01").tzinfo)


def test_due_moment_is_the_end_of_the_last_working_day(db, obligation):
    """Licensing periods in working days [行政许可法 Art. 82]; the deadline is the end of the last day."""
    clock = start_clock(db, obligation, kind="promised", unit="workdays", limit=20, start_at=at("2026-09-18 15:00"),
                        actor="test")
    # 20 working days from Fri 18 Sep 2026: Sun 20 Sep is worked, 1–7 Oct off, Sat 10 Oct worked.
    assert clock.due_day == date(2026, 10, 22)
    assert local(clock.due_at) == at("2026-10-23 00:00")
    assert not clock.provisional


def test_natural_days_count_every_day(db, obligation):
    """[calendar-and-clocks.md: natural-day periods count every day; keep the unit explicit]"""
    clock = start_clock(db, obligation, kind="hearing", unit="natural_days", limit=5, start_at=at("2026-09-30 10:00"),
                        actor="test")
    assert clock.due_day == date(2026, 10, 5)


def test_one_day_limit_is_not_24_working_hours(db, obligation):
    """Pitfall: a "1 day" limit must not become 24 business hours [calendar-and-clocks.md]."""
    day = start_clock(db, obligation, kind="a", unit="workdays", limit=1, start_at=at("2026-03-02 10:00"), actor="t")
    hours = start_clock(db, obligation, kind="b", unit="work_hours", limit=8, start_at=at("2026-03-02 10:00"),
                        actor="t")
    assert day.due_day == date(2026, 3, 3)
    # 8 office hours from Monday 10:00 with a 09:00–17:00 office day end on Tuesday 10:00.
    assert local(hours.due_at) == at("2026-03-03 10:00")


def test_pause_excludes_the_paused_working_days(db, obligation):
    """Special procedures are not counted [行政许可法 Art. 45]; the remaining days continue on resumption."""
    clock = start_clock(db, obligation, kind="promised", unit="workdays", limit=10, start_at=at("2026-03-02 09:00"),
                        actor="t")
    assert clock.due_day == date(2026, 3, 16)
    pause_clock(db, clock, reason_code="expert_review", reason="专家评审", at=at("2026-03-04 10:00"), actor="t")
    assert clock.state == ClockState.PAUSED and clock.due_at is None and clock.next_check_at is None
    resume_clock(db, clock, at=at("2026-03-11 16:00"), actor="t")
    # Thu 5 – Wed 11 March (5 working days) are not counted.
    assert clock.excluded == 5
    assert clock.due_day == date(2026, 3, 23)


def test_restart_begins_the_whole_period_again(db, obligation):
    """A corrected FOI request restarts the 20-working-day period [政府信息公开条例 Art. 30]."""
    clock = start_clock(db, obligation, kind="reply", unit="workdays", limit=20, start_at=at("2026-03-02 09:00"),
                        actor="t")
    pause_clock(db, clock, reason_code="correction", reason="补正", at=at("2026-03-03 09:00"), actor="t")
    restart_clock(db, clock, at=at("2026-03-10 11:00"), actor="t", reason="收到补正后的申请")
    assert clock.state == ClockState.RUNNING
    assert clock.due_day == date(2026, 4, 8)  # 4–6 April is the Qingming holiday


def test_one_extension_within_the_legal_maximum(db, obligation):
    """+10 days with the agency head's approval, once [行政许可法 Art. 42]."""
    clock = start_clock(db, obligation, kind="statutory", unit="workdays", limit=20, start_at=at("2026-03-02 09:00"),
                        actor="t", extension_max=10)
    before = clock.due_at
    with pytest.raises(InvalidInput) as too_much:
        extend_clock(db, clock, amount=11, reason="情况复杂", approved_by="head", at=at("2026-03-20 09:00"))
    assert too_much.value.field == "amount" and clock.due_at == before
    with pytest.raises(InvalidInput):
        extend_clock(db, clock, amount=5, reason=" ", approved_by="head", at=at("2026-03-20 09:00"))
    extend_clock(db, clock, amount=10, reason="情况复杂", approved_by="head", at=at("2026-03-20 09:00"))
    assert clock.due_day == date(2026, 4, 14)  # 4–6 April is the Qingming holiday
    with pytest.raises(Conflict) as second:
        extend_clock(db, clock, amount=1, reason="再次延期", approved_by="head", at=at("2026-03-21 09:00"))
    assert "已延长过一次" in second.value.reason


@pytest.mark.parametrize("limit", [0, -5, 2.5, True])
def test_non_positive_or_fractional_limits_are_refused(db, obligation, limit):
    with pytest.raises(InvalidInput) as err:
        start_clock(db, obligation, kind="x", unit="workdays", limit=limit, start_at=at("2026-03-02"), actor="t")
    assert err.value.field == "limit"
    assert db.scalar(select(func.count()).select_from(Clock)) == 0


def test_unknown_unit_is_refused(db, obligation):
    with pytest.raises(InvalidInput) as err:
        start_clock(db, obligation, kind="x", unit="fortnights", limit=1, start_at=at("2026-03-02"), actor="t")
    assert err.value.field == "unit"


def test_stop_records_time_used_and_lateness(db, obligation):
    clock = start_clock(db, obligation, kind="promised", unit="workdays", limit=3, start_at=at("2026-03-02 09:00"),
                        actor="t")
    stop_clock(db, clock, at=at("2026-03-06 11:00"), actor="t")
    assert clock.used == 4 and clock.is_overdue(at("2026-03-01"))
    assert clock.next_check_at is None


def test_time_used_excludes_pauses_and_stands_still_while_paused(db, obligation):
    """Paused time is not counted [行政许可法 Art. 45; calendar-and-clocks.md, pauses]."""
    clock = start_clock(db, obligation, kind="promised", unit="workdays", limit=10, start_at=at("2026-03-02 09:00"),
                        actor="t")
    calendar = get_calendar(db)
    assert used_units(calendar, clock, at("2026-03-04 12:00")) == 2
    pause_clock(db, clock, reason_code="testing", reason="检测", at=at("2026-03-04 12:00"), actor="t")
    assert used_units(calendar, clock, at("2026-03-20 12:00")) == 2  # standing still
    resume_clock(db, clock, at=at("2026-03-09 10:00"), actor="t")  # Thu 5, Fri 6, Mon 9 not counted
    assert used_units(calendar, clock, at("2026-03-10 12:00")) == 3
    stop_clock(db, clock, at=at("2026-03-11 12:00"), actor="t")
    assert clock.used == 4 and used_units(calendar, clock, at("2026-04-30 12:00")) == 4


def test_close_obligation_stops_every_clock_and_audits(db, obligation):
    start_clock(db, obligation, kind="promised", unit="workdays", limit=3, start_at=at("2026-03-02 09:00"), actor="t")
    start_clock(db, obligation, kind="statutory", unit="workdays", limit=20, start_at=at("2026-03-02 09:00"),
                actor="t")
    close_obligation(db, obligation, at=at("2026-03-03 10:00"), actor="t")
    assert all(c.state == ClockState.STOPPED and c.used == 1 for c in obligation.clocks)
    write_entries(db)  # entries are written at commit; read back within the transaction
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions.count("clock.stop") == 2 and actions[-1] == "obligation.done"


def test_deadline_in_an_unknown_year_is_provisional_until_the_notice_is_loaded(db, obligation):
    """No deadline in a year without its notice is certain: it is marked provisional, and loading the
    notice recomputes it [calendar-and-clocks.md, "Working days in mainland China"]."""
    clock = start_clock(db, obligation, kind="promised", unit="workdays", limit=20, start_at=at("2026-12-28 09:00"),
                        actor="t")
    assert clock.provisional
    assert clock.due_day == date(2027, 1, 25)  # weekdays assumed
    load_calendar(db, parse_calendar_file(DATA / "notice-2027.toml"), source="notice-2027.toml", actor="t")
    db.refresh(clock)
    assert not clock.provisional
    assert clock.due_day == date(2027, 1, 26)  # 1 Jan 2027 (a Friday) is now a holiday


def test_a_local_holiday_added_later_moves_open_deadlines(db, obligation, tmp_path):
    """When holidays are loaded or corrected, affected open clocks are recomputed (a bug seen elsewhere:
    a holiday added later did not move deadlines) [calendar-and-clocks.md]."""
    open_clock = start_clock(db, obligation, kind="promised", unit="workdays", limit=5,
                             start_at=at("2026-03-02 09:00"), actor="t")
    done_clock = start_clock(db, obligation, kind="other", unit="workdays", limit=5, start_at=at("2026-03-02 09:00"),
                             actor="t")
    stop_clock(db, done_clock, at=at("2026-03-03 09:00"), actor="t")
    done_due = done_clock.due_at
    local_file = tmp_path / "local.toml"
    local_file.write_text('[[holiday]]\nname = "三月三"\nfrom = 2026-03-05\nto = 2026-03-06\n', "utf-8")
    summary = load_calendar(db, parse_calendar_file(local_file), source="local.toml", actor="t")
    assert summary["clocks_recomputed"] == 1
    db.refresh(open_clock)
    assert open_clock.due_day == date(2026, 3, 11)
    assert done_clock.due_at == done_due
    assert open_clock.due_day - timedelta(days=2) == date(2026, 3, 9)
