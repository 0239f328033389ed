"""The API of applications for government information (/api/v1/disclosure/...): registration and the
public online form, receipt, correction, consultation, extension, fee, the reply with its letter,
remedies, the list and the public progress query; every staff route scoped to the caller's role and
organ, every refusal in the one error shape with nothing written.

Sources: 中华人民共和国政府信息公开条例 (2019) Arts. 29–37 and 42; 政府信息公开信息处理费管理办法
(国办函〔2020〕109号); shared/domain/disclosure.md.
"""

from __future__ import annotations

import io

import pytest
from docx import Document
from sqlalchemy import func, select

from tests.web.foi_helpers import (
    CLERK,
    HEAD,
    OFFICER,
    ORGAN,
    ORGAN_NAME,
    OTHER_ORGAN,
    OUTSIDER,
    PERSONAL,
    REQUEST,
    SUPERVISOR,
    act,
    build_organs,
    days_ago,
    query_code,
    receive,
    snapshot,
    today,
)
from yangguang.core import db
from yangguang.core.audit import AuditEntry
from yangguang.core.auth import LoginAttempt
from yangguang.core.clocks import local_day
from yangguang.core.org import Unit

API = "/api/v1/disclosure"


@pytest.fixture
def organs(db_url):
    build_organs(db_url)


def url(number: str, tail: str = "") -> str:
    return f"{API}/applications/{number}" + (f"/{tail}" if tail else "")


def registration(**changes) -> dict:
    return {**REQUEST, "channel": "in_person", **changes}


def refused(db_url, call, status: int, field: str):
    """``call()`` answers ``status`` naming ``field`` in the one error shape, and writes nothing."""
    before = snapshot(db_url)
    response = call()
    assert response.status_code == status, response.text
    assert set(response.json()) == {"field", "reason"} and response.json()["field"] == field, response.json()
    assert snapshot(db_url) == before
    return response.json()["reason"]


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


# -- registration by the office and receipt [条例 Arts. 29, 31] -----------------------------------------
def test_a_request_handed_in_is_received_the_same_day_with_a_20_working_day_reply_period(organs, api_client):
    """In person: received the day submitted [条例 Art. 31]; reply within 20 working days [Art. 33]; the
    correction notice within 7 [Art. 30]."""
    response = api_client(OFFICER).post(f"{API}/applications", json=registration())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["number"].startswith(f"YSQ-{ORGAN}-") and len(body["query_code"]) == 8
    assert (body["state"], body["state_label"], body["received_on"], body["organ"]) == (
        "in_progress", "办理中", today(), ORGAN_NAME)
    assert (body["clocks"]["reply"]["limit"], body["clocks"]["correction_notice"]["limit"]) == (20, 7)
    assert body["time"]["due_on"] == body["clocks"]["reply"]["due_on"] and body["time"]["left"] == 20
    assert [h["action"] for h in body["history"]] == ["disclosure.application_submitted",
                                                      "disclosure.application_received"]
    assert body["history"][0]["actor"] == OFFICER and body["letters"] == []


def test_signed_post_is_received_the_day_it_is_signed_for(organs, api_client, db_url):
    """Post needing a signature: received the day signed for, which must be given [条例 Art. 31]."""
    officer = api_client(OFFICER)
    posted = days_ago(3).isoformat()
    reason = refused(db_url, lambda: officer.post(f"{API}/applications", json=registration(
        channel="post_signed", submitted_at=posted)), 422, "signed_for_on")
    assert "签收日期" in reason
    signed = local_day(days_ago(1)).isoformat()
    body = officer.post(f"{API}/applications", json=registration(channel="post_signed", submitted_at=posted,
                                                                 signed_for_on=signed)).json()
    assert (body["state"], body["received_on"], body["signed_for_on"]) == ("in_progress", signed, signed)


