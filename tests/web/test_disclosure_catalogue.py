"""The public catalogue (政府信息公开目录), items by index number, guides and the landing page: only
published items, search and filters, no account needed.

Sources: 政府信息公开条例 Art. 12 (guide and catalogue); shared/domain/disclosure.md (catalogue data).
"""

from __future__ import annotations

import pytest

from tests.web.publication_helpers import (
    DRAFTER,
    ORGAN,
    ORGAN_NAME,
    approved,
    build_organs,
    draft,
    published,
    submitted,
    today,
)

API = "/api/v1/disclosure"


@pytest.fixture
def organs(db_url):
    build_organs(db_url)


def test_only_published_items_are_listed_and_search_works(organs, client, db_url):
    first = published(db_url, title="关于食品安全检查的通知", subject_words="食品")
    second = published(db_url, title="年度统计公报", category="04", body="统计数据全文。")
    draft(db_url, title="尚未审查的草稿")
    submitted(db_url, title="审查中的事项")
    approved(db_url, title="审查通过未发布")
    found = client.get(f"{API}/catalogue").json()
    assert found["total"] == 2 and {i["index_number"] for i in found["items"]} == {first, second}
    assert [i["index_number"] for i in client.get(f"{API}/catalogue", params={"q": "食品"}).json()["items"]] == [first]
    assert client.get(f"{API}/catalogue", params={"category": "04"}).json()["items"][0]["title"] == "年度统计公报"
    assert client.get(f"{API}/catalogue", params={"unit": ORGAN, "year": int(today()[:4])}).json()["total"] == 2
    assert client.get(f"{API}/catalogue", params={"year": 2001}).json()["total"] == 0
    assert client.get(f"{API}/catalogue", params={"category": "99"}).status_code == 422
    assert client.get(f"{API}/catalogue", params={"unit": "NOPE"}).status_code == 404
    item = client.get(f"{API}/catalogue/{first}").json()
    assert (item["unit_name"], item["subject_words"], item["category_label"]) == (ORGAN_NAME, "食品", "政策文件")
    assert client.get(f"{API}/catalogue/{first}X").status_code == 404

    page = client.get("/disclosure/catalogue?q=食品")
    assert page.status_code == 200 and "关于食品安全检查的通知" in page.text and "年度统计公报" not in page.text
    everything = client.get("/disclosure/catalogue").text
    for hidden in ("尚未审查的草稿", "审查中的事项", "审查通过未发布"):
        assert hidden not in everything
    assert client.get("/disclosure/catalogue?year=abc").status_code == 422
    detail = client.get(f"/disclosure/items/{first}")
    assert detail.status_code == 200
    for label in ("索引号", "分类", "发布机构", "文号", "成文日期", "发布日期", "主题词", first, ORGAN_NAME):
        assert label in detail.text
    assert client.get("/disclosure/items/NOPE/01-2026-00001").status_code == 404


def test_the_landing_page_links_everything(organs, client, db_url):
    index_number = published(db_url)
    page = client.get("/disclosure")
    assert page.status_code == 200
    for link in ("/disclosure/catalogue", "/disclosure/apply", "/disclosure/progress", "/disclosure/reports",
                 f"/disclosure/guide/{ORGAN}", f"/disclosure/items/{index_number}"):
        assert f'href="{link}' in page.text


def test_the_guide_page(organs, client, api_client):
    assert "政府信息公开指南" in client.get(f"/disclosure/guide/{ORGAN}").text
    api_client(DRAFTER).put(f"{API}/guides/{ORGAN}", json={"text": "第一段。\n\n第二段。", "phone": "0571-1234567"})
    page = client.get(f"/disclosure/guide/{ORGAN}")
    assert "第二段。" in page.text and "0571-1234567" in page.text
    assert client.get("/disclosure/guide/NOPE").status_code == 404
