"""Tables of the core platform (imported so that migrations and the registry see them)."""

from yangguang.core.audit import AuditEntry, AuditHead
from yangguang.core.auth import ApiToken, LoginAttempt, SiteSecret
from yangguang.core.calendar import CalendarDay, CalendarNotice, CalendarState
from yangguang.core.clocks import Clock, ClockExtension, ClockPause, Obligation
from yangguang.core.notify import InboxMessage, Notification
from yangguang.core.notify_channels import ChannelSetting
from yangguang.core.org import Person, Unit, Window

__all__ = ["ApiToken", "LoginAttempt", "SiteSecret", "AuditEntry", "AuditHead",
           "CalendarDay", "CalendarNotice", "CalendarState", "ChannelSetting", "Clock", "ClockExtension",
           "ClockPause", "InboxMessage", "Notification", "Obligation", "Person", "Unit", "Window"]
