"""Website inspection (网站自查): the registry of sites and columns, stored inspections, availability probes and
the problems they turn into supervised rectification obligations — the only code that changes them.

The rules (国办秘函〔2019〕19号; shared/domain/website-inspection.md):

* Registry. The county's site administrator — a system administrator, or the disclosure office
  (``Role.DISCLOSURE``) of the organ that runs the site — registers each government website and new-media
  account (one registration per homepage URL), names the organ responsible for it and whether it offers
  external services (scored out of 75 × 4/3 without) and is a portal (bonus items). Columns come from the
  navigation (discovered, unconfirmed) or from the administrator, who confirms each one's kind and required
  update frequency (news 14 days, notice/policy 180 days by default: the checklist's 2 weeks and 6 months).
* Inspections. :func:`run_inspection` reads what an inspection needs in one short read, crawls and scores the
  site outside any transaction (:func:`~yangguang.inspection.inspect.inspect_site`), applies the confirmed
  columns (:mod:`yangguang.inspection.column_settings`) and records the result in a second transaction
  (:func:`record_inspection`). :func:`due_sites` lists the sites whose interval has passed (a cron job or a
  systemd timer runs ``yangguang inspect run --due``); the default interval is 7 days: provinces check monthly
  or quarterly and vendors daily, and a weekly inspection judges the 2-week freshness vetoes in time.
* Problems. Every veto and deduction finding is followed across inspections by its fingerprint (the check, the
  checklist item, the severity, the page and the key evidence — the link of a link finding, the date of a
  message). A new one becomes a :class:`Problem` and an obligation ``inspection.problem`` of the site's organ with
  a ``rectify`` clock (working days: 5 for a veto, 15 for a deduction — unverified defaults, ``[inspection]``
  ``rectify_veto_workdays`` / ``rectify_deduction_workdays``). One still found has its ``last_seen`` moved; one no
  longer found is resolved (clock stopped, obligation closed) — but only when the inspection looked where it
  was: nothing is resolved when the homepage could not be checked, and a crawl cut short by ``max_pages``
  resolves only the site-level problems and those of the pages it read (the homepage and column pages).
  The organ reports a fix (:func:`report_fixed`: the clock pauses until the next inspection verifies; found
  again, the problem reopens and the clock runs on); the site administrator dismisses a false positive with a
  reason (:func:`dismiss`: a dismissed fingerprint is never raised again). Findings of indicators a site is not
  scored on (services of a site without services) and informational findings are stored, not followed.
* Availability. :func:`probe_once` GETs every active homepage once with the 15-second limit and stores the
  probe; the 站点无法访问 veto needs at least 20 a day for a week, so run ``yangguang inspect probe`` at least every
  72 minutes (every 30 minutes: 48 a day). Every inspection judges the probes of the 7 days before it.
* Baselines. The visible text of the homepage (and of pages already baselined) is stored after each
  inspection for the next one's tampering check — except a page found changed beyond the threshold, whose old
  baseline stays until the problem is settled.

Every function takes the session, the acting person (a :class:`Person`, a login, or ``None`` for the platform's
operator: the command line on the server and the scheduler) and the moment ``at``. None commits.

Events (``data`` always has ``site`` and ``site_id``):

* ``inspection.completed`` (subject ``inspection_site``) — inspection_id, score, qualified, vetoes (count),
  new_problems, resolved_problems, breach (one per spell of unqualified inspections)
* ``inspection.problem_found`` (subject ``inspection_problem``) — severity, checklist_item, item_name, url, detail
* ``inspection.problem_reported`` / ``inspection.problem_reopened`` / ``inspection.problem_resolved`` /
  ``inspection.problem_dismissed`` — checklist_item, severity (and note / reason)
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yangguang.core import audit
from yangguang.core.clocks import (
    Clock,
    ClockState,
    ClockUnit,
    Obligation,
    ObligationState,
    close_obligation,
    local_day,
    open_obligation,
    pause_clock,
    resume_clock,
    start_clock,
)
from yangguang.core.db import reading, transaction
from yangguang.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from yangguang.core.events import Event, emit
from yangguang.core.org import SYSTEM_ACTOR, Person, Role, Unit, get_person, get_unit
from yangguang.core.settings import config_section
from yangguang.disclosure.service.publications import sensitive_words
from yangguang.inspection.checklist import BY_CODE
from yangguang.inspection.checks.availability import SLOW_SECONDS, WINDOW
from yangguang.inspection.checks.availability import Probe as ProbeValue
from yangguang.inspection.checks.findings import DEDUCTION, INFO, VETO, Finding
from yangguang.inspection.codes import (
    LIVE_PROBLEM_STATES,
    PROBLEM_STATE_LABELS,
    ColumnKind,
    ProblemState,
    SiteKind,
    Trigger,
)
from yangguang.inspection.column_settings import ColumnSetting, apply_column_settings
from yangguang.inspection.crawl_config import DEFAULT_USER_AGENT, CrawlConfig
from yangguang.inspection.indicators import IndicatorTable, load_indicators
from yangguang.inspection.inspect import ColumnReport, InspectionResult, inspect_site
from yangguang.inspection.models import (
    URL_LENGTH,
    Baseline,
    Inspection,
    InspectionFinding,
    Probe,
    Problem,
    Site,
    SiteColumn,
)
from yangguang.inspection.urls import normalise

PROBLEM_OBLIGATION = "inspection.problem"
RECTIFY_CLOCK = "rectify"
SUBJECT_SITE = "inspection_site"
SUBJECT_PROBLEM = "inspection_problem"
COMPLETED = "inspection.completed"
PROBLEM_FOUND = "inspection.problem_found"
PROBLEM_REPORTED = "inspection.problem_reported"
PROBLEM_REOPENED = "inspection.problem_reopened"
PROBLEM_RESOLVED = "inspection.problem_resolved"
PROBLEM_DISMISSED = "inspection.problem_dismissed"
OPERATOR = SYSTEM_ACTOR
PAUSE_REPORTED = "reported"

DEFAULTS: dict[str, Any] = {
    "inspect_every_days": 7,
    "max_pages": 1000,
    "concurrency": 8,
    "rectify_veto_workdays": 5,
    "rectify_deduction_workdays": 15,
    "news_update_days": 14,
    "notice_update_days": 180,
    "other_update_days": 365,
    "probe_timeout_seconds": SLOW_SECONDS,
    "probe_concurrency": 8,
}
# Checks judged over the whole site: a crawl cut short by max_pages still judged them.
SITE_LEVEL_CHECKS = frozenset({"availability.homepage", "availability.probes", "freshness.homepage",
                               "freshness.columns", "columns.blank", "services.online", "messages.channel",
                               "transport.https", "transport.redirect"})
_VETO_SITE_CHECKS = frozenset({"freshness.columns", "columns.blank"})  # their page is only the first column named
MAX_NAME, MAX_TEXT = 200, 2000
MAX_PAGES_LIMIT, MAX_EVERY_DAYS, MAX_UPDATE_DAYS = 100_000, 366, 3660


def settings() -> dict[str, Any]:
    """``[inspection]`` with its defaults (values unverified, configurable)."""
    return {**DEFAULTS, **config_section("inspection")}


# -- small helpers ------------------------------------------------------------------------------------
Actor = Person | str | None


def aware(at: datetime, field: str = "at") -> datetime:
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise InvalidInput(field, "时间必须是带时区的日期时间")
    return at


def _person(session: Session, actor: Actor, field: str = "actor") -> Person | None:
    """The acting person; None stands for the platform's operator (command line, scheduler)."""
    if actor is None:
        return None
    if isinstance(actor, Person):
        if not actor.active:
            raise NotFound(field, f"人员 {actor.login!r} 已停用")
        return actor
    return get_person(session, actor, field)


