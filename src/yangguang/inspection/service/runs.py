"""Running inspections: :func:`run_inspection` reads what an inspection needs in one short read
(:func:`plan_inspection`), crawls and scores the site outside any transaction (:func:`inspect_planned`, with the
confirmed columns applied) and records the result in a second transaction; :func:`due_sites` lists the sites
whose interval has passed; :func:`discover_columns` registers the columns of the homepage navigation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yangguang.core.clocks import local_day
from yangguang.core.db import reading, transaction
from yangguang.core.errors import Conflict
from yangguang.core.org import Role
from yangguang.core.validation import aware
from yangguang.disclosure.service.publications import sensitive_words
from yangguang.inspection.checks.availability import Probe as ProbeValue
from yangguang.inspection.codes import Trigger
from yangguang.inspection.column_settings import ColumnSetting, apply_column_settings
from yangguang.inspection.crawl_config import CrawlConfig
from yangguang.inspection.indicators import IndicatorTable, load_indicators
from yangguang.inspection.inspect import InspectionResult, inspect_site
from yangguang.inspection.models import Baseline, Inspection, Site, SiteColumn
from yangguang.inspection.service._common import (
    Actor,
    actor_label,
    check_choice,
    crawl_config,
    get_site,
    person_of,
    require_site_admin,
)
from yangguang.inspection.service.columns import column_settings, save_discovered_columns
from yangguang.inspection.service.inspections import record_inspection
from yangguang.inspection.service.probes import window_probes


def due_sites(session: Session, at: datetime) -> list[Site]:
    """Active sites whose last inspection was ``inspect_every_days`` or more local days before ``at`` (or never)."""
    aware(at)
    last = (select(Inspection.site_id, func.max(Inspection.started_at).label("last"))
            .group_by(Inspection.site_id).subquery())
    rows = session.execute(select(Site, last.c.last).outerjoin(last, last.c.site_id == Site.id)
                           .where(Site.active).order_by(Site.id))
    today = local_day(at)
    return [site for site, moment in rows
            if moment is None or local_day(moment) + timedelta(days=site.inspect_every_days) <= today]


@dataclass
class Plan:
    """What one inspection needs, read in one short transaction."""

    site_id: int
    config: CrawlConfig
    baseline: dict[str, str]
    words: list[str]
    probes: list[ProbeValue]
    settings: dict[str, ColumnSetting]
    has_services: bool
    is_portal: bool
    actor: str


def plan_inspection(session: Session, site: Site | int | str, *, now: datetime, actor: Actor = None,
                    max_pages: int | None = None, max_depth: int | None = None) -> Plan:
    aware(now, "now")
    person = person_of(session, actor)
    site = get_site(session, site)
    if person is not None and not person.has_role(Role.SUPERVISOR):
        require_site_admin(person, site.unit_id, "检查网站")
    if not site.active:
        raise Conflict("site", f"网站“{site.name}”已停止检查")
    baseline = dict(session.execute(select(Baseline.url, Baseline.text).where(Baseline.site_id == site.id)).all())
    return Plan(site.id, crawl_config(site, max_pages=max_pages, max_depth=max_depth), baseline,
                sensitive_words(session, site.unit_id), window_probes(session, site, now), column_settings(site),
                site.has_services, site.is_portal, actor_label(person))


async def inspect_planned(plan: Plan, *, now: datetime, indicators: IndicatorTable | None = None,
                          progress: Callable[[int, int], None] | None = None) -> InspectionResult:
    """Crawl and score a planned inspection (no database access), with the confirmed columns applied."""
    table = indicators or load_indicators()
    result = await inspect_site(plan.config, baseline=plan.baseline, sensitive_words=plan.words, now=now,
                                progress=progress, indicators=table, probes=plan.probes,
                                has_services=plan.has_services, is_portal=plan.is_portal)
    return apply_column_settings(result, plan.settings, today=local_day(now), indicators=table,
                                 has_services=plan.has_services, is_portal=plan.is_portal)


async def run_inspection(site_id: int | str, *, trigger: str = Trigger.MANUAL, actor: Actor = None,
                         now: datetime | None = None, progress: Callable[[int, int], None] | None = None,
                         url: str | None = None) -> Inspection:
    """Inspect one registered site and record it: read (one short transaction), crawl (none), record (another).
    ``now`` is the reference moment of the checks and the moment recorded (default: the real time)."""
    trigger = check_choice(trigger, "trigger", Trigger, "检查方式")
    moment = aware(now, "now") if now is not None else datetime.now(UTC)
    with reading(url) as session:
        plan = plan_inspection(session, site_id, now=moment, actor=actor)
    result = await inspect_planned(plan, now=moment, progress=progress)
    finished = moment if now is not None else datetime.now(UTC)
    with transaction(url) as session:
        return record_inspection(session, plan.site_id, result, trigger=trigger, actor=plan.actor, at=finished)


async def discover_columns(site_id: int | str, *, now: datetime | None = None, url: str | None = None,
                           max_pages: int = 200) -> list[SiteColumn]:
    """Crawl the homepage and the pages it links to (depth 1) and register the navigation's columns not yet
    registered; returns the site's columns."""
    moment = aware(now, "now") if now is not None else datetime.now(UTC)
    with reading(url) as session:
        site = get_site(session, site_id)
        config = crawl_config(site, max_pages=min(max_pages, site.max_pages), max_depth=1)
        config.check_external = False
        site_key = site.id
    result = await inspect_site(config, now=moment, has_services=True)
    with transaction(url) as session:
        site = session.get(Site, site_key)
        save_discovered_columns(session, site, result.columns, at=moment)
        return list(site.columns)
