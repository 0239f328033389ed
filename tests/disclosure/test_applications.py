"""Applications for government information (disclosure/service/applications.py, application_queries.py).

Due dates are asserted against the 2026 State Council holiday notice (Qingming 4–6 April, National Day
1–7 October with 10 October worked): working days only, day one the first working day after the day of
receipt [政府信息公开条例 Arts. 31, 33].
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.disclosure.application_factories import make_org, submit
from tests.factories import at, make_person
from yangguang.core import audit
from yangguang.core.audit import AuditEntry
from yangguang.core.clocks import Clock, ClockExtension, ClockPause, Obligation
from yangguang.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from yangguang.disclosure import application_queries as queries
from yangguang.disclosure.codes import OUTCOMES, REPORT_ROWS
from yangguang.disclosure.models import Application, Consultation, Remedy
from yangguang.disclosure.service import applications as service
from yangguang.supervision.models import Card
from yangguang.supervision.sweep import sweep


@pytest.fixture
def org(db):
    return make_org(db)


def clocks(db, application) -> dict[str, Clock]:
    return service.application_clocks(db, application)


def due(db, application, kind="reply") -> date | None:
    return clocks(db, application)[kind].due_day


def of_type(events, kind):
    return [e for e in events if e.type == kind]


TABLES = (Application, Consultation, Remedy, Obligation, Clock, ClockPause, ClockExtension, AuditEntry)


def counts(db) -> dict[str, int]:
    """Rows of every table an application touches (audit entries written first, so none is pending)."""
    audit.write_entries(db)
    return {t.__name__: db.scalar(select(func.count()).select_from(t)) for t in TABLES}


def unchanged(db, before, call, error=InvalidInput):
    """``call`` raises ``error`` and writes nothing."""
    with pytest.raises(error) as caught:
        call()
    assert counts(db) == before
    return caught.value


# -- receipt [条例 Art. 31] -------------------------------------------------------------------------------
def test_in_person_request_is_received_the_day_submitted_with_20_and_7_working_day_clocks(db, org, events):
    """In person: received the day submitted [条例 Art. 31]; reply within 20 working days [Art. 33];
    correction notice within 7 [Art. 30]."""
    application = submit(db, org, "2026-03-02 09:30")
    assert application.state == "in_progress" and application.received_on == date(2026, 3, 2)
    assert application.number == "YSQ-ZFB-2026-00001"
    assert len(application.query_code) == 8 and application.query_code.isdigit()
    assert due(db, application) == date(2026, 3, 30)
    assert due(db, application, "correction_notice") == date(2026, 3, 11)
    reply = clocks(db, application)["reply"]
    assert reply.extension_max == 20
    obligation = db.get(Obligation, application.obligation_id)
    assert (obligation.kind, obligation.subject, obligation.unit_id) == (
        "disclosure.application", "disclosure_application", org.unit.id)
    [received] = of_type(events, "disclosure.application_received")
    assert received.data["received_on"] == "2026-03-02" and received.data["due_on"] == "2026-03-30"
    assert submit(db, org, "2026-03-02 10:00").number == "YSQ-ZFB-2026-00002"


def test_reply_deadline_skips_national_day_2026(db, org):
    """20 working days from 29 Sep 2026 end on 2 Nov: 1–7 October are not counted, 10 October (调休) is
    [条例 Art. 33; calendar-and-clocks.md]."""
    application = submit(db, org, "2026-09-29 10:00")
    assert due(db, application) == date(2026, 11, 2)


def test_signed_post_is_received_the_day_it_is_signed_for(db, org):
    """Post needing a signature: the day signed for is the day of receipt [条例 Art. 31]."""
    application = submit(db, org, "2026-03-02 09:00", channel="post_signed", signed_for_on=date(2026, 3, 4),
                         now="2026-03-05 09:00")
    assert application.received_on == date(2026, 3, 4)
    assert due(db, application) == date(2026, 4, 1)
    assert due(db, application, "correction_notice") == date(2026, 3, 13)


def test_signed_post_without_the_signing_date_is_refused(db, org):
    """[条例 Art. 31]: the date of receipt of signed post is the signing date, so it is required."""
    before = counts(db)
    error = unchanged(db, before, lambda: submit(db, org, channel="post_signed"))
    assert error.field == "signed_for_on"
    error = unchanged(db, before, lambda: submit(db, org, signed_for_on=date(2026, 3, 2)))
    assert error.field == "signed_for_on"  # only signed post has a signing date


@pytest.mark.parametrize("channel", ["post_ordinary", "online", "fax"])
def test_ordinary_mail_online_and_fax_are_received_only_when_confirmed(db, org, events, channel):
    """Ordinary mail: the day the organ confirms; online and fax: the day both sides confirm [条例 Art. 31]."""
    application = submit(db, org, "2026-03-02 20:00", channel=channel)
    assert application.state == "awaiting_confirmation"
    assert application.received_on is None and application.obligation_id is None
    assert of_type(events, "disclosure.application_received") == []
    service.confirm_receipt(db, org.officer, application, confirmed_on=date(2026, 3, 5), at=at("2026-03-05 11:00"))
    assert application.state == "in_progress" and application.received_on == date(2026, 3, 5)
    assert application.confirmed_on == date(2026, 3, 5)
    assert due(db, application) == date(2026, 4, 2)
    with pytest.raises(Conflict):
        service.confirm_receipt(db, org.officer, application, confirmed_on=date(2026, 3, 5), at=at("2026-03-05 12:00"))


def test_confirmation_cannot_precede_submission_or_lie_in_the_future(db, org):
    """The confirmation day is the day of receipt [条例 Art. 31]: after the request was sent, not ahead of today."""
    application = submit(db, org, "2026-03-04 20:00", channel="online")
    before = counts(db)
    for day in (date(2026, 3, 3), date(2026, 3, 9)):
        error = unchanged(db, before, lambda d=day: service.confirm_receipt(
            db, org.officer, application, confirmed_on=d, at=at("2026-03-05 09:00")))
        assert error.field == "confirmed_on"


def test_the_public_form_submits_online_requests_only(db, org):
    """The public form (no staff actor) is the online channel; it waits for confirmation [条例 Art. 31]."""
    application = submit(db, org, actor=None, channel="online")
    assert application.state == "awaiting_confirmation" and application.handler_id is None
    audit.write_entries(db)
    assert db.scalar(select(AuditEntry.actor).where(AuditEntry.action == "disclosure.application_submitted")) \
        == "applicant"
    before = counts(db)
    error = unchanged(db, before, lambda: submit(db, org, actor=None, channel="in_person"))
    assert error.field == "channel"


def test_applicant_kind_is_recorded_for_the_report(db, org):
    """Section 三 columns: natural person or an organisation of one of five kinds [国办公开办函〔2021〕30号]."""
    application = submit(db, org, applicant_kind="legal_service", applicant_name="某某律师事务所",
                         applicant_id_number="31110000MD0123456X")
    assert application.applicant_kind == "legal_service"
    before = counts(db)
    assert unchanged(db, before, lambda: submit(db, org, applicant_kind="company")).field == "applicant_kind"


def test_applicant_key_identifies_the_applicant_for_the_monthly_count():
    """国办函〔2020〕109号 Art. 4 counts per applicant: the ID (normalised) or else name and phone."""
    key = service.applicant_key
    assert key("陈某某", " 11010519491231002x ") == key("其他名字", "11010519491231002X")
    assert key("陈 某某", "", "138-0000-0000") == key("陈某某", "", "13800000000")
    assert key("陈某某", "", "13800000000") != key("陈某某", "", "13900000000")


# -- bad input at receipt: refused, nothing written ----------------------------------------------------
@pytest.mark.parametrize(("change", "field"), [
    ({"content": "   "}, "content"),
    ({"applicant_name": ""}, "applicant_name"),
    ({"contact_phone": ""}, "contact_phone"),
    ({"channel": "carrier_pigeon"}, "channel"),
    ({"delivery": "telepathy"}, "delivery"),
])
def test_bad_requests_are_refused_and_nothing_is_written(db, org, change, field):
    """A request states the applicant, a contact and the information sought [条例 Art. 29]."""
    before = counts(db)
    assert unchanged(db, before, lambda: submit(db, org, **change)).field == field


def test_unknown_organ_is_refused(db, org):
    from yangguang.disclosure.service.applications import receive

    before = counts(db)
    error = unchanged(db, before, lambda: receive(
        db, org.officer, unit="NOPE", channel="in_person", submitted_at=at("2026-03-02 09:00"),
        applicant_kind="natural_person", applicant_name="陈某某", contact_phone="1", content="某文件",
        at=at("2026-03-02 09:00")), NotFound)
    assert error.field == "unit"


def test_a_date_in_a_year_the_calendar_does_not_know_is_refused(db, org):
    """Working days of 2027 are unknown until the State Council's notice is loaded."""
    before = counts(db)
    error = unchanged(db, before, lambda: submit(db, org, "2027-01-05 09:00"))
    assert error.field == "submitted_at" and "2027" in error.reason


