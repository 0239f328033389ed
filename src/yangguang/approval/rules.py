"""Monitoring rules (监察规则) of the approval module.

The triggers local regulations list [approval-and-supervision.md, "E-supervision"]: 1 a valid
application refused; 2 the promised limit exceeded; 3 a step over its share while the whole is still
within the promise; 5 a refusal without legal reasons; 6 an online-only item handled offline; 7 a fee
without basis or above the standard; 8 other violations (out-of-order or unauthorised actions,
acceptance without the required materials). Levels and thresholds follow "Levels and timing"; the
national numeric thresholds are unverified, so every level and parameter here is a default the
deployment overrides under ``[rules."<code>"]``. Trigger 4 (a first-instance unit forwarding late)
watches the 20-working-day clock of a step marked 初审 in the catalogue [行政许可法 Art. 43].

The service emits the events and opens the clocks (:mod:`yangguang.approval.service`); the
supervision engine evaluates these rules and raises the cards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.approval.models import Case, CaseStep
from yangguang.approval.service import CASE_OBLIGATION, FIRST_REVIEW_CLOCK, STEP_OBLIGATION
from yangguang.core.clocks import Clock
from yangguang.core.events import Event
from yangguang.supervision.registry import ClockRule, EventRule, Level, Trigger, register

DOC = "approval-and-supervision.md"
LEVELS = f"{DOC}「Levels and timing」（默认值未经核实，可配置）"


def _trigger(n: int) -> str:
    return f"{DOC}, E-supervision trigger {n}; {LEVELS}"


def _yuan(fen: Any) -> str:
    return "无标准" if fen is None else f"{int(fen) / 100:.2f}元"


# -- time (时效) -------------------------------------------------------------------------------------
def _case_within_promise(session: Session, clock: Clock) -> bool:
    """Trigger 3 is a step over its share *while the case is still within its promise*: judged at the
    step's due moment, so a case already over its promise gets the case card (trigger 2) instead."""
    obligation = clock.obligation
    if obligation.subject != "approval_case_step" or clock.due_at is None:
        return True
    promised = session.scalar(
        select(Clock).join(Case, Case.obligation_id == Clock.obligation_id)
        .join(CaseStep, CaseStep.case_id == Case.id)
        .where(CaseStep.id == int(obligation.subject_id), Clock.kind == "promised"))
    return promised is None or not promised.is_overdue(clock.due_at)


register(ClockRule(
    code="approval.case_near_due", name="办件临近承诺时限", category="时效",
    source=f"{DOC}「Levels and timing」: 预警, 1 working day before the promised deadline (a provincial rule)",
    obligation_kind=CASE_OBLIGATION, clock_kind="promised", trigger=Trigger.NEAR_DUE, level=Level.WARNING,
    params={"workdays_before": 1}))
register(ClockRule(
    code="approval.case_overdue", name="办件超过承诺时限", category="时效", source=_trigger(2),
    obligation_kind=CASE_OBLIGATION, clock_kind="promised", trigger=Trigger.OVERDUE, level=Level.YELLOW))
register(ClockRule(
    code="approval.case_overdue_long", name="办件超过承诺时限3个工作日以上", category="时效", source=_trigger(2),
    obligation_kind=CASE_OBLIGATION, clock_kind="promised", trigger=Trigger.OVERDUE_BY, level=Level.RED,
    params={"workdays": 3}))
register(ClockRule(
    code="approval.statutory_overdue", name="办件超过法定时限", category="时效",
    source=f"{_trigger(2)}; 行政许可法 Arts. 42, 82",
    obligation_kind=CASE_OBLIGATION, clock_kind="statutory", trigger=Trigger.OVERDUE, level=Level.RED))
register(ClockRule(
    code="approval.step_overdue", name="环节超时", category="时效", source=_trigger(3),
    obligation_kind=STEP_OBLIGATION, clock_kind="step", trigger=Trigger.OVERDUE, level=Level.YELLOW,
    condition=_case_within_promise))


