"""Bodies and answers of the API of applications for government information (依申请公开), shared by the
staff and public pages (which read their forms into the same bodies: :mod:`yangguang.web.forms`).

Every text field is bounded by the column it ends up in and refuses control characters (PostgreSQL
cannot store a NUL byte); dates lie in 2000–2100 and moments carry their time zone, so bad input is a
422 naming the field, never a database error. Required texts are left to the service, whose reason
names what is missing ("申请内容不能为空"). The rules themselves (what a channel needs, the longest
extension, which outcome needs a reason...) are the service's: it refuses with the field and the reason.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from yangguang.disclosure.codes import (
    APPLICANT_KIND_LABELS,
    OUTCOMES,
    ApplicantKind,
    ApplicationState,
    Channel,
    ConsultationAnswer,
    ConsultationKind,
    FeeMethod,
    RemedyKind,
)
from yangguang.disclosure.service.applications import DELIVERY_LABELS
from yangguang.web.deps import Page
from yangguang.web.forms import FIRST_DAY, LAST_DAY, Day, Strict, Text, form_text


def _in_range(value: datetime) -> datetime:
    if not FIRST_DAY.year <= value.year <= LAST_DAY.year:
        raise ValueError(f"时间应在 {FIRST_DAY.year}–{LAST_DAY.year} 年之间")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_in_range), Field(description="带时区的时间（ISO 8601）")]
# Application numbers, e.g. YSQ-ZFB-2026-00042 (organ codes are letters, digits, '_' and '-').
NUMBER_PATTERN = r"^[0-9A-Za-z_-]{1,40}$"
QUERY_CODE_PATTERN = r"^\s*[0-9A-Za-z]{1,12}\s*$"
Delivery = Literal[tuple(DELIVERY_LABELS)]  # type: ignore[valid-type]
OutcomeCode = Literal[tuple(OUTCOMES)]  # type: ignore[valid-type]
FinalResult = Literal["upheld", "corrected", "other"]
LetterKind = Literal["reply", "correction", "extension", "fee"]


def organisation_kinds() -> dict[str, str]:
    """The kinds of a legal person or other organisation (the columns of section 三 of the annual report)."""
    return {k.value: v for k, v in APPLICANT_KIND_LABELS.items() if k != ApplicantKind.NATURAL_PERSON}


def request_fields(form: Mapping[str, Any]) -> dict[str, Any]:
    """The applicant and the request of a page's form, named as the bodies name them. The form asks first
    whether the applicant is a natural person or an organisation (``applicant_type``), then the
    organisation's kind (``organisation_kind``)."""
    def text(name: str) -> str:
        return form_text(form, name)

    kind = text("organisation_kind") if text("applicant_type") == "organisation" else text("applicant_type")
    fields = {name: text(name) for name in ("applicant_name", "applicant_id_number", "contact_phone",
                                            "contact_email", "contact_address", "content")}
    return {**fields, "applicant_kind": kind, "delivery": text("delivery") or "electronic"}


# -- bodies -------------------------------------------------------------------------------------------
class FoiRequestIn(Strict):
    """The applicant and the request [政府信息公开条例 Art. 29]: a name, at least one contact (the service
    checks), the description of the information and how it is to be provided [Art. 40]."""

    applicant_kind: ApplicantKind = Field(description="natural_person 自然人; organisations: commercial 商业企业, "
                                                      "research 科研机构, public_interest 社会公益组织, "
                                                      "legal_service 法律服务机构, other_org 其他")
    applicant_name: Text(100, description="申请人姓名或者名称 (required)")
    applicant_id_number: Text(30, description="身份证件号码或统一社会信用代码") = ""
    contact_phone: Text(30, description="联系电话") = ""
    contact_email: Text(200, description="电子邮箱") = ""
    contact_address: Text(300, description="通信地址") = ""
    content: Text(20_000, description="所需政府信息的名称、文号或者便于查询的其他特征性描述 (required)")
    delivery: Delivery = Field("electronic",
                               description="paper 纸质文本, electronic 电子数据, in_person 当面领取或查阅 [Art. 40]")


