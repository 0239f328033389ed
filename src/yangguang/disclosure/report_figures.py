"""The figures of the annual report, aggregated in the database (one GROUP BY query per table).

An organ's report covers one calendar year in local time (Asia/Shanghai by default): dates compare
with 1 January … 31 December, moments with the local midnights that bound the year. Where each figure
comes from is documented on the function that computes it; the queries touch only the organ's rows
through the indexes on ``(unit_id, received_on)`` and ``(unit_id, filed_on)`` and group the rows in
SQL, so a million applications cost one pass in the database and a handful of result rows in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from yangguang.core.settings import get_settings
from yangguang.disclosure.codes import DocumentType, RemedyResult
from yangguang.disclosure.models import Application, Publication, Remedy
from yangguang.disclosure.report_tables import PublicationFigures


@dataclass(frozen=True)
class YearBounds:
    first: date
    last: date
    start: datetime  # local midnight opening the year, in UTC
    end: datetime  # local midnight closing it (exclusive)


def year_bounds(year: int) -> YearBounds:
    zone = get_settings().zone
    start = datetime.combine(date(year, 1, 1), time(0), zone).astimezone(UTC)
    end = datetime.combine(date(year + 1, 1, 1), time(0), zone).astimezone(UTC)
    return YearBounds(date(year, 1, 1), date(year, 12, 31), start, end)


def _count(condition) -> object:
    return func.sum(case((condition, 1), else_=0))


@dataclass(frozen=True)
class ApplicationFigures:
    """Section 三 per applicant kind (``outcomes``: REPORT_ROWS key → kind → count)."""

    new: dict[str, int]
    pending_at_start: dict[str, int]  # the data's own carry-in: received before the year, open on 1 January
    outcomes: dict[str, dict[str, int]]
    concluded: dict[str, int]
    carried_out: dict[str, int]
    fees_paid: int  # applications whose information-processing fee was paid in the year
    fees_fen: int


def application_query(unit_id: int, year: int) -> Select:
    """The one aggregate query of :func:`application_figures`: per applicant kind and outcome row, the
    applications new in the year, received before it, concluded in it, open at its end, and the fees
    paid in it. Grouped by plain columns (about 6 × 22 groups, which the planner estimates from the
    column statistics and hashes), the year's conditions inside the sums."""
    a = Application.__table__.c
    b = year_bounds(year)
    concluded = and_(a.concluded_on >= b.first, a.concluded_on <= b.last)
    paid = and_(a.fee_paid_on >= b.first, a.fee_paid_on <= b.last)
    return (select(a.applicant_kind, a.outcome_row, _count(a.received_on >= b.first), _count(a.received_on < b.first),
                   _count(concluded), _count(or_(a.concluded_on.is_(None), a.concluded_on > b.last)), _count(paid),
                   func.sum(case((paid, a.fee_fen), else_=0)))
            .where(a.unit_id == unit_id, a.received_on <= b.last,
                   or_(a.concluded_on.is_(None), a.concluded_on >= b.first))
            .group_by(a.applicant_kind, a.outcome_row))


def application_figures(session: Session, unit_id: int, year: int) -> ApplicationFigures:
    """Section 三 from ``disclosure_application`` [国办公开办函〔2021〕30号]:

    * 一 new: received (date of receipt, 条例 Art. 31) in the year;
    * the data's carry-in: received before the year and not concluded before it;
    * 三 results: concluded in the year, by ``outcome_row`` (the REPORT_ROWS key of the outcome);
      （七）总计 is the count of applications concluded in the year, so an outcome without a report row
      shows as a discrepancy instead of disappearing;
    * 四 carried to next year: received by 31 December and not concluded by then;
    * section 六's information-processing fees [国办函〔2020〕109号]: fees paid in the year.

    Applications not yet received (no date of receipt) are not counted anywhere.
    """
    new, before, total, carried = defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(int)
    outcomes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    fees_paid = fees_fen = 0
    rows = session.execute(application_query(unit_id, year))
    for kind, row, n_new, n_before, n_concluded, n_open, n_paid, fen in rows:
        new[kind] += int(n_new or 0)
        before[kind] += int(n_before or 0)
        total[kind] += int(n_concluded or 0)
        carried[kind] += int(n_open or 0)
        if row is not None and n_concluded:  # the outcome row counts only for those concluded in the year
            outcomes[row][kind] += int(n_concluded)
        fees_paid += int(n_paid or 0)
        fees_fen += int(fen or 0)
    return ApplicationFigures(dict(new), dict(before), {k: dict(v) for k, v in outcomes.items()}, dict(total),
                              dict(carried), fees_paid, fees_fen)