@pytest.mark.parametrize(("changes", "field"), [
    ({"content": "   "}, "content"),
    ({"content": ""}, "content"),
    ({"applicant_name": ""}, "applicant_name"),
    ({"contact_phone": "", "contact_email": "", "contact_address": ""}, "contact_phone"),
    ({"applicant_kind": "company"}, "applicant_kind"),
    ({"channel": "carrier_pigeon"}, "channel"),
    ({"delivery": "telepathy"}, "delivery"),
    ({"applicant_name": "陈\x00某"}, "applicant_name"),
    ({"submitted_at": "2026-03-02T09:00:00"}, "submitted_at"),
    ({"submitted_at": "1999-03-02T09:00:00+08:00"}, "submitted_at"),
    ({"signed_for_on": "2026-03-02"}, "signed_for_on"),
    ({"surprise": 1}, "surprise"),
])
def test_bad_registrations_name_the_field_and_write_nothing(organs, api_client, db_url, changes, field):
    """A request names the applicant with a contact and describes the information [条例 Art. 29]; bad input
    gets the field and the reason and changes nothing [DESIGN.md, Conventions]."""
    officer = api_client(OFFICER)
    refused(db_url, lambda: officer.post(f"{API}/applications", json=registration(**changes)), 422, field)


def test_online_request_waits_for_confirmation_then_its_clocks_start(organs, client, api_client, db_url):
    """Online: received the day both sides confirm [条例 Art. 31]; until then no clock runs."""
    response = client.post(f"{API}/online-applications", json={**REQUEST, "unit": ORGAN})
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert (receipt["state"], receipt["state_label"], receipt["organ"]) == (
        "awaiting_confirmation", "待确认收到", ORGAN_NAME)
    assert receipt["query_code"] == query_code(db_url, receipt["number"]) and "第三十一条" in receipt["notice"]
    officer = api_client(OFFICER)
    waiting = officer.get(url(receipt["number"])).json()
    assert (waiting["channel"], waiting["received_on"], waiting["clocks"], waiting["time"]) == (
        "online", None, {}, None)
    assert waiting["history"][0]["actor"] == "applicant"
    confirmed = officer.post(url(receipt["number"], "receipt-confirmation"), json={"confirmed_on": today()})
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert (body["state"], body["received_on"], body["confirmed_on"]) == ("in_progress", today(), today())
    assert body["clocks"]["reply"]["limit"] == 20
    refused(db_url, lambda: officer.post(url(receipt["number"], "receipt-confirmation"),
                                         json={"confirmed_on": today()}), 409, "application")


@pytest.mark.parametrize(("changes", "field"), [
    ({"unit": "NOPE"}, "unit"), ({"unit": ""}, "unit"), ({"content": " "}, "content"),
    ({"contact_phone": "", "contact_email": "", "contact_address": ""}, "contact_phone"),
    ({"channel": "in_person"}, "channel"), ({"applicant_kind": "natural"}, "applicant_kind"),
])
def test_bad_online_requests_are_refused_and_nothing_is_written(organs, client, db_url, changes, field):
    """The public form: an organ from the list, a contact, the information sought [条例 Art. 29]; only the
    online channel."""
    refused(db_url, lambda: client.post(f"{API}/online-applications", json={**REQUEST, "unit": ORGAN, **changes}),
            422, field)


def test_a_closed_organ_takes_no_online_request(organs, client, db_url):
    with db.transaction(db_url) as session:
        session.scalar(select(Unit).where(Unit.code == ORGAN)).active = False
    refused(db_url, lambda: client.post(f"{API}/online-applications", json={**REQUEST, "unit": ORGAN}), 422, "unit")


def test_confirmation_date_must_be_known_and_not_before_submission(organs, api_client, db_url):
    """The confirmation day is the day of receipt [条例 Art. 31]: not before the request was sent, not ahead."""
    number = receive(db_url, channel="online", actor=None, ago=2)
    officer = api_client(OFFICER)
    for day, field in ((local_day(days_ago(5)), "confirmed_on"), (local_day(days_ago(-3)), "confirmed_on")):
        refused(db_url, lambda d=day: officer.post(url(number, "receipt-confirmation"),
                                                   json={"confirmed_on": d.isoformat()}), 422, field)
    refused(db_url, lambda: officer.post(url(number, "receipt-confirmation"), json={"confirmed_on": "03/02/2026"}),
            422, "confirmed_on")