def test_future_dates_are_refused(db, org):
    before = counts(db)
    assert unchanged(db, before, lambda: submit(db, org, "2026-03-03 09:00", now="2026-03-02 09:00")).field \
        == "submitted_at"
    assert unchanged(db, before, lambda: submit(db, org, "2026-03-02 09:00", channel="post_signed",
                                                signed_for_on=date(2026, 3, 3))).field == "signed_for_on"


def test_staff_of_another_organ_or_without_the_disclosure_role_may_not_act(db, org):
    before = counts(db)
    unchanged(db, before, lambda: submit(db, org, actor=org.outsider), Forbidden)
    unchanged(db, before, lambda: submit(db, org, actor=org.head), Forbidden)
    application = submit(db, org)
    before = counts(db)
    unchanged(db, before, lambda: service.accept_as_clear(db, org.outsider, application, at=at("2026-03-03 09:00")),
              Forbidden)
    unchanged(db, before, lambda: service.conclude(db, org.outsider, application, outcome="disclosed",
                                                   at=at("2026-03-03 09:00")), Forbidden)


def test_an_action_dated_before_the_receipt_is_refused(db, org):
    """Nothing happens to a request before it is received [条例 Art. 31]."""
    application = submit(db, org, "2026-03-02 09:30")
    before = counts(db)
    assert unchanged(db, before, lambda: service.consult(db, org.officer, application, kind="third_party",
                                                         party="某公司", at=at("2026-03-02 09:00"))).field == "at"
    assert unchanged(db, before, lambda: service.request_correction(
        db, org.officer, application, items="文号", deadline=date(2026, 3, 20), at=at("2026-03-02 09:00"))
    ).field == "at"


