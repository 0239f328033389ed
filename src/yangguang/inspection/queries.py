"""Read-only views of website inspection: the list of sites with their current score, one site, its score
history, the problems still to rectify and one inspection with its findings.

The public sees the active sites and their results; staff see the sites of their own organ, supervisors and
administrators every site. Nothing here changes state (that is :mod:`yangguang.inspection.service`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from yangguang.core.clocks import Clock, local_day
from yangguang.core.errors import NotFound
from yangguang.core.org import Person, Role, Unit
from yangguang.inspection.codes import (
    COLUMN_KIND_LABELS,
    LIVE_PROBLEM_STATES,
    PROBLEM_STATE_LABELS,
    SEVERITY_LABELS,
    SITE_KIND_LABELS,
    TRIGGER_LABELS,
)
from yangguang.inspection.models import Inspection, InspectionFinding, Problem, Site
from yangguang.inspection.service import RECTIFY_CLOCK, get_site, item_name

SEVERITY_ORDER = {"veto": 0, "deduction": 1, "info": 2}


def sees_all(person: Person | None) -> bool:
    return person is not None and (person.has_role(Role.ADMIN) or person.has_role(Role.SUPERVISOR))


def _scoped(query: Select, person: Person | None, unit_column) -> Select:
    """Public: active sites only; staff: their organ's sites unless they see all."""
    if person is None:
        return query.where(Site.active)
    if sees_all(person):
        return query
    return query.where(unit_column == person.unit_id)


