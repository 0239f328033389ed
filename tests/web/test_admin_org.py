"""The administrator's organisation: roles, departments and windows (API and pages)."""

from __future__ import annotations

from sqlalchemy import select

from tests.web.admin_support import (
    CREDIT_CODE,
    OTHER_CREDIT_CODE,
    actions,
    assert_admin_only,
    assert_labelled,
    audit_count,
    make_office,
)
from yangguang.core import db
from yangguang.core.org import ROLE_LABELS, Unit, Window

ROUTES = [("GET", "/api/v1/admin/roles"), ("GET", "/api/v1/admin/units"), ("POST", "/api/v1/admin/units"),
          ("PATCH", "/api/v1/admin/units/SCJ"), ("GET", "/api/v1/admin/windows"), ("POST", "/api/v1/admin/windows"),
          ("PATCH", "/api/v1/admin/windows/A01"),
          ("GET", "/staff/admin/units"), ("POST", "/staff/admin/units"), ("GET", "/staff/admin/units/SCJ"),
          ("POST", "/staff/admin/units/SCJ"), ("POST", "/staff/admin/units/SCJ/active"),
          ("GET", "/staff/admin/windows"), ("POST", "/staff/admin/windows"), ("GET", "/staff/admin/windows/A01"),
          ("POST", "/staff/admin/windows/A01")]


def _unit(db_url: str, code: str) -> Unit | None:
    with db.reading(db_url) as session:
        unit = session.scalar(select(Unit).where(Unit.code == code))
        session.expunge_all()
        return unit


def test_only_administrators_reach_any_organisation_route(client, api_client, page_client, db_url):
    office = make_office(db_url)
    assert_admin_only(client, api_client(office.clerk), page_client(office.clerk), ROUTES)


def test_roles_are_the_fixed_list_with_labels(api_client, db_url):
    office = make_office(db_url)
    roles = api_client(office.admin).get("/api/v1/admin/roles").json()
    assert roles == [{"code": role.value, "label": label} for role, label in ROLE_LABELS.items()]
    assert {"code": "admin", "label": "系统管理员"} in roles