# -- correction [条例 Art. 30] ----------------------------------------------------------------------------
def test_correction_pauses_then_restarts_the_whole_reply_period(db, org, events):
    """One notice listing everything to clarify; the reply period restarts from the day the corrected
    request arrives [条例 Art. 30]."""
    application = submit(db, org, "2026-03-02 09:30")
    service.request_correction(db, org.officer, application, items=["所需信息的文号", "所属年度"],
                               deadline=date(2026, 3, 20), at=at("2026-03-04 10:00"))
    assert application.state == "correction"
    assert application.correction_items == "所需信息的文号\n所属年度"
    reply, notice = clocks(db, application)["reply"], clocks(db, application)["correction_notice"]
    assert reply.state == "paused" and reply.pauses[-1].reason_code == "correction"
    assert notice.state == "stopped" and not notice.is_overdue(notice.stopped_at)
    assert of_type(events, "disclosure.correction_requested")[0].data["late"] is False

    service.correction_received(db, org.officer, application, on=date(2026, 3, 16), at=at("2026-03-16 15:00"))
    assert application.state == "in_progress" and application.corrected_on == date(2026, 3, 16)
    assert due(db, application) == date(2026, 4, 14)  # 20 working days from 16 March, not what was left
    assert of_type(events, "disclosure.correction_received")[0].data["due_on"] == "2026-04-14"


def test_only_one_correction_notice(db, org):
    """一次性告知 [条例 Art. 30]: a second notice is refused."""
    application = submit(db, org)
    service.request_correction(db, org.officer, application, items="文号", deadline=date(2026, 3, 20),
                               at=at("2026-03-03 10:00"))
    service.correction_received(db, org.officer, application, on=date(2026, 3, 5), at=at("2026-03-05 10:00"))
    before = counts(db)
    unchanged(db, before, lambda: service.request_correction(
        db, org.officer, application, items="年度", deadline=date(2026, 3, 20), at=at("2026-03-06 10:00")), Conflict)


def test_correction_notice_needs_items_and_a_future_deadline(db, org):
    application = submit(db, org)
    before = counts(db)
    assert unchanged(db, before, lambda: service.request_correction(
        db, org.officer, application, items=["  "], deadline=date(2026, 3, 20), at=at("2026-03-03 10:00"))
    ).field == "items"
    assert unchanged(db, before, lambda: service.request_correction(
        db, org.officer, application, items=["文号"], deadline=date(2026, 3, 3), at=at("2026-03-03 10:00"))
    ).field == "deadline"


def test_a_correction_notice_after_seven_working_days_is_marked_late(db, org, events):
    """The notice is due within 7 working days of receipt [条例 Art. 30]: a later one is sent but late."""
    application = submit(db, org, "2026-03-02 09:30")
    service.request_correction(db, org.officer, application, items="文号", deadline=date(2026, 3, 27),
                               at=at("2026-03-12 10:00"))
    assert of_type(events, "disclosure.correction_requested")[0].data["late"] is True


def test_abandonment_only_after_the_correction_deadline(db, org, events):
    """Missing the correction deadline without good reason: treated as abandoned [条例 Art. 30]."""
    application = submit(db, org)
    service.request_correction(db, org.officer, application, items="文号", deadline=date(2026, 3, 20),
                               at=at("2026-03-03 10:00"))
    before = counts(db)
    unchanged(db, before, lambda: service.abandon_uncorrected(db, org.officer, application,
                                                              at=at("2026-03-20 23:00")), Conflict)
    service.abandon_uncorrected(db, org.officer, application, at=at("2026-03-21 09:00"))
    assert application.state == "concluded"
    assert (application.outcome, application.outcome_row) == ("other.no_correction", "other.no_correction")
    assert application.late is False
    assert all(c.state == "stopped" for c in clocks(db, application).values())


def test_abandonment_needs_a_correction_notice(db, org):
    application = submit(db, org)
    before = counts(db)
    unchanged(db, before, lambda: service.abandon_uncorrected(db, org.officer, application,
                                                              at=at("2026-04-21 09:00")), Conflict)


def test_accepting_the_request_as_clear_stops_the_correction_notice_clock(db, org):
    """Art. 30's 7 days are for deciding whether to ask for a correction; deciding it is clear ends them."""
    application = submit(db, org)
    service.accept_as_clear(db, org.officer, application, at=at("2026-03-03 09:00"))
    assert clocks(db, application)["correction_notice"].state == "stopped"
    assert clocks(db, application)["reply"].state == "running"
    with pytest.raises(Conflict):
        service.accept_as_clear(db, org.officer, application, at=at("2026-03-03 10:00"))


