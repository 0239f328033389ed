"""The annual report's life: the draft, its edited text, publication, and the supervised obligation.

条例 Art. 49: each organ publishes its report on the previous year by 31 January. Once a year has
turned, every active organ gets an obligation ``disclosure.annual_report`` whose clock ``report`` runs
from 1 January and falls due at the end of 31 January (local time); the supervision engine warns
before and cards after (:mod:`yangguang.disclosure.rules.annual_report`). The sweep opens these
obligations by itself during January (:func:`open_due_report_obligations`, a
:func:`~yangguang.supervision.sweep.before_sweep` hook); an organ added to the platform later, or a
deployment starting after January, opens them with :func:`ensure_report_obligations` — the sweep does
not card organs retroactively for a report they could not have filed here.

Sections 一, 五 and 六 are edited by the organ's disclosure office or its head; publication refuses a
report whose figures do not reconcile (naming the cells), freezes the figures (next year's row 二 is
read from them), stops the clock and emits ``disclosure.annual_report_published``. Every function
takes the session, the acting person and ``at``; none commits; every change writes an audit entry.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from yangguang.core import audit
from yangguang.core.calendar import end_of_day
from yangguang.core.clocks import (
    ClockUnit,
    Obligation,
    ObligationState,
    close_obligation,
    local_day,
    open_obligation,
    start_clock,
)
from yangguang.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from yangguang.core.events import Event, emit
from yangguang.core.org import ROLE_LABELS, SYSTEM_ACTOR, Person, Role, Unit, get_person, get_unit
from yangguang.core.settings import get_settings
from yangguang.core.validation import aware
from yangguang.disclosure.annual_report import DRAFT, PUBLISHED, compute, freeze
from yangguang.disclosure.codes import report_format_for
from yangguang.disclosure.models import AnnualReport

REPORT_OBLIGATION = "disclosure.annual_report"
REPORT_CLOCK = "report"
SUBJECT = "disclosure_annual_report"
PUBLISHED_EVENT = "disclosure.annual_report_published"
FIRST_YEAR = 2019  # the revised 条例 (in force 2019-05-15) and the first report format (国办公开办函〔2019〕60号)
EDITOR_ROLES = (Role.DISCLOSURE, Role.UNIT_HEAD)
TEXTS = {"overview": "一、总体情况", "problems": "五、存在的主要问题及改进情况",
         "other_matters": "六、其他需要报告的事项"}
MAX_TEXT = 50_000


# -- checks -------------------------------------------------------------------------------------------

def check_year(year: object, field: str = "year") -> int:
    """A report year: an integer from 2019, when the revised regulation and its report format begin."""
    if not isinstance(year, int) or isinstance(year, bool):
        raise InvalidInput(field, f"年度应为整数年份（如 2026），输入值为 {year!r}")
    if year < FIRST_YEAR:
        raise InvalidInput(field, f"政府信息公开工作年度报告自 {FIRST_YEAR} 年度起按现行条例编制，不能为 {year} 年度")
    return year


def _require_over(year: int, at: datetime) -> None:
    if local_day(at) <= date(year, 12, 31):
        raise InvalidInput("year", f"{year} 年度尚未结束，年度报告须在次年公布")


def report_due(year: int) -> datetime:
    """The end of 31 January of the next year, local time [条例 Art. 49]: the due moment of the report
    clock that :func:`ensure_report_obligations` starts. Where an organ's report has that clock, its
    lateness is read from the clock; this is for a report without one, and for the sweep's hook."""
    return end_of_day(date(year + 1, 1, 31), get_settings().zone)


def _unit(session: Session, unit: Unit | str | int) -> Unit:
    return unit if isinstance(unit, Unit) else get_unit(session, unit, "org")


def _editor(session: Session, person: Person | str, unit_id: int) -> Person:
    """The organ's disclosure office or head: the only people who write its report."""
    person = person if isinstance(person, Person) else get_person(session, person)
    if not person.active:
        raise NotFound("actor", f"人员 {person.login!r} 已停用")
    if person.unit_id != unit_id or not any(person.has_role(r) for r in EDITOR_ROLES):
        roles = "或".join(ROLE_LABELS[r] for r in EDITOR_ROLES)
        raise Forbidden("actor", f"{person.label} 无权编制该机关的年度报告（须为本机关{roles}）")
    return person


# -- the report row -----------------------------------------------------------------------------------
def _new_report(session: Session, unit: Unit, year: int, at: datetime, actor: str) -> AnnualReport:
    row = AnnualReport(unit_id=unit.id, year=year, format_version=report_format_for(year).value, overview="",
                       problems="", other_matters="", state=DRAFT, updated_at=at)
    session.add(row)
    audit.record(session, actor=actor, action="disclosure.annual_report_drafted", entity=SUBJECT, entity_id=row,
                 data={"unit": unit.code, "year": year, "format": row.format_version}, at=at)
    return row


def get_or_create_draft(session: Session, person: Person | str, unit: Unit | str | int, year: int,
                        at: datetime) -> AnnualReport:
    """The organ's report for ``year`` (a draft is created on first use; the current year may be
    drafted, not a future one)."""
    at, year, unit = aware(at), check_year(year), _unit(session, unit)
    if year > local_day(at).year:
        raise InvalidInput("year", f"{year} 年度尚未开始")
    person = _editor(session, person, unit.id)
    row = session.scalar(select(AnnualReport).where(AnnualReport.unit_id == unit.id, AnnualReport.year == year))
    if row is None:
        row = _new_report(session, unit, year, at, person.login)
        session.flush()
    return row


