"""Organisation: units (departments), windows of the service hall, staff and their roles.

Responsible units and persons are what cards, notifications and scores are addressed to.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, bindparam, func, select
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
        raise NotFound(field, f"部门 {code_or_id!r} 不存在")
    return unit


_PERSON_BY_LOGIN = select(Person).where(Person.login == bindparam("login"))


def get_person(session: Session, login_or_id: str | int, field: str = "actor") -> Person:
    if isinstance(login_or_id, int):
        person = session.get(Person, login_or_id)
    else:
        person = session.scalar(_PERSON_BY_LOGIN, {"login": login_or_id})
    if person is None or not person.active:
        raise NotFound(field, f"人员 {login_or_id!r} 不存在或已停用")
    return person


def get_window(session: Session, number: str, field: str = "window") -> Window:
    window = session.scalar(select(Window).where(Window.number == number))
    if window is None:
        raise NotFound(field, f"窗口 {number!r} 不存在")
    return window


def staff_with_role(session: Session, unit_id: int, role: Role) -> list[Person]:
    """The active people of a unit holding ``role`` (its heads, say), by id."""
    query = select(Person).where(Person.unit_id == unit_id, Person.active).order_by(Person.id)
    return [person for person in session.scalars(query) if person.has_role(role)]


def require_role(person: Person, *roles: Role, field: str = "actor") -> None:
    if not any(person.has_role(r) for r in roles):
        wanted = "、".join(ROLE_LABELS[r] for r in roles)
        raise Forbidden(field, f"{person.label} 无此操作权限（需要：{wanted}）")


# -- changes (audited) ------------------------------------------------------------------------------
def add_unit(session: Session, *, code: str, name: str, actor: str, at: datetime, credit_code: str | None = None,
             email: str | None = None, mobile: str | None = None, region: str = "") -> Unit:
    if not code.strip() or not name.strip():
        raise InvalidInput("code" if not code.strip() else "name", "部门须有代码和名称")
    check_credit_code(credit_code)
    if session.scalar(select(Unit.id).where((Unit.code == code) | (Unit.name == name))):
        raise Conflict("code", f"代码为 {code!r} 或名称为 {name!r} 的部门已存在")
    unit = Unit(code=code, name=name, credit_code=credit_code, email=email, mobile=mobile, region=region)
    session.add(unit)
    session.flush()
    audit.record(session, actor=actor, action="org.unit_added", entity="unit", entity_id=unit.id,
                 data={"code": code, "name": name}, at=at)
    return unit


def add_window(session: Session, *, number: str, name: str, unit: Unit, actor: str, at: datetime) -> Window:
    _check_unit_value(unit)
    if session.scalar(select(Window.id).where(Window.number == number)):
        raise Conflict("number", f"窗口 {number!r} 已存在")
    window = Window(number=number, name=name, unit_id=unit.id)
    session.add(window)
    session.flush()
    audit.record(session, actor=actor, action="org.window_added", entity="window", entity_id=window.id,
                 data={"number": number, "unit": unit.code}, at=at)
    return window


def add_person(session: Session, *, login: str, name: str, unit: Unit, roles: list[str], actor: str, at: datetime,
               window: Window | None = None, email: str | None = None, mobile: str | None = None) -> Person:
    check_roles(roles)
    _check_unit_value(unit)
    if session.scalar(select(Person.id).where(Person.login == login)):
        raise Conflict("login", f"账号 {login!r} 已被使用")
    person = Person(login=login, name=name, unit_id=unit.id, roles=list(roles), email=email, mobile=mobile,
                    window_id=window.id if window else None)
    session.add(person)
    session.flush()
    audit.record(session, actor=actor, action="org.person_added", entity="person", entity_id=person.id,
                 data={"login": login, "unit": unit.code, "roles": list(roles)}, at=at)
    return person


# -- administration (audited) -----------------------------------------------------------------------
# 统一社会信用代码 [GB 32100-2015]: 18 characters from this set; the last is a check character, the
# weighted sum of the first 17 (weights 3^i mod 31) plus the check character being 0 modulo 31.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PERSON_FIELDS = ("name", "unit", "window", "email", "mobile")
UNIT_FIELDS = ("name", "credit_code", "region", "email", "mobile")
WINDOW_FIELDS = ("name", "unit")


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code [GB 32100-2015], or None."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，{code!r} 为 {len(code)} 位"
    wrong = sorted({c for c in code if c not in CREDIT_CODE_CHARS})
    if wrong:
        return f"统一社会信用代码中不能出现 {''.join(wrong)!r}（GB 32100-2015）"
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(code[:17], _CREDIT_CODE_WEIGHTS, strict=True))
    expected = CREDIT_CODE_CHARS[(31 - total % 31) % 31]
    if code[17] != expected:
        return f"统一社会信用代码 {code} 的校验码应为 {expected}（GB 32100-2015）"
    return None


def check_credit_code(code: str | None, field: str = "credit_code") -> str | None:
    if code is None:
        return None
    problem = credit_code_problem(code)
    if problem:
        raise InvalidInput(field, problem)
    return code


def find_person(session: Session, login: str, field: str = "login") -> Person:
    """A person by login, active or not (administrators manage both)."""
    person = session.scalar(_PERSON_BY_LOGIN, {"login": login})
    if person is None:
        raise NotFound(field, f"人员 {login!r} 不存在")
    return person


def _text(value: object, field: str, max_length: int, *, optional: bool) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(field, "不能为空")
    value = value.strip()
    if len(value) > max_length:
        raise InvalidInput(field, f"不能超过 {max_length} 个字符")
    return value


def _check_fields(changes: dict[str, object], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise InvalidInput(unknown[0], f"此处不能修改该字段（可修改：{'、'.join(allowed)}）")


def _show(value: object) -> object:
    """How a field value is written in an audit entry: rows by their code or number."""
    if isinstance(value, Unit):
        return value.code
    if isinstance(value, Window):
        return value.number
    return value


def _diff(current: dict[str, object], wanted: dict[str, object]) -> dict[str, list[object]]:
    """``{field: [before, after]}`` of the fields whose value changes (the audit entry's data)."""
    return {name: [_show(current[name]), _show(value)] for name, value in wanted.items()
            if _show(current[name]) != _show(value)}


def _check_unit_value(value: object) -> Unit:
    if not isinstance(value, Unit):
        raise InvalidInput("unit", "须指定部门")
    if value.active is False:  # None: a new row whose default is applied at flush
        raise Conflict("unit", f"部门 {value.code} 已停用")
    return value


def update_person(session: Session, person: Person, changes: dict[str, object], *, actor: str,
                  at: datetime) -> dict[str, list[object]]:
    """Change a person's name, unit (a :class:`Unit`), window (a :class:`Window` or None), email or
    mobile; returns what changed as ``{field: [before, after]}`` (nothing changed: no audit entry)."""
    _check_fields(changes, PERSON_FIELDS)
    wanted = dict(changes)
    if "name" in wanted:
        wanted["name"] = _text(wanted["name"], "name", 60, optional=False)
    for name, length in (("email", 200), ("mobile", 20)):
        if name in wanted:
            wanted[name] = _text(wanted[name], name, length, optional=True)
    if "unit" in wanted:
        _check_unit_value(wanted["unit"])
    if wanted.get("window") is not None and not isinstance(wanted["window"], Window):
        raise InvalidInput("window", "应为窗口或留空")
    window = session.get(Window, person.window_id) if person.window_id else None
    current = {"name": person.name, "unit": person.unit, "window": window, "email": person.email,
               "mobile": person.mobile}
    changed = _diff(current, wanted)
    for name in changed:
        value = wanted[name]
        if name == "unit":
            person.unit_id, person.unit = value.id, value
        elif name == "window":
            person.window_id = value.id if value is not None else None
        else:
            setattr(person, name, value)
    if changed:
        audit.record(session, actor=actor, action="org.person_updated", entity="person", entity_id=person.id,
                     data={"login": person.login, "changed": changed}, at=at)
    return changed


def check_roles(roles: list[str]) -> list[str]:
    """Known roles, each once, in the order of :class:`Role`."""
    unknown = [r for r in roles if r not in {role.value for role in Role}]
    if unknown:
        raise InvalidInput("roles", f"未知的角色：{'、'.join(unknown)}")
    return [role.value for role in Role if role.value in roles]


def set_roles(session: Session, person: Person, roles: list[str], *, actor: str, at: datetime) -> list[str]:
    """Replace a person's roles. An administrator cannot take the administrator role from themselves
    (nobody could give it back if they were the last one)."""
    roles = check_roles(roles)
    if person.login == actor and Role.ADMIN.value in person.roles and Role.ADMIN.value not in roles:
        raise Conflict("roles", "不能取消本人的系统管理员角色，请由其他系统管理员操作")
    if roles == check_roles(person.roles):
        return roles
    before = list(person.roles)
    person.roles = roles
    audit.record(session, actor=actor, action="org.roles_set", entity="person", entity_id=person.id,
                 data={"login": person.login, "before": before, "after": roles}, at=at)
    return roles


def set_person_active(session: Session, person: Person, active: bool, *, actor: str, at: datetime) -> None:
    """Deactivate (no login, no token, no new work) or reactivate a person; never oneself."""
    if person.login == actor and not active:
        raise Conflict("active", "不能停用本人的账号")
    if person.active == active:
        return
    person.active = active
    audit.record(session, actor=actor, action="org.person_activated" if active else "org.person_deactivated",
                 entity="person", entity_id=person.id, data={"login": person.login}, at=at)


def update_unit(session: Session, unit: Unit, changes: dict[str, object], *, actor: str,
                at: datetime) -> dict[str, list[object]]:
    """Change a department's name (unique), credit code, region, email or mobile (the code is its
    identity and stays)."""
    _check_fields(changes, UNIT_FIELDS)
    wanted = dict(changes)
    if "name" in wanted:
        wanted["name"] = _text(wanted["name"], "name", 100, optional=False)
        if session.scalar(select(Unit.id).where(Unit.name == wanted["name"], Unit.id != unit.id)):
            raise Conflict("name", f"已有名为 {wanted['name']!r} 的其他部门")
    if "credit_code" in wanted:
        wanted["credit_code"] = check_credit_code(_text(wanted["credit_code"], "credit_code", 18, optional=True))
    if "region" in wanted:
        wanted["region"] = _text(wanted["region"], "region", 12, optional=True) or ""
    for name, length in (("email", 200), ("mobile", 20)):
        if name in wanted:
            wanted[name] = _text(wanted[name], name, length, optional=True)
    changed = _diff({name: getattr(unit, name) for name in UNIT_FIELDS}, wanted)
    for name in changed:
        setattr(unit, name, wanted[name])
    if changed:
        audit.record(session, actor=actor, action="org.unit_updated", entity="unit", entity_id=unit.id,
                     data={"code": unit.code, "changed": changed}, at=at)
    return changed


def set_unit_active(session: Session, unit: Unit, active: bool, *, actor: str, at: datetime) -> None:
    """Deactivate or reactivate a department; one with active staff stays until they move or leave."""
    if unit.active == active:
        return
    if not active:
        staff = session.scalar(select(func.count()).select_from(Person).where(Person.unit_id == unit.id,
                                                                               Person.active))
        if staff:
            raise Conflict("active", f"{unit.name} 仍有 {staff} 名在岗人员，请先将其调离或停用")
    unit.active = active
    audit.record(session, actor=actor, action="org.unit_activated" if active else "org.unit_deactivated",
                 entity="unit", entity_id=unit.id, data={"code": unit.code}, at=at)


def update_window(session: Session, window: Window, changes: dict[str, object], *, actor: str,
                  at: datetime) -> dict[str, list[object]]:
    """Rename a window or assign it to another (active) department."""
    _check_fields(changes, WINDOW_FIELDS)
    wanted = dict(changes)
    if "name" in wanted:
        wanted["name"] = _text(wanted["name"], "name", 100, optional=False)
    if "unit" in wanted:
        _check_unit_value(wanted["unit"])
    changed = _diff({"name": window.name, "unit": window.unit}, wanted)
    if "name" in changed:
        window.name = wanted["name"]
    if "unit" in changed:
        window.unit_id, window.unit = wanted["unit"].id, wanted["unit"]
    if changed:
        audit.record(session, actor=actor, action="org.window_updated", entity="window", entity_id=window.id,
                     data={"number": window.number, "changed": changed}, at=at)
    return changed
