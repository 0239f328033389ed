"""Stored inspections and the problems they follow: :func:`record_inspection` stores an inspection with its
findings and turns every veto and deduction into a :class:`Problem` supervised as an obligation
``inspection.problem`` with a ``rectify`` clock; :func:`report_fixed` and :func:`dismiss` are the acts of the
organ and of the site administrator on a problem (see the package's docstring for the rules)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yangguang.core.clocks import (
    Clock,
    ClockState,
    ClockUnit,
    Obligation,
    ObligationState,
    close_obligation,
    open_obligation,
    pause_clock,
    resume_clock,
    start_clock,
)
from yangguang.core.errors import Conflict, Forbidden, NotFound
from yangguang.core.events import emit
from yangguang.core.org import SYSTEM_ACTOR, Role
from yangguang.core.validation import aware, check_text
from yangguang.inspection.checks.findings import DEDUCTION, INFO, VETO, Finding
from yangguang.inspection.codes import LIVE_PROBLEM_STATES, PROBLEM_STATE_LABELS, ProblemState, Trigger
from yangguang.inspection.inspect import InspectionResult
from yangguang.inspection.models import URL_LENGTH, Baseline, Inspection, InspectionFinding, Problem, Site
from yangguang.inspection.service._common import (
    COMPLETED,
    MAX_TEXT,
    PROBLEM_DISMISSED,
    PROBLEM_FOUND,
    PROBLEM_OBLIGATION,
    PROBLEM_REOPENED,
    PROBLEM_REPORTED,
    PROBLEM_RESOLVED,
    RECTIFY_CLOCK,
    SUBJECT_PROBLEM,
    Actor,
    actor_label,
    check_choice,
    check_positive,
    get_site,
    item_name,
    person_of,
    problem_event,
    record,
    require_site_admin,
    settings,
    site_event,
)
from yangguang.inspection.service.columns import save_discovered_columns

PAUSE_REPORTED = "reported"
# Checks judged over the whole site: a crawl cut short by max_pages still judged them.
SITE_LEVEL_CHECKS = frozenset({"availability.homepage", "availability.probes", "freshness.homepage",
                               "freshness.columns", "columns.blank", "services.online", "messages.channel",
                               "transport.https", "transport.redirect"})
_VETO_SITE_CHECKS = frozenset({"freshness.columns", "columns.blank"})  # their page is only the first column named


def finding_fingerprint(finding: Finding) -> str:
    """What identifies one problem across inspections: the check, the item, the severity, the page (none for the
    column vetoes, whose page is only the first column named) and the key evidence (a link's target, a
    message's date and text)."""
    place = "" if finding.severity == VETO and finding.check in _VETO_SITE_CHECKS else finding.url
    key = str(finding.evidence.get("link") or "")
    if finding.check.startswith("messages."):
        key = f"{finding.evidence.get('date', '')}|{str(finding.evidence.get('excerpt', ''))[:60]}"
    text = "\x1f".join((finding.check, finding.checklist_item, finding.severity, place, key))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Coverage:
    """Where an inspection looked: which problems not found again it may resolve."""

    homepage_checked: bool
    complete: bool  # the crawl was not cut short by max_pages
    probes_judged: bool
    pages: frozenset[str]

    @classmethod
    def of(cls, result: InspectionResult) -> Coverage:
        unreachable = any(f.check == "availability.homepage" and f.severity in (DEDUCTION, INFO)
                          and "seconds" not in f.evidence for f in result.findings)
        homepage_checked = bool(result.texts) and not unreachable
        probes_judged = not any(f.check == "availability.probes" and f.severity == INFO for f in result.findings)
        pages = frozenset({result.site, *result.texts, *(c.url for c in result.columns if c.fetched)})
        return cls(homepage_checked, homepage_checked and not result.skipped.get("max_pages", 0), probes_judged,
                   pages)

    def covers(self, problem: Problem) -> bool:
        if problem.check == "availability.probes":
            return self.probes_judged
        if not self.homepage_checked:
            return problem.check == "availability.homepage"
        return self.complete or problem.check in SITE_LEVEL_CHECKS or problem.url in self.pages


@dataclass
class _Followed:
    """The problems of one inspection: new, reported fixed but found again, no longer found, and every problem
    an inspection's finding belongs to (by fingerprint)."""

    new: list[Problem]
    reopened: list[Problem]
    resolved: list[Problem]
    by_fingerprint: dict[str, Problem]


# -- recording an inspection ------------------------------------------------------------------------------------
def _rectify_days(severity: str) -> int:
    values = settings()
    key = "rectify_veto_workdays" if severity == VETO else "rectify_deduction_workdays"
    return check_positive(int(values[key]), f"inspection.{key}", "整改时限（工作日）", 365)


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


def _follow_problems(session: Session, site: Site, inspection: Inspection, found: dict[str, Finding],
                     coverage: Coverage, actor: str, at: datetime) -> _Followed:
    """Open a problem with its rectification obligation for each new fingerprint of ``found``, move the
    ``last_seen`` of those still found (reopening any reported fixed), and resolve those no longer found where the
    inspection looked."""
    known: dict[str, Problem] = {}
    for problem in session.scalars(select(Problem).where(
            Problem.site_id == site.id,
            Problem.state.in_([*LIVE_PROBLEM_STATES, ProblemState.DISMISSED])).order_by(Problem.id)):
        if problem.state != ProblemState.DISMISSED or problem.fingerprint not in known:
            known[problem.fingerprint] = problem

    followed = _Followed([], [], [], {})
    for digest, finding in found.items():
        problem = known.get(digest)
        if problem is None:
            problem = Problem(site_id=site.id, unit_id=site.unit_id, inspection_id=inspection.id,
                              last_seen_inspection_id=inspection.id, check=finding.check,
                              checklist_item=finding.checklist_item, url=finding.url[:URL_LENGTH],
                              severity=finding.severity, detail=finding.detail, evidence=dict(finding.evidence),
                              fingerprint=digest, state=ProblemState.OPEN, found_at=at, last_seen_at=at,
                              report_note="", dismiss_reason="")
            session.add(problem)
            followed.new.append(problem)
        else:
            problem.last_seen_inspection_id, problem.last_seen_at = inspection.id, at
            problem.detail, problem.evidence = finding.detail, dict(finding.evidence)
            if problem.state == ProblemState.REPORTED:
                followed.reopened.append(problem)
        followed.by_fingerprint[digest] = problem
    session.flush()

    obligations = []
    for problem in followed.new:
        obligation = open_obligation(session, kind=PROBLEM_OBLIGATION, subject=SUBJECT_PROBLEM,
                                     subject_id=problem.id, title=_problem_title(site, problem),
                                     unit_id=problem.unit_id, at=at, actor=actor)
        start_clock(session, obligation, kind=RECTIFY_CLOCK, unit=ClockUnit.WORKDAYS,
                    limit=_rectify_days(problem.severity), start_at=at, actor=actor)
        obligations.append(obligation)
    session.flush()
    for problem, obligation in zip(followed.new, obligations, strict=True):
        problem.obligation_id = obligation.id
        record(session, actor, "inspection.problem_found", SUBJECT_PROBLEM, problem, at,
               inspection_id=inspection.id, severity=problem.severity, checklist_item=problem.checklist_item,
               url=problem.url, fingerprint=problem.fingerprint)

    for problem in followed.reopened:
        problem.state = ProblemState.OPEN
        clock = _rectify_clock(session, problem)
        if clock is not None and clock.state == ClockState.PAUSED:
            resume_clock(session, clock, at=at, actor=actor)
        record(session, actor, "inspection.problem_reopened", SUBJECT_PROBLEM, problem, at,
               inspection_id=inspection.id)

    for problem in known.values():
        if problem.state in LIVE_PROBLEM_STATES and problem.fingerprint not in found and coverage.covers(problem):
            problem.state = ProblemState.RESOLVED
            problem.resolved_at, problem.resolved_inspection_id = at, inspection.id
            _close(session, problem, at, actor, ObligationState.DONE)
            record(session, actor, "inspection.problem_resolved", SUBJECT_PROBLEM, problem, at,
                   inspection_id=inspection.id)
            followed.resolved.append(problem)
    return followed


def record_inspection(session: Session, site: Site | int | str, result: InspectionResult, *,
                      trigger: str = Trigger.MANUAL, actor: str = SYSTEM_ACTOR,
                      at: datetime | None = None) -> Inspection:
    """Store an inspection of ``site`` and follow its problems (see the package's docstring); ``at`` is when it
    finished (default: the result's reference moment). Returns the stored inspection."""
    site = get_site(session, site)
    trigger = check_choice(trigger, "trigger", Trigger, "检查方式")
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
    followed_findings: dict[str, Finding] = {}  # vetoes and scored deductions, one per fingerprint
    for finding in result.findings:
        digest = finding_fingerprint(finding)
        rows.append(InspectionFinding(inspection_id=inspection.id, check=finding.check,
                                      checklist_item=finding.checklist_item, url=finding.url[:URL_LENGTH],
                                      severity=finding.severity, detail=finding.detail,
                                      evidence=dict(finding.evidence), fingerprint=digest))
        if finding.severity in (VETO, DEDUCTION) and finding.checklist_item not in unscored:
            followed_findings.setdefault(digest, finding)
    session.add_all(rows)

    followed = _follow_problems(session, site, inspection, followed_findings, Coverage.of(result), actor, at)
    for row in rows:
        problem = followed.by_fingerprint.get(row.fingerprint)
        if problem is not None:
            row.problem_id = problem.id
    new, reopened, resolved = followed.new, followed.reopened, followed.resolved

    inspection.summary = {**inspection.summary, "problems": {
        "new": len(new), "still_found": len(followed_findings) - len(new), "reopened": len(reopened),
        "resolved": len(resolved)}}
    discovered = save_discovered_columns(session, site, result.columns, at=at, actor=actor)
    baselines = _save_baselines(session, site, result, at)
    session.flush()
    record(session, actor, "inspection.recorded", "inspection", inspection, at, site_id=site.id, trigger=trigger,
           score=report.total, qualified=report.qualified, vetoes=len(result.vetoes),
           findings=len(result.findings), new_problems=len(new), resolved_problems=len(resolved),
           reopened_problems=len(reopened), columns_discovered=len(discovered), baselines=baselines)

    for problem in new:
        emit(session, problem_event(problem, site, PROBLEM_FOUND, at, inspection_id=inspection.id))
    for problem in reopened:
        emit(session, problem_event(problem, site, PROBLEM_REOPENED, at, inspection_id=inspection.id,
                                    note=problem.report_note))
    for problem in resolved:
        emit(session, problem_event(problem, site, PROBLEM_RESOLVED, at, inspection_id=inspection.id))
    breach = None
    if not report.qualified:
        breach = f"inspection_site:{site.id}:unqualified:{_spell_start(session, site, inspection)}"
    emit(session, site_event(site, COMPLETED, at, None, inspection_id=inspection.id,
                             score=None if report.total is None else str(report.total),
                             qualified=report.qualified, vetoes=len(result.vetoes), new_problems=len(new),
                             resolved_problems=len(resolved), breach=breach))
    return inspection


# -- acts on a problem --------------------------------------------------------------------------------------------
def get_problem(session: Session, problem: Problem | int) -> Problem:
    if isinstance(problem, Problem):
        return problem
    found = session.get(Problem, problem) if isinstance(problem, int) else None
    if found is None:
        raise NotFound("problem", f"问题 {problem!r} 不存在")
    return found


def _state_label(problem: Problem) -> str:
    return PROBLEM_STATE_LABELS.get(problem.state, problem.state)


def report_fixed(session: Session, person: Actor, problem: Problem | int, note: str, *, at: datetime) -> Problem:
    """The organ says the problem is fixed: the rectification clock pauses until the next inspection, which
    resolves the problem or reopens it (the clock runs on)."""
    aware(at)
    actor = person_of(session, person)
    problem = get_problem(session, problem)
    if actor is not None and not (actor.unit_id == problem.unit_id
                                  and (actor.has_role(Role.UNIT_HEAD) or actor.has_role(Role.DISCLOSURE))):
        raise Forbidden("actor", f"{actor.label} 无权报送该问题的整改情况（须由责任单位的单位负责人或政务公开办报送）")
    text = check_text(note, "note", "整改情况说明", max_length=MAX_TEXT, required=True)
    if problem.state != ProblemState.OPEN:
        raise Conflict("problem", f"该问题当前为「{_state_label(problem)}」，只有待整改的问题才能报送整改")
    label = actor_label(actor)
    problem.state = ProblemState.REPORTED
    problem.reported_at, problem.report_note, problem.reported_by = at, text, label
    clock = _rectify_clock(session, problem)
    if clock is not None and clock.state == ClockState.RUNNING:
        pause_clock(session, clock, reason_code=PAUSE_REPORTED, reason="已报送整改，等待下次检查复查", at=at,
                    actor=label)
    record(session, label, "inspection.problem_reported", SUBJECT_PROBLEM, problem, at, note=text)
    emit(session, problem_event(problem, problem.site, PROBLEM_REPORTED, at, note=text))
    return problem


def dismiss(session: Session, admin: Actor, problem: Problem | int, reason: str, *, at: datetime) -> Problem:
    """The site administrator rules a problem a false positive; it is never raised again."""
    aware(at)
    actor = person_of(session, admin)
    problem = get_problem(session, problem)
    require_site_admin(actor, problem.site.unit_id, "排除问题")
    why = check_text(reason, "reason", "排除理由", max_length=MAX_TEXT, required=True)
    if problem.state not in LIVE_PROBLEM_STATES:
        raise Conflict("problem", f"该问题当前为「{_state_label(problem)}」，不能排除")
    label = actor_label(actor)
    problem.state = ProblemState.DISMISSED
    problem.dismissed_at, problem.dismiss_reason, problem.dismissed_by = at, why, label
    _close(session, problem, at, label, ObligationState.CANCELLED)
    record(session, label, "inspection.problem_dismissed", SUBJECT_PROBLEM, problem, at, reason=why)
    emit(session, problem_event(problem, problem.site, PROBLEM_DISMISSED, at, reason=why))
    return problem


def withdraw_problems(session: Session, site: Site, reason: str, actor: str, at: datetime) -> int:
    """The site is no longer inspected: its live problems are withdrawn and their obligations cancelled."""
    live = session.scalars(select(Problem).where(Problem.site_id == site.id,
                                                 Problem.state.in_(LIVE_PROBLEM_STATES))).all()
    for problem in live:
        problem.state = ProblemState.WITHDRAWN
        problem.dismiss_reason = reason
        problem.dismissed_at, problem.dismissed_by = at, actor
        _close(session, problem, at, actor, ObligationState.CANCELLED)
        record(session, actor, "inspection.problem_withdrawn", SUBJECT_PROBLEM, problem, at, reason=reason)
    return len(live)
