"""Tables of e-supervision: cards, findings, rectifications, ratings, the sweep's bookkeeping.

A card (预警/黄牌/红牌) is what a monitoring rule raises: level, rule, obligation, responsible unit and
person, issue time, acknowledgement, rectification with its own clock, closure and escalation
[DESIGN.md "Card"; approval-and-supervision.md "Levels and timing"]. Cards are permanent records:
nothing deletes them, closing one only changes its state.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from yangguang.core.db import Base, UTCDateTime


class CardState(StrEnum):
    ISSUED = "issued"  # 已发出
    ACKNOWLEDGED = "acknowledged"  # 已签收
    RECTIFYING = "rectifying"  # 整改中 (after a rejected report)
    RECTIFIED = "rectified"  # 已报送整改 (awaiting the supervisor's review)
    CLOSED = "closed"  # 已办结


CARD_STATE_LABELS = {CardState.ISSUED: "已发出", CardState.ACKNOWLEDGED: "已签收", CardState.RECTIFYING: "整改中",
                     CardState.RECTIFIED: "已报送整改", CardState.CLOSED: "已办结"}


class Card(Base):
    __tablename__ = "supervision_card"
    __table_args__ = (Index("ix_supervision_card_unit_issued", "unit_id", "issued_at"),
                      Index("ix_supervision_card_person_issued", "person_id", "issued_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # JC2026-000123
    level: Mapped[str] = mapped_column(String(10), index=True)
    rule_code: Mapped[str] = mapped_column(String(80), index=True)
    rule_name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(40))
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligation.id"), index=True)
    clock_id: Mapped[int | None] = mapped_column(ForeignKey("clock.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    issued_by: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(12), default=CardState.ISSUED, index=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    escalated_from_id: Mapped[int | None] = mapped_column(ForeignKey("supervision_card.id"))
    rectification_obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligation.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Finding(Base):
    """监察记录: every rule match or recorded violation, whether or not it raised a card."""

    __tablename__ = "supervision_finding"
    __table_args__ = (Index("ix_supervision_finding_subject", "subject", "subject_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_code: Mapped[str] = mapped_column(String(80), index=True)
    event_type: Mapped[str | None] = mapped_column(String(80))  # None for a clock threshold
    subject: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(40))
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligation.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    detail: Mapped[str] = mapped_column(Text)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("supervision_card.id"))


class Rectification(Base):
    """A report of rectification (整改报告) and the supervisor's verdict on it."""

    __tablename__ = "supervision_rectification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("supervision_card.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_by: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verdict: Mapped[str | None] = mapped_column(String(10))  # accepted / rejected
    review_note: Mapped[str | None] = mapped_column(Text)


class Evidence(Base):
    """A file backing a rectification report (整改证明材料): PDF, JPEG, PNG or DOCX, at most 5 MB.

    Uploaded against a card while its rectification is open; ``rectification_id`` is set when a report
    is submitted with it. The content is loaded only when the file itself is asked for.
    """

    __tablename__ = "supervision_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("supervision_card.id"), index=True)
    rectification_id: Mapped[int | None] = mapped_column(ForeignKey("supervision_rectification.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))  # as detected from the content, not as declared
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    uploaded_by: Mapped[str] = mapped_column(String(100))


class Rating(Base):
    """One 好差评 rating, codes 1 非常满意 … 5 非常不满意 [approval-and-supervision.md, A.8]."""

    __tablename__ = "supervision_rating"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligation.id"), index=True)
    subject: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    window_id: Mapped[int | None] = mapped_column(ForeignKey("window.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    rating: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class SweepState(Base):
    """One row: when the sweep last ran and what it has done in total."""

    __tablename__ = "supervision_sweep_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the moment swept up to
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # wall-clock time of the run
    runs: Mapped[int] = mapped_column(Integer, default=0)
    clocks_examined: Mapped[int] = mapped_column(Integer, default=0)
    cards_raised: Mapped[int] = mapped_column(Integer, default=0)
    last_counts: Mapped[dict] = mapped_column(JSON, default=dict)


class RuleSetting(Base):
    """An administrator's override of one monitoring rule (``enabled``, ``level``, parameters), layered
    over the configuration file's ``[rules."<code>"]`` exactly as that table is over the code's defaults."""

    __tablename__ = "supervision_rule_setting"

    code: Mapped[str] = mapped_column(String(80), primary_key=True)
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))


class RuleSettingsState(Base):
    """One row changed with every rule setting: processes key their cached rules on its stamp (random, so
    a rolled-back change or a restored database never reuses a key) and show the revision count."""

    __tablename__ = "supervision_rule_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    stamp: Mapped[str] = mapped_column(String(32), default="")