def _score(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _latest() -> Any:
    """The newest inspection of each site (subquery: site_id, inspection id)."""
    ranked = select(Inspection.id, Inspection.site_id,
                    func.row_number().over(partition_by=Inspection.site_id,
                                           order_by=(Inspection.started_at.desc(), Inspection.id.desc()))
                    .label("rank")).subquery()
    return select(ranked.c.site_id, ranked.c.id).where(ranked.c.rank == 1).subquery()


def _live_counts(session: Session, site_ids: list[int]) -> dict[int, int]:
    if not site_ids:
        return {}
    rows = session.execute(select(Problem.site_id, func.count()).where(
        Problem.site_id.in_(site_ids), Problem.state.in_(LIVE_PROBLEM_STATES)).group_by(Problem.site_id))
    return dict(rows.all())


def _inspection_row(inspection: Inspection | None) -> dict[str, Any]:
    if inspection is None:
        return {"inspection_id": None, "inspected_at": None, "score": None, "qualified": None, "vetoes": 0}
    return {"inspection_id": inspection.id, "inspected_at": inspection.started_at,
            "score": _score(inspection.score), "qualified": inspection.qualified,
            "vetoes": len(inspection.vetoes or [])}


def _site_row(site: Site, unit: Unit, latest: Inspection | None, open_count: int) -> dict[str, Any]:
    last_day = local_day(latest.started_at) if latest is not None else None
    return {"id": site.id, "name": site.name, "url": site.url, "kind": site.kind,
            "kind_label": SITE_KIND_LABELS.get(site.kind, site.kind), "unit": unit.name, "unit_code": unit.code,
            "active": site.active, "has_services": site.has_services, "is_portal": site.is_portal,
            "inspect_every_days": site.inspect_every_days, "max_pages": site.max_pages,
            **_inspection_row(latest), "open_problems": open_count,
            "next_due": (last_day + timedelta(days=site.inspect_every_days)) if last_day else None}


def site_list(session: Session, person: Person | None = None, *, operator: bool = False) -> list[dict[str, Any]]:
    """The sites with their latest score, verdict, vetoes and open problems (public: active sites; ``operator``:
    the platform's operator on the command line, every site)."""
    latest = _latest()
    query = (select(Site, Unit, Inspection).join(Unit, Unit.id == Site.unit_id)
             .outerjoin(latest, latest.c.site_id == Site.id).outerjoin(Inspection, Inspection.id == latest.c.id)
             .order_by(Unit.code, Site.id))
    rows = session.execute(query if operator else _scoped(query, person, Site.unit_id)).all()
    counts = _live_counts(session, [site.id for site, _, _ in rows])
    return [_site_row(site, unit, inspection, counts.get(site.id, 0)) for site, unit, inspection in rows]


def visible_site(session: Session, ref: int | str, person: Person | None) -> Site:
    site = get_site(session, ref)
    if person is None and not site.active:
        raise NotFound("site", f"网站 {ref!r} 未登记")
    if person is not None and not sees_all(person) and site.unit_id != person.unit_id:
        raise NotFound("site", f"网站 {ref!r} 不属于本单位")
    return site


def latest_inspection(session: Session, site_id: int, before: datetime | None = None) -> Inspection | None:
    query = select(Inspection).where(Inspection.site_id == site_id)
    if before is not None:
        query = query.where(Inspection.started_at < before)
    return session.scalar(query.order_by(Inspection.started_at.desc(), Inspection.id.desc()).limit(1))


def columns_view(site: Site, latest: Inspection | None) -> list[dict[str, Any]]:
    """The registered columns with what the latest inspection saw of each (newest date, items, blank)."""
    seen = {c["url"]: c for c in ((latest.summary or {}).get("columns", []) if latest is not None else [])}
    rows = []
    for column in site.columns:
        report = seen.get(column.url)
        rows.append({"id": column.id, "name": column.name, "url": column.url, "kind": column.kind,
                     "kind_label": COLUMN_KIND_LABELS.get(column.kind, column.kind),
                     "update_days": column.update_days, "discovered": column.discovered,
                     "confirmed": column.confirmed, "monitored": column.monitored,
                     "blank_allowed": column.blank_allowed, "blank_reason": column.blank_reason,
                     "checked": bool(report and report.get("fetched")),
                     "newest": report.get("newest") if report else None,
                     "items": report.get("items") if report else None,
                     "blank": bool(report and report.get("blank"))})
    return rows


def site_detail(session: Session, ref: int | str, person: Person | None = None) -> dict[str, Any]:
    """One site: its registration, columns, latest result and score history."""
    site = visible_site(session, ref, person)
    latest = latest_inspection(session, site.id)
    row = _site_row(site, site.unit, latest, _live_counts(session, [site.id]).get(site.id, 0))
    row["scope_hosts"], row["scope_prefixes"] = list(site.scope_hosts), list(site.scope_prefixes)
    row["columns"] = columns_view(site, latest)
    row["latest"] = inspection_summary(latest) if latest is not None else None
    row["history"] = [{"date": day, "score": _score(score), "qualified": ok}
                      for day, score, ok in score_history(session, site.id)]
    return row


def score_history(session: Session, site_id: int, *, since: datetime | None = None,
                  until: datetime | None = None) -> list[tuple[date, Decimal | None, bool]]:
    """``(local date, score, qualified)`` of every inspection of the site, oldest first (score None: vetoed)."""
    query = select(Inspection.started_at, Inspection.score, Inspection.qualified).where(Inspection.site_id == site_id)
    if since is not None:
        query = query.where(Inspection.started_at >= since)
    if until is not None:
        query = query.where(Inspection.started_at < until)
    rows = session.execute(query.order_by(Inspection.started_at, Inspection.id))
    return [(local_day(moment), score, qualified) for moment, score, qualified in rows]


def problem_row(problem: Problem, clock: Clock | None, now: datetime | None = None) -> dict[str, Any]:
    due_at = clock.due_at if clock is not None else None
    return {"id": problem.id, "site_id": problem.site_id, "check": problem.check,
            "checklist_item": problem.checklist_item, "item_name": item_name(problem.checklist_item),
            "severity": problem.severity, "severity_label": SEVERITY_LABELS.get(problem.severity, problem.severity),
            "url": problem.url, "detail": problem.detail, "evidence": dict(problem.evidence or {}),
            "state": problem.state, "state_label": PROBLEM_STATE_LABELS.get(problem.state, problem.state),
            "found_at": problem.found_at, "last_seen_at": problem.last_seen_at, "resolved_at": problem.resolved_at,
            "reported_at": problem.reported_at, "report_note": problem.report_note,
            "dismissed_at": problem.dismissed_at, "dismiss_reason": problem.dismiss_reason,
            "obligation_id": problem.obligation_id, "due_at": due_at,
            "due_day": clock.due_day if clock is not None else None,
            "overdue": bool(clock is not None and now is not None and clock.is_overdue(now))}


def problems_with_clocks(session: Session, query: Select) -> list[tuple[Problem, Clock | None]]:
    """The problems of ``query`` (a ``select(Problem)``) with their rectification clocks."""
    rows = session.execute(query.add_columns(Clock).outerjoin(
        Clock, (Clock.obligation_id == Problem.obligation_id) & (Clock.kind == RECTIFY_CLOCK)))
    return [(problem, clock) for problem, clock in rows]


def open_problems(session: Session, *, site: int | str | None = None, unit: int | None = None,
                  person: Person | None = None, now: datetime | None = None) -> list[dict[str, Any]]:
    """Problems still to rectify (open or reported), vetoes first, then by deadline; scoped to the site, the
    unit, and what ``person`` may see."""
    query = select(Problem).join(Site, Site.id == Problem.site_id).where(Problem.state.in_(LIVE_PROBLEM_STATES))
    if site is not None:
        query = query.where(Problem.site_id == visible_site(session, site, person).id)
    if unit is not None:
        query = query.where(Problem.unit_id == unit)
    query = _scoped(query, person, Problem.unit_id)
    rows = problems_with_clocks(session, query.order_by(Problem.id))
    found = [problem_row(problem, clock, now) for problem, clock in rows]
    far = datetime.max.replace(tzinfo=None)
    return sorted(found, key=lambda r: (SEVERITY_ORDER.get(r["severity"], 9),
                                        r["due_at"].replace(tzinfo=None) if r["due_at"] else far, r["id"]))


def inspection_summary(inspection: Inspection) -> dict[str, Any]:
    summary = inspection.summary or {}
    return {"id": inspection.id, "site_id": inspection.site_id, "started_at": inspection.started_at,
            "finished_at": inspection.finished_at, "trigger": inspection.trigger,
            "trigger_label": TRIGGER_LABELS.get(inspection.trigger, inspection.trigger), "actor": inspection.actor,
            "pages_checked": inspection.pages_checked, "links_checked": inspection.links_checked,
            "broken_count": inspection.broken_count, "score": _score(inspection.score),
            "qualified": inspection.qualified, "deduction_score": summary.get("deduction_score"),
            "bonus": summary.get("bonus"), "has_services": summary.get("has_services", True),
            "vetoes": list(inspection.vetoes or []), "deductions": list(inspection.deductions or []),
            "findings_count": summary.get("findings", {}), "columns": summary.get("columns", []),
            "crawl": summary.get("crawl", {})}


def findings_of(session: Session, inspection_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(InspectionFinding).where(InspectionFinding.inspection_id == inspection_id)
                           .order_by(InspectionFinding.id))
    found = [{"id": f.id, "check": f.check, "checklist_item": f.checklist_item,
              "item_name": item_name(f.checklist_item), "url": f.url, "severity": f.severity,
              "severity_label": SEVERITY_LABELS.get(f.severity, f.severity), "detail": f.detail,
              "evidence": dict(f.evidence or {}), "problem_id": f.problem_id} for f in rows]
    return sorted(found, key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["id"]))


def inspection_detail(session: Session, inspection_id: int, person: Person | None = None) -> dict[str, Any]:
    """One inspection with every finding and its evidence."""
    inspection = session.get(Inspection, inspection_id) if isinstance(inspection_id, int) else None
    if inspection is None:
        raise NotFound("inspection", f"检查记录 {inspection_id!r} 不存在")
    site = visible_site(session, inspection.site_id, person)
    return {**inspection_summary(inspection), "site": site.name, "url": site.url,
            "findings": findings_of(session, inspection.id)}
