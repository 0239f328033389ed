"""Builders shared by the tests of the inspection registry: an organisation, a registered site, and inspection
results made of chosen findings (scored with the packaged deduction table), so that the problem diff is tested
without a crawl."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from tests.factories import at, make_person, make_unit
from yangguang.inspection import service
from yangguang.inspection.checklist import (
    BLANK_COLUMNS,
    COLUMN_UPDATES,
    HOMEPAGE_AVAILABILITY,
    OTHER_LINKS,
    SENSITIVE_WORDS,
    TAMPERING,
    VETO_HOMEPAGE_STALE,
    VETO_SECURITY,
    VETO_UNREACHABLE,
)
from yangguang.inspection.checks.findings import DEDUCTION, INFO, VETO, Finding, evidence
from yangguang.inspection.indicators import load_indicators
from yangguang.inspection.inspect import ColumnReport, InspectionResult
from yangguang.inspection.models import Problem
from yangguang.inspection.scoring import score

HOME = "http://www.example.gov.cn/"
T0 = at("2026-03-02 09:30")  # a Monday


class Org:
    def __init__(self, db) -> None:
        self.unit = make_unit(db, code="XZF", name="县人民政府办公室")
        self.other_unit = make_unit(db, code="SCJ", name="县市场监督管理局")
        self.oversight = make_unit(db, code="JW", name="县纪委监委")
        self.admin = make_person(db, self.other_unit, "admin", ["admin"], name="系统管理员")
        self.editor = make_person(db, self.unit, "gongkai", ["disclosure"], name="公开办")
        self.head = make_person(db, self.unit, "zhuren", ["unit_head"], name="办公室主任")
        self.clerk = make_person(db, self.unit, "clerk", ["clerk"], name="窗口")
        self.other_editor = make_person(db, self.other_unit, "scjgk", ["disclosure"], name="市场局公开办")
        self.supervisor = make_person(db, self.oversight, "jiancha", ["supervisor"], name="监察")


def register(db, org: Org, url: str = HOME, **options):
    options.setdefault("name", "某县人民政府门户网站")
    options.setdefault("unit", org.unit)
    site = service.register_site(db, org.admin, url=url, at=T0, **options)
    db.flush()
    return site


def broken(target: str, page: str = HOME + "news/1.html") -> Finding:
    return Finding("links.broken", OTHER_LINKS, page, DEDUCTION, f"页面站内链接失效：“{target}”（HTTP 404）",
                   evidence(page=page, link=target, text="通知", status=404))


def stale_homepage(url: str = HOME, day: date = date(2026, 2, 1)) -> Finding:
    return Finding("freshness.homepage", VETO_HOMEPAGE_STALE, url, VETO,
                   f"首页 14 天内没有更新，最近一条信息的日期为 {day.isoformat()}",
                   evidence(page=url, link=url + "news/9.html", text="旧新闻", found_date=day,
                            excerpt="旧新闻 2026-02-01"))


def secret_mark(page: str = HOME + "news/2.html") -> Finding:
    return Finding("hidden.text", VETO_SECURITY, page, VETO, "页面文字含密级标志“机密★5年”",
                   evidence(page=page, excerpt="机密★5年 关于某项工作的通知"))


def sensitive(page: str = HOME + "news/3.html") -> Finding:
    return Finding("privacy.sensitive", SENSITIVE_WORDS, page, DEDUCTION, "页面含敏感词“违禁词甲”",
                   evidence(page=page, excerpt="本次会议强调了违禁词甲的危害"))


def stale_column(url: str = HOME + "notice/", name: str = "通知公告") -> Finding:
    return Finding("freshness.columns", COLUMN_UPDATES, url, DEDUCTION, f"栏目不更新：“{name}”最近更新 2025-06-01",
                   evidence(page=url, text=name, found_date=date(2025, 6, 1), kind="notice"))


def blank_column(url: str = HOME + "policy/", name: str = "政策文件") -> Finding:
    return Finding("columns.blank", BLANK_COLUMNS, url, DEDUCTION, f"空白栏目：“{name}”没有内容，也未说明原因",
                   evidence(page=url, text=name))


def unreachable_home(url: str = HOME) -> Finding:
    return Finding("availability.homepage", HOMEPAGE_AVAILABILITY, url, DEDUCTION, "首页无法访问（HTTP 500）",
                   evidence(page=url, status=500))


def changed_page(url: str = HOME) -> Finding:
    return Finding("tampering.baseline", TAMPERING, url, DEDUCTION, "页面内容与基线相比变化过大",
                   evidence(page=url, similarity=0.1, excerpt="hacked"))


def probes_insufficient(url: str = HOME) -> Finding:
    return Finding("availability.probes", VETO_UNREACHABLE, url, INFO, "监测不足", evidence(page=url, probes=3))


def result(findings: list[Finding], now: datetime = T0, *, site: str = HOME, texts: dict[str, str] | None = None,
           columns: list[ColumnReport] | None = None, truncated: int = 0, has_services: bool = True,
           pages: int = 12) -> InspectionResult:
    """An inspection result of ``findings``: by default the homepage was read and the crawl was complete."""
    report = score(findings, indicators=load_indicators(), has_services=has_services, is_portal=False)
    return InspectionResult(site, now, pages, pages * 5, [], list(findings), report, list(columns or []), 0.1,
                            {"max_pages": truncated}, [], dict({site: "某县人民政府 首页 新闻"} if texts is None
                                                           else texts))


def problems(db, site) -> list[Problem]:
    db.flush()
    return list(db.scalars(select(Problem).where(Problem.site_id == site.id).order_by(Problem.id)))
