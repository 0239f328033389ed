"""The supervision engine: rule thresholds of clocks, evaluation, and raising cards in one place.

Real time: :func:`on_event` is subscribed to domain events at import; every enabled
:class:`~yangguang.supervision.registry.EventRule` of the event's type whose check returns a reason
records a :class:`Finding` and raises a card. Events whose type ends with ``.rated`` store a 好差评
:class:`Rating` (codes 1–5, A.8).

Time passing: :func:`threshold_policy` is registered with :func:`yangguang.core.clocks.set_threshold_policy`;
it lists the moments at which a clock's rules fire, so ``Clock.next_check_at`` (the earliest) is the
index the sweep reads. Threshold moments [approval-and-supervision.md, "Levels and timing"]:

* ``near_due`` — "预警: 1 working day before the promised deadline". The warning fires at the start
  (00:00 local) of the working day from which at most ``workdays_before`` working days remain,
  counting the due day itself: for the default 1, the start of the due day (the last working day on
  or before it, for a natural-day clock); for 2, the start of the working day before it. A moment
  not after the clock's start is dropped (the whole period is shorter than the warning window);
* ``overdue`` — the due moment (the end of the last day of the period);
* ``overdue_by`` — the end of the ``workdays``-th working day after the due day ("red when overdue
  by 3 or more working days", unverified, configurable).

Every card goes through :func:`raise_card`: deduplicated by key (the same breach never raises the
same card twice), audited, notified (person and unit by email/SMS when addresses are known, inbox to
the person and the unit's heads, and to supervisors for red), and for yellow and red a rectification
obligation with its own clock ("the unit must rectify and report back within a limit (configurable,
default 5 working days)"). An issued card is itself an event (``supervision.card_issued``), which is
how escalation rules such as "a second yellow for the same unit within 30 days" are expressed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from yangguang.core import audit, clocks, notify
from yangguang.core.calendar import WorkCalendar, end_of_day, get_calendar, start_of_day
from yangguang.core.clocks import Clock, ClockState, ClockUnit, Obligation
from yangguang.core.errors import InvalidInput
from yangguang.core.events import Event, emit, subscribe
from yangguang.core.org import SYSTEM_ACTOR, Person, Role, Unit, staff_with_role
from yangguang.core.settings import config_section, get_settings
from yangguang.supervision import registry
from yangguang.supervision.models import Card, CardState, Finding, Rating
from yangguang.supervision.registry import LEVEL_LABELS, LEVEL_ORDER, Effective, Level, Trigger

RECTIFICATION_KIND = "supervision.rectification"
RECTIFICATION_CLOCK = "rectification"
CARD_ISSUED = "supervision.card_issued"
CLOCK_LABELS = {"promised": "承诺时限", "statutory": "法定时限", "step": "环节时限", "first_review": "初审报送时限",
                "rectification": "整改时限", "rectify": "整改时限", "notice": "告知时限", "reply": "答复时限",
                "proactive": "主动公开时限", "correction_notice": "补正告知时限", "report": "报告公布时限"}
_RAISED = "supervision.raised_cards"
_RECIPIENTS = "supervision.recipients"


def card_ref(card: Card) -> str:
    """The ``ref`` of every notification a card causes (its notifications are found by it)."""
    return f"card:{card.id}"


def card_link(number: str) -> str:
    """The staff page of the card numbered ``number``."""
    return f"/staff/cards/{quote(number, safe='')}"


def settings() -> dict[str, Any]:
    """``[supervision]`` with its defaults."""
    return {"card_prefix": "JC", "rectification_workdays": 5, "sweep_batch": 500, **config_section("supervision")}


def _zone():
    return get_settings().zone


def local_text(moment: datetime) -> str:
    return moment.astimezone(_zone()).strftime("%Y-%m-%d %H:%M")


def due_text(moment: datetime) -> str:
    """A deadline as people read it: the end of a day is "2026-10-16 24:00", not "2026-10-17 00:00"."""
    local = moment.astimezone(_zone())
    if local.time() == time(0):
        return f"{(local - timedelta(days=1)).date().isoformat()} 24:00"
    return local_text(moment)


# -- thresholds ------------------------------------------------------------------------------------
def rule_moment(rule: Effective, clock: Clock, calendar: WorkCalendar) -> datetime | None:
    """The moment ``rule`` fires for ``clock`` (see the module docstring), None if it never does."""
    if clock.due_at is None or not isinstance(rule.rule, registry.ClockRule):
        return None
    trigger, params, due_day = rule.rule.trigger, rule.params, clock.due_day
    if trigger == Trigger.OVERDUE:
        return clock.due_at
    if trigger == Trigger.NEAR_DUE:
        remaining = max(1, int(params.get("workdays_before", 1)))
        last_workday = calendar.add_workdays_flagged(due_day + timedelta(days=1), -1)[0]
        day = calendar.add_workdays_flagged(last_workday, -(remaining - 1))[0] if remaining > 1 else last_workday
        moment = min(start_of_day(day, _zone()), clock.due_at)
        return moment if moment > clock.start_at else None
    if trigger == Trigger.OVERDUE_BY:
        day = calendar.add_workdays_flagged(due_day, max(1, int(params.get("workdays", 1))))[0]
        return end_of_day(day, _zone())
    return None


def _applicable(session: Session, clock: Clock) -> list[Effective]:
    return registry.clock_rules(session, clock.obligation.kind, clock.kind)


def threshold_policy(session: Session, clock: Clock, calendar: WorkCalendar) -> list[datetime]:
    """All moments at which the clock's enabled rules fire (registered with core.clocks)."""
    return [m for rule in _applicable(session, clock) if (m := rule_moment(rule, clock, calendar)) is not None]


