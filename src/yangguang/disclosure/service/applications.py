"""Applications for government information (依申请公开): the only code that changes an application.

Receipt under the date-of-receipt rule [政府信息公开条例 Art. 31], the 20-working-day reply clock and one
extension of at most 20 working days [Art. 33], the one-time correction notice within 7 working days and
the restart of the reply period when the corrected request arrives [Art. 30], consultation of third
parties and co-making organs whose time is not counted [Arts. 32–34], the information-processing fee
[国办函〔2020〕109号], the outcome of the reply [Art. 36] and the administrative reviews and lawsuits
brought against the handling (section 四 of the annual report).

Every function takes the session, the acting person and the moment ``at`` (timezone-aware); none
commits. Each change writes an audit entry (entity ``disclosure_application``, or
``disclosure_remedy``) and emits an :class:`Event`; the supervision engine raises the cards from the
clocks (:mod:`yangguang.disclosure.rules.applications`). Staff actions need the 政务公开办 role
(:attr:`Role.DISCLOSURE`) in the organ asked; an extension needs :attr:`Role.UNIT_HEAD` there (the law
asks for the approval of the head of the disclosure office, 政府信息公开工作机构负责人: the platform's
head role of the organ stands for it). Bad input raises before anything is written.

Clocks, on the obligation ``disclosure.application`` opened at receipt:

* ``reply`` — 20 working days from the date of receipt, extendable once by at most 20 [Art. 33]; paused
  while a correction, a consultation or a fee is awaited; restarted when the corrected request arrives.
* ``correction_notice`` — 7 working days from receipt, the time to send the one correction notice
  [Art. 30]. Handling the request stops it: the notice itself, or any step that treats the request as
  clear (:func:`accept_as_clear`, a consultation, a fee notice, an extension, the reply). Left running
  past its 7 days, it raises a card: the organ did not decide in time whether the request is clear.

Each consultation has an obligation ``disclosure.consultation`` with a 15-working-day clock
``consultation`` (the party's time to answer; it tells when silence counts).

Events (subject ``disclosure_application`` with the application id unless noted; ``data`` always has
``number``):

* ``disclosure.application_submitted`` — channel (ordinary mail, online, fax: not received yet)
* ``disclosure.application_received`` — channel, applicant_kind, received_on, due_on
* ``disclosure.application_clear`` — late (decided after the 7 working days)
* ``disclosure.correction_requested`` — items, deadline, late; ``disclosure.correction_received`` —
  on, after_deadline, due_on
* ``disclosure.consultation_sent`` (subject ``disclosure_consultation``) — kind, party;
  ``disclosure.consultation_answered`` (same subject) — kind, answer, consent
* ``disclosure.application_extended`` — days, reason, due_on
* ``disclosure.fee_charged`` — method, amount_fen, monthly_count, pages, deadline; ``disclosure.fee_paid``
* ``disclosure.application_concluded`` — outcome, row, late, used
* ``disclosure.remedy_filed`` / ``disclosure.remedy_concluded`` (subject ``disclosure_remedy``) — kind,
  result
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, selectinload

from yangguang.core import audit
from yangguang.core.calendar import get_calendar
from yangguang.core.clocks import (
    Clock,
    ClockState,
    Obligation,
    close_obligation,
    extend_clock,
    local_day,
    open_obligation,
    pause_clock,
    restart_clock,
    resume_clock,
    start_clock,
    stop_clock,
)
from yangguang.core.errors import Conflict, InvalidInput, NotFound
from yangguang.core.events import Event, emit
from yangguang.core.org import Person, Role, Unit, get_unit
from yangguang.core.validation import aware, check_text
from yangguang.disclosure import fees
from yangguang.disclosure.codes import (
    APPLICANT_KIND_LABELS,
    APPLICATION_STATE_LABELS,
    CHANNEL_LABELS,
    CONFIRMED_CHANNELS,
    CONSULTATION_KIND_LABELS,
    FEE_METHOD_LABELS,
    OUTCOMES,
    REMEDY_KIND_LABELS,
    REMEDY_RESULT_LABELS,
    ApplicationState,
    Channel,
    ConsultationAnswer,
    ConsultationKind,
    FeeMethod,
    RemedyResult,
)
from yangguang.disclosure.models import Application, Consultation, Remedy
from yangguang.disclosure.service._common import (
    check_choice,
    check_day,
    day_start,
    iso,
    known_past_day,
    require_staff,
)

# -- vocabulary ---------------------------------------------------------------------------------------
APPLICATION_OBLIGATION = "disclosure.application"
CONSULTATION_OBLIGATION = "disclosure.consultation"
SUBJECT_APPLICATION = "disclosure_application"
SUBJECT_CONSULTATION = "disclosure_consultation"
SUBJECT_REMEDY = "disclosure_remedy"
REPLY_CLOCK, CORRECTION_CLOCK, CONSULTATION_CLOCK = "reply", "correction_notice", "consultation"

REPLY_WORKDAYS = 20  # Art. 33
EXTENSION_MAX_WORKDAYS = 20  # Art. 33
CORRECTION_NOTICE_WORKDAYS = 7  # Art. 30
CONSULTATION_WORKDAYS = 15  # Arts. 32, 34
FEE_PAYMENT_WORKDAYS = 20  # 国办函〔2020〕109号: the applicant pays within 20 working days of the notice (unverified)
PUBLIC_ACTOR = "applicant"  # the audit actor of the public online form

FEE_PAUSE = "fee"
CORRECTION_PAUSE = "correction"
PAUSE_LABELS = {CORRECTION_PAUSE: "等待补正", ConsultationKind.THIRD_PARTY.value: "征求第三方意见",
                ConsultationKind.CO_MAKER.value: "征求共同制作机关意见", FEE_PAUSE: "等待缴纳信息处理费"}
ANSWER_LABELS = {ConsultationAnswer.AGREE: "同意公开", ConsultationAnswer.OBJECT: "不同意公开",
                 ConsultationAnswer.SILENT: "逾期未提出意见"}
DELIVERY_LABELS = {"paper": "纸质文本", "electronic": "电子数据", "in_person": "当面领取或查阅"}  # Art. 40

LAW = "《中华人民共和国政府信息公开条例》"
OUTCOME_LABELS = {code: o.label for code, o in OUTCOMES.items()}


# -- small helpers ------------------------------------------------------------------------------------
def _day_moment(day: date, at: datetime) -> datetime:
    """The moment that stands for ``day`` on a clock: ``at`` when it falls on that day, else the day's start."""
    return at if local_day(at) == day else day_start(day)


