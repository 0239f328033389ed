"""The annual report on the web: staff see the draft with the reconciliation, edit sections 一, 五, 六,
publish (refused when the figures do not reconcile, the cells named and highlighted, nothing written) and
download; the public sees published reports only.

Sources: 政府信息公开条例 Art. 49; 国办公开办函〔2021〕30号; shared/domain/disclosure.md "The annual report".
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.disclosure.report_data import application
from tests.web.publication_helpers import DRAFTER, HEAD, ORGAN, OUTSIDER, SUPERVISOR, build_organs, now
from yangguang.core import db
from yangguang.core.clocks import local_day
from yangguang.core.org import Unit
from yangguang.disclosure.models import AnnualReport

API = "/api/v1/disclosure"
YEAR = local_day(now()).year - 1
TEXT = {"overview": "本年公开工作总体情况。", "problems": "存在的问题。", "other_matters": "无其他需要报告的事项。"}


@pytest.fixture
def organs(db_url):
    build_organs(db_url)


def unbalanced(db_url):
    """An application concluded in YEAR without a report row: （七） no longer equals its sub-rows."""
    with db.transaction(db_url) as session:
        unit = session.scalar(select(Unit).where(Unit.code == ORGAN))
        application(session, unit, f"{YEAR}-03-02", concluded=f"{YEAR}-03-20", row=None)


def count_reports(db_url) -> int:
    with db.reading(db_url) as session:
        return session.scalar(select(func.count()).select_from(AnnualReport))


def test_staff_edit_and_publish_a_reconciled_report_and_the_public_sees_it(organs, api_client, client, db_url):
    officer = api_client(DRAFTER)
    url = f"{API}/annual-reports/{ORGAN}/{YEAR}"
    draft = officer.get(url).json()
    assert (draft["state"], draft["editable"], draft["report"]["reconciliation"]["reconciles"]) == ("none", True, True)
    assert client.get(f"{API}/public-reports/{ORGAN}/{YEAR}").status_code == 404
    assert client.get(f"/disclosure/reports/{ORGAN}/{YEAR}").status_code == 404
    refused = officer.post(f"{url}/publish")
    assert refused.status_code == 422 and refused.json()["field"] == "overview"
    assert count_reports(db_url) == 0  # nothing written, not even the draft row
    edited = officer.put(f"{url}/text", json=TEXT).json()
    assert edited["state"] == "draft" and edited["report"]["sections"][0]["text"] == TEXT["overview"]
    published = api_client(HEAD).post(f"{url}/publish").json()
    assert (published["state"], published["editable"]) == ("published", False)
    assert officer.put(f"{url}/text", json=TEXT).status_code == 409
    listed = client.get(f"{API}/public-reports").json()
    assert [(r["unit"], r["year"]) for r in listed] == [(ORGAN, YEAR)]
    assert client.get(f"{API}/public-reports/{ORGAN}/{YEAR}").json()["status"] == "published"
    docx = client.get(f"{API}/public-reports/{ORGAN}/{YEAR}/files/docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert client.get(f"{API}/public-reports/{ORGAN}/{YEAR}/files/xlsx").content[:2] == b"PK"
    page = client.get(f"/disclosure/reports/{ORGAN}/{YEAR}")
    assert page.status_code == 200 and "一、总体情况" in page.text and TEXT["overview"] in page.text
    assert f"/api/v1/disclosure/public-reports/{ORGAN}/{YEAR}/files/docx" in page.text
    assert f"/disclosure/reports/{ORGAN}/{YEAR}" in client.get("/disclosure/reports").text


def test_publication_is_refused_when_the_figures_do_not_reconcile(organs, api_client, page_client, db_url):
    unbalanced(db_url)
    officer = api_client(DRAFTER)
    url = f"{API}/annual-reports/{ORGAN}/{YEAR}"
    officer.put(f"{url}/text", json=TEXT)
    report = officer.get(url).json()["report"]
    assert not report["reconciliation"]["reconciles"]
    response = officer.post(f"{url}/publish")
    assert response.status_code == 409 and response.json()["field"] == "figures"
    assert "“自然人”列" in response.json()["reason"]
    with db.reading(db_url) as session:
        assert session.scalar(select(AnnualReport.state)) == "draft"
    pages = page_client(DRAFTER)
    page = pages.get(f"/staff/disclosure/reports/{ORGAN}/{YEAR}")
    assert page.status_code == 200 and "数据核对未通过" in page.text and 'class="discrepancy"' in page.text
    refusal = pages.post(f"/staff/disclosure/reports/{ORGAN}/{YEAR}/publish")
    assert refusal.status_code == 409 and "年度报告数据核对未通过，不能公开" in refusal.text


def test_staff_pages_edit_the_text(organs, page_client, db_url):
    pages = page_client(DRAFTER)
    index = pages.get("/staff/disclosure/reports")
    assert index.status_code == 200 and "政府信息公开工作年度报告" in index.text
    assert pages.get(f"/staff/disclosure/reports?unit={ORGAN}&year={YEAR}").headers["location"] == \
        f"/staff/disclosure/reports/{ORGAN}/{YEAR}"
    saved = pages.post(f"/staff/disclosure/reports/{ORGAN}/{YEAR}/text", data=TEXT)
    assert saved.status_code == 303
    page = pages.get(saved.headers["location"])
    assert "已保存" in page.text and TEXT["problems"] in page.text


def test_reports_are_scoped_to_the_organ(organs, api_client, client, db_url):
    url = f"{API}/annual-reports/{ORGAN}/{YEAR}"
    assert api_client(OUTSIDER).get(url).status_code == 404
    assert api_client(OUTSIDER).put(f"{url}/text", json=TEXT).status_code == 404
    assert api_client(SUPERVISOR).get(url).status_code == 200
    assert api_client(SUPERVISOR).put(f"{url}/text", json=TEXT).status_code == 403
    assert client.get(url).status_code == 401
    assert api_client(DRAFTER).get(f"{API}/annual-reports/{ORGAN}/2018").status_code == 422
    assert api_client(DRAFTER).get(f"{API}/annual-reports/{ORGAN}/{YEAR + 2}").status_code == 422
    assert api_client(DRAFTER).get(f"{url}/files/pdf").status_code == 422
    html = api_client(DRAFTER).get(f"{url}/files/html")
    assert html.status_code == 200 and "政府信息公开工作年度报告" in html.text
    assert count_reports(db_url) == 0
