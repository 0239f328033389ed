"""The administrator's users: accounts, roles, passwords and API tokens (API and pages)."""

from __future__ import annotations

from sqlalchemy import select

from tests.web.admin_support import actions, assert_admin_only, assert_labelled, audit_count, chain_ok, make_office
from tests.web.conftest import PASSWORD, csrf_of
from yangguang.core import db
from yangguang.core.org import Person

ROUTES = [("GET", "/api/v1/admin/users"), ("POST", "/api/v1/admin/users"), ("GET", "/api/v1/admin/users/clerk1"),
          ("PATCH", "/api/v1/admin/users/clerk1"), ("POST", "/api/v1/admin/users/clerk1/password"),
          ("GET", "/api/v1/admin/users/clerk1/tokens"), ("POST", "/api/v1/admin/users/clerk1/tokens"),
          ("POST", "/api/v1/admin/tokens/1/revoke"),
          ("GET", "/staff/admin"), ("GET", "/staff/admin/users"), ("GET", "/staff/admin/users/new"),
          ("POST", "/staff/admin/users/new"), ("GET", "/staff/admin/users/clerk1"),
          ("POST", "/staff/admin/users/clerk1"),
          ("POST", "/staff/admin/users/clerk1/active"), ("POST", "/staff/admin/users/clerk1/password"),
          ("POST", "/staff/admin/users/clerk1/tokens"), ("POST", "/staff/admin/tokens/1/revoke")]
NEW_USER = {"login": "zhao.liu", "name": "赵六", "unit": "SWJ", "roles": ["approver", "clerk"], "window": "A01",
            "email": "zhaoliu@example.gov.cn", "mobile": "13800000005", "password": "initial-pass-1"}


def _person(db_url: str, login: str) -> Person:
    with db.reading(db_url) as session:
        person = session.scalar(select(Person).where(Person.login == login))
        session.expunge_all()
        return person


def test_only_administrators_reach_any_user_route(client, api_client, page_client, db_url):
    office = make_office(db_url)
    assert_admin_only(client, api_client(office.clerk), page_client(office.clerk), ROUTES)
    admin = api_client(office.admin)
    assert admin.get("/api/v1/admin/users").status_code == 200
    assert page_client(office.admin).get("/staff/admin").status_code == 200


