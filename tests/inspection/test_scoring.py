"""National-checklist scoring (国办秘函〔2019〕19号, shared/domain/website-inspection.md "Scoring (2019 checklist)")
and the deduction table as configuration (point values unverified: defaults, overridable)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yangguang.core.errors import InvalidInput
from yangguang.core.settings import reset_settings
from yangguang.inspection.checklist import (
    DOWNLOADS,
    GUIDE_ELEMENTS,
    HOMEPAGE_LINKS,
    HOMEPAGE_UPDATES,
    ITEMS,
    OTHER_LINKS,
    VETO_UNREACHABLE,
)
from yangguang.inspection.checks import DEDUCTION, INFO, VETO, Finding, evidence
from yangguang.inspection.indicators import load_indicators
from yangguang.inspection.scoring import BonusItem, score

SITE = "http://www.example.gov.cn/"


def found(code: str, count: int = 1, severity: str = DEDUCTION) -> list[Finding]:
    return [Finding("test", code, f"{SITE}p{i}.html", severity, f"问题{i}",
                    evidence(page=f"{SITE}p{i}.html", link=f"{SITE}gone{i}.html", text=f"链接{i}"))
            for i in range(count)]


@pytest.fixture(scope="module")
def table():
    return load_indicators()


@pytest.fixture
def flat_table(tmp_path):
    """The defaults with 10-point indicators at 1 point an occurrence, for exact arithmetic."""
    path = tmp_path / "flat.toml"
    path.write_text("\n".join(f'[indicators."{code}"]\npoints = 10\nper_occurrence = 1\n'
                              for code in ("availability.homepage", "availability.links_homepage",
                                           "availability.links_other", "availability.wrong_links",
                                           "updates.homepage", "updates.columns", "updates.blank_columns")),
                    encoding="utf-8")
    return load_indicators(path)


def test_the_packaged_table_covers_every_deduction_indicator_of_the_checklist(table):
    indicators = {item.code for item in ITEMS if not item.veto}
    assert set(table.indicators) == indicators
    assert table.indicators[HOMEPAGE_LINKS].per_occurrence == Decimal("1")  # vendors' value
    assert table.indicators[OTHER_LINKS].per_occurrence == Decimal("0.1")  # vendors' value
    assert table.indicators[HOMEPAGE_UPDATES].per_occurrence == Decimal("5")  # fewer than 10 in 2 weeks: -5
    assert table.param(HOMEPAGE_UPDATES, "min_updates") == 10
    service = sum(i.points for i in table.indicators.values() if i.service)
    assert service == table.service_block_points == Decimal(25)
    assert sum(i.points for i in table.indicators.values()) == Decimal(100)


def test_no_findings_is_full_marks_and_qualified(table):
    report = score([], indicators=table)
    assert (report.total, report.qualified, report.bonus) == (Decimal("100.0"), True, Decimal(0))


def test_a_veto_makes_the_site_unqualified_and_nothing_else_is_scored(table):
    """Scoring 1: any single-veto item: unqualified, nothing else is scored."""
    report = score(found(VETO_UNREACHABLE, severity=VETO) + found(HOMEPAGE_LINKS, 2), indicators=table,
                   bonus_items=[BonusItem("创新", Decimal(5))])
    assert report.total is None and not report.qualified and report.bonus == 0
    assert [v.checklist_item for v in report.vetoes] == [VETO_UNREACHABLE]
    [links] = [e for e in report.deductions if e.code == HOMEPAGE_LINKS]
    assert links.points == Decimal(2)  # still listed, for information
    lines = report.explain()
    assert lines[0].startswith("结论：不合格。触发单项否决 1 项，扣分指标不再计分")
    assert lines[1] == f"单项否决【站点无法访问】问题0（页面 {SITE}p0.html；链接 {SITE}gone0.html；文字 “链接0”）"


def test_each_indicator_stops_at_its_own_points(table):
    """Scoring 2: each indicator's deductions stop at its own points (homepage links: 5 points, -1 each)."""
    report = score(found(HOMEPAGE_LINKS, 7) + found(OTHER_LINKS, 30), indicators=table)
    points = {e.code: e.points for e in report.deductions if e.findings}
    assert points == {HOMEPAGE_LINKS: Decimal(5), OTHER_LINKS: Decimal("3.0")}
    assert report.total == Decimal("92.0")  # decimal: 30 x 0.1 is 3.0 exactly
    assert any("7 处 × 1 分 = 7 分，超过上限按 5 分计，扣 5 分" in line for line in report.explain())


def test_info_findings_are_not_scored(table):
    assert score(found(HOMEPAGE_LINKS, 3, severity=INFO), indicators=table).total == Decimal("100.0")