# -- consultation [条例 Arts. 32–34] ----------------------------------------------------------------------
def test_consultation_pauses_the_reply_clock_and_the_due_date_moves_by_the_paused_days(db, org, events):
    """Time consulting a third party is not counted [条例 Art. 33]; the party has 15 working days [Art. 32]."""
    application = submit(db, org, "2026-03-02 09:30")
    consultation = service.consult(db, org.officer, application, kind="third_party", party="某某科技有限公司",
                                   at=at("2026-03-04 10:00"))
    assert application.state == "consulting"
    reply = clocks(db, application)["reply"]
    assert reply.state == "paused" and reply.pauses[-1].reason_code == "third_party"
    consultation_clock = db.scalar(select(Clock).where(Clock.obligation_id == consultation.obligation_id))
    assert (consultation_clock.kind, consultation_clock.due_day) == ("consultation", date(2026, 3, 25))
    assert clocks(db, application)["correction_notice"].state == "stopped"

    service.record_consultation_answer(db, org.officer, consultation, answer="agree", at=at("2026-03-11 16:00"))
    assert application.state == "in_progress" and reply.state == "running"
    assert due(db, application) == date(2026, 4, 7)  # 30 March + the 5 working days 5–11 March
    assert consultation_clock.state == "stopped"
    [answered] = of_type(events, "disclosure.consultation_answered")
    assert answered.data == {"number": application.number, "kind": "third_party", "answer": "agree", "consent": True}


def test_the_reply_clock_resumes_only_when_every_consultation_is_answered(db, org):
    """Third party [Art. 32] and co-making organ [Art. 34] consulted together: no time counts until both answered."""
    application = submit(db, org)
    third = service.consult(db, org.officer, application, kind="third_party", party="某公司", at=at("2026-03-03 10:00"))
    co_maker = service.consult(db, org.officer, application, kind="co_maker", party="县财政局",
                               at=at("2026-03-03 11:00"))
    service.record_consultation_answer(db, org.officer, co_maker, answer="agree", at=at("2026-03-05 10:00"))
    assert application.state == "consulting" and clocks(db, application)["reply"].state == "paused"
    service.record_consultation_answer(db, org.officer, third, answer="object", reasons="涉及商业秘密",
                                       at=at("2026-03-06 10:00"))
    assert application.state == "in_progress" and clocks(db, application)["reply"].state == "running"
    with pytest.raises(Conflict):
        service.record_consultation_answer(db, org.officer, third, answer="agree", at=at("2026-03-06 11:00"))


def test_silence_counts_only_after_the_15_working_days(db, org, events):
    """A co-making organ's silence after 15 working days is consent [条例 Art. 34]."""
    application = submit(db, org)
    consultation = service.consult(db, org.officer, application, kind="co_maker", party="县财政局",
                                   at=at("2026-03-04 10:00"))
    before = counts(db)
    unchanged(db, before, lambda: service.record_consultation_answer(
        db, org.officer, consultation, answer="silent", at=at("2026-03-25 18:00")), Conflict)
    service.record_consultation_answer(db, org.officer, consultation, answer="silent", at=at("2026-03-26 09:00"))
    assert consultation.answer == "silent"
    assert of_type(events, "disclosure.consultation_answered")[0].data["consent"] is True


def test_a_third_partys_silence_is_not_consent(db, org, events):
    """A third party's silence leaves the organ to decide [条例 Art. 32]."""
    application = submit(db, org)
    consultation = service.consult(db, org.officer, application, kind="third_party", party="某公司",
                                   at=at("2026-03-04 10:00"))
    service.record_consultation_answer(db, org.officer, consultation, answer="silent", at=at("2026-03-26 09:00"))
    assert of_type(events, "disclosure.consultation_answered")[0].data["consent"] is False


def test_an_objection_needs_its_reasons_and_answers_must_be_known(db, org):
    """A third party objecting gives reasons [条例 Art. 32]."""
    application = submit(db, org)
    consultation = service.consult(db, org.officer, application, kind="third_party", party="某公司",
                                   at=at("2026-03-04 10:00"))
    before = counts(db)
    assert unchanged(db, before, lambda: service.record_consultation_answer(
        db, org.officer, consultation, answer="object", at=at("2026-03-05 10:00"))).field == "reasons"
    assert unchanged(db, before, lambda: service.record_consultation_answer(
        db, org.officer, consultation, answer="maybe", at=at("2026-03-05 10:00"))).field == "answer"
    assert unchanged(db, before, lambda: service.consult(
        db, org.officer, application, kind="neighbour", party="某人", at=at("2026-03-05 10:00"))).field == "kind"


def test_disclosing_over_a_third_party_objection_needs_the_public_interest_reason(db, org):
    """A reasoned objection means withholding unless the public interest is major [条例 Art. 32]."""
    application = submit(db, org)
    consultation = service.consult(db, org.officer, application, kind="third_party", party="某公司",
                                   at=at("2026-03-04 10:00"))
    service.record_consultation_answer(db, org.officer, consultation, answer="object", reasons="商业秘密",
                                       at=at("2026-03-05 10:00"))
    before = counts(db)
    assert unchanged(db, before, lambda: service.conclude(db, org.officer, application, outcome="disclosed",
                                                          at=at("2026-03-06 10:00"))).field == "reason"
    service.conclude(db, org.officer, application, outcome="disclosed",
                     reason="涉及重大公共安全，不公开将对公共利益造成重大影响", at=at("2026-03-06 10:00"))
    assert application.outcome == "disclosed"


