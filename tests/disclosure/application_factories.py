"""Builders shared by the tests of applications for government information (依申请公开)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tests.factories import at, make_person, make_unit
from yangguang.core.org import Person, Unit
from yangguang.disclosure.models import Application
from yangguang.disclosure.service import applications as service


@dataclass
class Org:
    unit: Unit  # the organ asked: 县人民政府办公室
    officer: Person  # its 政务公开办
    head: Person  # its head, who approves extensions
    other_unit: Unit
    outsider: Person  # 政务公开办 of another organ
    supervisor: Person


def make_org(session: Session) -> Org:
    unit = make_unit(session, "ZFB", "县人民政府办公室")
    other = make_unit(session, "SCJ", "县市场监督管理局")
    return Org(unit=unit, officer=make_person(session, unit, "gkb", ["disclosure"], "张公开"),
               head=make_person(session, unit, "head", ["unit_head"], "李主任"), other_unit=other,
               outsider=make_person(session, other, "scj_gkb", ["disclosure"], "王公开"),
               supervisor=make_person(session, other, "jc", ["supervisor"], "赵监察"))


def submit(session: Session, org: Org, when: str = "2026-03-02 09:30", *, actor: Person | None | str = "officer",
           channel: str = "in_person", now: str | None = None, **kw) -> Application:
    """A request of 陈某某 for the 2025 budget, submitted at ``when`` and registered at ``now``."""
    values = {"applicant_kind": "natural_person", "applicant_name": "陈某某", "applicant_id_number": "",
              "contact_phone": "13800000000", "content": "本县2025年度财政预算执行情况报告全文"}
    values.update(kw)
    person = org.officer if actor == "officer" else actor
    moment: datetime = at(now or when)
    return service.receive(session, person, unit=org.unit, channel=channel, submitted_at=at(when), at=moment,
                           **values)
