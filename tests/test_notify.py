"""Notifications: the outbox, real SMTP delivery, the SMS gateway webhook, retries, the inbox.

A card "notifies the responsible unit and person automatically" [approval-and-supervision.md, Levels
and timing]. The mail server is a real SMTP server (aiosmtpd) and the SMS gateway a real HTTP server,
both on 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.factories import at, make_person, make_unit
from yangguang.core import db as core_db
from yangguang.core import notify
from yangguang.core.errors import InvalidInput
from yangguang.core.notify import InboxMessage, Notification
from yangguang.core.settings import reset_settings


def _outbox(db_url: str) -> list[Notification]:
    """The outbox as another process sees it (a read that holds no write lock)."""
    with core_db.reading(db_url) as session:
        rows = list(session.scalars(select(Notification).order_by(Notification.id)))
        session.expunge_all()
        return rows


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Inbox:
    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(monkeypatch):
    handler = _Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("YANGGUANG_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("YANGGUANG_SMTP_PORT", str(port))
    monkeypatch.setenv("YANGGUANG_MAIL_FROM", "jiancha@example.gov.cn")
    reset_settings()
    yield handler
    controller.stop()


class _Gateway:
    """An SMS gateway that records what it is sent and answers ``status``."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict, str | None]] = []
        self.status = 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append((json.loads(body.decode("utf-8")), self.headers.get("Authorization")))
                self.send_response(gateway.status)
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if gateway.status == 200 else "网关故障".encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(monkeypatch):
    server = _Gateway()
    monkeypatch.setenv("YANGGUANG_SMS_GATEWAY_URL", server.url)
    monkeypatch.setenv("YANGGUANG_SMS_GATEWAY_TOKEN", "s3cret")
    reset_settings()
    yield server
    server.close()


def test_email_is_sent_over_smtp_in_chinese(db, db_url, smtp_server):
    notify.enqueue(db, channel="email", recipient="lisi@example.gov.cn", subject="【黄牌】JC2026-000001 超过承诺时限",
                   body="李四：\n您经办的办件已超过承诺时限，请于 2026-10-17 前完成整改。", ref="card:1",
                   at=at("2026-10-10 00:00"))
    db.commit()
    assert notify.deliver_pending(db_url) == {"attempted": 1, "sent": 1, "failed": 0, "skipped": 0}
    [envelope] = smtp_server.envelopes
    assert envelope.mail_from == "jiancha@example.gov.cn" and envelope.rcpt_tos == ["lisi@example.gov.cn"]
    message = message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["Subject"] == "【黄牌】JC2026-000001 超过承诺时限"
    assert "请于 2026-10-17 前完成整改" in message.get_content()
    [row] = _outbox(db_url)
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, None) and row.sent_at is not None
    assert notify.deliver_pending(db_url)["attempted"] == 0  # sent once only


def test_sms_is_posted_as_json_with_the_token(db, db_url, gateway):
    text = "【阳光监察】县市场监督管理局收到黄牌JC2026-000001，请登录系统处理。"
    notify.enqueue(db, channel="sms", recipient="13900000002", subject="黄牌", body=text)
    db.commit()
    assert notify.deliver_pending(db_url)["sent"] == 1
    assert gateway.requests == [({"mobile": "13900000002", "text": text}, "Bearer s3cret")]


def test_a_failing_gateway_marks_failed_and_retries(db, db_url, gateway, monkeypatch):
    gateway.status = 500
    notify.enqueue(db, channel="sms", recipient="13900000002", subject="s", body="测试短信", at=at("2026-03-02 09:00"))
    db.commit()
    now = at("2026-03-02 09:00")
    assert notify.deliver_pending(db_url, now=now) == {"attempted": 1, "sent": 0, "failed": 1, "skipped": 0}
    [row] = _outbox(db_url)
    assert row.state == "failed" and row.attempts == 1 and "HTTP 500" in row.last_error and "网关故障" in row.last_error
    # not retried before its delay (300 s, doubling); retried after it
    assert notify.deliver_pending(db_url, now=at("2026-03-02 09:04"))["attempted"] == 0
    assert notify.deliver_pending(db_url, now=at("2026-03-02 09:05"))["failed"] == 1
    assert _outbox(db_url)[0].attempts == 2
    gateway.status = 200
    assert notify.deliver_pending(db_url, now=at("2026-03-02 09:20"))["sent"] == 1
    [row] = _outbox(db_url)
    assert (row.state, row.attempts, row.last_error) == ("sent", 3, None)
    assert len(gateway.requests) == 3


def test_retries_stop_at_the_maximum(db, db_url, gateway):
    gateway.status = 503
    notify.enqueue(db, channel="sms", recipient="13900000002", subject="s", body="t", at=at("2026-03-02 09:00"))
    db.commit()
    for hour in range(10, 16):
        notify.deliver_pending(db_url, now=at(f"2026-03-02 {hour}:00"), max_attempts=3)
    assert _outbox(db_url)[0].attempts == 3 and len(gateway.requests) == 3


def test_an_unreachable_server_fails_once_and_the_rest_waits(db, db_url, monkeypatch):
    monkeypatch.delenv("YANGGUANG_SMS_GATEWAY_URL", raising=False)
    monkeypatch.setenv("YANGGUANG_SMTP_PORT", str(_free_port()))  # nothing listens there
    reset_settings()
    notify.enqueue(db, channel="sms", recipient="13900000002", subject="s", body="t")
    notify.enqueue(db, channel="email", recipient="a@example.gov.cn", subject="s", body="t")
    notify.enqueue(db, channel="email", recipient="b@example.gov.cn", subject="s", body="t")
    db.commit()
    assert notify.deliver_pending(db_url) == {"attempted": 2, "sent": 0, "failed": 2, "skipped": 1}
    rows = _outbox(db_url)
    assert "未配置短信网关" in rows[0].last_error and "Connection refused" in rows[1].last_error
    assert (rows[2].state, rows[2].attempts) == ("pending", 0)


def test_inbox_is_delivered_in_the_transaction(db):
    unit = make_unit(db)
    person = make_person(db, unit, "lisi", ["clerk"], name="李四", email="lisi@example.gov.cn")
    rows = notify.notify_person(db, person, subject="【预警】JC2026-000001", body="即将到期", ref="card:1",
                                link="/staff/cards/JC2026-000001", at=at("2026-03-02 09:00"))
    assert sorted(r.channel for r in rows) == ["email", "inbox"]
    [message] = notify.inbox(db, person.id, unread_only=True)
    notify.mark_read(db, message.id, person_id=person.id, at=at("2026-03-02 10:00"))
    assert notify.inbox(db, person.id, unread_only=True) == [] and message.read_at == at("2026-03-02 10:00")
    assert (message.title, message.ref, message.link) == (
        "【预警】JC2026-000001", "card:1", "/staff/cards/JC2026-000001")
    inbox_row = next(r for r in rows if r.channel == "inbox")
    assert inbox_row.state == "sent" and inbox_row.sent_at == at("2026-03-02 09:00")
    db.rollback()  # a rolled-back change takes its notifications with it
    assert db.scalars(select(InboxMessage)).all() == [] and db.scalars(select(Notification)).all() == []


def test_bad_channel_and_recipient_are_refused(db):
    with pytest.raises(InvalidInput) as error:
        notify.enqueue(db, channel="fax", recipient="1", subject="s", body="b")
    assert error.value.field == "channel"
    with pytest.raises(InvalidInput) as error:
        notify.enqueue(db, channel="inbox", recipient="lisi", subject="s", body="b")
    assert error.value.field == "recipient"
