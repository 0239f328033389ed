"""Working-day calendar [shared/domain/calendar-and-clocks.md]."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from yangguang.core.calendar import CalendarDay, WorkCalendar, end_of_day, start_of_day
from yangguang.core.errors import UnknownCalendarYear

DATA = Path(__file__).parent / "data"
CAL = WorkCalendar()


def loop_add_workdays(start: date, count: int) -> date:
    """Reference: the day-by-day loop the index replaces."""
    day, left = start, count
    while left:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            left -= 1
    return day


def test_2026_notice_as_the_domain_file_states_it():
    """[State Council General Office notice for 2026, as restated in calendar-and-clocks.md]"""
    off = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-02-16", "2026-02-23", "2026-04-06", "2026-05-05",
           "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-07"]
    worked = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
    assert not any(CAL.is_workday(date.fromisoformat(d)) for d in off)
    assert all(CAL.is_workday(date.fromisoformat(d)) for d in worked)


def test_day_one_is_the_next_working_day_after_a_friday_receipt():
    """N working days from a Friday receipt end at the end of the Nth working day after that Friday
    [calendar-and-clocks.md, "Counting a time limit"]."""
    assert CAL.add_workdays(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert CAL.add_workdays(date(2026, 3, 6), 5) == date(2026, 3, 13)


def test_start_on_a_non_working_day_still_counts_from_the_next_working_day():
    """[calendar-and-clocks.md: "If the start falls on a non-working day, day one is still the next working day"]"""
    assert CAL.add_workdays(date(2026, 10, 3), 1) == date(2026, 10, 8)  # National Day holiday
    assert CAL.add_workdays(date(2026, 3, 7), 1) == date(2026, 3, 9)  # Saturday


def test_holidays_and_adjusted_weekends_across_national_day_2026():
    """Periods skip 1–7 Oct and count Sunday 20 Sep and Saturday 10 Oct [2026 notice]."""
    assert CAL.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert CAL.add_workdays(date(2026, 10, 8), 2) == date(2026, 10, 10)
    assert CAL.add_workdays(date(2026, 9, 18), 1) == date(2026, 9, 20)


@settings(max_examples=300, deadline=None)
@given(start=st.dates(date(2004, 1, 1), date(2026, 10, 1)), count=st.integers(1, 40))
def test_index_matches_the_day_by_day_loop(start, count):
    """The O(log n) index gives the loop's answer over chinese_calendar [calendar-and-clocks.md]."""
    assert CAL.add_workdays(start, count) == loop_add_workdays(start, count)


@settings(max_examples=300, deadline=None)
@given(start=st.dates(date(2004, 1, 1), date(2026, 10, 1)), count=st.integers(1, 40))
def test_workdays_between_is_the_inverse_of_add(start, count):
    assert CAL.workdays_between(start, CAL.add_workdays(start, count)) == count


def test_an_unknown_year_is_refused_not_guessed():
    """Until a deployment has a year's notice, no deadline in that year is known for sure
    [calendar-and-clocks.md: "never silently treat every weekday as a working day"]."""
    with pytest.raises(UnknownCalendarYear) as err:
        CAL.is_workday(date(2027, 3, 1))
    assert "2027" in err.value.reason
    with pytest.raises(UnknownCalendarYear):
        CAL.add_workdays(date(2026, 12, 20), 20)
    with pytest.raises(UnknownCalendarYear):
        CAL.add_workdays(date(2003, 12, 30), 1)


def test_provisional_results_are_flagged():
    result, provisional = CAL.add_workdays_flagged(date(2026, 12, 28), 5)
    assert provisional and result.year == 2027
    assert CAL.add_workdays_flagged(date(2026, 3, 2), 5) == (date(2026, 3, 9), False)


def test_local_override_and_notice_year():
    calendar = WorkCalendar({date(2026, 3, 9): False}, {2027})
    assert not calendar.is_workday(date(2026, 3, 9))
    assert calendar.add_workdays(date(2026, 3, 6), 1) == date(2026, 3, 10)
    assert calendar.is_workday(date(2027, 3, 1))


