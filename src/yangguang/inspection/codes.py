"""Codes of the inspection registry and their Chinese labels."""

from __future__ import annotations

from enum import StrEnum


class SiteKind(StrEnum):
    WEBSITE = "website"  # 政府网站
    NEW_MEDIA = "new_media"  # 政务新媒体


class ColumnKind(StrEnum):
    NEWS = "news"  # 动态、要闻: every 2 weeks
    NOTICE = "notice"  # 通知公告、政策文件: every 6 months
    OTHER = "other"


class Trigger(StrEnum):
    MANUAL = "manual"  # on demand
    SCHEDULE = "schedule"  # the due inspections (cron / systemd timer)


class ProblemState(StrEnum):
    OPEN = "open"  # found, to be rectified
    REPORTED = "reported"  # the unit says it is fixed; the next inspection verifies
    RESOLVED = "resolved"  # not found again by a later inspection
    DISMISSED = "dismissed"  # a false positive, with the site administrator's reason
    WITHDRAWN = "withdrawn"  # the site is no longer inspected


SITE_KIND_LABELS = {SiteKind.WEBSITE: "政府网站", SiteKind.NEW_MEDIA: "政务新媒体"}
COLUMN_KIND_LABELS = {ColumnKind.NEWS: "动态要闻类", ColumnKind.NOTICE: "通知公告、政策文件类",
                      ColumnKind.OTHER: "其他"}
TRIGGER_LABELS = {Trigger.MANUAL: "人工检查", Trigger.SCHEDULE: "定期检查"}
PROBLEM_STATE_LABELS = {ProblemState.OPEN: "待整改", ProblemState.REPORTED: "已报整改（待复查）",
                        ProblemState.RESOLVED: "已整改", ProblemState.DISMISSED: "已排除（误报）",
                        ProblemState.WITHDRAWN: "网站已停止检查"}
SEVERITY_LABELS = {"veto": "单项否决", "deduction": "扣分", "info": "提示"}
LIVE_PROBLEM_STATES = (ProblemState.OPEN, ProblemState.REPORTED)