# -- evaluation ------------------------------------------------------------------------------------
def _clock_reason(rule: Effective, clock: Clock) -> str:
    obligation = clock.obligation
    label = CLOCK_LABELS.get(clock.kind, clock.kind)
    limit = f"{clock.limit + clock.extension}{clocks.UNIT_LABELS[ClockUnit(clock.unit)]}"
    due = due_text(clock.due_at)
    trigger = rule.rule.trigger
    if trigger == Trigger.NEAR_DUE:
        return f"{obligation.title}：{label}（{limit}）将于 {due} 到期，剩余不超过 " \
               f"{rule.params.get('workdays_before', 1)} 个工作日"
    if trigger == Trigger.OVERDUE:
        return f"{obligation.title}：已超过{label}（{limit}，应于 {due} 前办结）"
    return f"{obligation.title}：超过{label}（{limit}，期限 {due}）{rule.params.get('workdays', 1)} 个工作日以上"


def evaluate_clock(session: Session, clock: Clock, at: datetime) -> list[Card]:
    """Raise the cards of every threshold passed by ``at``; move ``next_check_at`` to the next one.

    A stopped clock is judged up to the moment it stopped; a paused one is not judged (its time
    does not run). Rules whose ``condition`` is false at evaluation time raise nothing.
    """
    if clock.state == ClockState.PAUSED:
        clock.next_check_at = None
        return []
    running = clock.state == ClockState.RUNNING
    upto = at if running else min(at, clock.stopped_at or at)
    calendar = get_calendar(session)
    fired: list[tuple[datetime, Effective]] = []
    later: list[datetime] = []
    for rule in _applicable(session, clock):
        moment = rule_moment(rule, clock, calendar)
        if moment is None:
            continue
        if moment <= upto:
            fired.append((moment, rule))
        elif moment > at:
            later.append(moment)
    raised = []
    for _moment, rule in sorted(fired, key=lambda pair: (pair[0], LEVEL_ORDER[pair[1].level])):
        condition = rule.rule.condition
        if condition is not None and not condition(session, clock):
            continue
        card = raise_clock_card(session, rule, clock, at)
        if card is not None:
            raised.append(card)
    clock.next_check_at = min(later) if later and running else None
    return raised


