"""What the inspection service modules share: the codes of their obligations and events, the ``[inspection]``
settings, who acts (and whether they may), input checks that name the field, and the audit and event helpers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core import audit
from yangguang.core.errors import Forbidden, InvalidInput, NotFound
from yangguang.core.events import Event
from yangguang.core.org import SYSTEM_ACTOR, Person, Role, get_person
from yangguang.core.settings import config_section
from yangguang.inspection.checklist import BY_CODE
from yangguang.inspection.checks.availability import SLOW_SECONDS
from yangguang.inspection.crawl_config import CrawlConfig
from yangguang.inspection.models import URL_LENGTH, Problem, Site
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
MAX_NAME, MAX_TEXT = 200, 2000


def settings() -> dict[str, Any]:
    """``[inspection]`` with its defaults (values unverified, configurable)."""
    return {**DEFAULTS, **config_section("inspection")}


# -- who acts -----------------------------------------------------------------------------------------------
Actor = Person | str | None



def person_of(session: Session, actor: Actor, field: str = "actor") -> Person | None:
    """The acting person; None stands for the platform's operator (command line, scheduler)."""
    if actor is None:
        return None
    if isinstance(actor, Person):
        if not actor.active:
            raise NotFound(field, f"人员 {actor.login!r} 已停用")
        return actor
    return get_person(session, actor, field)


def actor_label(person: Person | None) -> str:
    return person.login if person is not None else SYSTEM_ACTOR


def require_site_admin(person: Person | None, unit_id: int, what: str) -> None:
    """The site administrators: system administrators, and the disclosure office of the organ."""
    if person is None or person.has_role(Role.ADMIN):
        return
    if person.has_role(Role.DISCLOSURE) and person.unit_id == unit_id:
        return
    raise Forbidden("actor", f"{person.label} 无权{what}（须由系统管理员或该网站主办单位的政务公开办办理）")


# -- input checks ---------------------------------------------------------------------------------------------

def check_flag(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(field, f"应为 true 或 false，输入值为 {value!r}")
    return value


def check_positive(value: object, field: str, label: str, maximum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= maximum:
        raise InvalidInput(field, f"{label}应为 1 到 {maximum} 之间的整数，输入值为 {value!r}")
    return value


def check_choice(value: object, field: str, choices: type[StrEnum], label: str) -> str:
    known = [c.value for c in choices]
    if value not in known:
        raise InvalidInput(field, f"未知的{label} {value!r}（可选：{'、'.join(known)}）")
    return str(value)


def check_url(value: object, field: str = "url") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(field, "网址不能为空")
    try:
        url = normalise(value)
    except InvalidInput as exc:
        raise InvalidInput(field, exc.reason) from exc
    if len(url) > URL_LENGTH:
        raise InvalidInput(field, f"网址不能超过 {URL_LENGTH} 个字符")
    return url


def check_string_list(value: object, field: str, label: str) -> list[str]:
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


def scoped_config(url: str, hosts: Sequence[str], prefixes: Sequence[str], **options: Any) -> CrawlConfig:
    """A crawl of ``url`` within ``hosts`` and ``prefixes`` (empty: the homepage's host, "/"); a bad scope raises
    :class:`InvalidInput` naming the registration's field."""
    try:
        return CrawlConfig(url, scope_hosts=list(hosts) or None, scope_prefixes=list(prefixes) or ["/"], **options)
    except InvalidInput as exc:
        raise InvalidInput("url" if exc.field == "start_url" else exc.field, exc.reason) from exc


def crawl_config(site: Site, *, max_pages: int | None = None, max_depth: int | None = None) -> CrawlConfig:
    """The crawl of a registered site (raises :class:`InvalidInput` naming the site's fields)."""
    return scoped_config(site.url, site.scope_hosts, site.scope_prefixes, max_pages=max_pages or site.max_pages,
                         max_depth=max_depth, concurrency=int(settings()["concurrency"]))


# -- lookups, audit entries and events --------------------------------------------------------------------------
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


def item_name(code: str) -> str:
    found = BY_CODE.get(code)
    return found.name if found else code


def record(session: Session, actor: str, action: str, entity: str, entity_id: object, at: datetime,
           **data: Any) -> None:
    audit.record(session, actor=actor, action=action, entity=entity, entity_id=entity_id, data=data, at=at)


def site_event(site: Site, type_: str, at: datetime, person: Person | None = None, **data: Any) -> Event:
    return Event(type=type_, subject=SUBJECT_SITE, subject_id=str(site.id), unit_id=site.unit_id,
                 person_id=person.id if person else None, data={"site": site.name, "site_id": site.id, **data}, at=at)


def problem_event(problem: Problem, site: Site, type_: str, at: datetime, **data: Any) -> Event:
    return Event(type=type_, subject=SUBJECT_PROBLEM, subject_id=str(problem.id), unit_id=problem.unit_id,
                 obligation_id=problem.obligation_id,
                 data={"site": site.name, "site_id": site.id, "checklist_item": problem.checklist_item,
                       "item_name": item_name(problem.checklist_item), "severity": problem.severity,
                       "url": problem.url, "detail": problem.detail, **data}, at=at)