class FoiOnlineIn(FoiRequestIn):
    """The public online form: received on the day the organ confirms it [Art. 31]."""

    unit: Text(20, description="受理机关代码")


class FoiStaffIn(FoiRequestIn):
    """A request registered by the organ's disclosure office (letter, visit, post, fax...)."""

    channel: Channel = Field(description="in_person 当面提交, post_signed 邮寄（需签收）, post_ordinary 平常信函, "
                                         "online 网上申请, fax 传真")
    submitted_at: Moment | None = Field(None, description="handed in, posted or sent; default: now")
    signed_for_on: Day | None = Field(None, description="post_signed only: the day signed for [Art. 31]")


class FoiConfirmIn(Strict):
    confirmed_on: Day = Field(description="the day the organ confirmed receipt with the applicant [Art. 31]")


class FoiCorrectionIn(Strict):
    """One notice listing everything to clarify, with a reasonable deadline [Art. 30]."""

    items: list[Text(300, 1)] = Field(min_length=1, max_length=30)
    deadline: Day


class FoiDayIn(Strict):
    on: Day


class FoiConsultIn(Strict):
    kind: ConsultationKind = Field(description="third_party 征求第三方意见 [Art. 32], "
                                               "co_maker 征求共同制作机关意见 [Art. 34]")
    party: Text(200, description="被征求意见的第三方或机关 (required)")


class FoiAnswerIn(Strict):
    answer: ConsultationAnswer = Field(description="agree 同意公开, object 不同意公开, silent 逾期未提出意见")
    reasons: Text(5000, description="an objection states its reasons [Art. 32]") = ""


class FoiExtendIn(Strict):
    days: int = Field(ge=1, le=365, description="working days to add; the law allows at most 20, once [Art. 33]")
    reason: Text(290, description="延期理由，告知申请人 (required)")


class FoiFeeIn(Strict):
    """A fee notice by one of the two methods, never both [国办函〔2020〕109号]: per request the service
    counts the applicant's requests of the month; per volume needs ``pages``."""

    method: FeeMethod = Field(description="per_request 按件计收, per_volume 按量计收")
    pages: int | None = Field(None, ge=1, le=1_000_000, description="per_volume only: pages provided")
    deadline: Day = Field(description="payment deadline, at least 20 working days after the notice")


class FoiConcludeIn(Strict):
    """The reply [Art. 36]; the outcome fixes the row of the annual report."""

    outcome: OutcomeCode = Field(description="an outcome code of codes.OUTCOMES")
    reason: Text(5000, description="the concrete reason (required for outcomes that withhold or refuse)") = ""
    right_organ: Text(100, description="unavailable.not_this_organ: the organ responsible, when known") = ""
    where_published: Text(300, description="already_public: where the information is") = ""


class FoiRemedyIn(Strict):
    kind: RemedyKind = Field(description="review 行政复议, litigation_direct 直接起诉, "
                                         "litigation_after_review 复议后起诉")
    filed_on: Day
    case_number: Text(60, description="案号") = ""
    note: Text(5000) = ""


class FoiRemedyResultIn(Strict):
    result: FinalResult = Field(description="upheld 结果维持, corrected 结果纠正, other 其他结果")
    concluded_on: Day


class FoiFilters(BaseModel):
    """Filters of the staff list (query parameters)."""

    state: ApplicationState | None = Field(None, description="application state")
    q: Text(100, description="searches the number, the applicant's name and the request") | None = None


# -- answers ------------------------------------------------------------------------------------------
class FoiError(BaseModel):
    """Every refusal: the field at fault and the reason."""

    field: str
    reason: str


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": FoiError, "description": text} for status, text in (
        (401, "not logged in / no valid bearer token"), (403, "the role or organ does not allow this"),
        (404, "no such application (or not one of your organ's)"),
        (409, "not allowed in the application's current state"), (422, "invalid input: the field and the reason"))}


