"""The registry of sites and columns: who registers, what is refused, the columns' required frequencies, the
sites due for inspection, and the confirmed columns applied to an inspection.

Sources: 国办秘函〔2019〕19号 栏目不更新 (news/activity columns within 2 weeks, notice/policy columns within 6 months;
5 or more of them stale is a veto; an empty column is allowed when it explains why) and the registry's defaults
(默认值未经核实，可配置: a site is inspected every 7 days).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import at
from yangguang.core import audit
from yangguang.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from yangguang.inspection import queries, service
from yangguang.inspection.checklist import BLANK_COLUMNS, COLUMN_UPDATES, VETO_COLUMNS_STALE
from yangguang.inspection.codes import ProblemState
from yangguang.inspection.column_settings import ColumnSetting, apply_column_settings
from yangguang.inspection.indicators import load_indicators
from yangguang.inspection.inspect import ColumnReport
from yangguang.inspection.models import Site, SiteColumn

from .registry_helpers import HOME, T0, Org, problems, register, result, sensitive

TODAY = date(2026, 3, 2)


def count(db, model) -> int:
    db.flush()
    return db.scalar(select(func.count()).select_from(model))


def test_the_site_administrator_registers_a_site(db):
    org = Org(db)
    site = service.register_site(db, org.editor, unit="XZF", name=" 县政府门户网站 ", url="HTTP://WWW.Example.gov.cn",
                                 is_portal=True, at=T0)
    assert (site.url, site.name, site.kind, site.unit_id) == (HOME, "县政府门户网站", "website", org.unit.id)
    assert (site.has_services, site.is_portal, site.inspect_every_days, site.max_pages, site.active) == \
        (True, True, 7, 1000, True)
    [entry] = audit.history(db, "inspection_site", site.id)
    assert entry.action == "inspection.site_registered" and entry.actor == "gongkai"
    assert service.get_site(db, site.id) is service.get_site(db, str(site.id)) is service.get_site(db, HOME)
    account = service.register_site(db, None, unit=org.unit, name="县政府微信公众号", kind="new_media",
                                    url="https://mp.example.com/xzf", has_services=False, at=T0)
    assert account.kind == "new_media" and not account.has_services


@pytest.mark.parametrize(("who", "error"), [("clerk", Forbidden), ("other_editor", Forbidden),
                                            ("supervisor", Forbidden)])
def test_only_an_administrator_or_the_organs_disclosure_office_registers(db, who, error):
    org = Org(db)
    with pytest.raises(error) as refused:
        service.register_site(db, getattr(org, who), unit=org.unit, name="网站", url=HOME, at=T0)
    assert refused.value.field == "actor" and count(db, Site) == 0


@pytest.mark.parametrize(("options", "field"), [
    ({"url": "ftp://www.example.gov.cn/"}, "url"),
    ({"url": ""}, "url"),
    ({"url": "http://"}, "url"),
    ({"name": "  "}, "name"),
    ({"kind": "weibo"}, "kind"),
    ({"has_services": "yes"}, "has_services"),
    ({"inspect_every_days": 0}, "inspect_every_days"),
    ({"max_pages": -1}, "max_pages"),
    ({"scope_hosts": "www.example.gov.cn"}, "scope_hosts"),
    ({"scope_hosts": ["other.example.gov.cn"]}, "url"),  # the homepage outside its own scope
])
def test_bad_registrations_are_refused_and_write_nothing(db, options, field):
    org = Org(db)
    values = {"name": "网站", "url": HOME, **options}
    with pytest.raises(InvalidInput) as refused:
        service.register_site(db, org.admin, unit=org.unit, at=T0, **values)
    assert refused.value.field == field and count(db, Site) == 0


def test_one_registration_per_homepage_and_known_units_only(db):
    org = Org(db)
    register(db, org)
    with pytest.raises(Conflict) as twice:
        service.register_site(db, org.admin, unit=org.unit, name="又一个", url="http://www.example.gov.cn", at=T0)
    assert twice.value.field == "url"
    with pytest.raises(NotFound) as unknown:
        service.register_site(db, org.admin, unit="NOPE", name="网站", url="http://other.gov.cn/", at=T0)
    assert unknown.value.field == "unit" and count(db, Site) == 1
    with pytest.raises(NotFound):
        service.get_site(db, "http://nowhere.gov.cn/")


def test_updating_deactivating_and_reactivating_a_site(db):
    org = Org(db)
    site = register(db, org)
    service.update_site(db, org.admin, site, name="县政府网", inspect_every_days=30, unit="SCJ", at=T0)
    assert (site.name, site.inspect_every_days, site.unit_id) == ("县政府网", 30, org.other_unit.id)
    with pytest.raises(InvalidInput) as unknown:
        service.update_site(db, org.admin, site, colour="red", at=T0)
    assert unknown.value.field == "colour"
    with pytest.raises(Forbidden):  # the site now belongs to another organ
        service.update_site(db, org.editor, site, name="改名", at=T0)
    service.update_site(db, org.admin, site, unit=org.unit, at=T0)
    service.record_inspection(db, site, result([sensitive()]), at=T0)
    with pytest.raises(InvalidInput):
        service.deactivate(db, org.admin, site, reason="", at=T0)
    service.deactivate(db, org.editor, site, reason="网站已整合到县政府门户", at=T0)
    [problem] = problems(db, site)
    assert not site.active and problem.state == ProblemState.WITHDRAWN
    with pytest.raises(Conflict):
        service.deactivate(db, org.admin, site, reason="again", at=T0)
    assert [r["id"] for r in queries.site_list(db)] == []  # the public sees active sites only
    assert [r["id"] for r in queries.site_list(db, org.admin)] == [site.id]
    service.reactivate(db, org.admin, site, at=T0)
    assert site.active


def test_discovered_columns_get_the_checklists_frequencies_and_wait_for_confirmation(db):
    """国办秘函〔2019〕19号 栏目不更新: news within 2 weeks, notices and policies within 6 months."""
    org = Org(db)
    site = register(db, org)
    reports = [ColumnReport("工作动态", HOME + "news/", "news", True, TODAY, 10),
               ColumnReport("通知公告", HOME + "notice/", "notice", True, TODAY, 10),
               ColumnReport("专题专栏", HOME + "zt/", "other", True, None, 3)]
    added = service.save_discovered_columns(db, site, reports, at=T0)
    assert [(c.name, c.kind, c.update_days, c.discovered, c.confirmed) for c in added] == [
        ("工作动态", "news", 14, True, False), ("通知公告", "notice", 180, True, False),
        ("专题专栏", "other", 365, True, False)]
    assert service.save_discovered_columns(db, site, reports, at=T0) == []  # known already


def test_confirming_columns(db):
    org = Org(db)
    site = register(db, org)
    service.save_discovered_columns(db, site, [ColumnReport("工作动态", HOME + "news/", "news", True)], at=T0)
    saved = service.confirm_columns(db, org.editor, site, [
        {"url": HOME + "news/"},
        {"url": HOME + "zt/", "name": "专题专栏", "kind": "other", "update_days": 30},
        {"url": HOME + "links/", "name": "友情链接", "monitored": False},
        {"url": HOME + "jd/", "name": "政策解读", "kind": "notice", "blank_allowed": True,
         "blank_reason": "本栏目暂无需要解读的政策"}], at=T0)
    assert [(c.name, c.kind, c.update_days, c.confirmed, c.monitored, c.discovered) for c in saved] == [
        ("工作动态", "news", 14, True, True, True), ("专题专栏", "other", 30, True, True, False),
        ("友情链接", "other", 365, True, False, False), ("政策解读", "notice", 180, True, True, False)]
    assert set(service.column_settings(site)) == {c.url for c in saved}


@pytest.mark.parametrize(("entry", "field"), [
    ({"url": HOME + "a/", "name": "栏目", "kind": "daily"}, "columns[1].kind"),
    ({"url": HOME + "a/", "name": "栏目", "update_days": 0}, "columns[1].update_days"),
    ({"url": HOME + "a/", "name": ""}, "columns[1].name"),
    ({"url": HOME + "a/", "name": "栏目", "blank_allowed": True}, "columns[1].blank_reason"),
    ({"url": "http://elsewhere.gov.cn/a/", "name": "栏目"}, "columns[1].url"),
    ({"url": HOME + "news/", "name": "重复"}, "columns[1].url"),
    ({"url": HOME + "a/", "name": "栏目", "colour": "red"}, "columns[1].colour"),
])
def test_bad_column_entries_are_refused_and_write_nothing(db, entry, field):
    org = Org(db)
    site = register(db, org)
    with pytest.raises(InvalidInput) as refused:
        service.confirm_columns(db, org.admin, site, [{"url": HOME + "news/", "name": "动态"}, entry], at=T0)
    assert refused.value.field == field and count(db, SiteColumn) == 0


def test_columns_are_confirmed_by_the_site_administrators_only(db):
    org = Org(db)
    site = register(db, org)
    with pytest.raises(Forbidden):
        service.confirm_columns(db, org.head, site, [{"url": HOME + "news/", "name": "动态"}], at=T0)
    with pytest.raises(InvalidInput):
        service.confirm_columns(db, org.admin, site, [], at=T0)


def test_due_sites(db):
    org = Org(db)
    weekly = register(db, org)
    monthly = register(db, org, url="http://zwgk.example.gov.cn/", inspect_every_days=30)
    stopped = register(db, org, url="http://old.example.gov.cn/")
    service.deactivate(db, org.admin, stopped, reason="已关停", at=T0)
    assert service.due_sites(db, T0) == [weekly, monthly]  # never inspected
    for site in (weekly, monthly):
        service.record_inspection(db, site, result([], site=site.url, texts={site.url: "首页"}), at=T0)
    assert service.due_sites(db, at("2026-03-08 23:00")) == []
    assert service.due_sites(db, at("2026-03-09 01:00")) == [weekly]  # 7 local days later
    assert service.due_sites(db, at("2026-04-01 01:00")) == [weekly, monthly]


# -- the confirmed columns applied to an inspection ------------------------------------------------------------
def columns_result(reports):
    return result([], columns=reports)


def setting(url, name, kind, days, **options):
    return ColumnSetting(url, name, kind, days, **options)


def test_a_confirmed_column_is_judged_by_its_own_frequency():
    table = load_indicators()
    reports = [ColumnReport("工作动态", HOME + "news/", "news", True, TODAY - timedelta(days=20), 8),
               ColumnReport("专题专栏", HOME + "zt/", "other", True, TODAY - timedelta(days=40), 5),
               ColumnReport("友情链接", HOME + "links/", "other", True, None, 30),
               ColumnReport("政策解读", HOME + "jd/", "notice", True, None, 0, blank=True),
               ColumnReport("领导信息", HOME + "ld/", "other", True, None, 0, blank=True)]
    settings = {HOME + "news/": setting(HOME + "news/", "工作动态", "news", 30),
                HOME + "zt/": setting(HOME + "zt/", "专题专栏", "other", 30),
                HOME + "links/": setting(HOME + "links/", "友情链接", "other", 7, monitored=False),
                HOME + "jd/": setting(HOME + "jd/", "政策解读", "notice", 180, blank_allowed=True,
                                      blank_reason="暂无需要解读的政策")}
    applied = apply_column_settings(columns_result(reports), settings, today=TODAY, indicators=table,
                                    has_services=True, is_portal=False)
    found = {(f.checklist_item, f.url) for f in applied.findings}
    assert found == {(COLUMN_UPDATES, HOME + "zt/"), (BLANK_COLUMNS, HOME + "ld/")}
    stale = next(f for f in applied.findings if f.url == HOME + "zt/")
    assert "要求每 30 天更新" in stale.detail and stale.evidence["date"] == (TODAY - timedelta(days=40)).isoformat()
    assert applied.score.total < 100
    # without settings the result is left as inspect_site made it
    untouched = columns_result(reports)
    assert apply_column_settings(untouched, {}, today=TODAY, indicators=table, has_services=True,
                                 is_portal=False) is untouched


def test_five_stale_news_and_notice_columns_are_a_veto_with_the_settings_applied():
    """国办秘函〔2019〕19号 栏目不更新: 5 or more news/notice columns not updated is a single veto."""
    table = load_indicators()
    old = TODAY - timedelta(days=40)
    reports = [ColumnReport(f"动态{i}", f"{HOME}n{i}/", "news", True, old, 5) for i in range(5)]
    settings = {r.url: setting(r.url, r.name, "news", 30) for r in reports[:4]}
    applied = apply_column_settings(columns_result(reports), settings, today=TODAY, indicators=table,
                                    has_services=True, is_portal=False)
    assert [f.checklist_item for f in applied.findings].count(VETO_COLUMNS_STALE) == 1
    assert applied.score.total is None and not applied.score.qualified
    relaxed = {r.url: setting(r.url, r.name, "news", 60) for r in reports}
    applied = apply_column_settings(columns_result(reports), relaxed, today=TODAY, indicators=table,
                                    has_services=True, is_portal=False)
    assert applied.findings == [] and applied.score.qualified
