"""Monitoring rules (监察规则) and how modules declare them.

A domain module's ``rules.py`` registers its rules here; the supervision engine evaluates them. Rules
are data: each has a default level and default parameters, and the deployment's configuration file
overrides any of them under ``[rules."<code>"]`` (``enabled``, ``level`` and the parameter names), so
thresholds change without a code change [approval-and-supervision.md: escalation thresholds are
unverified, "defaults to use, all configurable"]. An administrator overrides the same keys at run time
(:mod:`yangguang.supervision.rule_settings`): stored in the database, layered over the file, audited.
Every process keys the rules it has worked out on the stamp of ``supervision_rule_state``, read once
per transaction, so a change takes effect in every process from its next transaction.

Two kinds:

* :class:`ClockRule` — time passing. It watches clocks of one kind on obligations of one kind and
  fires at a threshold: ``near_due`` (``workdays_before`` the due moment), ``overdue`` (the due
  moment), or ``overdue_by`` (``workdays`` after the due day). The sweep finds clocks whose next
  threshold has passed with an index range query.
* :class:`EventRule` — something happened. It watches one event type; its ``check`` returns the
  reason text when the event is a breach (``None`` otherwise).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from yangguang.core.clocks import Clock
from yangguang.core.errors import InvalidInput
from yangguang.core.events import Event
from yangguang.core.settings import config_section, get_config
from yangguang.supervision.models import RuleSetting, RuleSettingsState


class Level(StrEnum):
    WARNING = "warning"  # 预警
    YELLOW = "yellow"  # 黄牌
    RED = "red"  # 红牌


LEVEL_LABELS = {Level.WARNING: "预警", Level.YELLOW: "黄牌", Level.RED: "红牌"}
LEVEL_ORDER = {Level.WARNING: 0, Level.YELLOW: 1, Level.RED: 2}

CATEGORIES = ("时效", "流程", "内容", "收费", "风险防控", "其他")  # anomaly types of existing systems


class Trigger(StrEnum):
    NEAR_DUE = "near_due"
    OVERDUE = "overdue"
    OVERDUE_BY = "overdue_by"


ClockCondition = Callable[[Session, Clock], bool]
EventCheck = Callable[[Session, Event, dict[str, Any]], str | None]


@dataclass(frozen=True)
class ClockRule:
    code: str
    name: str  # Chinese name shown to users
    category: str
    source: str  # where the rule comes from (law, standard, local regulation)
    obligation_kind: str
    clock_kind: str
    trigger: Trigger
    level: Level
    params: dict[str, Any] = field(default_factory=dict)
    condition: ClockCondition | None = None  # extra test at firing time (e.g. case still within promise)


@dataclass(frozen=True)
class EventRule:
    code: str
    name: str
    category: str
    source: str
    event_type: str
    level: Level
    check: EventCheck
    params: dict[str, Any] = field(default_factory=dict)


Rule = ClockRule | EventRule
_rules: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.category not in CATEGORIES:
        raise ValueError(f"rule {rule.code}: unknown category {rule.category!r}")
    _rules[rule.code] = rule
    _selections.clear()
    return rule


def unregister(code: str) -> None:
    """Forget a rule (tests register rules of their own)."""
    _rules.pop(code, None)
    _selections.clear()


@dataclass(frozen=True)
class Effective:
    """A rule with the deployment's configuration applied."""

    rule: Rule
    enabled: bool
    level: Level
    params: dict[str, Any]


def effective(rule: Rule, stored: Mapping[str, Any] | None = None) -> Effective:
    """The rule's defaults, overridden by the configuration file, overridden by ``stored`` (the
    administrator's settings from the database, checked when they were written; a parameter a newer
    version of the rule no longer has is left out rather than stopping every evaluation)."""
    kept = {key: value for key, value in (stored or {}).items() if key in ("enabled", "level") or key in rule.params}
    override = {**config_section("rules").get(rule.code, {}), **kept}
    enabled = bool(override.pop("enabled", True))
    level_text = override.pop("level", rule.level.value)
    try:
        level = Level(level_text)
    except ValueError as exc:
        raise InvalidInput(f"rules.{rule.code}.level",
                           f"未知的级别 {level_text!r}（warning 预警、yellow 黄牌、red 红牌）") from exc
    unknown = set(override) - set(rule.params)
    if unknown:
        raise InvalidInput(f"rules.{rule.code}", f"未知的参数：{'、'.join(sorted(unknown))}")
    return Effective(rule, enabled, level, {**rule.params, **override})