def edit_text(session: Session, person: Person | str, report: AnnualReport, *, overview: str | None = None,
              problems: str | None = None, other_matters: str | None = None, at: datetime) -> AnnualReport:
    """Replace the text of sections 一, 五 and/or 六 (those given) of a draft."""
    at = aware(at)
    person = _editor(session, person, report.unit_id)
    if report.state == PUBLISHED:
        raise Conflict("report", f"{report.year} 年度报告已公开，不能修改")
    given = {"overview": overview, "problems": problems, "other_matters": other_matters}
    changed = {}
    for field, value in given.items():
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidInput(field, f"“{TEXTS[field]}”应为文字")
        if len(value) > MAX_TEXT:
            raise InvalidInput(field, f"“{TEXTS[field]}”不能超过 {MAX_TEXT} 个字符")
        if value.strip() != getattr(report, field):
            changed[field] = value.strip()
    if not changed:
        return report
    for field, value in changed.items():
        setattr(report, field, value)
    report.updated_at = at
    audit.record(session, actor=person.login, action="disclosure.annual_report_edited", entity=SUBJECT,
                 entity_id=report.id, data={"year": report.year, **changed}, at=at)
    return report


def publish(session: Session, person: Person | str, report: AnnualReport, at: datetime) -> AnnualReport:
    """Publish: refused for a year not yet over, a second time, without the text sections, or when the
    figures do not reconcile (the Conflict names the cells); nothing is written then."""
    at = aware(at)
    person = _editor(session, person, report.unit_id)
    if report.state == PUBLISHED:
        raise Conflict("report", f"{report.year} 年度报告已于 {local_day(report.published_at).isoformat()} 公开，"
                                 "不能重复公开")
    _require_over(report.year, at)
    for field, label in TEXTS.items():
        if not getattr(report, field).strip():
            raise InvalidInput(field, f"请先填写“{label}”")
    unit = session.get(Unit, report.unit_id)
    computed = compute(session, unit, report.year)
    if not computed.reconciles:
        cells = "；".join(d.describe() for d in computed.discrepancies)
        raise Conflict("figures", f"年度报告数据核对未通过，不能公开：{cells}")
    obligation = session.get(Obligation, report.obligation_id) if report.obligation_id else None
    clock = next((c for c in obligation.clocks if c.kind == REPORT_CLOCK), None) if obligation else None
    late = clock.is_overdue(at) if clock is not None else at >= report_due(report.year)
    report.state, report.figures, report.published_at, report.updated_at = PUBLISHED, freeze(computed), at, at
    if obligation is not None and obligation.state == ObligationState.OPEN:
        close_obligation(session, obligation, at=at, actor=person.login)
    audit.record(session, actor=person.login, action=PUBLISHED_EVENT, entity=SUBJECT, entity_id=report.id,
                 data={"unit": unit.code, "year": report.year, "format": computed.format.value, "late": late,
                       "carry_forward": computed.carry_forward}, at=at)
    emit(session, Event(PUBLISHED_EVENT, SUBJECT, str(report.id), unit_id=unit.id, person_id=person.id,
                        obligation_id=report.obligation_id, at=at,
                        data={"year": report.year, "organ": unit.name, "format": computed.format.value,
                              "late": late}))
    return report


# -- the supervised obligation ------------------------------------------------------------------------
def ensure_report_obligations(session: Session, year: int, at: datetime) -> int:
    """Open, for every active organ without one, the obligation of its report on ``year`` (clock
    ``report``: natural days from 1 January, due at the end of 31 January [条例 Art. 49]); organs whose
    report is already published get none. Idempotent; returns how many were opened."""
    at, year = aware(at), check_year(year)
    _require_over(year, at)
    covered = exists().where(AnnualReport.unit_id == Unit.id, AnnualReport.year == year,
                             or_(AnnualReport.obligation_id.is_not(None), AnnualReport.state == PUBLISHED))
    units = session.scalars(select(Unit).where(Unit.active, ~covered).order_by(Unit.id)).all()
    if not units:
        return 0
    drafts = {r.unit_id: r for r in session.scalars(select(AnnualReport).where(
        and_(AnnualReport.year == year, AnnualReport.unit_id.in_([u.id for u in units]))))}
    for unit in units:
        if unit.id not in drafts:
            drafts[unit.id] = _new_report(session, unit, year, at, SYSTEM_ACTOR)
    session.flush()
    start = datetime.combine(date(year + 1, 1, 1), time(0), get_settings().zone).astimezone(UTC)
    days = (date(year + 1, 1, 31) - date(year + 1, 1, 1)).days  # day one is 2 January: due the end of 31 January
    opened = []
    for unit in units:
        row = drafts[unit.id]
        obligation = open_obligation(session, kind=REPORT_OBLIGATION, subject=SUBJECT, subject_id=row.id,
                                     title=f"{unit.name}{year}年度政府信息公开工作年度报告", unit_id=unit.id,
                                     at=at, actor=SYSTEM_ACTOR)
        start_clock(session, obligation, kind=REPORT_CLOCK, unit=ClockUnit.NATURAL_DAYS, limit=days, start_at=start,
                    actor=SYSTEM_ACTOR)
        opened.append((row, obligation))
    session.flush()
    for row, obligation in opened:
        row.obligation_id = obligation.id
    return len(opened)


def open_due_report_obligations(session: Session, at: datetime) -> int:
    """The sweep's hook: in January, until the report falls due, open the obligations of the reports
    on the year just ended (one query when there is nothing to do; nothing at all the rest of the year)."""
    year = local_day(at).year - 1
    if year < FIRST_YEAR or at >= report_due(year):
        return 0
    return ensure_report_obligations(session, year, at)
