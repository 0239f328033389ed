"""The public service guide (办事指南) and the home page: search, filters, pagination, every element of an
item's guide [GB/T 39046-2020 as summarised in approval-and-supervision.md, "The item catalogue"], the
items API, and bad input."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.approval_factories import Hall, make_hall, make_item
from tests.factories import make_window
from tests.web.test_hall import accept, complete
from yangguang.approval.catalogue import item_guide
from yangguang.approval.models import Item
from yangguang.core import db


def catalogue(session) -> Hall:
    """Three items of the market regulator (行政许可), one 公共服务 item of the tax office, one withdrawn."""
    hall = make_hall(session)
    make_window(session, hall.unit, "A02", "市场监管第二窗口")
    tax = make_item(session, hall.other_unit, impl_code="SWJ-0001", name="纳税信用等级查询", promised=3,
                    statutory=20, consult_phone="0571-12366")
    tax.item_type = "20"
    make_item(session, hall.unit, impl_code="SCJ-0099", name="已取消的食品许可", active=False)
    return hall


def build_catalogue(db_url: str) -> None:
    with db.transaction(db_url) as session:
        catalogue(session)


def _codes(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


def test_items_list_search_filter_and_paginate(client, db_url):
    build_catalogue(db_url)
    every = client.get("/api/v1/items").json()
    assert (every["total"], every["page"], every["per_page"]) == (4, 1, 20)
    assert [i["code"] for i in every["items"]] == ["SCJ-0001", "SCJ-0002", "SCJ-0003", "SWJ-0001"]
    first = every["items"][0]
    assert first == {"code": "SCJ-0001", "basic_code": "SCJ-B", "name": "食品经营许可", "unit": "SCJ",
                     "unit_name": "县市场监督管理局", "kind": "01", "kind_label": "行政许可",
                     "promised_limit": "10个工作日", "online": False}
    assert _codes(client.get("/api/v1/items", params={"q": "联合"})) == ["SCJ-0003"]
    assert _codes(client.get("/api/v1/items", params={"q": "swj-00"})) == ["SWJ-0001"]  # in any case, any backend
    assert _codes(client.get("/api/v1/items", params={"q": "%"})) == []  # a wildcard is a plain character
    assert _codes(client.get("/api/v1/items", params={"unit": "SWJ"})) == ["SWJ-0001"]
    assert _codes(client.get("/api/v1/items", params={"kind": "01"})) == ["SCJ-0001", "SCJ-0002", "SCJ-0003"]
    assert _codes(client.get("/api/v1/items", params={"kind": "20", "unit": "SCJ"})) == []
    second = client.get("/api/v1/items", params={"per_page": 3, "page": 2}).json()
    assert (second["total"], [i["code"] for i in second["items"]]) == (4, ["SWJ-0001"])


@pytest.mark.parametrize(("params", "field"), [
    ({"q": "食" * 51}, "q"), ({"per_page": 0}, "per_page"), ({"page": 0}, "page"), ({"kind": "99"}, "kind"),
    ({"unit": "NOPE"}, "unit"), ({"q": "a\x00b"}, "q")])
def test_bad_list_input_names_the_field(client, db_url, params, field):
    build_catalogue(db_url)
    api = client.get("/api/v1/items", params=params)
    assert api.status_code == 422 and api.json()["field"] == field
    page = client.get("/guide", params=params)
    assert page.status_code == 422 and f'data-field="{field}"' in page.text


def test_guide_page_lists_filters_and_pages(client, db_url):
    build_catalogue(db_url)
    page = client.get("/guide", params={"kind": "01", "per_page": 2})
    assert page.status_code == 200
    assert "共 3 个事项" in page.text and "第 1 / 2 页" in page.text
    assert '<a href="/guide/SCJ-0001">食品经营许可</a>' in page.text and "SCJ-0003" not in page.text
    assert 'href="/guide?kind=01&amp;page=2&amp;per_page=2" rel="next"' in page.text
    assert 'rel="prev"' not in page.text
    assert '<option value="01" selected>行政许可</option>' in page.text
    assert '<option value="SWJ">县税务局</option>' in page.text
    for field in ("guide-q", "guide-unit", "guide-kind"):
        assert f'<label for="{field}">' in page.text and f'id="{field}"' in page.text
    last = client.get("/guide", params={"kind": "01", "per_page": 2, "page": 2})
    assert "企业开办联合审批" in last.text and 'rel="prev"' in last.text and 'rel="next"' not in last.text
    none = client.get("/guide", params={"q": "不存在的事项"})
    assert "没有符合条件的事项" in none.text
    beyond = client.get("/guide", params={"page": 9})
    assert beyond.status_code == 200 and "没有第 9 页" in beyond.text and 'rel="next"' not in beyond.text


def _leaves(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from _leaves(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _leaves(inner)
    else:
        yield str(value)


def test_guide_detail_shows_every_element(client, db_url):
    """Every element of catalogue.item_guide appears on the page under its label [GB/T 39046-2020]."""
    build_catalogue(db_url)
    with db.reading(db_url) as session:
        guide = item_guide(session.scalar(select(Item).where(Item.impl_code == "SCJ-0001")))
    page = client.get("/guide/SCJ-0001")
    assert page.status_code == 200
    text = html.unescape(page.text)
    labels = [label for section in guide.values() if isinstance(section, dict) for label in section]
    labels += [label for section in guide.values() if isinstance(section, list) and section for label in section[0]]
    missing = [v for v in [*guide, *labels, *_leaves(guide)] if v not in text]
    assert missing == []
    for element in ("设定依据", "受理条件", "法定办结时限", "承诺办结时限", "收费标准", "收费依据", "办理地点",
                    "咨询电话", "监督投诉电话", "申请材料", "流程环节"):
        assert element in text, element
    assert "50.00元" in text and "省物价局收费文件" in text  # the fee with its standard and basis
    assert "A01 号窗口：市场监管综合窗口" in text and "A02 号窗口：市场监管第二窗口" in text


def test_item_guide_api(client, db_url):
    build_catalogue(db_url)
    body = client.get("/api/v1/items/SCJ-0001").json()
    with db.reading(db_url) as session:
        guide = item_guide(session.scalar(select(Item).where(Item.impl_code == "SCJ-0001")))
    assert (body["code"], body["name"], body["version"]) == ("SCJ-0001", "食品经营许可", 1)
    assert body["sections"] == {name: value for name, value in guide.items() if isinstance(value, dict)}
    assert body["materials"][0] == {"seq": 1, "name": "食品经营许可申请书", "form": "原件", "copies": 1,
                                    "required": True, "sample": "无"}
    assert body["materials"][3]["required"] is False
    assert [s["name"] for s in body["steps"]] == ["受理", "审查", "决定", "办结", "送达"]
    assert body["steps"][1] == {"seq": 20, "name": "审查", "handler": "审批人员", "limit": "4个工作日",
                                "parallel": False, "first_review": False}
    assert body["windows"] == [{"number": "A01", "name": "市场监管综合窗口"},
                               {"number": "A02", "name": "市场监管第二窗口"}]
    parallel = client.get("/api/v1/items/SCJ-0003").json()
    assert parallel["steps"][1]["parallel"] is True
    assert parallel["sections"]["基本信息"]["共同实施部门"] == "县税务局、县住房和城乡建设局"


@pytest.mark.parametrize("code", ["NOPE-1", "SCJ-0099"])
def test_unknown_or_withdrawn_item_is_not_found(client, db_url, code):
    build_catalogue(db_url)
    page = client.get(f"/guide/{code}")
    assert page.status_code == 404 and "未找到" in page.text
    api = client.get(f"/api/v1/items/{code}")
    assert api.status_code == 404 and api.json()["field"] == "item"


def test_home_page(client, db_url):
    with db.transaction(db_url) as session:
        hall = catalogue(session)
        now = datetime.now(UTC)
        complete(session, hall, accept(session, hall, now), now)
        accept(session, hall, now)
    page = client.get("/")
    assert page.status_code == 200
    values = re.findall(r'<span class="value">([^<]*)</span>', page.text)
    assert values == ["4", "1", "100.0%"]  # 4 items published (not the withdrawn one), 1 completed, on time
    assert 'action="/guide"' in page.text and 'action="/progress"' in page.text
    assert 'href="/hall"' in page.text and 'href="/rankings"' in page.text
    for field in ("home-q", "home-number", "home-code"):
        assert f'<label for="{field}">' in page.text
    assert "echarts" not in page.text  # charts load only where there are charts
