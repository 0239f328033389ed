"""The demo county's organisation: departments, hall windows and staff of every role."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.approval.models import Item
from yangguang.core.org import Person, Role, Unit, add_person, add_unit, add_window

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚"
            "卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯晨欣怡"
         "婷雪琳佳梅兵波峰海燕云飞龙志新春")
OVERSIGHT = ("JW", "青山县纪委监委派驻政务服务中心纪检监察组")
REGION = "330129"  # the fictional county's administrative division code (characters 3–8 of its credit codes)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


@dataclass
class Staff:
    """Who does what in the demo: persons by unit and role, windows by unit."""

    by_unit_role: dict[tuple[int, str], list[Person]] = field(default_factory=dict)
    windows: dict[int, list[str]] = field(default_factory=dict)  # unit id -> window numbers
    finance: list[Person] = field(default_factory=list)
    supervisors: list[Person] = field(default_factory=list)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # login, role label, unit name

    def pick(self, rng: random.Random, unit_id: int, role: str) -> Person:
        return rng.choice(self.by_unit_role[(unit_id, role)])

    def has(self, unit_id: int, role: str) -> bool:
        return bool(self.by_unit_role.get((unit_id, role)))


def load_units(session: Session, at: datetime) -> list[Unit]:
    text = resources.files("yangguang.approval").joinpath("data/county_units.csv").read_text("utf-8")
    units = [add_unit(session, code=row["code"], name=row["name"], credit_code=row["credit_code"], email=row["email"],
                      mobile=row["mobile"], region=REGION, actor="demo", at=at)
             for row in csv.DictReader(text.splitlines())]
    units.append(add_unit(session, code=OVERSIGHT[0], name=OVERSIGHT[1], region=REGION, actor="demo", at=at))
    return units


def build_staff(session: Session, rng: random.Random, at: datetime) -> Staff:
    """Windows for every department with items (two for busy ones), and at each department clerks,
    approvers and a head; a finance window; supervisors; an administrator."""
    staff = Staff()
    units = {u.code: u for u in session.scalars(select(Unit))}
    item_units = {unit_id for (unit_id,) in session.execute(select(Item.unit_id))}
    co_units = {code for (codes,) in session.execute(select(Item.co_units)) for code in codes}
    item_counts: dict[int, int] = {}
    for (unit_id,) in session.execute(select(Item.unit_id)):
        item_counts[unit_id] = item_counts.get(unit_id, 0) + 1
    number = 0

    def add(unit: Unit, role: Role, login: str, window=None) -> Person:
        person = add_person(session, login=login, name=person_name(rng), unit=unit, roles=[role.value], window=window,
                            email=f"{login}@qingshan.gov.example", mobile=f"139{rng.randrange(10**8):08d}",
                            actor="demo", at=at)
        staff.by_unit_role.setdefault((unit.id, role.value), []).append(person)
        return person

    for code, unit in sorted(units.items()):
        if unit.id not in item_units and code not in co_units:
            continue
        prefix = code.lower()
        for n in range(1, 3 if item_counts.get(unit.id, 0) > 15 else 2):
            if unit.id not in item_units:
                break
            number += 1
            window = add_window(session, number=f"A{number:02d}", name=f"{unit.name.removeprefix('青山县')}窗口",
                                unit=unit, actor="demo", at=at)
            staff.windows.setdefault(unit.id, []).append(window.number)
            add(unit, Role.CLERK, f"{prefix}_clerk{n}", window)
        for n in (1, 2):
            add(unit, Role.APPROVER, f"{prefix}_appr{n}")
        add(unit, Role.UNIT_HEAD, f"{prefix}_head")
        if not staff.has(unit.id, Role.CLERK.value):  # co-implementing departments receive nothing themselves
            continue
        staff.accounts += [(f"{prefix}_clerk1", "窗口人员", unit.name), (f"{prefix}_appr1", "审批人员", unit.name),
                           (f"{prefix}_head", "单位负责人", unit.name), (f"{prefix}_gk1", "政务公开办", unit.name)]
    centre = units["ZWZX"]
    cashier = add_window(session, number="C01", name="综合收费窗口", unit=centre, actor="demo", at=at)
    staff.finance = [add(centre, Role.FINANCE, f"finance{n}", cashier) for n in (1, 2)]
    oversight = units[OVERSIGHT[0]]
    staff.supervisors = [add(oversight, Role.SUPERVISOR, f"jw_super{n}") for n in (1, 2)]
    add(oversight, Role.UNIT_HEAD, "jw_head")
    add(centre, Role.ADMIN, "admin")
    _disclosure_staff(staff, units, add)
    staff.accounts += [("finance1", "收费窗口", centre.name), ("jw_super1", "纪检监察", oversight.name),
                       ("admin", "系统管理员", centre.name)]
    return staff


def _disclosure_staff(staff: Staff, units: dict[str, Unit], add) -> None:
    """Every organ's disclosure office (政务公开办): it drafts, publishes and answers requests. A drafter
    cannot review their own item, so an organ without a head gets a second disclosure officer."""
    for code, unit in sorted(units.items()):
        for n in (1, 2) if not staff.has(unit.id, Role.UNIT_HEAD.value) else (1,):
            add(unit, Role.DISCLOSURE, f"{code.lower()}_gk{n}")
