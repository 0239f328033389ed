"""add-workdays: the ordinal index against a day-by-day loop over chinese_calendar.is_workday.

Issue target: at least 50 times faster for 20-working-day periods, same run.

    .venv/bin/python benchmarks/bench_calendar.py [--periods 20000]
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta

import chinese_calendar

from benchmarks.common import best_of, save
from yangguang.core.calendar import WorkCalendar


def loop_add_workdays(start: date, count: int) -> date:
    day, left = start, count
    while left:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            left -= 1
    return day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--periods", type=int, default=20000)
    parser.add_argument("--workdays", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(42)
    first, span = date(2004, 1, 1), (date(2026, 10, 31) - date(2004, 1, 1)).days
    starts = [first + timedelta(days=rng.randrange(span)) for _ in range(args.periods)]
    calendar = WorkCalendar()
    assert [calendar.add_workdays(s, args.workdays) for s in starts[:2000]] == [
        loop_add_workdays(s, args.workdays) for s in starts[:2000]]
    index = best_of(5, lambda: [calendar.add_workdays(s, args.workdays) for s in starts])
    loop = best_of(3, lambda: [loop_add_workdays(s, args.workdays) for s in starts])
    result = {
        "periods": args.periods, "workdays": args.workdays,
        "index_us_per_period": round(index / args.periods * 1e6, 3),
        "loop_us_per_period": round(loop / args.periods * 1e6, 3),
        "speedup": round(loop / index, 1), "target_speedup": 50,
    }
    print(result)
    print("saved", save("calendar", result))


if __name__ == "__main__":
    main()
