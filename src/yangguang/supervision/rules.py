"""The supervision module's own monitoring rules: escalation of cards.

[approval-and-supervision.md, "Levels and timing"]: "red ... on a second yellow for the same unit
within 30 days" (unverified default, configurable: ``[rules."supervision.repeat_yellow"] days``) and
"the unit must rectify and report back within a limit ... late rectification escalates".

Importing this module also imports the engine, which subscribes to events and registers the clock
threshold policy (``yangguang.registry.load_all`` imports every module's ``rules``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core.clocks import Clock
from yangguang.core.events import Event
from yangguang.supervision import engine
from yangguang.supervision.models import Card, CardState
from yangguang.supervision.registry import ClockRule, EventRule, Level, Trigger, register

SOURCE = "approval-and-supervision.md「Levels and timing」（各地监察办法；默认值未经核实，可配置）"


def _not_reported_back(session: Session, clock: Clock) -> bool:
    """The card's unit has not yet reported its rectification (or the card was closed)."""
    obligation = clock.obligation
    if obligation.subject != "card":
        return True
    card = session.get(Card, int(obligation.subject_id))
    return card is not None and card.state not in (CardState.RECTIFIED, CardState.CLOSED)


def _second_yellow(session: Session, event: Event, params: dict[str, Any]) -> str | None:
    if event.data.get("level") != Level.YELLOW or event.unit_id is None:
        return None
    days = int(params["days"])
    earlier = session.scalar(
        select(Card.number).where(Card.unit_id == event.unit_id, Card.level == Level.YELLOW,
                                  Card.id != int(event.subject_id), Card.issued_at > event.at - timedelta(days=days),
                                  Card.issued_at <= event.at)
        .order_by(Card.issued_at.desc(), Card.id.desc()).limit(1))
    if earlier is None:
        return None
    return f"同一单位 {days} 日内再次被黄牌警示（本次 {event.data.get('number')}，前次 {earlier}）"


register(ClockRule(
    code="supervision.rectification_overdue", name="整改逾期未报送", category="时效", source=SOURCE,
    obligation_kind=engine.RECTIFICATION_KIND, clock_kind=engine.RECTIFICATION_CLOCK, trigger=Trigger.OVERDUE,
    level=Level.RED, condition=_not_reported_back))

register(EventRule(
    code="supervision.repeat_yellow", name="同一单位再次黄牌", category="其他", source=SOURCE,
    event_type=engine.CARD_ISSUED, level=Level.RED, check=_second_yellow, params={"days": 30}))