# -- command line -------------------------------------------------------------------------------
def test_cli_queries(run_cli):
    assert run_cli("calendar", "is-workday", "2026-10-10").out.strip() == "yes"
    assert run_cli("calendar", "is-workday", "2026-10-01").out.strip() == "no"
    assert run_cli("calendar", "add-workdays", "2026-09-30", "1").out.strip() == "2026-10-08"
    assert run_cli("calendar", "workdays-between", "2026-09-30", "2026-10-08").out.strip() == "1"
    result = run_cli("calendar", "add-workdays", "2026-03-06", "20", "--json")
    assert result.code == 0 and '"ends": "2026-04-03"' in result.out


@pytest.mark.parametrize(
    "args, field",
    [
        (("calendar", "is-workday", "2026-02-30"), "date"),
        (("calendar", "add-workdays", "2027-03-01", "5"), "date"),
        (("calendar", "add-workdays", "2026-12-20", "20"), "date"),
        (("calendar", "add-workdays", "2026-03-02", "0"), "N"),
        (("calendar", "add-workdays", "2026-03-02", "--", "-3"), "N"),
        (("calendar", "workdays-between", "2026-03-02", "x"), "B"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(run_cli, args, field):
    result = run_cli(*args)
    assert result.code == 2
    assert result.err.count("\n") == 1 and f"{field}:" in result.err
    assert result.out == ""


def test_cli_load_a_notice_makes_the_year_known(run_cli, db_url):
    assert run_cli("calendar", "is-workday", "2027-02-14").code == 2
    loaded = run_cli("calendar", "load", str(DATA / "notice-2027.toml"), "--json")
    assert loaded.code == 0, loaded.err
    assert '"holidays": 12' in loaded.out
    assert run_cli("calendar", "is-workday", "2027-02-14").out.strip() == "yes"  # 调休上班 Sunday
    assert run_cli("calendar", "is-workday", "2027-02-08").out.strip() == "no"
    assert run_cli("calendar", "add-workdays", "2027-02-04", "1").out.strip() == "2027-02-14"


BAD_FILES = {
    "outside-year.toml": 'year = 2027\n[[holiday]]\nname = "x"\nfrom = 2026-12-31\nto = 2027-01-01\n',
    "reversed.toml": '[[holiday]]\nname = "x"\nfrom = 2026-05-03\nto = 2026-05-01\n',
    "both.toml": '[[holiday]]\nname = "x"\nfrom = 2026-05-03\nto = 2026-05-03\n'
                 '[[workday]]\nname = "y"\ndate = 2026-05-03\n',
    "empty.toml": 'year = 2027\n',
    "unknown-key.toml": '[[holiday]]\nname = "x"\nfrom = 2026-05-03\nto = 2026-05-03\ncolour = "red"\n',
    "not-toml.toml": 'this is not toml',
    "year-2101.toml": 'year = 2101\n[[holiday]]\nname = "x"\nfrom = 2101-05-03\nto = 2101-05-03\n',
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_cli_load_bad_file_changes_nothing(run_cli, db_url, tmp_path, name):
    path = tmp_path / name
    path.write_text(BAD_FILES[name], "utf-8")
    result = run_cli("calendar", "load", str(path))
    assert result.code == 2 and result.err.startswith("error: ")
    from yangguang.core import db as core_db

    with core_db.reading(db_url) as session:
        assert session.scalar(select(func.count()).select_from(CalendarDay)) == 0


def test_cli_load_missing_file(run_cli, tmp_path):
    result = run_cli("calendar", "load", str(tmp_path / "nope.toml"))
    assert result.code == 2 and result.err.startswith("error: file: 文件 ") and "nope.toml 不存在" in result.err


def test_a_local_day_begins_and_ends_at_local_midnight():
    zone = ZoneInfo("Asia/Shanghai")
    assert start_of_day(date(2026, 3, 2), zone) == datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
    assert end_of_day(date(2026, 3, 1), zone) == start_of_day(date(2026, 3, 2), zone)