# -- who may do what ------------------------------------------------------------------------------------
def test_every_route_needs_an_account_the_role_and_the_organ(organs, client, api_client, db_url):
    """Staff routes: anonymous 401, a role without rights 403, another organ's application 404 like an
    unknown number; nothing written by any refusal. The extension is approved by the head of the office
    [条例 Art. 33], the reply given by the organ's disclosure office [Arts. 4, 36]."""
    number = receive(db_url)
    for method, path, body in (("get", f"{API}/applications", None), ("get", url(number), None),
                               ("post", url(number, "clear"), None),
                               ("post", url(number, "conclusion"), {"outcome": "disclosed"})):
        response = getattr(client, method)(path, **({"json": body} if body else {}))
        assert response.status_code == 401 and response.json()["field"] == "authorization"
    clerk = api_client(CLERK)
    refused(db_url, lambda: clerk.get(f"{API}/applications"), 403, "authorization")
    refused(db_url, lambda: clerk.post(url(number, "clear")), 403, "authorization")
    outsider = api_client(OUTSIDER)
    unknown = outsider.get(url("YSQ-ZFB-2026-99999")).json()
    hidden = outsider.get(url(number)).json()
    assert hidden["field"] == unknown["field"] == "number"
    assert hidden["reason"].replace(number, "N") == unknown["reason"].replace("YSQ-ZFB-2026-99999", "N")
    refused(db_url, lambda: outsider.post(url(number, "clear")), 404, "number")
    refused(db_url, lambda: outsider.post(url(number, "conclusion"), json={"outcome": "disclosed"}), 404, "number")
    refused(db_url, lambda: outsider.get(url(number, "letters/reply")), 404, "number")
    # the head approves extensions but does not reply; the office replies but does not approve extensions
    head, officer = api_client(HEAD), api_client(OFFICER)
    refused(db_url, lambda: head.post(url(number, "conclusion"), json={"outcome": "disclosed"}), 403, "authorization")
    refused(db_url, lambda: officer.post(url(number, "extension"), json={"days": 5, "reason": "需要检索档案"}),
            403, "authorization")
    supervisor = api_client(SUPERVISOR)  # reads every organ's, acts on none
    assert supervisor.get(url(number)).status_code == 200
    refused(db_url, lambda: supervisor.post(url(number, "clear")), 403, "authorization")


def test_list_is_scoped_filtered_and_most_urgent_first(organs, api_client, db_url):
    older = receive(db_url, ago=10)
    newer = receive(db_url, content="青山县2026年城区道路改造工程招标文件")
    waiting = receive(db_url, channel="online", actor=None)
    theirs = receive(db_url, actor=OUTSIDER, unit=OTHER_ORGAN)
    officer = api_client(OFFICER)
    page = officer.get(f"{API}/applications").json()
    assert [a["number"] for a in page["items"]] == [older, newer, waiting] and page["total"] == 3
    assert page["items"][0]["time"]["used"] > 0 and page["items"][2]["time"] is None
    searched = officer.get(f"{API}/applications", params={"q": "道路改造"}).json()
    assert [a["number"] for a in searched["items"]] == [newer]
    assert [a["number"] for a in officer.get(f"{API}/applications", params={"state": "awaiting_confirmation"})
            .json()["items"]] == [waiting]
    paged = officer.get(f"{API}/applications", params={"per_page": 2, "page": 2}).json()
    assert (paged["total"], [a["number"] for a in paged["items"]]) == (3, [waiting])
    assert {a["number"] for a in api_client(SUPERVISOR).get(f"{API}/applications").json()["items"]} == {
        older, newer, waiting, theirs}
    assert [a["number"] for a in api_client(OUTSIDER).get(f"{API}/applications").json()["items"]] == [theirs]
    for params, field in (({"state": "lost"}, "state"), ({"per_page": 500}, "per_page"), ({"page": 0}, "page"),
                          ({"q": "x" * 101}, "q")):
        response = officer.get(f"{API}/applications", params=params)
        assert response.status_code == 422 and response.json()["field"] == field, response.text


# -- correction [条例 Art. 30] ----------------------------------------------------------------------------
def test_correction_pauses_the_reply_and_the_corrected_request_restarts_it(organs, api_client, db_url):
    """One notice listing everything, with a deadline; the reply period begins again from the day the
    corrected request arrives [条例 Art. 30]; no second notice."""
    number = receive(db_url, ago=3)
    officer = api_client(OFFICER)
    deadline = local_day(days_ago(-15)).isoformat()
    notice = {"items": ["请写明所需文件的文号", "请说明所需信息的形成年份"], "deadline": deadline}
    body = officer.post(url(number, "correction"), json=notice).json()
    assert (body["state"], body["correction"]["items"], body["correction"]["deadline"]) == (
        "correction", notice["items"], deadline)
    assert body["clocks"]["reply"]["paused"] and body["clocks"]["reply"]["paused_for"] == "等待补正"
    assert body["clocks"]["correction_notice"]["stopped"]
    [letter] = body["letters"]
    assert letter["kind"] == "correction" and "请写明所需文件的文号" in letter["text"]
    download = officer.get(letter["download"])
    assert download.status_code == 200 and "请说明所需信息的形成年份" in docx_text(download.content)
    restarted = officer.post(url(number, "correction/received"), json={"on": today()}).json()
    assert (restarted["state"], restarted["correction"]["corrected_on"]) == ("in_progress", today())
    assert (restarted["clocks"]["reply"]["used"], restarted["clocks"]["reply"]["left"]) == (0, 20)
    reason = refused(db_url, lambda: officer.post(url(number, "correction"), json=notice), 409, "items")
    assert "第三十条" in reason