def remedy_counts(session: Session, unit_id: int, year: int) -> dict[str, dict[str, int]]:
    """Section 四 from ``disclosure_remedy``: kind → result → count.

    Counting rule (documented in the report's note): a remedy concluded in the year counts under its
    result (结果维持, 结果纠正, 其他结果); one filed by 31 December and not concluded by then — filed
    this year or earlier — counts as 尚未审结. Every remedy is thus counted once with its final result,
    and in each earlier year's report it was pending at the end of.
    """
    m = Remedy.__table__.c
    b = year_bounds(year)
    concluded = and_(m.concluded_on >= b.first, m.concluded_on <= b.last)
    results = (RemedyResult.UPHELD, RemedyResult.CORRECTED, RemedyResult.OTHER)
    columns = [_count(and_(concluded, m.result == result)) for result in results]
    query = (select(m.kind, func.count(), *columns)
             .where(m.unit_id == unit_id, m.filed_on <= b.last,
                    or_(m.concluded_on.is_(None), m.concluded_on >= b.first))
             .group_by(m.kind))
    counts: dict[str, dict[str, int]] = {}
    for kind, everything, *decided in session.execute(query):
        by_result = {result.value: int(n or 0) for result, n in zip(results, decided, strict=True)}
        by_result[RemedyResult.PENDING.value] = int(everything) - sum(by_result.values())
        counts[kind] = by_result
    return counts


# Section 二 rows and the publications that make them.
_DOCUMENT_ROWS = {DocumentType.REGULATION.value: "regulation", DocumentType.NORMATIVE.value: "normative"}
_CATEGORY_ROWS = {"06": "penalty", "07": "coercion"}  # codes.CATEGORIES 行政处罚, 行政强制


def publication_figures(session: Session, unit_id: int, year: int) -> PublicationFigures:
    """Section 二 from ``disclosure_publication`` of the organ (published means ``published_at`` set:
    taking an item off the portal later does not unpublish a regulation; repealing it does):

    * 规章 / 行政规范性文件 (``document_type``): published in the year; repealed (``repealed_on``) in
      the year; in force = published by 31 December and not repealed by then; made (``formed_on``) in
      the year, for the 2019 format's 本年新制作数量;
    * 行政处罚 / 行政强制 (categories 06 / 07): each decision published in the year is one decision —
      an approximation until a penalty module records the decisions themselves.
    """
    p = Publication.__table__.c
    b = year_bounds(year)
    published = p.published_at.is_not(None)
    columns = [
        _count(and_(p.published_at >= b.start, p.published_at < b.end)),
        _count(and_(published, p.published_at < b.end, p.repealed_on >= b.first, p.repealed_on <= b.last)),
        _count(and_(published, p.published_at < b.end, or_(p.repealed_on.is_(None), p.repealed_on > b.last))),
        _count(and_(p.formed_on >= b.first, p.formed_on <= b.last)),
    ]
    query = (select(p.document_type, p.category, *columns)
             .where(p.unit_id == unit_id,
                    or_(p.document_type.in_(list(_DOCUMENT_ROWS)), p.category.in_(list(_CATEGORY_ROWS))))
             .group_by(p.document_type, p.category))
    figures: list[dict[str, int]] = [defaultdict(int) for _ in columns]
    for document_type, category, *counts in session.execute(query):
        for key in (_DOCUMENT_ROWS.get(document_type), _CATEGORY_ROWS.get(category)):
            if key is not None:
                for target, n in zip(figures, counts, strict=True):
                    target[key] += int(n or 0)
    published_n, repealed, in_force, formed = (dict(f) for f in figures)
    return PublicationFigures(published_n, repealed, in_force, formed)