def _pause_end(reply: Clock, on: date, at: datetime, what: str, notice: str) -> datetime:
    """The moment the reply clock's current pause (a correction or fee notice) ends, what it awaited
    having arrived on ``on``: not before the day of the notice, nor before the pause began."""
    began = reply.pauses[-1].started_at
    if on < local_day(began):
        raise InvalidInput("on", f"{what} {on} 早于{notice}日期 {local_day(began)}")
    return max(_day_moment(on, at), began)


def _state_label(application: Application) -> str:
    return APPLICATION_STATE_LABELS.get(application.state, application.state)


def _staff(person: Person, application_unit_id: int, action: str, roles: tuple[Role, ...] = (Role.DISCLOSURE,)) -> None:
    """Refuse ``person`` unless active, holding one of ``roles``, in the organ handling the application."""
    require_staff(person, application_unit_id, roles, action, elsewhere="该申请不属于其所在机关办理")


def _record(session: Session, actor: str, action: str, application: Application, at: datetime, **data: Any) -> None:
    audit.record(session, actor=actor, action=action, entity=SUBJECT_APPLICATION, entity_id=application,
                 data={"number": application.number, **data}, at=at)


def _emit(session: Session, application: Application, type_: str, person: Person | None, at: datetime,
          **data: Any) -> None:
    emit(session, Event(type=type_, subject=SUBJECT_APPLICATION, subject_id=str(application.id),
                        unit_id=application.unit_id, person_id=person.id if person else None,
                        obligation_id=application.obligation_id, data={"number": application.number, **data}, at=at))


def _login(person: Person | None) -> str:
    return person.login if person else PUBLIC_ACTOR


_BY_NUMBER = select(Application).where(Application.number == bindparam("number"))


def get_application(session: Session, number: str) -> Application:
    found = session.scalar(_BY_NUMBER, {"number": number})
    if found is None:
        raise NotFound("number", f"政府信息公开申请 {number!r} 不存在")
    return found


def _application(session: Session, application: Application | str) -> Application:
    return application if isinstance(application, Application) else get_application(session, application)


def application_clocks(session: Session, application: Application) -> dict[str, Clock]:
    """The application's clocks by kind (reply, correction_notice), with their pauses."""
    if application.obligation_id is None:
        return {}
    clocks = session.scalars(select(Clock).where(Clock.obligation_id == application.obligation_id)
                             .options(selectinload(Clock.pauses)))
    return {c.kind: c for c in clocks}


def _clocks_at(session: Session, application: Application, at: datetime) -> dict[str, Clock]:
    """The application's clocks, once ``at`` is found not to precede the start of its reply period."""
    clocks = application_clocks(session, application)
    if at < clocks[REPLY_CLOCK].start_at:
        raise InvalidInput("at", f"操作时间不能早于申请 {application.number} 的收到时间")
    return clocks


def _require_state(application: Application, *states: ApplicationState, doing: str) -> None:
    if application.state not in states:
        raise Conflict("application",
                       f"申请 {application.number} 当前状态为「{_state_label(application)}」，不能{doing}")


def _settle_triage(session: Session, clocks: dict[str, Clock], actor: Person, at: datetime) -> bool:
    """Stop the correction-notice clock: the request has been treated as clear or a notice was sent
    [Art. 30]. Returns whether the 7 working days had passed."""
    clock = clocks.get(CORRECTION_CLOCK)
    if clock is None or clock.state == ClockState.STOPPED:
        return False
    late = clock.is_overdue(at)
    stop_clock(session, clock, at=at, actor=actor.login)
    return late


# -- receipt [Arts. 29, 31] ---------------------------------------------------------------------------
def applicant_key(name: str, id_number: str = "", phone: str = "") -> str:
    """SHA-256 of the applicant's normalised identity, to count their requests of a month
    [国办函〔2020〕109号 Art. 4]: the ID or unified social credit code (upper-cased, no blanks) when
    given, else the name with the phone digits."""
    id_number = "".join(id_number.split()).upper()
    if id_number:
        identity = f"id:{id_number}"
    else:
        identity = f"name:{''.join(name.split())}|phone:{''.join(c for c in phone if c.isdigit())}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


_LAST_NUMBER = select(func.max(Application.number)).where(Application.number.like(bindparam("pattern")))


