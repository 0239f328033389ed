"""The registry of sites (网站登记): registering a government website or new-media account, changing its
registration, and stopping or resuming its inspection."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core.errors import Conflict, InvalidInput, NotFound
from yangguang.core.events import emit
from yangguang.core.org import Unit, get_unit
from yangguang.core.validation import aware, check_text
from yangguang.inspection.codes import SiteKind
from yangguang.inspection.models import Site
from yangguang.inspection.service._common import (
    MAX_NAME,
    MAX_TEXT,
    Actor,
    actor_label,
    check_choice,
    check_flag,
    check_positive,
    check_string_list,
    check_url,
    get_site,
    person_of,
    record,
    require_site_admin,
    scoped_config,
    settings,
    site_event,
)
from yangguang.inspection.service.inspections import withdraw_problems

MAX_PAGES_LIMIT, MAX_EVERY_DAYS = 100_000, 366
SITE_FIELDS = ("name", "url", "kind", "has_services", "is_portal", "scope_hosts", "scope_prefixes",
               "inspect_every_days", "max_pages", "unit")


def _unit(session: Session, unit: Unit | int | str) -> Unit:
    found = unit if isinstance(unit, Unit) else get_unit(session, unit, "unit")
    if not found.active:
        raise NotFound("unit", f"部门 {found.name} 已停用")
    return found


def _field_checks(session: Session) -> dict[str, Callable[[Any], Any]]:
    """The check of each field of :data:`SITE_FIELDS` (``unit`` gives the :class:`Unit`)."""
    return {
        "name": lambda v: check_text(v, "name", "网站名称", max_length=MAX_NAME, required=True),
        "url": check_url,
        "kind": lambda v: check_choice(v, "kind", SiteKind, "网站类型"),
        "has_services": lambda v: check_flag(v, "has_services"),
        "is_portal": lambda v: check_flag(v, "is_portal"),
        "scope_hosts": lambda v: check_string_list(v, "scope_hosts", "抓取范围（主机）"),
        "scope_prefixes": lambda v: check_string_list(v, "scope_prefixes", "抓取范围（路径前缀）"),
        "inspect_every_days": lambda v: check_positive(v, "inspect_every_days", "检查间隔天数", MAX_EVERY_DAYS),
        "max_pages": lambda v: check_positive(v, "max_pages", "每次检查的最多页面数", MAX_PAGES_LIMIT),
        "unit": lambda v: _unit(session, v),
    }


def register_site(session: Session, admin: Actor, *, unit: Unit | int | str, name: str, url: str,
                  kind: str = SiteKind.WEBSITE, has_services: bool = True, is_portal: bool = False,
                  scope_hosts: Sequence[str] | None = None, scope_prefixes: Sequence[str] | None = None,
                  inspect_every_days: int | None = None, max_pages: int | None = None, at: datetime) -> Site:
    """Register a government website or new-media account (one registration per homepage URL)."""
    aware(at)
    person = person_of(session, admin)
    organ = _unit(session, unit)
    require_site_admin(person, organ.id, "登记网站")
    defaults = settings()
    given = {"name": name, "url": url, "kind": kind, "has_services": has_services, "is_portal": is_portal,
             "scope_hosts": scope_hosts, "scope_prefixes": scope_prefixes,
             "inspect_every_days": int(defaults["inspect_every_days"]) if inspect_every_days is None
             else inspect_every_days,
             "max_pages": int(defaults["max_pages"]) if max_pages is None else max_pages}
    checks = _field_checks(session)
    values = {key: checks[key](value) for key, value in given.items()}
    scoped_config(values["url"], values["scope_hosts"], values["scope_prefixes"], max_pages=1)
    existing = session.scalar(select(Site).where(Site.url == values["url"]))
    if existing is not None:
        raise Conflict("url", f"网址 {values['url']} 已登记为“{existing.name}”（编号 {existing.id}）")
    site = Site(unit_id=organ.id, active=True, created_at=at, updated_at=at, **values)
    session.add(site)
    session.flush()
    record(session, actor_label(person), "inspection.site_registered", "inspection_site", site, at,
           unit=organ.code, **values)
    emit(session, site_event(site, "inspection.site_registered", at, person, url=site.url, kind=site.kind))
    return site


def update_site(session: Session, person: Actor, site: Site | int | str, *, at: datetime, **changes: Any) -> Site:
    """Change a site's registration; ``changes`` are fields of :data:`SITE_FIELDS`. All or nothing."""
    aware(at)
    actor = person_of(session, person)
    site = get_site(session, site)
    require_site_admin(actor, site.unit_id, "修改网站登记")
    unknown = sorted(set(changes) - set(SITE_FIELDS))
    if unknown:
        raise InvalidInput(unknown[0], f"不能修改的字段（可修改：{'、'.join(SITE_FIELDS)}）")
    checks = _field_checks(session)
    values = {key: checks[key](value) for key, value in changes.items()}
    if "unit" in values:
        require_site_admin(actor, values["unit"].id, "将网站改由该单位主办")
    url = values.get("url", site.url)
    scoped_config(url, values.get("scope_hosts", site.scope_hosts), values.get("scope_prefixes", site.scope_prefixes),
                  max_pages=1)
    if url != site.url and session.scalar(select(Site.id).where(Site.url == url, Site.id != site.id)):
        raise Conflict("url", f"网址 {url} 已登记为其他网站")
    changed: dict[str, Any] = {}
    for key, value in values.items():
        if key == "unit":
            if value.id != site.unit_id:
                site.unit_id = value.id
                changed["unit"] = value.code
        elif getattr(site, key) != value:
            setattr(site, key, value)
            changed[key] = value
    if changed:
        site.updated_at = at
        record(session, actor_label(actor), "inspection.site_updated", "inspection_site", site, at, **changed)
    return site


def deactivate(session: Session, person: Actor, site: Site | int | str, *, reason: str, at: datetime) -> Site:
    """Stop inspecting a site (closed down, merged, moved to another registration). Its open problems are
    withdrawn and their obligations cancelled; history and scores stay."""
    aware(at)
    actor = person_of(session, person)
    site = get_site(session, site)
    require_site_admin(actor, site.unit_id, "停止检查网站")
    why = check_text(reason, "reason", "停止检查的原因", max_length=MAX_TEXT, required=True)
    if not site.active:
        raise Conflict("site", f"网站“{site.name}”已停止检查")
    site.active = False
    site.updated_at = at
    withdrawn = withdraw_problems(session, site, f"网站已停止检查：{why}", actor_label(actor), at)
    record(session, actor_label(actor), "inspection.site_deactivated", "inspection_site", site, at, reason=why,
           problems_withdrawn=withdrawn)
    emit(session, site_event(site, "inspection.site_deactivated", at, actor, reason=why))
    return site


def reactivate(session: Session, person: Actor, site: Site | int | str, *, at: datetime) -> Site:
    aware(at)
    actor = person_of(session, person)
    site = get_site(session, site)
    require_site_admin(actor, site.unit_id, "恢复检查网站")
    if site.active:
        raise Conflict("site", f"网站“{site.name}”正在检查中")
    site.active = True
    site.updated_at = at
    record(session, actor_label(actor), "inspection.site_reactivated", "inspection_site", site, at)
    return site
