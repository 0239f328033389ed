"""Stored inspections and their problems as supervised rectification obligations.

Sources: 国办秘函〔2019〕19号 (a single-veto item makes a site unqualified; below 60 points is unqualified) and the
inspection rules' defaults (默认值未经核实，可配置): a veto problem raises a red card at once; a deduction problem
raises none when found; the rectification clock is 5 working days for a veto and 15 for a deduction, overdue
raises a yellow card and overdue by 5 working days a red one, one card per site, item and deadline; an
unqualified inspection raises a yellow card once per run of unqualified inspections; a problem reported fixed but
found again raises a yellow card. Deadlines follow the 2026 State Council holiday notice.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import at
from yangguang.core import audit
from yangguang.core.clocks import Clock, ClockState, Obligation, ObligationState
from yangguang.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from yangguang.inspection import service
from yangguang.inspection.checklist import GUIDE_ELEMENTS
from yangguang.inspection.checks.findings import DEDUCTION, Finding, evidence
from yangguang.inspection.codes import ProblemState
from yangguang.inspection.models import Baseline, Inspection, InspectionFinding
from yangguang.supervision.models import Card
from yangguang.supervision.sweep import sweep

from .registry_helpers import (
    HOME,
    T0,
    Org,
    blank_column,
    broken,
    changed_page,
    probes_insufficient,
    problems,
    register,
    result,
    secret_mark,
    sensitive,
    stale_column,
    stale_homepage,
    unreachable_home,
)

T1 = at("2026-03-09 09:30")
T2 = at("2026-03-16 09:30")


def clock_of(db, problem) -> Clock:
    return db.scalar(select(Clock).where(Clock.obligation_id == problem.obligation_id))


def cards(db, rule: str | None = None) -> list[Card]:
    db.flush()
    query = select(Card).order_by(Card.id)
    if rule is not None:
        query = query.where(Card.rule_code == rule)
    return list(db.scalars(query))


def test_problems_are_followed_across_inspections(db):
    org = Org(db)
    site = register(db, org)
    first = service.record_inspection(db, site, result([broken(HOME + "a.html"), broken(HOME + "b.html"),
                                                        sensitive(), stale_column()]), trigger="schedule", at=T0)
    found = problems(db, site)
    assert [p.state for p in found] == [ProblemState.OPEN] * 4
    assert first.score is not None and first.qualified and first.trigger == "schedule"
    assert db.scalar(select(func.count()).select_from(InspectionFinding)
                     .where(InspectionFinding.inspection_id == first.id)) == 4
    for problem in found:  # 15 working days from 2 March 2026: the end of 23 March
        obligation = db.get(Obligation, problem.obligation_id)
        assert (obligation.kind, obligation.unit_id, obligation.subject_id) == \
            ("inspection.problem", org.unit.id, str(problem.id))
        clock = clock_of(db, problem)
        assert (clock.kind, clock.unit, clock.limit, clock.due_day) == ("rectify", "workdays", 15, date(2026, 3, 23))
    link_a, link_b, words, column = found

    second = service.record_inspection(db, site, result([broken(HOME + "a.html"), stale_column(),
                                                         broken(HOME + "c.html")], T1), at=T1)
    after = {p.id: p for p in problems(db, site)}
    assert after[link_a.id].state == ProblemState.OPEN and after[link_a.id].last_seen_inspection_id == second.id
    assert after[column.id].state == ProblemState.OPEN
    for gone in (link_b, words):
        assert after[gone.id].state == ProblemState.RESOLVED and after[gone.id].resolved_inspection_id == second.id
        assert db.get(Obligation, gone.obligation_id).state == ObligationState.DONE
        assert clock_of(db, gone).state == ClockState.STOPPED
    [new] = [p for p in after.values() if p.inspection_id == second.id]
    assert new.evidence["link"] == HOME + "c.html" and clock_of(db, new).due_day == date(2026, 3, 30)
    assert second.summary["problems"] == {"new": 1, "still_found": 2, "reopened": 0, "resolved": 2}
    actions = [e.action for e in audit.history(db, "inspection_problem", link_b.id)]
    assert actions == ["inspection.problem_found", "inspection.problem_resolved"]
    assert cards(db) == []  # deductions raise no card when found, and the site is qualified
    assert audit.verify(db).ok


def test_a_veto_problem_raises_a_red_card_at_once(db):
    org = Org(db)
    site = register(db, org)
    inspection = service.record_inspection(db, site, result([stale_homepage(), secret_mark(), sensitive()]), at=T0)
    assert inspection.score is None and not inspection.qualified and len(inspection.vetoes) == 2
    red = {c.rule_code: c for c in cards(db) if c.level == "red"}
    assert red["inspection.veto_found"].category == "内容"
    assert "首页不更新" in red["inspection.veto_found"].reason
    assert red["inspection.security_veto_found"].category == "风险防控"
    assert all(c.unit_id == org.unit.id for c in red.values())
    [unqualified] = cards(db, "inspection.unqualified")
    assert unqualified.level == "yellow" and "单项否决 2 项" in unqualified.reason
    veto = next(p for p in problems(db, site) if p.checklist_item == "veto.homepage_stale")
    assert clock_of(db, veto).due_day == date(2026, 3, 9)  # 5 working days


def test_past_the_deadline_one_yellow_then_one_red_card_per_item_and_deadline(db):
    org = Org(db)
    site = register(db, org)
    service.record_inspection(db, site, result([broken(HOME + "a.html"), broken(HOME + "b.html"),
                                                broken(HOME + "c.html"), sensitive()]), at=T0)
    assert sweep(db, at("2026-03-23 23:00"))["yellow"] == 0
    outcome = sweep(db, at("2026-03-24 09:00"))
    overdue = cards(db, "inspection.rectify_overdue")
    assert outcome["yellow"] == 2 and len(overdue) == 2  # the three broken links share one card
    assert {c.category for c in overdue} == {"时效"} and all(c.unit_id == org.unit.id for c in overdue)
    assert sweep(db, at("2026-03-30 12:00"))["red"] == 0
    sweep(db, at("2026-03-31 00:30"))  # overdue by 5 working days: the end of 30 March
    assert len(cards(db, "inspection.rectify_overdue_long")) == 2


def test_the_card_of_a_group_goes_to_a_problem_still_open(db):
    org = Org(db)
    site = register(db, org)
    service.record_inspection(db, site, result([broken(HOME + "a.html"), broken(HOME + "b.html")]), at=T0)
    first, second = problems(db, site)
    service.record_inspection(db, site, result([broken(HOME + "b.html")], T1), at=T1)  # a.html fixed in time
    sweep(db, at("2026-03-24 09:00"))
    [card] = cards(db, "inspection.rectify_overdue")
    assert card.subject_id == str(second.id) and card.obligation_id == second.obligation_id


def test_an_unqualified_site_gets_one_yellow_card_per_run_of_unqualified_inspections(db):
    org = Org(db)
    site = register(db, org)
    moments = [T0, T1, T2, at("2026-03-23 09:30")]
    for moment, findings in zip(moments, ([stale_homepage()], [stale_homepage()], [], [stale_homepage()]),
                                strict=True):
        service.record_inspection(db, site, result(findings, moment), at=moment)
    assert len(cards(db, "inspection.unqualified")) == 2


def test_a_fix_reported_pauses_the_clock_and_the_next_inspection_verifies_it(db):
    org = Org(db)
    site = register(db, org)
    service.record_inspection(db, site, result([broken(HOME + "a.html"), sensitive()]), at=T0)
    link, words = problems(db, site)
    with pytest.raises(Forbidden):
        service.report_fixed(db, org.clerk, link, "已修复", at=T1)
    with pytest.raises(Forbidden):
        service.report_fixed(db, org.other_editor, link, "已修复", at=T1)
    with pytest.raises(InvalidInput) as empty:
        service.report_fixed(db, org.head, link, "  ", at=T1)
    assert empty.value.field == "note" and link.state == ProblemState.OPEN
    service.report_fixed(db, org.head, link, "已删除失效链接", at=T1)
    service.report_fixed(db, "gongkai", words, "已删除敏感词", at=T1)
    assert link.state == ProblemState.REPORTED and clock_of(db, link).state == ClockState.PAUSED
    with pytest.raises(Conflict):
        service.report_fixed(db, org.head, link, "再次报送", at=T1)

    service.record_inspection(db, site, result([broken(HOME + "a.html")], T2), at=T2)
    assert link.state == ProblemState.OPEN and clock_of(db, link).state == ClockState.RUNNING
    assert words.state == ProblemState.RESOLVED
    [false_report] = cards(db, "inspection.false_report")
    assert false_report.level == "yellow" and "已删除失效链接" in false_report.reason
    assert [e.action for e in audit.history(db, "inspection_problem", link.id)] == [
        "inspection.problem_found", "inspection.problem_reported", "inspection.problem_reopened"]


def test_a_dismissed_problem_is_never_raised_again(db):
    org = Org(db)
    site = register(db, org)
    service.record_inspection(db, site, result([sensitive()]), at=T0)
    [problem] = problems(db, site)
    with pytest.raises(Forbidden):
        service.dismiss(db, org.clerk, problem, "误报", at=T1)
    with pytest.raises(InvalidInput) as empty:
        service.dismiss(db, org.admin, problem, "", at=T1)
    assert empty.value.field == "reason"
    service.dismiss(db, org.editor, problem, "“违禁词甲”是会议标题中的引文，不属于敏感内容", at=T1)
    assert problem.state == ProblemState.DISMISSED
    assert db.get(Obligation, problem.obligation_id).state == ObligationState.CANCELLED
    again = service.record_inspection(db, site, result([sensitive()], T2), at=T2)
    assert problems(db, site) == [problem] and problem.state == ProblemState.DISMISSED
    [row] = db.scalars(select(InspectionFinding).where(InspectionFinding.inspection_id == again.id)).all()
    assert row.problem_id == problem.id
    with pytest.raises(Conflict):
        service.dismiss(db, org.admin, problem, "再次排除", at=T2)


def test_problems_are_resolved_only_where_the_inspection_looked(db):
    org = Org(db)
    site = register(db, org)
    service.record_inspection(db, site, result([broken(HOME + "a.html"), stale_column(), blank_column()]), at=T0)
    link, column, blank = problems(db, site)
    # the homepage did not load: nothing could be judged, nothing is resolved
    service.record_inspection(db, site, result([unreachable_home()], T1, texts={}, pages=1), at=T1)
    assert {p.state for p in (link, column, blank)} == {ProblemState.OPEN}
    assert link.last_seen_at == T0
    # a crawl cut short by max_pages: the site-level checks were judged, the deep page maybe not read
    service.record_inspection(db, site, result([], T2, truncated=40), at=T2)
    assert link.state == ProblemState.OPEN
    assert column.state == blank.state == ProblemState.RESOLVED
    assert next(p for p in problems(db, site) if p.check == "availability.homepage").state == ProblemState.RESOLVED


def test_an_availability_veto_stays_open_while_the_probes_are_too_few_to_judge(db):
    from yangguang.inspection.checklist import VETO_UNREACHABLE
    from yangguang.inspection.checks.findings import VETO

    org = Org(db)
    site = register(db, org)
    veto = Finding("availability.probes", VETO_UNREACHABLE, HOME, VETO, "近 7 天探测 168 次，17 次未能在 15 秒内打开",
                   evidence(page=HOME, probes=168, failed=17))
    service.record_inspection(db, site, result([veto]), at=T0)
    [problem] = problems(db, site)
    service.record_inspection(db, site, result([probes_insufficient()], T1), at=T1)
    assert problem.state == ProblemState.OPEN
    service.record_inspection(db, site, result([], T2), at=T2)
    assert problem.state == ProblemState.RESOLVED


def test_baselines_are_kept_except_for_a_page_found_changed(db):
    org = Org(db)
    site = register(db, org)
    service.record_inspection(db, site, result([], texts={HOME: "原来的首页文字"}), at=T0)
    service.record_inspection(db, site, result([changed_page()], T1, texts={HOME: "hacked by nobody"}), at=T1)
    [baseline] = db.scalars(select(Baseline).where(Baseline.site_id == site.id)).all()
    assert baseline.text == "原来的首页文字" and baseline.at == T0
    service.record_inspection(db, site, result([], T2, texts={HOME: "改版后的首页文字"}), at=T2)
    assert baseline.text == "改版后的首页文字"


def test_findings_a_site_is_not_scored_on_are_stored_not_followed(db):
    org = Org(db)
    site = register(db, org, has_services=False)
    guide = Finding("services.guide", GUIDE_ELEMENTS, HOME + "bs/1.html", DEDUCTION, "办事指南缺少办理地点",
                    evidence(page=HOME + "bs/1.html"))
    inspection = service.record_inspection(db, site, result([guide], has_services=False), at=T0)
    assert problems(db, site) == []
    assert db.scalar(select(func.count()).select_from(InspectionFinding)
                     .where(InspectionFinding.inspection_id == inspection.id)) == 1


def test_bad_input_writes_nothing(db):
    org = Org(db)
    site = register(db, org)
    with pytest.raises(InvalidInput) as trigger:
        service.record_inspection(db, site, result([sensitive()]), trigger="weekly", at=T0)
    assert trigger.value.field == "trigger"
    with pytest.raises(InvalidInput) as naive:
        service.record_inspection(db, site, result([sensitive()]), at=T0.replace(tzinfo=None))
    assert naive.value.field == "at"
    db.flush()
    assert db.scalar(select(func.count()).select_from(Inspection)) == 0 and problems(db, site) == []


def test_the_fingerprint_is_stable_across_inspections_and_details():
    first, second = broken(HOME + "a.html"), broken(HOME + "a.html")
    assert service.finding_fingerprint(first) == service.finding_fingerprint(second)
    assert service.finding_fingerprint(first) != service.finding_fingerprint(broken(HOME + "b.html"))
    # the column veto names the first stale column as its page: that page is not part of its identity
    one = Finding("freshness.columns", "veto.columns_stale", HOME + "a/", "veto", "5 个", {"columns": ["a"]})
    two = Finding("freshness.columns", "veto.columns_stale", HOME + "b/", "veto", "6 个", {"columns": ["b"]})
    assert service.finding_fingerprint(one) == service.finding_fingerprint(two)


def test_the_read_views(db):
    from yangguang.inspection import queries

    org = Org(db)
    site = register(db, org)
    other = register(db, org, url="http://scj.example.gov.cn/", name="县市场监督管理局网站", unit=org.other_unit)
    service.record_inspection(db, site, result([stale_homepage(), broken(HOME + "a.html")]), at=T0)
    latest = service.record_inspection(db, site, result([broken(HOME + "a.html"), sensitive()], T1), at=T1)
    db.flush()
    assert queries.score_history(db, site.id) == [(date(2026, 3, 2), None, False),
                                                  (date(2026, 3, 9), latest.score, True)]
    # the public sees every active site; staff their organ's; supervisors and administrators all
    assert {r["id"] for r in queries.site_list(db)} == {site.id, other.id}
    assert [r["id"] for r in queries.site_list(db, org.editor)] == [site.id]
    assert [r["id"] for r in queries.site_list(db, org.other_editor)] == [other.id]
    assert {r["id"] for r in queries.site_list(db, org.supervisor)} == {site.id, other.id}
    row = next(r for r in queries.site_list(db) if r["id"] == site.id)
    assert (row["score"], row["qualified"], row["vetoes"], row["open_problems"]) == (str(latest.score), True, 0, 2)
    assert row["next_due"] == date(2026, 3, 16)
    assert next(r for r in queries.site_list(db) if r["id"] == other.id)["inspection_id"] is None

    detail = queries.site_detail(db, HOME)
    assert detail["latest"]["id"] == latest.id and [h["qualified"] for h in detail["history"]] == [False, True]
    with pytest.raises(NotFound):
        queries.site_detail(db, site.id, org.other_editor)

    listed = queries.open_problems(db, site=site.id, now=at("2026-03-24 09:00"))
    assert [p["checklist_item"] for p in listed] == ["availability.links_other", "security.sensitive_words"]
    assert listed[0]["due_day"] == date(2026, 3, 23) and listed[0]["overdue"]
    assert listed[1]["due_day"] == date(2026, 3, 30) and not listed[1]["overdue"]
    assert queries.open_problems(db, person=org.other_editor) == []
    assert len(queries.open_problems(db, unit=org.unit.id)) == 2

    shown = queries.inspection_detail(db, latest.id)
    assert [f["severity"] for f in shown["findings"]] == ["deduction", "deduction"]
    assert shown["findings"][0]["evidence"]["link"] == HOME + "a.html" and shown["findings"][0]["problem_id"]
    with pytest.raises(NotFound):
        queries.inspection_detail(db, 999)
