"""The card API: the board, one card and its timeline, acknowledgement, rectification with evidence files,
review, closure and manual cards, with every refusal (anonymous, wrong role, another unit, wrong state,
bad input) changing nothing.

The cards are raised the real way: an approval case accepted on Mon 2 Mar 2026 with a 10-working-day
promise is due at the end of 16 Mar; the sweep at 09:00 on 17 Mar raises the 预警 (1 working day
before), the yellow card (promise exceeded) and the red card for a second yellow of the same unit within
30 days [approval-and-supervision.md "Levels and timing"].
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from sqlalchemy import func, select

from tests.approval_factories import make_hall
from tests.factories import at, make_unit
from tests.web.conftest import staff, with_password
from yangguang.approval import service as approval
from yangguang.core import db
from yangguang.core.audit import AuditEntry, verify
from yangguang.supervision.models import Card, CardState, Evidence, Rectification
from yangguang.supervision.service import MAX_EVIDENCE_BYTES, issue_manual_card
from yangguang.supervision.sweep import sweep

# -- shared by the other card tests ---------------------------------------------------------------------
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32) + b"\xff\xd9"


def docx() -> bytes:
    """The smallest archive a Word document is: the content types and the document part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@dataclass
class Office:
    case_number: str
    step_card: str  # yellow: a step of the case overran (unit SCJ)
    warning: str  # 预警 on the case (unit SCJ)
    yellow: str  # the case exceeded its promise (unit SCJ, responsible person clerk1)
    red: str  # second yellow of SCJ within 30 days (escalates the yellow)
    other: str  # a manual yellow card of another unit (SWJ)


def build_office(db_url: str) -> Office:
    """The county hall (SCJ with clerk1, appr1, head1, fin1; SWJ with swj_appr, swj_head), a supervisor
    (super1) and an administrator (admin1) of the discipline commission, and the cards of an overdue case."""
    with db.transaction(db_url) as session:
        hall = make_hall(session)
        for person in (hall.clerk, hall.approver, hall.head, hall.finance, hall.other_head, hall.other_approver):
            with_password(session, person)
        commission = make_unit(session, "JW", "县纪委监委")
        staff(session, commission, "super1", ["supervisor"], name="纪检王")
        staff(session, commission, "admin1", ["admin"], name="管理员")
        case = approval.receive_application(session, item_code="SCJ-0001", clerk=hall.clerk, window_number="A01",
                                            channel="1", applicant={"name": "甲公司", "type": "2"},
                                            materials=[1, 2, 3], at=at("2026-03-02 10:00"))
        raised = sweep(session, at("2026-03-17 09:00"))["cards"]
        other = issue_manual_card(session, actor="super1", level="yellow", unit="SWJ", reason="窗口人员擅离岗位",
                                  at=at("2026-03-18 10:00"))
        rules = {c.rule_code: c.number for c in session.scalars(select(Card).where(Card.number.in_(raised)))}
        return Office(case.number, rules["approval.step_overdue"], rules["approval.case_near_due"],
                      rules["approval.case_overdue"], rules["supervision.repeat_yellow"], other.number)


def audit_count(db_url: str) -> int:
    with db.reading(db_url) as session:
        return session.scalar(select(func.count(AuditEntry.seq)))


def card_state(db_url: str, number: str) -> str:
    with db.reading(db_url) as session:
        return session.scalar(select(Card.state).where(Card.number == number))


def upload(client, number: str, name: str, content: bytes, media: str = "application/octet-stream"):
    return client.post(f"/api/v1/cards/{number}/evidence", files={"file": (name, content, media)})


# -- the board ------------------------------------------------------------------------------------------
def test_board_is_scoped_to_the_unit_of_a_unit_head(api_client, db_url):
    office = build_office(db_url)
    head = api_client("head1").get("/api/v1/cards").json()
    assert {c["number"] for c in head["items"]} == {office.step_card, office.warning, office.yellow, office.red}
    assert head["total"] == 4 and head["counts"] == {"warning": 1, "yellow": 2, "red": 1}
    other_head = api_client("swj_head").get("/api/v1/cards").json()
    assert [c["number"] for c in other_head["items"]] == [office.other]
    for overseer in ("super1", "admin1"):
        assert api_client(overseer).get("/api/v1/cards").json()["total"] == 5
    # a unit head asking for another unit's cards gets none of them
    assert api_client("head1").get("/api/v1/cards", params={"unit": "SWJ"}).json()["total"] == 0


