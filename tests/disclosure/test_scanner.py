"""The confidentiality scanner: markings, personal numbers, addresses, sensitive words, excerpts, HTML.

Rules come from disclosure.md ("Proactive disclosure and review before publication"), GB 11643-1999
(resident ID numbers, ISO 7064 MOD 11-2 check character) and ISO/IEC 7812-1 (Luhn) for bank cards.
Check characters are computed here independently of the code under test.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yangguang.core.errors import InvalidInput
from yangguang.disclosure.scanner import CHUNK, Finding, Scanner, highlight_html, load_words

TODAY = date(2026, 3, 2)


def id_check(first17: str) -> str:
    """GB 11643-1999: weights 2^(i-1) mod 11 from the right, check = (12 - sum mod 11) mod 11, 10 as X."""
    total = sum(int(d) * pow(2, 17 - k, 11) for k, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_id(province: str = "11", area: str = "0105", born: str = "19491231", sequence: str = "002") -> str:
    first17 = province + area + born + sequence
    return first17 + id_check(first17)


def wrong_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def luhn_complete(partial: str) -> str:
    """Append the ISO/IEC 7812-1 Luhn check digit."""
    for digit in "0123456789":
        candidate = partial + digit
        total = 0
        for position, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if position % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def scan(text: str, words=()):
    return Scanner(words).scan(text, today=TODAY)


def kinds(result) -> list[str]:
    return [f.kind for f in result.findings]


def only(result, kind: str) -> Finding:
    found = [f for f in result.findings if f.kind == kind]
    assert len(found) == 1, result.findings
    return found[0]


# -- resident ID numbers (GB 11643-1999) --------------------------------------------------------------------
def test_gb11643_example_number_with_x_check_character_is_found_and_masked():
    """GB 11643-1999's own example 11010519491231002X: check character X."""
    number = make_id()
    assert number == "11010519491231002X"
    text = f"申请人张三，公民身份号码{number}，现申请公开。"
    finding = only(scan(text), "id_number")
    assert text[finding.start:finding.end] == number
    assert finding.label == "身份证号码"
    assert finding.text == "110105********002X"
    assert number not in finding.excerpt and "110105********002X" in finding.excerpt


def test_lowercase_x_check_character_counts_gb11643():
    number = make_id().lower()
    assert kinds(scan(f"身份证：{number}")) == ["id_number"]


def test_wrong_check_character_is_a_near_miss_not_a_finding_iso7064():
    """ISO 7064 MOD 11-2: a mistyped number is counted as a near miss, never reported."""
    result = scan(f"登记号码{wrong_check(make_id())}与户籍信息不一致。")
    assert result.findings == []
    assert result.near_misses == 1
    assert result.to_dict()["near_misses"] == 1


@settings(max_examples=150, deadline=None)
@given(province=st.sampled_from(["11", "31", "37", "44", "51", "65"]),
       area=st.from_regex(r"[0-9]{4}", fullmatch=True),
       born=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
       sequence=st.from_regex(r"[0-9]{3}", fullmatch=True),
       position=st.sampled_from([2, 3, 4, 5, 14, 15, 16, 17]), data=st.data())
def test_every_valid_id_is_found_and_every_one_digit_corruption_is_a_near_miss_gb11643(
        province, area, born, sequence, position, data):
    """GB 11643-1999 / ISO 7064 MOD 11-2: every weight is non-zero mod 11, so changing any one
    character (outside the province and birth date, which would make it no ID at all) breaks the check."""
    number = make_id(province, area, born.strftime("%Y%m%d"), sequence)
    valid = scan(f"身份证号：{number}。")
    assert [(f.kind, f.start, f.end) for f in valid.findings] == [("id_number", 5, 23)]
    assert valid.near_misses == 0
    choices = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in choices if c != number[position]]))
    corrupted = number[:position] + replacement + number[position + 1:]
    result = scan(f"身份证号：{corrupted}。")
    assert result.findings == [] and result.near_misses == 1


@pytest.mark.parametrize("text", [
    "编号9{}1",  # inside a longer digit run
    "SN{}",  # glued to Latin letters: a serial number
    "金额{}.50元",  # an amount
])
def test_id_inside_a_longer_code_is_not_an_id_gb11643(text):
    result = scan(text.format(make_id("44", "0304", "19800101", "123")))
    assert "id_number" not in kinds(result)


def test_implausible_birth_date_or_province_is_neither_finding_nor_near_miss_gb11643():
    future = make_id(born="20991231")
    no_such_day = make_id(born="19490231")
    no_such_province = make_id(province="99")
    result = scan(f"{future}，{no_such_day}，{no_such_province}")
    assert result.findings == [] and result.near_misses == 0


