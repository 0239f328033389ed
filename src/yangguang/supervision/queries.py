"""Read-only views of supervision for the web and the API: the card board's query and its counts per
level, one card as its unit or an overseer may see it, its reports, evidence and notifications, and the
monitoring rules in force. Nothing here changes state (that is :mod:`yangguang.supervision.service`).

Scoping: ``unit_scope`` is the id of the only unit whose cards the reader may see (a unit head), or
None for an overseer (supervisor, administrator). A card of another unit is answered exactly like a
card that does not exist, so its number reveals nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from yangguang.core.calendar import start_of_day
from yangguang.core.errors import InvalidInput, NotFound
from yangguang.core.notify import Notification
from yangguang.core.org import Person, Unit
from yangguang.core.settings import get_settings
from yangguang.supervision import engine, registry, service
from yangguang.supervision.models import Card, Evidence, Rectification
from yangguang.supervision.registry import ClockRule
from yangguang.supervision.rule_settings import RuleSettingView, rule_settings

MANUAL_RULE = (service.MANUAL_RULE, "人工发牌")  # cards a supervisor issues by hand, for the board's filter
ACTION_LABELS = {"card.issue": "发出", "card.acknowledge": "签收", "card.evidence_add": "上传证明材料",
                 "card.rectification_submit": "报送整改情况", "card.rectification_reject": "整改退回",
                 "card.rectification_accept": "整改通过", "card.close": "办结"}


def card_conditions(session: Session, *, unit_scope: int | None = None, level: str | None = None,
                    unit: str | None = None, state: str | None = None, rule: str | None = None,
                    issued_from: date | None = None, issued_to: date | None = None) -> list[Any]:
    """The WHERE conditions of the board: scope first, then each filter given (dates are local days,
    both ends included)."""
    conditions: list[Any] = []
    if unit_scope is not None:
        conditions.append(Card.unit_id == unit_scope)
    if unit:
        unit_id = session.scalar(select(Unit.id).where(Unit.code == unit))
        if unit_id is None:
            raise InvalidInput("unit", f"单位代码 {unit!r} 不存在")
        conditions.append(Card.unit_id == unit_id)
    if level:
        conditions.append(Card.level == level)
    if state:
        conditions.append(Card.state == state)
    if rule:
        conditions.append(Card.rule_code == rule)
    if issued_from and issued_to and issued_to < issued_from:
        raise InvalidInput("issued_to", "截止日期早于起始日期")
    if issued_from:
        conditions.append(Card.issued_at >= start_of_day(issued_from, get_settings().zone))
    if issued_to:
        conditions.append(Card.issued_at < start_of_day(issued_to + timedelta(days=1), get_settings().zone))
    return conditions


def cards_query(session: Session, **filters: Any) -> Select:
    """The board's cards, newest first (``filters`` as :func:`card_conditions`)."""
    return select(Card).where(*card_conditions(session, **filters)).order_by(Card.issued_at.desc(), Card.id.desc())


def level_counts(session: Session, **filters: Any) -> dict[str, int]:
    """How many cards of each level match the board's other filters (the level filter is ignored)."""
    filters.pop("level", None)
    query = select(Card.level, func.count(Card.id)).where(*card_conditions(session, **filters)).group_by(Card.level)
    counts = {level.value: 0 for level in registry.Level}
    counts.update({level: count for level, count in session.execute(query)})
    return counts


def visible_card(session: Session, number: str, unit_scope: int | None) -> Card:
    """The card numbered ``number`` if the reader may see it; NotFound otherwise (the same answer
    as for a number that does not exist)."""
    card = service.get_card(session, number)
    if unit_scope is not None and card.unit_id != unit_scope:
        raise NotFound("card", f"监察牌 {number!r} 不存在")
    return card


def reports(session: Session, card: Card) -> list[Rectification]:
    """The card's rectification reports, oldest first."""
    return list(session.scalars(select(Rectification).where(Rectification.card_id == card.id)
                                .order_by(Rectification.id)))


def evidence_of(session: Session, card: Card) -> list[Evidence]:
    """The card's evidence files (without their content), oldest first."""
    return list(session.scalars(select(Evidence).where(Evidence.card_id == card.id).order_by(Evidence.id)))


def get_evidence(session: Session, card: Card, evidence_id: int) -> Evidence:
    evidence = session.scalar(select(Evidence).where(Evidence.id == evidence_id, Evidence.card_id == card.id))
    if evidence is None:
        raise NotFound("evidence", f"监察牌 {card.number} 没有证明材料 {evidence_id}")
    return evidence


def notifications(session: Session, card: Card) -> list[dict[str, Any]]:
    """Every message the card caused (email, SMS, inbox), oldest first; inbox recipients by name."""
    rows = list(session.scalars(select(Notification).where(Notification.ref == engine.card_ref(card))
                                .order_by(Notification.id)))
    people = {p.id: p.label for p in session.scalars(
        select(Person).where(Person.id.in_({r.person_id for r in rows} - {None})))}
    units = {u.id: u.name for u in session.scalars(select(Unit).where(Unit.id.in_({r.unit_id for r in rows} - {None})))}
    return [{"id": r.id, "channel": r.channel, "recipient": r.recipient,
             "to": people.get(r.person_id) or units.get(r.unit_id) or r.recipient, "subject": r.subject,
             "state": r.state, "attempts": r.attempts, "created_at": r.created_at, "sent_at": r.sent_at,
             "last_error": r.last_error} for r in rows]


def timeline(session: Session, card: Card) -> list[dict[str, Any]]:
    """The card's audit history, oldest first, each entry with its action in words."""
    return [{**entry, "action_label": ACTION_LABELS.get(entry["action"], entry["action"])}
            for entry in service.timeline(session, card)]


def rule_row(view: RuleSettingView) -> dict[str, Any]:
    """One monitoring rule with the level, parameters and switch in force (code defaults, then the
    configuration file, then the administrator's stored settings, which ``stored`` shows)."""
    rule, effective = view.rule, view.effective
    clock = isinstance(rule, ClockRule)
    return {"code": rule.code, "name": rule.name, "category": rule.category, "enabled": effective.enabled,
            "level": effective.level.value, "level_label": registry.LEVEL_LABELS[effective.level],
            "params": effective.params, "stored": view.stored, "source": rule.source,
            "kind": "clock" if clock else "event",
            "watches": f"{rule.obligation_kind}/{rule.clock_kind} {rule.trigger.value}" if clock else rule.event_type}


def rule_rows(session: Session) -> list[dict[str, Any]]:
    """Every registered monitoring rule as :func:`rule_row`."""
    return [rule_row(view) for view in rule_settings(session)]


def rule_choices() -> list[tuple[str, str]]:
    """(code, name) of every rule a card can carry, for the board's filter."""
    return [(rule.code, rule.name) for rule in registry.all_rules()] + [MANUAL_RULE]
