"""Read-only queries of proactive disclosure: the public catalogue (政府信息公开目录), the organs'
disclosure guides (政府信息公开指南) [政府信息公开条例 Art. 12] and the staff's work list.

The public sees published items only (withdrawn ones are off the portal; repealed ones stay, marked).
Search is a case-insensitive substring match (SQL ``LIKE`` on SQLite, ``ILIKE`` on PostgreSQL) of every
word of the query in the title, document number, subject words or body — enough for an organ's
catalogue of some thousands of items; a full-text index is the step after it. Nothing here changes
state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from yangguang.core.clocks import Clock, local_day
from yangguang.core.errors import Forbidden, InvalidInput, NotFound
from yangguang.core.org import Person, Role, Unit
from yangguang.core.settings import get_settings
from yangguang.disclosure.codes import CATEGORIES, PUBLICATION_STATE_LABELS, PublicationState
from yangguang.disclosure.models import DisclosureGuide, Publication
from yangguang.disclosure.service.publications import PROACTIVE_CLOCK, default_guide_text

MAX_PER_PAGE = 100


@dataclass(frozen=True)
class CatalogueEntry:
    """One line of the public catalogue: the catalogue data of a published item."""

    id: int
    index_number: str
    title: str
    category: str
    category_label: str
    unit_id: int
    unit_name: str
    document_type: str
    document_number: str
    subject_words: str
    formed_on: date
    published_on: date
    repealed_on: date | None


@dataclass(frozen=True)
class StaffEntry:
    """One line of the staff's list, with the Art. 26 deadline (None while nothing runs)."""

    id: int
    title: str
    state: str
    state_label: str
    unit_name: str
    drafter_name: str
    category: str
    formed_on: date
    due_on: date | None
    index_number: str | None
    updated_at: datetime


class Guide(NamedTuple):
    text: str
    office_address: str
    office_hours: str
    phone: str


