"""Letters to the applicant of a request for government information, as text and as DOCX.

* :func:`reply_letter` — the reply (答复书): the outcome, its concrete reason and legal basis
  [条例 Art. 36], where the information is or which organ holds it, the fee, and the remedies:
  administrative review within 60 days [行政复议法 (2023) Art. 20] or a lawsuit within 6 months
  [行政诉讼法 Art. 46];
* :func:`correction_notice` — the one-time correction notice (补正通知书) [条例 Art. 30];
* :func:`extension_notice` — the extension of the reply period (延期答复告知书) [条例 Art. 33];
* :func:`fee_notice` — the fee notice (收费通知书) [国办函〔2020〕109号].

:func:`compose` builds any of them as a :class:`Letter` (its ``text`` for pages and previews); each
named function renders it with :mod:`yangguang.reports.docx`. Letters are built from the stored
application, so they can be printed again at any time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core.clocks import Clock, ClockExtension, local_day
from yangguang.core.errors import Conflict, InvalidInput
from yangguang.core.org import Unit
from yangguang.disclosure.codes import CHANNEL_LABELS, OUTCOMES, FeeMethod
from yangguang.disclosure.models import Application
from yangguang.disclosure.service.applications import (
    CORRECTION_PAUSE,
    FEE_PAUSE,
    LAW,
    REPLY_CLOCK,
    application_clocks,
)
from yangguang.reports import docx

REMEDIES = ("如对本答复不服，可以在收到本答复之日起60日内依法向有管辖权的行政复议机关申请行政复议，"
            "或者在收到本答复之日起6个月内向人民法院提起行政诉讼"
            "（《中华人民共和国行政复议法》第二十条、《中华人民共和国行政诉讼法》第四十六条）。")
FEE_BASIS = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"


@dataclass(frozen=True)
class Letter:
    title: str
    number: str  # the application's number, printed under the title
    addressee: str
    paragraphs: tuple[str, ...]
    organ: str
    dated: date

    @property
    def text(self) -> str:
        body = "\n".join(self.paragraphs)
        return (f"{self.title}\n申请编号：{self.number}\n\n{self.addressee}：\n{body}\n\n"
                f"{self.organ}（印章）\n{_cn(self.dated)}")


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}元"


def _opening(application: Application) -> str:
    return (f"本机关于{_cn(application.received_on)}收到你（单位）以{CHANNEL_LABELS[application.channel]}方式提出的"
            f"政府信息公开申请（申请编号：{application.number}），申请获取：“{application.content}”。")


def _pause_day(clock: Clock, reason_code: str) -> date:
    """The day the clock last paused for ``reason_code`` (the day the notice was sent)."""
    return local_day(next(p for p in reversed(clock.pauses) if p.reason_code == reason_code).started_at)


def _fee_terms(application: Application) -> str:
    if application.fee_method == FeeMethod.PER_REQUEST:
        return (f"按件计收：本申请为你（单位）本自然月内第{application.fee_monthly_count}件申请"
                "（10件以下不收费；11—30件100元/件；31件以上以10件为一档，每增加一档，收费标准提高100元/件）")
    return (f"按量计收：共{application.fee_pages}页（30页以下不收费；31—100页的部分10元/页；"
            "101—200页的部分20元/页；201页以上的部分40元/页）")


def _reply(session: Session, application: Application) -> tuple[str, list[str], date]:
    if application.outcome is None:
        raise Conflict("application", f"申请 {application.number} 尚未作出答复")
    outcome = OUTCOMES[application.outcome]
    lines = [_opening(application), f"经审查，现答复如下：{outcome.label}。"]
    if application.outcome == "already_public":
        lines.append(f"该政府信息已经主动公开，你（单位）可以通过以下方式和途径获取：{application.where_published}。")
    if application.outcome == "unavailable.not_this_organ":
        lines.append(f"该政府信息不属于本机关负责公开，负责公开该政府信息的行政机关为{application.right_organ}，"
                     "请向该机关提出申请。" if application.right_organ
                     else "该政府信息不属于本机关负责公开，本机关无法确定负责公开该政府信息的行政机关。")
    if application.outcome_reason:
        lines.append(f"理由：{application.outcome_reason}")
    lines.append(f"依据：{outcome.basis}。")
    if application.fee_fen:
        paid = f"，已于{_cn(application.fee_paid_on)}缴纳" if application.fee_paid_on else ""
        lines.append(f"本申请依照{FEE_BASIS}收取信息处理费{_yuan(application.fee_fen)}"
                     f"（{_fee_terms(application)}）{paid}。")
    lines.append(REMEDIES)
    return "政府信息公开申请答复书", lines, application.concluded_on


def _correction(session: Session, application: Application) -> tuple[str, list[str], date]:
    if not application.correction_items:
        raise Conflict("application", f"申请 {application.number} 未通知补正")
    items = [f"{n}. {item}" for n, item in enumerate(application.correction_items.split("\n"), 1)]
    lines = [_opening(application),
             f"经审查，你（单位）的申请内容不明确。根据{LAW}第三十条的规定，现一次性告知你（单位）需要补正的全部事项：",
             *items,
             f"请于{_cn(application.correction_deadline)}前向本机关提交补正后的申请。答复期限自本机关收到补正的申请之日起"
             "重新计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。"]
    day = _pause_day(application_clocks(session, application)[REPLY_CLOCK], CORRECTION_PAUSE)
    return "政府信息公开申请补正通知书", lines, day


def _extension(session: Session, application: Application) -> tuple[str, list[str], date]:
    reply = application_clocks(session, application).get(REPLY_CLOCK)
    extension = reply and session.scalar(select(ClockExtension).where(ClockExtension.clock_id == reply.id))
    if not extension:
        raise Conflict("application", f"申请 {application.number} 的答复期限未延长")
    due = reply.due_day
    until = f"延长后的答复期限至{_cn(due)}" if due else "征求意见等期间不计算在答复期限内，答复期限相应顺延"
    lines = [_opening(application),
             f"因{extension.reason}，本机关不能在规定期限内作出答复。根据{LAW}第三十三条第二款的规定，经本机关"
             f"政府信息公开工作机构负责人同意，答复期限延长{extension.amount}个工作日，{until}。"]
    return "政府信息公开申请延期答复告知书", lines, local_day(extension.at)


def _fee(session: Session, application: Application) -> tuple[str, list[str], date]:
    if not application.fee_fen:
        raise Conflict("application", f"申请 {application.number} 未收取信息处理费")
    lines = [_opening(application),
             f"你（单位）申请公开政府信息的数量、频次明显超过合理范围，根据{LAW}第四十二条和{FEE_BASIS}，"
             f"本机关决定收取信息处理费{_yuan(application.fee_fen)}。计收方式：{_fee_terms(application)}。",
             f"请于{_cn(application.fee_deadline)}前缴纳。自本通知发出之日起至你（单位）缴纳费用之日止的期间，"
             "不计算在答复期限内。逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。"]
    day = _pause_day(application_clocks(session, application)[REPLY_CLOCK], FEE_PAUSE)
    return "政府信息公开信息处理费收费通知书", lines, day


_BUILDERS: dict[str, Callable[[Session, Application], tuple[str, list[str], date]]] = {
    "reply": _reply, "correction": _correction, "extension": _extension, "fee": _fee,
}
KINDS = {"reply": "答复书", "correction": "补正通知书", "extension": "延期答复告知书", "fee": "收费通知书"}


def compose(session: Session, application: Application, kind: str) -> Letter:
    """The letter of ``kind`` (reply, correction, extension, fee) for ``application``; Conflict when the
    application has none of that kind (no reply yet, never extended...)."""
    if kind not in _BUILDERS:
        known = "、".join(f"{k} {v}" for k, v in KINDS.items())
        raise InvalidInput("kind", f"未知的文书类型 {kind!r}（{known}）")
    title, paragraphs, dated = _BUILDERS[kind](session, application)
    organ = session.get(Unit, application.unit_id).name
    return Letter(title=title, number=application.number, addressee=application.applicant_name,
                  paragraphs=tuple(paragraphs), organ=organ, dated=dated)


def render(letter: Letter) -> bytes:
    """The letter as a DOCX file (A4, 宋体)."""
    document = docx.new_document()
    docx.title(document, letter.title)
    docx.paragraph(document, f"申请编号：{letter.number}", align="center", indent=False)
    docx.paragraph(document, f"{letter.addressee}：", align="left", indent=False)
    for text in letter.paragraphs:
        docx.paragraph(document, text)
    docx.paragraph(document)
    docx.paragraph(document, f"{letter.organ}（印章）", align="right", indent=False)
    docx.paragraph(document, _cn(letter.dated), align="right", indent=False)
    return docx.to_bytes(document)


def reply_letter(session: Session, application: Application) -> bytes:
    return render(compose(session, application, "reply"))


def correction_notice(session: Session, application: Application) -> bytes:
    return render(compose(session, application, "correction"))


def extension_notice(session: Session, application: Application) -> bytes:
    return render(compose(session, application, "extension"))


def fee_notice(session: Session, application: Application) -> bytes:
    return render(compose(session, application, "fee"))