def _next_number(session: Session, unit_code: str, year: int) -> str:
    """YSQ-{organ code}-{year}-{five-digit sequence}, e.g. YSQ-SCJ-2026-00042."""
    prefix = f"YSQ-{unit_code}-{year}-"
    last = session.scalar(_LAST_NUMBER, {"pattern": prefix + "_" * 5})
    seq = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    if seq > 99_999:
        raise Conflict("number", f"以 {prefix} 开头的申请编号已用完")
    return f"{prefix}{seq:05d}"


def _organ(session: Session, unit: Unit | str) -> Unit:
    if not isinstance(unit, Unit):
        unit = get_unit(session, check_text(unit, "unit", "受理机关", max_length=100, required=True))
    if not unit.active:
        raise NotFound("unit", f"机关 {unit.name} 已停用")
    return unit


def receive(session: Session, actor: Person | None, *, unit: Unit | str, channel: str, submitted_at: datetime,
            applicant_kind: str, applicant_name: str, applicant_id_number: str = "", contact_phone: str = "",
            contact_email: str = "", contact_address: str = "", content: str, delivery: str = "electronic",
            signed_for_on: date | None = None, at: datetime) -> Application:
    """Register a request; ``actor`` None is the public online form.

    The date of receipt follows the channel [Art. 31]: in person, the day submitted; by post needing a
    signature, the day signed for (``signed_for_on``); ordinary mail, online and fax, the day the organ
    confirms with the applicant — such a request waits in ``awaiting_confirmation`` with no clock until
    :func:`confirm_receipt`. A request names the applicant with a contact and describes the information
    asked for [Art. 29].
    """
    at = aware(at, "at")
    submitted_at = aware(submitted_at, "submitted_at")
    organ = _organ(session, unit)
    if actor is not None:
        _staff(actor, organ.id, "登记政府信息公开申请")
    channel = check_choice(channel, CHANNEL_LABELS, "channel", "提交方式")
    if actor is None and channel != Channel.ONLINE:
        raise InvalidInput("channel", "公众在线提交的申请只能是网上申请（online）")
    kind = check_choice(applicant_kind, APPLICANT_KIND_LABELS, "applicant_kind", "申请人类型")
    name = check_text(applicant_name, "applicant_name", "申请人姓名或者名称", max_length=100, required=True)
    id_number = check_text(applicant_id_number, "applicant_id_number", "身份证件号码或统一社会信用代码", max_length=30)
    id_number = "".join(id_number.split())
    phone = check_text(contact_phone, "contact_phone", "联系电话", max_length=30)
    email = check_text(contact_email, "contact_email", "电子邮箱", max_length=200)
    address = check_text(contact_address, "contact_address", "通信地址", max_length=300)
    if not (phone or email or address):
        raise InvalidInput("contact_phone", f"须提供联系电话、电子邮箱或通信地址中的至少一项（{LAW}第二十九条）")
    content = check_text(content, "content", "申请内容", max_length=20_000, required=True)
    delivery = check_choice(delivery, DELIVERY_LABELS, "delivery", "获取方式")
    submitted_day = known_past_day(session, local_day(submitted_at), "submitted_at", at, "提交日期")
    if submitted_at > at:
        raise InvalidInput("submitted_at", "提交时间不能晚于当前时间")
    if channel == Channel.POST_SIGNED:
        if signed_for_on is None:
            raise InvalidInput("signed_for_on", f"以需签收的方式邮寄的申请须填写签收日期（{LAW}第三十一条）")
        signed_for_on = known_past_day(session, signed_for_on, "signed_for_on", at, "签收日期")
        if signed_for_on < submitted_day:
            raise InvalidInput("signed_for_on", f"签收日期 {signed_for_on} 早于寄出日期 {submitted_day}")
    elif signed_for_on is not None:
        raise InvalidInput("signed_for_on", "只有以需签收的方式邮寄的申请才有签收日期")

    application = Application(
        number=_next_number(session, organ.code, local_day(at).year), query_code=f"{secrets.randbelow(10**8):08d}",
        unit_id=organ.id, channel=channel, submitted_at=submitted_at, signed_for_on=signed_for_on,
        applicant_kind=kind, applicant_name=name, applicant_id_number=id_number,
        applicant_key=applicant_key(name, id_number, phone), contact_phone=phone, contact_email=email,
        contact_address=address, content=content, delivery=delivery, state=ApplicationState.AWAITING_CONFIRMATION,
        correction_items="", fee_fen=0, outcome_reason="", right_organ="", where_published="", created_at=at)
    application.unit = organ
    session.add(application)
    session.flush()  # the obligation and the audit entry name it
    _record(session, _login(actor), "disclosure.application_submitted", application, at, channel=channel,
            applicant_kind=kind, submitted_at=submitted_at)
    if channel in CONFIRMED_CHANNELS:
        _emit(session, application, "disclosure.application_submitted", actor, at, channel=channel)
    elif channel == Channel.POST_SIGNED:
        _start_handling(session, application, actor, signed_for_on, _day_moment(signed_for_on, at), at)
    else:
        _start_handling(session, application, actor, submitted_day, submitted_at, at)
    return application