# -- extension [条例 Art. 33] -----------------------------------------------------------------------------
def test_one_extension_of_at_most_20_working_days_approved_by_the_head(db, org, events):
    """Extension approved by the head of the disclosure office, at most 20 working days, once [条例 Art. 33]."""
    application = submit(db, org)
    before = counts(db)
    unchanged(db, before, lambda: service.extend(db, org.officer, application, days=10, reason="需调档",
                                                 at=at("2026-03-20 10:00")), Forbidden)
    error = unchanged(db, before, lambda: service.extend(db, org.head, application, days=21, reason="需调档",
                                                         at=at("2026-03-20 10:00")))
    assert error.field == "days" and "20" in error.reason
    assert unchanged(db, before, lambda: service.extend(db, org.head, application, days=5, reason=" ",
                                                        at=at("2026-03-20 10:00"))).field == "reason"
    service.extend(db, org.head, application, days=20, reason="信息量大，需调取档案", at=at("2026-03-20 10:00"))
    assert due(db, application) == date(2026, 4, 28)
    assert of_type(events, "disclosure.application_extended")[0].data["due_on"] == "2026-04-28"
    before = counts(db)
    unchanged(db, before, lambda: service.extend(db, org.head, application, days=1, reason="再延",
                                                 at=at("2026-03-23 10:00")), Conflict)


def test_no_extension_once_the_reply_period_has_run_out(db, org):
    """An extension is decided within the reply period [条例 Art. 33]; a late one would hide the breach."""
    application = submit(db, org)
    before = counts(db)
    unchanged(db, before, lambda: service.extend(db, org.head, application, days=5, reason="需调档",
                                                 at=at("2026-03-31 09:00")), Conflict)


# -- fees [国办函〔2020〕109号] --------------------------------------------------------------------------
def test_monthly_count_is_per_applicant_and_calendar_month(db, org):
    """Per-request fees count the applicant's requests in a calendar month [国办函〔2020〕109号 Art. 4]."""
    mine = dict(applicant_id_number="110105194912310021")
    march = [submit(db, org, f"2026-03-{day:02d} 10:00", **mine) for day in (2, 3, 3, 31)]
    submit(db, org, "2026-03-05 10:00", applicant_id_number="110105194912310030")  # someone else
    april = submit(db, org, "2026-04-01 10:00", **mine)
    assert [service.monthly_count(db, a) for a in march] == [1, 2, 3, 4]
    assert service.monthly_count(db, april) == 1
    unconfirmed = submit(db, org, "2026-03-31 20:00", channel="online", **mine)
    service.confirm_receipt(db, org.officer, unconfirmed, confirmed_on=date(2026, 4, 1), at=at("2026-04-01 11:00"))
    assert service.monthly_count(db, unconfirmed) == 2  # counted in the month of receipt [条例 Art. 31]


def test_per_request_fee_for_the_eleventh_request_of_the_month(db, org, events):
    """The 11th–30th requests of a month cost ¥100 each; the first 10 are free [国办函〔2020〕109号 Art. 4]."""
    requests = [submit(db, org, "2026-03-02 10:00", applicant_id_number="110105194912310021") for _ in range(11)]
    before = counts(db)
    assert unchanged(db, before, lambda: service.charge_fee(
        db, org.officer, requests[9], method="per_request", deadline=date(2026, 4, 30), at=at("2026-03-03 10:00"))
    ).field == "method"  # the tenth is free: nothing to charge
    service.charge_fee(db, org.officer, requests[10], method="per_request", deadline=date(2026, 4, 30),
                       at=at("2026-03-03 10:00"))
    charged = requests[10]
    assert (charged.fee_method, charged.fee_monthly_count, charged.fee_fen) == ("per_request", 11, 10_000)
    assert charged.state == "awaiting_fee"
    assert clocks(db, charged)["reply"].pauses[-1].reason_code == "fee"
    assert of_type(events, "disclosure.fee_charged")[0].data["amount_fen"] == 10_000


def test_per_volume_fee_pauses_the_reply_until_paid(db, org):
    """The time from the fee notice to the payment is not counted in the reply period [国办函〔2020〕109号]."""
    application = submit(db, org, "2026-03-02 09:30")
    service.charge_fee(db, org.officer, application, method="per_volume", pages=31, deadline=date(2026, 3, 31),
                       at=at("2026-03-03 10:00"))
    assert (application.fee_pages, application.fee_fen) == (31, 1_000)
    service.record_fee_paid(db, org.officer, application, on=date(2026, 3, 6), at=at("2026-03-06 10:00"))
    assert application.state == "in_progress" and application.fee_paid_on == date(2026, 3, 6)
    assert due(db, application) == date(2026, 4, 2)  # 30 March + the 3 working days 4–6 March


def test_fee_by_both_methods_or_wrong_inputs_is_refused(db, org):
    """One method per request, never both [国办函〔2020〕109号 Art. 3]."""
    application = submit(db, org)
    before = counts(db)

    def refused(**kw):
        return unchanged(db, before, lambda: service.charge_fee(
            db, org.officer, application, deadline=date(2026, 4, 30), at=at("2026-03-03 10:00"), **kw)).field

    assert refused(method="per_request", pages=40) == "method"
    assert refused(method="per_volume") == "pages"
    assert refused(method="per_word", pages=40) == "method"
    assert refused(method="per_volume", pages=30) == "method"  # 30 pages are free: nothing to charge