@pytest.mark.parametrize(("notice", "field"), [
    ({"items": [], "deadline": "2026-12-31"}, "items"), ({"items": [" "], "deadline": "2026-12-31"}, "items"),
    ({"items": ["文号"]}, "deadline"), ({"items": ["文号"], "deadline": "2020-01-01"}, "deadline"),
    ({"items": ["x" * 301], "deadline": "2026-12-31"}, "items.0"),
])
def test_a_correction_notice_needs_items_and_a_later_deadline(organs, api_client, db_url, notice, field):
    """Everything to clarify at once, and a reasonable deadline [条例 Art. 30]."""
    number = receive(db_url)
    officer = api_client(OFFICER)
    refused(db_url, lambda: officer.post(url(number, "correction"), json=notice), 422, field)


def test_abandoned_only_once_the_correction_deadline_has_passed(organs, api_client, db_url):
    """Missing the correction deadline without good reason: treated as abandoned [条例 Art. 30]."""
    late = receive(db_url, ago=20)
    act(db_url, "request_correction", late, ago=19, items=["请写明文号"], deadline=local_day(days_ago(10)))
    pending = receive(db_url, ago=2)
    act(db_url, "request_correction", pending, ago=1, items=["请写明文号"], deadline=local_day(days_ago(-10)))
    officer = api_client(OFFICER)
    reason = refused(db_url, lambda: officer.post(url(pending, "correction/abandonment")), 409, "outcome")
    assert "尚未届满" in reason
    body = officer.post(url(late, "correction/abandonment")).json()
    assert (body["state"], body["outcome"], body["outcome_row"]) == ("concluded", "other.no_correction",
                                                                     "other.no_correction")
    assert [letter["kind"] for letter in body["letters"]] == ["reply", "correction"]


def test_accepting_the_request_as_clear_stops_the_7_working_day_clock_once(organs, api_client, db_url):
    """Decide within 7 working days whether the request needs correcting [条例 Art. 30]."""
    number = receive(db_url)
    officer = api_client(OFFICER)
    body = officer.post(url(number, "clear")).json()
    assert body["clocks"]["correction_notice"]["stopped"] and not body["clocks"]["reply"]["stopped"]
    refused(db_url, lambda: officer.post(url(number, "clear")), 409, "application")


# -- consultation [条例 Arts. 32–34] ------------------------------------------------------------------------
def test_consultation_pauses_the_reply_until_answered(organs, api_client, db_url):
    """A third party is consulted in writing; its time is not counted; an objection states its reasons
    [条例 Arts. 32, 33]; silence only after the 15 working days."""
    number = receive(db_url)
    officer = api_client(OFFICER)
    response = officer.post(url(number, "consultations"), json={"kind": "third_party", "party": "某某建设有限公司"})
    assert response.status_code == 201, response.text
    body = response.json()
    [consultation] = body["consultations"]
    assert (body["state"], body["clocks"]["reply"]["paused_for"]) == ("consulting", "征求第三方意见")
    assert consultation["party"] == "某某建设有限公司" and consultation["due_on"] and consultation["answer"] is None
    answer = url(number, f"consultations/{consultation['id']}/answer")
    refused(db_url, lambda: officer.post(answer, json={"answer": "object"}), 422, "reasons")
    refused(db_url, lambda: officer.post(answer, json={"answer": "silent"}), 409, "answer")
    refused(db_url, lambda: officer.post(answer, json={"answer": "maybe"}), 422, "answer")
    refused(db_url, lambda: officer.post(url(number, "consultations/999999/answer"), json={"answer": "agree"}),
            404, "consultation_id")
    refused(db_url, lambda: officer.post(url(number, "consultations"), json={"kind": "neighbour", "party": "某"}),
            422, "kind")
    answered = officer.post(answer, json={"answer": "object", "reasons": "涉及商业秘密"}).json()
    assert answered["state"] == "in_progress" and not answered["clocks"]["reply"]["paused"]
    assert answered["consultations"][0]["answer_label"] == "不同意公开"
    refused(db_url, lambda: officer.post(answer, json={"answer": "agree"}), 409, "consultation")
    # disclosing over the objection needs the public-interest reason [条例 Art. 32]
    refused(db_url, lambda: officer.post(url(number, "conclusion"), json={"outcome": "disclosed"}), 422, "reason")


