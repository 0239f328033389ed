"""Notifications through a transactional outbox: email (SMTP), SMS (gateway webhook), in-app inbox.

A card "notifies the responsible unit and person automatically" [approval-and-supervision.md,
"Levels and timing": "通过网络自动通知相关部门和责任人"]. The notification must commit or roll back with
the change that causes it, and a mail server being down must not undo that change, so:

* :func:`enqueue` writes a :class:`Notification` row in the caller's transaction. The inbox channel
  is delivered there and then (an :class:`InboxMessage` row is the delivery), its notification row
  is written ``sent`` so every message a card caused is on record in one table;
* :func:`deliver_pending` runs *after* commit: it claims pending rows one by one in short
  transactions, sends email over SMTP and SMS as an HTTP POST of ``{"mobile", "text"}`` to the
  gateway, and marks each ``sent`` or ``failed`` with the attempt count and the error. Failed rows
  are retried with a growing delay until ``[notify] max_attempts``. A crash between sending and
  marking sends a message again (at least once), never loses one.

Channel settings: ``smtp_host/port/user/password/starttls``, ``mail_from``, ``sms_gateway_url``,
``sms_gateway_token`` from the environment, overridden at run time by an administrator, who may also
switch a channel off (:mod:`yangguang.core.notify_channels`); every delivery run reads the settings in
force. A switched-off channel's messages stay pending and go out once it is switched on again.
Configuration: ``[notify]`` in ``defaults.toml``.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from yangguang.core import audit
from yangguang.core.db import Base, UTCDateTime
from yangguang.core.errors import Conflict, InvalidInput
from yangguang.core.notify_channels import ChannelConfig, channel_config
from yangguang.core.org import Person, Unit
from yangguang.core.settings import config_section


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    INBOX = "inbox"


CHANNEL_LABELS = {Channel.EMAIL: "电子邮件", Channel.SMS: "短信", Channel.INBOX: "站内消息"}
TEST_REF = "channel_test"  # ref of test messages: "channel_test:<login>"


class NotificationState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Notification(Base):
    """One message to one recipient on one channel (the outbox row)."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(200))  # address, mobile number, or person id (inbox)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    ref: Mapped[str | None] = mapped_column(String(100), index=True)  # what it is about, e.g. "card:12"
    state: Mapped[str] = mapped_column(String(10), default=NotificationState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InboxMessage(Base):
    """A message in a person's in-app inbox (站内消息)."""

    __tablename__ = "inbox_message"
    __table_args__ = (Index("ix_inbox_message_person_read", "person_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    ref: Mapped[str | None] = mapped_column(String(100))
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def _config() -> dict[str, Any]:
    return {"max_attempts": 5, "retry_seconds": 300, "timeout_seconds": 10, "batch": 200, "sms_max_chars": 300,
            **config_section("notify")}


# -- writing (in the caller's transaction) ---------------------------------------------------------
def enqueue(session: Session, *, channel: str, recipient: str | int, subject: str, body: str,
            ref: str | None = None, link: str | None = None, person_id: int | None = None,
            unit_id: int | None = None, at: datetime | None = None) -> Notification:
    """Write one notification in the caller's transaction (delivered after commit, inbox at once)."""
    try:
        channel = Channel(channel)
    except ValueError as exc:
        raise InvalidInput("channel", f"{channel!r} 不是通知渠道（email 电子邮件、sms 短信、inbox 站内消息）") from exc
    recipient = str(recipient).strip()
    if not recipient:
        raise InvalidInput("recipient", "通知须有接收人")
    at = at or datetime.now(UTC)
    row = Notification(channel=channel, recipient=recipient, person_id=person_id, unit_id=unit_id,
                       subject=subject[:300], body=body, ref=ref, state=NotificationState.PENDING, attempts=0,
                       created_at=at, next_attempt_at=at)
    if channel == Channel.INBOX:
        if not recipient.isdigit():
            raise InvalidInput("recipient", "站内消息的接收人应为人员编号")
        row.person_id = int(recipient)
        session.add(InboxMessage(person_id=int(recipient), title=subject[:300], body=body, ref=ref, link=link,
                                 created_at=at))
        row.state, row.attempts, row.sent_at, row.next_attempt_at = NotificationState.SENT, 1, at, None
    session.add(row)
    return row


def notify_person(session: Session, person: Person, *, subject: str, body: str, sms_text: str | None = None,
                  ref: str | None = None, link: str | None = None, at: datetime | None = None,
                  external: bool = True) -> list[Notification]:
    """Inbox to the person, and email / SMS where the person has an address (``external``)."""
    rows = [enqueue(session, channel=Channel.INBOX, recipient=person.id, subject=subject, body=body, ref=ref,
                    link=link, at=at)]
    if external and person.email:
        rows.append(enqueue(session, channel=Channel.EMAIL, recipient=person.email, subject=subject, body=body,
                            ref=ref, person_id=person.id, at=at))
    if external and person.mobile:
        rows.append(enqueue(session, channel=Channel.SMS, recipient=person.mobile, subject=subject,
                            body=sms_text or subject, ref=ref, person_id=person.id, at=at))
    return rows


def notify_unit(session: Session, unit: Unit, *, subject: str, body: str, sms_text: str | None = None,
                ref: str | None = None, at: datetime | None = None) -> list[Notification]:
    """Email / SMS to the unit's own addresses (its inbox is the inbox of its heads)."""
    rows = []
    if unit.email:
        rows.append(enqueue(session, channel=Channel.EMAIL, recipient=unit.email, subject=subject, body=body,
                            ref=ref, unit_id=unit.id, at=at))
    if unit.mobile:
        rows.append(enqueue(session, channel=Channel.SMS, recipient=unit.mobile, subject=subject,
                            body=sms_text or subject, ref=ref, unit_id=unit.id, at=at))
    return rows


def enqueue_test_message(session: Session, person: Person, channel: str, *, at: datetime) -> Notification:
    """A test email or SMS to ``person`` (an administrator checking the channel settings)."""
    if channel not in (Channel.EMAIL, Channel.SMS):
        raise InvalidInput("channel", "测试消息只能通过电子邮件（email）或短信（sms）发送")
    recipient = person.email if channel == Channel.EMAIL else person.mobile
    if not recipient:
        field, label = ("email", "电子邮箱") if channel == Channel.EMAIL else ("mobile", "手机号码")
        raise Conflict(field, f"{person.label} 未登记{label}，无法发送测试消息")
    if not channel_config(session).enabled(channel):
        raise Conflict("channel", f"{CHANNEL_LABELS[channel]}渠道已关闭，请先开启")
    row = enqueue(session, channel=channel, recipient=recipient, person_id=person.id, at=at,
                  subject="【阳光政务】通知渠道测试", ref=f"{TEST_REF}:{person.login}",
                  body=f"{person.name}：\n\n这是一条测试消息，说明阳光政务平台的{CHANNEL_LABELS[channel]}设置可以正常发送。")
    session.flush()
    audit.record(session, actor=person.login, action="notify.test_enqueued", entity="notification", entity_id=row.id,
                 data={"channel": channel, "recipient": recipient}, at=at)
    return row


def mark_read(session: Session, message_id: int, *, person_id: int, at: datetime | None = None) -> InboxMessage:
    """A person reads one of their own inbox messages."""
    message = session.get(InboxMessage, message_id)
    if message is None or message.person_id != person_id:
        raise InvalidInput("message", f"本人的站内消息中没有编号为 {message_id} 的消息")
    if message.read_at is None:
        message.read_at = at or datetime.now(UTC)
    return message


def inbox(session: Session, person_id: int, unread_only: bool = False) -> list[InboxMessage]:
    query = select(InboxMessage).where(InboxMessage.person_id == person_id).order_by(InboxMessage.id.desc())
    if unread_only:
        query = query.where(InboxMessage.read_at.is_(None))
    return list(session.scalars(query))


# -- sending (after commit) --------------------------------------------------------------------------
class ChannelDown(RuntimeError):
    """The mail server or SMS gateway cannot be reached: the rest of the run skips that channel."""


class _Mailer:
    """One SMTP connection, opened on first use and reused for a delivery run."""

    def __init__(self, settings: ChannelConfig, timeout: float) -> None:
        self.settings, self.timeout = settings, timeout
        self.smtp: smtplib.SMTP | None = None

    def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body, charset="utf-8")
        if self.smtp is None:
            where = f"{self.settings.smtp_host}:{self.settings.smtp_port}"
            try:
                smtp = smtplib.SMTP(self.settings.smtp_host, self.settings.smtp_port, timeout=self.timeout)
            except (OSError, smtplib.SMTPException) as exc:
                raise ChannelDown(f"无法连接邮件服务器 {where}：{exc}") from exc
            try:
                if self.settings.smtp_starttls:
                    smtp.starttls()
                if self.settings.smtp_user:
                    smtp.login(self.settings.smtp_user, self.settings.smtp_password or "")
            except BaseException:
                smtp.close()
                raise
            self.smtp = smtp
        try:
            self.smtp.send_message(message)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


def send_sms(settings: ChannelConfig, mobile: str, text: str, timeout: float) -> None:
    """POST ``{"mobile", "text"}`` as JSON to the SMS gateway; any non-2xx answer is an error."""
    if not settings.sms_gateway_url:
        raise ChannelDown("未配置短信网关（YANGGUANG_SMS_GATEWAY_URL 或通知渠道设置）")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if settings.sms_gateway_token:
        headers["Authorization"] = f"Bearer {settings.sms_gateway_token}"
    payload = json.dumps({"mobile": mobile, "text": text}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(settings.sms_gateway_url, data=payload, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace").strip()
        raise RuntimeError(f"短信网关返回 HTTP {exc.code}：{detail or exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise ChannelDown(f"无法连接短信网关：{getattr(exc, 'reason', exc)}") from exc


SessionSource = str | Callable[[], AbstractContextManager[Session]] | None


def _opener(source: SessionSource) -> Callable[[], AbstractContextManager[Session]]:
    if source is None or isinstance(source, str):
        from yangguang.core import db

        return lambda: db.transaction(source)
    return source


@contextmanager
def _unit_of_work(opener: Callable[[], AbstractContextManager[Session]]) -> Iterator[Session]:
    with opener() as session:
        yield session
        session.commit()


def _claim(opener, row_id: int, attempts: int, now: datetime) -> bool:
    """Take a row for sending; False when another deliverer took it first."""
    with _unit_of_work(opener) as session:
        result = session.execute(
            update(Notification)
            .where(Notification.id == row_id, Notification.attempts == attempts,
                   Notification.state != NotificationState.SENT)
            .values(attempts=attempts + 1, next_attempt_at=now)
        )
        return result.rowcount == 1


def deliver_pending(source: SessionSource = None, limit: int | None = None, *, now: datetime | None = None,
                    max_attempts: int | None = None) -> dict[str, int]:
    """Send what is due in the outbox; run after the transaction that enqueued it committed.

    ``source`` is a database URL (default: the configured one) or a factory of unit-of-work
    sessions. Returns ``{"attempted", "sent", "failed", "skipped"}``: once the mail server or the
    gateway cannot be reached, the rest of that channel waits for the next run (``skipped``).
    """
    config = _config()
    now = now or datetime.now(UTC)
    limit = limit or int(config["batch"])
    max_attempts = max_attempts or int(config["max_attempts"])
    opener = _opener(source)
    with _unit_of_work(opener) as session:
        settings = channel_config(session)
        channels = [channel for channel in (Channel.EMAIL, Channel.SMS) if settings.enabled(channel)]
        due = session.execute(
            select(Notification.id, Notification.attempts, Notification.channel, Notification.recipient,
                   Notification.subject, Notification.body)
            .where(Notification.state.in_([NotificationState.PENDING, NotificationState.FAILED]),
                   Notification.channel.in_(channels), Notification.attempts < max_attempts,
                   or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))
            .order_by(Notification.id).limit(limit)
        ).all()
    timeout = float(config["timeout_seconds"])
    mailer = _Mailer(settings, timeout)
    counts = {"attempted": 0, "sent": 0, "failed": 0, "skipped": 0}
    down: set[str] = set()  # channels found unreachable in this run
    try:
        for row in due:
            if row.channel in down:
                counts["skipped"] += 1
                continue
            if not _claim(opener, row.id, row.attempts, now):
                continue
            counts["attempted"] += 1
            error = None
            try:
                if row.channel == Channel.EMAIL:
                    mailer.send(row.recipient, row.subject, row.body)
                elif row.channel == Channel.SMS:
                    send_sms(settings, row.recipient, row.body[: int(config["sms_max_chars"])], timeout)
                else:
                    raise RuntimeError(f"{row.channel} 渠道的消息不经发件队列发送")
            except (OSError, smtplib.SMTPException, RuntimeError, ValueError) as exc:
                error = f"{type(exc).__name__}: {exc}"[:2000]
                if isinstance(exc, ChannelDown):
                    down.add(row.channel)
            with _unit_of_work(opener) as session:
                values: dict[str, Any]
                if error is None:
                    values = {"state": NotificationState.SENT, "sent_at": datetime.now(UTC), "last_error": None,
                              "next_attempt_at": None}
                    counts["sent"] += 1
                else:
                    delay = float(config["retry_seconds"]) * 2 ** row.attempts
                    values = {"state": NotificationState.FAILED, "last_error": error,
                              "next_attempt_at": now + timedelta(seconds=delay)}
                    counts["failed"] += 1
                session.execute(update(Notification).where(Notification.id == row.id).values(**values))
    finally:
        mailer.close()
    return counts
