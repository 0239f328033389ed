"""Letters to the applicant (disclosure/letters.py), rendered as DOCX and read back with python-docx."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from docx.oxml.ns import qn

from tests.disclosure.application_factories import make_org, submit
from tests.factories import at
from yangguang.core.errors import Conflict, InvalidInput
from yangguang.disclosure import letters
from yangguang.disclosure.codes import OUTCOMES
from yangguang.disclosure.service import applications as service
from yangguang.reports import docx as report_docx


@pytest.fixture
def org(db):
    return make_org(db)


def read(data: bytes) -> tuple[docx.document.Document, str]:
    document = docx.Document(io.BytesIO(data))
    return document, "\n".join(p.text for p in document.paragraphs)


def test_reply_letter_states_outcome_reason_basis_fee_and_remedies(db, org):
    """The reply gives the outcome with its reason and legal basis [条例 Art. 36] and the remedies: review
    within 60 days [行政复议法 (2023) Art. 20], a lawsuit within 6 months [行政诉讼法 Art. 46]."""
    application = submit(db, org, "2026-03-02 09:30")
    service.charge_fee(db, org.officer, application, method="per_volume", pages=120, deadline=date(2026, 3, 31),
                       at=at("2026-03-03 10:00"))
    service.record_fee_paid(db, org.officer, application, on=date(2026, 3, 5), at=at("2026-03-05 10:00"))
    service.conclude(db, org.officer, application, outcome="partly_disclosed", reason="第3页含个人隐私，已作区分处理",
                     at=at("2026-03-12 10:00"))
    document, text = read(letters.reply_letter(db, application))
    assert document.paragraphs[0].text == "政府信息公开申请答复书"
    for expected in ("申请编号：YSQ-ZFB-2026-00001", "陈某某：", "2026年3月2日", "本县2025年度财政预算执行情况报告全文",
                     OUTCOMES["partly_disclosed"].label, "第3页含个人隐私，已作区分处理",
                     "依据：《中华人民共和国政府信息公开条例》第三十七条", "信息处理费1100.00元", "共120页",
                     "60日内", "申请行政复议", "6个月内向人民法院提起行政诉讼", "县人民政府办公室（印章）",
                     "2026年3月12日"):
        assert expected in text, expected


def test_reply_letter_names_where_published_or_the_right_organ(db, org):
    """Already public: say where [条例 Art. 36(1)]; not this organ's: name the right one when known [Art. 36(5)]."""
    public = submit(db, org)
    service.conclude(db, org.officer, public, outcome="already_public", where_published="县政府网站“财政资金”栏目",
                     at=at("2026-03-03 10:00"))
    assert "县政府网站“财政资金”栏目" in read(letters.reply_letter(db, public))[1]
    named = submit(db, org)
    service.conclude(db, org.officer, named, outcome="unavailable.not_this_organ", reason="属财政部门职责",
                     right_organ="县财政局", at=at("2026-03-03 10:00"))
    assert "负责公开该政府信息的行政机关为县财政局" in read(letters.reply_letter(db, named))[1]
    unknown = submit(db, org)
    service.conclude(db, org.officer, unknown, outcome="unavailable.not_this_organ", reason="非本机关职责",
                     at=at("2026-03-03 10:00"))
    assert "无法确定负责公开该政府信息的行政机关" in read(letters.reply_letter(db, unknown))[1]


def test_correction_notice_lists_every_item_and_the_deadline(db, org):
    """一次性告知 with a reasonable deadline; the period restarts on correction; missing it abandons [条例 Art. 30]."""
    application = submit(db, org)
    service.request_correction(db, org.officer, application, items=["所需文件的文号", "所属年度"],
                               deadline=date(2026, 3, 20), at=at("2026-03-04 10:00"))
    _, text = read(letters.correction_notice(db, application))
    for expected in ("补正通知书", "1. 所需文件的文号", "2. 所属年度", "2026年3月20日前", "重新计算", "视为放弃申请",
                     "第三十条", "2026年3月4日"):
        assert expected in text, expected


def test_extension_and_fee_notices(db, org):
    """Extension told to the applicant [条例 Art. 33]; fee notice with method, amount and deadline
    [国办函〔2020〕109号]."""
    application = submit(db, org)
    service.extend(db, org.head, application, days=15, reason="需协调多个科室汇总", at=at("2026-03-20 10:00"))
    _, text = read(letters.extension_notice(db, application))
    for expected in ("延期答复告知书", "需协调多个科室汇总", "延长15个工作日", "2026年4月21日", "第三十三条"):
        assert expected in text, expected
    service.charge_fee(db, org.officer, application, method="per_volume", pages=31, deadline=date(2026, 4, 30),
                       at=at("2026-03-23 10:00"))
    _, text = read(letters.fee_notice(db, application))
    for expected in ("收费通知书", "10.00元", "共31页", "2026年4月30日前", "不计算在答复期限内", "2026年3月23日"):
        assert expected in text, expected


def test_letters_that_do_not_exist_yet_are_refused(db, org):
    application = submit(db, org)
    for build in (letters.reply_letter, letters.correction_notice, letters.extension_notice, letters.fee_notice):
        with pytest.raises(Conflict):
            build(db, application)
    with pytest.raises(InvalidInput):
        letters.compose(db, application, "love_letter")


def test_letter_text_matches_the_document(db, org):
    application = submit(db, org)
    service.conclude(db, org.officer, application, outcome="not_handled.repeat", at=at("2026-03-03 10:00"))
    letter = letters.compose(db, application, "reply")
    _, text = read(letters.render(letter))
    assert [line for line in letter.text.split("\n") if line] == [line for line in text.split("\n") if line]


def test_documents_are_a4_with_a_chinese_east_asian_font():
    """Chinese text needs w:eastAsia set, or Word falls back to a Latin font for CJK characters."""
    document = report_docx.new_document()
    report_docx.title(document, "标题")
    report_docx.table(document, ["项目", "数量"], [["申请", 3]])
    reread = docx.Document(io.BytesIO(report_docx.to_bytes(document)))
    fonts = reread.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    section = reread.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [c.text for c in reread.tables[0].rows[1].cells] == ["申请", "3"]
