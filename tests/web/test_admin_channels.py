"""The administrator's notification channels: settings over the environment, write-only secrets,
test messages."""

from __future__ import annotations

from sqlalchemy import select

from tests.web.admin_support import assert_admin_only, assert_labelled, audit_count, make_office
from yangguang.core import db
from yangguang.core.audit import AuditEntry
from yangguang.core.notify import Notification
from yangguang.core.settings import reset_settings

ROUTES = [("GET", "/api/v1/admin/channels"), ("PUT", "/api/v1/admin/channels"),
          ("POST", "/api/v1/admin/channels/test"),
          ("GET", "/staff/admin/channels"), ("POST", "/staff/admin/channels"), ("POST", "/staff/admin/channels/test")]
PASSWORD = "smtp-Secret-4711"
TOKEN = "gateway-Token-0815"


def _audit_text(db_url: str) -> str:
    with db.reading(db_url) as session:
        return " ".join(entry.data for entry in session.scalars(select(AuditEntry)))


def _outbox(db_url: str) -> list[tuple[str, str, str]]:
    with db.reading(db_url) as session:
        rows = session.scalars(select(Notification).order_by(Notification.id))
        return [(n.channel, n.recipient, n.ref) for n in rows]


def test_only_administrators_reach_any_channel_route(client, api_client, page_client, db_url):
    office = make_office(db_url)
    assert_admin_only(client, api_client(office.clerk), page_client(office.clerk), ROUTES)


def test_settings_layer_over_the_environment(api_client, db_url, monkeypatch):
    monkeypatch.setenv("YANGGUANG_SMTP_HOST", "mail.env.example")
    monkeypatch.setenv("YANGGUANG_SMTP_PORT", "2525")
    reset_settings()
    office = make_office(db_url)
    admin = api_client(office.admin)
    before = admin.get("/api/v1/admin/channels").json()
    assert (before["smtp_host"], before["smtp_port"], before["sources"]["smtp_host"]) == (
        "mail.env.example", 2525, "environment")
    assert before["email_enabled"] is True and before["smtp_password_set"] is False
    put = admin.put("/api/v1/admin/channels", json={"smtp_host": "smtp.qingshan.gov.example", "smtp_starttls": True,
                                                     "sms_enabled": False})
    assert put.status_code == 200, put.text
    body = put.json()
    assert (body["smtp_host"], body["smtp_port"], body["smtp_starttls"], body["sms_enabled"]) == (
        "smtp.qingshan.gov.example", 2525, True, False)
    assert body["sources"]["smtp_host"] == "database" and body["sources"]["smtp_port"] == "environment"
    back = admin.put("/api/v1/admin/channels", json={"smtp_host": None}).json()
    assert (back["smtp_host"], back["sources"]["smtp_host"]) == ("mail.env.example", "environment")


