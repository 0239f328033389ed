"""Monitoring rules of the annual report [条例 Art. 49: each organ publishes its report on the previous
year by 31 January].

The obligation ``disclosure.annual_report`` and its clock ``report`` are opened by
:mod:`yangguang.disclosure.service.annual_report`, by the sweep itself during January (registered
here as a :func:`~yangguang.supervision.sweep.before_sweep` hook). 预警 5 working days before the
deadline, 黄牌 once it has passed; both levels and the warning's lead time are defaults the deployment
overrides under ``[rules."<code>"]``.
"""

from __future__ import annotations

from yangguang.disclosure.service.annual_report import (
    REPORT_CLOCK,
    REPORT_OBLIGATION,
    open_due_report_obligations,
)
from yangguang.supervision.registry import ClockRule, Level, Trigger, register
from yangguang.supervision.sweep import before_sweep

SOURCE = "《中华人民共和国政府信息公开条例》第四十九条（每年1月31日前公布本机关上一年度政府信息公开工作年度报告）"

register(ClockRule(
    code="disclosure.annual_report_near_due", name="年度报告临近公布期限", category="时效",
    source=f"{SOURCE}；提前5个工作日预警（默认值，可配置）",
    obligation_kind=REPORT_OBLIGATION, clock_kind=REPORT_CLOCK, trigger=Trigger.NEAR_DUE, level=Level.WARNING,
    params={"workdays_before": 5}))
register(ClockRule(
    code="disclosure.annual_report_overdue", name="未按期公布政府信息公开工作年度报告", category="时效", source=SOURCE,
    obligation_kind=REPORT_OBLIGATION, clock_kind=REPORT_CLOCK, trigger=Trigger.OVERDUE, level=Level.YELLOW))

before_sweep(open_due_report_obligations)
