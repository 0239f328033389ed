"""``yangguang disclosure scan FILE... [--words FILE] [--json]``: exit 0 clean, 1 findings, 2 bad input."""

from __future__ import annotations

import json

from yangguang.disclosure.personal_numbers import id_check_character

VALID_ID = "11010519491231002X"
NEAR_MISS = "110105194912310031"


def test_id_check_characters_of_the_fixtures_gb11643():
    assert id_check_character(VALID_ID[:17]) == VALID_ID[17]
    assert id_check_character(NEAR_MISS[:17]) != NEAR_MISS[17]


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    return path


def test_findings_are_listed_masked_and_exit_1(run_cli, tmp_path):
    text = f"秘密★1年\n申请人张三，身份证号码{VALID_ID}，错号{NEAR_MISS}，电话13800138000。\n"
    path = write(tmp_path, "notice.txt", text)
    result = run_cli("disclosure", "scan", str(path))
    assert result.code == 1, result.err
    for shown in ("密级标志", "身份证号码", "110105********002X", "手机号码", "138****8000", "2:12"):
        assert shown in result.out
    assert VALID_ID not in result.out and NEAR_MISS not in result.out and "13800138000" not in result.out
    assert "忽略校验位不符的疑似身份证号码 1 个" in result.out


def test_clean_file_exits_0(run_cli, tmp_path):
    path = write(tmp_path, "clean.txt", "本机关全年主动公开政府信息120条。")
    result = run_cli("disclosure", "scan", str(path))
    assert result.code == 0, result.err
    assert "未发现问题" in result.out


def test_json_output_with_a_word_list_over_several_files(run_cli, tmp_path):
    words = write(tmp_path, "words.txt", "# 敏感词\n上访\n")
    first = write(tmp_path, "a.html", "<html><body><p>群众上访</p><p>13912345678</p></body></html>")
    second = write(tmp_path, "b.txt", "无问题")
    result = run_cli("disclosure", "scan", str(first), str(second), "--words", str(words), "--json")
    assert result.code == 1, result.err
    data = json.loads(result.out)
    assert data["total"] == 2
    assert [entry["file"] for entry in data["files"]] == [str(first), str(second)]
    findings = data["files"][0]["findings"]
    assert [(f["kind"], f["line"], f["column"], f["text"]) for f in findings] == [
        ("sensitive_word", 1, 3, "上访"), ("mobile", 2, 1, "139****5678")]
    assert data["files"][1] == {"file": str(second), "findings": [], "near_misses": 0}
    assert "13912345678" not in result.out


def test_missing_file_is_bad_input_exit_2_and_nothing_printed(run_cli, tmp_path):
    present = write(tmp_path, "a.txt", "电话13800138000")
    result = run_cli("disclosure", "scan", str(present), str(tmp_path / "missing.txt"))
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("error: file: 文件不存在")


def test_unsupported_file_and_bad_word_list_exit_2(run_cli, tmp_path):
    binary = write(tmp_path, "tool.exe", b"MZ\x90\x00")
    result = run_cli("disclosure", "scan", str(binary))
    assert result.code == 2 and "error: file: 不支持的文件类型" in result.err
    text = write(tmp_path, "a.txt", "正文")
    words = write(tmp_path, "words.txt", "上访".encode("gbk"))
    result = run_cli("disclosure", "scan", str(text), "--words", str(words))
    assert result.code == 2 and result.err.startswith("error: words:") and result.out == ""