# -- extension [条例 Art. 33] ---------------------------------------------------------------------------------
def test_one_extension_of_at_most_20_working_days_by_the_head(organs, api_client, db_url):
    """Extended once, by at most 20 working days, with the approval of the head; the applicant is told in
    writing [条例 Art. 33]."""
    number = receive(db_url)
    head = api_client(HEAD)
    reason = refused(db_url, lambda: head.post(url(number, "extension"), json={"days": 21, "reason": "档案量大"}),
                     422, "days")
    assert "第三十三条" in reason
    refused(db_url, lambda: head.post(url(number, "extension"), json={"days": 0, "reason": "档案量大"}), 422, "days")
    refused(db_url, lambda: head.post(url(number, "extension"), json={"days": 5, "reason": ""}), 422, "reason")
    body = head.post(url(number, "extension"), json={"days": 20, "reason": "需调取多年档案"}).json()
    assert (body["clocks"]["reply"]["extension"], body["clocks"]["reply"]["limit"]) == (20, 40)
    [letter] = body["letters"]
    assert letter["kind"] == "extension" and "延长20个工作日" in letter["text"]
    again = refused(db_url, lambda: head.post(url(number, "extension"), json={"days": 1, "reason": "再延"}),
                    409, "days")
    assert "不能再次延长" in again


# -- fee [国办函〔2020〕109号] -------------------------------------------------------------------------------------
def test_per_volume_fee_pauses_the_reply_until_paid(organs, api_client, db_url):
    """Pages 31–100 at ¥10 a page (50 pages: ¥200); the time to pay is not counted [国办函〔2020〕109号]."""
    number = receive(db_url)
    officer = api_client(OFFICER)
    deadline = local_day(days_ago(-45)).isoformat()
    body = officer.post(url(number, "fee"), json={"method": "per_volume", "pages": 50, "deadline": deadline}).json()
    assert (body["state"], body["fee"]["amount_fen"], body["fee"]["pages"]) == ("awaiting_fee", 20000, 50)
    assert body["clocks"]["reply"]["paused_for"] == "等待缴纳信息处理费"
    assert "200.00元" in next(letter["text"] for letter in body["letters"] if letter["kind"] == "fee")
    refused(db_url, lambda: officer.post(url(number, "fee/unpaid")), 409, "outcome")
    paid = officer.post(url(number, "fee/payment"), json={"on": today()}).json()
    assert (paid["state"], paid["fee"]["paid_on"]) == ("in_progress", today())
    refused(db_url, lambda: officer.post(url(number, "fee"), json={"method": "per_volume", "pages": 60,
                                                                   "deadline": deadline}), 409, "method")


@pytest.mark.parametrize(("fee", "field"), [
    ({"method": "per_request", "pages": 50}, "method"),  # both methods
    ({"method": "per_volume"}, "pages"),
    ({"method": "per_request"}, "method"),  # the applicant's 1st request of the month is free
    ({"method": "per_volume", "pages": 30}, "method"),  # 30 pages are free
    ({"method": "per_page", "pages": 50}, "method"),
    ({"method": "per_volume", "pages": 0}, "pages"),
    ({"method": "per_volume", "pages": 50, "deadline": "tomorrow"}, "deadline"),  # less than 20 working days
])
def test_a_fee_by_both_methods_or_without_its_basis_is_refused(organs, api_client, db_url, fee, field):
    """One method per request, never both; nothing charged where the fee is zero; at least 20 working days
    to pay [国办函〔2020〕109号]."""
    number = receive(db_url)
    body = {"deadline": local_day(days_ago(-45)).isoformat(), **fee}
    if body["deadline"] == "tomorrow":
        body["deadline"] = local_day(days_ago(-1)).isoformat()
    officer = api_client(OFFICER)
    refused(db_url, lambda: officer.post(url(number, "fee"), json=body), 422, field)


