"""Page text through the disclosure scanner ("涉密信息不上网，上网信息不涉密"; 国办秘函〔2019〕19号 单项否决
安全、泄密事故等严重问题) and service guides (单项否决 服务不实用; 办事指南要素 deduction)."""

from __future__ import annotations

from yangguang.disclosure.service import Scanner
from yangguang.inspection.checklist import GUIDE_ELEMENTS, PERSONAL_INFO, SENSITIVE_WORDS, VETO_SECURITY, VETO_SERVICES
from yangguang.inspection.checks import DEDUCTION, INFO, VETO
from yangguang.inspection.checks.privacy import privacy_findings
from yangguang.inspection.checks.services import guide_findings, online_service_findings

from .page_factory import SITE, make_page, text_of

KEY = ["事项名称", "设定依据", "申请条件", "办理材料"]
OTHER = ["办理地点", "办理时限", "收费"]


def scan(html: str, words=()):
    page = make_page(html)
    return privacy_findings(page.final_url, text_of(page), Scanner(words))


def test_a_secrecy_mark_on_a_page_is_the_veto():
    [finding] = scan("<div><p>秘密★1年</p><h1>关于某事项的通知</h1><script>var s='绝密★长期'</script></div>")
    assert (finding.severity, finding.checklist_item) == (VETO, VETO_SECURITY)
    assert finding.evidence["samples"] == ["秘密★1年"]


def test_a_secrecy_level_alone_on_its_line_counts_the_law_quoted_in_a_sentence_does_not():
    assert [f.severity for f in scan("<p>机密</p><p>正文</p>")] == [VETO]
    assert scan("<p>涉及国家秘密、商业秘密、个人隐私的信息不予公开。</p>") == []


def test_personal_numbers_are_a_deduction_shown_masked_only():
    findings = scan("<table><tr><td>张三</td><td>11010519491231002X</td><td>13812345678</td></tr>"
                    "<tr><td>李四</td><td>13912345678</td></tr></table>")
    by_kind = {f.check: f for f in findings}
    assert {f.checklist_item for f in findings} == {PERSONAL_INFO}
    assert by_kind["privacy.mobile"].evidence["occurrences"] == 2
    shown = str([f.to_dict() for f in findings])
    assert "11010519491231002X" not in shown and "13812345678" not in shown and "13912345678" not in shown


def test_sensitive_words_and_internal_marks():
    findings = scan("<p>这里有违禁词甲。</p><p>【内部资料】</p>", words=["违禁词甲"])
    assert {(f.checklist_item, f.severity) for f in findings} == {(SENSITIVE_WORDS, DEDUCTION), (VETO_SECURITY, INFO)}


GUIDE = """<html><head><title>某某许可办事指南</title></head><body><h1>办事指南</h1>
<p>事项名称：某某许可</p><p>设定依据：某某法第十条</p><p>申请条件：……</p>{more}<p>办理地点：政务服务中心</p></body></html>"""


def test_a_guide_missing_a_key_element_is_the_veto_others_a_deduction():
    guide = make_page(GUIDE.format(more=""))
    findings = guide_findings(guide, text_of(guide), KEY, OTHER)
    assert [(f.checklist_item, f.severity, f.evidence["missing"]) for f in findings] == [
        (VETO_SERVICES, VETO, ["办理材料"]), (GUIDE_ELEMENTS, DEDUCTION, ["办理时限", "收费"])]


def test_a_complete_guide_passes_and_other_pages_are_not_guides():
    complete = GUIDE.format(more="<p>办理材料：身份证</p><p>办理时限：5个工作日</p><p>收费标准：不收费</p>")
    for html in (complete, "<p>新闻：我县召开办理材料精简会议</p>"):
        assert guide_findings(make_page(html), text_of(make_page(html)), KEY, OTHER) == []


def test_no_online_service_entry_is_the_veto():
    [finding] = online_service_findings(0, SITE)
    assert (finding.checklist_item, finding.severity) == (VETO_SERVICES, VETO)
    assert online_service_findings(3, SITE) == []