def test_the_pass_line_is_60(flat_table):
    """Scoring 2: below 60 unqualified; the pass line is 60."""
    forty = found("availability.homepage", 10) + found("availability.links_homepage", 10) \
        + found("availability.links_other", 10) + found("availability.wrong_links", 10)
    at_line = score(forty, indicators=flat_table)
    assert (at_line.total, at_line.qualified) == (Decimal("60.0"), True)
    below = score(forty + found("updates.columns"), indicators=flat_table)
    assert (below.total, below.qualified) == (Decimal("59.0"), False)
    assert "不合格（低于 60 分合格线）" in below.explain()[0]


def test_bonus_only_above_80_and_only_for_portals_up_to_30(flat_table):
    """Scoring 3: bonus (up to 30, portals only) only when the deduction score is above 80."""
    bonus = [BonusItem("政务服务创新", Decimal(20), "一网通办"), BonusItem("数据开放", Decimal(15), "开放目录")]
    twenty = found("availability.homepage", 10) + found("availability.links_homepage", 10)
    at_80 = score(twenty, indicators=flat_table, bonus_items=bonus)
    assert (at_80.deduction_score, at_80.bonus, at_80.total) == (Decimal("80.0"), Decimal(0), Decimal("80.0"))
    above = score(twenty[:-1], indicators=flat_table, bonus_items=bonus)
    assert (above.deduction_score, above.bonus, above.total) == (Decimal("81.0"), Decimal(30), Decimal("111.0"))
    not_portal = score(twenty[:-1], indicators=flat_table, bonus_items=bonus, is_portal=False)
    assert (not_portal.bonus, not_portal.total) == (Decimal(0), Decimal("81.0"))
    assert any(line.startswith("加分【数据开放】15 分，计入") for line in above.explain())


def test_sites_without_services_are_scored_out_of_75_times_4_3(table):
    """Scoring 4: the service indicators are skipped; scored out of 75 and multiplied by 4/3."""
    findings = found(HOMEPAGE_LINKS, 5) + found(HOMEPAGE_UPDATES) + found(GUIDE_ELEMENTS, 4) + found(DOWNLOADS, 2)
    without = score(findings, indicators=table, has_services=False)
    assert without.deduction_score == Decimal("86.7")  # (75 - 5 - 5) x 4/3 = 86.67
    with_services = score(findings, indicators=table)
    assert with_services.total == Decimal("84.0")  # 100 - 5 - 5 - 4 - 2
    [guide] = [e for e in without.deductions if e.code == GUIDE_ELEMENTS]
    assert (guide.scored, guide.points) == (False, Decimal(0))
    assert any("按 75 分计算后乘以 4/3" in line for line in without.explain())


def test_scaling_rounds_half_up_to_one_decimal(table):
    report = score(found(HOMEPAGE_LINKS), indicators=table, has_services=False)
    assert report.deduction_score == Decimal("98.7")  # 74 x 4/3 = 98.666...


def test_a_deployment_file_overrides_the_table_key_by_key(tmp_path, monkeypatch):
    override = tmp_path / "indicators.toml"
    override.write_text('[scoring]\nservice_block_points = 20\n[indicators."availability.links_homepage"]\n'
                        "per_occurrence = 2\n", encoding="utf-8")
    config = tmp_path / "yangguang.toml"
    config.write_text(f'[inspection]\nindicators_file = "{override.as_posix()}"\n', encoding="utf-8")
    monkeypatch.setenv("YANGGUANG_CONFIG", str(config))
    reset_settings()
    try:
        table = load_indicators()
    finally:
        monkeypatch.delenv("YANGGUANG_CONFIG")
        reset_settings()
    assert table.indicators[HOMEPAGE_LINKS].per_occurrence == Decimal(2)
    assert table.indicators[HOMEPAGE_LINKS].points == Decimal(5)  # the rest of the entry stays
    assert table.service_block_points == Decimal(20)
    report = score(found(HOMEPAGE_LINKS), indicators=table, has_services=False)
    assert report.deduction_score == Decimal("97.5")  # (80 - 2) x 100/80; one city's service block is 20
    assert any("乘以 5/4" in line for line in report.explain())


@pytest.mark.parametrize(("content", "field"), [
    ('[indicators."availability.nonsense"]\npoints = 1\nper_occurrence = 1\n', "indicators.availability.nonsense"),
    ('[indicators."veto.security"]\npoints = 1\nper_occurrence = 1\n', "indicators.veto.security"),
    ('[indicators."availability.homepage"]\npoints = "many"\n', "indicators.availability.homepage.points"),
    ('[indicators."availability.homepage"]\nper_occurrence = -1\n',
     "indicators.availability.homepage.per_occurrence"),
    ("[scoring]\nservice_block_points = 100\n", "service_block_points"),
    ("not toml [", "indicators"),
])
def test_bad_tables_are_refused_naming_the_field(tmp_path, content, field):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput) as error:
        load_indicators(path)
    assert error.value.field == field


def test_a_missing_table_file_is_refused(tmp_path):
    with pytest.raises(InvalidInput, match="不存在"):
        load_indicators(tmp_path / "none.toml")