def clock_dedupe_key(rule_code: str, clock: Clock) -> str:
    """One card per rule per clock period (a restart begins a new period; an extension does not)."""
    return f"{rule_code}:clock:{clock.id}:{int(clock.start_at.timestamp())}"


def raise_clock_card(session: Session, rule: Effective, clock: Clock, at: datetime) -> Card | None:
    obligation = clock.obligation
    escalated_from = int(obligation.subject_id) if obligation.subject == "card" else None
    return raise_card(session, rule_code=rule.rule.code, rule_name=rule.rule.name, category=rule.rule.category,
                      level=rule.level, reason=_clock_reason(rule, clock), subject=obligation.subject,
                      subject_id=obligation.subject_id, unit_id=obligation.unit_id, person_id=obligation.person_id,
                      obligation_id=obligation.id, clock_id=clock.id, at=at, escalated_from_id=escalated_from,
                      dedupe_key=clock_dedupe_key(rule.rule.code, clock))


# -- events ----------------------------------------------------------------------------------------
def _rating(session: Session, event: Event) -> Rating:
    """Store a 好差评 rating from an ``*.rated`` event (``data["rating"]`` is the A.8 code 1–5)."""
    code = event.data.get("rating")
    try:
        value = int(code)
    except (TypeError, ValueError):
        value = 0
    if value not in range(1, 6) or isinstance(code, bool):
        raise InvalidInput("rating", f"满意度评价应为代码 1–5（A.8），输入值为 {code!r}")
    obligation = session.get(Obligation, event.obligation_id) if event.obligation_id else None
    rating = Rating(obligation_id=event.obligation_id, subject=event.subject, subject_id=str(event.subject_id),
                    unit_id=event.unit_id or (obligation.unit_id if obligation else None),
                    window_id=event.data.get("window_id") or (obligation.window_id if obligation else None),
                    person_id=event.person_id or (obligation.person_id if obligation else None),
                    rating=value, channel=str(event.data.get("channel", "")), at=event.at)
    session.add(rating)
    session.flush()
    audit.record(session, actor=str(event.data.get("actor", SYSTEM_ACTOR)), action="rating.record", entity="rating",
                 entity_id=rating.id, data={"subject": event.subject, "subject_id": str(event.subject_id),
                                            "rating": value, "unit_id": rating.unit_id}, at=event.at)
    return rating


def on_event(session: Session, event: Event) -> None:
    """Evaluate the event rules of one event (subscribed to core.events at import)."""
    if event.type.endswith(".rated"):
        _rating(session, event)
    for rule in registry.event_rules(session, event.type):
        reason = rule.rule.check(session, event, rule.params)
        if not reason:
            continue
        obligation = session.get(Obligation, event.obligation_id) if event.obligation_id else None
        unit_id = event.unit_id or (obligation.unit_id if obligation else None)
        person_id = event.person_id or (obligation.person_id if obligation else None)
        breach = event.data.get("breach") or f"{event.subject}:{event.subject_id}"
        if unit_id is None:  # nobody to address a card to: the match is still on record
            record_finding(session, rule_code=rule.rule.code, event_type=event.type, subject=event.subject,
                           subject_id=str(event.subject_id), obligation_id=event.obligation_id, unit_id=None,
                           person_id=person_id, at=event.at, detail=reason)
            continue
        raise_card(session, rule_code=rule.rule.code, rule_name=rule.rule.name, category=rule.rule.category,
                   level=rule.level, reason=reason, subject=event.subject, subject_id=str(event.subject_id),
                   unit_id=unit_id, person_id=person_id, obligation_id=event.obligation_id,
                   dedupe_key=f"{rule.rule.code}:{breach}", at=event.at, event_type=event.type,
                   escalated_from_id=int(event.subject_id) if event.subject == "card" else None,
                   record_duplicate=True)


