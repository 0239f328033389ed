"""Government information disclosure (政务公开) in the demo county, from 2 January 2025 to the end of the
simulated year: every organ's guide, the county's sensitive-word list, proactive disclosure
(:mod:`.disclosure_publications`), applications and remedies (:mod:`.disclosure_applications`), and the
annual reports — the 2024 and 2025 reports published each January (a few organs late, so the sweep
cards them), the 2026 drafts begun in November.

:func:`schedule_all` puts every act into the simulation's queue; the build's day loop runs them in time
order with the supervision sweep every morning, so each deadline and card comes from the real rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yangguang.core.org import Unit
from yangguang.demo import disclosure_applications as applications
from yangguang.demo import disclosure_publications as publications
from yangguang.demo.simulation import ZONE, Simulation, workdays
from yangguang.disclosure.models import AnnualReport, Application, Publication, PublicationReview, Remedy
from yangguang.disclosure.service import annual_report as reports
from yangguang.disclosure.service import publications as pubs
from yangguang.supervision.models import Card

FIRST_DAY = date(2025, 1, 2)
FULL_PUBLICATIONS, FULL_APPLICATIONS, FULL_CASES = 780, 330, 6000
LATE_REPORTS = ("TJJ", "DAG")  # organs whose 2025 report is published in February 2026


@dataclass
class DisclosureStats:
    """What the run did that the database does not tell (the rest of the summary is read back from it)."""

    publications: publications.PublicationStats = field(default_factory=publications.PublicationStats)
    applications: applications.ApplicationStats = field(default_factory=applications.ApplicationStats)


def sizes(cases: int) -> tuple[int, int]:
    """Publications and applications for a build of ``cases`` approval cases (the full county at 6000)."""
    share = min(1.0, cases / FULL_CASES)
    return max(60, round(FULL_PUBLICATIONS * share)), max(40, round(FULL_APPLICATIONS * share))


def schedule_all(session: Session, sim: Simulation, *, cases: int, last_day: date, end: datetime) -> DisclosureStats:
    stats = DisclosureStats()
    rng = sim.rng
    units = {u.code: u for u in session.scalars(select(Unit).where(Unit.active).order_by(Unit.id))}
    organs = {code: u for code, u in units.items() if code not in publications.NOT_PUBLISHING}
    days = workdays(sim.calendar, FIRST_DAY, last_day)
    n_publications, n_applications = sizes(cases)

    sim.schedule(datetime.combine(FIRST_DAY, time(9, 5), ZONE), _setup(sim, organs))

    candidates = publications.plan(rng, {c: u.name for c, u in organs.items()}, days, n_publications, last_day)
    runs = []
    for candidate in candidates:
        run = publications.PublicationRun(sim, candidate, organs[candidate.unit].id, stats.publications, end)
        run.start()
        runs.append(run)
    for run in rng.sample([r for r in runs if r.c.formed_on < date(2026, 6, 1) and not r.c.repeal], 2):
        sim.schedule(sim.office_moment(sim.calendar.add_workdays(run.c.formed_on, 30)), run.withdraw)

    heads = {c for c, u in organs.items() if sim.staff.has(u.id, "unit_head")}
    requests = applications.plan(rng, {c: u.id for c, u in organs.items()}, heads,
                                 [d for d in days if d < last_day - timedelta(days=3)], n_applications)
    for request in requests:
        unit = organs[request.organ]
        applications.ApplicationRun(sim, request, unit.id, unit.name, stats.applications).start()

    windows = ((2024, date(2025, 1, 6), date(2025, 1, 23)), (2025, date(2026, 1, 12), date(2026, 1, 28)))
    for year, first, last in windows:
        for code, unit in units.items():
            if year == 2025 and code in LATE_REPORTS:
                day = rng.choice(workdays(sim.calendar, date(2026, 2, 9), date(2026, 2, 13)))
            else:
                day = rng.choice(workdays(sim.calendar, first, last))
            sim.schedule(sim.office_moment(day), _report(sim, unit, year))
    for unit in organs.values():
        day = rng.choice(workdays(sim.calendar, last_day - timedelta(days=14), last_day))
        sim.schedule(sim.office_moment(day), _draft_2026(sim, unit))
    return stats


def _setup(sim: Simulation, organs: dict[str, Unit]):
    """The county's sensitive words (the administrator) and every organ's guide (its disclosure office)."""
    def act(session: Session, at: datetime) -> None:
        admin = next(p for (_u, role), people in sim.staff.by_unit_role.items() if role == "admin" for p in people)
        pubs.add_sensitive_words(session, admin, publications.SENSITIVE_WORDS, at=at)
        for code, unit in sorted(organs.items()):
            officer = sim.staff.pick(sim.rng, unit.id, "disclosure")
            room = sim.rng.randint(1, 6) * 100 + sim.rng.randint(1, 20)
            pubs.set_guide(session, officer, unit, text=pubs.default_guide_text(unit),
                           office_address=f"青山县{sim.rng.choice(publications.ROADS)}{sim.rng.randint(1, 200)}号"
                                          f"{publications.short(unit.name)}{room}室",
                           office_hours="工作日 8:30—12:00，14:30—17:30（法定节假日除外）",
                           phone=f"0571-8{sim.rng.randrange(10**6):06d}", at=at + timedelta(minutes=len(code)))
    return act


def _counts(session: Session, unit: Unit, year: int) -> tuple[int, int]:
    start, end = datetime(year, 1, 1, tzinfo=ZONE), datetime(year + 1, 1, 1, tzinfo=ZONE)
    published = session.scalar(select(func.count()).select_from(Publication).where(
        Publication.unit_id == unit.id, Publication.published_at >= start, Publication.published_at < end))
    received = session.scalar(select(func.count()).select_from(Application).where(
        Application.unit_id == unit.id, Application.received_on >= date(year, 1, 1),
        Application.received_on <= date(year, 12, 31)))
    return published, received


def texts(unit: Unit, year: int, published: int, received: int) -> dict[str, str]:
    """Sections 一, 五 and 六 of a report, as an organ's disclosure office writes them."""
    name = unit.name
    overview = (
        f"{year}年，{name}深入贯彻落实《中华人民共和国政府信息公开条例》，按照县委、县政府关于政务公开工作的部署，"
        f"坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。\n"
        f"（一）主动公开。全年通过政府信息公开平台主动公开政府信息{published}条，所有信息发布前均经保密审查"
        "（先审查、后公开、一事一审）。\n"
        f"（二）依申请公开。全年新收政府信息公开申请{received}件，均依法在法定期限内或经延期后作出答复，具体情况见第三部分。\n"
        "（三）政府信息管理。规范公开目录和索引号编制，及时更新政府信息公开指南，对行政规范性文件实行动态清理。\n"
        "（四）平台建设。依托全县统一的政务公开平台发布信息，公开内容可按机关、类别、年份检索。\n"
        "（五）监督保障。将政务公开工作纳入年度目标责任考核，接受电子监察系统实时监督。")
    problems = (
        "存在的主要问题：一是个别信息公开不够及时，存在超过20个工作日发布的情况；二是部分信息的解读形式较为单一；"
        "三是依申请公开答复文书的规范化水平有待进一步提高。\n"
        f"改进措施：{year + 1}年，我单位将加强发布前的时限提醒和保密审查培训，落实专人负责制度，"
        "丰富图文、音视频等解读形式，"
        "进一步规范答复文书格式和法律依据的援引。")
    other = ("本年度依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取的信息处理费情况见平台统计；"
             "本年度无其他需要报告的事项。")
    return {"overview": overview, "problems": problems, "other_matters": other}


