"""Small builders of organisation data shared by the tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from yangguang.core.org import Person, Unit, Window

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """A local (Asia/Shanghai) moment from 'YYYY-MM-DD HH:MM' or 'YYYY-MM-DD'."""
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment


def make_unit(session: Session, code: str = "SCJ", name: str = "县市场监督管理局", **kw) -> Unit:
    unit = Unit(code=code, name=name, **kw)
    session.add(unit)
    session.flush()
    return unit


def make_window(session: Session, unit: Unit, number: str = "A01", name: str = "综合受理窗口") -> Window:
    window = Window(number=number, name=name, unit_id=unit.id)
    session.add(window)
    session.flush()
    return window


def make_person(session: Session, unit: Unit, login: str, roles: list[str], name: str | None = None,
                **kw) -> Person:
    person = Person(login=login, name=name or login, unit_id=unit.id, roles=roles, **kw)
    session.add(person)
    session.flush()
    return person