def all_rules() -> list[Rule]:
    return sorted(_rules.values(), key=lambda r: r.code)


def get_rule(code: str) -> Rule:
    try:
        return _rules[code]
    except KeyError as exc:
        raise InvalidInput("rule", f"监察规则 {code!r} 不存在") from exc


# Every event and every clock change asks which rules apply: the answers are kept per stored-settings
# key until a rule is registered or the configuration is reloaded (a new configuration object). A
# transaction still working with older settings fills the table of its own key, never the current one.
_selections: dict[tuple[str, str], tuple[dict[str, Any], dict[tuple[str, ...], list[Effective]]]] = {}
_MAX_SELECTION_TABLES = 4


def _select(session: Session, key: tuple[str, ...], matches: Callable[[Rule], bool]) -> list[Effective]:
    settings_key, stored = stored_settings(session)
    config = get_config()
    entry = _selections.get(settings_key)
    if entry is None or entry[0] is not config:
        if len(_selections) >= _MAX_SELECTION_TABLES:
            _selections.clear()
        entry = _selections[settings_key] = (config, {})
    table = entry[1]
    selected = table.get(key)
    if selected is None:
        selected = [e for r in _rules.values() if matches(r) and (e := effective(r, stored.get(r.code))).enabled]
        table[key] = selected
    return selected


def clock_rules(session: Session, obligation_kind: str, clock_kind: str) -> list[Effective]:
    """The enabled rules watching clocks of ``clock_kind`` on obligations of ``obligation_kind``."""
    return _select(session, ("clock", obligation_kind, clock_kind), lambda r: isinstance(r, ClockRule)
                   and r.obligation_kind == obligation_kind and r.clock_kind == clock_kind)


def event_rules(session: Session, event_type: str) -> list[Effective]:
    """The enabled rules watching events of ``event_type``."""
    return _select(session, ("event", event_type),
                   lambda r: isinstance(r, EventRule) and r.event_type == event_type)


# -- the administrator's settings, stored in the database ---------------------------------------------
_SEEN = "supervision.rule_settings"  # session.info: (key, settings) read by the transaction in progress
_STATE = select(RuleSettingsState.__table__.c.stamp).where(RuleSettingsState.__table__.c.id == 1)
_stored_cache: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}


def stored_settings(session: Session) -> tuple[tuple[str, str], dict[str, dict[str, Any]]]:
    """``(key, {code: overrides})``: the stored settings, read once per transaction (the stamp with a plain
    read that neither flushes nor loads an object) and loaded once per process for each stamp."""
    seen = session.info.get(_SEEN)
    if seen is None:
        key = (str(session.get_bind().url), session.connection().scalar(_STATE) or "")
        settings = _stored_cache.get(key)
        if settings is None:
            with session.no_autoflush:
                settings = {row.code: dict(row.values) for row in session.scalars(select(RuleSetting))}
            _stored_cache.clear()
            _stored_cache[key] = settings
        seen = session.info[_SEEN] = (key, settings)
    return seen


def lock_settings(session: Session) -> None:
    """Serialise writers of the stored settings (the state row, locked for update, once it exists) and
    read them afresh."""
    session.get(RuleSettingsState, 1, with_for_update=True, populate_existing=True)
    session.info.pop(_SEEN, None)


def settings_changed(session: Session) -> None:
    """Bump the revision and the stamp after a change of the stored settings."""
    state = session.get(RuleSettingsState, 1, with_for_update=True)
    if state is None:
        state = RuleSettingsState(id=1, revision=0)
        session.add(state)
    state.revision += 1
    state.stamp = uuid.uuid4().hex
    session.flush()
    session.info.pop(_SEEN, None)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    """The next transaction reads the stamp again (a savepoint rolled back may have changed it)."""
    session.info.pop(_SEEN, None)