def _start_handling(session: Session, application: Application, actor: Person | None, received_on: date,
                    start: datetime, at: datetime) -> None:
    """The request is received: the reply and correction-notice clocks run from the day of receipt."""
    login = _login(actor)
    application.received_on = received_on
    application.state = ApplicationState.IN_PROGRESS
    application.handler_id = actor.id if actor else None
    obligation = open_obligation(session, kind=APPLICATION_OBLIGATION, subject=SUBJECT_APPLICATION,
                                 subject_id=application.id, title=f"{application.number} 政府信息公开申请",
                                 unit_id=application.unit_id, person_id=application.handler_id, at=at, actor=login)
    reply = start_clock(session, obligation, kind=REPLY_CLOCK, unit="workdays", limit=REPLY_WORKDAYS, start_at=start,
                        actor=login, extension_max=EXTENSION_MAX_WORKDAYS)
    start_clock(session, obligation, kind=CORRECTION_CLOCK, unit="workdays", limit=CORRECTION_NOTICE_WORKDAYS,
                start_at=start, actor=login)
    session.flush()
    application.obligation_id = obligation.id
    _record(session, login, "disclosure.application_received", application, at, received_on=received_on,
            due_on=iso(reply.due_day))
    _emit(session, application, "disclosure.application_received", actor, at, channel=application.channel,
          applicant_kind=application.applicant_kind, received_on=received_on.isoformat(), due_on=iso(reply.due_day))


def confirm_receipt(session: Session, person: Person, application: Application | str, *, confirmed_on: date,
                    at: datetime) -> Application:
    """Ordinary mail, online or fax: the day the organ confirms with the applicant is the day of receipt,
    and the clocks start from it [Art. 31]."""
    at = aware(at, "at")
    application = _application(session, application)
    _staff(person, application.unit_id, "确认收到申请")
    _require_state(application, ApplicationState.AWAITING_CONFIRMATION, doing="确认收到")
    confirmed_on = known_past_day(session, confirmed_on, "confirmed_on", at, "确认日期")
    if confirmed_on < local_day(application.submitted_at):
        raise InvalidInput("confirmed_on", f"确认日期 {confirmed_on} 早于申请提交日期 "
                                           f"{local_day(application.submitted_at)}")
    application.confirmed_on = confirmed_on
    _start_handling(session, application, person, confirmed_on, _day_moment(confirmed_on, at), at)
    return application


def accept_as_clear(session: Session, person: Person, application: Application | str, *, at: datetime) -> Application:
    """The handler finds the request clear: no correction notice will be sent, and the 7-working-day
    correction-notice clock stops [Art. 30]."""
    at = aware(at, "at")
    application = _application(session, application)
    _staff(person, application.unit_id, "办理申请")
    _require_state(application, ApplicationState.IN_PROGRESS, doing="确认申请内容明确")
    clocks = _clocks_at(session, application, at)
    if clocks[CORRECTION_CLOCK].state == ClockState.STOPPED:
        raise Conflict("application", f"申请 {application.number} 已作出是否需要补正的判断")
    late = _settle_triage(session, clocks, person, at)
    application.handler_id = person.id
    _record(session, person.login, "disclosure.application_clear", application, at, late=late)
    _emit(session, application, "disclosure.application_clear", person, at, late=late)
    return application


# -- correction (补正) [Art. 30] -------------------------------------------------------------------------
def request_correction(session: Session, person: Person, application: Application | str, *, items: list[str] | str,
                       deadline: date, at: datetime) -> Application:
    """One notice listing everything to clarify, with a reasonable deadline (一次性告知) [Art. 30]. The
    reply clock pauses until the corrected request arrives. A notice after the 7 working days is still
    sent (the correction-notice clock, overdue, raises its card); after the reply period it is refused.
    The letter: :func:`yangguang.disclosure.letters.correction_notice`."""
    at = aware(at, "at")
    application = _application(session, application)
    _staff(person, application.unit_id, "通知补正")
    _require_state(application, ApplicationState.IN_PROGRESS, doing="通知补正")
    if application.correction_items:
        raise Conflict("items", f"申请 {application.number} 已一次性告知过补正事项，不能再次要求补正（{LAW}第三十条）")
    listed = [items] if isinstance(items, str) else list(items or [])
    if not all(isinstance(i, str) for i in listed):
        raise InvalidInput("items", "补正事项应为文字")
    listed = [" ".join(i.split()) for i in listed if i.strip()]
    if not listed:
        raise InvalidInput("items", f"补正通知须一次性写明需要补正的全部事项（{LAW}第三十条）")
    deadline = check_day(deadline, "deadline")
    if deadline <= local_day(at):
        raise InvalidInput("deadline", "补正期限应晚于通知之日，给申请人合理的补正时间")
    clocks = _clocks_at(session, application, at)
    reply = clocks[REPLY_CLOCK]
    if reply.is_overdue(at):
        raise Conflict("application", f"申请 {application.number} 的答复期限已届满，不能再通知补正")
    late = clocks[CORRECTION_CLOCK].due_at <= at  # after the 7 working days, even if found clear earlier
    _settle_triage(session, clocks, person, at)
    pause_clock(session, reply, reason_code=CORRECTION_PAUSE, reason="补正：" + "；".join(listed)[:290], at=at,
                actor=person.login)
    application.correction_items = "\n".join(listed)
    application.correction_deadline = deadline
    application.state = ApplicationState.CORRECTION
    application.handler_id = person.id
    _record(session, person.login, "disclosure.correction_requested", application, at, items=listed,
            deadline=deadline, late=late)
    _emit(session, application, "disclosure.correction_requested", person, at, items=listed,
          deadline=deadline.isoformat(), late=late)
    return application


