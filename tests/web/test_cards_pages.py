"""The supervision workspace pages: the card board (htmx filters), a card with its timeline and the
actions of its reader, the manual card form, scores and rules. Same scoping and refusals as the API;
a failed page action shows the reason and keeps nothing of what it started."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.web.test_cards_api import JPEG, PDF, PNG, audit_count, build_office, card_state
from tests.web.test_scores_api import county
from yangguang.core import db
from yangguang.supervision.models import Card, CardState, Evidence, Rectification


def _rows(db_url: str, model) -> int:
    with db.reading(db_url) as session:
        return session.scalar(select(func.count()).select_from(model))


def _linked(html: str) -> set[str]:
    """The card numbers a page links to."""
    return set(re.findall(r'href="/staff/cards/(JC[0-9-]+)"', html))


def _forms(html: str) -> set[str]:
    """Where the page's forms post (but the header's logout form)."""
    return set(re.findall(r'<form method="post" action="([^"]+)"', html)) - {"/logout"}


def _browser_form(fields: dict[str, str], files: list[tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart body as a browser sends it: a file input left empty is a part with ``filename=""``."""
    boundary = "----yangguang-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
              f"Content-Type: {media}\r\n\r\n".encode() + content + b"\r\n" for filename, content, media in files]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# -- the board ----------------------------------------------------------------------------------------------
def test_the_board_shows_a_unit_head_only_the_own_units_cards(page_client, db_url):
    office = build_office(db_url)
    page = page_client("head1").get("/staff/cards")
    assert page.status_code == 200
    assert _linked(page.text) == {office.yellow, office.red, office.warning, office.step_card}
    assert 'id="f-unit"' not in page.text and 'href="/staff/cards/new"' not in page.text  # no unit filter nor form
    for field in ("f-level", "f-state", "f-rule", "f-from", "f-to"):
        assert f'<label for="{field}">' in page.text
    assert "预警 1" in page.text and "黄牌 2" in page.text and "红牌 1" in page.text
    supervisor = page_client("super1").get("/staff/cards").text
    assert office.other in _linked(supervisor) and '<label for="f-unit">' in supervisor
    assert 'href="/staff/cards/new"' in supervisor