def test_the_applicant_gets_20_working_days_to_pay(db, org):
    """The applicant pays within 20 working days of the fee notice [国办函〔2020〕109号] (unverified detail)."""
    application = submit(db, org)
    before = counts(db)
    error = unchanged(db, before, lambda: service.charge_fee(db, org.officer, application, method="per_volume",
                                                             pages=40, deadline=date(2026, 3, 30),
                                                             at=at("2026-03-03 10:00")))
    assert error.field == "deadline" and "2026-03-31" in error.reason


def test_fee_unpaid_only_after_the_deadline(db, org):
    """Not paid by the deadline: no longer handled, report row 其他处理 2 [国办函〔2020〕109号]."""
    application = submit(db, org)
    service.charge_fee(db, org.officer, application, method="per_volume", pages=40, deadline=date(2026, 3, 31),
                       at=at("2026-03-03 10:00"))
    before = counts(db)
    unchanged(db, before, lambda: service.fee_unpaid(db, org.officer, application, at=at("2026-03-31 20:00")),
              Conflict)
    unchanged(db, before, lambda: service.record_fee_paid(db, org.officer, application, on=date(2026, 4, 1),
                                                          at=at("2026-04-01 10:00")), Conflict)
    service.fee_unpaid(db, org.officer, application, at=at("2026-04-01 09:00"))
    assert (application.outcome_row, application.state) == ("other.fee_unpaid", "concluded")


def test_a_fee_notice_after_the_reply_period_does_not_hide_the_late_reply(db, org, events):
    """The reply was due on 30 March [条例 Art. 33]; a fee notice sent on 31 March pauses the clock, but the
    request given up unpaid is still concluded late — as its stopped reply clock says."""
    application = submit(db, org, "2026-03-02 09:30")
    service.charge_fee(db, org.officer, application, method="per_volume", pages=40, deadline=date(2026, 5, 29),
                       at=at("2026-03-31 10:00"))
    service.fee_unpaid(db, org.officer, application, at=at("2026-06-01 09:00"))
    reply = clocks(db, application)["reply"]
    assert reply.state == "stopped" and reply.is_overdue(reply.stopped_at)
    assert application.late is True
    assert of_type(events, "disclosure.application_concluded")[0].data["late"] is True


# -- the reply [条例 Art. 36] -----------------------------------------------------------------------------
SPECIAL = {"other.no_correction", "other.fee_unpaid", "unavailable.still_unclear"}


def _reach_and_conclude(db, org, application, code):
    """Bring ``application`` to the state ``code`` needs and conclude with it."""
    officer = org.officer
    if code in ("other.no_correction", "unavailable.still_unclear"):
        service.request_correction(db, officer, application, items="文号", deadline=date(2026, 3, 10),
                                   at=at("2026-03-03 10:00"))
    if code == "unavailable.still_unclear":
        service.correction_received(db, officer, application, on=date(2026, 3, 9), at=at("2026-03-09 10:00"))
    if code == "other.fee_unpaid":
        service.charge_fee(db, officer, application, method="per_volume", pages=100, deadline=date(2026, 3, 31),
                           at=at("2026-03-03 10:00"))
    when = at("2026-04-01 10:00") if code in ("other.no_correction", "other.fee_unpaid") else at("2026-03-12 10:00")
    service.conclude(db, officer, application, outcome=code, reason="具体理由", right_organ="县财政局",
                     where_published="县政府门户网站“财政预决算”栏目", at=when)


@pytest.mark.parametrize("code", sorted(OUTCOMES))
def test_every_outcome_concludes_with_its_report_row(db, org, events, code):
    """Each outcome of 条例 Art. 36 lands in its row of section 三 [国办公开办函〔2021〕30号]."""
    application = submit(db, org, "2026-03-02 09:30")
    _reach_and_conclude(db, org, application, code)
    assert application.state == "concluded" and application.outcome == code
    assert application.outcome_row == OUTCOMES[code].row and application.outcome_row in REPORT_ROWS
    assert application.concluded_on in (date(2026, 3, 12), date(2026, 4, 1))
    assert application.late is False
    assert db.get(Obligation, application.obligation_id).state == "done"
    [done] = of_type(events, "disclosure.application_concluded")
    assert done.data["outcome"] == code and done.data["row"] == OUTCOMES[code].row
    assert done.data["late"] is False


def test_not_this_organ_counts_as_not_held_in_the_report():
    """2021 format: 不属于本机关负责公开 is reported under 本机关不掌握相关政府信息 [条例 Art. 36(5)]."""
    assert OUTCOMES["unavailable.not_this_organ"].row == "unavailable.not_held"
    assert OUTCOMES["already_public"].row == "disclosed"


def test_conclusion_refuses_bad_outcomes_and_missing_reasons(db, org):
    """Withholding states the reason [条例 Art. 36(3)]; already public says where [Art. 36(1)]."""
    application = submit(db, org)
    before = counts(db)
    conclude = service.conclude
    error = unchanged(db, before, lambda: conclude(db, org.officer, application, outcome="maybe",
                                                   at=at("2026-03-10 10:00")))
    assert error.field == "outcome" and "disclosed" in error.reason
    assert unchanged(db, before, lambda: conclude(db, org.officer, application, outcome="withheld.state_secret",
                                                  at=at("2026-03-10 10:00"))).field == "reason"
    assert unchanged(db, before, lambda: conclude(db, org.officer, application, outcome="already_public",
                                                  at=at("2026-03-10 10:00"))).field == "where_published"
    unchanged(db, before, lambda: conclude(db, org.officer, application, outcome="unavailable.still_unclear",
                                           reason="仍不明确", at=at("2026-03-10 10:00")), Conflict)


