"""The in-app inbox (站内信), API and page: each person reads and marks only their own messages.

The messages are the ones cards send [approval-and-supervision.md "Levels and timing": a card notifies
the responsible unit and person; architecture.md "Notifications": the inbox is written directly]: the
responsible person (clerk1) gets the case's 预警, yellow and red; the unit head (head1) every card of the
unit; the supervisor the red card only; the head of SWJ the card of SWJ.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.web.test_cards_api import build_office
from yangguang.core import db
from yangguang.core.notify import InboxMessage
from yangguang.core.org import Person


def _message_ids(db_url: str, login: str) -> list[int]:
    with db.reading(db_url) as session:
        person_id = session.scalar(select(Person.id).where(Person.login == login))
        return list(session.scalars(select(InboxMessage.id).where(InboxMessage.person_id == person_id)
                                    .order_by(InboxMessage.id.desc())))


def _read_at(db_url: str, message_id: int):
    with db.reading(db_url) as session:
        return session.get(InboxMessage, message_id).read_at


def test_each_person_sees_only_their_own_messages(api_client, db_url):
    office = build_office(db_url)
    clerk = api_client("clerk1").get("/api/v1/inbox").json()
    assert sorted(m["title"][:4] for m in clerk["items"]) == ["【红牌】", "【预警】", "【黄牌】"]
    assert [m["id"] for m in clerk["items"]] == _message_ids(db_url, "clerk1")  # newest first
    assert (clerk["total"], clerk["unread"]) == (3, 3)
    assert api_client("head1").get("/api/v1/inbox").json()["total"] == 4
    supervisor = api_client("super1").get("/api/v1/inbox").json()["items"]
    assert [m["title"].split()[0] for m in supervisor] == [f"【红牌】{office.red}"]
    other = api_client("swj_head").get("/api/v1/inbox").json()["items"]
    assert len(other) == 1 and office.other in other[0]["title"] and other[0]["link"].endswith(office.other)
    assert api_client("appr1").get("/api/v1/inbox").json() == {"items": [], "total": 0, "page": 1, "per_page": 20,
                                                               "unread": 0}


def test_marking_read_one_message_and_then_all(api_client, db_url):
    build_office(db_url)
    clerk = api_client("clerk1")
    first, *rest = _message_ids(db_url, "clerk1")
    marked = clerk.post(f"/api/v1/inbox/{first}/read").json()
    assert marked["id"] == first and marked["read_at"]
    assert clerk.post(f"/api/v1/inbox/{first}/read").json()["read_at"] == marked["read_at"]  # once is enough
    unread = clerk.get("/api/v1/inbox", params={"unread_only": "true"}).json()
    assert [m["id"] for m in unread["items"]] == rest and unread["unread"] == 2
    assert clerk.post("/api/v1/inbox/read-all").json() == {"marked": 2, "unread": 0}
    assert clerk.get("/api/v1/inbox").json()["unread"] == 0
    assert api_client("head1").get("/api/v1/inbox").json()["unread"] == 4  # nobody else's messages


def test_another_persons_message_cannot_be_marked(client, api_client, db_url):
    build_office(db_url)
    heads_message = _message_ids(db_url, "head1")[0]
    response = api_client("clerk1").post(f"/api/v1/inbox/{heads_message}/read")
    assert response.status_code == 422 and response.json()["field"] == "message"
    assert _read_at(db_url, heads_message) is None
    for bad in ("0", "2147483648", "x"):
        assert api_client("clerk1").post(f"/api/v1/inbox/{bad}/read").status_code == 422
    assert client.get("/api/v1/inbox").status_code == 401
    assert client.post(f"/api/v1/inbox/{heads_message}/read").status_code == 401
    assert client.post("/api/v1/inbox/read-all").status_code == 401


# -- the page -----------------------------------------------------------------------------------------------
def test_inbox_page_lists_messages_with_the_unread_count(client, page_client, db_url):
    office = build_office(db_url)
    page = page_client("swj_head").get("/staff/inbox")
    assert page.status_code == 200
    assert office.other in page.text and "未读 1 条" in page.text and "标为已读" in page.text
    assert re.search(f'href="/(staff|supervision)/cards/{office.other}"', page.text)  # the card (old links redirect)
    assert office.yellow not in page.text  # another unit's card, another person's inbox
    assert client.get("/staff/inbox").headers["location"] == "/login?next=/staff/inbox"


def test_marking_read_with_htmx_swaps_the_message_and_updates_the_count(page_client, db_url):
    build_office(db_url)
    clerk = page_client("clerk1")
    first = _message_ids(db_url, "clerk1")[0]
    response = clerk.post(f"/staff/inbox/{first}/read", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "inbox-changed"
    assert response.text.lstrip().startswith(f'<li id="message-{first}" class="message">') and "已读于" in response.text
    assert "未读 2 条" in clerk.get("/staff/inbox/unread-count").text
    other = _message_ids(db_url, "clerk1")[1]
    plain = clerk.post(f"/staff/inbox/{other}/read")  # without JavaScript: back to the inbox
    assert plain.status_code == 303 and plain.headers["location"] == "/staff/inbox"
    assert _read_at(db_url, other) is not None


def test_mark_all_read_from_the_page(page_client, db_url):
    build_office(db_url)
    head = page_client("head1")
    response = head.post("/staff/inbox/read-all")
    assert response.status_code == 303 and response.headers["location"] == "/staff/inbox?done=all"
    page = head.get(response.headers["location"]).text
    assert "已全部标为已读" in page and "未读 0 条" in page
    assert all(_read_at(db_url, i) for i in _message_ids(db_url, "head1"))
    assert not any(_read_at(db_url, i) for i in _message_ids(db_url, "clerk1"))


def test_page_actions_need_the_csrf_token(page_client, db_url):
    build_office(db_url)
    clerk = page_client("clerk1")
    del clerk.headers["X-CSRF-Token"]
    assert clerk.post("/staff/inbox/read-all").status_code == 403
    assert clerk.post("/staff/inbox/read-all", data={"csrf_token": "forged"}).status_code == 403
    assert not any(_read_at(db_url, i) for i in _message_ids(db_url, "clerk1"))
