"""A site's columns (栏目) and their required update frequency: registered from the homepage navigation
(discovered, unconfirmed) or by the site administrator, who confirms each one's kind and frequency (news 14 days,
notice/policy 180 days by default: 国办秘函〔2019〕19号's 2 weeks and 6 months)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from yangguang.core.errors import InvalidInput
from yangguang.core.org import SYSTEM_ACTOR
from yangguang.core.validation import aware, check_text
from yangguang.inspection.codes import ColumnKind
from yangguang.inspection.column_settings import ColumnSetting
from yangguang.inspection.inspect import ColumnReport
from yangguang.inspection.models import URL_LENGTH, Site, SiteColumn
from yangguang.inspection.service._common import (
    Actor,
    actor_label,
    check_choice,
    check_flag,
    check_positive,
    check_url,
    crawl_config,
    get_site,
    person_of,
    record,
    require_site_admin,
    settings,
)

MAX_UPDATE_DAYS = 3660
_COLUMN_KEYS = ("url", "name", "kind", "update_days", "confirmed", "monitored", "blank_allowed", "blank_reason")


def default_update_days(kind: str) -> int:
    """The required frequency of a column kind: 14 days for news, 180 for notices and policies (国办秘函〔2019〕19号:
    2 weeks, 6 months), ``other_update_days`` otherwise; ``[inspection]`` overrides them."""
    values = settings()
    return int(values[{ColumnKind.NEWS: "news_update_days", ColumnKind.NOTICE: "notice_update_days"}.get(
        kind, "other_update_days")])


def save_discovered_columns(session: Session, site: Site, columns: Iterable[ColumnReport | Mapping[str, Any]], *,
                            at: datetime, actor: str = SYSTEM_ACTOR) -> list[SiteColumn]:
    """Register the columns found in the navigation that are not registered yet (unconfirmed, with the default
    frequency of their kind). Returns the new ones."""
    aware(at)
    known = {column.url: column for column in site.columns}
    kinds = {k.value for k in ColumnKind}
    added = []
    for column in columns:
        data = column.to_dict() if isinstance(column, ColumnReport) else dict(column)
        url, name = str(data.get("url") or ""), str(data.get("name") or "").strip()[:100]
        if not url or url in known or len(url) > URL_LENGTH or not name:
            continue
        kind = str(data.get("kind") or "")
        kind = kind if kind in kinds else ColumnKind.OTHER.value
        row = SiteColumn(site_id=site.id, name=name, url=url, kind=kind, update_days=default_update_days(kind),
                         discovered=True, confirmed=False, monitored=True, blank_allowed=False, blank_reason="",
                         created_at=at, updated_at=at)
        site.columns.append(row)
        known[url] = row
        added.append(row)
    if added:
        session.flush()
        record(session, actor, "inspection.columns_discovered", "inspection_site", site, at,
               columns=[{"name": c.name, "url": c.url, "kind": c.kind} for c in added])
    return added


def _column_entry(entry: Mapping[str, Any], index: int, existing: SiteColumn | None) -> dict[str, Any]:
    prefix = f"columns[{index}]"
    unknown = sorted(set(entry) - set(_COLUMN_KEYS))
    if unknown:
        raise InvalidInput(f"{prefix}.{unknown[0]}", f"未知的栏目字段（可用：{'、'.join(_COLUMN_KEYS)}）")
    values: dict[str, Any] = {}
    name = entry.get("name", existing.name if existing else None)
    values["name"] = check_text(name, f"{prefix}.name", "栏目名称", max_length=100, required=True)
    kind = entry.get("kind", existing.kind if existing else ColumnKind.OTHER.value)
    values["kind"] = check_choice(kind, f"{prefix}.kind", ColumnKind, "栏目类型")
    days = entry.get("update_days")
    if days is None:
        days = existing.update_days if existing is not None and "kind" not in entry else default_update_days(
            values["kind"])
    values["update_days"] = check_positive(days, f"{prefix}.update_days", "更新频率（天）", MAX_UPDATE_DAYS)
    for key, default in (("confirmed", True), ("monitored", True), ("blank_allowed", False)):
        values[key] = check_flag(entry.get(key, default), f"{prefix}.{key}")
    values["blank_reason"] = check_text(entry.get("blank_reason", ""), f"{prefix}.blank_reason", "空白说明",
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
    actor = person_of(session, person)
    site = get_site(session, site)
    require_site_admin(actor, site.unit_id, "确认栏目")
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
        url = check_url(entry.get("url"), f"columns[{index}].url")
        if url in seen:
            raise InvalidInput(f"columns[{index}].url", f"栏目网址 {url} 重复")
        seen.add(url)
        existing = known.get(url)
        values = _column_entry(entry, index, existing)
        if existing is None and not crawl_config(site, max_pages=1).scope.contains(url):
            raise InvalidInput(f"columns[{index}].url", f"栏目网址 {url} 不在网站“{site.name}”的抓取范围内")
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
    record(session, actor_label(actor), "inspection.columns_confirmed", "inspection_site", site, at,
           columns=[{key: values[key] for key in ("url", "name", "kind", "update_days", "confirmed", "monitored",
                                                  "blank_allowed")} for _, values in planned])
    return saved


def column_settings(site: Site) -> dict[str, ColumnSetting]:
    """The confirmed columns' settings by URL."""
    return {c.url: ColumnSetting(c.url, c.name, c.kind, c.update_days, c.monitored, c.blank_allowed, c.blank_reason)
            for c in site.columns if c.confirmed}
