"""Availability probes stored over a week and the 站点无法访问 veto they feed.

Source: 国办秘函〔2019〕19号 单项否决 站点无法访问 — "monitored for 1 week with at least 20 probes a day, the share of
probes that do not load within 15 seconds reaches 5%". The probes are taken by ``yangguang inspect probe`` (one
GET of each active homepage with the 15-second limit) and judged by every inspection.
"""

from __future__ import annotations

import asyncio
import socket
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import at
from yangguang.core import db as core_db
from yangguang.core.errors import InvalidInput, NotFound
from yangguang.inspection import service
from yangguang.inspection.checklist import VETO_UNREACHABLE
from yangguang.inspection.checks.availability import availability_veto
from yangguang.inspection.checks.findings import INFO, VETO
from yangguang.inspection.models import Probe
from yangguang.supervision.models import Card

from .registry_helpers import Org, problems, register
from .sites import local_site, page

NOW = at("2026-03-09 10:00")
HOME_PAGE = ('<div class="nav"><a href="/news/">工作动态</a></div><ul>'
             + "".join(f'<li><a href="/news/{i}.html">新闻{i}</a> 2026-03-0{i % 8 + 1}</li>' for i in range(10))
             + "</ul><p>欢迎访问某县人民政府门户网站</p>")


def hourly_probes(db, site, *, every_nth_fails: int | None, hours: int = 168, per_hour: int = 1):
    """Probes for ``hours`` hours before NOW; every n-th one did not load."""
    index = 0
    for hour in range(hours):
        for k in range(per_hour):
            index += 1
            failed = every_nth_fails is not None and index % every_nth_fails == 0
            service.record_probe(db, site, at=NOW - timedelta(hours=hour, minutes=30 + k),
                                 seconds=None if failed else 0.4, status=None if failed else 200,
                                 error="超时未能打开" if failed else "")
    db.flush()


def test_a_week_of_stored_probes_with_a_tenth_failing_is_the_veto(db):
    org = Org(db)
    site = register(db, org)
    hourly_probes(db, site, every_nth_fails=10)  # 24 a day for 7 days, 16 of 168 failed (9.5%)
    service.record_probe(db, site, at=NOW - timedelta(days=8), seconds=None)  # outside the week
    probes = service.window_probes(db, site, NOW)
    assert len(probes) == 168
    [veto] = availability_veto(probes, NOW, url=site.url)
    assert (veto.checklist_item, veto.severity) == (VETO_UNREACHABLE, VETO)
    assert veto.evidence["probes"] == 168 and veto.evidence["failed"] == 16


def test_one_failure_in_twenty_five_is_below_the_share(db):
    org = Org(db)
    site = register(db, org)
    hourly_probes(db, site, every_nth_fails=25)  # 6 of 168: 3.6% < 5%
    assert availability_veto(service.window_probes(db, site, NOW), NOW, url=site.url) == []


def test_fewer_than_twenty_probes_a_day_cannot_judge(db):
    org = Org(db)
    site = register(db, org)
    hourly_probes(db, site, every_nth_fails=2, hours=7 * 24, per_hour=1)
    db.execute(Probe.__table__.delete().where(Probe.at < NOW - timedelta(days=6), Probe.at > NOW - timedelta(days=7)))
    [finding] = availability_veto(service.window_probes(db, site, NOW), NOW, url=site.url)
    assert finding.severity == INFO and "监测不足" in finding.detail


def test_an_inspection_judges_the_stored_probes_and_the_veto_raises_a_red_card(db):
    org = Org(db)
    with local_site({"/": page(HOME_PAGE), "/news/": page(HOME_PAGE)}) as web:
        site = register(db, org, url=web.url("/"), max_pages=20)
        hourly_probes(db, site, every_nth_fails=10)
        plan = service.plan_inspection(db, site, now=NOW)
        assert len(plan.probes) == 168
        result = asyncio.run(service.inspect_planned(plan, now=NOW))
    [veto] = [f for f in result.findings if f.checklist_item == VETO_UNREACHABLE]
    assert veto.severity == VETO and result.score.total is None
    service.record_inspection(db, site, result, at=NOW)
    [problem] = [p for p in problems(db, site) if p.checklist_item == VETO_UNREACHABLE]
    assert problem.severity == VETO
    db.flush()
    assert db.scalar(select(Card.level).where(Card.rule_code == "inspection.veto_found")) == "red"


def test_an_inspection_without_enough_probes_says_so(db):
    org = Org(db)
    with local_site({"/": page(HOME_PAGE)}) as web:
        site = register(db, org, url=web.url("/"), max_pages=5)
        plan = service.plan_inspection(db, site, now=NOW)
        result = asyncio.run(service.inspect_planned(plan, now=NOW))
    [finding] = [f for f in result.findings if f.checklist_item == VETO_UNREACHABLE]
    assert finding.severity == INFO


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_probe_once_gets_each_active_homepage_and_stores_the_probe(db_url):
    with local_site({"/": page("<p>首页</p>")}) as up, local_site({"/": page("<p>出错</p>", status=500)}) as down:
        with core_db.transaction(db_url) as session:
            org = Org(session)
            ok = register(session, org, url=up.url("/")).id
            failing = register(session, org, url=down.url("/")).id
            gone = register(session, org, url=f"http://127.0.0.1:{_closed_port()}/").id
            stopped = register(session, org, url="http://127.0.0.1:9/stopped/")
            service.deactivate(session, org.admin, stopped, reason="已关停", at=NOW)
        outcome = {r["site_id"]: r for r in asyncio.run(service.probe_once(at=NOW))}
        assert up.count("/") == 1 and down.count("/") == 1
    assert set(outcome) == {ok, failing, gone}
    assert outcome[ok]["seconds"] is not None and outcome[ok]["status"] == 200
    assert outcome[failing]["seconds"] is None and outcome[failing]["error"] == "HTTP 500"
    assert outcome[gone]["seconds"] is None and outcome[gone]["status"] is None and outcome[gone]["error"]
    with core_db.reading(db_url) as session:
        stored = {p.site_id: p for p in session.scalars(select(Probe))}
        assert set(stored) == {ok, failing, gone} and stored[failing].status == 500
        assert all(p.at == NOW for p in stored.values())
    with pytest.raises(NotFound):
        asyncio.run(service.probe_once(["http://unknown.gov.cn/"]))


@pytest.mark.parametrize(("values", "field"), [({"seconds": -1}, "seconds"), ({"seconds": "fast"}, "seconds"),
                                               ({"seconds": 1.0, "status": 42}, "status")])
def test_bad_probes_are_refused(db, values, field):
    org = Org(db)
    site = register(db, org)
    with pytest.raises(InvalidInput) as refused:
        service.record_probe(db, site, at=NOW, **values)
    assert refused.value.field == field
    db.flush()
    assert db.scalar(select(func.count()).select_from(Probe)) == 0