def test_create_a_user_who_then_logs_in(client, api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    response = admin.post("/api/v1/admin/users", json=NEW_USER)
    assert response.status_code == 201, response.text
    assert response.json() == {"login": "zhao.liu", "name": "赵六", "unit": "SWJ", "unit_name": "县税务局",
                               "window": "A01", "roles": ["clerk", "approver"], "email": "zhaoliu@example.gov.cn",
                               "mobile": "13800000005", "active": True, "can_log_in": True}
    assert admin.get("/api/v1/admin/users/zhao.liu").json() == response.json()
    token = client.post("/api/v1/auth/token", json={"login": "zhao.liu", "password": "initial-pass-1", "name": "t"})
    assert token.status_code == 201
    assert actions(db_url)[-4:] == ["org.person_added", "auth.password_set", "auth.login", "auth.token_issued"]


def test_list_filters_and_pages(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    every = admin.get("/api/v1/admin/users").json()
    assert (every["total"], [u["login"] for u in every["items"]]) == (3, ["admin1", "clerk1", "swj1"])
    assert [u["login"] for u in admin.get("/api/v1/admin/users?unit=SWJ").json()["items"]] == ["swj1"]
    assert [u["login"] for u in admin.get("/api/v1/admin/users?role=unit_head").json()["items"]] == ["swj1"]
    assert [u["login"] for u in admin.get("/api/v1/admin/users?q=张三").json()["items"]] == ["clerk1"]
    page = admin.get("/api/v1/admin/users?per_page=2&page=2").json()
    assert (page["total"], page["page"], [u["login"] for u in page["items"]]) == (3, 2, ["swj1"])
    admin.patch("/api/v1/admin/users/clerk1", json={"active": False})
    assert [u["login"] for u in admin.get("/api/v1/admin/users?active=false").json()["items"]] == ["clerk1"]


def test_edit_roles_contact_and_unit(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    response = admin.patch("/api/v1/admin/users/clerk1", json={
        "name": "窗口张三丰", "unit": "SWJ", "window": None, "roles": ["clerk", "finance"], "mobile": "13700000001"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["unit"], body["window"], body["roles"], body["mobile"]) == (
        "窗口张三丰", "SWJ", None, ["clerk", "finance"], "13700000001")
    assert actions(db_url)[-2:] == ["org.person_updated", "org.roles_set"]
    assert chain_ok(db_url)


def test_deactivated_user_cannot_log_in_or_use_a_token_until_reactivated(client, api_client, db_url):
    office = make_office(db_url)
    admin, clerk = api_client(office.admin), api_client(office.clerk)
    assert clerk.get("/api/v1/me").status_code == 200
    assert admin.patch("/api/v1/admin/users/clerk1", json={"active": False}).json()["active"] is False
    assert clerk.get("/api/v1/me").status_code == 401
    refused = client.post("/api/v1/auth/token", json={"login": "clerk1", "password": PASSWORD, "name": "t"})
    assert refused.status_code == 401
    assert admin.patch("/api/v1/admin/users/clerk1", json={"active": True}).json()["active"] is True
    assert clerk.get("/api/v1/me").status_code == 200


def test_an_administrator_cannot_demote_or_deactivate_themselves(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    before = audit_count(db_url)
    demoted = admin.patch("/api/v1/admin/users/admin1", json={"name": "改名", "roles": ["clerk"]})
    assert demoted.status_code == 409 and demoted.json()["field"] == "roles"
    deactivated = admin.patch("/api/v1/admin/users/admin1", json={"active": False})
    assert deactivated.status_code == 409 and deactivated.json()["field"] == "active"
    assert audit_count(db_url) == before
    assert _person(db_url, "admin1").name == "管理员"  # the rename in the refused request was undone
    assert admin.patch("/api/v1/admin/users/admin1", json={"roles": ["admin", "supervisor"]}).status_code == 200


def test_bad_input_names_the_field_and_changes_nothing(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    before = audit_count(db_url)
    cases = [
        ("post", "/api/v1/admin/users", {**NEW_USER, "login": "x"}, 422, "login"),
        ("post", "/api/v1/admin/users", {**NEW_USER, "roles": ["king"]}, 422, "roles.0"),
        ("post", "/api/v1/admin/users", {**NEW_USER, "mobile": "12345"}, 422, "mobile"),
        ("post", "/api/v1/admin/users", {**NEW_USER, "email": "not-an-address"}, 422, "email"),
        ("post", "/api/v1/admin/users", {**NEW_USER, "password": "short"}, 422, "password"),
        ("post", "/api/v1/admin/users", {**NEW_USER, "name": "  "}, 422, "name"),
        ("post", "/api/v1/admin/users", {**NEW_USER, "name": "a\x00b"}, 422, "name"),
        ("post", "/api/v1/admin/users", {**NEW_USER, "extra": 1}, 422, "extra"),
        ("post", "/api/v1/admin/users", {**NEW_USER, "login": "clerk1"}, 409, "login"),
        ("post", "/api/v1/admin/users", {**NEW_USER, "unit": "NONE"}, 404, "unit"),
        ("post", "/api/v1/admin/users", {**NEW_USER, "window": "Z99"}, 404, "window"),
        ("patch", "/api/v1/admin/users/clerk1", {"name": None}, 422, "name"),
        ("patch", "/api/v1/admin/users/clerk1", {"roles": None}, 422, "roles"),
        ("patch", "/api/v1/admin/users/clerk1", {"unit": None}, 422, "unit"),
        ("patch", "/api/v1/admin/users/nobody", {"name": "x"}, 404, "login"),
        ("post", "/api/v1/admin/users/clerk1/password", {"password": "1234567"}, 422, "password"),
        ("post", "/api/v1/admin/users/clerk1/tokens", {"name": "t", "days": 0}, 422, "days"),
        ("post", "/api/v1/admin/users/clerk1/tokens", {"name": ""}, 422, "name"),
        ("post", "/api/v1/admin/tokens/2147483648/revoke", None, 422, "token_id"),
        ("post", "/api/v1/admin/tokens/999/revoke", None, 404, "token"),
    ]
    for method, path, body, status, field in cases:
        response = getattr(admin, method)(path, json=body) if body is not None else admin.post(path)
        assert (response.status_code, response.json()["field"]) == (status, field), (path, body, response.text)
    assert audit_count(db_url) == before
    assert _person(db_url, "zhao.liu") is None


def test_reset_password(client, api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    assert admin.post("/api/v1/admin/users/clerk1/password", json={"password": "brand-new-pass"}).status_code == 204
    old = client.post("/api/v1/auth/token", json={"login": "clerk1", "password": PASSWORD, "name": "t"})
    new = client.post("/api/v1/auth/token", json={"login": "clerk1", "password": "brand-new-pass", "name": "t"})
    assert (old.status_code, new.status_code) == (401, 201)


def test_service_account_token_issue_list_and_revoke(client, api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    account = {"login": "bjsys", "name": "不动产登记系统", "unit": "SCJ", "roles": ["clerk"]}
    assert admin.post("/api/v1/admin/users", json=account).json()["can_log_in"] is False
    issued = admin.post("/api/v1/admin/users/bjsys/tokens", json={"name": "不动产登记系统对接", "days": 30})
    assert issued.status_code == 201
    plain = issued.json()["token"]
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/me", headers=headers).json()["login"] == "bjsys"
    listed = admin.get("/api/v1/admin/users/bjsys/tokens").json()
    assert [(t["name"], t["state"]) for t in listed["items"]] == [("不动产登记系统对接", "active")]
    assert plain not in str(listed)
    token_id = issued.json()["id"]
    assert admin.post(f"/api/v1/admin/tokens/{token_id}/revoke").status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert admin.get("/api/v1/admin/users/bjsys/tokens").json()["items"][0]["state"] == "revoked"
    assert "auth.token_revoked" in actions(db_url)


def test_no_token_for_a_deactivated_account(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    admin.patch("/api/v1/admin/users/clerk1", json={"active": False})
    refused = admin.post("/api/v1/admin/users/clerk1/tokens", json={"name": "x"})
    assert refused.status_code == 409 and refused.json()["field"] == "login"


# -- pages ----------------------------------------------------------------------------------------------
def test_pages_create_edit_and_list(page_client, db_url):
    office = make_office(db_url)
    admin = page_client(office.admin)
    form = {"login": "wang5", "name": "王五", "unit": "SCJ", "window": "A01", "email": "", "mobile": "",
            "password": "initial-pass-1", "roles": ["clerk", "finance"], "csrf_token": csrf_of(admin, "/staff/admin")}
    created = admin.post("/staff/admin/users/new", data=form)
    assert created.status_code == 303 and created.headers["location"] == "/staff/admin/users/wang5"
    page = admin.get("/staff/admin/users/wang5")
    assert "已创建账号 wang5" in page.text and 'value="finance" checked' in page.text
    edited = admin.post("/staff/admin/users/wang5", data={"name": "王五", "unit": "SWJ", "window": "", "email": "",
                                                         "mobile": "13600000001", "roles": ["approver"]})
    assert edited.status_code == 303
    person = _person(db_url, "wang5")
    assert (person.roles, person.window_id, person.mobile) == (["approver"], None, "13600000001")
    listing = admin.get("/staff/admin/users?unit=SWJ")
    assert "wang5" in listing.text and "clerk1" not in listing.text and "table-wrap" in listing.text


def test_page_list_pages_keep_the_filters(page_client, db_url):
    """The shared pager: the next page's link keeps the filters in force and the page size."""
    office = make_office(db_url)
    admin = page_client(office.admin)
    first = admin.get("/staff/admin/users", params={"active": "true", "per_page": 2}).text
    assert "第 1 / 2 页，共 3 条" in first and "上一页" not in first
    assert 'href="/staff/admin/users?active=true&amp;page=2&amp;per_page=2" rel="next"' in first
    second = admin.get("/staff/admin/users", params={"active": "true", "page": 2, "per_page": 2}).text
    assert "第 2 / 2 页" in second and "下一页" not in second and 'href="/staff/admin/users/swj1"' in second
    assert 'href="/staff/admin/users/admin1"' not in second
    assert "分页" not in admin.get("/staff/admin/users", params={"unit": "SWJ", "per_page": 2}).text  # one page


def test_page_deactivates_and_resets_a_password(client, page_client, db_url):
    office = make_office(db_url)
    admin = page_client(office.admin)
    assert admin.post("/staff/admin/users/clerk1/active", data={"active": "false"}).status_code == 303
    assert _person(db_url, "clerk1").active is False and "账号已停用" in admin.get("/staff/admin/users/clerk1").text
    assert admin.post("/staff/admin/users/clerk1/active", data={"active": "true"}).status_code == 303
    short = admin.post("/staff/admin/users/clerk1/password", data={"password": "short"})
    assert short.status_code == 422 and 'data-field="password"' in short.text
    assert admin.post("/staff/admin/users/clerk1/password", data={"password": "brand-new-pass"}).status_code == 303
    new = client.post("/api/v1/auth/token", json={"login": "clerk1", "password": "brand-new-pass", "name": "t"})
    assert new.status_code == 201


def test_page_shows_the_error_and_keeps_the_form(page_client, db_url):
    office = make_office(db_url)
    admin = page_client(office.admin)
    before = audit_count(db_url)
    response = admin.post("/staff/admin/users/new", data={"login": "wang5", "name": "王五", "unit": "SCJ",
                                                          "mobile": "999", "roles": ["clerk"]})
    assert response.status_code == 422 and 'data-field="mobile"' in response.text
    assert 'value="wang5"' in response.text  # what was typed is still there
    refused = admin.post("/staff/admin/users/admin1/active", data={"active": "false"})
    assert refused.status_code == 409 and "不能停用本人的账号" in refused.text
    assert audit_count(db_url) == before


def test_page_token_shown_once_and_revoked_with_htmx(page_client, db_url):
    office = make_office(db_url)
    admin = page_client(office.admin)
    issued = admin.post("/staff/admin/users/clerk1/tokens", data={"name": "自助终端", "days": ""})
    assert issued.status_code == 201 and "只显示这一次" in issued.text
    with db.reading(db_url) as session:
        from yangguang.core.auth import ApiToken

        token_id = session.scalar(select(ApiToken.id).where(ApiToken.name == "自助终端"))
    page = admin.get("/staff/admin/users/clerk1")
    assert "自助终端" in page.text and 'value="yg_' not in page.text
    partial = admin.post(f"/staff/admin/tokens/{token_id}/revoke", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "已吊销" in partial.text and "<html" not in partial.text


def test_page_forms_label_every_field(page_client, db_url):
    office = make_office(db_url)
    assert_labelled(page_client(office.admin), "/staff/admin", "/staff/admin/users", "/staff/admin/users/new",
                    "/staff/admin/users/clerk1")