def test_a_fee_unpaid_by_its_deadline_ends_the_request(organs, api_client, db_url):
    """Not paid by the deadline of the fee notice: no longer handled [国办函〔2020〕109号]."""
    number = receive(db_url, ago=60)
    act(db_url, "charge_fee", number, ago=59, method="per_volume", pages=120, deadline=local_day(days_ago(10)))
    officer = api_client(OFFICER)
    refused(db_url, lambda: officer.post(url(number, "fee/payment"), json={"on": today()}), 409, "on")
    body = officer.post(url(number, "fee/unpaid")).json()
    assert (body["state"], body["outcome"], body["fee"]["paid_on"]) == ("concluded", "other.fee_unpaid", None)


# -- the reply [条例 Art. 36] ---------------------------------------------------------------------------------
def test_the_reply_concludes_and_its_letter_downloads_as_docx(organs, api_client, db_url):
    """The reply states the outcome, its basis and the remedies [条例 Art. 36; 行政复议法 Art. 20;
    行政诉讼法 Art. 46]."""
    number = receive(db_url)
    officer = api_client(OFFICER)
    refused(db_url, lambda: officer.get(url(number, "letters/reply")), 409, "application")
    body = officer.post(url(number, "conclusion"), json={"outcome": "disclosed"}).json()
    assert (body["state"], body["outcome_label"], body["outcome_row"], body["concluded_on"], body["late"]) == (
        "concluded", "予以公开", "disclosed", today(), False)
    assert body["clocks"]["reply"]["stopped"] and body["obligation_state"] == "done"
    download = officer.get(url(number, "letters/reply"))
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert f'filename="{number}-reply.docx"' in download.headers["content-disposition"]
    text = docx_text(download.content)
    assert "政府信息公开申请答复书" in text and "予以公开" in text and "行政复议" in text and ORGAN_NAME in text
    assert api_client(SUPERVISOR).get(url(number, "letters/reply")).status_code == 200
    refused(db_url, lambda: officer.post(url(number, "conclusion"), json={"outcome": "disclosed"}), 409, "application")
    response = officer.get(url(number, "letters/memo"))
    assert response.status_code == 422 and response.json()["field"] == "kind"


@pytest.mark.parametrize(("reply", "field"), [
    ({"outcome": "granted"}, "outcome"),
    ({"outcome": "withheld.state_secret"}, "reason"),
    ({"outcome": "already_public"}, "where_published"),
    ({"outcome": "unavailable.still_unclear", "reason": "仍不明确"}, "outcome"),
    ({"outcome": "other.no_correction"}, "application"),
    ({}, "outcome"),
])
def test_bad_replies_are_refused_and_nothing_is_written(organs, api_client, db_url, reply, field):
    """An outcome of Art. 36; withholding gives its reason; already public says where [条例 Arts. 30, 36]."""
    number = receive(db_url)
    status = 409 if field == "application" or reply.get("outcome") == "unavailable.still_unclear" else 422
    officer = api_client(OFFICER)
    refused(db_url, lambda: officer.post(url(number, "conclusion"), json=reply), status, field)


def test_an_unconfirmed_request_cannot_be_answered(organs, api_client, db_url):
    """An online request is received only once confirmed [条例 Art. 31]; before that there is nothing to
    reply to [Art. 33]."""
    number = receive(db_url, channel="online", actor=None)
    officer = api_client(OFFICER)
    refused(db_url, lambda: officer.post(url(number, "conclusion"), json={"outcome": "disclosed"}), 409, "application")


