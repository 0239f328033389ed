"""Bodies and answers of the API of proactive disclosure (主动公开), the public catalogue and the annual
report, shared by the staff and public pages (which read their forms into the same bodies:
:mod:`yangguang.web.forms`).

Texts are bounded by the columns they end up in and refuse control characters (PostgreSQL cannot store
a NUL byte), dates lie in 2000–2100, so bad input is a 422 naming the field, never a database error.
Required texts and the rules (who may, in which state, what a review needs) are the service's.
"""


from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from yangguang.disclosure.codes import CATEGORIES, DocumentType, PublicationState, Verdict
from yangguang.supervision.schemas import Error
from yangguang.web.deps import Page
from yangguang.web.forms import Day, Strict, Text

Category = Literal[tuple(CATEGORIES)]  # type: ignore[valid-type]
UNIT_PATTERN = r"^[0-9A-Za-z_-]{1,20}$"
MAX_SOURCE = 20 * 1024 * 1024  # bytes of an uploaded original

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": Error, "description": text} for status, text in (
        (401, "not logged in / no valid bearer token"), (403, "the role or organ does not allow this"),
        (404, "no such item (or not one of your organ's)"),
        (409, "not allowed in the item's current state (a refused publication is recorded and carded)"),
        (422, "invalid input: the field and the reason"))}
PUBLIC_ERRORS = {status: ERRORS[status] for status in (404, 422)}


# -- bodies ---------------------------------------------------------------------------------------------
class PublicationIn(Strict):
    """A new item of the caller's organ: typed text (``body``) or an uploaded DOCX, PDF or HTML file
    (``source_base64`` with ``source_name``), whose text becomes the body."""

    title: Text(300, description="标题 (required)")
    category: Category = Field(description="公开目录类别代码: " + "、".join(f"{k} {v}" for k, v in CATEGORIES.items()))
    formed_on: Day = Field(description="信息形成或者变更日期: starts the 20 working days of Art. 26")
    body: Text(2_000_000, description="正文 (or upload a file)") = ""
    source_base64: Text(28_000_000, description="上传文件内容（Base64）: DOCX, PDF or HTML") | None = None
    source_name: Text(200, description="上传文件名（.docx .pdf .html）") | None = None
    document_type: DocumentType = Field(DocumentType.OTHER,
                                        description="regulation 规章, normative 行政规范性文件, other 其他文件")
    document_number: Text(100, description="文号") = ""
    subject_words: Text(200, description="主题词") = ""


class PublicationChange(Strict):
    """Changes to an unpublished item not under review (absent: unchanged). A change of the title or
    the text voids an earlier verdict; a new date of formation restarts the 20 working days."""

    title: Text(300) | None = None
    category: Category | None = None
    formed_on: Day | None = None
    body: Text(2_000_000) | None = None
    source_base64: Text(28_000_000) | None = None
    source_name: Text(200) | None = None
    document_type: DocumentType | None = None
    document_number: Text(100) | None = None
    subject_words: Text(200) | None = None


class ReviewIn(Strict):
    verdict: Verdict = Field(description="approve 同意公开, reject 不同意公开")
    reasons: Text(5000, description="审查意见: required to reject, and to approve despite findings") = ""


class WithdrawIn(Strict):
    reason: Text(1000, description="撤回理由 (required)")


class RepealIn(Strict):
    repealed_on: Day = Field(description="废止日期")


class WordsIn(Strict):
    words: list[Text(100)] = Field(min_length=1, max_length=500, description="敏感词")
    unit: Annotated[str, Field(pattern=UNIT_PATTERN)] | None = Field(
        None, description="机关代码; omitted: the caller's organ. The county's list: administrators, with county=true")
    county: bool = Field(False, description="the county-wide list (administrators only)")


class GuideIn(Strict):
    text: Text(50_000, description="指南正文 (required)")
    office_address: Text(200, description="办公地址") = ""
    office_hours: Text(100, description="办公时间") = ""
    phone: Text(40, description="联系电话") = ""


class ReportTextIn(Strict):
    overview: Text(50_000, description="一、总体情况") | None = None
    problems: Text(50_000, description="五、存在的主要问题及改进情况") | None = None
    other_matters: Text(50_000, description="六、其他需要报告的事项") | None = None


class PublicationFilters(BaseModel):
    state: PublicationState | None = Field(None, description="draft, in_review, approved, rejected, published, "
                                                             "withdrawn")
    q: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] | None = Field(None, description="检索词")


class CatalogueFilters(BaseModel):
    unit: Annotated[str, Field(pattern=UNIT_PATTERN)] | None = Field(None, description="发布机构代码")
    category: Category | None = Field(None, description="公开目录类别代码")
    year: Annotated[int, Field(ge=2000, le=9998)] | None = Field(None, description="发布年份")
    q: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] | None = Field(None, description="检索词")


# -- answers ----------------------------------------------------------------------------------------------
class FindingOut(BaseModel):
    kind: str
    label: str
    start: int
    end: int
    line: int
    column: int
    excerpt: str = Field(description="the context, personal data masked")
    text: str = Field(description="the finding as it may be shown (personal data masked)")


class ScanOut(BaseModel):
    review_text: str = Field(description="title, blank line, body: the text scanned; positions refer to it")
    findings: list[FindingOut]
    near_misses: int = Field(description="ID-shaped numbers with a wrong check character, ignored")
    near_miss_note: str
    counts: dict[str, int]


class ReviewOut(BaseModel):
    id: int
    reviewer: str
    reviewer_name: str
    at: datetime
    verdict: Verdict
    verdict_label: str
    reasons: str
    findings: int
    near_misses: int
    current: bool = Field(description="the verdict is about the item's current text")


class PublicationSummary(BaseModel):
    id: int
    title: str
    state: PublicationState
    state_label: str
    unit_name: str
    drafter_name: str
    category: str
    formed_on: date
    due_on: date | None
    index_number: str | None
    updated_at: datetime


class PublicationPage(Page[PublicationSummary]):
    pass


class PublicationDetail(BaseModel):
    id: int
    title: str
    body: str
    state: PublicationState
    state_label: str
    unit: str
    unit_name: str
    drafter: str
    drafter_name: str
    category: str
    category_label: str
    document_type: DocumentType
    document_type_label: str
    document_number: str
    subject_words: str
    formed_on: date
    due_on: date | None
    index_number: str | None
    published_at: datetime | None
    repealed_on: date | None
    source_name: str | None
    publish_blocker: str | None = Field(description="why it cannot be published now (None: it can)")
    reviews: list[ReviewOut]


class WordsOut(BaseModel):
    unit: str | None
    words: list[str] = Field(description="the organ's own list")
    county_words: list[str] = Field(description="the county-wide list, applied to every organ")


class GuideOut(BaseModel):
    unit: str
    unit_name: str
    text: str
    office_address: str
    office_hours: str
    phone: str


class CatalogueItem(BaseModel):
    index_number: str
    title: str
    category: str
    category_label: str
    unit: str
    unit_name: str
    document_type: str
    document_number: str
    subject_words: str
    formed_on: date
    published_on: date
    repealed_on: date | None


class CatalogueItemDetail(CatalogueItem):
    body: str


class CataloguePage(Page[CatalogueItem]):
    pass


class PublishedReport(BaseModel):
    unit: str
    unit_name: str
    year: int
    published_at: datetime
    url: str


class AnnualReportOut(BaseModel):
    """The report as the renderers' JSON (``report``) with the row's state."""

    unit: str
    year: int
    state: Literal["none", "draft", "published"] = Field(description="none: no draft row yet")
    editable: bool
    report: dict[str, Any]
