"""The demo county 青山县: a realistic service hall and a year of its cases, built on any database.

41 departments of a county government (plus the discipline commission's supervision team), the
317-item catalogue in ``approval/data``, windows and staff of every role, then a simulated year
(2025-11-24 to 2026-11-20) of applications driven through the real services with a supervision
sweep every morning (see :mod:`yangguang.demo.simulation`), and government information disclosure
from 2025-01-02 (:mod:`yangguang.demo.disclosure`). ``--seed`` makes it reproducible.
"""

from __future__ import annotations

import random
import time as clock
from datetime import date, datetime, time, timedelta
from importlib import resources
from typing import Any

from rich.progress import Progress
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yangguang.approval.catalogue import import_catalogue
from yangguang.approval.models import Case
from yangguang.core import db
from yangguang.core.auth import set_shared_password
from yangguang.core.errors import Conflict, InvalidInput
from yangguang.core.org import Person, Unit
from yangguang.demo import disclosure, simulation
from yangguang.demo.people import build_staff, load_units
from yangguang.supervision.models import Card

FIRST_DAY, LAST_DAY = date(2025, 11, 24), date(2026, 11, 20)
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=simulation.ZONE)  # when the demo county is looked at
DEMO_PASSWORD = "qingshan2026"  # every demo account's password (printed by `yangguang demo`)


def _setup(session: Session, rng: random.Random):
    at = datetime.combine(disclosure.FIRST_DAY - timedelta(days=10), time(9), simulation.ZONE)
    load_units(session, at)
    with resources.as_file(resources.files("yangguang.approval").joinpath("data/county_items.csv")) as path:
        import_catalogue(session, path, actor="demo", at=at)
    staff = build_staff(session, rng, at)
    set_shared_password(session, list(session.scalars(select(Person))), DEMO_PASSWORD, actor="demo", at=at)
    return staff


def _arrival_days(rng: random.Random, days: list[date], cases: int) -> dict[date, int]:
    """Spread the cases over the working days: Mondays busier, Fridays quieter, some noise."""
    weights = [{0: 1.25, 4: 0.85}.get(d.weekday(), 1.0) * rng.uniform(0.75, 1.25) for d in days]
    counts: dict[date, int] = {}
    for day in rng.choices(days, weights, k=cases):
        counts[day] = counts.get(day, 0) + 1
    return counts


def build(*, seed: int = 2026, cases: int = 6000, show_progress: bool = True) -> dict[str, Any]:
    if cases <= 0:
        raise InvalidInput("cases", f"办件数量应为正整数，输入值为 {cases}")
    rng = random.Random(seed)
    started = clock.perf_counter()
    with db.transaction() as session:
        if session.scalar(select(func.count()).select_from(Unit)):
            raise Conflict("database", "数据库中已有数据；如需替换，请加 --fresh 重新生成演示数据")
        staff = _setup(session, rng)
        session.commit()
        sim = simulation.start(session, rng, staff)
        desk = simulation.CardDesk(sim)
        items = simulation.active_items(session, staff)
        weights = simulation.item_weights(rng, items)
        days = simulation.workdays(sim.calendar, FIRST_DAY, LAST_DAY)
        arrivals = _arrival_days(rng, days, cases)
        breaches = simulation.scripted_breaches(sim, session)
        breach_days = dict(zip(sorted(rng.sample(days[5:-5], len(breaches))), breaches, strict=True))
        county = disclosure.schedule_all(session, sim, cases=cases, last_day=LAST_DAY, end=NOW)
        total_days = (LAST_DAY - disclosure.FIRST_DAY).days + 1  # disclosure alone before the hall's year
        with Progress(disable=not show_progress, transient=True) as progress:
            task = progress.add_task("模拟政务公开与一年的办件、监察", total=total_days)
            for offset in range(total_days):
                day = disclosure.FIRST_DAY + timedelta(days=offset)
                sim.schedule(datetime.combine(day, time(8), simulation.ZONE), desk.morning_sweep)
                for item in rng.choices(items, weights, k=arrivals.get(day, 0)):
                    sim.arrive(item, sim.office_moment(day))
                if day in breach_days:
                    sim.schedule(sim.office_moment(day), breach_days[day])
                sim.run_until(session, datetime.combine(day + timedelta(days=1), time(0), simulation.ZONE))
                session.commit()
                progress.advance(task)
        sim.run_until(session, NOW)
        desk.morning_sweep(session, NOW)
    return summary(sim, seed, cases, clock.perf_counter() - started, county)


def summary(sim: simulation.Simulation, seed: int, cases: int, seconds: float,
            county: disclosure.DisclosureStats) -> dict[str, Any]:
    with db.reading() as session:
        figures = disclosure.summary(session, county)
        by_state = dict(session.execute(select(Case.state, func.count()).group_by(Case.state)).all())
        by_level = dict(session.execute(select(Card.level, func.count()).group_by(Card.level)).all())
        open_cards = session.scalar(select(func.count()).select_from(Card).where(Card.state != "closed"))
        sample = session.execute(select(Case.number, Case.query_code)  # a case in progress if there is one
                                 .order_by((Case.state == "in_progress").desc(), Case.id.desc()).limit(1)).first()
        red = session.scalar(select(Card.number).where(Card.level == "red").order_by(Card.id.desc()).limit(1))
    stats = sim.stats
    return {
        "seed": seed, "cases_requested": cases, "seconds": round(seconds, 1),
        "period": {"from": FIRST_DAY, "to": LAST_DAY, "looked_at": NOW, "disclosure_from": disclosure.FIRST_DAY},
        "cases": {"received": stats.received, "by_state": by_state, "incomplete_at_first": stats.incomplete,
                  "special_procedures": stats.special_procedures, "extensions": stats.extensions,
                  "overcharged": stats.overcharged},
        "cards": {"by_level": by_level, "open": open_cards, "sweeps": stats.sweeps},
        "scripted_breaches": stats.scripted_breaches,
        "sample_case": {"number": sample[0], "query_code": sample[1]} if sample else None,
        "sample_red_card": red,
        "disclosure": figures,
        "accounts": [{"login": login, "role": role, "unit": unit} for login, role, unit in sim.staff.accounts],
        "password": DEMO_PASSWORD,
    }
