"""Monitoring rules (监察规则) of website inspection.

Source: 政府网站与政务新媒体检查指标 (国办秘函〔2019〕19号) — a single-veto item makes a site unqualified, and so does a
deduction score below 60. The levels, the rectification limits and the thresholds below are not in the checklist:
they are defaults (默认值未经核实，可配置), overridden under ``[rules."<code>"]`` like every rule.

* A veto problem found on a government website raises a red card at once (``inspection.veto_found``, security and
  secrecy items: category 风险防控; the others — unreachable, not updated, no interaction, no services: 内容).
* A deduction problem raises no card when it is found: one inspection can find hundreds of broken links, and the
  national checklist already weighs them in the score. It is supervised by its rectification clock instead.
* The rectification clock (``rectify``, 5 working days for a veto, 15 for a deduction — ``[inspection]``): overdue
  raises a yellow card, overdue by 5 working days a red one. One card per site, checklist item and deadline:
  the problems of one item found by one inspection share their deadline, and the first of them still open at the
  threshold carries the card for all (no flood of cards for the broken links of one crawl).
* An unqualified inspection raises a yellow card (网站检查不合格), once per run of unqualified inspections.
* A problem the organ reported fixed but the next inspection found again raises a yellow card (整改不实).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from yangguang.core.calendar import get_calendar
from yangguang.core.clocks import Clock, ClockState, Obligation
from yangguang.core.events import Event
from yangguang.inspection.checklist import VETO_SECURITY
from yangguang.inspection.checks.findings import VETO
from yangguang.inspection.models import Problem
from yangguang.inspection.service import (
    COMPLETED,
    PROBLEM_FOUND,
    PROBLEM_OBLIGATION,
    PROBLEM_REOPENED,
    RECTIFY_CLOCK,
    SUBJECT_PROBLEM,
)
from yangguang.supervision import registry
from yangguang.supervision.engine import rule_moment
from yangguang.supervision.registry import ClockRule, EventRule, Level, Trigger, register

CHECKLIST = "国办秘函〔2019〕19号（政府网站与政务新媒体检查指标）"
DEFAULTS = "默认值未经核实，可配置"
SECURITY_ITEMS = (VETO_SECURITY,)


# -- events ---------------------------------------------------------------------------------------------------
def _veto(security: bool):
    def check(_session: Session, event: Event, _params: dict[str, Any]) -> str | None:
        data = event.data
        if data.get("severity") != VETO or (data.get("checklist_item") in SECURITY_ITEMS) != security:
            return None
        return (f"网站“{data.get('site', '')}”触发单项否决【{data.get('item_name', '')}】：{data.get('detail', '')}"
                f"（{data.get('url', '')}）")
    return check


def _unqualified(_session: Session, event: Event, _params: dict[str, Any]) -> str | None:
    data = event.data
    if data.get("qualified", True):
        return None
    if data.get("score") is None:
        return f"网站“{data.get('site', '')}”检查不合格：触发单项否决 {data.get('vetoes', 0)} 项"
    return f"网站“{data.get('site', '')}”检查不合格：得分 {data.get('score')} 分，低于 60 分合格线"


def _false_report(_session: Session, event: Event, _params: dict[str, Any]) -> str | None:
    data = event.data
    return (f"网站“{data.get('site', '')}”的问题已报送整改，复查仍然存在：【{data.get('item_name', '')}】"
            f"{data.get('detail', '')}（整改说明：{data.get('note', '')}）")


register(EventRule(
    code="inspection.veto_found", name="政府网站触发单项否决", category="内容",
    source=f"{CHECKLIST}: 单项否决 (站点无法访问、首页不更新、栏目不更新、互动回应差、服务不实用); 红牌: {DEFAULTS}",
    event_type=PROBLEM_FOUND, level=Level.RED, check=_veto(security=False)))
register(EventRule(
    code="inspection.security_veto_found", name="政府网站出现安全、泄密等严重问题", category="风险防控",
    source=f"{CHECKLIST}: 单项否决 安全、泄密事故等严重问题; 红牌: {DEFAULTS}",
    event_type=PROBLEM_FOUND, level=Level.RED, check=_veto(security=True)))
register(EventRule(
    code="inspection.unqualified", name="网站检查不合格", category="内容",
    source=f"{CHECKLIST}: 单项否决或扣分后低于 60 分为不合格; 黄牌、每段连续不合格一张: {DEFAULTS}",
    event_type=COMPLETED, level=Level.YELLOW, check=_unqualified))
register(EventRule(
    code="inspection.false_report", name="网站问题整改不实", category="流程",
    source=f"{CHECKLIST}; 报送整改后复查仍存在: 黄牌, {DEFAULTS}",
    event_type=PROBLEM_REOPENED, level=Level.YELLOW, check=_false_report))


# -- the rectification clock ------------------------------------------------------------------------------------
def _first_of_group(code: str):
    """True for the first problem (lowest id) of its site, checklist item and deadline still open at the rule's
    threshold: that one carries the card for the group."""

    def condition(session: Session, clock: Clock) -> bool:
        obligation = clock.obligation
        if obligation.subject != SUBJECT_PROBLEM or clock.due_at is None:
            return True
        problem = session.get(Problem, int(obligation.subject_id))
        if problem is None:
            return True
        [rule] = [r for r in registry.clock_rules(session, PROBLEM_OBLIGATION, RECTIFY_CLOCK) if r.rule.code == code]
        threshold = rule_moment(rule, clock, get_calendar(session))
        if threshold is None:
            return True
        earlier = exists().where(
            Problem.site_id == problem.site_id, Problem.checklist_item == problem.checklist_item,
            Problem.id < problem.id, Obligation.id == Problem.obligation_id, Clock.obligation_id == Obligation.id,
            Clock.kind == RECTIFY_CLOCK, Clock.due_at == clock.due_at,
            or_(Clock.state == ClockState.RUNNING, Clock.stopped_at >= threshold))
        return not session.scalar(select(earlier))

    return condition


_clock = dict(category="时效", obligation_kind=PROBLEM_OBLIGATION, clock_kind=RECTIFY_CLOCK)
register(ClockRule(
    code="inspection.rectify_overdue", name="网站问题逾期未整改",
    source=f"{CHECKLIST}; 整改时限 单项否决 5 个工作日、扣分 15 个工作日, 逾期黄牌: {DEFAULTS}",
    trigger=Trigger.OVERDUE, level=Level.YELLOW, condition=_first_of_group("inspection.rectify_overdue"), **_clock))
register(ClockRule(
    code="inspection.rectify_overdue_long", name="网站问题逾期5个工作日以上未整改",
    source=f"{CHECKLIST}; 逾期 5 个工作日以上红牌: {DEFAULTS}",
    trigger=Trigger.OVERDUE_BY, level=Level.RED, params={"workdays": 5},
    condition=_first_of_group("inspection.rectify_overdue_long"), **_clock))
