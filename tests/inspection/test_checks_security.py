"""Hidden links, gambling and pornography links, defacement, injected scripts, HTTPS and mixed content
(国办秘函〔2019〕19号 单项否决 安全、泄密事故等严重问题; the 篡改、暗链与挂马 and HTTPS deductions after monitoring
vendors)."""

from __future__ import annotations

import pytest

from yangguang.core.settings import reset_settings
from yangguang.inspection.checklist import HTTPS, TAMPERING, VETO_SECURITY
from yangguang.inspection.checks import DEDUCTION, INFO, VETO
from yangguang.inspection.checks.hidden import hidden_findings, hiding_trick
from yangguang.inspection.checks.keywords import KeywordMatcher
from yangguang.inspection.checks.tampering import baseline_findings, script_findings, similarity
from yangguang.inspection.checks.transport import mixed_content_findings, site_https_findings
from yangguang.inspection.indicators import load_indicators

from .page_factory import SITE, make_page, text_of

MATCHER = KeywordMatcher({"gambling": ["百家乐", "casino"], "pornography": ["成人视频"]})
GOV = ["gov.cn"]


@pytest.mark.parametrize(("style", "trick"), [
    ("display:none", "display:none"), ("DISPLAY: none !important", "display:none"),
    ("visibility:hidden", "visibility:hidden"), ("font-size:0px", "font-size:0"), ("font-size: 0", "font-size:0"),
    ("height:0;overflow:hidden", "height:0;overflow:hidden"), ("position:absolute;left:-9999px", "position 移出屏幕"),
    ("position:absolute; top:-1000px", "position 移出屏幕"), ("text-indent:-9999px", "text-indent 移出屏幕"),
    ("opacity:0", "opacity:0"), ("color:red", None), ("height:0", None), ("position:absolute;left:-20px", None),
])
def test_css_tricks_that_hide(style, trick):
    assert hiding_trick(style) == trick


def test_an_external_link_hidden_with_css_is_a_hidden_link():
    page = make_page("""<div style="position:absolute;left:-3000px"><a href="http://spam.example.com/">友情</a></div>
        <marquee height="1"><a href="http://spam2.example.com/">滚动</a></marquee>
        <style>.hide, .x { display: none }</style><p class="hide"><a href="http://spam3.example.com/">类</a></p>
        <ul style="display:none"><li><a href="http://www.zj.gov.cn/">浙江省人民政府</a></li>
          <li><a href="/inner.html">站内菜单</a></li></ul>
        <a href="http://visible.example.com/">可见站外</a>""")
    findings = hidden_findings(page, text_of(page), MATCHER, GOV)
    assert [(f.evidence["link"], f.severity, f.checklist_item) for f in findings] == [
        ("http://spam.example.com/", DEDUCTION, TAMPERING), ("http://spam2.example.com/", DEDUCTION, TAMPERING),
        ("http://spam3.example.com/", DEDUCTION, TAMPERING)]
    assert findings[1].evidence["hidden"] == "marquee 高度或宽度不超过 2 像素"
    assert findings[0].evidence["text"] == "友情" and "暗链" in findings[0].detail


def test_a_hidden_or_external_gambling_link_is_the_veto_and_a_visible_internal_one_is_for_a_person():
    page = make_page("""<div style="display:none"><a href="http://bet.example.com/">百家乐</a></div>
        <a href="http://x.example.com/casino">看这里</a>
        <a href="/news/crackdown.html">我县打击非法成人视频传播</a>""")
    findings = hidden_findings(page, text_of(page), MATCHER, GOV)
    assert [(f.severity, f.checklist_item) for f in findings] == [(VETO, VETO_SECURITY), (VETO, VETO_SECURITY),
                                                                   (INFO, VETO_SECURITY)]
    assert findings[0].evidence["keywords"] == ["百家乐"]
    assert findings[1].evidence["keywords"] == ["casino"]


def test_gambling_words_hidden_in_text_are_the_veto_visible_ones_for_a_person():
    hidden = make_page('<p>正文</p><div style="font-size:0">百家乐 开户</div>')
    [finding] = hidden_findings(hidden, text_of(hidden), MATCHER, GOV)
    assert (finding.severity, finding.evidence["hidden"]) == (VETO, "font-size:0")
    visible = make_page("<p>警方破获一起利用百家乐赌博的案件</p>")
    [finding] = hidden_findings(visible, text_of(visible), MATCHER, GOV)
    assert finding.severity == INFO and "百家乐" in finding.evidence["excerpt"]