class FoiTime(BaseModel):
    limit: int = Field(description="working days, the extension included")
    unit_label: str
    used: int
    left: int
    overdue: bool
    extension: int
    due_on: str | None = Field(description="last day of the period; none while paused")
    provisional: bool = Field(description="the date relies on a year whose holidays are not yet published")
    paused: bool
    paused_for: str | None
    stopped: bool


class FoiPauseOut(BaseModel):
    reason_code: str
    reason: str
    started_at: datetime
    ended_at: datetime | None


class FoiClockOut(FoiTime):
    start_at: datetime
    due_at: datetime | None
    pauses: list[FoiPauseOut]


class FoiSummary(BaseModel):
    number: str
    organ: str
    applicant_name: str
    applicant_kind: str
    applicant_kind_label: str | None
    channel: str
    channel_label: str | None
    state: str
    state_label: str | None
    submitted_at: datetime
    received_on: str | None
    time: FoiTime | None = Field(description="the reply period (20 working days [Art. 33])")
    outcome: str | None
    outcome_label: str | None
    concluded_on: str | None
    late: bool | None


class FoiPage(Page[FoiSummary]):
    pass


class FoiCorrectionOut(BaseModel):
    items: list[str]
    deadline: str | None
    corrected_on: str | None


class FoiConsultationOut(BaseModel):
    id: int
    kind: str
    kind_label: str | None
    party: str
    sent_at: datetime
    due_on: str | None
    silence_counts: bool = Field(description="the 15 working days have passed unanswered")
    answer: str | None
    answer_label: str | None
    answer_reasons: str
    answered_at: datetime | None


class FoiFeeOut(BaseModel):
    method: str
    method_label: str | None
    monthly_count: int | None
    pages: int | None
    amount_fen: int
    deadline: str | None
    paid_on: str | None


class FoiRemedyOut(BaseModel):
    id: int
    kind: str
    kind_label: str | None
    case_number: str
    filed_on: str | None
    result: str
    result_label: str | None
    concluded_on: str | None


class FoiHistoryEntry(BaseModel):
    at: datetime
    actor: str
    action: str
    data: dict[str, Any]


class FoiLetterOut(BaseModel):
    kind: LetterKind
    title: str
    text: str
    download: str = Field(description="the DOCX file")


class FoiDetail(FoiSummary):
    query_code: str
    applicant_id_number: str
    contact_phone: str
    contact_email: str
    contact_address: str
    content: str
    delivery: str
    delivery_label: str | None
    signed_for_on: str | None
    confirmed_on: str | None
    handler: str | None
    clocks: dict[str, FoiClockOut] = Field(description="reply, correction_notice")
    obligation_state: str | None
    correction: FoiCorrectionOut | None
    consultations: list[FoiConsultationOut]
    fee: FoiFeeOut | None
    outcome_row: str | None
    outcome_reason: str
    outcome_basis: str | None
    right_organ: str
    where_published: str
    remedies: list[FoiRemedyOut]
    history: list[FoiHistoryEntry]
    letters: list[FoiLetterOut]


class FoiOnlineReceipt(BaseModel):
    number: str
    query_code: str = Field(description="with the number, checks the progress; keep it private")
    organ: str
    submitted_at: datetime
    state: str
    state_label: str
    notice: str = Field(description="when the request counts as received [Art. 31]")


class FoiProgress(BaseModel):
    """What the applicant sees with the number and query code: no personal data, not the request."""

    number: str
    organ: str
    state: str
    state_label: str
    submitted_on: str
    received_on: str | None
    due_on: str | None
    paused_for: str | None
    extended_days: int
    correction_deadline: str | None
    fee_fen: int | None
    fee_deadline: str | None
    outcome_label: str | None
    concluded_on: str | None
