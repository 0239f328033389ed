"""Monitoring rules (监察规则) of proactive disclosure (主动公开).

Time: information to be disclosed proactively is published within 20 working days of being formed or
changed [条例 Art. 26]; the service opens that clock (``proactive``) on each item's obligation
(``disclosure.publication``). The engine warns 3 working days before the deadline, raises a yellow
card at it and a red card 10 working days after it. The law sets only the deadline: the warning
window and the red threshold are defaults the deployment overrides under ``[rules."<code>"]``.

Process: publishing without a positive confidentiality review ("先审查、后公开", "一事一审") is refused
by the service and recorded as an attempted violation (event ``disclosure.publish_refused``), which
raises a yellow card [disclosure.md, "Proactive disclosure and review before publication"].
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yangguang.core.events import Event
from yangguang.disclosure.service.publications import PROACTIVE_CLOCK, PUBLICATION_OBLIGATION
from yangguang.supervision.registry import ClockRule, EventRule, Level, Trigger, register

DOC = "disclosure.md「Proactive disclosure and review before publication」"
ART_26 = f"{DOC}; 政府信息公开条例 Art. 26 (20 working days from formation or change)"
DEFAULTS = "levels and thresholds are defaults (configurable)"

_clock = dict(category="时效", obligation_kind=PUBLICATION_OBLIGATION, clock_kind=PROACTIVE_CLOCK)
register(ClockRule(
    code="disclosure.publication_near_due", name="主动公开临近期限", source=f"{ART_26}; {DEFAULTS}",
    trigger=Trigger.NEAR_DUE, level=Level.WARNING, params={"workdays_before": 3}, **_clock))
register(ClockRule(
    code="disclosure.publication_overdue", name="主动公开超过20个工作日", source=ART_26,
    trigger=Trigger.OVERDUE, level=Level.YELLOW, **_clock))
register(ClockRule(
    code="disclosure.publication_overdue_long", name="主动公开超期10个工作日以上", source=f"{ART_26}; {DEFAULTS}",
    trigger=Trigger.OVERDUE_BY, level=Level.RED, params={"workdays": 10}, **_clock))

_WHY = {
    "no_review": "未经保密审查",
    "rejected": "保密审查未通过",
    "changed_after_review": "保密审查后内容被修改、未重新审查",
}


def _publish_refused(_session: Session, event: Event, _params: dict[str, Any]) -> str | None:
    why = _WHY.get(event.data.get("reason", ""))
    if why is None:
        return None
    return (f"「{event.data.get('title', '')}」{why}，{event.data.get('actor', '')}试图发布，系统已拒绝"
            "（先审查、后公开，一事一审）")


register(EventRule(
    code="disclosure.publish_without_review", name="未经保密审查发布", category="流程",
    source=f"{DOC}: 先审查、后公开, 一事一审, publishing without a positive review must be impossible; "
           "政府信息公开条例 Art. 17",
    event_type="disclosure.publish_refused", level=Level.YELLOW, check=_publish_refused))