def correction_received(session: Session, person: Person, application: Application | str, *, on: date,
                        at: datetime) -> Application:
    """The corrected request arrived on ``on``: the reply period begins again from that day [Art. 30]."""
    at = aware(at, "at")
    application = _application(session, application)
    _staff(person, application.unit_id, "登记补正")
    _require_state(application, ApplicationState.CORRECTION, doing="登记补正")
    on = known_past_day(session, on, "on", at, "补正日期")
    reply = application_clocks(session, application)[REPLY_CLOCK]
    restart_clock(session, reply, at=_pause_end(reply, on, at, "补正日期", "补正通知"), actor=person.login,
                  reason=f"收到补正后的申请，答复期限重新计算（{LAW}第三十条）")
    after_deadline = on > application.correction_deadline
    application.corrected_on = on
    application.state = ApplicationState.IN_PROGRESS
    _record(session, person.login, "disclosure.correction_received", application, at, on=on,
            after_deadline=after_deadline, due_on=iso(reply.due_day))
    _emit(session, application, "disclosure.correction_received", person, at, on=on.isoformat(),
          after_deadline=after_deadline, due_on=iso(reply.due_day))
    return application


def abandon_uncorrected(session: Session, person: Person, application: Application | str, *,
                        at: datetime) -> Application:
    """The applicant missed the correction deadline without good reason: the request is treated as
    abandoned and no longer handled [Art. 30] (outcome ``other.no_correction``)."""
    return conclude(session, person, application, outcome="other.no_correction", at=at)


# -- consultation [Arts. 32–34] -----------------------------------------------------------------------
def _open_consultations(application: Application) -> list[Consultation]:
    return [c for c in application.consultations if c.answer is None]


def consult(session: Session, person: Person, application: Application | str, *, kind: str, party: str,
            at: datetime) -> Consultation:
    """Ask a third party [Art. 32] or a co-making organ [Art. 34] in writing; 15 working days to answer.
    The time is not counted in the reply period [Art. 33]: the reply clock pauses until every
    consultation is answered."""
    at = aware(at, "at")
    application = _application(session, application)
    _staff(person, application.unit_id, "征求意见")
    _require_state(application, ApplicationState.IN_PROGRESS, ApplicationState.CONSULTING, doing="征求意见")
    kind = check_choice(kind, CONSULTATION_KIND_LABELS, "kind", "征求意见类型")
    party = check_text(party, "party", "被征求意见的第三方或机关", max_length=200, required=True)
    clocks = _clocks_at(session, application, at)
    _settle_triage(session, clocks, person, at)
    reply = clocks[REPLY_CLOCK]
    if reply.state == ClockState.RUNNING:
        pause_clock(session, reply, reason_code=kind, reason=f"{CONSULTATION_KIND_LABELS[kind]}：{party}"[:300], at=at,
                    actor=person.login)
    consultation = Consultation(application_id=application.id, kind=kind, party=party, sent_at=at,
                                answer_reasons="")
    application.consultations.append(consultation)
    session.flush()
    title = f"{application.number} {CONSULTATION_KIND_LABELS[kind]}"
    obligation = open_obligation(session, kind=CONSULTATION_OBLIGATION, subject=SUBJECT_CONSULTATION,
                                 subject_id=consultation.id, title=title, unit_id=application.unit_id,
                                 person_id=person.id, at=at, actor=person.login)
    start_clock(session, obligation, kind=CONSULTATION_CLOCK, unit="workdays", limit=CONSULTATION_WORKDAYS,
                start_at=at, actor=person.login)
    session.flush()
    consultation.obligation_id = obligation.id
    application.state = ApplicationState.CONSULTING
    application.handler_id = person.id
    _record(session, person.login, "disclosure.consultation_sent", application, at, kind=kind, party=party,
            consultation_id=consultation)
    emit(session, Event(type="disclosure.consultation_sent", subject=SUBJECT_CONSULTATION,
                        subject_id=str(consultation.id), unit_id=application.unit_id, person_id=person.id,
                        obligation_id=obligation.id, at=at,
                        data={"number": application.number, "kind": kind, "party": party}))
    return consultation


def record_consultation_answer(session: Session, person: Person, consultation: Consultation, *, answer: str,
                               reasons: str = "", at: datetime) -> Consultation:
    """The party's answer. An objection states its reasons [Art. 32]. ``silent`` is recorded only once
    the 15 working days have passed: a co-making organ's silence is consent [Art. 34]; a third party's
    silence leaves the organ to decide under the regulation [Art. 32]. When no consultation is left
    open the reply clock resumes."""
    at = aware(at, "at")
    application = consultation.application
    _staff(person, application.unit_id, "登记征求意见结果")
    if consultation.answer is not None:
        raise Conflict("consultation", f"对 {consultation.party} 的征求意见已登记过结果")
    if at < consultation.sent_at:
        raise InvalidInput("at", "登记答复的时间不能早于发出征求意见的时间")
    answer = check_choice(answer, ANSWER_LABELS, "answer", "答复")
    reasons = check_text(reasons, "reasons", "理由", max_length=5000)
    if answer == ConsultationAnswer.OBJECT and not reasons:
        raise InvalidInput("reasons", f"第三方或机关不同意公开的，须登记其理由（{LAW}第三十二条）")
    obligation = session.get(Obligation, consultation.obligation_id)
    clock = next(c for c in obligation.clocks if c.kind == CONSULTATION_CLOCK)
    if answer == ConsultationAnswer.SILENT and not clock.is_overdue(at):
        raise Conflict("answer", f"征求意见期限（{CONSULTATION_WORKDAYS}个工作日，至 {clock.due_day}）尚未届满，"
                                 "不能按逾期未提出意见处理")
    close_obligation(session, obligation, at=at, actor=person.login)
    consultation.answer, consultation.answer_reasons, consultation.answered_at = answer, reasons, at
    if not _open_consultations(application):
        reply = application_clocks(session, application)[REPLY_CLOCK]
        if reply.state == ClockState.PAUSED:
            resume_clock(session, reply, at=at, actor=person.login)
        application.state = ApplicationState.IN_PROGRESS
    consent = answer == ConsultationAnswer.AGREE or (
        answer == ConsultationAnswer.SILENT and consultation.kind == ConsultationKind.CO_MAKER)
    _record(session, person.login, "disclosure.consultation_answered", application, at, kind=consultation.kind,
            party=consultation.party, answer=answer, reasons=reasons, consent=consent)
    emit(session, Event(type="disclosure.consultation_answered", subject=SUBJECT_CONSULTATION,
                        subject_id=str(consultation.id), unit_id=application.unit_id, person_id=person.id,
                        obligation_id=consultation.obligation_id, at=at,
                        data={"number": application.number, "kind": consultation.kind, "answer": answer,
                              "consent": consent}))
    return consultation


