"""Bodies and answers of the case API (``/api/v1/cases``, ``/api/v1/queue``), shared by the staff pages.

Every text field is bounded by the column it ends up in and refuses control characters (a NUL byte
cannot be stored by PostgreSQL), so bad input is a 422 naming the field, never a database error.
Money is in fen (integer); the pages convert yuan exactly with :func:`fen_from_yuan`.
"""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictInt, field_validator

from yangguang.approval.codes import HANDLING_FORM, SERVICE_OBJECT, SPECIAL_PROCEDURE_KINDS
from yangguang.approval.service import CaseState
from yangguang.core.db import MAX_INT
from yangguang.core.errors import InvalidInput
from yangguang.web.deps import Page
from yangguang.web.forms import Strict, Text

# Path parameters: a case number (e.g. 2026SCJ000042) and a step name (e.g. 审查).
NUMBER_PATTERN = r"^[^\x00-\x1f\x7f]{1,40}$"
ServiceObject = Literal[tuple(SERVICE_OBJECT)]
HandlingForm = Literal[tuple(HANDLING_FORM)]
SpecialProcedure = Literal[tuple(SPECIAL_PROCEDURE_KINDS)]
MaterialRef = Annotated[StrictInt, Field(ge=1, le=MAX_INT)] | Text(200, 1)


_YUAN = re.compile(r"[0-9]{1,8}(\.[0-9]{1,2})?")


def fen_from_yuan(text: str, field: str = "amount_yuan") -> int:
    """'1234.5' yuan -> 123450 fen, exactly (Decimal, never float) [DESIGN.md, Conventions]."""
    text = text.strip()
    if not _YUAN.fullmatch(text):
        raise InvalidInput(field, "金额应为元，最多两位小数，例如 50 或 12.50")
    return int(Decimal(text) * 100)


# -- bodies -------------------------------------------------------------------------------------------
class ApplicantIn(Strict):
    name: Text(200, 1, "applicant's name (person or organisation)")
    type: ServiceObject = Field(description="服务对象 code, GB/T 39046-2020 A.4: 1 自然人 … 6 其他组织")
    id_number: Text(40, description="identity document number or unified social credit code") = ""
    phone: Text(20) = ""


class CaseIn(Strict):
    """An application received at the clerk's window (收件). Accepted at once when the required materials
    are all there; otherwise the one-time notice lists everything missing [行政许可法 Art. 32]."""

    item: Text(60, 1, "the item's 实施编码")
    channel: HandlingForm = Field("1", description="办理形式 code, A.5: 1 窗口, 2 网上, 3 移动端, 4 快递, 9 其他")
    applicant: ApplicantIn
    materials: list[MaterialRef] = Field(default_factory=list, max_length=100,
                                         description="materials received: ids or names of the item's materials")
    force_accept: bool = Field(False, description="accept although required materials are missing: a monitoring "
                                                  "point reported to supervision")


class MaterialsIn(Strict):
    """Materials supplied after a one-time notice; the case is accepted when they are now complete."""

    materials: list[MaterialRef] = Field(min_length=1, max_length=100)
    force_accept: bool = Field(False, description="accept although required materials are still missing "
                                                  "(a monitoring point)")


class RefusalIn(Strict):
    """不予受理 with reason and legal basis, written to the applicant [行政许可法 Art. 32]."""

    reason: Text(500, 1)
    legal_basis: Text(500, description="the provision relied on; refusing without one is reported") = ""


class StepActionIn(Strict):
    """Doing the active step. 决定 needs ``decision``; a denial states its legal basis [行政许可法 Art. 38];
    送达 takes the result's number [Art. 44]."""

    note: Text(1000, description="the handler's opinion (办理意见)") = ""
    decision: Literal["grant", "deny"] | None = Field(None, description="决定 only: grant 准予许可, deny 不予许可")
    legal_basis: Text(1000) = ""
    result_number: Text(60, description="送达 only: the licence or decision number") = ""


class SpecialProcedureIn(Strict):
    """A special procedure whose time is not counted; the applicant is told how long [行政许可法 Art. 45]."""

    kind: SpecialProcedure = Field(description="hearing 听证, bidding 招标, auction 拍卖, inspection 检验, "
                                               "testing 检测, quarantine 检疫, appraisal 鉴定, expert_review 专家评审")
    expected_days: int = Field(ge=1, le=365, description="working days the procedure is expected to need")
    reason: Text(200, 1)


class EndSpecialProcedureIn(Strict):
    note: Text(500) = ""


class CorrectionIn(Strict):
    """补正 during review: everything to correct, at once; the clocks pause until it arrives."""

    missing: list[Text(100, 1)] = Field(min_length=1, max_length=20, description="at most 280 characters together")

    @field_validator("missing")
    @classmethod
    def _fits(cls, missing: list[str]) -> list[str]:
        if sum(len(m) + 1 for m in missing) > 280:  # recorded as the pause's reason (300 characters)
            raise ValueError("需要补正的内容合计不能超过280字")
        return missing


class ExtensionIn(Strict):
    """延期 by at most 10 working days (15 for parallel approval), once, with the head's approval and the
    reason told to the applicant [行政许可法 Art. 42]."""

    days: int = Field(ge=1, le=365, description="working days to add; the service enforces the legal maximum")
    reason: Text(200, 1)


