"""Builders of approval data for tests: a hall with departments, windows, staff of each role and
items with materials and fixed steps, made directly with the models (no catalogue importer)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from tests.factories import at, make_person, make_unit, make_window
from yangguang.approval.models import Item, ItemMaterial, ItemStep
from yangguang.core.org import Person, Unit, Window

MATERIALS = [("食品经营许可申请书", True), ("营业执照复印件", True), ("经营场所平面图", True), ("其他说明材料", False)]
REQUIRED = [name for name, required in MATERIALS if required]
# 受理 → 审查 → 决定 → 办结 → 送达, shares summing to the 10-working-day promise
STEPS = [("受理", "clerk", 0), ("审查", "approver", 4), ("决定", "unit_head", 2), ("办结", "clerk", 1),
         ("送达", "clerk", 3)]


@dataclass
class Hall:
    unit: Unit
    other_unit: Unit
    third_unit: Unit
    window: Window
    clerk: Person
    approver: Person
    head: Person
    finance: Person
    other_approver: Person  # approver of another department
    third_approver: Person
    other_head: Person
    items: dict[str, Item] = field(default_factory=dict)


def make_item(session: Session, unit: Unit, *, impl_code: str = "SCJ-0001", name: str = "食品经营许可",
              promised: int = 10, statutory: int = 20, steps=STEPS, parallel_step: str | None = None,
              first_review_step: str | None = None, co_units: list[str] | None = None, **kw) -> Item:
    item = Item(name=name, basic_code=impl_code.split("-")[0] + "-B", impl_code=impl_code, item_type="01",
                exercise_level="4", unit_id=unit.id, statutory_limit=statutory, promised_limit=promised,
                co_units=co_units or [], updated_at=at("2026-01-01 09:00"), **kw)
    item.materials = [ItemMaterial(seq=i, name=n, form="原件", copies=1, required=r)
                      for i, (n, r) in enumerate(MATERIALS, 1)]
    item.steps = [ItemStep(seq=i * 10, name=n, role=role, share=share, parallel=(n == parallel_step),
                           forwards=(n == first_review_step)) for i, (n, role, share) in enumerate(steps, 1)]
    session.add(item)
    session.flush()
    return item


def make_hall(session: Session) -> Hall:
    unit = make_unit(session, "SCJ", "县市场监督管理局")
    other = make_unit(session, "SWJ", "县税务局")
    third = make_unit(session, "ZJJ", "县住房和城乡建设局")
    window = make_window(session, unit, "A01", "市场监管综合窗口")
    hall = Hall(
        unit=unit, other_unit=other, third_unit=third, window=window,
        clerk=make_person(session, unit, "clerk1", ["clerk"], "窗口张三", window_id=window.id),
        approver=make_person(session, unit, "appr1", ["approver"], "审批李四"),
        head=make_person(session, unit, "head1", ["unit_head"], "局长王五"),
        finance=make_person(session, unit, "fin1", ["finance"], "收费赵六"),
        other_approver=make_person(session, other, "swj_appr", ["approver"], "税务审批"),
        third_approver=make_person(session, third, "zjj_appr", ["approver"], "住建审批"),
        other_head=make_person(session, other, "swj_head", ["unit_head"], "税务局长"),
    )
    hall.items["food"] = make_item(session, unit, charges=True, fee_basis="省物价局收费文件", fee_standard_fen=5000)
    hall.items["online"] = make_item(session, unit, impl_code="SCJ-0002", name="网上年报", online=True,
                                     online_only=True)
    hall.items["parallel"] = make_item(session, unit, impl_code="SCJ-0003", name="企业开办联合审批",
                                       parallel_step="审查", co_units=["SWJ", "ZJJ"])
    return hall