def test_similarity_of_shingles():
    text = "县人民政府办公室关于做好春节期间安全生产工作的通知，各乡镇人民政府。"
    assert similarity(text, text) == 1.0
    assert similarity("", "") == 1.0
    assert similarity(text, "黑客到此一游 hacked by someone 黑客到此一游") == 0.0


def test_a_page_changed_beyond_its_baseline_is_suspected_defacement():
    baseline = "欢迎访问某县人民政府门户网站。工作动态、通知公告、政策文件、政务服务、互动交流。"
    changed = baseline.replace("政务服务", "政务服务 在线")
    assert baseline_findings(SITE, changed, baseline, threshold=0.5) == []
    [finding] = baseline_findings(SITE, "Hacked by X! 本站已被黑。", baseline, threshold=0.5)
    assert (finding.severity, finding.checklist_item) == (DEDUCTION, TAMPERING)
    assert finding.evidence["similarity"] == 0.0 and finding.evidence["excerpt"].startswith("Hacked")


def test_scripts_from_unlisted_hosts_and_obfuscated_inline_scripts():
    page = make_page("""<script src="/js/site.js"></script><script src="http://hm.baidu.com/h.js"></script>
        <script src="http://evil.example.com/x.js"></script>
        <script>document.write(unescape("%3Ca href='http://spam.example.com'%3E"));</script>
        <script>eval(String.fromCharCode(99)); var u = "http://bet.example.com/百家乐";</script>
        <script>document.write("<p>版权所有</p>");</script>""")
    findings = script_findings(page, MATCHER, ["hm.baidu.com", "gov.cn"])
    assert [(f.check, f.severity) for f in findings] == [
        ("tampering.script", DEDUCTION), ("tampering.inline_script", DEDUCTION), ("tampering.inline_script", VETO)]
    assert findings[0].evidence["link"] == "http://evil.example.com/x.js"


def test_a_site_over_plain_http_or_not_redirecting_to_https():
    [plain] = site_https_findings(make_page("<p>x</p>", "http://www.example.gov.cn/"))
    assert (plain.checklist_item, plain.severity) == (HTTPS, DEDUCTION)
    secure = make_page("<p>x</p>", "https://www.example.gov.cn/")
    assert site_https_findings(secure, "https://www.example.gov.cn/") == []
    assert site_https_findings(secure, None) == []
    [redirect] = site_https_findings(secure, "http://www.example.gov.cn/")
    assert redirect.check == "transport.redirect"


def test_an_https_page_loading_http_resources_is_mixed_content():
    page = make_page("""<img src="http://www.example.gov.cn/a.png"><script src="http://cdn.example.com/j.js"></script>
        <img src="https://www.example.gov.cn/b.png"><a href="http://www.example.gov.cn/page.html">链接不算</a>""",
                     "https://www.example.gov.cn/")
    [finding] = mixed_content_findings(page)
    assert finding.evidence["resources"] == ["http://cdn.example.com/j.js", "http://www.example.gov.cn/a.png"]
    assert mixed_content_findings(make_page('<img src="http://x.example.com/a.png">')) == []


def test_a_deployment_extends_the_packaged_keyword_lists(tmp_path, monkeypatch):
    extra = tmp_path / "keywords.toml"
    extra.write_text('gambling = ["某某彩票网"]\n', encoding="utf-8")
    config = tmp_path / "yangguang.toml"
    config.write_text(f'[inspection]\nkeywords_file = "{extra.as_posix()}"\n', encoding="utf-8")
    monkeypatch.setenv("YANGGUANG_CONFIG", str(config))
    reset_settings()
    try:
        keywords = load_indicators().keywords
    finally:
        monkeypatch.delenv("YANGGUANG_CONFIG")
        reset_settings()
    assert "某某彩票网" in keywords["gambling"] and "百家乐" in keywords["gambling"]
    assert KeywordMatcher(keywords).find("访问某某彩票网") == [("某某彩票网", "gambling")]