# -- extension [Art. 33] ------------------------------------------------------------------------------
def extend(session: Session, approver: Person, application: Application | str, *, days: int, reason: str,
           at: datetime) -> Application:
    """Extend the reply period once, by at most 20 working days, with the approval of the head of the
    disclosure office, the applicant told [Art. 33]. The notice:
    :func:`yangguang.disclosure.letters.extension_notice`."""
    at = aware(at, "at")
    application = _application(session, application)
    _staff(approver, application.unit_id, "批准延长答复期限", (Role.UNIT_HEAD,))
    _require_state(application, ApplicationState.IN_PROGRESS, ApplicationState.CONSULTING, doing="延长答复期限")
    clocks = _clocks_at(session, application, at)
    reply = clocks[REPLY_CLOCK]
    if reply.extension:
        raise Conflict("days", f"申请 {application.number} 的答复期限已延长过一次，不能再次延长（{LAW}第三十三条）")
    if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
        raise InvalidInput("days", f"延长的期限应为正整数个工作日，输入值为 {days!r}")
    if days > EXTENSION_MAX_WORKDAYS:
        raise InvalidInput("days", f"延长的期限最长不得超过{EXTENSION_MAX_WORKDAYS}个工作日（{LAW}第三十三条），"
                                   f"不能延长{days}个工作日")
    reason = check_text(reason, "reason", "延期理由", max_length=290, required=True)
    if reply.is_overdue(at):
        raise Conflict("application", f"申请 {application.number} 的答复期限已届满，不能再延长")
    _settle_triage(session, clocks, approver, at)
    extend_clock(session, reply, amount=days, reason=reason, approved_by=approver.login, at=at)
    _record(session, approver.login, "disclosure.application_extended", application, at, days=days, reason=reason,
            due_on=iso(reply.due_day))
    _emit(session, application, "disclosure.application_extended", approver, at, days=days, reason=reason,
          due_on=iso(reply.due_day))
    return application


# -- fees [国办函〔2020〕109号] ----------------------------------------------------------------------------
def monthly_count(session: Session, application: Application) -> int:
    """The rank of ``application`` among its applicant's requests received in the same calendar month:
    those received earlier, and on the same day registered earlier, plus itself [办法 Art. 4]."""
    day = application.received_on
    first = day.replace(day=1)
    after = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return session.scalar(select(func.count()).select_from(Application).where(
        Application.applicant_key == application.applicant_key,
        Application.received_on >= first, Application.received_on < after,
        or_(Application.received_on < day, and_(Application.received_on == day, Application.id <= application.id))))


def earliest_fee_deadline(session: Session, at: datetime) -> date:
    """The earliest payment deadline a fee notice given at ``at`` may set: the applicant has
    FEE_PAYMENT_WORKDAYS working days from the notice [国办函〔2020〕109号, unverified]."""
    return get_calendar(session).add_workdays_flagged(local_day(at), FEE_PAYMENT_WORKDAYS, "deadline")[0]


def charge_fee(session: Session, person: Person, application: Application | str, *, method: str,
               pages: int | None = None, deadline: date, at: datetime) -> Application:
    """Send a fee notice, by one of the two methods, never both [办法 Art. 3]: per request, from the
    applicant's count of requests in the calendar month (counted here); per volume, from ``pages``. A fee
    of zero is not charged. The time from the notice to the payment is not counted in the reply period
    (the 办法; the reply clock pauses), and the applicant has at least 20 working days to pay; a
    payment missed is an abandoned request (:func:`fee_unpaid`). The notice:
    :func:`yangguang.disclosure.letters.fee_notice`."""
    at = aware(at, "at")
    application = _application(session, application)
    _staff(person, application.unit_id, "收取信息处理费")
    _require_state(application, ApplicationState.IN_PROGRESS, doing="发出收费通知")
    if application.fee_method:
        raise Conflict("method", f"申请 {application.number} 已发出过收费通知")
    method = check_choice(method, FEE_METHOD_LABELS, "method", "计收方式")
    count = monthly_count(session, application) if method == FeeMethod.PER_REQUEST else None
    amount = fees.compute_fee(method, nth_in_month=count, pages=pages)
    if amount == 0:
        basis = f"本自然月第{count}件申请" if count is not None else f"共{pages}页"
        raise InvalidInput("method", f"按{FEE_METHOD_LABELS[method]}计算（{basis}）信息处理费为0元，不应收费")
    deadline = check_day(deadline, "deadline")
    earliest = earliest_fee_deadline(session, at)
    if deadline < earliest:
        raise InvalidInput("deadline", f"缴费期限应给申请人自收到收费通知之日起{FEE_PAYMENT_WORKDAYS}个工作日，"
                                       f"不能早于 {earliest.isoformat()}")
    clocks = _clocks_at(session, application, at)
    _settle_triage(session, clocks, person, at)
    pause_clock(session, clocks[REPLY_CLOCK], reason_code=FEE_PAUSE, reason="等待申请人缴纳信息处理费", at=at,
                actor=person.login)
    application.fee_method, application.fee_monthly_count, application.fee_pages = method, count, pages
    application.fee_fen, application.fee_deadline = amount, deadline
    application.state = ApplicationState.AWAITING_FEE
    application.handler_id = person.id
    _record(session, person.login, "disclosure.fee_charged", application, at, method=method, amount_fen=amount,
            monthly_count=count, pages=pages, deadline=deadline)
    _emit(session, application, "disclosure.fee_charged", person, at, method=method, amount_fen=amount,
          monthly_count=count, pages=pages, deadline=deadline.isoformat())
    return application