def test_secrets_are_write_only(api_client, page_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    put = admin.put("/api/v1/admin/channels", json={"smtp_user": "jiancha", "smtp_password": PASSWORD,
                                                     "sms_gateway_url": "https://sms.example.gov.cn/send",
                                                     "sms_gateway_token": TOKEN})
    got = admin.get("/api/v1/admin/channels")
    page = page_client(office.admin).get("/staff/admin/channels")
    for response in (put, got, page):
        assert response.status_code == 200
        assert PASSWORD not in response.text and TOKEN not in response.text
    assert got.json()["smtp_password_set"] is True and got.json()["sms_gateway_token_set"] is True
    assert "smtp_password" not in got.json() and "sms_gateway_token" not in got.json()
    assert "已设置（留空不变）" in page.text
    assert PASSWORD not in _audit_text(db_url) and TOKEN not in _audit_text(db_url)
    assert '"smtp_password":"changed"' in _audit_text(db_url)
    spec = admin.get("/openapi.json").json()["components"]["schemas"]["ChannelsOut"]["properties"]
    assert "smtp_password" not in spec and "sms_gateway_token" not in spec


def test_bad_input_names_the_field_and_changes_nothing(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    before = audit_count(db_url)
    cases = [({"smtp_port": 0}, "smtp_port"), ({"smtp_port": 70000}, "smtp_port"),
             ({"smtp_port": "25"}, "smtp_port"), ({"smtp_host": "bad host"}, "smtp_host"),
             ({"smtp_host": ""}, "smtp_host"), ({"mail_from": "not-an-address"}, "mail_from"),
             ({"sms_gateway_url": "ftp://x.example"}, "sms_gateway_url"), ({"email_enabled": "yes"}, "email_enabled"),
             ({"smtp_host": "ok.example", "fax_number": "1"}, "fax_number"),
             ({"smtp_password": "x" * 201}, "smtp_password"), ({}, "body")]
    for body, field in cases:
        response = admin.put("/api/v1/admin/channels", json=body)
        assert (response.status_code, response.json()["field"]) == (422, field), (body, response.text)
    assert audit_count(db_url) == before
    assert admin.get("/api/v1/admin/channels").json()["sources"]["smtp_host"] == "environment"


def test_send_a_test_message_to_oneself(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    queued = admin.post("/api/v1/admin/channels/test", json={"channel": "email"})
    assert queued.status_code == 202 and queued.json()["recipient"] == "admin@example.gov.cn"
    assert admin.post("/api/v1/admin/channels/test", json={"channel": "sms"}).status_code == 202
    assert _outbox(db_url) == [("email", "admin@example.gov.cn", "channel_test:admin1"),
                               ("sms", "13900000009", "channel_test:admin1")]
    assert admin.post("/api/v1/admin/channels/test", json={"channel": "fax"}).json()["field"] == "channel"
    admin.put("/api/v1/admin/channels", json={"sms_enabled": False})
    off = admin.post("/api/v1/admin/channels/test", json={"channel": "sms"})
    assert off.status_code == 409 and off.json()["field"] == "channel"
    admin.patch("/api/v1/admin/users/admin1", json={"email": None})
    nowhere = admin.post("/api/v1/admin/channels/test", json={"channel": "email"})
    assert nowhere.status_code == 409 and nowhere.json()["field"] == "email"
    assert len(_outbox(db_url)) == 2


def test_page_saves_only_what_changed_and_queues_a_test(page_client, api_client, db_url):
    office = make_office(db_url)
    admin = page_client(office.admin)
    current = api_client(office.admin).get("/api/v1/admin/channels").json()
    form = {"smtp_host": current["smtp_host"], "smtp_port": str(current["smtp_port"]), "smtp_user": "",
            "mail_from": current["mail_from"], "sms_gateway_url": "", "smtp_password": "", "sms_gateway_token": "",
            "email_enabled": "true", "sms_enabled": "true"}
    before = audit_count(db_url)
    untouched = admin.post("/staff/admin/channels", data=form)
    assert untouched.status_code == 303 and audit_count(db_url) == before
    assert "没有改动" in admin.get("/staff/admin/channels").text
    changed = admin.post("/staff/admin/channels", data={**form, "smtp_port": "587", "smtp_password": PASSWORD})
    assert changed.status_code == 303
    settings = api_client(office.admin).get("/api/v1/admin/channels").json()
    assert (settings["smtp_port"], settings["smtp_password_set"], settings["sources"]["smtp_host"]) == (
        587, True, "environment")
    bad = admin.post("/staff/admin/channels", data={**form, "smtp_port": "port"})
    assert bad.status_code == 422 and 'data-field="smtp_port"' in bad.text and PASSWORD not in bad.text
    queued = admin.post("/staff/admin/channels/test", data={"channel": "email"})
    assert queued.status_code == 303
    page = admin.get("/staff/admin/channels")
    assert "已加入发送队列" in page.text and "待发送" in page.text


def test_page_labels_every_field(page_client, db_url):
    office = make_office(db_url)
    assert_labelled(page_client(office.admin), "/staff/admin/channels")