register(ClockRule(
    code="approval.first_review_late", name="初审单位逾期上报", category="时效",
    source=f"{_trigger(4)}; 行政许可法 Art. 43 (first review forwarded within 20 days)",
    obligation_kind=STEP_OBLIGATION, clock_kind=FIRST_REVIEW_CLOCK, trigger=Trigger.OVERDUE, level=Level.YELLOW))


# -- events -------------------------------------------------------------------------------------------
def _fee(_session: Session, event: Event, _params: dict[str, Any]) -> str | None:
    data = event.data
    if data.get("within_standard", True):
        return None
    amount, standard = _yuan(data.get("amount_fen")), _yuan(data.get("standard_fen"))
    if not data.get("item_charges", True):
        return f"办件 {data.get('case')}：事项不收费，却收取{amount}"
    if not data.get("has_basis"):
        return f"办件 {data.get('case')}：收取{amount}未载明收费依据"
    return f"办件 {data.get('case')}：收取{amount}，超过收费标准{standard}"


def _deny_without_basis(_session: Session, event: Event, _params: dict[str, Any]) -> str | None:
    if event.data.get("decision") == "deny" and not event.data.get("has_legal_basis"):
        return f"办件 {event.data.get('case')}：作出不予许可决定未说明法律依据（行政许可法第三十八条）"
    return None


def _valid_refused(_session: Session, event: Event, _params: dict[str, Any]) -> str | None:
    if event.data.get("materials_complete"):
        return f"办件 {event.data.get('case')}：申请材料齐全仍不予受理（理由：{event.data.get('reason', '')}）"
    return None


def _online_only_offline(_session: Session, event: Event, params: dict[str, Any]) -> str | None:
    if event.data.get("online_only") and event.data.get("channel") not in params["online_channels"]:
        return f"办件 {event.data.get('case')}：必须网上办理的事项通过线下（办理形式 {event.data.get('channel')}）受理"
    return None


def _incomplete_accepted(_session: Session, event: Event, _params: dict[str, Any]) -> str | None:
    missing = event.data.get("missing_required") or []
    if missing:
        return f"办件 {event.data.get('case')}：缺少必要材料仍予受理（缺：{'、'.join(missing)}）"
    return None


def _refused_action(reason: str, label: str):
    def check(_session: Session, event: Event, _params: dict[str, Any]) -> str | None:
        if event.data.get("reason") != reason:
            return None
        return (f"办件 {event.data.get('case')}：{event.data.get('actor', '')}{label}"
                f"「{event.data.get('step', '')}」，系统已锁定并拒绝")
    return check


register(EventRule(
    code="approval.fee_violation", name="无依据或超标准收费", category="收费", source=_trigger(7),
    event_type="approval.fee_charged", level=Level.RED, check=_fee))
register(EventRule(
    code="approval.deny_without_basis", name="不予许可未说明法律依据", category="内容",
    source=f"{_trigger(5)}; 行政许可法 Art. 38",
    event_type="approval.decided", level=Level.RED, check=_deny_without_basis))
register(EventRule(
    code="approval.valid_application_refused", name="符合条件的申请不予受理", category="内容",
    source=f"{_trigger(1)}; 行政许可法 Art. 32",
    event_type="approval.application_refused", level=Level.YELLOW, check=_valid_refused))
register(EventRule(
    code="approval.online_only_offline", name="应网办事项线下办理", category="流程", source=_trigger(6),
    event_type="approval.case_accepted", level=Level.YELLOW, check=_online_only_offline,
    params={"online_channels": ["2", "3"]}))  # 办理形式 A.5: 2 网上办理, 3 移动端办理
register(EventRule(
    code="approval.accepted_incomplete", name="缺少必要材料受理", category="流程",
    source=f"{_trigger(8)}; 行政许可法 Art. 32",
    event_type="approval.case_accepted", level=Level.YELLOW, check=_incomplete_accepted))
register(EventRule(
    code="approval.out_of_order", name="违反流程顺序操作", category="流程", source=_trigger(8),
    event_type="approval.action_refused", level=Level.YELLOW, check=_refused_action("out_of_order", "越序或重复办理")))
register(EventRule(
    code="approval.unauthorised", name="越权操作", category="风险防控", source=_trigger(8),
    event_type="approval.action_refused", level=Level.RED, check=_refused_action("unauthorised", "无权限办理")))
