"""Request and response bodies of the supervision API (cards, rectification, scores, rules).

Every text field refuses NUL characters and has a length limit, every id is a positive 32-bit integer,
so no input reaches the database in a form it cannot store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from yangguang.core.db import MAX_INT
from yangguang.core.validation import NO_NUL
from yangguang.supervision.models import CardState
from yangguang.supervision.registry import CATEGORIES, Level

MAX_ID = MAX_INT
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Category = Literal[CATEGORIES]


class Error(BaseModel):
    """Every refusal: the field at fault and the reason."""

    field: str
    reason: str


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": Error, "description": text} for status, text in (
        (401, "not logged in / no valid bearer token"), (403, "the role does not allow this"),
        (404, "no such card (or not one of your unit's)"), (409, "not allowed in the card's current state"),
        (422, "invalid input: the field and the reason"))}


class CardOut(BaseModel):
    number: str = Field(description="card number, e.g. JC2026-000001")
    level: Level = Field(description="warning 预警, yellow 黄牌, red 红牌")
    level_label: str
    rule_code: str = Field(description="the monitoring rule that raised it (supervision.manual: issued by hand)")
    rule_name: str
    category: str
    reason: str
    subject: str = Field(description="what is supervised: approval_case, approval_case_step, card, unit ...")
    subject_id: str
    obligation_id: int | None
    unit: str = Field(description="code of the responsible unit")
    unit_name: str
    person: str | None = Field(description="login of the responsible person")
    person_name: str | None
    issued_at: datetime
    issued_by: str
    state: CardState
    state_label: str
    escalated_from: str | None = Field(description="number of the card this one escalates")
    rectification_due: datetime | None = Field(description="deadline of the rectification report (整改期限)")
    acknowledged_at: datetime | None
    closed_at: datetime | None


class CardPage(BaseModel):
    items: list[CardOut]
    total: int
    page: int
    per_page: int
    counts: dict[str, int] = Field(description="cards per level matching the other filters")


class EvidenceOut(BaseModel):
    id: int
    filename: str
    content_type: str = Field(description="the type detected from the content")
    size: int = Field(description="bytes")
    sha256: str
    uploaded_at: datetime
    uploaded_by: str
    rectification_id: int | None = Field(description="the report it was submitted with; null until then")
    url: str


class ReportOut(BaseModel):
    id: int
    submitted_at: datetime
    submitted_by: str
    text: str
    evidence: list[str] = Field(description="documents named in words")
    files: list[EvidenceOut]
    verdict: Literal["accepted", "rejected"] | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str | None = Field(description="the supervisor's note (why a report was sent back)")


class NotificationOut(BaseModel):
    channel: Literal["email", "sms", "inbox"]
    to: str
    subject: str
    state: str
    created_at: datetime
    sent_at: datetime | None


class CardDetail(CardOut):
    case_number: str | None = Field(description="the approval case the card is about, if any")
    rectification_required: bool = Field(description="the card carries a rectification order of its own")
    reports: list[ReportOut]
    unreported_files: list[EvidenceOut] = Field(description="evidence uploaded but not yet submitted with a report")
    notifications: list[NotificationOut]


class TimelineEntry(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    action_label: str
    data: dict[str, Any]


class ManualCardIn(BaseModel):
    """A card a supervisor issues by hand (a breach found by inspection or a complaint)."""

    model_config = ConfigDict(extra="forbid")

    level: Level
    unit: str = Field(min_length=1, max_length=20, pattern=NO_NUL, description="code of the responsible unit")
    person: str | None = Field(default=None, min_length=1, max_length=60, pattern=NO_NUL,
                               description="login of the responsible person (staff of that unit)")
    reason: str = Field(min_length=1, max_length=2000, pattern=NO_NUL)
    category: Category = Field(default="其他")
    case_number: str | None = Field(default=None, min_length=1, max_length=40, pattern=NO_NUL,
                                    description="the approval case the card is about (optional)")
    obligation_id: Id | None = Field(default=None, description="or any supervised obligation by id (optional)")


class ReportIn(BaseModel):
    """A rectification report (整改报告) with the evidence files uploaded before it."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=5000, pattern=NO_NUL, description="what was rectified")
    evidence_files: list[Id] = Field(default_factory=list, max_length=20,
                                     description="ids from POST /api/v1/cards/{number}/evidence")


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=1000, pattern=NO_NUL)


class RequiredNoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=1000, pattern=NO_NUL, description="required: the reason")


class ScoreOut(BaseModel):
    by: Literal["unit", "window", "person"]
    code: str = Field(description="unit code, window number or login")
    name: str
    period: str
    completed: int
    on_time: int
    on_time_rate: float | None = Field(description="percent")
    early: int
    early_rate: float | None = Field(description="percent")
    time_ratio: float | None = Field(description="mean time used / time promised")
    warnings: int
    yellow: int
    red: int
    deducted: float
    ratings: int
    satisfaction: float | None
    score: float | None
    grade: str | None = Field(description="优秀 / 良好 / 合格 / 不合格")
    rank: int | None


class ScorePage(BaseModel):
    period: str
    by: Literal["unit", "window", "person"]
    items: list[ScoreOut]
    total: int
    page: int
    per_page: int


class RuleOut(BaseModel):
    code: str
    name: str
    category: str
    enabled: bool
    level: Level
    level_label: str
    params: dict[str, Any] = Field(description="parameters in force")
    source: str = Field(description="where the rule comes from (law, standard, local regulation)")
    kind: Literal["clock", "event"]
    watches: str = Field(description="obligation/clock and trigger, or the event type")


class RulePage(BaseModel):
    items: list[RuleOut]
    total: int
    page: int
    per_page: int