def test_board_filters_answer_htmx_with_the_list_alone(page_client, db_url):
    office = build_office(db_url)
    supervisor = page_client("super1")
    fragment = supervisor.get("/staff/cards", params={"level": "red"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "HX-Request" in fragment.headers["vary"]
    assert _linked(fragment.text) == {office.red}
    assert "符合条件的共 1 张" in fragment.text
    unit = supervisor.get("/staff/cards", params={"unit": "SWJ"}, headers={"HX-Request": "true"}).text
    assert _linked(unit) == {office.other}
    bad = supervisor.get("/staff/cards", params={"issued_from": "2026-02-30"}, headers={"HX-Request": "true"})
    assert bad.status_code == 422 and "不是日期" in bad.text and "<html" not in bad.text
    paged = supervisor.get("/staff/cards", params={"per_page": 2, "level": "yellow"}, headers={"HX-Request": "true"})
    assert "第 1 / 2 页" in paged.text and 'hx-get="/staff/cards?level=yellow&amp;page=2&amp;per_page=2"' in paged.text


def test_the_board_refuses_anonymous_visitors_and_clerks(client, page_client, db_url):
    build_office(db_url)
    assert client.get("/staff/cards").headers["location"] == "/login?next=/staff/cards"
    for login in ("clerk1", "appr1"):
        page = page_client(login).get("/staff/cards")
        assert page.status_code == 403 and "无权访问" in page.text


# -- one card -----------------------------------------------------------------------------------------------
def test_the_card_page_shows_the_case_the_timeline_and_the_readers_actions(page_client, db_url):
    """The deadline is the end of the 5th working day after issue [approval-and-supervision.md "Levels and
    timing"; calendar-and-clocks.md "Counting a time limit"], shown as people read it (24:00)."""
    office = build_office(db_url)
    base = f"/staff/cards/{office.yellow}"
    head = page_client("head1").get(base).text
    assert f'href="/staff/cases/{office.case_number}"' in head and "办理过程" in head and "发出" in head
    assert "2026-03-24 24:00" in head and "已逾期" in head  # 5 working days from Tue 17 Mar 2026
    assert _forms(head) == {f"{base}/acknowledge", f"{base}/rectification"}
    assert '<label for="report-files">' in head and 'enctype="multipart/form-data"' in head
    supervisor = page_client("super1").get(base).text
    assert _forms(supervisor) == {f"{base}/acknowledge", f"{base}/close"}
    assert "站内信" in supervisor and "clerk1(窗口张三)" in supervisor  # the notifications sent
    admin = page_client("admin1").get(base).text
    assert _forms(admin) == set() and "办理过程" in admin
    assert page_client("swj_head").get(base).status_code == 404
    red = page_client("super1").get(f"/staff/cards/{office.red}").text
    assert f'升级自</dt><dd><a href="/staff/cards/{office.yellow}">' in red


def test_acknowledge_then_report_with_files_through_the_forms(page_client, db_url):
    office = build_office(db_url)
    head = page_client("head1")
    base = f"/staff/cards/{office.yellow}"
    done = head.post(f"{base}/acknowledge", data={"note": "收到"})
    assert done.status_code == 303 and done.headers["location"] == f"{base}?done=acknowledged"
    assert "已签收。" in head.get(done.headers["location"]).text
    token = head.headers.pop("X-CSRF-Token")  # a plain form carries its token as a field
    body, content_type = _browser_form({"csrf_token": token, "text": "已整改并建立考勤制度"}, [
        ("整改报告.pdf", PDF, "application/pdf"), ("现场照片.png", PNG, "image/png"),
        ("", b"", "application/octet-stream")])  # a second file input left empty
    reported = head.post(f"{base}/rectification", content=body, headers={"Content-Type": content_type})
    assert reported.status_code == 303 and reported.headers["location"] == f"{base}?done=reported"
    page = head.get(reported.headers["location"]).text
    assert "整改情况已报送，等待纪检监察审核。" in page and "整改报告.pdf" in page and "现场照片.png" in page
    with db.reading(db_url) as session:
        files = session.scalars(select(Evidence).order_by(Evidence.id)).all()
        assert [(f.filename, f.content_type) for f in files] == [("整改报告.pdf", "application/pdf"),
                                                                 ("现场照片.png", "image/png")]
        assert {f.rectification_id for f in files} == {session.scalar(select(Rectification.id))}
    assert card_state(db_url, office.yellow) == CardState.RECTIFIED


def test_a_failed_form_shows_the_reason_and_keeps_nothing(page_client, db_url):
    office = build_office(db_url)
    head = page_client("head1")
    base = f"/staff/cards/{office.yellow}"
    before = audit_count(db_url)
    response = head.post(f"{base}/rectification", data={"text": "已整改"},
                         files=[("files", ("a.pdf", PDF, "application/pdf")),
                                ("files", ("说明.txt", b"plain words", "text/plain"))])
    assert response.status_code == 422
    assert '<p class="error" role="alert">文件 说明.txt 不是 PDF、JPEG、PNG 或 DOCX 文件</p>' in response.text
    assert _rows(db_url, Evidence) == 0 and _rows(db_url, Rectification) == 0  # the PDF went with the rest
    empty = head.post(f"{base}/rectification", data={"text": "  "}, files=[("files", ("b.jpg", JPEG, "image/jpeg"))])
    assert empty.status_code == 422 and "整改报告须写明整改情况" in empty.text
    assert audit_count(db_url) == before and card_state(db_url, office.yellow) == CardState.ISSUED


def test_the_supervisor_rejects_then_accepts_and_closes_through_the_forms(page_client, db_url):
    office = build_office(db_url)
    head, supervisor = page_client("head1"), page_client("super1")
    base = f"/staff/cards/{office.yellow}"
    head.post(f"{base}/rectification", data={"text": "已整改"})
    assert _forms(supervisor.get(base).text) >= {f"{base}/accept", f"{base}/reject", f"{base}/close"}
    before = audit_count(db_url)
    no_note = supervisor.post(f"{base}/reject", data={"note": ""})
    assert no_note.status_code == 422 and "退回整改须写明退回理由" in no_note.text
    assert card_state(db_url, office.yellow) == CardState.RECTIFIED and audit_count(db_url) == before
    rejected = supervisor.post(f"{base}/reject", data={"note": "缺少制度措施"})
    assert rejected.headers["location"] == f"{base}?done=rejected"
    returned = head.get(base).text
    assert "整改报告已被退回" in returned and "纪检监察意见：缺少制度措施" in returned
    head.post(f"{base}/rectification", data={"text": "已补充制度措施"})
    assert supervisor.post(f"{base}/accept", data={"note": ""}).headers["location"] == f"{base}?done=accepted"
    assert card_state(db_url, office.yellow) == CardState.CLOSED
    again = supervisor.post(f"{base}/accept")
    assert again.status_code == 409 and "已办结" in again.text
    closed = supervisor.post(f"/staff/cards/{office.warning}/close", data={"note": "已提醒"})
    assert closed.status_code == 303 and card_state(db_url, office.warning) == CardState.CLOSED
    assert head.post(f"/staff/cards/{office.red}/close", data={"note": "x"}).status_code == 403


# -- the manual card form -----------------------------------------------------------------------------------
def test_the_manual_card_form(page_client, db_url):
    office = build_office(db_url)
    supervisor = page_client("super1")
    form = supervisor.get("/staff/cards/new").text
    for field in ("level", "unit", "responsible", "category", "reason", "case_number"):
        assert f'<label for="{field}">' in form and f'id="{field}"' in form
    refused = supervisor.post("/staff/cards/new", data={"level": "red", "unit": "SCJ", "reason": "",
                                                         "responsible": "clerk1", "category": "收费"})
    assert refused.status_code == 422 and "须写明发牌事由" in refused.text and 'value="clerk1"' in refused.text
    unknown_case = supervisor.post("/staff/cards/new", data={"level": "red", "unit": "SCJ", "reason": "乱收费",
                                                              "category": "收费", "case_number": "2026SCJ999999"})
    assert unknown_case.status_code == 404 and "2026SCJ999999" in unknown_case.text
    assert _rows(db_url, Card) == 5
    issued = supervisor.post("/staff/cards/new", data={"level": "red", "unit": "SCJ", "reason": "违规收取材料费",
                                                        "responsible": "clerk1", "category": "收费",
                                                        "case_number": office.case_number})
    assert issued.status_code == 303 and issued.headers["location"].endswith("?done=issued")
    page = supervisor.get(issued.headers["location"]).text
    assert "监察牌已发出。" in page and "违规收取材料费" in page and f"办件 {office.case_number}" in page
    assert page_client("head1").get("/staff/cards/new").status_code == 403


# -- scores and rules ---------------------------------------------------------------------------------------
def test_the_scores_page_ranks_and_grades(page_client, db_url):
    """Grades 优秀 ≥ 90 … 不合格 < 60 [approval-and-supervision.md "Levels and timing"; figures as in
    test_scores_api]."""
    county(db_url)
    page = page_client("super1").get("/staff/scores", params={"period": "2026-03", "by": "unit"})
    assert page.status_code == 200
    rows = re.findall(r"<tr><td>(\d+)</td><td>(\S+) <span", page.text)
    assert rows == [("1", "甲局"), ("2", "乙局")]
    assert "优秀" in page.text and "不合格" in page.text and 'id="score-chart"' in page.text
    assert '<label for="period">' in page.text and '<label for="by">' in page.text
    bad = page_client("admin1").get("/staff/scores", params={"period": "2026-13"})
    assert bad.status_code == 422 and "不是有效的期间" in bad.text
    assert page_client("head_a").get("/staff/scores").status_code == 403


def test_the_rules_page_lists_the_rules_in_force(page_client, db_url):
    build_office(db_url)
    page = page_client("head1").get("/staff/rules")
    assert page.status_code == 200
    assert "办件超过承诺时限" in page.text and "approval.case_overdue" in page.text and "days = 30" in page.text
    assert page_client("clerk1").get("/staff/rules").status_code == 403
