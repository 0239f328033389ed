"""Monitoring rules changed at run time by an administrator (level, enabled, thresholds).

The keys are those of the configuration file's ``[rules."<code>"]`` table: ``enabled``, ``level`` and
the rule's parameter names [approval-and-supervision.md: escalation thresholds are unverified,
"defaults to use, all configurable"]. A stored value overrides the file's, which overrides the code's
default (:func:`yangguang.supervision.registry.effective`). Every change is validated as a whole
before anything is written (an unknown rule or key, a wrong type or a value out of range changes
nothing), audited with the values before and after, and bumps the settings stamp so every process
works the rules out again.

Clock thresholds are materialised in ``Clock.next_check_at``; after a clock rule changes, the running
clocks it watches get their first threshold under the new settings (as a recomputation would), so
the next sweep judges them by the new values — a threshold moved earlier is not missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core import audit
from yangguang.core.calendar import get_calendar
from yangguang.core.clocks import Clock, ClockState, Obligation, thresholds
from yangguang.core.errors import InvalidInput
from yangguang.supervision.models import RuleSetting
from yangguang.supervision.registry import (
    LEVEL_LABELS,
    ClockRule,
    Effective,
    Level,
    Rule,
    all_rules,
    effective,
    get_rule,
    lock_settings,
    settings_changed,
    stored_settings,
)

# Every numeric parameter of a rule counts days (working or natural): at least one, at most a year.
DAYS_RANGE = (1, 366)
MAX_LIST_ITEMS = 20
MAX_TEXT = 100
RESCHEDULE_BATCH = 1000


@dataclass(frozen=True)
class RuleSettingView:
    """A rule as the administrator sees it: what is in force, what the file says, what is stored."""

    rule: Rule
    effective: Effective
    configured: Effective  # defaults and configuration file, without the stored settings
    stored: dict[str, Any]
    updated_at: datetime | None
    updated_by: str | None


def rule_settings(session: Session) -> list[RuleSettingView]:
    rows = {row.code: row for row in session.scalars(select(RuleSetting))}
    views = []
    for rule in all_rules():
        row = rows.get(rule.code)
        stored = dict(row.values) if row else {}
        views.append(RuleSettingView(rule, effective(rule, stored), effective(rule), stored,
                                     row.updated_at if row else None, row.updated_by if row else None))
    return views


def rule_setting(session: Session, code: str) -> RuleSettingView:
    get_rule(code)
    return next(view for view in rule_settings(session) if view.rule.code == code)


def _is_text(value: Any) -> bool:
    return (isinstance(value, str) and 1 <= len(value.strip()) <= MAX_TEXT
            and not any(ord(c) < 32 or ord(c) == 127 for c in value))


def _field(rule: Rule, key: str) -> str:
    """The name of ``key`` in a request (``enabled``, ``level`` or ``params.<name>``), if the rule has it."""
    if key in ("enabled", "level"):
        return key
    if key not in rule.params:
        known = "、".join(sorted(rule.params)) or "无"
        raise InvalidInput(f"params.{key}", f"监察规则 {rule.code} 没有参数 {key!r}（参数：{known}）")
    return f"params.{key}"


def _checked(rule: Rule, key: str, value: Any) -> Any:
    """``value`` for ``key`` of ``rule`` if it has the type and range of the rule's default."""
    field = _field(rule, key)
    if key == "enabled":
        if not isinstance(value, bool):
            raise InvalidInput(field, "应为 true 或 false")
        return value
    if key == "level":
        if value not in {level.value for level in Level}:
            levels = "、".join(f"{level.value} {LEVEL_LABELS[level]}" for level in Level)
            raise InvalidInput(field, f"级别应为以下之一：{levels}")
        return value
    default = rule.params[key]
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise InvalidInput(field, "应为 true 或 false")
    elif isinstance(default, int):
        low, high = DAYS_RANGE
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(field, "应为整数天数")
        if not low <= value <= high:
            raise InvalidInput(field, f"应在 {low} 至 {high} 天之间，输入值为 {value}")
    elif isinstance(default, str):
        if not _is_text(value):
            raise InvalidInput(field, f"应为 1 至 {MAX_TEXT} 个可打印字符的文本")
        value = value.strip()
    elif isinstance(default, list):
        if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS or not all(_is_text(v) for v in value):
            raise InvalidInput(field, f"应为不超过 {MAX_LIST_ITEMS} 项的列表，"
                                      f"每项为 1 至 {MAX_TEXT} 个可打印字符的文本")
        value = [v.strip() for v in value]
    else:
        raise InvalidInput(field, "此参数只能在配置文件中修改")
    return value


def set_rule_settings(session: Session, code: str, changes: dict[str, Any], *, actor: str,
                      at: datetime) -> RuleSettingView:
    """Store overrides of one rule: ``changes`` maps ``enabled``, ``level`` or a parameter name to its
    new value, or to None to drop the stored value (the configuration file's applies again)."""
    rule = get_rule(code)
    if not changes:
        raise InvalidInput("body", "没有要修改的内容：请给出 enabled、level 或 params")
    wanted: dict[str, Any] = {}
    for key, value in changes.items():  # everything is checked before anything is read or written
        _field(rule, key)
        wanted[key] = None if value is None else _checked(rule, key, value)
    lock_settings(session)
    _, stored = stored_settings(session)
    before = dict(stored.get(code, {}))
    after = {key: value for key, value in {**before, **wanted}.items() if value is not None}
    if after == before:
        return rule_setting(session, code)
    row = session.get(RuleSetting, code)
    if not after:
        session.delete(row)
    elif row is None:
        session.add(RuleSetting(code=code, values=after, updated_at=at, updated_by=actor))
    else:
        row.values, row.updated_at, row.updated_by = after, at, actor
    settings_changed(session)
    rescheduled = _reschedule(session, rule) if isinstance(rule, ClockRule) else 0
    audit.record(session, actor=actor, action="rules.setting_changed", entity="rule", entity_id=code,
                 data={"before": before, "after": after, "clocks_rescheduled": rescheduled}, at=at)
    return rule_setting(session, code)


def _reschedule(session: Session, rule: ClockRule) -> int:
    """Give every running clock ``rule`` watches its first threshold under the settings now in force."""
    calendar = get_calendar(session)
    query = (select(Clock).join(Obligation, Obligation.id == Clock.obligation_id)
             .where(Obligation.kind == rule.obligation_kind, Clock.kind == rule.clock_kind,
                    Clock.state == ClockState.RUNNING).order_by(Clock.id).limit(RESCHEDULE_BATCH))
    count, last_id = 0, 0
    while True:
        batch = session.scalars(query.where(Clock.id > last_id)).all()
        if not batch:
            return count
        for clock in batch:
            moments = thresholds(session, clock, calendar)
            clock.next_check_at = moments[0] if moments else None
        count += len(batch)
        last_id = batch[-1].id
        session.flush()
