"""Vocabulary of the disclosure module (政务公开): code lists shared by its tables, service and report.

Sources: shared/domain/disclosure.md — 政府信息公开条例 (2019 revision) Arts. 20, 26, 30–39, 49;
政府信息公开信息处理费管理办法 (国办函〔2020〕109号); the annual report format 国办公开办函〔2021〕30号
(and the 2019 trial format 国办公开办函〔2019〕60号 for reports of 2019 and 2020).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


# -- proactive disclosure (主动公开) -------------------------------------------------------------------
class PublicationState(StrEnum):
    DRAFT = "draft"  # being written by the drafter
    IN_REVIEW = "in_review"  # submitted for the confidentiality review (保密审查)
    APPROVED = "approved"  # positive review: may be published
    REJECTED = "rejected"  # negative review: back to the drafter
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"  # taken off the portal


PUBLICATION_STATE_LABELS = {
    PublicationState.DRAFT: "草稿", PublicationState.IN_REVIEW: "待审查", PublicationState.APPROVED: "审查通过",
    PublicationState.REJECTED: "审查未通过", PublicationState.PUBLISHED: "已公开", PublicationState.WITHDRAWN: "已撤回",
}

# Categories of the public catalogue (公开目录), after the items of 条例 Art. 20. The code is the second
# part of the index number (索引号).
CATEGORIES = {
    "01": "机构职能",  # Art. 20(2)
    "02": "政策文件",  # Art. 20(1): regulations, normative documents and other documents
    "03": "规划计划",  # Art. 20(3)
    "04": "统计信息",  # Art. 20(4)
    "05": "行政许可",  # Art. 20(5)
    "06": "行政处罚",  # Art. 20(6)
    "07": "行政强制",  # Art. 20(6)
    "08": "财政预决算",  # Art. 20(7)
    "09": "行政事业性收费",  # Art. 20(8)
    "10": "政府采购",  # Art. 20(9)
    "11": "人事信息",  # Art. 20(10), (14)
    "12": "重大建设项目",  # Art. 20(12)
    "13": "公共服务",  # Art. 20(13)
    "14": "突发公共事件",  # Art. 20(13)
    "15": "其他",
}


class DocumentType(StrEnum):
    """What a policy document is, for section 二 of the annual report (第二十条第（一）项)."""

    REGULATION = "regulation"  # 规章
    NORMATIVE = "normative"  # 行政规范性文件 (2019 trial format: 规范性文件)
    OTHER = "other"  # 其他文件


DOCUMENT_TYPE_LABELS = {DocumentType.REGULATION: "规章", DocumentType.NORMATIVE: "行政规范性文件",
                        DocumentType.OTHER: "其他文件"}


class Verdict(StrEnum):
    APPROVE = "approve"  # 同意公开
    REJECT = "reject"  # 不同意公开（退回修改）


VERDICT_LABELS = {Verdict.APPROVE: "同意公开", Verdict.REJECT: "不同意公开"}


# -- applications (依申请公开) ---------------------------------------------------------------------------
class Channel(StrEnum):
    """How a request arrived; it decides the date of receipt [条例 Art. 31]."""

    IN_PERSON = "in_person"  # 当面提交: the day submitted
    POST_SIGNED = "post_signed"  # 邮寄（挂号、特快专递等需签收）: the day signed for
    POST_ORDINARY = "post_ordinary"  # 平常信函: the day the organ confirms with the applicant
    ONLINE = "online"  # 互联网渠道: the day both sides confirm
    FAX = "fax"  # 传真: the day both sides confirm


CHANNEL_LABELS = {
    Channel.IN_PERSON: "当面提交", Channel.POST_SIGNED: "邮寄（需签收）", Channel.POST_ORDINARY: "平常信函",
    Channel.ONLINE: "网上申请", Channel.FAX: "传真",
}
CONFIRMED_CHANNELS = frozenset({Channel.POST_ORDINARY, Channel.ONLINE, Channel.FAX})


class ApplicantKind(StrEnum):
    """The seven numeric columns of section 三 are these six plus 总计."""

    NATURAL_PERSON = "natural_person"  # 自然人
    COMMERCIAL = "commercial"  # 商业企业
    RESEARCH = "research"  # 科研机构
    PUBLIC_INTEREST = "public_interest"  # 社会公益组织
    LEGAL_SERVICE = "legal_service"  # 法律服务机构
    OTHER_ORG = "other_org"  # 其他


APPLICANT_KIND_LABELS = {
    ApplicantKind.NATURAL_PERSON: "自然人", ApplicantKind.COMMERCIAL: "商业企业", ApplicantKind.RESEARCH: "科研机构",
    ApplicantKind.PUBLIC_INTEREST: "社会公益组织", ApplicantKind.LEGAL_SERVICE: "法律服务机构",
    ApplicantKind.OTHER_ORG: "其他",
}


class ApplicationState(StrEnum):
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # online/fax/ordinary mail: not yet received [Art. 31]
    IN_PROGRESS = "in_progress"  # the 20-working-day reply clock runs
    CORRECTION = "correction"  # 补正: notice sent, waiting for the corrected request [Art. 30]
    CONSULTING = "consulting"  # third party or co-maker consulted, clock paused [Arts. 32, 34]
    AWAITING_FEE = "awaiting_fee"  # fee notice sent [国办函〔2020〕109号]
    CONCLUDED = "concluded"  # an outcome was given (reply letter)


APPLICATION_STATE_LABELS = {
    ApplicationState.AWAITING_CONFIRMATION: "待确认收到", ApplicationState.IN_PROGRESS: "办理中",
    ApplicationState.CORRECTION: "待补正", ApplicationState.CONSULTING: "征求意见中",
    ApplicationState.AWAITING_FEE: "待缴费", ApplicationState.CONCLUDED: "已办结",
}


@dataclass(frozen=True)
class Outcome:
    """One way an application ends. ``row`` is the leaf row of section 三 of the annual report."""

    code: str
    label: str  # what the reply letter says the outcome is
    row: str  # report row key, see REPORT_ROWS
    basis: str  # the article the reply cites
    needs_reason: bool = False  # the letter must give the concrete reason (withheld, not held...)


# Report row keys of section 三（三）to（六）, in official order, with the 2021 labels.
REPORT_ROWS = {
    "disclosed": "（一）予以公开",
    "partly_disclosed": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld.state_secret": "1.属于国家秘密",
    "withheld.law_forbids": "2.其他法律行政法规禁止公开",
    "withheld.three_safeties": "3.危及“三安全一稳定”",
    "withheld.third_party": "4.保护第三方合法权益",
    "withheld.internal_affairs": "5.属于三类内部事务信息",
    "withheld.process_info": "6.属于四类过程性信息",
    "withheld.enforcement_file": "7.属于行政执法案卷",
    "withheld.query_matter": "8.属于行政查询事项",
    "unavailable.not_held": "1.本机关不掌握相关政府信息",
    "unavailable.must_create": "2.没有现成信息需要另行制作",
    "unavailable.still_unclear": "3.补正后申请内容仍不明确",
    "not_handled.petition": "1.信访举报投诉类申请",
    "not_handled.repeat": "2.重复申请",
    "not_handled.publication": "3.要求提供公开出版物",
    "not_handled.excessive": "4.无正当理由大量反复申请",
    "not_handled.confirm_or_reissue": "5.要求行政机关确认或重新出具已获取信息",
    "other.no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.fee_unpaid": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.other": "3.其他",
}

_ART36 = "《中华人民共和国政府信息公开条例》第三十六条"
OUTCOMES: dict[str, Outcome] = {o.code: o for o in (
    Outcome("already_public", "已主动公开，告知获取的方式和途径", "disclosed", f"{_ART36}第（一）项"),
    Outcome("disclosed", "予以公开", "disclosed", f"{_ART36}第（二）项"),
    Outcome("partly_disclosed", "部分公开", "partly_disclosed",
            "《中华人民共和国政府信息公开条例》第三十七条", needs_reason=True),
    Outcome("withheld.state_secret", "不予公开：属于国家秘密", "withheld.state_secret",
            "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项", needs_reason=True),
    Outcome("withheld.law_forbids", "不予公开：法律、行政法规禁止公开", "withheld.law_forbids",
            "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项", needs_reason=True),
    Outcome("withheld.three_safeties", "不予公开：公开后可能危及国家安全、公共安全、经济安全、社会稳定",
            "withheld.three_safeties", "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项",
            needs_reason=True),
    Outcome("withheld.third_party", "不予公开：涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害",
            "withheld.third_party", "《中华人民共和国政府信息公开条例》第十五条、第三十二条、第三十六条第（三）项",
            needs_reason=True),
    Outcome("withheld.internal_affairs", "不予公开：属于人事管理、后勤管理、内部工作流程等内部事务信息",
            "withheld.internal_affairs", "《中华人民共和国政府信息公开条例》第十六条第一款", needs_reason=True),
    Outcome("withheld.process_info", "不予公开：属于讨论记录、过程稿、磋商信函、请示报告等过程性信息",
            "withheld.process_info", "《中华人民共和国政府信息公开条例》第十六条第二款", needs_reason=True),
    Outcome("withheld.enforcement_file", "不予公开：属于行政执法案卷信息", "withheld.enforcement_file",
            "《中华人民共和国政府信息公开条例》第十六条第二款", needs_reason=True),
    Outcome("withheld.query_matter", "属于工商、不动产登记资料等，告知依照有关法律、行政法规的规定办理",
            "withheld.query_matter", f"{_ART36}第（七）项", needs_reason=True),
    Outcome("unavailable.not_held", "经检索没有所申请公开的信息（本机关不掌握）", "unavailable.not_held",
            f"{_ART36}第（四）项", needs_reason=True),
    Outcome("unavailable.not_this_organ", "不属于本机关负责公开，告知负责公开的机关", "unavailable.not_held",
            f"{_ART36}第（五）项", needs_reason=True),
    Outcome("unavailable.must_create", "需要另行制作或者对现有信息进行加工、分析，不予提供", "unavailable.must_create",
            "《中华人民共和国政府信息公开条例》第三十八条", needs_reason=True),
    Outcome("unavailable.still_unclear", "补正后申请内容仍不明确", "unavailable.still_unclear",
            "《中华人民共和国政府信息公开条例》第三十条", needs_reason=True),
    Outcome("not_handled.petition", "属于信访、投诉、举报等诉求，告知通过相应渠道提出", "not_handled.petition",
            "《中华人民共和国政府信息公开条例》第三十九条第一款"),
    Outcome("not_handled.repeat", "重复申请，告知不予重复处理", "not_handled.repeat", f"{_ART36}第（六）项"),
    Outcome("not_handled.publication", "要求提供公开出版物，告知获取途径", "not_handled.publication",
            "《中华人民共和国政府信息公开条例》第三十九条第二款"),
    Outcome("not_handled.excessive", "无正当理由大量、频繁申请，不予处理", "not_handled.excessive",
            "《中华人民共和国政府信息公开条例》第三十五条", needs_reason=True),
    Outcome("not_handled.confirm_or_reissue", "要求确认或重新出具已获取的信息，不作为政府信息公开申请处理",
            "not_handled.confirm_or_reissue", "《中华人民共和国政府信息公开条例》第三十九条第二款"),
    Outcome("other.no_correction", "逾期未补正，视为放弃申请，不再处理", "other.no_correction",
            "《中华人民共和国政府信息公开条例》第三十条"),
    Outcome("other.fee_unpaid", "逾期未缴纳信息处理费，不再处理", "other.fee_unpaid",
            "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"),
    Outcome("other.other", "其他处理", "other.other", "《中华人民共和国政府信息公开条例》", needs_reason=True),
)}


class FeeMethod(StrEnum):
    """The two progressive methods; one per request, never both [国办函〔2020〕109号]."""

    PER_REQUEST = "per_request"  # 按件计收
    PER_VOLUME = "per_volume"  # 按量计收


FEE_METHOD_LABELS = {FeeMethod.PER_REQUEST: "按件计收", FeeMethod.PER_VOLUME: "按量计收"}


class ConsultationKind(StrEnum):
    THIRD_PARTY = "third_party"  # 征求第三方意见 [Art. 32]
    CO_MAKER = "co_maker"  # 征求共同制作机关意见 [Art. 34]


CONSULTATION_KIND_LABELS = {ConsultationKind.THIRD_PARTY: "征求第三方意见",
                            ConsultationKind.CO_MAKER: "征求共同制作机关意见"}


class ConsultationAnswer(StrEnum):
    AGREE = "agree"  # 同意公开
    OBJECT = "object"  # 不同意公开 (with reasons)
    SILENT = "silent"  # no answer within 15 working days (a co-maker's silence is consent [Art. 34])


class RemedyKind(StrEnum):
    """The three blocks of section 四."""

    REVIEW = "review"  # 行政复议
    LITIGATION_DIRECT = "litigation_direct"  # 行政诉讼 未经复议直接起诉
    LITIGATION_AFTER_REVIEW = "litigation_after_review"  # 行政诉讼 复议后起诉


REMEDY_KIND_LABELS = {RemedyKind.REVIEW: "行政复议", RemedyKind.LITIGATION_DIRECT: "行政诉讼（未经复议直接起诉）",
                      RemedyKind.LITIGATION_AFTER_REVIEW: "行政诉讼（复议后起诉）"}


class RemedyResult(StrEnum):
    UPHELD = "upheld"  # 结果维持
    CORRECTED = "corrected"  # 结果纠正
    OTHER = "other"  # 其他结果
    PENDING = "pending"  # 尚未审结


REMEDY_RESULT_LABELS = {RemedyResult.UPHELD: "结果维持", RemedyResult.CORRECTED: "结果纠正",
                        RemedyResult.OTHER: "其他结果", RemedyResult.PENDING: "尚未审结"}


class ReportFormat(StrEnum):
    TRIAL_2019 = "2019"  # 国办公开办函〔2019〕60号, reports for 2019 and 2020
    FORMAT_2021 = "2021"  # 国办公开办函〔2021〕30号, reports for 2021 on


def report_format_for(year: int) -> ReportFormat:
    """Reports for years before 2021 use the 2019 trial format [disclosure.md, "The annual report"]."""
    return ReportFormat.TRIAL_2019 if year < 2021 else ReportFormat.FORMAT_2021