# -- remedies (section 四 of the annual report) -------------------------------------------------------------
def test_review_and_litigation_are_recorded_and_concluded(organs, api_client, db_url):
    """Administrative review and lawsuits against the handling, for section 四 of the annual report
    [国办公开办函〔2021〕30号]."""
    number = receive(db_url, ago=5)
    act(db_url, "conclude", number, ago=4, outcome="withheld.third_party", reason="涉及个人隐私")
    officer = api_client(OFFICER)
    response = officer.post(url(number, "remedies"), json={"kind": "review", "filed_on": today(),
                                                           "case_number": "青政复〔2026〕12号"})
    assert response.status_code == 201, response.text
    [remedy] = response.json()["remedies"]
    assert (remedy["kind_label"], remedy["result"], remedy["case_number"]) == (
        "行政复议", "pending", "青政复〔2026〕12号")
    done = url(number, f"remedies/{remedy['id']}/conclusion")
    refused(db_url, lambda: officer.post(done, json={"result": "pending", "concluded_on": today()}), 422, "result")
    refused(db_url, lambda: officer.post(url(number, "remedies/999999/conclusion"),
                                         json={"result": "upheld", "concluded_on": today()}), 404, "remedy_id")
    concluded = officer.post(done, json={"result": "upheld", "concluded_on": today()}).json()
    assert concluded["remedies"][0]["result_label"] == "结果维持"
    refused(db_url, lambda: officer.post(done, json={"result": "corrected", "concluded_on": today()}), 409, "remedy")
    future = local_day(days_ago(-2)).isoformat()
    refused(db_url, lambda: officer.post(url(number, "remedies"), json={"kind": "review", "filed_on": future}),
            422, "filed_on")
    refused(db_url, lambda: officer.post(url(number, "remedies"), json={"kind": "appeal", "filed_on": today()}),
            422, "kind")


# -- the public progress query ------------------------------------------------------------------------------
def progress(client, number: str, code: str):
    return client.get(f"{API}/progress", params={"number": number, "query_code": code})


def test_public_progress_shows_the_state_and_no_personal_data(organs, client, db_url):
    number = receive(db_url, channel="online", actor=None)
    code = query_code(db_url, number)
    waiting = progress(client, number, code)
    assert waiting.status_code == 200
    assert (waiting.json()["state_label"], waiting.json()["received_on"]) == ("待确认收到", None)
    act(db_url, "confirm_receipt", number, confirmed_on=local_day(days_ago(0)))
    act(db_url, "conclude", number, outcome="disclosed")
    done = progress(client, number, f" {code} ").json()
    assert (done["state_label"], done["outcome_label"], done["concluded_on"], done["organ"]) == (
        "已办结", "予以公开", today(), ORGAN_NAME)
    for value in PERSONAL:
        assert value not in waiting.text and value not in progress(client, number, code).text


def test_a_wrong_code_answers_like_an_unknown_number_and_guesses_are_limited(organs, client, db_url):
    """The answer reveals neither the number nor the code; 20 wrong guesses within 15 minutes block the
    address ([progress] in defaults.toml), in a scope of their own."""
    number = receive(db_url, channel="online", actor=None)
    code = query_code(db_url, number)
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    unknown_number = number[:-1] + ("9" if number[-1] != "9" else "8")
    first, second = progress(client, number, wrong), progress(client, unknown_number, code)
    assert first.status_code == second.status_code == 404
    assert first.json() == second.json() == {"field": "number", "reason": "未找到该申请：请核对申请编号和查询码"}
    for _ in range(18):
        assert progress(client, number, wrong).status_code == 404
    blocked = progress(client, number, code)
    assert blocked.status_code == 429 and blocked.json()["field"] == "number"
    with db.reading(db_url) as session:
        assert session.scalar(select(func.count()).where(
            LoginAttempt.address == "disclosure_progress:testclient")) == 20
        assert session.scalar(select(func.count()).where(AuditEntry.action == "disclosure_progress.failed")) == 20


@pytest.mark.parametrize("params", [{"number": "YSQ-ZFB-2026-00001"}, {"query_code": "12345678"},
                                    {"number": "YSQ ZFB", "query_code": "1"}, {"number": "Y" * 41, "query_code": "1"},
                                    {"number": "YSQ-ZFB-2026-00001", "query_code": "1" * 13}])
def test_bad_progress_input_is_refused_before_any_guess_is_counted(organs, client, db_url, params):
    response = client.get(f"{API}/progress", params=params)
    assert response.status_code == 422 and set(response.json()) == {"field", "reason"}
    with db.reading(db_url) as session:
        assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_the_document_lists_every_operation_under_its_tag(app):
    document = app.openapi()
    paths = document["paths"]
    assert not [name for name in document["components"]["schemas"] if "application_schemas" in name]  # no clash
    ours = {(method.upper(), path) for path, item in paths.items() for method, op in item.items()
            if "disclosure-applications" in op.get("tags", [])}
    assert len(ours) == 20
    assert ("POST", "/api/v1/disclosure/online-applications") in ours and ("GET", "/api/v1/disclosure/progress") in ours