class FeeIn(Strict):
    """A fee taken at the finance window, in fen; checked against the item's standard."""

    amount_fen: StrictInt = Field(ge=0, le=100_000_000, description="amount in fen (1 yuan = 100 fen), an integer")
    basis: Text(500, description="the charging document relied on; none is a violation when a fee is taken") = ""


class ResultIn(Strict):
    """送达: the result (licence or decision) handed to the applicant [行政许可法 Art. 44]."""

    result_number: Text(60) = ""


class CaseFilters(BaseModel):
    """Filters of the case list (query parameters)."""

    state: CaseState | None = Field(None, description="case state")
    item: Text(60, description="the item's 实施编码") | None = None
    number: Text(40, description="case number prefix") | None = None
    received_from: date | None = Field(None, ge=date(2000, 1, 1), le=date(2100, 12, 31),
                                       description="first local day of receipt (ISO 8601)")
    received_to: date | None = Field(None, ge=date(2000, 1, 1), le=date(2100, 12, 31),
                                     description="last local day of receipt, included")
    awaiting_fee: bool = Field(False, description="only accepted cases of charging items with no fee taken yet")


# -- answers ------------------------------------------------------------------------------------------
class CaseSummary(BaseModel):
    number: str
    item_code: str
    item: str
    unit: str = Field(description="the department whose item it is")
    state: str
    state_label: str
    applicant: str
    received_at: datetime
    accepted_at: datetime | None
    completed_at: datetime | None
    fee_charged_fen: int


class CasePage(Page[CaseSummary]):
    pass


class NoticeOut(BaseModel):
    kind: str = Field(description="materials (一次性告知), refusal, special_procedure, correction, extension")
    issued_at: datetime
    missing: list[str]
    text: str = Field(description="the letter to print and hand to the applicant")


class ReceiptOut(BaseModel):
    number: str
    query_code: str = Field(description="given to the applicant for the public progress query")
    state: str
    state_label: str
    missing: list[str] = Field(description="required materials still missing")
    notice: NoticeOut | None = Field(description="the one-time notice when materials are missing")


class StepDone(BaseModel):
    number: str
    step: str
    outcome: str
    done_at: datetime
    state: str = Field(description="the case's state after the step")
    active_steps: list[str]


class CaseStateOut(BaseModel):
    number: str
    state: str
    excluded_days: int = Field(description="working days not counted on the promised clock")


class ExtensionRequestOut(BaseModel):
    number: str
    days: int
    asked: list[str] = Field(description="logins of the unit heads asked to approve")


class FeeOut(BaseModel):
    number: str
    amount_fen: int
    basis: str
    charged_at: datetime
    within_standard: bool
    fee_charged_fen: int = Field(description="all fees taken on the case")


class DeliveredOut(BaseModel):
    number: str
    state: str
    result_number: str
    delivered_at: datetime | None


class ClockTime(BaseModel):
    limit: int
    time_unit: str
    unit_label: str
    used: int
    left: int
    overdue: bool
    due_on: str | None
    provisional: bool
    paused: bool


class ClockOut(ClockTime):
    kind: str = Field(description="promised (承诺时限), statutory (法定时限)")
    start_at: datetime
    due_at: datetime | None
    extension: int
    state: str
    pauses: list[dict[str, Any]]


class StepOut(BaseModel):
    seq: int
    step: str
    role: str
    unit: str
    share: int
    state: str
    started_at: datetime | None
    done_at: datetime | None
    actor: str | None
    outcome: str
    note: str
    due_on: date | None = Field(description="last working day of the step's time share")
    overdue: bool = Field(description="the step ran over its share (a monitoring point)")


class MaterialOut(BaseModel):
    id: int | None = Field(description="the item's material id (to name it when supplied later)")
    name: str
    required: bool
    provided: bool


class FeeLine(BaseModel):
    amount_fen: int
    basis: str
    charged_at: datetime
    within_standard: bool


class HistoryEntry(BaseModel):
    at: datetime
    actor: str
    action: str
    label: str
    data: dict[str, Any]


class CaseDetail(BaseModel):
    number: str
    query_code: str
    item: str
    item_code: str
    item_version: int
    unit: str
    window: str | None
    channel: str
    channel_label: str
    state: str
    state_label: str
    parallel: bool
    applicant: dict[str, str]
    received_at: datetime
    accepted_at: datetime | None
    accepted_by: str | None
    decision: str | None
    decision_basis: str
    decided_at: datetime | None
    completed_at: datetime | None
    delivered_at: datetime | None
    result_number: str
    fee_charged_fen: int
    item_charges: bool
    fee_basis: str
    fee_standard_fen: int | None
    satisfaction: str | None
    suspended_for: str | None
    suspended_label: str | None
    materials: list[MaterialOut]
    steps: list[StepOut]
    clocks: list[ClockOut]
    notices: list[NoticeOut]
    fees: list[FeeLine]
    history: list[HistoryEntry]
    extension_request: dict[str, Any] | None


class QueueEntry(BaseModel):
    number: str
    item: str
    item_code: str
    step: str
    seq: int
    role: str
    state: str
    state_label: str
    started_at: datetime | None
    deadline: datetime | None = Field(description="the earlier of the step's and the case's promised due moment")
    overdue: bool
    step_time: ClockTime | None = Field(description="the step's own share of the promise")
    case_time: ClockTime | None = Field(description="the case's promised limit")


class QueuePage(Page[QueueEntry]):
    pass
