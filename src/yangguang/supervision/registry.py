"""Monitoring rules (监察规则) and how modules declare them.

A domain module's ``rules.py`` registers its rules here; the supervision engine evaluates them. Rules
are data: each has a default level and default parameters, and the deployment's configuration file
overrides any of them under ``[rules."<code>"]`` (``enabled``, ``level`` and the parameter names), so
thresholds change without a code change [approval-and-supervision.md: escalation thresholds are
unverified, "defaults to use, all configurable"].

Two kinds:

* :class:`ClockRule` — time passing. It watches clocks of one kind on obligations of one kind and
  fires at a threshold: ``near_due`` (``workdays_before`` the due moment), ``overdue`` (the due
  moment), or ``overdue_by`` (``workdays`` after the due day). The sweep finds clocks whose next
  threshold has passed with an index range query.
* :class:`EventRule` — something happened. It watches one event type; its ``check`` returns the
  reason text when the event is a breach (``None`` otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from yangguang.core.clocks import Clock
from yangguang.core.errors import InvalidInput
from yangguang.core.events import Event
from yangguang.core.settings import config_section, get_config


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


def effective(rule: Rule) -> Effective:
    override = dict(config_section("rules").get(rule.code, {}))
    enabled = bool(override.pop("enabled", True))
    level_text = override.pop("level", rule.level.value)
    try:
        level = Level(level_text)
    except ValueError as exc:
        raise InvalidInput(f"rules.{rule.code}.level", f"unknown card level {level_text!r}") from exc
    unknown = set(override) - set(rule.params)
    if unknown:
        raise InvalidInput(f"rules.{rule.code}", f"unknown parameter(s) {', '.join(sorted(unknown))}")
    return Effective(rule, enabled, level, {**rule.params, **override})


def all_rules() -> list[Rule]:
    return sorted(_rules.values(), key=lambda r: r.code)


def get_rule(code: str) -> Rule:
    try:
        return _rules[code]
    except KeyError as exc:
        raise InvalidInput("rule", f"unknown monitoring rule {code!r}") from exc


# Every event and every clock change asks which rules apply: the answers are kept until a rule is
# registered or the configuration is reloaded (a new configuration object).
_selections: dict[tuple[str, ...], list[Effective]] = {}
_selections_config: dict[str, Any] = {}


def _select(key: tuple[str, ...], matches: Callable[[Rule], bool]) -> list[Effective]:
    global _selections_config
    config = get_config()
    if config is not _selections_config:
        _selections.clear()
        _selections_config = config
    selected = _selections.get(key)
    if selected is None:
        selected = [e for r in _rules.values() if matches(r) and (e := effective(r)).enabled]
        _selections[key] = selected
    return selected


def clock_rules(obligation_kind: str, clock_kind: str) -> list[Effective]:
    """The enabled rules watching clocks of ``clock_kind`` on obligations of ``obligation_kind``."""
    return _select(("clock", obligation_kind, clock_kind), lambda r: isinstance(r, ClockRule)
                   and r.obligation_kind == obligation_kind and r.clock_kind == clock_kind)


def event_rules(event_type: str) -> list[Effective]:
    """The enabled rules watching events of ``event_type``."""
    return _select(("event", event_type), lambda r: isinstance(r, EventRule) and r.event_type == event_type)