def record_fee_paid(session: Session, person: Person, application: Application | str, *, on: date,
                    at: datetime) -> Application:
    """The applicant paid on ``on`` (by the deadline): the reply clock resumes."""
    at = aware(at, "at")
    application = _application(session, application)
    _staff(person, application.unit_id, "登记缴费")
    _require_state(application, ApplicationState.AWAITING_FEE, doing="登记缴费")
    on = known_past_day(session, on, "on", at, "缴费日期")
    reply = application_clocks(session, application)[REPLY_CLOCK]
    end = _pause_end(reply, on, at, "缴费日期", "收费通知")
    if on > application.fee_deadline:
        raise Conflict("on", f"缴费日期 {on} 已超过缴费期限 {application.fee_deadline}，申请视为放弃")
    resume_clock(session, reply, at=end, actor=person.login)
    application.fee_paid_on = on
    application.state = ApplicationState.IN_PROGRESS
    _record(session, person.login, "disclosure.fee_paid", application, at, on=on, amount_fen=application.fee_fen)
    _emit(session, application, "disclosure.fee_paid", person, at, on=on.isoformat(), amount_fen=application.fee_fen)
    return application


def fee_unpaid(session: Session, person: Person, application: Application | str, *, at: datetime) -> Application:
    """The deadline of the fee notice passed unpaid: the request is no longer handled
    [国办函〔2020〕109号] (outcome ``other.fee_unpaid``)."""
    return conclude(session, person, application, outcome="other.fee_unpaid", at=at)


# -- the reply [Art. 36] ------------------------------------------------------------------------------
def _check_outcome_allowed(application: Application, outcome: str, today: date) -> None:
    """The state each outcome needs: abandonment only after the deadline it rests on has passed."""
    if outcome == "other.no_correction":
        _require_state(application, ApplicationState.CORRECTION, doing="按逾期未补正处理")
        if today <= application.correction_deadline:
            raise Conflict("outcome", f"补正期限（{application.correction_deadline}）尚未届满，不能视为放弃申请")
    elif outcome == "other.fee_unpaid":
        _require_state(application, ApplicationState.AWAITING_FEE, doing="按逾期未缴费处理")
        if today <= application.fee_deadline:
            raise Conflict("outcome", f"缴费期限（{application.fee_deadline}）尚未届满，不能视为放弃申请")
    else:
        _require_state(application, ApplicationState.IN_PROGRESS, doing="作出答复")
        if outcome == "unavailable.still_unclear" and application.corrected_on is None:
            raise Conflict("outcome", f"只有补正后申请内容仍不明确的，才能作出该答复（{LAW}第三十条）")


def conclude(session: Session, person: Person, application: Application | str, *, outcome: str, reason: str = "",
             right_organ: str = "", where_published: str = "", at: datetime) -> Application:
    """Give the reply with one of the outcomes of Art. 36 (``codes.OUTCOMES``), which fixes its report
    row. Outcomes that withhold or refuse give the concrete reason; ``already_public`` says where the
    information is [Art. 36(1)]; ``unavailable.not_this_organ`` names the organ responsible when it can
    be determined [Art. 36(5)] (blank: the letter says it cannot be). Disclosing over a third party's
    objection needs the reason — a major public interest [Art. 32]. Closing stops every clock; ``late``
    says whether the reply period had run out. The letter:
    :func:`yangguang.disclosure.letters.reply_letter`."""
    at = aware(at, "at")
    application = _application(session, application)
    _staff(person, application.unit_id, "作出答复")
    outcome = check_choice(outcome, OUTCOME_LABELS, "outcome", "答复类型")
    _check_outcome_allowed(application, outcome, local_day(at))
    result = OUTCOMES[outcome]
    reason = check_text(reason, "reason", "理由", max_length=5000)
    right_organ = check_text(right_organ, "right_organ", "负责公开的机关", max_length=100)
    where_published = check_text(where_published, "where_published", "获取途径", max_length=300)
    if result.needs_reason and not reason:
        raise InvalidInput("reason", f"「{result.label}」须在答复中说明理由（{result.basis}）")
    if outcome == "already_public" and not where_published:
        raise InvalidInput("where_published",
                           f"已主动公开的，须告知获取该政府信息的方式和途径（{LAW}第三十六条第（一）项）")
    objected = any(c.kind == ConsultationKind.THIRD_PARTY and c.answer == ConsultationAnswer.OBJECT
                   for c in application.consultations)
    if outcome == "disclosed" and objected and not reason:
        raise InvalidInput("reason", f"第三方不同意公开且有合理理由的，不予公开；认为不公开可能对公共利益造成重大影响而"
                                     f"决定公开的，须说明理由（{LAW}第三十二条）")
    reply = _clocks_at(session, application, at)[REPLY_CLOCK]
    close_obligation(session, session.get(Obligation, application.obligation_id), at=at, actor=person.login)
    late = reply.is_overdue(at)  # the stopped clock's verdict, also while it was paused (a fee notice sent late)
    application.outcome, application.outcome_row, application.outcome_reason = outcome, result.row, reason
    application.right_organ = right_organ if outcome == "unavailable.not_this_organ" else ""
    application.where_published = where_published if outcome == "already_public" else ""
    application.concluded_on, application.late = local_day(at), late
    application.state = ApplicationState.CONCLUDED
    application.handler_id = person.id
    _record(session, person.login, "disclosure.application_concluded", application, at, outcome=outcome,
            row=result.row, reason=reason, late=late, used=reply.used)
    _emit(session, application, "disclosure.application_concluded", person, at, outcome=outcome, row=result.row,
          late=late, used=reply.used)
    return application


