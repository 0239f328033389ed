"""The national checklist for government websites, as data: the single-veto items and the deduction indicators.

Sources (shared/domain/website-inspection.md): 政府网站与政务新媒体检查指标 (国办秘函〔2019〕19号) for the six
website single-veto items and the scoring scheme; the 2015 census rules (全国政府网站普查, 国办发〔2015〕15号) for
the deduction areas (网站可用性, 信息更新情况, 互动回应情况, 服务实用情况); monitoring vendors' practice for the
security indicators. The points of each indicator are configuration (:mod:`yangguang.inspection.indicators`).

Every :class:`~yangguang.inspection.checks.Finding` names one code of this module in ``checklist_item``.
"""

from __future__ import annotations

from dataclasses import dataclass

CHECKLIST_2019 = "国办秘函〔2019〕19号"
CENSUS_2015 = "国办发〔2015〕15号"
VENDORS = "监测机构通行做法"


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    name: str
    block: str  # 单项否决 for the veto items; the deduction area otherwise
    source: str
    veto: bool = False


VETO_BLOCK = "单项否决"

VETO_SECURITY = "veto.security"
VETO_UNREACHABLE = "veto.unreachable"
VETO_HOMEPAGE_STALE = "veto.homepage_stale"
VETO_COLUMNS_STALE = "veto.columns_stale"
VETO_INTERACTION = "veto.interaction"
VETO_SERVICES = "veto.services"

HOMEPAGE_AVAILABILITY = "availability.homepage"
HOMEPAGE_LINKS = "availability.links_homepage"
OTHER_LINKS = "availability.links_other"
WRONG_LINKS = "availability.wrong_links"
HOMEPAGE_UPDATES = "updates.homepage"
COLUMN_UPDATES = "updates.columns"
BLANK_COLUMNS = "updates.blank_columns"
MESSAGE_REPLIES = "interaction.message_reply"
GUIDE_ELEMENTS = "services.guide_elements"
DOWNLOADS = "services.downloads"
PERSONAL_INFO = "security.personal_info"
SENSITIVE_WORDS = "security.sensitive_words"
TAMPERING = "security.tampering"
HTTPS = "security.https"

AVAILABILITY = "网站可用性"
UPDATES = "信息更新情况"
INTERACTION = "互动回应情况"
SERVICES = "服务实用情况"
SECURITY = "安全防护"

ITEMS: tuple[ChecklistItem, ...] = (
    ChecklistItem(VETO_SECURITY, "安全、泄密事故等严重问题", VETO_BLOCK, CHECKLIST_2019, veto=True),
    ChecklistItem(VETO_UNREACHABLE, "站点无法访问", VETO_BLOCK, CHECKLIST_2019, veto=True),
    ChecklistItem(VETO_HOMEPAGE_STALE, "首页不更新", VETO_BLOCK, CHECKLIST_2019, veto=True),
    ChecklistItem(VETO_COLUMNS_STALE, "栏目不更新", VETO_BLOCK, CHECKLIST_2019, veto=True),
    ChecklistItem(VETO_INTERACTION, "互动回应差", VETO_BLOCK, CHECKLIST_2019, veto=True),
    ChecklistItem(VETO_SERVICES, "服务不实用", VETO_BLOCK, CHECKLIST_2019, veto=True),
    ChecklistItem(HOMEPAGE_AVAILABILITY, "首页可用性", AVAILABILITY, CENSUS_2015),
    ChecklistItem(HOMEPAGE_LINKS, "链接可用性（首页）", AVAILABILITY, CENSUS_2015),
    ChecklistItem(OTHER_LINKS, "链接可用性（其他页面）", AVAILABILITY, CENSUS_2015),
    ChecklistItem(WRONG_LINKS, "错链", AVAILABILITY, VENDORS),
    ChecklistItem(HOMEPAGE_UPDATES, "首页更新量", UPDATES, CENSUS_2015),
    ChecklistItem(COLUMN_UPDATES, "栏目更新", UPDATES, CHECKLIST_2019),
    ChecklistItem(BLANK_COLUMNS, "空白栏目", UPDATES, CHECKLIST_2019),
    ChecklistItem(MESSAGE_REPLIES, "留言办理时限", INTERACTION, CENSUS_2015),
    ChecklistItem(GUIDE_ELEMENTS, "办事指南要素", SERVICES, CENSUS_2015),
    ChecklistItem(DOWNLOADS, "表格下载", SERVICES, CENSUS_2015),
    ChecklistItem(PERSONAL_INFO, "个人信息泄露", SECURITY, VENDORS),
    ChecklistItem(SENSITIVE_WORDS, "敏感词", SECURITY, VENDORS),
    ChecklistItem(TAMPERING, "篡改、暗链与挂马", SECURITY, VENDORS),
    ChecklistItem(HTTPS, "HTTPS 与混合内容", SECURITY, VENDORS),
)

BY_CODE: dict[str, ChecklistItem] = {item.code: item for item in ITEMS}


def item(code: str) -> ChecklistItem:
    """The checklist item of a code (``KeyError`` for a code no check emits)."""
    return BY_CODE[code]
