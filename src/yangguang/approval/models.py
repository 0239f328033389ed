"""Tables of the approval module: the item catalogue (政务服务事项) and cases (办件).

Item elements follow GB/T 39046-2020 as summarised in shared/domain/approval-and-supervision.md
("The item catalogue"); code-list values are the codes of :mod:`yangguang.approval.codes`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yangguang.core.clocks import Obligation
from yangguang.core.db import Base, UTCDateTime
from yangguang.core.org import Unit


class Item(Base):
    """One item of the catalogue, as a service centre publishes it in its guide (办事指南)."""

    __tablename__ = "approval_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # identity
    name: Mapped[str] = mapped_column(String(200))  # 事项名称
    basic_code: Mapped[str] = mapped_column(String(40), index=True)  # 基本编码
    impl_code: Mapped[str] = mapped_column(String(60), unique=True)  # 实施编码
    item_type: Mapped[str] = mapped_column(String(2))  # 事项类型 A.1
    exercise_level: Mapped[str] = mapped_column(String(1))  # 行使层级 A.2
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # 实施主体
    subject_nature: Mapped[str] = mapped_column(String(1), default="1")  # 实施主体性质 A.3
    handling_unit: Mapped[str] = mapped_column(String(100), default="")  # 承办机构
    co_units: Mapped[list[str]] = mapped_column(JSON, default=list)  # 共同实施部门 (unit codes)
    # legal
    legal_basis: Mapped[str] = mapped_column(Text, default="")  # 设定依据
    authority_division: Mapped[str] = mapped_column(Text, default="")  # 权限划分
    exercise_content: Mapped[str] = mapped_column(Text, default="")  # 行使内容
    quantity_limit: Mapped[str] = mapped_column(Text, default="")  # 数量限制
    jurisdiction: Mapped[str] = mapped_column(Text, default="")  # 行政管辖
    # time
    statutory_limit: Mapped[int] = mapped_column(Integer)  # 法定办结时限
    statutory_unit: Mapped[str] = mapped_column(String(16), default="workdays")
    statutory_note: Mapped[str] = mapped_column(Text, default="")
    promised_limit: Mapped[int] = mapped_column(Integer)  # 承诺办结时限
    promised_unit: Mapped[str] = mapped_column(String(16), default="workdays")
    promised_note: Mapped[str] = mapped_column(Text, default="")
    special_procedures: Mapped[str] = mapped_column(Text, default="")  # 特别程序 (A.7 and description)
    # how
    conditions: Mapped[str] = mapped_column(Text, default="")  # 受理条件
    process_description: Mapped[str] = mapped_column(Text, default="")  # 办理流程
    handling_forms: Mapped[list[str]] = mapped_column(JSON, default=list)  # 办理形式 A.5
    case_type: Mapped[str] = mapped_column(String(1), default="2")  # 办件类型 A.6
    intermediary: Mapped[str] = mapped_column(Text, default="")  # 中介服务
    online: Mapped[bool] = mapped_column(Boolean, default=False)  # 是否网办
    online_only: Mapped[bool] = mapped_column(Boolean, default=False)  # must be handled online
    online_url: Mapped[str] = mapped_column(String(300), default="")  # 网办地址
    location: Mapped[str] = mapped_column(Text, default="")  # 办理地点
    office_hours: Mapped[str] = mapped_column(Text, default="")  # 办理时间
    scope: Mapped[str] = mapped_column(Text, default="")  # 通办范围
    service_objects: Mapped[list[str]] = mapped_column(JSON, default=list)  # 服务对象 A.4
    # result and money
    result_name: Mapped[str] = mapped_column(String(200), default="")  # 结果名称
    result_sample: Mapped[str] = mapped_column(Text, default="")  # 结果样本
    charges: Mapped[bool] = mapped_column(Boolean, default=False)  # 是否收费
    fee_basis: Mapped[str] = mapped_column(Text, default="")  # 收费依据
    fee_standard_fen: Mapped[int | None] = mapped_column(Integer)  # 收费标准 (per case, in fen)
    fee_standard_note: Mapped[str] = mapped_column(Text, default="")
    # contact
    consult_phone: Mapped[str] = mapped_column(String(100), default="")  # 咨询方式/电话
    complaint_phone: Mapped[str] = mapped_column(String(100), default="")  # 监督投诉电话
    faq: Mapped[str] = mapped_column(Text, default="")  # 常见问题
    # bookkeeping
    version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship(viewonly=True)
    materials: Mapped[list[ItemMaterial]] = relationship(
        order_by="ItemMaterial.seq", cascade="all, delete-orphan", back_populates="item")
    steps: Mapped[list[ItemStep]] = relationship(
        order_by="ItemStep.seq", cascade="all, delete-orphan", back_populates="item")


class ItemMaterial(Base):
    """One application material (申请材料)."""

    __tablename__ = "approval_item_material"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("approval_item.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    form: Mapped[str] = mapped_column(String(20), default="原件")  # 原件 / 复印件 / 原件和复印件 / 电子件
    copies: Mapped[int] = mapped_column(Integer, default=1)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    sample: Mapped[str] = mapped_column(String(300), default="")
    item: Mapped[Item] = relationship(back_populates="materials")


class ItemStep(Base):
    """One fixed step of the item's workflow (流程固化) with its share of the promised limit.

    ``role`` is the role that may act (clerk, approver, unit_head); ``parallel`` marks the step that
    fans out to the item's co-implementing departments (并联审批); ``forwards`` marks a first review by
    this level whose result goes to the higher organ that decides (初审上报) [行政许可法 Art. 43].
    """

    __tablename__ = "approval_item_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("approval_item.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(40))  # 受理, 审查, 审核, 决定, 办结, 送达
    role: Mapped[str] = mapped_column(String(20))
    share: Mapped[int] = mapped_column(Integer)  # working days of the promised limit
    parallel: Mapped[bool] = mapped_column(Boolean, default=False)
    forwards: Mapped[bool] = mapped_column(Boolean, default=False)  # 初审: reviewed here, forwarded up (Art. 43)
    item: Mapped[Item] = relationship(back_populates="steps")


class ItemVersion(Base):
    """A snapshot of an item after each change (versioned catalogue)."""

    __tablename__ = "approval_item_version"
    __table_args__ = (UniqueConstraint("item_id", "version", name="uq_approval_item_version_item_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("approval_item.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(JSON)
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(300), default="")


class Case(Base):
    """An application (办件) from receipt to delivery of the result."""

    __tablename__ = "approval_case"
    __table_args__ = (Index("ix_approval_case_window_accepted", "window_id", "accepted_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)  # 办件编号
    query_code: Mapped[str] = mapped_column(String(12))  # 查询码, given to the applicant
    item_id: Mapped[int] = mapped_column(ForeignKey("approval_item.id"), index=True)
    item_version: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    window_id: Mapped[int | None] = mapped_column(ForeignKey("window.id"))
    channel: Mapped[str] = mapped_column(String(1))  # 办理形式 A.5 code of how it was submitted
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_type: Mapped[str] = mapped_column(String(1))  # 服务对象 A.4
    applicant_id_number: Mapped[str] = mapped_column(String(40), default="")
    applicant_phone: Mapped[str] = mapped_column(String(20), default="")
    state: Mapped[str] = mapped_column(String(20), index=True)
    parallel: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[str | None] = mapped_column(String(10))  # grant / deny
    decision_basis: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result_number: Mapped[str] = mapped_column(String(60), default="")
    fee_charged_fen: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction: Mapped[str | None] = mapped_column(String(1))  # 好差评 A.8
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligation.id"))

    item: Mapped[Item] = relationship(viewonly=True)  # the catalogue is read, never written, through a case
    obligation: Mapped[Obligation | None] = relationship()
    steps: Mapped[list[CaseStep]] = relationship(order_by="CaseStep.id", cascade="all, delete-orphan")
    materials: Mapped[list[CaseMaterial]] = relationship(order_by="CaseMaterial.id", cascade="all, delete-orphan")


class CaseStep(Base):
    """A step of a case; parallel steps have one row per department (``unit_id``)."""

    __tablename__ = "approval_case_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("approval_case.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    share: Mapped[int] = mapped_column(Integer, default=0)  # working days, copied from ItemStep at acceptance
    state: Mapped[str] = mapped_column(String(10))  # pending, active, done
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    outcome: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    forwards: Mapped[bool] = mapped_column(Boolean, default=False)  # 初审上报, copied from the item
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligation.id"))
    obligation: Mapped[Obligation | None] = relationship()


class CaseMaterial(Base):
    __tablename__ = "approval_case_material"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("approval_case.id"), index=True)
    material_id: Mapped[int | None] = mapped_column(ForeignKey("approval_item_material.id"))
    name: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(Boolean)
    provided: Mapped[bool] = mapped_column(Boolean)


class CaseNotice(Base):
    """A written notice to the applicant: the one-time notice (一次性告知书) of everything missing or
    non-conforming [行政许可法 Art. 32], a refusal to accept [Art. 32], an extension and its reason
    [Art. 42], the time a special procedure needs [Art. 45], a correction request during review."""

    __tablename__ = "approval_case_notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("approval_case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="materials")  # materials, refusal, extension, ...
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    missing: Mapped[list[str]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)


class FeeCharge(Base):
    """A fee taken by the finance window, with the basis given and whether it exceeded the standard."""

    __tablename__ = "approval_fee_charge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("approval_case.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str] = mapped_column(Text, default="")
    charged_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    charged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    within_standard: Mapped[bool] = mapped_column(Boolean)
