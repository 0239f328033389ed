"""Organisation: units (departments), windows of the service hall, staff and their roles.

Responsible units and persons are what cards, notifications and scores are addressed to.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, bindparam, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from yangguang.core import audit
from yangguang.core.db import Base
from yangguang.core.errors import Conflict, Forbidden, InvalidInput, NotFound


class Role(StrEnum):
    CLERK = "clerk"  # 窗口人员: accepts cases, checks materials, issues notices and results
    FINANCE = "finance"  # 收费窗口: the only role that takes fees
    APPROVER = "approver"  # 承办/审核/审批人员 of a department
    UNIT_HEAD = "unit_head"  # 单位负责人: approves extensions, answers cards
    SUPERVISOR = "supervisor"  # 纪检监察
    DISCLOSURE = "disclosure"  # 政务公开办
    ADMIN = "admin"  # 系统管理员


ROLE_LABELS = {
    Role.CLERK: "窗口人员", Role.FINANCE: "收费窗口", Role.APPROVER: "审批人员", Role.UNIT_HEAD: "单位负责人",
    Role.SUPERVISOR: "纪检监察", Role.DISCLOSURE: "政务公开办", Role.ADMIN: "系统管理员",
}


class Unit(Base):
    """A department or other organ (部门/单位), identified by a short code."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    credit_code: Mapped[str | None] = mapped_column(String(18))  # 统一社会信用代码
    region: Mapped[str] = mapped_column(String(12), default="")  # 行政区划代码 (partitioning key)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    email: Mapped[str | None] = mapped_column(String(200))
    mobile: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Window(Base):
    """A numbered window of the service hall, staffed by a unit."""

    __tablename__ = "window"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    unit: Mapped[Unit] = relationship()


class Person(Base):
    """A member of staff with roles in one unit."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    window_id: Mapped[int | None] = mapped_column(ForeignKey("window.id"))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    email: Mapped[str | None] = mapped_column(String(200))
    mobile: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))  # Argon2 (core.auth); None: cannot log in
    unit: Mapped[Unit] = relationship()

    def has_role(self, role: Role) -> bool:
        return role.value in self.roles

    @property
    def label(self) -> str:
        return f"{self.login}({self.name})"


SYSTEM_ACTOR = "system"


def get_unit(session: Session, code_or_id: str | int, field: str = "unit") -> Unit:
    if isinstance(code_or_id, int):
        unit = session.get(Unit, code_or_id)
    else:
        unit = session.scalar(select(Unit).where((Unit.code == code_or_id) | (Unit.name == code_or_id)))
    if unit is None:
        raise NotFound(field, f"unknown department {code_or_id!r}")
    return unit


_PERSON_BY_LOGIN = select(Person).where(Person.login == bindparam("login"))


def get_person(session: Session, login_or_id: str | int, field: str = "actor") -> Person:
    if isinstance(login_or_id, int):
        person = session.get(Person, login_or_id)
    else:
        person = session.scalar(_PERSON_BY_LOGIN, {"login": login_or_id})
    if person is None or not person.active:
        raise NotFound(field, f"unknown or inactive person {login_or_id!r}")
    return person


def get_window(session: Session, number: str, field: str = "window") -> Window:
    window = session.scalar(select(Window).where(Window.number == number))
    if window is None:
        raise NotFound(field, f"unknown window {number!r}")
    return window


def require_role(person: Person, *roles: Role, field: str = "actor") -> None:
    if not any(person.has_role(r) for r in roles):
        wanted = "、".join(ROLE_LABELS[r] for r in roles)
        raise Forbidden(field, f"{person.label} lacks the authority for this action (needs: {wanted})")


# -- changes (audited) ------------------------------------------------------------------------------
def add_unit(session: Session, *, code: str, name: str, actor: str, at: datetime, credit_code: str | None = None,
             email: str | None = None, mobile: str | None = None, region: str = "") -> Unit:
    if not code.strip() or not name.strip():
        raise InvalidInput("code" if not code.strip() else "name", "a department needs a code and a name")
    if session.scalar(select(Unit.id).where((Unit.code == code) | (Unit.name == name))):
        raise Conflict("code", f"a department with code {code!r} or name {name!r} exists")
    unit = Unit(code=code, name=name, credit_code=credit_code, email=email, mobile=mobile, region=region)
    session.add(unit)
    session.flush()
    audit.record(session, actor=actor, action="org.unit_added", entity="unit", entity_id=unit.id,
                 data={"code": code, "name": name}, at=at)
    return unit


def add_window(session: Session, *, number: str, name: str, unit: Unit, actor: str, at: datetime) -> Window:
    if session.scalar(select(Window.id).where(Window.number == number)):
        raise Conflict("number", f"window {number!r} exists")
    window = Window(number=number, name=name, unit_id=unit.id)
    session.add(window)
    session.flush()
    audit.record(session, actor=actor, action="org.window_added", entity="window", entity_id=window.id,
                 data={"number": number, "unit": unit.code}, at=at)
    return window


def add_person(session: Session, *, login: str, name: str, unit: Unit, roles: list[str], actor: str, at: datetime,
               window: Window | None = None, email: str | None = None, mobile: str | None = None) -> Person:
    unknown = [r for r in roles if r not in {role.value for role in Role}]
    if unknown:
        raise InvalidInput("roles", f"unknown role(s) {', '.join(unknown)}")
    if session.scalar(select(Person.id).where(Person.login == login)):
        raise Conflict("login", f"login {login!r} is taken")
    person = Person(login=login, name=name, unit_id=unit.id, roles=list(roles), email=email, mobile=mobile,
                    window_id=window.id if window else None)
    session.add(person)
    session.flush()
    audit.record(session, actor=actor, action="org.person_added", entity="person", entity_id=person.id,
                 data={"login": login, "unit": unit.code, "roles": list(roles)}, at=at)
    return person
