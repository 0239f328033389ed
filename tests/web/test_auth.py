"""Authentication and the error shape: login (Argon2), rate limiting, CSRF, tokens, refusals audited."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import make_unit
from tests.web.conftest import PASSWORD, csrf_of, staff
from yangguang.core import db
from yangguang.core.audit import AuditEntry, verify
from yangguang.core.org import Person


def _clerk(db_url: str) -> None:
    with db.transaction(db_url) as session:
        staff(session, make_unit(session), "clerk1", ["clerk"])


def _actions(db_url: str) -> list[str]:
    with db.reading(db_url) as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_password_is_stored_as_argon2_hash(db_url):
    _clerk(db_url)
    with db.reading(db_url) as session:
        stored = session.scalar(select(Person.password_hash))
    assert stored.startswith("$argon2") and PASSWORD not in stored


def test_login_sets_session_and_is_audited(client, db_url):
    _clerk(db_url)
    token = csrf_of(client)
    response = client.post("/login", data={"login": "clerk1", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/staff/cases"
    assert client.get("/api/v1/me").json()["login"] == "clerk1"
    assert "auth.login" in _actions(db_url)


def test_wrong_password_refused_and_audited(client, db_url):
    _clerk(db_url)
    token = csrf_of(client)
    response = client.post("/login", data={"login": "clerk1", "password": "wrong-password", "csrf_token": token})
    assert response.status_code == 401 and "账号或密码错误" in response.text
    assert client.get("/api/v1/me").status_code == 401
    assert _actions(db_url)[-1] == "auth.login_failed"


def test_login_without_csrf_token_is_refused(client, db_url):
    _clerk(db_url)
    csrf_of(client)
    response = client.post("/login", data={"login": "clerk1", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403
    assert client.get("/api/v1/me").status_code == 401


def test_login_rate_limited_after_five_failures(client, db_url):
    """[auth] failures_per_login = 5: the sixth attempt is refused even with the right password."""
    _clerk(db_url)
    token = csrf_of(client)
    for _ in range(5):
        assert client.post("/login", data={"login": "clerk1", "password": "nope-nope", "csrf_token": token}
                           ).status_code == 401
    response = client.post("/login", data={"login": "clerk1", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 429 and "登录失败次数过多" in response.text
    api = client.post("/api/v1/auth/token", json={"login": "clerk1", "password": PASSWORD, "name": "x"})
    assert api.status_code == 429 and api.json()["field"] == "login"


def test_session_post_without_csrf_header_is_refused(page_client, db_url):
    _clerk(db_url)
    clerk = page_client("clerk1")
    del clerk.headers["X-CSRF-Token"]
    response = clerk.post("/api/v1/auth/tokens/1/revoke")
    assert response.status_code == 403 and response.json()["field"] == "csrf_token"
    assert _actions(db_url)[-1] == "auth.refused"


def test_token_issue_use_and_revoke(client, db_url):
    _clerk(db_url)
    issued = client.post("/api/v1/auth/token", json={"login": "clerk1", "password": PASSWORD, "name": "审批系统"})
    assert issued.status_code == 201
    body = issued.json()
    headers = {"Authorization": f"Bearer {body['token']}"}
    me = client.get("/api/v1/me", headers=headers).json()
    assert me == {"login": "clerk1", "name": "clerk1", "unit": "SCJ", "unit_name": "县市场监督管理局",
                  "roles": ["clerk"]}
    assert client.post(f"/api/v1/auth/tokens/{body['id']}/revoke", headers=headers).status_code == 204
    refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401 and refused.json() == {"field": "authorization",
                                                             "reason": "令牌无效、已过期或已撤销"}
    with db.reading(db_url) as session:
        assert verify(session).ok


def test_bad_token_requests_change_nothing(client, db_url):
    _clerk(db_url)
    before = len(_actions(db_url))
    assert client.post("/api/v1/auth/token", json={"login": "clerk1"}).json() == {"field": "password",
                                                                                 "reason": "必填项"}
    days = client.post("/api/v1/auth/token", json={"login": "clerk1", "password": PASSWORD, "name": "x", "days": 0})
    assert days.status_code == 422 and days.json() == {"field": "days", "reason": "应不小于 1"}
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401
    assert len(_actions(db_url)) == before + 1  # only the refused Basic attempt, audited


def test_unknown_routes_answer_in_one_shape(client):
    assert client.get("/api/v1/nothing").json() == {"field": "path", "reason": "页面或资源不存在"}
    page = client.get("/nothing")
    assert page.status_code == 404 and "未找到" in page.text


def test_staff_page_redirects_anonymous_to_login(client):
    response = client.get("/staff")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/staff"


def test_login_never_redirects_off_site(client, db_url):
    _clerk(db_url)
    token = csrf_of(client)
    response = client.post("/login", data={"login": "clerk1", "password": PASSWORD, "csrf_token": token,
                                           "next": "//evil.example/"})
    assert response.headers["location"] == "/staff/cases"