def test_a_request_is_concluded_once_and_a_late_reply_is_marked(db, org):
    """The reply is due within 20 working days [条例 Art. 33]; one given later is late."""
    application = submit(db, org, "2026-03-02 09:30")
    service.conclude(db, org.officer, application, outcome="disclosed", at=at("2026-03-31 09:00"))
    assert application.late is True and application.concluded_on == date(2026, 3, 31)
    before = counts(db)
    unchanged(db, before, lambda: service.conclude(db, org.officer, application, outcome="disclosed",
                                                   at=at("2026-03-31 10:00")), Conflict)


def test_an_unconfirmed_request_cannot_be_concluded(db, org):
    """Not received until confirmed [条例 Art. 31]: there is nothing to reply to yet."""
    application = submit(db, org, channel="online")
    before = counts(db)
    unchanged(db, before, lambda: service.conclude(db, org.officer, application, outcome="disclosed",
                                                   at=at("2026-03-03 10:00")), Conflict)


# -- supervision ---------------------------------------------------------------------------------------
def _cards(db, rule_code):
    return list(db.scalars(select(Card).where(Card.rule_code == rule_code).order_by(Card.id)))


def test_a_late_reply_raises_a_warning_then_a_yellow_then_a_red_card(db, org):
    """Reply period of 条例 Art. 33 watched by the default rules: 预警 3 working days before, 黄牌 when it
    passes, 红牌 5 working days later (默认值未经核实，可配置)."""
    application = submit(db, org, "2026-03-02 09:30")
    service.accept_as_clear(db, org.officer, application, at=at("2026-03-03 09:00"))
    assert sweep(db, at("2026-03-25 23:00"))["warnings"] == 0
    assert sweep(db, at("2026-03-26 00:00"))["warnings"] == 1
    assert sweep(db, at("2026-03-30 23:59"))["yellow"] == 0
    result = sweep(db, at("2026-03-31 00:00"))
    assert result["yellow"] == 1
    [yellow] = _cards(db, "disclosure.reply_overdue")
    assert (yellow.level, yellow.unit_id, yellow.subject_id) == ("yellow", org.unit.id, str(application.id))
    assert "答复时限" in yellow.reason
    assert sweep(db, at("2026-04-08 00:00"))["red"] == 1
    assert _cards(db, "disclosure.correction_notice_late") == []


def test_no_decision_on_correction_within_7_working_days_raises_a_yellow_card(db, org):
    """The correction notice is due within 7 working days of receipt [条例 Art. 30]."""
    submit(db, org, "2026-03-02 09:30")
    assert sweep(db, at("2026-03-11 23:59"))["yellow"] == 0
    assert sweep(db, at("2026-03-12 00:00"))["yellow"] == 1
    [card] = _cards(db, "disclosure.correction_notice_late")
    assert "补正告知时限" in card.reason


def test_consultation_clocks_raise_no_card(db, org):
    """The 15 working days are the consulted party's time, not the organ's [条例 Arts. 32–34]."""
    application = submit(db, org, "2026-03-02 09:30")
    service.consult(db, org.officer, application, kind="third_party", party="某公司", at=at("2026-03-03 10:00"))
    sweep(db, at("2026-05-29 10:00"))
    assert db.scalar(select(func.count()).select_from(Card)) == 0


# -- remedies (section 四) ------------------------------------------------------------------------------
def test_review_and_litigation_are_recorded_against_the_application(db, org, events):
    application = submit(db, org)
    service.conclude(db, org.officer, application, outcome="unavailable.not_held", reason="经检索未找到",
                     at=at("2026-03-10 10:00"))
    review = service.record_remedy(db, org.officer, application=application, kind="review", filed_on=date(2026, 4, 1),
                                   case_number="县政复〔2026〕5号", at=at("2026-04-02 10:00"))
    assert (review.unit_id, review.result, review.application_id) == (org.unit.id, "pending", application.id)
    service.conclude_remedy(db, org.officer, review, result="corrected", concluded_on=date(2026, 5, 20),
                            at=at("2026-05-21 10:00"))
    assert (review.result, review.concluded_on) == ("corrected", date(2026, 5, 20))
    lawsuit = service.record_remedy(db, org.officer, unit="ZFB", kind="litigation_direct", filed_on=date(2026, 4, 3),
                                    at=at("2026-04-03 10:00"))
    assert lawsuit.application_id is None and lawsuit.unit_id == org.unit.id
    assert [e.data["kind"] for e in of_type(events, "disclosure.remedy_filed")] == ["review", "litigation_direct"]
    with pytest.raises(Conflict):
        service.conclude_remedy(db, org.officer, review, result="upheld", concluded_on=date(2026, 5, 21),
                                at=at("2026-05-21 10:00"))