# -- remedies: administrative review and litigation (section 四) ---------------------------------------
def record_remedy(session: Session, person: Person, *, application: Application | str | None = None,
                  unit: Unit | str | None = None, kind: str, filed_on: date, case_number: str = "", note: str = "",
                  at: datetime) -> Remedy:
    """An administrative review or a lawsuit about the organ's disclosure work, tied to an application
    or (``unit``) to the organ alone; pending until :func:`conclude_remedy`."""
    at = aware(at, "at")
    if (application is None) == (unit is None):
        raise InvalidInput("application", "须指定所涉申请或所涉机关（二者选一）")
    target = _application(session, application) if application is not None else None
    organ_id = target.unit_id if target is not None else _organ(session, unit).id
    _staff(person, organ_id, "登记行政复议、行政诉讼")
    kind = check_choice(kind, REMEDY_KIND_LABELS, "kind", "救济类型")
    filed_on = check_day(filed_on, "filed_on")
    if filed_on > local_day(at):
        raise InvalidInput("filed_on", f"{filed_on.isoformat()} 晚于今天，不能登记将来的日期")
    if target is not None and filed_on < local_day(target.submitted_at):
        raise InvalidInput("filed_on", f"提起日期 {filed_on} 早于申请提交日期 {local_day(target.submitted_at)}")
    case_number = check_text(case_number, "case_number", "案号", max_length=60)
    note = check_text(note, "note", "备注", max_length=5000)
    remedy = Remedy(application_id=target.id if target else None, unit_id=organ_id, kind=kind,
                    case_number=case_number, filed_on=filed_on, result=RemedyResult.PENDING, note=note)
    session.add(remedy)
    session.flush()
    audit.record(session, actor=person.login, action="disclosure.remedy_filed", entity=SUBJECT_REMEDY,
                 entity_id=remedy, at=at, data={"number": target.number if target else None, "kind": kind,
                                                "filed_on": filed_on, "case_number": case_number})
    emit(session, Event(type="disclosure.remedy_filed", subject=SUBJECT_REMEDY, subject_id=str(remedy.id),
                        unit_id=organ_id, person_id=person.id, at=at,
                        data={"number": target.number if target else None, "kind": kind}))
    return remedy


def conclude_remedy(session: Session, person: Person, remedy: Remedy, *, result: str, concluded_on: date,
                    at: datetime) -> Remedy:
    """The review decision or judgment: upheld (维持), corrected (纠正) or another result."""
    at = aware(at, "at")
    _staff(person, remedy.unit_id, "登记行政复议、行政诉讼结果")
    if remedy.result != RemedyResult.PENDING:
        raise Conflict("remedy", "该行政复议或行政诉讼已登记过结果")
    final = {r: label for r, label in REMEDY_RESULT_LABELS.items() if r != RemedyResult.PENDING}
    result = check_choice(result, final, "result", "结果")
    concluded_on = check_day(concluded_on, "concluded_on")
    if concluded_on > local_day(at) or concluded_on < remedy.filed_on:
        raise InvalidInput("concluded_on", f"审结日期应在提起日期 {remedy.filed_on} 与今天之间")
    remedy.result, remedy.concluded_on = result, concluded_on
    number = remedy.application.number if remedy.application else None
    audit.record(session, actor=person.login, action="disclosure.remedy_concluded", entity=SUBJECT_REMEDY,
                 entity_id=remedy, at=at, data={"number": number, "result": result, "concluded_on": concluded_on})
    emit(session, Event(type="disclosure.remedy_concluded", subject=SUBJECT_REMEDY, subject_id=str(remedy.id),
                        unit_id=remedy.unit_id, person_id=person.id, at=at,
                        data={"number": number, "kind": remedy.kind, "result": result}))
    return remedy


__all__ = [
    "abandon_uncorrected", "accept_as_clear", "applicant_key", "application_clocks", "charge_fee", "conclude",
    "conclude_remedy", "confirm_receipt", "consult", "correction_received", "extend", "fee_unpaid",
    "get_application", "monthly_count", "receive", "record_consultation_answer", "record_fee_paid", "record_remedy",
    "request_correction",
]