def test_old_15_digit_numbers_are_not_flagged_they_look_like_business_registration_numbers():
    """Decision (personal_numbers docstring): first-generation 15-digit IDs have no check digit."""
    assert scan("营业执照注册号110108012345678，旧身份证号110105491231002。").findings == []


def test_id_grouped_6_8_4_is_found():
    number = make_id()
    finding = only(scan(f"证件号 {number[:6]} {number[6:14]} {number[14:]} 。"), "id_number")
    assert finding.text == "110105 ******** 002X"


# -- mobile numbers ------------------------------------------------------------------------------------
@pytest.mark.parametrize("written", ["13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000",
                                     "+8613800138000", "86-13800138000", "１３８００１３８０００", "19912345678"])
def test_mobile_formats_are_found_and_masked(written):
    text = f"联系电话：{written}。"
    finding = only(scan(text), "mobile")
    assert text[finding.start:finding.end] == written
    digits = re.sub(r"\D", "", written.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    assert digits[-11:-4] not in re.sub(r"\D", "", finding.text + finding.excerpt)
    assert finding.text.count("*") == 4


@pytest.mark.parametrize("text", ["编号138001380001", "电话010-12345678", "号码12345678901", "型号A13800138000"])
def test_not_mobile_numbers(text):
    assert "mobile" not in kinds(scan(text))


def test_two_mobiles_separated_by_a_space_are_two_findings():
    result = scan("13800138000 13912345678")
    assert [(f.kind, f.start, f.end) for f in result.findings] == [("mobile", 0, 11), ("mobile", 12, 23)]


# -- bank cards (ISO/IEC 7812-1 Luhn) ---------------------------------------------------------------------
def test_luhn_valid_unionpay_cards_16_and_19_digits_plain_and_grouped_iso7812():
    card16 = luhn_complete("622202123456789")
    card19 = luhn_complete("621700001234567890")
    grouped = " ".join(card19[i:i + 4] for i in range(0, 19, 4))
    text = f"卡号{card16}；账号 {grouped} 。"
    result = scan(text)
    cards = [f for f in result.findings if f.kind == "bank_card"]
    assert [text[f.start:f.end] for f in cards] == [card16, grouped]
    assert cards[0].text == card16[:6] + "******" + card16[-4:]
    digit_index = iter(range(19))
    expected = "".join(c if c == " " or not 6 <= next(digit_index) < 15 else "*" for c in grouped)
    assert cards[1].text == expected and expected.count("*") == 9


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[0-9]{12,19}", fullmatch=True))
def test_luhn_check_agrees_with_the_textbook_algorithm_iso7812(digits):
    """ISO/IEC 7812-1 Luhn, against this file's own completion; 79927398713 is the usual worked example."""
    from yangguang.disclosure.personal_numbers import luhn_valid

    assert luhn_valid(digits) == (luhn_complete(digits[:-1]) == digits)
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")


def test_luhn_invalid_card_is_not_a_card_iso7812():
    card = luhn_complete("622202123456789")
    broken = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert "bank_card" not in kinds(scan(f"卡号{broken}"))


def test_luhn_valid_number_without_a_card_prefix_is_not_a_card():
    """Decision: Luhn alone flags one number in ten; only UnionPay, Visa, Mastercard, JCB prefixes count."""
    assert "bank_card" not in kinds(scan(f"合同编号{luhn_complete('910000123456789')}"))


def test_visa_test_number_is_a_card():
    assert kinds(scan("信用卡 4111 1111 1111 1111")) == ["bank_card"]


def test_valid_id_is_never_reported_as_a_card():
    """Decision: a number that is a valid resident ID (GB 11643-1999) is an ID number."""
    number = make_id("62", "0102", "19900101", "123")
    assert kinds(scan(number)) == ["id_number"]


# -- markings (disclosure.md: secrecy and internal-only markings) --------------------------------------
@pytest.mark.parametrize("text, marking", [
    ("秘密★1年\n关于某事的通知", "秘密★1年"),
    ("机密★\n正文", "机密★"),
    ("绝密★长期", "绝密★长期"),
    ("文件头\n密级：秘密\n正文", "秘密"),
    ("机密\n关于某事的请示", "机密"),
    ("【秘密】\n正文", "秘密"),
    ("保密期限 ★5年", "★5年"),
])
def test_secrecy_markings_disclosure_review(text, marking):
    finding = only(scan(text), "secrecy_mark")
    assert text[finding.start:finding.end] == marking
    assert finding.label == "密级标志"


@pytest.mark.parametrize("text", [
    "行政机关不得公开涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害的政府信息。",
    "依法确定为国家秘密的政府信息，法律、行政法规禁止公开的政府信息，不予公开。",
    "工作人员应当保守工作秘密，不得泄露机密事项，严禁以任何形式传播绝密资料的内容。",
    "群众满意度评价：★★★★★，★重点工作按期完成。",
])
def test_secrecy_words_in_running_text_are_not_markings_regulations_art_14_15(text):
    """Decision: 条例 Art. 14-15 themselves speak of 国家秘密 and 商业秘密; a sentence about them is no marking."""
    assert scan(text).findings == []


@pytest.mark.parametrize("text, marking", [
    ("内部资料 注意保存\n正文很长很长", "内部资料"),
    ("【内部】\n正文", "内部"),
    ("内部\n会议纪要", "内部"),
    ("公开属性\n不宜公开\n责任部门", "不宜公开"),
    ("内部文件★", "内部文件"),
])
def test_internal_only_markings_disclosure_review(text, marking):
    finding = only(scan(text), "internal_mark")
    assert text[finding.start:finding.end] == marking
    assert finding.label == "内部标识"


def test_internal_words_in_running_text_are_not_markings():
    text = ("各单位要健全内部控制制度，加强内部审计监督，对不宜公开的事项应当依法说明理由，"
            "工作人员在内部资料的管理中要注意保密，确保各项工作落到实处。")
    assert scan(text).findings == []


# -- home addresses -----------------------------------------------------------------------------------------
def test_home_address_down_to_the_flat_is_found_and_masked():
    text = "当事人张某，住城关镇人民路18号阳光小区3栋2单元501室，现已整改。"
    finding = only(scan(text), "address")
    assert text[finding.start:finding.end] == "城关镇人民路18号阳光小区3栋2单元501室"
    assert finding.text == "城关镇人民路**号阳光小区*栋*单元***室"
    assert "501" not in finding.excerpt


def test_office_address_is_not_a_home_address():
    text = "联系地址：城关镇人民路18号政务服务中心3楼302室，邮政编码：100000。"
    assert "address" not in kinds(scan(text))


# -- sensitive words --------------------------------------------------------------------------------------
def test_overlapping_sensitive_words_longest_wins():
    result = scan("他说起群体性事件和上访。", ["群体", "群体性事件", "性事", "上访"])
    assert [(f.text, f.kind) for f in result.findings] == [("群体性事件", "sensitive_word"), ("上访", "sensitive_word")]


def test_overlapping_sensitive_words_leftmost_wins():
    result = scan("甲乙丙丁", ["甲乙", "乙丙丁"])
    assert [f.text for f in result.findings] == ["甲乙"]


def test_sensitive_words_are_case_insensitive_for_latin_letters():
    result = scan("翻墙用vpn或者VPN都不行，Vpn也不行。", ["VPN"])
    assert [f.text for f in result.findings] == ["vpn", "VPN", "Vpn"]
    assert {f.label for f in result.findings} == {"敏感词"}


def test_a_listed_word_that_is_a_marking_is_a_marking_only_where_it_marks():
    result = scan("秘密★1年\n保守商业秘密。", ["秘密"])
    assert [(f.kind, f.text) for f in result.findings] == [("secrecy_mark", "秘密★1年"), ("sensitive_word", "秘密")]


def test_results_do_not_depend_on_the_insertion_order_of_keys(monkeypatch):
    """The character order only speeds the automaton up (character_order docstring)."""
    from yangguang.disclosure import character_order

    text = "秘密★1年\n群众上访，反映群体性事件。内部资料\n住人民路1号2栋3单元401室"
    words = ["群体性事件", "上访", "群体", "秘密"]
    ordered = scan(text, words).findings
    monkeypatch.setattr(character_order, "RANK", {})
    assert scan(text, words).findings == ordered
    monkeypatch.setattr(character_order, "RANK", {c: -ord(c) for c in text})
    assert scan(text, words).findings == ordered
    assert kinds(scan(text, words)) == ["secrecy_mark", "sensitive_word", "sensitive_word", "internal_mark", "address"]


def test_blank_and_duplicate_words_are_ignored_and_non_text_rejected():
    assert Scanner(["  ", "上访", "上访 "]).word_count == 1
    with pytest.raises(InvalidInput) as error:
        Scanner(["上访", 3])
    assert error.value.field == "words"


def test_word_across_the_automaton_chunk_boundary_is_found_once_at_the_right_place():
    filler = "中" * (CHUNK // 3 - 1) + "ab"  # CJK and ASCII mixed: byte and character offsets differ
    text = filler + "群体性事件" + "文" * 5000 + "上访\n" + "上访"
    result = scan(text, ["群体性事件", "上访"])
    assert [(f.start, f.text) for f in result.findings] == [
        (len(filler), "群体性事件"), (len(filler) + 5 + 5000, "上访"), (len(text) - 2, "上访")]
    assert result.findings[-1].line == 2 and result.findings[-1].column == 1


def test_offsets_stay_right_after_characters_outside_the_bmp_and_lone_surrogates():
    text = "😀𠀀上访\ud800上访 13800138000"
    result = scan(text, ["上访"])
    assert [(f.kind, text[f.start:f.end]) for f in result.findings] == [
        ("sensitive_word", "上访"), ("sensitive_word", "上访"), ("mobile", "13800138000")]
    assert [f.start for f in result.findings] == [2, 5, 8]


# -- positions, excerpts, results -------------------------------------------------------------------------
def test_positions_line_and_column_in_multiline_text():
    text = "第一行\r\n第二行有上访\n\n  13800138000\n末行上访"
    result = scan(text, ["上访"])
    assert [(f.kind, f.line, f.column) for f in result.findings] == [
        ("sensitive_word", 2, 5), ("mobile", 4, 3), ("sensitive_word", 5, 3)]
    for finding in result.findings:
        line_text = text.split("\n")[finding.line - 1]
        assert line_text[finding.column - 1:].startswith(text[finding.start:finding.end])


def test_no_output_ever_contains_a_full_personal_number():
    number = make_id()
    near = wrong_check(make_id(sequence="003"))
    card = luhn_complete("622202123456789")
    text = f"{number} {near} 13800138000 {card} 上访 住人民路1号2栋3单元401室"
    result = scan(text, ["上访"])
    dumped = json.dumps(result.to_dict(), ensure_ascii=False)
    for secret in (number, near, "13800138000", card, "401"):
        assert secret not in dumped
    assert result.near_misses == 1
    assert set(kinds(result)) == {"id_number", "mobile", "bank_card", "sensitive_word", "address"}


def test_scanner_is_reusable():
    scanner = Scanner(["上访"])
    first = scanner.scan("上访 13800138000", today=TODAY)
    assert scanner.scan("无", today=TODAY).findings == []
    assert scanner.scan("上访 13800138000", today=TODAY) == first


# -- highlighting ---------------------------------------------------------------------------------------
def test_highlight_escapes_html_and_marks_findings():
    text = "<script>alert('上访')</script>\n电话13800138000"
    result = scan(text, ["上访"])
    html = str(highlight_html(text, result.findings))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<mark class="finding finding-sensitive_word" title="敏感词">上访</mark>' in html
    assert '<mark class="finding finding-mobile" title="手机号码">13800138000</mark>' in html
    assert "<br>" in html


def test_highlight_overlapping_findings_never_nest_or_cross():
    text = "甲乙丙丁戊"
    findings = [Finding("sensitive_word", "敏感词", 0, 3, 1, 1, ""), Finding("mobile", "手机号码", 2, 5, 1, 3, "")]
    html = str(highlight_html(text, findings))
    assert html == ('<mark class="finding finding-sensitive_word" title="敏感词">甲乙</mark>'
                    '<mark class="finding finding-sensitive_word finding-mobile" title="敏感词、手机号码">丙</mark>'
                    '<mark class="finding finding-mobile" title="手机号码">丁戊</mark>')
    depth = 0
    for tag in re.findall(r"</?mark", html):
        depth += 1 if tag == "<mark" else -1
        assert depth in (0, 1)


# -- the word list file --------------------------------------------------------------------------------------
def test_load_words_skips_comments_and_blank_lines(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("\ufeff# 本单位敏感词表\n上访\n\n  群体性事件  \n# 注释\nVPN\n", "utf-8")
    assert load_words(path) == ["上访", "群体性事件", "VPN"]


def test_load_words_rejects_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(InvalidInput) as missing:
        load_words(tmp_path / "none.txt")
    assert missing.value.field == "words" and "不存在" in missing.value.reason
    path = tmp_path / "gbk.txt"
    path.write_bytes("上访\n".encode("gbk"))
    with pytest.raises(InvalidInput) as undecodable:
        load_words(path)
    assert undecodable.value.field == "words" and "UTF-8" in undecodable.value.reason