def test_bad_remedies_are_refused(db, org):
    application = submit(db, org)
    before = counts(db)
    record = service.record_remedy
    assert unchanged(db, before, lambda: record(db, org.officer, application=application, kind="appeal",
                                                filed_on=date(2026, 3, 5), at=at("2026-03-05 10:00"))).field == "kind"
    assert unchanged(db, before, lambda: record(db, org.officer, kind="review", filed_on=date(2026, 3, 5),
                                                at=at("2026-03-05 10:00"))).field == "application"
    assert unchanged(db, before, lambda: record(db, org.officer, application=application, kind="review",
                                                filed_on=date(2026, 3, 1), at=at("2026-03-05 10:00"))).field \
        == "filed_on"
    unchanged(db, before, lambda: record(db, org.outsider, application=application, kind="review",
                                         filed_on=date(2026, 3, 5), at=at("2026-03-05 10:00")), Forbidden)
    remedy = record(db, org.officer, application=application, kind="review", filed_on=date(2026, 3, 5),
                    at=at("2026-03-05 10:00"))
    before = counts(db)
    for result in ("pending", "won"):
        assert unchanged(db, before, lambda r=result: service.conclude_remedy(
            db, org.officer, remedy, result=r, concluded_on=date(2026, 3, 6), at=at("2026-03-06 10:00"))).field \
            == "result"


# -- queries ------------------------------------------------------------------------------------------
def test_staff_list_is_scoped_and_most_urgent_first(db, org):
    late = submit(db, org, "2026-03-02 09:30", applicant_name="甲")
    soon = submit(db, org, "2026-03-20 09:30", applicant_name="乙")
    waiting = submit(db, org, "2026-03-20 20:00", channel="online", applicant_name="丙")
    done = submit(db, org, "2026-03-03 09:30", applicant_name="丁")
    service.conclude(db, org.officer, done, outcome="disclosed", at=at("2026-03-04 09:00"))
    theirs = service.receive(db, org.outsider, unit=org.other_unit, channel="in_person",
                             submitted_at=at("2026-03-02 09:00"), applicant_kind="natural_person",
                             applicant_name="戊", contact_phone="1", content="某文件", at=at("2026-03-02 09:00"))
    page = queries.staff_applications(db, org.officer, page=1, per_page=10, at=at("2026-04-01 09:00"))
    assert [i["number"] for i in page["items"]] == [late.number, soon.number, waiting.number, done.number]
    assert page["total"] == 4
    first = page["items"][0]
    assert first["time"]["overdue"] is True and first["time"]["due_on"] == "2026-03-30"
    everything = queries.staff_applications(db, org.supervisor, at=at("2026-04-01 09:00"))
    assert theirs.number in [i["number"] for i in everything["items"]] and everything["total"] == 5
    assert [i["number"] for i in queries.staff_applications(db, org.officer, q="乙")["items"]] == [soon.number]
    assert queries.staff_applications(db, org.officer, state="concluded")["total"] == 1
    with pytest.raises(InvalidInput):
        queries.staff_applications(db, org.officer, state="lost")
    clerk = make_person(db, org.unit, "clerk", ["clerk"])
    with pytest.raises(Forbidden):
        queries.staff_applications(db, clerk)


def test_staff_detail_hides_other_organs_applications(db, org):
    application = submit(db, org)
    service.request_correction(db, org.officer, application, items="文号", deadline=date(2026, 3, 20),
                               at=at("2026-03-03 10:00"))
    detail = queries.application_detail(db, org.officer, application.number, at=at("2026-03-04 10:00"))
    assert detail["applicant_name"] == "陈某某" and detail["correction"]["items"] == ["文号"]
    assert detail["clocks"]["reply"]["paused_for"] == "等待补正"
    assert [e["action"] for e in detail["history"]][:2] == ["disclosure.application_submitted",
                                                           "disclosure.application_received"]
    with pytest.raises(NotFound) as unknown:
        queries.application_detail(db, org.officer, "YSQ-ZFB-2026-99999")
    with pytest.raises(NotFound) as foreign:
        queries.application_detail(db, org.outsider, application.number)
    assert foreign.value.reason.replace(application.number, "X") == unknown.value.reason.replace(
        "YSQ-ZFB-2026-99999", "X")


def test_public_progress_shows_no_personal_data_and_a_wrong_code_looks_like_an_unknown_number(db, org):
    application = submit(db, org, applicant_id_number="110105194912310021", contact_email="chen@example.cn")
    view = queries.public_progress(db, application.number, application.query_code, at=at("2026-03-03 10:00"))
    assert view["state_label"] == "办理中" and view["received_on"] == "2026-03-02" and view["due_on"] == "2026-03-30"
    assert view["outcome_label"] is None
    shown = repr(view)
    for private in ("陈某某", "13800000000", "110105194912310021", "chen@example.cn", "财政预算"):
        assert private not in shown
    service.conclude(db, org.officer, application, outcome="disclosed", at=at("2026-03-10 10:00"))
    assert queries.public_progress(db, application.number, application.query_code)["outcome_label"] == "予以公开"
    with pytest.raises(NotFound) as wrong_code:
        queries.public_progress(db, application.number, "00000000" if application.query_code != "00000000" else "1")
    with pytest.raises(NotFound) as wrong_number:
        queries.public_progress(db, "YSQ-ZFB-2026-99999", application.query_code)
    assert wrong_code.value.as_dict() == wrong_number.value.as_dict()
