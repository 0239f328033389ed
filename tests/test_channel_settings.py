"""Channel settings over the environment: delivery uses the values in force, a switched-off channel
waits, secrets never reach the audit trail, bad values change nothing. The mail server (aiosmtpd) and
the SMS gateway are real servers on 127.0.0.1."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.factories import at, make_person, make_unit
from tests.test_notify import _free_port, _Gateway, _Inbox, _outbox
from yangguang.core import notify
from yangguang.core.audit import AuditEntry, write_entries
from yangguang.core.errors import Conflict, InvalidInput
from yangguang.core.notify_channels import ChannelSetting, channel_config, set_channel_settings
from yangguang.core.settings import reset_settings

T = at("2026-03-02 09:00")


@pytest.fixture
def wrong_environment(monkeypatch):
    """The environment names a mail server and gateway where nothing listens."""
    monkeypatch.setenv("YANGGUANG_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("YANGGUANG_SMTP_PORT", str(_free_port()))
    monkeypatch.setenv("YANGGUANG_SMS_GATEWAY_URL", f"http://127.0.0.1:{_free_port()}/sms")
    monkeypatch.setenv("YANGGUANG_SMS_GATEWAY_TOKEN", "old-token")
    reset_settings()
    yield
    reset_settings()


@pytest.fixture
def mail_server():
    handler = _Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def gateway():
    server = _Gateway()
    yield server
    server.close()


def test_delivery_uses_the_stored_settings_over_the_environment(db, db_url, wrong_environment, mail_server, gateway):
    inbox, port = mail_server
    set_channel_settings(db, {"smtp_port": port, "mail_from": "jiancha@qingshan.gov.example",
                              "sms_gateway_url": gateway.url, "sms_gateway_token": "new-token"}, actor="admin1", at=T)
    notify.enqueue(db, channel="email", recipient="lisi@example.gov.cn", subject="测试", body="正文", at=T)
    notify.enqueue(db, channel="sms", recipient="13900000002", subject="测试", body="短信正文", at=T)
    db.commit()
    assert notify.deliver_pending(db_url, now=T) == {"attempted": 2, "sent": 2, "failed": 0, "skipped": 0}
    assert [e.mail_from for e in inbox.envelopes] == ["jiancha@qingshan.gov.example"]
    assert gateway.requests == [({"mobile": "13900000002", "text": "短信正文"}, "Bearer new-token")]


def test_returning_a_field_to_the_environment(db, db_url, wrong_environment, mail_server):
    _, port = mail_server
    set_channel_settings(db, {"smtp_port": port}, actor="admin1", at=T)
    set_channel_settings(db, {"smtp_port": None}, actor="admin1", at=T)
    notify.enqueue(db, channel="email", recipient="lisi@example.gov.cn", subject="测试", body="正文", at=T)
    db.commit()
    assert notify.deliver_pending(db_url, now=T)["failed"] == 1  # the environment's port: nothing listens
    assert channel_config(db).sources["smtp_port"] == "environment"


def test_a_switched_off_channel_waits_and_goes_out_when_switched_on(db, db_url, gateway):
    set_channel_settings(db, {"sms_gateway_url": gateway.url, "sms_enabled": False}, actor="admin1", at=T)
    notify.enqueue(db, channel="sms", recipient="13900000002", subject="测试", body="短信", at=T)
    db.commit()
    assert notify.deliver_pending(db_url, now=T)["attempted"] == 0
    assert [(row.state, row.attempts) for row in _outbox(db_url)] == [("pending", 0)]
    set_channel_settings(db, {"sms_enabled": True}, actor="admin1", at=T)
    db.commit()
    assert notify.deliver_pending(db_url, now=T)["sent"] == 1 and len(gateway.requests) == 1


def test_secrets_are_audited_as_changed_never_by_value(db):
    set_channel_settings(db, {"smtp_user": "jiancha", "smtp_password": "pa55-Secret", "sms_gateway_token": "t0k3n"},
                         actor="admin1", at=T)
    set_channel_settings(db, {"smtp_password": ""}, actor="admin1", at=T)  # explicitly none
    write_entries(db)
    data = " ".join(db.scalars(select(AuditEntry.data).where(AuditEntry.action == "notify.channels_changed")))
    assert "pa55-Secret" not in data and "t0k3n" not in data
    assert '"smtp_password":"changed"' in data and '"smtp_user":[null,"jiancha"]' in data
    config = channel_config(db)
    assert (config.smtp_password, config.sources["smtp_password"]) == (None, "database")


def test_an_unchanged_value_writes_nothing(db):
    set_channel_settings(db, {"smtp_port": 2525}, actor="admin1", at=T)
    write_entries(db)
    count = len(db.scalars(select(AuditEntry)).all())
    set_channel_settings(db, {"smtp_port": 2525}, actor="admin1", at=T)
    write_entries(db)
    assert len(db.scalars(select(AuditEntry)).all()) == count


@pytest.mark.parametrize("changes, field", [
    ({"smtp_port": 0}, "smtp_port"), ({"smtp_port": True}, "smtp_port"), ({"smtp_host": "a b"}, "smtp_host"),
    ({"mail_from": "nobody"}, "mail_from"), ({"sms_gateway_url": "javascript:alert(1)"}, "sms_gateway_url"),
    ({"email_enabled": "no"}, "email_enabled"), ({"colour": "red"}, "colour"), ({}, "body"),
    ({"smtp_port": 2525, "smtp_host": ""}, "smtp_host"), ({"smtp_user": "a\x00b"}, "smtp_user"),
    ({"sms_gateway_url": "https://x.example/\x00"}, "sms_gateway_url"),
])
def test_bad_values_are_refused_and_nothing_is_written(db, changes, field):
    with pytest.raises(InvalidInput) as error:
        set_channel_settings(db, changes, actor="admin1", at=T)
    assert error.value.field == field
    db.flush()
    assert db.scalars(select(ChannelSetting)).all() == []


def test_a_test_message_goes_to_the_administrator(db):
    unit = make_unit(db)
    admin = make_person(db, unit, "admin1", ["admin"], email="admin@example.gov.cn")
    row = notify.enqueue_test_message(db, admin, "email", at=T)
    assert (row.channel, row.recipient, row.ref, row.state) == ("email", "admin@example.gov.cn", "channel_test:admin1",
                                                                 "pending")
    with pytest.raises(Conflict) as error:
        notify.enqueue_test_message(db, admin, "sms", at=T)
    assert error.value.field == "mobile"
