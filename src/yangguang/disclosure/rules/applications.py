"""Monitoring rules (监察规则) of applications for government information (依申请公开).

Clock rules on the obligation ``disclosure.application`` (opened by
:mod:`yangguang.disclosure.service.applications`):

* ``reply`` — the 20-working-day reply period, once extended by at most 20 [条例 Art. 33]: a warning
  3 working days before the deadline, a yellow card when it passes, a red card 5 working days later;
* ``correction_notice`` — the one correction notice is due within 7 working days of receipt [条例
  Art. 30]: a yellow card when neither a notice was sent nor the request treated as clear in time.

The levels and thresholds are defaults no national text fixes (默认值未经核实，可配置): a deployment
overrides them under ``[rules."<code>"]``. The consultation clocks (``disclosure.consultation``, 15
working days) raise no card: that time is the third party's or the other organ's, not the organ's,
and is not counted in the reply period [Arts. 32–34]; its end only decides when silence counts.
"""

from __future__ import annotations

from yangguang.disclosure.service.applications import APPLICATION_OBLIGATION, CORRECTION_CLOCK, REPLY_CLOCK
from yangguang.supervision.registry import ClockRule, Level, Trigger, register

_LAW = "政府信息公开条例"
_DEFAULTS = "默认值未经核实，可配置"

register(ClockRule(
    code="disclosure.reply_near_due", name="依申请公开临近答复期限", category="时效",
    source=f"{_LAW} Art. 33 (20 working days, +20 once); 预警 3 working days before（{_DEFAULTS}）",
    obligation_kind=APPLICATION_OBLIGATION, clock_kind=REPLY_CLOCK, trigger=Trigger.NEAR_DUE, level=Level.WARNING,
    params={"workdays_before": 3}))
register(ClockRule(
    code="disclosure.reply_overdue", name="依申请公开超过答复期限", category="时效",
    source=f"{_LAW} Art. 33; 黄牌 when the reply period passes（{_DEFAULTS}）",
    obligation_kind=APPLICATION_OBLIGATION, clock_kind=REPLY_CLOCK, trigger=Trigger.OVERDUE, level=Level.YELLOW))
register(ClockRule(
    code="disclosure.reply_overdue_long", name="依申请公开超过答复期限5个工作日以上", category="时效",
    source=f"{_LAW} Art. 33; 红牌 5 working days after the deadline（{_DEFAULTS}）",
    obligation_kind=APPLICATION_OBLIGATION, clock_kind=REPLY_CLOCK, trigger=Trigger.OVERDUE_BY, level=Level.RED,
    params={"workdays": 5}))
register(ClockRule(
    code="disclosure.correction_notice_late", name="未在7个工作日内一次性告知补正", category="时效",
    source=f"{_LAW} Art. 30 (one correction notice within 7 working days of receipt); 黄牌（{_DEFAULTS}）",
    obligation_kind=APPLICATION_OBLIGATION, clock_kind=CORRECTION_CLOCK, trigger=Trigger.OVERDUE,
    level=Level.YELLOW))