def test_board_filters_and_pages(api_client, db_url):
    office = build_office(db_url)
    supervisor = api_client("super1")

    def numbers(**params) -> list[str]:
        return [c["number"] for c in supervisor.get("/api/v1/cards", params=params).json()["items"]]

    assert numbers(level="yellow") == [office.other, office.yellow, office.step_card]
    assert numbers(unit="SWJ") == [office.other]
    assert numbers(rule="approval.case_overdue") == [office.yellow]
    assert set(numbers(state="issued")) == {office.other, office.red, office.yellow, office.warning, office.step_card}
    assert numbers(state="closed") == []
    assert numbers(issued_from="2026-03-18") == [office.other]
    assert len(numbers(issued_from="2026-03-17", issued_to="2026-03-17")) == 4
    # newest first, one per page; the counts follow every filter but the level
    page = supervisor.get("/api/v1/cards", params={"per_page": 1, "page": 2, "level": "red"}).json()
    assert (page["total"], page["page"], page["per_page"], page["items"]) == (1, 2, 1, [])
    assert page["counts"] == {"warning": 1, "yellow": 3, "red": 1}
    first = supervisor.get("/api/v1/cards", params={"per_page": 1}).json()
    assert first["total"] == 5 and [c["number"] for c in first["items"]] == [office.other]


def test_board_refuses_bad_filters_naming_the_field(api_client, db_url):
    build_office(db_url)
    supervisor = api_client("super1")
    for params, field in (({"level": "orange"}, "level"), ({"state": "lost"}, "state"), ({"unit": "NOPE"}, "unit"),
                          ({"issued_from": "2026-03-18", "issued_to": "2026-03-01"}, "issued_to"),
                          ({"issued_from": "0001-01-01"}, "issued_from"), ({"issued_to": "yesterday"}, "issued_to"),
                          ({"rule": "a\x00b"}, "rule"), ({"per_page": 0}, "per_page")):
        response = supervisor.get("/api/v1/cards", params=params)
        assert response.status_code == 422 and response.json()["field"] == field, (params, response.text)


def test_card_routes_refuse_anonymous_clerks_and_approvers(client, api_client, db_url):
    office = build_office(db_url)
    assert client.get("/api/v1/cards").status_code == 401
    assert client.get(f"/api/v1/cards/{office.yellow}").status_code == 401
    before = audit_count(db_url)
    for login in ("clerk1", "appr1", "fin1"):
        response = api_client(login).get("/api/v1/cards")
        assert response.status_code == 403 and response.json()["field"] == "authorization"
        assert api_client(login).get(f"/api/v1/cards/{office.yellow}/timeline").status_code == 403
    with db.reading(db_url) as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.seq > before)))
    assert actions.count("auth.refused") == 6  # every refusal is on record


# -- one card -----------------------------------------------------------------------------------------------
def test_card_detail_links_the_case_and_lists_notifications(api_client, db_url):
    """Rectification within 5 working days; the card notifies the responsible person and the unit
    [approval-and-supervision.md "Levels and timing"; calendar-and-clocks.md: day one is the first
    working day after the start day]."""
    office = build_office(db_url)
    card = api_client("head1").get(f"/api/v1/cards/{office.yellow}").json()
    assert (card["level"], card["state"], card["unit"], card["person"]) == ("yellow", "issued", "SCJ", "clerk1")
    assert card["case_number"] == office.case_number and card["rectification_required"] is True
    # issued Tue 17 Mar: 5 working days for rectification, 18–24 Mar, so due at the end of 24 Mar
    assert card["rectification_due"] == "2026-03-24T16:00:00Z"
    sent = {(n["channel"], n["to"]) for n in card["notifications"]}
    assert ("inbox", "clerk1(窗口张三)") in sent and ("inbox", "head1(局长王五)") in sent
    step = api_client("super1").get(f"/api/v1/cards/{office.step_card}").json()
    assert step["subject"] == "approval_case_step" and step["case_number"] == office.case_number
    red = api_client("super1").get(f"/api/v1/cards/{office.red}").json()
    assert (red["escalated_from"], red["case_number"], red["rectification_required"]) == (office.yellow, None, False)
    timeline = api_client("admin1").get(f"/api/v1/cards/{office.yellow}/timeline").json()
    assert [(e["action"], e["action_label"], e["actor"]) for e in timeline] == [("card.issue", "发出", "system")]


