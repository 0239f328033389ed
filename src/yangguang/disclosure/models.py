"""Tables of the disclosure module (政务公开).

Proactive disclosure: publications with their confidentiality reviews, the office's sensitive words
and each organ's disclosure guide. Applications (依申请公开) with consultations and the remedies
(administrative review, litigation) brought against them. The annual report's edited text and, once
published, its frozen figures (next year's carry-forward is read from them).

An "organ" (行政机关) is a :class:`~yangguang.core.org.Unit`. Codes are those of
:mod:`yangguang.disclosure.codes`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from yangguang.core.db import Base, UTCDateTime
from yangguang.core.org import Unit


# -- proactive disclosure ----------------------------------------------------------------------------
class Publication(Base):
    """One item of government information to be published proactively (主动公开), with its catalogue data."""

    __tablename__ = "disclosure_publication"
    __table_args__ = (
        Index("ix_disclosure_publication_unit_state", "unit_id", "state"),
        Index("ix_disclosure_publication_published", "state", "published_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # issuing organ (发布机构)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")  # the text reviewed and published
    category: Mapped[str] = mapped_column(String(4))  # codes.CATEGORIES
    document_type: Mapped[str] = mapped_column(String(12), default="other")  # codes.DocumentType
    document_number: Mapped[str] = mapped_column(String(100), default="")  # 文号
    subject_words: Mapped[str] = mapped_column(String(200), default="")  # 主题词
    formed_on: Mapped[date] = mapped_column(Date)  # formed or changed: starts the 20-working-day clock
    repealed_on: Mapped[date | None] = mapped_column(Date)  # 废止 (regulations, normative documents)
    state: Mapped[str] = mapped_column(String(12), default="draft")  # codes.PublicationState
    index_number: Mapped[str | None] = mapped_column(String(60), unique=True)  # 索引号, set on publication
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    drafter_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligation.id"))  # the Art. 26 clock
    # the uploaded original (DOCX, PDF or HTML) the body was extracted from
    source_name: Mapped[str | None] = mapped_column(String(200))
    source_type: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unit: Mapped[Unit] = relationship()
    reviews: Mapped[list[PublicationReview]] = relationship(back_populates="publication",
                                                            order_by="PublicationReview.id")


class PublicationReview(Base):
    """The record of one confidentiality review (保密审查): who, when, verdict, reasons, what was found."""

    __tablename__ = "disclosure_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("disclosure_publication.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    verdict: Mapped[str] = mapped_column(String(10))  # codes.Verdict
    reasons: Mapped[str] = mapped_column(Text)
    body_sha256: Mapped[str] = mapped_column(String(64))  # the text this verdict is about
    findings: Mapped[list] = mapped_column(JSON, default=list)  # scanner findings shown to the reviewer
    near_misses: Mapped[int] = mapped_column(Integer, default=0)  # 18-character numbers with a bad check digit
    publication: Mapped[Publication] = relationship(back_populates="reviews")


class SensitiveWord(Base):
    """A word on an office's sensitive-word list (敏感词); ``unit_id`` None: the whole county's list."""

    __tablename__ = "disclosure_sensitive_word"
    __table_args__ = (UniqueConstraint("unit_id", "word"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    word: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DisclosureGuide(Base):
    """An organ's disclosure guide (政府信息公开指南) [条例 Art. 12]."""

    __tablename__ = "disclosure_guide"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    text: Mapped[str] = mapped_column(Text)  # plain text, paragraphs separated by blank lines
    office_address: Mapped[str] = mapped_column(String(200), default="")
    office_hours: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unit: Mapped[Unit] = relationship()


