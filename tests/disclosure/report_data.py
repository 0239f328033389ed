"""Rows for the annual report's tests, inserted directly (the report reads the tables, not the services)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from tests.factories import at, make_person, make_unit
from yangguang.approval.models import Case, FeeCharge, Item
from yangguang.core.org import Person, Unit
from yangguang.disclosure.models import Application, Publication, Remedy

_numbers = itertools.count(1)


@dataclass
class Organ:
    unit: Unit
    officer: Person  # 政务公开办 of the organ
    head: Person
    clerk: Person  # a member of staff without the right to write the report
    other_unit: Unit
    outsider: Person  # 政务公开办 of another organ


def make_organ(session: Session) -> Organ:
    unit = make_unit(session, "SCJ", "县市场监督管理局")
    other = make_unit(session, "ZJJ", "县住房和城乡建设局")
    return Organ(unit=unit, officer=make_person(session, unit, "gkb", ["disclosure"], "张公开"),
                 head=make_person(session, unit, "head", ["unit_head"], "李局长"),
                 clerk=make_person(session, unit, "clerk", ["clerk"], "王窗口"), other_unit=other,
                 outsider=make_person(session, other, "zjj_gkb", ["disclosure"], "赵公开"))


def _day(value: str | date | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def application(session: Session, unit: Unit, received: str | None, *, kind: str = "natural_person",
                concluded: str | None = None, row: str | None = None, fee_fen: int = 0,
                fee_paid_on: str | None = None) -> Application:
    """An application received on ``received`` (None: not yet received), concluded on ``concluded``
    with the report row ``row``."""
    n = next(_numbers)
    item = Application(
        number=f"YSQ-T{n:06d}", query_code="ABCDEF", unit_id=unit.id, channel="in_person",
        submitted_at=at(f"{received or '2026-01-05'} 09:00"), received_on=_day(received), applicant_kind=kind,
        applicant_name=f"申请人{n}", applicant_key=f"key{n}", content="所需信息", state="concluded" if concluded else
        "in_progress", outcome=row, outcome_row=row, concluded_on=_day(concluded), fee_fen=fee_fen,
        fee_paid_on=_day(fee_paid_on), created_at=at("2026-01-05 09:00"))
    session.add(item)
    session.flush()
    return item


def publication(session: Session, unit: Unit, drafter: Person, *, category: str = "02",
                document_type: str = "other", formed: str = "2026-01-05", published: str | None = None,
                repealed: str | None = None) -> Publication:
    """A publication formed on ``formed``, published at the local moment ``published`` (None: not)."""
    n = next(_numbers)
    item = Publication(
        unit_id=unit.id, title=f"文件{n}", category=category, document_type=document_type, formed_on=_day(formed),
        repealed_on=_day(repealed), state="published" if published else "draft",
        index_number=f"T-{n:06d}" if published else None, published_at=at(published) if published else None,
        drafter_id=drafter.id, created_at=at("2026-01-05 09:00"), updated_at=at("2026-01-05 09:00"))
    session.add(item)
    session.flush()
    return item


def remedy(session: Session, unit: Unit, kind: str, filed: str, *, result: str = "pending",
           concluded: str | None = None) -> Remedy:
    item = Remedy(unit_id=unit.id, kind=kind, filed_on=_day(filed), result=result, concluded_on=_day(concluded))
    session.add(item)
    session.flush()
    return item


def licensing_item(session: Session, unit: Unit, *, item_type: str = "01", code: str = "SCJ-0001") -> Item:
    item = Item(name=f"事项{code}", basic_code=code + "-B", impl_code=code, item_type=item_type, exercise_level="4",
                unit_id=unit.id, statutory_limit=20, promised_limit=10, updated_at=at("2026-01-01 09:00"))
    session.add(item)
    session.flush()
    return item


def decided_case(session: Session, item: Item, *, decided: str | None, decision: str | None = "grant") -> Case:
    """A case of ``item`` decided (准予/不予许可) at the local moment ``decided``."""
    n = next(_numbers)
    case = Case(number=f"BJ-T{n:06d}", query_code="123456", item_id=item.id, item_version=1, unit_id=item.unit_id,
                channel="1", applicant_name="某公司", applicant_type="2", state="completed",
                received_at=at("2026-01-05 09:00"), decided_at=at(decided) if decided else None,
                decision=decision if decided else None)
    session.add(case)
    session.flush()
    return case


def fee(session: Session, case: Case, charged_by: Person, amount_fen: int, when: str) -> FeeCharge:
    charge = FeeCharge(case_id=case.id, amount_fen=amount_fen, basis="收费依据", charged_by=charged_by.id,
                       charged_at=at(when), within_standard=True)
    session.add(charge)
    session.flush()
    return charge
