"""The administrator's catalogue: upload import (all or nothing, per-row report), export, versions.

Format and all-or-nothing rule: docs/catalogue-format.md; elements: GB/T 39046-2020 as summarised in
approval-and-supervision.md.
"""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.web.admin_support import assert_admin_only, assert_labelled, audit_count, make_office
from yangguang.approval.models import Item, ItemVersion
from yangguang.core import db

ROUTES = [("POST", "/api/v1/admin/catalogue/import"), ("GET", "/api/v1/admin/catalogue/export"),
          ("GET", "/api/v1/admin/catalogue/items/X/history"),
          ("GET", "/staff/admin/catalogue"), ("POST", "/staff/admin/catalogue/import"),
          ("GET", "/staff/admin/catalogue/export"), ("GET", "/staff/admin/catalogue/items/X")]
HEADERS = ["事项名称", "基本编码", "实施编码", "事项类型", "行使层级", "实施主体", "法定办结时限", "承诺办结时限",
           "申请材料", "流程环节"]
STEPS = "受理|窗口人员|1→审查|审批人员|5→决定|单位负责人|3→办结|窗口人员|1"


def catalogue_csv(*rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def item_row(code: str, name: str = "食品经营许可", promised: str = "10", **over: str) -> dict[str, str]:
    return {"事项名称": name, "基本编码": "000201001000", "实施编码": code, "事项类型": "01", "行使层级": "4",
            "实施主体": "SCJ", "法定办结时限": "20", "承诺办结时限": promised,
            "申请材料": "食品经营许可申请书|原件|1|必要", "流程环节": STEPS, **over}


GOOD = catalogue_csv(item_row("11330XXX000201001000"), item_row("11330XXX000201002000", "食品生产许可"))


def _items(db_url: str) -> dict[str, int]:
    with db.reading(db_url) as session:
        return {item.impl_code: item.version for item in session.scalars(select(Item))}


def _upload(client, content: bytes, name: str = "目录.csv", path: str = "/api/v1/admin/catalogue/import"):
    return client.post(path, files={"file": (name, content, "text/csv")})


def test_only_administrators_reach_any_catalogue_route(client, api_client, page_client, db_url):
    office = make_office(db_url)
    assert_admin_only(client, api_client(office.clerk), page_client(office.clerk), ROUTES)


def test_import_then_update_makes_a_new_version(api_client, db_url):
    """A row whose 实施编码 exists updates that item, as a new version [catalogue-format.md]."""
    office = make_office(db_url)
    admin = api_client(office.admin)
    first = _upload(admin, GOOD)
    assert first.status_code == 200, first.text
    assert (first.json()["ok"], first.json()["file"], first.json()["created"]) == (
        True, "目录.csv", ["11330XXX000201001000", "11330XXX000201002000"])
    second = _upload(admin, catalogue_csv(item_row("11330XXX000201001000", promised="12"),
                                          item_row("11330XXX000201002000", "食品生产许可")))
    assert second.status_code == 200, second.text
    assert (second.json()["updated"], second.json()["unchanged"]) == (["11330XXX000201001000"],
                                                                      ["11330XXX000201002000"])
    assert _items(db_url) == {"11330XXX000201001000": 2, "11330XXX000201002000": 1}
    history = admin.get("/api/v1/admin/catalogue/items/11330XXX000201001000/history").json()
    assert [(v["version"], v["changed_by"], v["changed"]) for v in history] == [
        (1, "admin1", []), (2, "admin1", ["承诺办结时限"])]


def test_a_bad_file_is_rejected_with_every_row_error_and_changes_nothing(api_client, db_url):
    """All or nothing: one bad row rejects the file; every (row, column, reason) is reported
    [catalogue-format.md]."""
    office = make_office(db_url)
    admin = api_client(office.admin)
    _upload(admin, GOOD)
    before_items, before_audit = _items(db_url), audit_count(db_url)
    bad = catalogue_csv(item_row("11330XXX000201001000", promised="12"),   # a valid change, not applied
                        item_row("11330XXX000201003000", 事项类型="99"),
                        item_row("11330XXX000201004000", 实施主体="NOPE", 法定办结时限="abc"))
    response = _upload(admin, bad)
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "file" and "未导入任何内容" in body["reason"]
    errors = [(e["row"], e["column"]) for e in body["report"]["errors"]]
    assert (3, "事项类型") in errors and (4, "实施主体") in errors and (4, "法定办结时限") in errors
    assert body["report"]["ok"] is False and body["report"]["file"] == "目录.csv"
    assert _items(db_url) == before_items and audit_count(db_url) == before_audit
    with db.reading(db_url) as session:
        assert session.scalar(select(func.count()).select_from(ItemVersion)) == 2


def test_uploads_that_are_not_catalogues(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    before = audit_count(db_url)
    for name, content in (("目录.txt", GOOD), ("目录.csv", b""), ("目录.xlsx", b"not a zip"),
                          ("目录.csv", "名称\n".encode("gbk") + b"\xff\xfe")):
        response = _upload(admin, content, name)
        assert response.status_code == 422 and response.json()["field"] == "file", (name, response.text)
    assert admin.post("/api/v1/admin/catalogue/import").json()["field"] == "file"
    assert audit_count(db_url) == before and _items(db_url) == {}


def test_upload_size_is_capped(api_client, db_url, monkeypatch):
    """[admin] catalogue_upload_max_kb caps an upload."""
    from yangguang.web.admin import common

    monkeypatch.setattr(common, "config_section", lambda name: {"catalogue_upload_max_kb": 1})
    office = make_office(db_url)
    response = _upload(api_client(office.admin), GOOD + b"\n" * 2000)
    assert response.status_code == 422 and "超过 1 KB" in response.json()["reason"]
    assert _items(db_url) == {}


def test_export_round_trips(api_client, db_url):
    office = make_office(db_url)
    admin = api_client(office.admin)
    _upload(admin, GOOD)
    exported = admin.get("/api/v1/admin/catalogue/export?format=csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [r["实施编码"] for r in rows] == ["11330XXX000201001000", "11330XXX000201002000"]
    again = _upload(admin, exported.content)
    assert again.json()["unchanged"] == ["11330XXX000201001000", "11330XXX000201002000"]
    workbook = admin.get("/api/v1/admin/catalogue/export?format=xlsx")
    sheet = load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    assert sheet.max_row == 3
    assert admin.get("/api/v1/admin/catalogue/export?format=pdf").json()["field"] == "format"


def test_history_of_unknown_item(api_client, db_url):
    office = make_office(db_url)
    response = api_client(office.admin).get("/api/v1/admin/catalogue/items/NOPE/history")
    assert response.status_code == 404 and response.json()["field"] == "item"


def test_page_import_report_and_history(page_client, db_url):
    office = make_office(db_url)
    admin = page_client(office.admin)
    ok = _upload(admin, GOOD, path="/staff/admin/catalogue/import")
    assert ok.status_code == 200 and "导入成功" in ok.text and "11330XXX000201002000" in ok.text
    rejected = _upload(admin, catalogue_csv(item_row("11330XXX000201005000", 承诺办结时限="0")),
                       path="/staff/admin/catalogue/import")
    assert rejected.status_code == 422 and "未导入" in rejected.text and "承诺办结时限" in rejected.text
    assert "目录没有任何改动" in rejected.text and "table-wrap" in rejected.text
    assert "11330XXX000201005000" not in _items(db_url)
    history = admin.get("/staff/admin/catalogue/items/11330XXX000201001000")
    assert history.status_code == 200 and "版本记录" in history.text and "admin1" in history.text
    download = admin.get("/staff/admin/catalogue/export?format=xlsx")
    assert download.status_code == 200 and download.content[:2] == b"PK"


def test_page_labels_every_field(page_client, db_url):
    office = make_office(db_url)
    assert_labelled(page_client(office.admin), "/staff/admin/catalogue")