# -- checks ---------------------------------------------------------------------------------------------
def _positive(value: object, field: str, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(field, f"应为正整数，输入值为 {value!r}")
    if maximum is not None and value > maximum:
        raise InvalidInput(field, f"不能大于 {maximum}")
    return value


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(query: Select, q: str | None) -> Select:
    """Every word of ``q`` in the title, document number, subject words or body."""
    if q is None:
        return query
    if not isinstance(q, str) or len(q) > 200:
        raise InvalidInput("q", "检索词应为不超过 200 个字符的文本")
    for term in q.split():
        pattern = _like(term)
        query = query.where(or_(*(column.ilike(pattern, escape="\\") for column in (
            Publication.title, Publication.document_number, Publication.subject_words, Publication.body))))
    return query


def _page(session: Session, query: Select, order: tuple[Any, ...], page: int, per_page: int) -> tuple[list, int]:
    page, per_page = _positive(page, "page"), _positive(per_page, "per_page", MAX_PER_PAGE)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.execute(query.order_by(*order).offset((page - 1) * per_page).limit(per_page)).all()
    return rows, total


# -- the public catalogue ---------------------------------------------------------------------------------
_CATALOGUE = (select(Publication.id, Publication.index_number, Publication.title, Publication.category,
                     Publication.unit_id, Unit.name.label("unit_name"), Publication.document_type,
                     Publication.document_number, Publication.subject_words, Publication.formed_on,
                     Publication.published_at, Publication.repealed_on)
              .join(Unit, Unit.id == Publication.unit_id)
              .where(Publication.state == PublicationState.PUBLISHED))


def public_catalogue(session: Session, *, unit_id: int | None = None, category: str | None = None,
                     year: int | None = None, q: str | None = None, page: int = 1,
                     per_page: int = 20) -> tuple[list[CatalogueEntry], int]:
    """Published items, newest first, filtered by organ, category, year of publication and words;
    returns one page and the number of matching items."""
    query = _CATALOGUE
    if unit_id is not None:
        query = query.where(Publication.unit_id == _positive(unit_id, "unit_id"))
    if category is not None:
        if category not in CATEGORIES:
            raise InvalidInput("category", f"{category!r} 不是公开目录的类别")
        query = query.where(Publication.category == category)
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 9998:
            raise InvalidInput("year", f"年份应为 2000–9998 之间的整数，输入值为 {year!r}")
        zone = get_settings().zone
        query = query.where(Publication.published_at >= datetime(year, 1, 1, tzinfo=zone),
                            Publication.published_at < datetime(year + 1, 1, 1, tzinfo=zone))
    rows, total = _page(session, _search(query, q), (Publication.published_at.desc(), Publication.id.desc()),
                        page, per_page)
    return [CatalogueEntry(id=r.id, index_number=r.index_number, title=r.title, category=r.category,
                           category_label=CATEGORIES[r.category], unit_id=r.unit_id, unit_name=r.unit_name,
                           document_type=r.document_type, document_number=r.document_number,
                           subject_words=r.subject_words, formed_on=r.formed_on,
                           published_on=local_day(r.published_at), repealed_on=r.repealed_on)
            for r in rows], total


def publication_by_index(session: Session, index_number: str) -> Publication:
    """A published item by its index number (索引号), with its organ."""
    publication = session.scalar(select(Publication).options(joinedload(Publication.unit))
                                 .where(Publication.index_number == index_number,
                                        Publication.state == PublicationState.PUBLISHED))
    if publication is None:
        raise NotFound("index_number", f"索引号为 {index_number!r} 的公开信息不存在")
    return publication


def units_with_publications(session: Session) -> list[tuple[Unit, int]]:
    """The organs that have published items, with how many, in the order of their codes."""
    query = (select(Unit, func.count(Publication.id)).join(Publication, Publication.unit_id == Unit.id)
             .where(Publication.state == PublicationState.PUBLISHED).group_by(Unit.id).order_by(Unit.code))
    return [(unit, count) for unit, count in session.execute(query)]


def guide_for(session: Session, unit: Unit) -> Guide:
    """The organ's disclosure guide; the standard text while it has not written one."""
    guide = session.scalar(select(DisclosureGuide).where(DisclosureGuide.unit_id == unit.id))
    if guide is None:
        return Guide(default_guide_text(unit), "", "", "")
    return Guide(guide.text, guide.office_address, guide.office_hours, guide.phone)


# -- the staff's list -------------------------------------------------------------------------------------
_DRAFTER = Person.__table__.alias("drafter")
_STAFF = (select(Publication.id, Publication.title, Publication.state, Unit.name.label("unit_name"),
                 _DRAFTER.c.name.label("drafter_name"), Publication.category, Publication.formed_on,
                 Clock.due_at, Publication.index_number, Publication.updated_at)
          .join(Unit, Unit.id == Publication.unit_id)
          .join(_DRAFTER, _DRAFTER.c.id == Publication.drafter_id)
          .outerjoin(Clock, and_(Clock.obligation_id == Publication.obligation_id, Clock.kind == PROACTIVE_CLOCK)))


def staff_list(session: Session, person: Person, *, state: str | None = None, q: str | None = None, page: int = 1,
               per_page: int = 20) -> tuple[list[StaffEntry], int]:
    """Items in every state for the staff, most recently changed first: the person's own organ for its
    disclosure staff and head, every organ for supervisors and administrators."""
    query = _STAFF
    if not (person.has_role(Role.SUPERVISOR) or person.has_role(Role.ADMIN)):
        if not (person.has_role(Role.DISCLOSURE) or person.has_role(Role.UNIT_HEAD)):
            raise Forbidden("actor", f"{person.label} 无权查看主动公开事项"
                                     "（须为政务公开办人员、单位负责人、纪检监察或系统管理员）")
        query = query.where(Publication.unit_id == person.unit_id)
    if state is not None:
        if state not in {s.value for s in PublicationState}:
            raise InvalidInput("state", f"{state!r} 不是公开事项的状态")
        query = query.where(Publication.state == state)
    rows, total = _page(session, _search(query, q), (Publication.updated_at.desc(), Publication.id.desc()),
                        page, per_page)
    return [StaffEntry(id=r.id, title=r.title, state=r.state, state_label=PUBLICATION_STATE_LABELS[r.state],
                       unit_name=r.unit_name, drafter_name=r.drafter_name, category=r.category,
                       formed_on=r.formed_on, due_on=local_day(r.due_at - timedelta(microseconds=1))
                       if r.due_at else None, index_number=r.index_number, updated_at=r.updated_at)
            for r in rows], total
