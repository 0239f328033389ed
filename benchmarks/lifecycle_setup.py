"""A small service hall for the lifecycle benchmark: one department, window, staff and an item whose
fixed flow is the five steps 受理 → 审查 → 决定 → 办结 → 送达."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from yangguang.approval.models import Item, ItemMaterial, ItemStep
from yangguang.core.org import add_person, add_unit, add_window

ZONE = ZoneInfo("Asia/Shanghai")
FIVE_STEPS = [("受理", "clerk", 1), ("审查", "approver", 3), ("决定", "unit_head", 2), ("办结", "clerk", 1),
              ("送达", "clerk", 1)]
MATERIALS = ["食品经营许可申请书", "营业执照", "经营场所平面图"]


def build_hall(session: Session) -> None:
    when = datetime(2026, 1, 5, 9, 0, tzinfo=ZONE)
    unit = add_unit(session, code="SCJ", name="县市场监督管理局", actor="bench", at=when)
    window = add_window(session, number="A01", name="市场监管窗口", unit=unit, actor="bench", at=when)
    add_person(session, login="clerk", name="窗口", unit=unit, roles=["clerk"], window=window, actor="bench", at=when)
    add_person(session, login="approver", name="审查", unit=unit, roles=["approver"], actor="bench", at=when)
    add_person(session, login="head", name="局长", unit=unit, roles=["unit_head"], actor="bench", at=when)
    item = Item(name="食品经营许可", basic_code="000201001000", impl_code="BENCH-0001", item_type="01",
                exercise_level="4", unit_id=unit.id, statutory_limit=20, promised_limit=8, updated_at=when)
    item.materials = [ItemMaterial(seq=i, name=n, required=True) for i, n in enumerate(MATERIALS, 1)]
    item.steps = [ItemStep(seq=i, name=n, role=r, share=s) for i, (n, r, s) in enumerate(FIVE_STEPS, 1)]
    session.add(item)