def actor_label(person: Person | None) -> str:
    return person.login if person is not None else OPERATOR


def _require_site_admin(person: Person | None, unit_id: int, what: str) -> None:
    """The site administrators: system administrators, and the disclosure office of the organ."""
    if person is None or person.has_role(Role.ADMIN):
        return
    if person.has_role(Role.DISCLOSURE) and person.unit_id == unit_id:
        return
    raise Forbidden("actor", f"{person.label} 无权{what}（须由系统管理员或该网站主办单位的政务公开办办理）")


def _text(value: object, field: str, label: str, *, max_length: int = MAX_NAME, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(field, f"{label}应为文本")
    value = value.strip()
    if required and not value:
        raise InvalidInput(field, f"{label}不能为空")
    if len(value) > max_length:
        raise InvalidInput(field, f"{label}不能超过 {max_length} 个字符")
    return value


def _flag(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(field, f"应为 true 或 false，输入值为 {value!r}")
    return value


def _positive(value: object, field: str, label: str, maximum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= maximum:
        raise InvalidInput(field, f"{label}应为 1 到 {maximum} 之间的整数，输入值为 {value!r}")
    return value


def _choice(value: object, field: str, choices: type[SiteKind] | type[ColumnKind] | type[Trigger],
            label: str) -> str:
    known = [c.value for c in choices]
    if value not in known:
        raise InvalidInput(field, f"未知的{label} {value!r}（可选：{'、'.join(known)}）")
    return str(value)


def _url(value: object, field: str = "url") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(field, "网址不能为空")
    try:
        url = normalise(value)
    except InvalidInput as exc:
        raise InvalidInput(field, exc.reason) from exc
    if len(url) > URL_LENGTH:
        raise InvalidInput(field, f"网址不能超过 {URL_LENGTH} 个字符")
    return url


def _string_list(value: object, field: str, label: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidInput(field, f"{label}应为列表")
    items = []
    for entry in value:
        if not isinstance(entry, str) or not entry.strip():
            raise InvalidInput(field, f"{label}中的每一项都应为非空文本")
        items.append(entry.strip())
    return items


def crawl_config(site: Site, *, max_pages: int | None = None, max_depth: int | None = None) -> CrawlConfig:
    """The crawl of a registered site (raises :class:`InvalidInput` naming the site's fields)."""
    try:
        return CrawlConfig(site.url, scope_hosts=list(site.scope_hosts) or None,
                           scope_prefixes=list(site.scope_prefixes) or ["/"],
                           max_pages=max_pages or site.max_pages, max_depth=max_depth,
                           concurrency=int(settings()["concurrency"]))
    except InvalidInput as exc:
        raise InvalidInput({"start_url": "url"}.get(exc.field, exc.field), exc.reason) from exc


def _record(session: Session, actor: str, action: str, entity: str, entity_id: object, at: datetime,
            **data: Any) -> None:
    audit.record(session, actor=actor, action=action, entity=entity, entity_id=entity_id, data=data, at=at)


def _site_event(site: Site, type_: str, at: datetime, person: Person | None = None, **data: Any) -> Event:
    return Event(type=type_, subject=SUBJECT_SITE, subject_id=str(site.id), unit_id=site.unit_id,
                 person_id=person.id if person else None, data={"site": site.name, "site_id": site.id, **data}, at=at)


def _problem_event(problem: Problem, site: Site, type_: str, at: datetime, **data: Any) -> Event:
    return Event(type=type_, subject=SUBJECT_PROBLEM, subject_id=str(problem.id), unit_id=problem.unit_id,
                 obligation_id=problem.obligation_id,
                 data={"site": site.name, "site_id": site.id, "checklist_item": problem.checklist_item,
                       "item_name": item_name(problem.checklist_item), "severity": problem.severity,
                       "url": problem.url, "detail": problem.detail, **data}, at=at)


def item_name(code: str) -> str:
    found = BY_CODE.get(code)
    return found.name if found else code


# -- sites ------------------------------------------------------------------------------------------------
def get_site(session: Session, ref: Site | int | str, field: str = "site") -> Site:
    """A site by id (an integer or its digits) or by homepage URL."""
    if isinstance(ref, Site):
        return ref
    site = None
    if isinstance(ref, int) and not isinstance(ref, bool):
        site = session.get(Site, ref)
    elif isinstance(ref, str) and ref.strip().isdigit():
        site = session.get(Site, int(ref.strip()))
    elif isinstance(ref, str) and ref.strip():
        try:
            url = normalise(ref)
        except InvalidInput as exc:
            raise InvalidInput(field, f"应为网站编号或首页网址：{exc.reason}") from exc
        site = session.scalar(select(Site).where(Site.url == url))
    if site is None:
        raise NotFound(field, f"网站 {ref!r} 未登记")
    return site


def _site(session: Session, site: Site | int | str) -> Site:
    return get_site(session, site)


def _unit(session: Session, unit: Unit | int | str) -> Unit:
    found = unit if isinstance(unit, Unit) else get_unit(session, unit, "unit")
    if not found.active:
        raise NotFound("unit", f"部门 {found.name} 已停用")
    return found


def _check_scope(url: str, hosts: list[str], prefixes: list[str]) -> None:
    try:
        CrawlConfig(url, scope_hosts=hosts or None, scope_prefixes=prefixes or ["/"], max_pages=1)
    except InvalidInput as exc:
        raise InvalidInput({"start_url": "url"}.get(exc.field, exc.field), exc.reason) from exc


def register_site(session: Session, admin: Actor, *, unit: Unit | int | str, name: str, url: str,
                  kind: str = SiteKind.WEBSITE, has_services: bool = True, is_portal: bool = False,
                  scope_hosts: Sequence[str] | None = None, scope_prefixes: Sequence[str] | None = None,
                  inspect_every_days: int | None = None, max_pages: int | None = None, at: datetime) -> Site:
    """Register a government website or new-media account (one registration per homepage URL)."""
    aware(at)
    person = _person(session, admin)
    organ = _unit(session, unit)
    _require_site_admin(person, organ.id, "登记网站")
    defaults = settings()
    values = {
        "name": _text(name, "name", "网站名称"),
        "url": _url(url),
        "kind": _choice(kind, "kind", SiteKind, "网站类型"),
        "has_services": _flag(has_services, "has_services"),
        "is_portal": _flag(is_portal, "is_portal"),
        "scope_hosts": _string_list(scope_hosts, "scope_hosts", "抓取范围（主机）"),
        "scope_prefixes": _string_list(scope_prefixes, "scope_prefixes", "抓取范围（路径前缀）"),
        "inspect_every_days": _positive(inspect_every_days if inspect_every_days is not None
                                        else int(defaults["inspect_every_days"]), "inspect_every_days",
                                        "检查间隔天数", MAX_EVERY_DAYS),
        "max_pages": _positive(max_pages if max_pages is not None else int(defaults["max_pages"]), "max_pages",
                               "每次检查的最多页面数", MAX_PAGES_LIMIT),
    }
    _check_scope(values["url"], values["scope_hosts"], values["scope_prefixes"])
    existing = session.scalar(select(Site).where(Site.url == values["url"]))
    if existing is not None:
        raise Conflict("url", f"网址 {values['url']} 已登记为“{existing.name}”（编号 {existing.id}）")
    site = Site(unit_id=organ.id, active=True, created_at=at, updated_at=at, **values)
    session.add(site)
    session.flush()
    _record(session, actor_label(person), "inspection.site_registered", "inspection_site", site, at,
            unit=organ.code, **values)
    emit(session, _site_event(site, "inspection.site_registered", at, person, url=site.url, kind=site.kind))
    return site


SITE_FIELDS = ("name", "url", "kind", "has_services", "is_portal", "scope_hosts", "scope_prefixes",
               "inspect_every_days", "max_pages", "unit")


def update_site(session: Session, person: Actor, site: Site | int | str, *, at: datetime, **changes: Any) -> Site:
    """Change a site's registration; ``changes`` are fields of :data:`SITE_FIELDS`. All or nothing."""
    aware(at)
    actor = _person(session, person)
    site = _site(session, site)
    _require_site_admin(actor, site.unit_id, "修改网站登记")
    unknown = sorted(set(changes) - set(SITE_FIELDS))
    if unknown:
        raise InvalidInput(unknown[0], f"不能修改的字段（可修改：{'、'.join(SITE_FIELDS)}）")
    checks: dict[str, Callable[[Any], Any]] = {
        "name": lambda v: _text(v, "name", "网站名称"),
        "url": _url,
        "kind": lambda v: _choice(v, "kind", SiteKind, "网站类型"),
        "has_services": lambda v: _flag(v, "has_services"),
        "is_portal": lambda v: _flag(v, "is_portal"),
        "scope_hosts": lambda v: _string_list(v, "scope_hosts", "抓取范围（主机）"),
        "scope_prefixes": lambda v: _string_list(v, "scope_prefixes", "抓取范围（路径前缀）"),
        "inspect_every_days": lambda v: _positive(v, "inspect_every_days", "检查间隔天数", MAX_EVERY_DAYS),
        "max_pages": lambda v: _positive(v, "max_pages", "每次检查的最多页面数", MAX_PAGES_LIMIT),
        "unit": lambda v: _unit(session, v),
    }
    values = {key: checks[key](value) for key, value in changes.items()}
    if "unit" in values:
        _require_site_admin(actor, values["unit"].id, "将网站改由该单位主办")
    url = values.get("url", site.url)
    _check_scope(url, values.get("scope_hosts", site.scope_hosts), values.get("scope_prefixes", site.scope_prefixes))
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
        _record(session, actor_label(actor), "inspection.site_updated", "inspection_site", site, at, **changed)
    return site


def _withdraw_problems(session: Session, site: Site, reason: str, actor: str, at: datetime) -> int:
    live = session.scalars(select(Problem).where(Problem.site_id == site.id,
                                                 Problem.state.in_(LIVE_PROBLEM_STATES))).all()
    for problem in live:
        problem.state = ProblemState.WITHDRAWN
        problem.dismiss_reason = reason
        problem.dismissed_at, problem.dismissed_by = at, actor
        _close(session, problem, at, actor, ObligationState.CANCELLED)
        _record(session, actor, "inspection.problem_withdrawn", SUBJECT_PROBLEM, problem, at, reason=reason)
    return len(live)


def deactivate(session: Session, person: Actor, site: Site | int | str, *, reason: str, at: datetime) -> Site:
    """Stop inspecting a site (closed down, merged, moved to another registration). Its open problems are
    withdrawn and their obligations cancelled; history and scores stay."""
    aware(at)
    actor = _person(session, person)
    site = _site(session, site)
    _require_site_admin(actor, site.unit_id, "停止检查网站")
    why = _text(reason, "reason", "停止检查的原因", max_length=MAX_TEXT)
    if not site.active:
        raise Conflict("site", f"网站“{site.name}”已停止检查")
    site.active = False
    site.updated_at = at
    withdrawn = _withdraw_problems(session, site, f"网站已停止检查：{why}", actor_label(actor), at)
    _record(session, actor_label(actor), "inspection.site_deactivated", "inspection_site", site, at, reason=why,
            problems_withdrawn=withdrawn)
    emit(session, _site_event(site, "inspection.site_deactivated", at, actor, reason=why))
    return site


def reactivate(session: Session, person: Actor, site: Site | int | str, *, at: datetime) -> Site:
    aware(at)
    actor = _person(session, person)
    site = _site(session, site)
    _require_site_admin(actor, site.unit_id, "恢复检查网站")
    if site.active:
        raise Conflict("site", f"网站“{site.name}”正在检查中")
    site.active = True
    site.updated_at = at
    _record(session, actor_label(actor), "inspection.site_reactivated", "inspection_site", site, at)
    return site


# -- columns ------------------------------------------------------------------------------------------------
def default_update_days(kind: str) -> int:
    """The required frequency of a column kind: 14 days for news, 180 for notices and policies (国办秘函〔2019〕19号:
    2 weeks, 6 months), ``other_update_days`` otherwise; ``[inspection]`` overrides them."""
    values = settings()
    return int(values[{ColumnKind.NEWS: "news_update_days", ColumnKind.NOTICE: "notice_update_days"}.get(
        kind, "other_update_days")])


def _column_kind(kind: str) -> str:
    return kind if kind in {k.value for k in ColumnKind} else ColumnKind.OTHER.value


def save_discovered_columns(session: Session, site: Site, columns: Iterable[ColumnReport | Mapping[str, Any]], *,
                            at: datetime, actor: str = OPERATOR) -> list[SiteColumn]:
    """Register the columns found in the navigation that are not registered yet (unconfirmed, with the default
    frequency of their kind). Returns the new ones."""
    aware(at)
    known = {column.url: column for column in site.columns}
    added = []
    for column in columns:
        data = column.to_dict() if isinstance(column, ColumnReport) else dict(column)
        url, name = str(data.get("url") or ""), str(data.get("name") or "").strip()[:100]
        if not url or url in known or len(url) > URL_LENGTH or not name:
            continue
        kind = _column_kind(str(data.get("kind") or ""))
        row = SiteColumn(site_id=site.id, name=name, url=url, kind=kind, update_days=default_update_days(kind),
                         discovered=True, confirmed=False, monitored=True, blank_allowed=False, blank_reason="",
                         created_at=at, updated_at=at)
        site.columns.append(row)
        known[url] = row
        added.append(row)
    if added:
        session.flush()
        _record(session, actor, "inspection.columns_discovered", "inspection_site", site, at,
                columns=[{"name": c.name, "url": c.url, "kind": c.kind} for c in added])
    return added


_COLUMN_KEYS = ("url", "name", "kind", "update_days", "confirmed", "monitored", "blank_allowed", "blank_reason")


def _column_entry(entry: Mapping[str, Any], index: int, existing: SiteColumn | None) -> dict[str, Any]:
    prefix = f"columns[{index}]"
    unknown = sorted(set(entry) - set(_COLUMN_KEYS))
    if unknown:
        raise InvalidInput(f"{prefix}.{unknown[0]}", f"未知的栏目字段（可用：{'、'.join(_COLUMN_KEYS)}）")
    values: dict[str, Any] = {}
    name = entry.get("name", existing.name if existing else None)
    values["name"] = _text(name, f"{prefix}.name", "栏目名称", max_length=100)
    kind = entry.get("kind", existing.kind if existing else ColumnKind.OTHER.value)
    values["kind"] = _choice(kind, f"{prefix}.kind", ColumnKind, "栏目类型")
    days = entry.get("update_days")
    if days is None:
        days = existing.update_days if existing is not None and "kind" not in entry else default_update_days(
            values["kind"])
    values["update_days"] = _positive(days, f"{prefix}.update_days", "更新频率（天）", MAX_UPDATE_DAYS)
    for key, default in (("confirmed", True), ("monitored", True), ("blank_allowed", False)):
        values[key] = _flag(entry.get(key, default), f"{prefix}.{key}")
    values["blank_reason"] = _text(entry.get("blank_reason", ""), f"{prefix}.blank_reason", "空白说明",
                                   max_length=300, required=False)
    if values["blank_allowed"] and not values["blank_reason"]:
        raise InvalidInput(f"{prefix}.blank_reason", "允许栏目空白须写明原因（检查指标：空白栏目须说明原因）")
    return values


def confirm_columns(session: Session, person: Actor, site: Site | int | str, entries: Iterable[Mapping[str, Any]], *,
                    at: datetime) -> list[SiteColumn]:
    """Set columns by URL — ``{url, name, kind, update_days, confirmed, monitored, blank_allowed, blank_reason}``;
    an unknown URL adds a column. ``confirmed`` defaults to true; ``monitored`` false says the link is not a column
    (a link list, a service entry). All entries are checked before any is written."""
    aware(at)
    actor = _person(session, person)
    site = _site(session, site)
    _require_site_admin(actor, site.unit_id, "确认栏目")
    if isinstance(entries, Mapping | str) or not isinstance(entries, Iterable):
        raise InvalidInput("columns", "栏目应为列表")
    entries = list(entries)
    if not entries:
        raise InvalidInput("columns", "没有要确认的栏目")
    known = {column.url: column for column in site.columns}
    planned: list[tuple[SiteColumn | None, dict[str, Any]]] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise InvalidInput(f"columns[{index}]", "每个栏目应为一个对象")
        url = _url(entry.get("url"), f"columns[{index}].url")
        if url in seen:
            raise InvalidInput(f"columns[{index}].url", f"栏目网址 {url} 重复")
        seen.add(url)
        existing = known.get(url)
        values = _column_entry(entry, index, existing)
        if existing is None:
            _check_column_scope(site, url, f"columns[{index}].url")
        planned.append((existing, {"url": url, **values}))
    saved = []
    for existing, values in planned:
        if existing is None:
            existing = SiteColumn(site_id=site.id, discovered=False, created_at=at, **values, updated_at=at)
            site.columns.append(existing)
        else:
            for key, value in values.items():
                setattr(existing, key, value)
            existing.updated_at = at
        saved.append(existing)
    session.flush()
    _record(session, actor_label(actor), "inspection.columns_confirmed", "inspection_site", site, at,
            columns=[{key: values[key] for key in ("url", "name", "kind", "update_days", "confirmed", "monitored",
                                                   "blank_allowed")} for _, values in planned])
    return saved


def _check_column_scope(site: Site, url: str, field: str) -> None:
    config = crawl_config(site, max_pages=1)
    if not config.scope.contains(url):
        raise InvalidInput(field, f"栏目网址 {url} 不在网站“{site.name}”的抓取范围内")


def column_settings(site: Site) -> dict[str, ColumnSetting]:
    """The confirmed columns' settings by URL."""
    return {c.url: ColumnSetting(c.url, c.name, c.kind, c.update_days, c.monitored, c.blank_allowed, c.blank_reason)
            for c in site.columns if c.confirmed}


# -- inspections and problems ---------------------------------------------------------------------------------
def fingerprint(check: str, checklist_item: str, severity: str, url: str, evidence: Mapping[str, Any]) -> str:
    """What identifies one problem across inspections: the check, the item, the severity, the page (none for the
    column vetoes, whose page is only the first column named) and the key evidence (a link's target, a
    message's date and text)."""
    place = "" if severity == VETO and check in _VETO_SITE_CHECKS else url
    key = str(evidence.get("link") or "")
    if check.startswith("messages."):
        key = f"{evidence.get('date', '')}|{str(evidence.get('excerpt', ''))[:60]}"
    text = "\x1f".join((check, checklist_item, severity, place, key))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def finding_fingerprint(finding: Finding) -> str:
    return fingerprint(finding.check, finding.checklist_item, finding.severity, finding.url, finding.evidence)


@dataclass(frozen=True)
class Coverage:
    """Where an inspection looked: which problems not found again it may resolve."""

    homepage_checked: bool
    complete: bool  # the crawl was not cut short by max_pages
    probes_judged: bool
    pages: frozenset[str]

    def covers(self, problem: Problem) -> bool:
        if problem.check == "availability.probes":
            return self.probes_judged
        if not self.homepage_checked:
            return problem.check == "availability.homepage"
        return self.complete or problem.check in SITE_LEVEL_CHECKS or problem.url in self.pages


def coverage(result: InspectionResult) -> Coverage:
    unreachable = any(f.check == "availability.homepage" and f.severity in (DEDUCTION, INFO)
                      and "seconds" not in f.evidence for f in result.findings)
    homepage_checked = bool(result.texts) and not unreachable
    probes_judged = not any(f.check == "availability.probes" and f.severity == INFO for f in result.findings)
    pages = frozenset({result.site, *result.texts, *(c.url for c in result.columns if c.fetched)})
    return Coverage(homepage_checked, homepage_checked and not result.skipped.get("max_pages", 0), probes_judged,
                    pages)


def _rectify_days(severity: str) -> int:
    values = settings()
    key = "rectify_veto_workdays" if severity == VETO else "rectify_deduction_workdays"
    return _positive(int(values[key]), f"inspection.{key}", "整改时限（工作日）", 365)


def _problem_title(site: Site, problem: Problem) -> str:
    label = "单项否决" if problem.severity == VETO else "扣分"
    return f"{site.name}整改（{label}·{item_name(problem.checklist_item)}）：{problem.detail}"[:300]


def _close(session: Session, problem: Problem, at: datetime, actor: str, state: ObligationState) -> None:
    if problem.obligation_id is None:
        return
    obligation = session.get(Obligation, problem.obligation_id)
    if obligation is not None and obligation.state == ObligationState.OPEN:
        close_obligation(session, obligation, at=at, actor=actor, state=state)


def _rectify_clock(session: Session, problem: Problem) -> Clock | None:
    if problem.obligation_id is None:
        return None
    return session.scalar(select(Clock).where(Clock.obligation_id == problem.obligation_id,
                                              Clock.kind == RECTIFY_CLOCK))


def _spell_start(session: Session, site: Site, inspection: Inspection) -> int:
    """The first inspection of the current run of unqualified ones (one card per run)."""
    last_good = session.scalar(select(func.max(Inspection.started_at)).where(
        Inspection.site_id == site.id, Inspection.qualified, Inspection.id != inspection.id,
        Inspection.started_at <= inspection.started_at))
    query = select(func.min(Inspection.id)).where(Inspection.site_id == site.id, ~Inspection.qualified,
                                                  Inspection.started_at <= inspection.started_at)
    if last_good is not None:
        query = query.where(Inspection.started_at > last_good)
    return session.scalar(query) or inspection.id


def _summary(result: InspectionResult) -> dict[str, Any]:
    report = result.score
    return {
        "site": result.site,
        "deduction_score": str(report.deduction_score),
        "bonus": str(report.bonus),
        "has_services": report.has_services,
        "is_portal": report.is_portal,
        "bonus_items": [{"name": b.name, "points": str(b.points), "reason": b.reason} for b in report.bonus_items],
        "columns": [column.to_dict() for column in result.columns],
        "findings": {severity: sum(1 for f in result.findings if f.severity == severity)
                     for severity in (VETO, DEDUCTION, INFO)},
        "crawl": {"elapsed": round(result.elapsed, 3), "skipped": dict(result.skipped),
                  "errors": len(result.errors),
                  "first_errors": [{"url": url, "error": error} for url, error in result.errors[:20]]},
    }


def _deductions(result: InspectionResult) -> list[dict[str, Any]]:
    return [{"indicator": e.code, "name": e.name, "block": e.block, "occurrences": e.occurrences,
             "per_occurrence": str(e.per_occurrence), "cap": str(e.cap), "points": str(e.points), "scored": e.scored}
            for e in result.score.deductions if e.findings]


def _save_baselines(session: Session, site: Site, result: InspectionResult, at: datetime) -> int:
    changed = {f.url for f in result.findings if f.check == "tampering.baseline"}
    texts = {url: text for url, text in result.texts.items() if url not in changed and len(url) <= URL_LENGTH}
    if not texts:
        return 0
    stored = {b.url: b for b in session.scalars(select(Baseline).where(Baseline.site_id == site.id,
                                                                         Baseline.url.in_(list(texts))))}
    saved = 0
    for url, text in texts.items():
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        row = stored.get(url)
        if row is None:
            session.add(Baseline(site_id=site.id, url=url, text=text, sha256=digest, at=at))
        elif row.sha256 != digest:
            row.text, row.sha256, row.at = text, digest, at
        else:
            continue
        saved += 1
    return saved


def record_inspection(session: Session, site: Site | int | str, result: InspectionResult, *,
                      trigger: str = Trigger.MANUAL, actor: str = OPERATOR, at: datetime | None = None) -> Inspection:
    """Store an inspection of ``site`` and follow its problems (see the module docstring); ``at`` is when it
    finished (default: the result's reference moment). Returns the stored inspection."""
    site = _site(session, site)
    trigger = _choice(trigger, "trigger", Trigger, "检查方式")
    at = aware(at or result.inspected_at)
    started = aware(result.inspected_at, "inspected_at")
    report = result.score
    inspection = Inspection(
        site_id=site.id, started_at=started, finished_at=at, trigger=trigger, actor=actor,
        pages_checked=result.pages_checked, links_checked=result.links_checked,
        broken_count=len(result.broken_links), score=report.total, qualified=report.qualified,
        vetoes=[finding.to_dict() for finding in result.vetoes], deductions=_deductions(result),
        summary=_summary(result))
    session.add(inspection)
    session.flush()

    unscored = {entry.code for entry in report.deductions if not entry.scored}
    rows: list[InspectionFinding] = []
    groups: dict[str, Finding] = {}
    for finding in result.findings:
        digest = finding_fingerprint(finding)
        rows.append(InspectionFinding(inspection_id=inspection.id, check=finding.check,
                                      checklist_item=finding.checklist_item, url=finding.url[:URL_LENGTH],
                                      severity=finding.severity, detail=finding.detail,
                                      evidence=dict(finding.evidence), fingerprint=digest))
        if finding.severity in (VETO, DEDUCTION) and finding.checklist_item not in unscored:
            groups.setdefault(digest, finding)
    session.add_all(rows)

    known: dict[str, Problem] = {}
    for problem in session.scalars(select(Problem).where(
            Problem.site_id == site.id,
            Problem.state.in_([*LIVE_PROBLEM_STATES, ProblemState.DISMISSED])).order_by(Problem.id)):
        if problem.state != ProblemState.DISMISSED or problem.fingerprint not in known:
            known[problem.fingerprint] = problem

    new: list[Problem] = []
    reopened: list[Problem] = []
    problem_of: dict[str, Problem] = {}
    for digest, finding in groups.items():
        problem = known.get(digest)
        if problem is None:
            problem = Problem(site_id=site.id, unit_id=site.unit_id, inspection_id=inspection.id,
                              last_seen_inspection_id=inspection.id, check=finding.check,
                              checklist_item=finding.checklist_item, url=finding.url[:URL_LENGTH],
                              severity=finding.severity, detail=finding.detail, evidence=dict(finding.evidence),
                              fingerprint=digest, state=ProblemState.OPEN, found_at=at, last_seen_at=at,
                              report_note="", dismiss_reason="")
            session.add(problem)
            new.append(problem)
        else:
            problem.last_seen_inspection_id, problem.last_seen_at = inspection.id, at
            problem.detail, problem.evidence = finding.detail, dict(finding.evidence)
            if problem.state == ProblemState.REPORTED:
                reopened.append(problem)
        problem_of[digest] = problem
    session.flush()

    obligations = []
    for problem in new:
        obligation = open_obligation(session, kind=PROBLEM_OBLIGATION, subject=SUBJECT_PROBLEM,
                                     subject_id=problem.id, title=_problem_title(site, problem),
                                     unit_id=problem.unit_id, at=at, actor=actor)
        start_clock(session, obligation, kind=RECTIFY_CLOCK, unit=ClockUnit.WORKDAYS,
                    limit=_rectify_days(problem.severity), start_at=at, actor=actor)
        obligations.append(obligation)
    session.flush()
    for problem, obligation in zip(new, obligations, strict=True):
        problem.obligation_id = obligation.id
        _record(session, actor, "inspection.problem_found", SUBJECT_PROBLEM, problem, at,
                inspection_id=inspection.id, severity=problem.severity, checklist_item=problem.checklist_item,
                url=problem.url, fingerprint=problem.fingerprint)
    for row in rows:
        found = problem_of.get(row.fingerprint)
        if found is not None:
            row.problem_id = found.id

    for problem in reopened:
        problem.state = ProblemState.OPEN
        clock = _rectify_clock(session, problem)
        if clock is not None and clock.state == ClockState.PAUSED:
            resume_clock(session, clock, at=at, actor=actor)
        _record(session, actor, "inspection.problem_reopened", SUBJECT_PROBLEM, problem, at,
                inspection_id=inspection.id)

    seen = set(problem_of)
    scope = coverage(result)
    resolved: list[Problem] = []
    for problem in known.values():
        if problem.state in LIVE_PROBLEM_STATES and problem.fingerprint not in seen and scope.covers(problem):
            problem.state = ProblemState.RESOLVED
            problem.resolved_at, problem.resolved_inspection_id = at, inspection.id
            _close(session, problem, at, actor, ObligationState.DONE)
            _record(session, actor, "inspection.problem_resolved", SUBJECT_PROBLEM, problem, at,
                    inspection_id=inspection.id)
            resolved.append(problem)

    inspection.summary = {**inspection.summary, "problems": {
        "new": len(new), "still_found": len(groups) - len(new), "reopened": len(reopened),
        "resolved": len(resolved)}}
    discovered = save_discovered_columns(session, site, result.columns, at=at, actor=actor)
    baselines = _save_baselines(session, site, result, at)
    session.flush()
    _record(session, actor, "inspection.recorded", "inspection", inspection, at, site_id=site.id, trigger=trigger,
            score=report.total, qualified=report.qualified, vetoes=len(result.vetoes),
            findings=len(result.findings), new_problems=len(new), resolved_problems=len(resolved),
            reopened_problems=len(reopened), columns_discovered=len(discovered), baselines=baselines)

    for problem in new:
        emit(session, _problem_event(problem, site, PROBLEM_FOUND, at, inspection_id=inspection.id))
    for problem in reopened:
        emit(session, _problem_event(problem, site, PROBLEM_REOPENED, at, inspection_id=inspection.id,
                                     note=problem.report_note))
    for problem in resolved:
        emit(session, _problem_event(problem, site, PROBLEM_RESOLVED, at, inspection_id=inspection.id))
    breach = None
    if not report.qualified:
        breach = f"inspection_site:{site.id}:unqualified:{_spell_start(session, site, inspection)}"
    emit(session, _site_event(site, COMPLETED, at, None, inspection_id=inspection.id,
                              score=None if report.total is None else str(report.total),
                              qualified=report.qualified, vetoes=len(result.vetoes), new_problems=len(new),
                              resolved_problems=len(resolved), breach=breach))
    return inspection


def get_problem(session: Session, problem_id: int) -> Problem:
    problem = session.get(Problem, problem_id) if isinstance(problem_id, int) else None
    if problem is None:
        raise NotFound("problem", f"问题 {problem_id!r} 不存在")
    return problem


def _problem(session: Session, problem: Problem | int) -> Problem:
    return problem if isinstance(problem, Problem) else get_problem(session, problem)


def report_fixed(session: Session, person: Actor, problem: Problem | int, note: str, *, at: datetime) -> Problem:
    """The organ says the problem is fixed: the rectification clock pauses until the next inspection, which
    resolves the problem or reopens it (the clock runs on)."""
    aware(at)
    actor = _person(session, person)
    problem = _problem(session, problem)
    if actor is not None and not (actor.unit_id == problem.unit_id
                                  and (actor.has_role(Role.UNIT_HEAD) or actor.has_role(Role.DISCLOSURE))):
        raise Forbidden("actor", f"{actor.label} 无权报送该问题的整改情况（须由责任单位的单位负责人或政务公开办报送）")
    text = _text(note, "note", "整改情况说明", max_length=MAX_TEXT)
    if problem.state != ProblemState.OPEN:
        raise Conflict("problem", f"该问题当前为「{_state_label(problem)}」，只有待整改的问题才能报送整改")
    label = actor_label(actor)
    problem.state = ProblemState.REPORTED
    problem.reported_at, problem.report_note, problem.reported_by = at, text, label
    clock = _rectify_clock(session, problem)
    if clock is not None and clock.state == ClockState.RUNNING:
        pause_clock(session, clock, reason_code=PAUSE_REPORTED, reason="已报送整改，等待下次检查复查", at=at,
                    actor=label)
    _record(session, label, "inspection.problem_reported", SUBJECT_PROBLEM, problem, at, note=text)
    emit(session, _problem_event(problem, problem.site, PROBLEM_REPORTED, at, note=text))
    return problem


def dismiss(session: Session, admin: Actor, problem: Problem | int, reason: str, *, at: datetime) -> Problem:
    """The site administrator rules a problem a false positive; it is never raised again."""
    aware(at)
    actor = _person(session, admin)
    problem = _problem(session, problem)
    _require_site_admin(actor, problem.site.unit_id, "排除问题")
    why = _text(reason, "reason", "排除理由", max_length=MAX_TEXT)
    if problem.state not in LIVE_PROBLEM_STATES:
        raise Conflict("problem", f"该问题当前为「{_state_label(problem)}」，不能排除")
    label = actor_label(actor)
    problem.state = ProblemState.DISMISSED
    problem.dismissed_at, problem.dismiss_reason, problem.dismissed_by = at, why, label
    _close(session, problem, at, label, ObligationState.CANCELLED)
    _record(session, label, "inspection.problem_dismissed", SUBJECT_PROBLEM, problem, at, reason=why)
    emit(session, _problem_event(problem, problem.site, PROBLEM_DISMISSED, at, reason=why))
    return problem


def _state_label(problem: Problem) -> str:
    return PROBLEM_STATE_LABELS.get(problem.state, problem.state)


# -- availability probes ----------------------------------------------------------------------------------------
def record_probe(session: Session, site: Site | int | str, *, at: datetime, seconds: float | None,
                 status: int | None = None, error: str = "") -> Probe:
    """Store one probe of the homepage; ``seconds`` None: it did not load."""
    aware(at)
    site = _site(session, site)
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0):
        raise InvalidInput("seconds", f"用时应为不小于 0 的秒数，输入值为 {seconds!r}")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
        raise InvalidInput("status", f"HTTP 状态码应为 100–599，输入值为 {status!r}")
    probe = Probe(site_id=site.id, at=at, seconds=None if seconds is None else float(seconds), status=status,
                  error=(error or "")[:300])
    session.add(probe)
    return probe


def window_probes(session: Session, site: Site, now: datetime) -> list[ProbeValue]:
    """The probes of the monitoring window before ``now`` (7 days), for the 站点无法访问 veto."""
    rows = session.execute(select(Probe.at, Probe.seconds).where(
        Probe.site_id == site.id, Probe.at > now - WINDOW, Probe.at <= now).order_by(Probe.at))
    return [ProbeValue(at, seconds) for at, seconds in rows]


async def _probe(http: aiohttp.ClientSession, url: str, limit: asyncio.Semaphore,
                 at: datetime | None) -> dict[str, Any]:
    async with limit:
        moment = at or datetime.now(UTC)
        loop = asyncio.get_running_loop()
        started = loop.time()
        status, seconds, error = None, None, ""
        try:
            async with http.get(url, allow_redirects=True) as response:
                await response.content.read(5 * 2**20)
                status = response.status
                if status < 400:
                    seconds = round(loop.time() - started, 3)
                else:
                    error = f"HTTP {status}"
        except TimeoutError:
            error = "超时未能打开"
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
        return {"at": moment, "seconds": seconds, "status": status, "error": error}


async def probe_once(site_ids: Iterable[int | str] | None = None, *, at: datetime | None = None,
                     url: str | None = None) -> list[dict[str, Any]]:
    """GET the homepage of every active site (or of ``site_ids``) once with the 15-second limit and store each
    probe. ``at`` stamps the probes (default: when each started). Returns one dict per site."""
    if at is not None:
        aware(at)
    with reading(url) as session:
        if site_ids is None:
            sites = list(session.scalars(select(Site).where(Site.active).order_by(Site.id)))
        else:
            sites = [get_site(session, ref) for ref in site_ids]
        targets = [(site.id, site.name, site.url) for site in sites]
    values = settings()
    timeout = aiohttp.ClientTimeout(total=float(values["probe_timeout_seconds"]))
    limit = asyncio.Semaphore(int(values["probe_concurrency"]))
    async with aiohttp.ClientSession(timeout=timeout, headers={"User-Agent": DEFAULT_USER_AGENT}) as http:
        outcomes = await asyncio.gather(*(_probe(http, target, limit, at) for _, _, target in targets))
    results = []
    with transaction(url) as session:
        for (site_id, name, target), outcome in zip(targets, outcomes, strict=True):
            record_probe(session, site_id, **outcome)
            results.append({"site_id": site_id, "site": name, "url": target, **outcome})
    return results


# -- running inspections ----------------------------------------------------------------------------------------
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
    person = _person(session, actor)
    site = _site(session, site)
    if person is not None and not person.has_role(Role.SUPERVISOR):
        _require_site_admin(person, site.unit_id, "检查网站")
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
    trigger = _choice(trigger, "trigger", Trigger, "检查方式")
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