def _report(sim: Simulation, unit: Unit, year: int):
    def act(session: Session, at: datetime) -> None:
        editor = sim.staff.pick(sim.rng, unit.id, "disclosure")
        report = reports.get_or_create_draft(session, editor, unit, year, at)
        reports.edit_text(session, editor, report, **texts(unit, year, *_counts(session, unit, year)), at=at)
        reports.publish(session, editor, report, at + timedelta(minutes=sim.rng.randint(20, 120)))
    return act


def _draft_2026(sim: Simulation, unit: Unit):
    def act(session: Session, at: datetime) -> None:
        editor = sim.staff.pick(sim.rng, unit.id, "disclosure")
        report = reports.get_or_create_draft(session, editor, unit, 2026, at)
        if sim.rng.random() < 0.5:  # some offices have begun writing
            overview = texts(unit, 2026, *_counts(session, unit, 2026))["overview"]
            reports.edit_text(session, editor, report, overview=overview, at=at)
    return act


def summary(session: Session, stats: DisclosureStats) -> dict[str, Any]:
    """The disclosure figures of the built county."""

    def grouped(*columns, where=None) -> dict:
        query = select(*columns, func.count()).group_by(*columns)
        if where is not None:
            query = query.where(where)
        return {"/".join(str(v) for v in row[:-1]): row[-1] for row in session.execute(query).all()}

    rejected = session.scalar(select(func.count(func.distinct(PublicationReview.publication_id)))
                              .where(PublicationReview.verdict == "reject"))
    sample_pub = session.scalar(select(Publication.index_number).where(Publication.state == "published")
                                .order_by(Publication.published_at.desc()).limit(1))
    sample_app = session.execute(select(Application.number, Application.query_code)
                                 .order_by((Application.state == "in_progress").desc(), Application.id.desc())
                                 .limit(1)).first()
    late_reports = session.scalar(select(func.count()).select_from(AnnualReport).where(
        AnnualReport.state == "published", AnnualReport.year == 2025,
        AnnualReport.published_at >= reports.report_due(2025)))
    return {
        "publications": {"by_state": grouped(Publication.state), "by_category": grouped(Publication.category),
                         "rejected_in_review": rejected, "findings_fixed": stats.publications.rejected_then_fixed,
                         "findings_by_kind": stats.publications.by_finding,
                         "late": stats.publications.late,
                         "repealed": session.scalar(select(func.count()).select_from(Publication)
                                                    .where(Publication.repealed_on.is_not(None)))},
        "applications": {
            "by_state": grouped(Application.state),
            "by_outcome": grouped(Application.outcome, where=Application.outcome.is_not(None)),
            "by_channel": grouped(Application.channel), "by_applicant": grouped(Application.applicant_kind),
            "late": session.scalar(select(func.count()).select_from(Application).where(Application.late)),
            "corrections": stats.applications.corrections, "abandoned": stats.applications.abandoned,
            "consultations": stats.applications.consultations, "extensions": stats.applications.extensions,
            "fees": stats.applications.fees},
        "remedies": grouped(Remedy.kind, Remedy.result),
        "reports": {"published": grouped(AnnualReport.year, where=AnnualReport.state == "published"),
                    "drafts": grouped(AnnualReport.year, where=AnnualReport.state != "published"),
                    "late_2025": late_reports},
        "cards": grouped(Card.rule_code, where=Card.rule_code.like("disclosure.%")),
        "sample_publication": sample_pub,
        "sample_application": {"number": sample_app[0], "query_code": sample_app[1]} if sample_app else None,
    }
