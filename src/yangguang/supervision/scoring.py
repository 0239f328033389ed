"""Performance evaluation (绩效评估) per unit, window and person for a month (or a quarter).

[DESIGN.md, "Performance evaluation"; approval-and-supervision.md, "Levels and timing": evaluations
grade units 优秀 / 良好 / 合格 / 不合格 over on-time handling, satisfaction ...]. For the period:

* completed — obligations of the configured kinds (``[scoring] unit_kinds`` …, default
  ``approval.case``; persons ``approval.step``) closed as done in the period;
* on-time rate — share whose clock of the configured kind (``promised``; ``step`` for persons)
  stopped before its due moment;
* early-completion rate — share that used fewer units than limit + extension;
* time used versus promised — mean of used / (limit + extension); scored as time saved,
  100 × (1 − ratio), clipped to 0–100;
* cards issued in the period by level (card's unit / person; a window's through the card's
  obligation), each deducting ``[scoring.deductions]`` points;
* satisfaction — mean of the period's 好差评 ratings mapped by ``[scoring.satisfaction]``
  (default 1 非常满意 → 100, 2 → 75, 3 → 50, 4 → 25, 5 非常不满意 → 0), when there are ratings.

score = Σ wᵢ·componentᵢ / Σ wᵢ over the components available (``[scoring.weights]``), minus the
deductions, floored at 0; a group with no component has no score. Grades by ``[scoring.grades]``
minimum scores; rank by score (ties share a rank). All figures are aggregated in SQL (GROUP BY).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, select
from sqlalchemy.orm import Session

from yangguang.core.clocks import STOPPED_ON_TIME, Clock, Obligation, ObligationState
from yangguang.core.errors import InvalidInput
from yangguang.core.org import Person, Unit, Window
from yangguang.core.settings import config_section, get_settings
from yangguang.supervision.models import Card, Rating
from yangguang.supervision.registry import Level

GRADES = (("excellent", "优秀"), ("good", "良好"), ("pass", "合格"))
FAIL = "不合格"
BY = ("unit", "window", "person")
DEFAULTS: dict[str, Any] = {
    "unit_kinds": ["approval.case"], "window_kinds": ["approval.case"], "person_kinds": ["approval.step"],
    "unit_clock": "promised", "window_clock": "promised", "person_clock": "step",
    "weights": {"on_time": 0.5, "early": 0.1, "time_saved": 0.1, "satisfaction": 0.3},
    "deductions": {"warning": 0, "yellow": 2, "red": 5},
    "satisfaction": {"1": 100, "2": 75, "3": 50, "4": 25, "5": 0},
    "grades": {"excellent": 90, "good": 80, "pass": 60},
}


def scoring_config() -> dict[str, Any]:
    section = config_section("scoring")
    merged = {**DEFAULTS, **section}
    for key in ("weights", "deductions", "satisfaction", "grades"):
        merged[key] = {**DEFAULTS[key], **section.get(key, {})}
    return merged


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """``YYYY-MM`` (a month) or ``YYYY-Qn`` (a quarter) as local [start, end) moments."""
    text = (period or "").strip()
    month = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", text)
    quarter = re.fullmatch(r"(\d{4})-[Qq]([1-4])", text)
    if month:
        year, first, count = int(month[1]), int(month[2]), 1
    elif quarter:
        year, first, count = int(quarter[1]), 3 * int(quarter[2]) - 2, 3
    else:
        raise InvalidInput("period", f"{period!r} 不是有效的考核期间：应为 YYYY-MM（月度）或 YYYY-Qn（季度）")
    last = first + count
    end = date(year + 1, 1, 1) if last > 12 else date(year, last, 1)
    zone = get_settings().zone
    return datetime.combine(date(year, first, 1), time(0), zone), datetime.combine(end, time(0), zone)


def _completed(session: Session, by: str, kinds: list[str], clock_kind: str, start: datetime, end: datetime):
    group = getattr(Obligation, f"{by}_id")
    total = Clock.limit + Clock.extension
    query = (select(group, func.count(Obligation.id),
                    func.sum(case((STOPPED_ON_TIME, 1), else_=0)),
                    func.sum(case((Clock.used < total, 1), else_=0)),
                    func.avg(cast(Clock.used, Float) / total))
             .join(Clock, and_(Clock.obligation_id == Obligation.id, Clock.kind == clock_kind))
             .where(Obligation.kind.in_(kinds), Obligation.state == ObligationState.DONE,
                    Obligation.closed_at >= start, Obligation.closed_at < end, group.is_not(None))
             .group_by(group))
    return {row[0]: row[1:] for row in session.execute(query)}


def _cards(session: Session, by: str, start: datetime, end: datetime) -> dict[int, dict[str, int]]:
    if by == "window":
        group = Obligation.window_id
        query = select(group, Card.level, func.count(Card.id)).join(Obligation, Obligation.id == Card.obligation_id)
    else:
        group = getattr(Card, f"{by}_id")
        query = select(group, Card.level, func.count(Card.id))
    query = query.where(Card.issued_at >= start, Card.issued_at < end, group.is_not(None)).group_by(group, Card.level)
    counts: dict[int, dict[str, int]] = {}
    for key, level, count in session.execute(query):
        counts.setdefault(key, {})[level] = count
    return counts


def _ratings(session: Session, by: str, mapping: dict[str, float], start: datetime, end: datetime):
    group = getattr(Rating, f"{by}_id")
    value = case(*[(Rating.rating == int(code), float(points)) for code, points in mapping.items()], else_=None)
    query = (select(group, func.count(value), func.avg(value))
             .where(Rating.at >= start, Rating.at < end, group.is_not(None)).group_by(group))
    return {row[0]: row[1:] for row in session.execute(query) if row[1]}


def _names(session: Session, by: str, ids: set[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    model, code = {"unit": (Unit, Unit.code), "window": (Window, Window.number), "person": (Person, Person.login)}[by]
    return {row.id: (row.code, row.name) for row in session.execute(
        select(model.id, code.label("code"), model.name).where(model.id.in_(ids)))}


def _grade(score: float | None, thresholds: dict[str, float]) -> str | None:
    if score is None:
        return None
    for key, label in GRADES:
        if score >= float(thresholds[key]):
            return label
    return FAIL


def scores(session: Session, period: str, by: str = "unit") -> list[dict[str, Any]]:
    """Scores of every unit / window / person with cases, cards or ratings in the period, ranked."""
    if by not in BY:
        raise InvalidInput("by", f"{by!r} 无效：可按 unit（单位）、window（窗口）或 person（个人）计分")
    start, end = period_bounds(period)
    config = scoring_config()
    weights, deductions = config["weights"], config["deductions"]
    done = _completed(session, by, list(config[f"{by}_kinds"]), config[f"{by}_clock"], start, end)
    cards = _cards(session, by, start, end)
    ratings = _ratings(session, by, config["satisfaction"], start, end)
    names = _names(session, by, set(done) | set(cards) | set(ratings))
    rows = []
    for key, (code, name) in names.items():
        completed, on_time, early, ratio = done.get(key, (0, 0, 0, None))
        rated, satisfaction = ratings.get(key, (0, None))
        levels = cards.get(key, {})
        components: dict[str, float] = {}
        if completed:
            components["on_time"] = 100.0 * on_time / completed
            components["early"] = 100.0 * early / completed
            components["time_saved"] = min(100.0, max(0.0, 100.0 * (1 - float(ratio or 0))))
        if rated:
            components["satisfaction"] = float(satisfaction)
        weight = sum(float(weights[k]) for k in components)
        deducted = sum(float(deductions[level.value]) * levels.get(level.value, 0) for level in Level)
        score = None
        if components and weight > 0:
            score = round(max(0.0, sum(float(weights[k]) * v for k, v in components.items()) / weight - deducted), 2)
        rows.append({
            "by": by, "id": key, "code": code, "name": name, "period": period, "completed": completed,
            "on_time": on_time or 0, "on_time_rate": _round(components.get("on_time")),
            "early": early or 0, "early_rate": _round(components.get("early")),
            "time_ratio": _round(float(ratio), 4) if ratio is not None else None,
            "warnings": levels.get(Level.WARNING.value, 0), "yellow": levels.get(Level.YELLOW.value, 0),
            "red": levels.get(Level.RED.value, 0), "deducted": deducted, "ratings": rated,
            "satisfaction": _round(components.get("satisfaction")), "score": score,
            "grade": _grade(score, config["grades"]),
        })
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["code"]))
    previous, rank = None, 0
    for index, row in enumerate(rows, start=1):
        if row["score"] is None:
            row["rank"] = None
            continue
        if row["score"] != previous:
            rank, previous = index, row["score"]
        row["rank"] = rank
    return rows


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)