# -- raising a card --------------------------------------------------------------------------------
@contextmanager
def collecting(session: Session) -> Iterator[list[Card]]:
    """Collect every card raised in the session inside the block (escalations included).

    Inside the block the recipients of notifications (unit heads, supervisors, the unit itself) are
    looked up once per unit and the card number counted on in memory: a sweep raising thousands of
    cards does not query them for each card.
    """
    previous = session.info.get(_RAISED)
    collected: list[Card] = []
    session.info[_RAISED] = collected
    owns_cache = _RECIPIENTS not in session.info
    if owns_cache:
        session.info[_RECIPIENTS] = {}
    try:
        yield collected
    finally:
        if owns_cache:
            session.info.pop(_RECIPIENTS, None)
        if previous is None:
            session.info.pop(_RAISED, None)
        else:
            session.info[_RAISED] = previous
            previous.extend(collected)


def record_finding(session: Session, **fields: Any) -> Finding:
    finding = Finding(**fields)
    session.add(finding)
    return finding


def _next_number(session: Session, at: datetime) -> str:
    """The next card number of the year. Card raising is serialised (the audit head is locked by then),
    so within a sweep the last number is read once and counted on in memory."""
    prefix = f"{settings()['card_prefix']}{at.astimezone(_zone()).year}-"

    def last_number() -> list[int]:
        last = session.scalar(select(func.max(Card.number)).where(Card.number.like(f"{prefix}%")))
        return [int(last[len(prefix):]) if last else 0]

    counter = _cached(session, ("card_number", prefix), last_number)
    counter[0] += 1
    return f"{prefix}{counter[0]:06d}"


def _cached(session: Session, key: object, load):
    cache = session.info.get(_RECIPIENTS)
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


def supervisors(session: Session) -> list[Person]:
    # roles is a JSON list; its text form contains the quoted role name on both backends
    query = select(Person).where(Person.active, cast(Person.roles, String).like(f'%"{Role.SUPERVISOR.value}"%'))
    return _cached(session, "supervisors", lambda: list(session.scalars(query.order_by(Person.id))))


def unit_heads(session: Session, unit_id: int) -> list[Person]:
    return list(_cached(session, ("heads", unit_id), lambda: staff_with_role(session, unit_id, Role.UNIT_HEAD)))


def _notify_card(session: Session, card: Card, rectify_due: datetime | None) -> None:
    unit = _cached(session, ("unit", card.unit_id), lambda: session.get(Unit, card.unit_id))
    person = session.get(Person, card.person_id) if card.person_id else None
    label = LEVEL_LABELS[Level(card.level)]
    subject = f"【{label}】{card.number} {card.rule_name}"
    lines = [f"{unit.name}：", "", f"电子监察系统对贵单位发出{label}。", "",
             f"编号：{card.number}", f"级别：{label}", f"监察规则：{card.rule_name}（{card.rule_code}）",
             f"类别：{card.category}", f"责任单位：{unit.name}", f"责任人：{person.name if person else '（未指定）'}",
             f"事由：{card.reason}", f"发出时间：{local_text(card.issued_at)}"]
    if rectify_due is not None:
        lines += ["", f"请于 {due_text(rectify_due)} 前完成整改并在系统中报送整改情况，逾期将升级处理。"]
    elif card.level == Level.WARNING:
        lines += ["", "请及时办理，避免超时。"]
    body = "\n".join(lines)
    sms = f"【阳光监察】{unit.name}收到{label}{card.number}：{card.reason[:60]}。请登录系统处理。"
    ref, link = card_ref(card), card_link(card.number)
    informed: set[int] = set()
    if person is not None:
        notify.notify_person(session, person, subject=subject, body=body, sms_text=sms, ref=ref, link=link,
                             at=card.issued_at)
        informed.add(person.id)
    notify.notify_unit(session, unit, subject=subject, body=body, sms_text=sms, ref=ref, at=card.issued_at)
    others = unit_heads(session, unit.id) + (supervisors(session) if card.level == Level.RED else [])
    for other in others:
        if other.id not in informed:
            notify.notify_person(session, other, subject=subject, body=body, ref=ref, link=link, at=card.issued_at,
                                 external=False)
            informed.add(other.id)


