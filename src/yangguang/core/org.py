"""Organisation: units (departments), windows of the service hall, staff and their roles.

Responsible units and persons are what cards, notifications and scores are addressed to.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from yangguang.core.db import Base
from yangguang.core.errors import Forbidden, NotFound


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


def get_person(session: Session, login_or_id: str | int, field: str = "actor") -> Person:
    if isinstance(login_or_id, int):
        person = session.get(Person, login_or_id)
    else:
        person = session.scalar(select(Person).where(Person.login == login_or_id))
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
