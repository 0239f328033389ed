"""Broken links (国办发〔2015〕15号 网站可用性: 链接可用性) and wrong links (错链, monitoring vendors' practice)."""

from __future__ import annotations

from yangguang.inspection.checklist import DOWNLOADS, HOMEPAGE_LINKS, OTHER_LINKS, WRONG_LINKS
from yangguang.inspection.checks import DEDUCTION
from yangguang.inspection.checks.links import broken_link_findings, redirect_findings, wrong_link_findings
from yangguang.inspection.fetched import LinkStatus
from yangguang.inspection.linkstore import BrokenLink

from .page_factory import SITE, make_page

ORGANS = {"中国政府网": "gov.cn", "国务院": "gov.cn"}


def test_broken_links_on_the_homepage_other_pages_and_downloads_feed_their_own_indicators():
    broken = [
        BrokenLink(SITE, SITE + "gone.html", 404, "失效新闻", None),
        BrokenLink(SITE + "news/", "http://other.example.com/x", None, "站外", error="connection"),
        BrokenLink(SITE + "guide/", SITE + "forms/apply.docx", 404, "申请表下载", None),
    ]
    findings = broken_link_findings(broken, [SITE])
    assert [(f.checklist_item, f.severity) for f in findings] == [
        (HOMEPAGE_LINKS, DEDUCTION), (OTHER_LINKS, DEDUCTION), (DOWNLOADS, DEDUCTION)]
    first, second, _ = findings
    assert first.evidence == {"page": SITE, "link": SITE + "gone.html", "text": "失效新闻", "status": 404,
                              "scope": "站内"}
    assert "首页站内链接失效" in first.detail and "HTTP 404" in first.detail
    assert second.evidence["scope"] == "站外" and "connection" in second.detail


def test_a_link_whose_text_names_a_host_must_lead_there():
    page = make_page("""<a href="http://www.gov.cn/">www.gov.cn</a>
        <a href="http://fake.example.com/">中国政府网 www.gov.cn</a>
        <a href="/notice.html">关于启用 www.example.gov.cn 新域名的通知</a>""")
    [finding] = wrong_link_findings(page, ORGANS)
    assert finding.checklist_item == WRONG_LINKS
    assert finding.evidence["link"] == "http://fake.example.com/"
    assert "www.gov.cn" in finding.detail and "fake.example.com" in finding.detail


def test_a_link_named_after_an_organ_must_lead_to_its_domain():
    page = make_page("""<a href="http://www.gov.cn/">国务院</a>
        <a href="http://parked.example.net/">中国政府网</a>
        <a href="/a.html">国务院关于印发某方案的通知</a>""")
    [finding] = wrong_link_findings(page, ORGANS)
    assert finding.evidence == {"page": SITE, "link": "http://parked.example.net/", "text": "中国政府网"}


def test_an_ip_address_in_link_text_is_compared_with_host_and_port():
    page = make_page('<a href="http://127.0.0.1:8002/">127.0.0.1:8001</a><a href="http://127.0.0.1:8001/x">'
                     '127.0.0.1:8001</a>')
    assert [f.evidence["link"] for f in wrong_link_findings(page, {})] == ["http://127.0.0.1:8002/"]


def test_an_external_link_redirecting_to_an_unrelated_domain_is_a_wrong_link():
    external = {"http://old-partner.example.org/": (SITE, "合作单位"),
                "http://www.example.com/": (SITE, "同域跳转"),
                "http://zwfw.example.gov.cn/": (SITE, "政务服务网")}
    statuses = {
        "http://old-partner.example.org/": LinkStatus("http://old-partner.example.org/", 200,
                                                       final_url="http://casino-parking.example.net/"),
        "http://www.example.com/": LinkStatus("http://www.example.com/", 200, final_url="https://example.com/a"),
        "http://zwfw.example.gov.cn/": LinkStatus("http://zwfw.example.gov.cn/", 200,
                                                   final_url="https://sso.other.gov.cn/login"),
    }
    [finding] = redirect_findings(external, statuses, ["gov.cn"])
    assert finding.checklist_item == WRONG_LINKS
    assert finding.evidence["final_url"] == "http://casino-parking.example.net/"
    assert finding.evidence["text"] == "合作单位" and finding.url == SITE
