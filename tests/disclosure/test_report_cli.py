"""``yangguang disclosure annual-report --org ORG --year YYYY --format docx|html|xlsx|json --out FILE``."""

from __future__ import annotations

import io
import json

import docx
import openpyxl
import pytest

from tests.disclosure.report_data import application, make_organ
from tests.factories import at
from yangguang.core import db as core_db
from yangguang.disclosure.service import annual_report as service


@pytest.fixture
def organ(db_url):
    """SCJ with three applications of 2026, committed for the command to read."""
    with core_db.transaction(db_url) as session:
        organ = make_organ(session)
        application(session, organ.unit, "2026-02-02", concluded="2026-02-20", row="disclosed")
        application(session, organ.unit, "2026-03-02", kind="commercial", concluded="2026-03-25", row="disclosed")
        application(session, organ.unit, "2026-11-30")
    return organ


def _report(run_cli, tmp_path, *args: str) -> tuple[int, str, dict | None]:
    out = tmp_path / "report.json"
    result = run_cli("disclosure", "annual-report", *args, "--format", "json", "--out", str(out))
    return result.code, result.err, json.loads(out.read_text("utf-8")) if out.exists() else None


def test_a_draft_is_computed_from_the_data_and_said_to_be_a_draft(organ, run_cli, tmp_path):
    code, err, data = _report(run_cli, tmp_path, "--org", "SCJ", "--year", "2026")
    assert code == 0, err
    assert "草稿" in err
    assert (data["organ"], data["year"], data["format"], data["status"]) == ("县市场监督管理局", 2026, "2021", "draft")
    new = next(r for s in data["sections"] for t in s.get("tables", []) for r in t["rows"] if r["key"] == "new")
    assert new["values"] == [2, 1, 0, 0, 0, 0, 3]


def test_the_organ_may_be_named_and_2020_is_in_the_2019_format(organ, run_cli, tmp_path):
    code, err, data = _report(run_cli, tmp_path, "--org", "县市场监督管理局", "--year", "2020")
    assert code == 0, err
    assert (data["format"], data["format_document"]) == ("2019", "国办公开办函〔2019〕60号")


def test_a_published_report_renders_its_frozen_figures(organ, db_url, run_cli, tmp_path):
    with core_db.transaction(db_url) as session:
        row = service.get_or_create_draft(session, "gkb", "SCJ", 2026, at("2027-01-10 09:00"))
        service.edit_text(session, "gkb", row, overview="总体情况", problems="问题", other_matters="无",
                          at=at("2027-01-10 09:00"))
        service.publish(session, "gkb", row, at("2027-01-12 09:00"))
    with core_db.transaction(db_url) as session:  # entered after publication: not in the published report
        application(session, session.merge(organ.unit), "2026-06-06", concluded="2026-06-08", row="disclosed")
    code, err, data = _report(run_cli, tmp_path, "--org", "SCJ", "--year", "2026")
    assert code == 0, err
    assert "已公开" in err
    assert (data["status"], data["published_at"][:10]) == ("published", "2027-01-12")
    new = next(r for s in data["sections"] for t in s.get("tables", []) for r in t["rows"] if r["key"] == "new")
    assert new["values"][-1] == 3
    assert data["sections"][0]["text"] == "总体情况"


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html"])
def test_every_format_writes_its_file(organ, run_cli, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    result = run_cli("disclosure", "annual-report", "--org", "SCJ", "--year", "2026", "--format", fmt,
                     "--out", str(out))
    assert result.code == 0, result.err
    content = out.read_bytes()
    if fmt == "docx":
        title = docx.Document(io.BytesIO(content)).paragraphs[0].text
        assert title == "县市场监督管理局2026年度政府信息公开工作年度报告"
    elif fmt == "xlsx":
        assert "三、收到和处理政府信息公开申请情况" in openpyxl.load_workbook(io.BytesIO(content)).sheetnames
    else:
        assert "<th scope=\"colgroup\" colspan=\"7\">申请人情况</th>" in content.decode("utf-8")


@pytest.mark.parametrize(("args", "field"), [
    (("--org", "NOPE", "--year", "2026", "--format", "json"), "org"),
    (("--org", "SCJ", "--year", "2026", "--format", "pdf"), "format"),
    (("--org", "SCJ", "--year", "20x6", "--format", "json"), "year"),
    (("--org", "SCJ", "--year", "2018", "--format", "json"), "year"),
])
def test_bad_arguments_exit_2_with_the_field_and_write_nothing(organ, run_cli, tmp_path, args, field):
    out = tmp_path / "report.out"
    result = run_cli("disclosure", "annual-report", *args, "--out", str(out))
    assert result.code == 2
    assert result.err.startswith(f"error: {field}: ")
    assert not out.exists()


def test_a_missing_option_is_a_usage_error(run_cli):
    result = run_cli("disclosure", "annual-report", "--org", "SCJ", "--year", "2026")
    assert result.code == 2 and result.err.startswith("error:")