def open_rectification(session: Session, card: Card, at: datetime, actor: str) -> Clock:
    """The rectification order of a yellow or red card, with its own clock (default 5 working days)."""
    obligation = clocks.open_obligation(session, kind=RECTIFICATION_KIND, subject="card", subject_id=card.id,
                                        title=f"{card.number} 整改", unit_id=card.unit_id, person_id=card.person_id,
                                        at=at, actor=actor)
    limit = int(settings()["rectification_workdays"])
    clock = clocks.start_clock(session, obligation, kind=RECTIFICATION_CLOCK, unit=ClockUnit.WORKDAYS,
                               limit=limit, start_at=at, actor=actor)
    session.flush()  # the card names its rectification order
    card.rectification_obligation_id = obligation.id
    return clock


def raise_card(session: Session, *, rule_code: str, rule_name: str, category: str, level: Level | str,
               reason: str, subject: str, subject_id: str, unit_id: int, dedupe_key: str, at: datetime,
               person_id: int | None = None, obligation_id: int | None = None, clock_id: int | None = None,
               escalated_from_id: int | None = None, event_type: str | None = None, actor: str = SYSTEM_ACTOR,
               record_duplicate: bool = False) -> Card | None:
    """Issue a card unless one with ``dedupe_key`` exists (then None; the match is still recorded as a
    finding when ``record_duplicate``). Writes the finding, the audit entry, the notifications, the
    rectification order (yellow and red, unless the card escalates another, whose order stands) and
    emits ``supervision.card_issued``."""
    level = Level(level)
    finding = dict(rule_code=rule_code, event_type=event_type, subject=subject, subject_id=str(subject_id),
                   obligation_id=obligation_id, unit_id=unit_id, person_id=person_id, at=at, detail=reason)
    with session.no_autoflush:  # cards are flushed as they are raised; the rest can wait
        existing = session.scalar(select(Card.id).where(Card.dedupe_key == dedupe_key))
        number = None if existing is not None else _next_number(session, at)
    if existing is not None:
        if record_duplicate:
            record_finding(session, card_id=existing, **finding)
        return None
    card = Card(number=number, level=level, rule_code=rule_code, rule_name=rule_name,
                category=category, reason=reason, subject=subject, subject_id=str(subject_id),
                obligation_id=obligation_id, clock_id=clock_id, unit_id=unit_id, person_id=person_id, issued_at=at,
                issued_by=actor, state=CardState.ISSUED, dedupe_key=dedupe_key, escalated_from_id=escalated_from_id)
    session.add(card)
    session.flush()  # the unique dedupe key refuses a card raised concurrently (sweeps are serialised)
    record_finding(session, card_id=card.id, **finding)
    audit.record(session, actor=actor, action="card.issue", entity="card", entity_id=card.id, at=at,
                 data={"number": card.number, "level": level.value, "rule_code": rule_code, "reason": reason,
                       "subject": subject, "subject_id": str(subject_id), "unit_id": unit_id, "person_id": person_id,
                       "obligation_id": obligation_id, "clock_id": clock_id, "escalated_from_id": escalated_from_id})
    rectify_due = None
    if level in (Level.YELLOW, Level.RED) and escalated_from_id is None:
        rectify_due = open_rectification(session, card, at, actor).due_at
    with session.no_autoflush:
        _notify_card(session, card, rectify_due)
    collected = session.info.get(_RAISED)
    if collected is not None:
        collected.append(card)
    emit(session, Event(type=CARD_ISSUED, subject="card", subject_id=str(card.id), unit_id=unit_id,
                        person_id=person_id, obligation_id=obligation_id, at=at,
                        data={"card_id": card.id, "number": card.number, "level": level.value, "rule_code": rule_code,
                              "escalated_from_id": escalated_from_id}))
    return card


subscribe(on_event)
clocks.set_threshold_policy(threshold_policy)