def test_another_units_card_is_answered_as_unknown(api_client, db_url):
    office = build_office(db_url)
    other_head, supervisor = api_client("swj_head"), api_client("super1")
    before = audit_count(db_url)
    for method, path, kwargs in (
            ("get", f"/api/v1/cards/{office.yellow}", {}), ("get", f"/api/v1/cards/{office.yellow}/timeline", {}),
            ("post", f"/api/v1/cards/{office.yellow}/acknowledge", {}),
            ("post", f"/api/v1/cards/{office.yellow}/rectifications", {"json": {"text": "已整改"}}),
            ("post", f"/api/v1/cards/{office.yellow}/evidence", {"files": {"file": ("a.pdf", PDF)}})):
        response = getattr(other_head, method)(path, **kwargs)
        assert response.status_code == 404 and response.json() == {"field": "card",
                                                                   "reason": f"监察牌 '{office.yellow}' 不存在"}
    assert supervisor.get("/api/v1/cards/JC1999-000001").status_code == 404
    assert card_state(db_url, office.yellow) == CardState.ISSUED and audit_count(db_url) == before


def test_yellow_card_acknowledge_rectify_reject_rectify_accept_then_close(api_client, db_url):
    """The life of a yellow card [approval-and-supervision.md "Levels and timing": the unit rectifies and
    reports back; service.py: accepting the report closes the card; a closed card stays on record]."""
    office = build_office(db_url)
    head, supervisor = api_client("head1"), api_client("super1")
    number = office.yellow

    acknowledged = head.post(f"/api/v1/cards/{number}/acknowledge", json={"note": "已收到"}).json()
    assert acknowledged["state"] == "acknowledged" and acknowledged["acknowledged_at"]
    pdf = upload(head, number, "整改报告.pdf", PDF, "application/pdf")
    assert pdf.status_code == 201
    evidence = pdf.json()
    assert (evidence["content_type"], evidence["size"], evidence["rectification_id"]) == ("application/pdf", len(PDF),
                                                                                          None)
    assert head.get(f"/api/v1/cards/{number}").json()["unreported_files"][0]["id"] == evidence["id"]
    report = head.post(f"/api/v1/cards/{number}/rectifications",
                       json={"text": "已对经办人批评教育", "evidence_files": [evidence["id"]]})
    assert report.status_code == 201
    assert report.json()["files"][0]["filename"] == "整改报告.pdf" and report.json()["verdict"] is None

    rejected = supervisor.post(f"/api/v1/cards/{number}/rectification/reject", json={"note": "缺少制度整改措施"})
    assert rejected.json()["state"] == "rectifying"
    assert rejected.json()["reports"][0]["verdict"] == "rejected"
    assert rejected.json()["reports"][0]["review_note"] == "缺少制度整改措施"
    again = upload(head, number, "制度.docx", docx(),
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document").json()
    assert head.post(f"/api/v1/cards/{number}/rectifications",
                     json={"text": "已建立窗口考勤制度", "evidence_files": [again["id"]]}).status_code == 201
    accepted = supervisor.post(f"/api/v1/cards/{number}/rectification/accept", json={"note": "整改到位"}).json()
    assert accepted["state"] == "closed" and accepted["closed_at"]
    assert [r["verdict"] for r in accepted["reports"]] == ["rejected", "accepted"]
    assert supervisor.post(f"/api/v1/cards/{number}/close", json={"note": "再次办结"}).status_code == 409

    timeline = [e["action"] for e in head.get(f"/api/v1/cards/{number}/timeline").json()]
    assert timeline == ["card.issue", "card.acknowledge", "card.evidence_add", "card.rectification_submit",
                        "card.rectification_reject", "card.evidence_add", "card.rectification_submit",
                        "card.rectification_accept"]
    # the warning (no rectification of its own) is closed by the supervisor with a note
    closed = supervisor.post(f"/api/v1/cards/{office.warning}/close", json={"note": "已按时办结"}).json()
    assert closed["state"] == "closed"
    assert head.get("/api/v1/cards", params={"state": "closed"}).json()["total"] == 2
    with db.reading(db_url) as session:
        assert verify(session).ok


def test_reject_without_a_note_is_refused_and_writes_nothing(api_client, db_url):
    office = build_office(db_url)
    api_client("head1").post(f"/api/v1/cards/{office.yellow}/rectifications", json={"text": "已整改"})
    supervisor = api_client("super1")
    before = audit_count(db_url)
    for body in ({}, {"note": ""}, {"note": "   "}):
        response = supervisor.post(f"/api/v1/cards/{office.yellow}/rectification/reject", json=body)
        assert response.status_code == 422 and response.json()["field"] == "note", body
    close = supervisor.post(f"/api/v1/cards/{office.yellow}/close", json={"note": " "})
    assert close.status_code == 422 and close.json()["field"] == "note"
    assert card_state(db_url, office.yellow) == CardState.RECTIFIED and audit_count(db_url) == before
    with db.reading(db_url) as session:
        assert session.scalar(select(Rectification.verdict)) is None


def test_accept_with_no_report_pending_is_a_conflict(api_client, db_url):
    office = build_office(db_url)
    response = api_client("super1").post(f"/api/v1/cards/{office.yellow}/rectification/accept")
    assert response.status_code == 409 and response.json()["field"] == "card"
    assert "已发出" in response.json()["reason"]
    head = api_client("head1")
    assert head.post(f"/api/v1/cards/{office.yellow}/acknowledge").status_code == 200
    assert head.post(f"/api/v1/cards/{office.yellow}/acknowledge").status_code == 409  # only once
    # a warning demands no rectification of its own
    report = head.post(f"/api/v1/cards/{office.warning}/rectifications", json={"text": "已整改"})
    assert report.status_code == 409
    assert upload(head, office.warning, "a.pdf", PDF).status_code == 409


def test_roles_limit_the_actions(api_client, db_url):
    office = build_office(db_url)
    head, admin, supervisor = api_client("head1"), api_client("admin1"), api_client("super1")
    before = audit_count(db_url)
    for client, method, path, body in (
            (head, "post", f"/api/v1/cards/{office.yellow}/rectification/accept", {}),
            (head, "post", f"/api/v1/cards/{office.yellow}/rectification/reject", {"note": "x"}),
            (head, "post", f"/api/v1/cards/{office.yellow}/close", {"note": "x"}),
            (head, "post", "/api/v1/cards", {"level": "red", "unit": "SCJ", "reason": "x"}),
            (admin, "post", f"/api/v1/cards/{office.yellow}/acknowledge", {}),
            (admin, "post", f"/api/v1/cards/{office.yellow}/close", {"note": "x"}),
            (supervisor, "post", f"/api/v1/cards/{office.yellow}/rectifications", {"text": "代为整改"})):
        response = getattr(client, method)(path, json=body)
        assert response.status_code == 403, (path, response.text)
    assert card_state(db_url, office.yellow) == CardState.ISSUED
    assert audit_count(db_url) == before + 7  # the refusals, and nothing else


# -- evidence -----------------------------------------------------------------------------------------------
def test_evidence_types_are_judged_by_their_content(api_client, db_url):
    office = build_office(db_url)
    head = api_client("head1")
    before = audit_count(db_url)
    for name, content, media in (
            ("too-big.pdf", PDF + bytes(MAX_EVIDENCE_BYTES), "application/pdf"),
            ("notes.pdf", b"just some text pretending", "application/pdf"),
            ("script.png", b"<script>alert(1)</script>", "image/png"),
            ("photo.png", PDF, "image/png"),  # a PDF declared as a PNG
            ("archive.docx", b"PK\x03\x04 broken archive", "application/octet-stream"),
            ("empty.pdf", b"", "application/pdf")):
        response = upload(head, office.yellow, name, content, media)
        assert response.status_code == 422 and response.json()["field"] == "file", (name, response.text)
    assert audit_count(db_url) == before
    accepted = {name: upload(head, office.yellow, name, content).json()["content_type"]
                for name, content in (("a.pdf", PDF), ("b.png", PNG), ("c.jpg", JPEG), ("d.docx", docx()))}
    assert accepted == {"a.pdf": "application/pdf", "b.png": "image/png", "c.jpg": "image/jpeg",
                        "d.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    assert upload(head, office.yellow, "e.jpg", JPEG, "image/jpg").status_code == 201  # a common alias
    exactly_five_mb = upload(head, office.yellow, "big.pdf", PDF + bytes(MAX_EVIDENCE_BYTES - len(PDF)))
    assert exactly_five_mb.status_code == 201 and exactly_five_mb.json()["size"] == MAX_EVIDENCE_BYTES


def test_evidence_is_served_to_the_cards_unit_and_overseers_only(client, api_client, db_url):
    office = build_office(db_url)
    evidence = upload(api_client("head1"), office.yellow, "../../整改 报告.pdf", PDF, "application/pdf").json()
    assert evidence["filename"] == "整改 报告.pdf"  # no path survives
    url = evidence["url"]
    assert url == f"/api/v1/cards/{office.yellow}/evidence/{evidence['id']}"
    for login in ("head1", "super1", "admin1"):
        response = api_client(login).get(url)
        assert response.status_code == 200 and response.content == PDF
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "filename*=UTF-8''%E6%95%B4%E6%94%B9%20%E6%8A%A5%E5%91%8A.pdf" in response.headers["content-disposition"]
    assert api_client("swj_head").get(url).status_code == 404
    assert api_client("clerk1").get(url).status_code == 403
    assert client.get(url).status_code == 401
    # an id of another card's file, or none at all
    other = api_client("super1").get(f"/api/v1/cards/{office.warning}/evidence/{evidence['id']}")
    assert other.status_code == 404 and other.json()["field"] == "evidence"
    assert api_client("super1").get(f"/api/v1/cards/{office.yellow}/evidence/2147483648").status_code == 422


def test_a_report_takes_only_unreported_files_of_its_own_card(api_client, db_url):
    office = build_office(db_url)
    head = api_client("head1")
    mine = upload(head, office.yellow, "a.pdf", PDF).json()["id"]
    elsewhere = upload(head, office.step_card, "b.pdf", PDF).json()["id"]
    before = audit_count(db_url)
    response = head.post(f"/api/v1/cards/{office.yellow}/rectifications",
                         json={"text": "已整改", "evidence_files": [mine, elsewhere]})
    assert response.status_code == 422 and response.json()["field"] == "evidence_files"
    assert card_state(db_url, office.yellow) == CardState.ISSUED and audit_count(db_url) == before
    assert head.post(f"/api/v1/cards/{office.yellow}/rectifications",
                     json={"text": "已整改", "evidence_files": [mine, mine]}).status_code == 201
    with db.reading(db_url) as session:
        assert session.scalar(select(Evidence.rectification_id).where(Evidence.id == mine)) is not None
        assert session.scalar(select(Evidence.rectification_id).where(Evidence.id == elsewhere)) is None


# -- manual cards -------------------------------------------------------------------------------------------
def test_a_supervisor_issues_a_manual_card_about_a_case(api_client, db_url):
    office = build_office(db_url)
    response = api_client("super1").post("/api/v1/cards", json={
        "level": "red", "unit": "SCJ", "person": "clerk1", "reason": "窗口违规收取材料费", "category": "收费",
        "case_number": office.case_number})
    assert response.status_code == 201
    card = response.json()
    assert (card["rule_code"], card["level"], card["category"], card["person"], card["issued_by"]) == (
        "supervision.manual", "red", "收费", "clerk1", "super1")
    assert card["case_number"] == office.case_number and card["rectification_due"] is not None
    assert api_client("head1").get(f"/api/v1/cards/{card['number']}").status_code == 200
    warning = api_client("super1").post("/api/v1/cards", json={"level": "warning", "unit": "SWJ", "reason": "提醒"})
    assert warning.status_code == 201 and warning.json()["rectification_required"] is False


def test_bad_manual_cards_are_refused_and_nothing_is_issued(api_client, db_url):
    office = build_office(db_url)
    supervisor = api_client("super1")
    base = {"level": "yellow", "unit": "SCJ", "reason": "窗口服务不规范"}
    before = audit_count(db_url)
    for change, status, field in (
            ({"person": "swj_appr"}, 422, "person"),  # not on the unit's staff
            ({"person": "nobody"}, 404, "person"),
            ({"unit": "NOPE"}, 404, "unit"),
            ({"level": "orange"}, 422, "level"),
            ({"category": "杂项"}, 422, "category"),
            ({"reason": ""}, 422, "reason"),
            ({"reason": "   "}, 422, "reason"),
            ({"case_number": "2026SCJ999999"}, 404, "case_number"),
            ({"case_number": office.case_number, "obligation_id": 1}, 422, "case_number"),
            ({"obligation_id": 99999}, 404, "obligation_id"),
            ({"obligation_id": 2**31}, 422, "obligation_id"),
            ({"colour": "red"}, 422, "colour")):
        response = supervisor.post("/api/v1/cards", json={**base, **change})
        assert (response.status_code, response.json()["field"]) == (status, field), change
    assert audit_count(db_url) == before
    assert supervisor.get("/api/v1/cards").json()["total"] == 5