# -- applications (依申请公开) --------------------------------------------------------------------------
class Application(Base):
    """A request for government information, from receipt to its outcome."""

    __tablename__ = "disclosure_application"
    __table_args__ = (
        Index("ix_disclosure_application_unit_received", "unit_id", "received_on"),
        Index("ix_disclosure_application_unit_concluded", "unit_id", "concluded_on"),
        Index("ix_disclosure_application_applicant_month", "applicant_key", "received_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)  # 申请编号
    query_code: Mapped[str] = mapped_column(String(12))  # the applicant checks progress with number + code
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the organ asked
    channel: Mapped[str] = mapped_column(String(16))  # codes.Channel
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())  # handed in, posted or sent
    signed_for_on: Mapped[date | None] = mapped_column(Date)  # post needing a signature
    confirmed_on: Mapped[date | None] = mapped_column(Date)  # ordinary mail, online, fax: both sides confirmed
    received_on: Mapped[date | None] = mapped_column(Date)  # date of receipt under Art. 31
    # applicant (personal data: never shown publicly)
    applicant_kind: Mapped[str] = mapped_column(String(16))  # codes.ApplicantKind
    applicant_name: Mapped[str] = mapped_column(String(100))
    applicant_id_number: Mapped[str] = mapped_column(String(30), default="")  # 身份证号 or 统一社会信用代码
    applicant_key: Mapped[str] = mapped_column(String(64))  # sha256 of the normalised identity (monthly count)
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    contact_address: Mapped[str] = mapped_column(String(300), default="")
    # the request
    content: Mapped[str] = mapped_column(Text)  # 所需信息的名称、文号或者便于查询的其他特征性描述
    delivery: Mapped[str] = mapped_column(String(20), default="electronic")  # paper | electronic | in_person
    state: Mapped[str] = mapped_column(String(24))  # codes.ApplicationState
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligation.id"))  # reply clock etc.
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # correction (补正) [Art. 30]
    correction_items: Mapped[str] = mapped_column(Text, default="")
    correction_deadline: Mapped[date | None] = mapped_column(Date)
    corrected_on: Mapped[date | None] = mapped_column(Date)
    # fee [国办函〔2020〕109号]
    fee_method: Mapped[str | None] = mapped_column(String(12))  # codes.FeeMethod
    fee_pages: Mapped[int | None] = mapped_column(Integer)
    fee_monthly_count: Mapped[int | None] = mapped_column(Integer)  # this request's rank in the month
    fee_fen: Mapped[int] = mapped_column(Integer, default=0)
    fee_deadline: Mapped[date | None] = mapped_column(Date)
    fee_paid_on: Mapped[date | None] = mapped_column(Date)
    # outcome [Art. 36]
    outcome: Mapped[str | None] = mapped_column(String(40))  # codes.OUTCOMES
    outcome_row: Mapped[str | None] = mapped_column(String(40))  # codes.REPORT_ROWS key, for the report
    outcome_reason: Mapped[str] = mapped_column(Text, default="")
    right_organ: Mapped[str] = mapped_column(String(100), default="")  # not this organ's: who holds it
    where_published: Mapped[str] = mapped_column(String(300), default="")  # already public: where
    concluded_on: Mapped[date | None] = mapped_column(Date)
    late: Mapped[bool | None] = mapped_column()  # concluded after the reply deadline
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unit: Mapped[Unit] = relationship()
    consultations: Mapped[list[Consultation]] = relationship(back_populates="application",
                                                             order_by="Consultation.id")
    remedies: Mapped[list[Remedy]] = relationship(back_populates="application", order_by="Remedy.id")


class Consultation(Base):
    """A third party or co-making organ consulted in writing; 15 working days to answer [Arts. 32, 34]."""

    __tablename__ = "disclosure_consultation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("disclosure_application.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # codes.ConsultationKind
    party: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer: Mapped[str | None] = mapped_column(String(10))  # codes.ConsultationAnswer
    answer_reasons: Mapped[str] = mapped_column(Text, default="")
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligation.id"))  # the 15-day clock
    application: Mapped[Application] = relationship(back_populates="consultations")


class Remedy(Base):
    """An administrative review or a lawsuit brought against the handling of an application."""

    __tablename__ = "disclosure_remedy"
    __table_args__ = (Index("ix_disclosure_remedy_unit_filed", "unit_id", "filed_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure_application.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the organ whose handling is challenged
    kind: Mapped[str] = mapped_column(String(24))  # codes.RemedyKind
    case_number: Mapped[str] = mapped_column(String(60), default="")  # 复议/诉讼案号
    filed_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(10), default="pending")  # codes.RemedyResult
    concluded_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    application: Mapped[Application | None] = relationship(back_populates="remedies")


# -- the annual report (年度报告) ------------------------------------------------------------------------
class AnnualReport(Base):
    """An organ's annual report for one year: edited text sections and, once published, frozen figures."""

    __tablename__ = "disclosure_annual_report"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    year: Mapped[int] = mapped_column(Integer)
    format_version: Mapped[str] = mapped_column(String(4))  # codes.ReportFormat
    overview: Mapped[str] = mapped_column(Text, default="")  # 一、总体情况
    problems: Mapped[str] = mapped_column(Text, default="")  # 五、存在的主要问题及改进情况
    other_matters: Mapped[str] = mapped_column(Text, default="")  # 六、其他需要报告的事项
    state: Mapped[str] = mapped_column(String(10), default="draft")  # draft | published
    figures: Mapped[dict | None] = mapped_column(JSON)  # the computed tables, frozen at publication
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligation.id"))  # due 31 January
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unit: Mapped[Unit] = relationship()