def test_create_edit_and_deactivate_a_unit(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    created = admin.post("/api/v1/admin/units", json={"code": "ZJJ", "name": "县住房和城乡建设局",
                                                      "credit_code": CREDIT_CODE, "region": "330129",
                                                      "email": "zjj@example.gov.cn", "mobile": "13800000007"})
    assert created.status_code == 201, created.text
    assert created.json() == {"code": "ZJJ", "name": "县住房和城乡建设局", "credit_code": CREDIT_CODE,
                              "region": "330129", "email": "zjj@example.gov.cn", "mobile": "13800000007",
                              "active": True}
    edited = admin.patch("/api/v1/admin/units/ZJJ", json={"name": "县住建局", "credit_code": OTHER_CREDIT_CODE,
                                                           "email": None})
    assert edited.status_code == 200
    assert (edited.json()["name"], edited.json()["credit_code"], edited.json()["email"]) == (
        "县住建局", OTHER_CREDIT_CODE, None)
    assert admin.patch("/api/v1/admin/units/ZJJ", json={"active": False}).json()["active"] is False
    assert [u["code"] for u in admin.get("/api/v1/admin/units?active=false").json()["items"]] == ["ZJJ"]
    assert actions(db_url)[-3:] == ["org.unit_added", "org.unit_updated", "org.unit_deactivated"]
    # a deactivated department takes no new staff or window
    refused = admin.post("/api/v1/admin/windows", json={"number": "B01", "name": "住建窗口", "unit": "ZJJ"})
    assert refused.status_code == 409 and refused.json()["field"] == "unit"


def test_a_unit_with_active_staff_cannot_be_deactivated(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    before = audit_count(db_url)
    refused = admin.patch("/api/v1/admin/units/SWJ", json={"name": "县税务局（新）", "active": False})
    assert refused.status_code == 409 and refused.json()["field"] == "active"
    assert audit_count(db_url) == before and _unit(db_url, "SWJ").name == "县税务局"


def test_unit_bad_input_names_the_field_and_changes_nothing(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    before = audit_count(db_url)
    wrong_check = CREDIT_CODE[:-1] + "3"
    cases = [
        ("post", "/api/v1/admin/units", {"code": "ZJJ", "name": "住建局", "credit_code": wrong_check}, 422,
         "credit_code"),
        ("post", "/api/v1/admin/units", {"code": "ZJJ", "name": "住建局", "credit_code": "I" * 18}, 422,
         "credit_code"),
        ("post", "/api/v1/admin/units", {"code": "Z J", "name": "住建局"}, 422, "code"),
        ("post", "/api/v1/admin/units", {"code": "ZJJ", "name": "住建局", "region": "33"}, 422, "region"),
        ("post", "/api/v1/admin/units", {"code": "ZJJ", "name": "x" * 101}, 422, "name"),
        ("post", "/api/v1/admin/units", {"code": "SCJ", "name": "另一个局"}, 409, "code"),
        ("patch", "/api/v1/admin/units/SCJ", {"name": "县税务局"}, 409, "name"),
        ("patch", "/api/v1/admin/units/SCJ", {"name": None}, 422, "name"),
        ("patch", "/api/v1/admin/units/SCJ", {"code": "NEW"}, 422, "code"),
        ("patch", "/api/v1/admin/units/NOPE", {"name": "x"}, 404, "code"),
    ]
    for method, path, body, status, field in cases:
        response = getattr(admin, method)(path, json=body)
        assert (response.status_code, response.json()["field"]) == (status, field), (path, body, response.text)
    assert audit_count(db_url) == before and _unit(db_url, "ZJJ") is None


def test_create_rename_and_reassign_a_window(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    created = admin.post("/api/v1/admin/windows", json={"number": "B02", "name": "税务窗口", "unit": "SWJ"})
    assert created.status_code == 201 and created.json() == {"number": "B02", "name": "税务窗口", "unit": "SWJ",
                                                               "unit_name": "县税务局"}
    moved = admin.patch("/api/v1/admin/windows/B02", json={"name": "综合窗口", "unit": "SCJ"})
    assert moved.json() == {"number": "B02", "name": "综合窗口", "unit": "SCJ", "unit_name": "县市场监督管理局"}
    assert [w["number"] for w in admin.get("/api/v1/admin/windows?unit=SCJ").json()["items"]] == ["A01", "B02"]
    assert actions(db_url)[-2:] == ["org.window_added", "org.window_updated"]
    before = audit_count(db_url)
    for body, status, field in (({"name": ""}, 422, "name"), ({"unit": "NOPE"}, 404, "unit"),
                                ({"unit": None}, 422, "unit")):
        response = admin.patch("/api/v1/admin/windows/B02", json=body)
        assert (response.status_code, response.json()["field"]) == (status, field)
    duplicate = admin.post("/api/v1/admin/windows", json={"number": "A01", "name": "重复", "unit": "SCJ"})
    assert duplicate.status_code == 409 and duplicate.json()["field"] == "number"
    assert audit_count(db_url) == before


def test_pages_units_and_windows(page_client, db_url):
    office = make_office(db_url)
    admin = page_client(office.admin)
    created = admin.post("/staff/admin/units", data={"code": "ZJJ", "name": "县住建局", "credit_code": CREDIT_CODE,
                                                     "region": "", "email": "", "mobile": ""})
    assert created.status_code == 303
    listing = admin.get("/staff/admin/units")
    assert "已新建部门 ZJJ" in listing.text and CREDIT_CODE in listing.text and "table-wrap" in listing.text
    bad = admin.post("/staff/admin/units/ZJJ", data={"name": "县住建局", "credit_code": "123"})
    assert bad.status_code == 422 and 'data-field="credit_code"' in bad.text
    assert admin.post("/staff/admin/units/ZJJ", data={"name": "县住建局", "credit_code": ""}).status_code == 303
    assert _unit(db_url, "ZJJ").credit_code is None
    assert admin.post("/staff/admin/units/ZJJ/active", data={"active": "false"}).status_code == 303
    assert _unit(db_url, "ZJJ").active is False
    refused = admin.post("/staff/admin/units/SCJ/active", data={"active": "false"})
    assert refused.status_code == 409 and "名在岗人员，请先将其调离或停用" in refused.text
    assert admin.post("/staff/admin/windows", data={"number": "C01", "name": "收费窗口", "unit": "SCJ"}
                      ).status_code == 303
    assert admin.post("/staff/admin/windows/C01", data={"name": "综合收费窗口", "unit": "SWJ"}).status_code == 303
    with db.reading(db_url) as session:
        window = session.scalar(select(Window).where(Window.number == "C01"))
        assert (window.name, window.unit.code) == ("综合收费窗口", "SWJ")
    assert "综合收费窗口" in admin.get("/staff/admin/windows").text


def test_organisation_pages_label_every_field(page_client, db_url):
    office = make_office(db_url)
    assert_labelled(page_client(office.admin), "/staff/admin/units", "/staff/admin/units/SCJ",
                    "/staff/admin/windows", "/staff/admin/windows/A01")
