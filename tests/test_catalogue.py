"""The item catalogue: import (CSV, XLSX), validation rules, versions, export round trip, guide, CLI.

Sources named in test ids: GB/T 39046-2020 (elements, code lists A.1-A.6), approval-and-supervision.md
(promised vs statutory limit, fees, fixed steps, parallel approval), catalogue-format.md (the format).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.factories import at, make_unit
from yangguang.approval.catalogue import (
    CatalogueRejected,
    export_catalogue,
    get_item,
    import_catalogue,
    item_guide,
    item_history,
    save_item,
)
from yangguang.approval.importers import ItemData, StepData, default_steps
from yangguang.approval.models import Case, CaseMaterial, Item, ItemVersion
from yangguang.core.audit import AuditEntry, write_entries
from yangguang.core.errors import InvalidInput, NotFound
from yangguang.core.settings import reset_settings

T0 = at("2026-03-02 09:00")
T1 = at("2026-03-03 09:00")
CODE = "11330XXX000201001000"
STEPS = "受理|窗口人员|1→审查|审批人员|5→决定|单位负责人|3→办结|窗口人员|1"


def row(**over: object) -> dict[str, object]:
    """The example row of docs/catalogue-format.md, with overrides (None removes a column)."""
    cells: dict[str, object] = {
        "事项名称": "食品经营许可", "基本编码": "000201001000", "实施编码": CODE, "事项类型": "01", "行使层级": "4",
        "实施主体": "SCJ", "法定办结时限": "20", "承诺办结时限": "10", "是否收费": "否", "收费依据": "", "收费标准": "",
        "申请材料": "食品经营许可申请书|原件|1|必要；营业执照|复印件|1|必要", "流程环节": STEPS,
    }
    cells.update(over)
    return {key: value for key, value in cells.items() if value is not None}


FULL = row(
    实施编码="11330XXX000201009000", 基本编码="000201009000", 事项名称="建设工程消防设计审查", 事项类型="行政许可",
    行使层级="5 镇（乡、街道）级", 实施主体="县市场监督管理局", 实施主体性质="授权组织", 承办机构="许可科",
    共同实施部门="SWJ、县消防救援大队", 设定依据="《中华人民共和国消防法》第十一条", 权限划分="县级", 行使内容="审查",
    数量限制="无数量限制", 行政管辖="本县", 法定办结时限="15", 法定时限单位="工作日", 法定时限说明="不含专家评审",
    承诺办结时限="12", 承诺时限单位="工作日", 承诺时限说明="材料齐全", 特别程序="1 专家评审, 不超过10个工作日",
    受理条件="申请材料齐全", 办理流程="受理、审查、决定", 中介服务="无", 办理形式="1、网上办理、3 移动端办理",
    办件类型="承诺件", 是否网办="是", 必须网办="是", 网办地址="https://zwfw.example.gov.cn/x",
    办理地点="政务服务中心二楼",
    办理时间="工作日 9:00-17:00", 通办范围="全市", 服务对象="企业法人、2", 结果名称="特殊建设工程消防设计审查意见书",
    结果样本="意见书样本.pdf", 是否收费="是", 收费依据="浙价费〔2020〕1号", 收费标准="80.50", 收费标准说明="每件",
    咨询电话="0571-1234567", 监督投诉电话="12345", 常见问题="第一行\n第二行, 带逗号\n=SUM(1) 不是公式",
    申请材料="申请表|原件|2|必要|申请表样本.docx\n设计图纸|电子件|1|非必要",
    流程环节="受理|clerk|1→审查|审批人员|6|并联→决定|unit_head|3→办结|窗口人员|1",
)


def write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    headers = list(dict.fromkeys(key for r in rows for key in r))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[dict[str, object]]) -> Path:
    book = Workbook()
    sheet = book.active
    headers = list(dict.fromkeys(key for r in rows for key in r))
    sheet.append(headers)
    for r in rows:
        sheet.append([r.get(header) if r.get(header) != "" else None for header in headers])
    book.save(path)
    return path


@pytest.fixture
def units(db):
    return {code: make_unit(db, code, name) for code, name in
            (("SCJ", "县市场监督管理局"), ("SWJ", "县税务局"), ("XFJ", "县消防救援大队"))}


def load(db, tmp_path: Path, rows: list[dict[str, object]], name: str = "catalogue.csv"):
    path = tmp_path / name
    (write_xlsx if name.endswith(".xlsx") else write_csv)(path, rows)
    return import_catalogue(db, path, actor="tester", at=T0)


def errors_of(db, tmp_path: Path, rows: list[dict[str, object]]) -> list[tuple[int, str, str]]:
    with pytest.raises(CatalogueRejected) as caught:
        load(db, tmp_path, rows)
    return [(e.row, e.column, e.reason) for e in caught.value.report.errors]


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


# --- import -----------------------------------------------------------------------------------------------

def test_csv_import_creates_items_with_every_element(db, units, tmp_path):
    report = load(db, tmp_path, [row(), FULL])
    assert report.ok and report.rows == 2
    assert report.created == [CODE, "11330XXX000201009000"]
    item = get_item(db, "11330XXX000201009000")
    assert (item.item_type, item.exercise_level, item.subject_nature, item.case_type) == ("01", "5", "2", "2")
    assert item.unit_id == units["SCJ"].id and item.co_units == ["SWJ", "XFJ"]
    assert item.handling_forms == ["1", "2", "3"] and item.service_objects == ["2"]
    assert item.charges and item.fee_standard_fen == 8050
    assert item.online and item.online_only and item.faq.startswith("第一行\n")
    assert [(m.name, m.form, m.copies, m.required, m.sample) for m in item.materials] == [
        ("申请表", "原件", 2, True, "申请表样本.docx"), ("设计图纸", "电子件", 1, False, "")]
    assert [(s.seq, s.name, s.role, s.share, s.parallel) for s in item.steps] == [
        (1, "受理", "clerk", 1, False), (2, "审查", "approver", 6, True), (3, "决定", "unit_head", 3, False),
        (4, "办结", "clerk", 1, False)]
    assert item.version == 1 and item.updated_at == T0
    version = db.scalar(select(ItemVersion).where(ItemVersion.item_id == item.id))
    assert version.version == 1 and version.changed_by == "tester" and version.snapshot["fee_standard_fen"] == 8050
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.entity == "approval_item")).all()
    assert actions == ["catalogue.item_created", "catalogue.item_created"]


def test_example_row_of_the_format_document_imports(db, units, tmp_path):
    """The example in docs/catalogue-format.md is valid as written."""
    doc = (Path(__file__).parents[1] / "docs" / "catalogue-format.md").read_text(encoding="utf-8")
    example = doc.split("Example row (CSV):", 1)[1].split("```")[1].strip()
    path = tmp_path / "example.csv"
    path.write_text(example + "\n", encoding="utf-8")
    assert import_catalogue(db, path, actor="tester", at=T0).created == [CODE]
    assert [s.share for s in get_item(db, CODE).steps] == [1, 5, 3, 1]


def test_xlsx_import_with_numeric_cells(db, units, tmp_path):
    """Spreadsheet numbers: limits as integers, a fee as a float, a code without its leading zero."""
    report = load(db, tmp_path, [row(法定办结时限=20, 承诺办结时限=10.0, 事项类型=1, 是否收费="是",
                                     收费依据="文件", 收费标准=80.5)], name="catalogue.xlsx")
    item = get_item(db, CODE)
    assert report.created == [CODE]
    assert (item.statutory_limit, item.promised_limit, item.item_type, item.fee_standard_fen) == (20, 10, "01", 8050)


def test_csv_with_bom_and_labels_accepted(db, units, tmp_path):
    path = write_csv(tmp_path / "bom.csv", [row(事项类型="01 行政许可", 行使层级="县级", 办件类型="1 即办件")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    import_catalogue(db, path, actor="tester", at=T0)
    item = get_item(db, CODE)
    assert (item.item_type, item.exercise_level, item.case_type) == ("01", "4", "1")


def test_default_flow_when_steps_are_empty(db, units, tmp_path):
    """[approval-and-supervision.md fixed steps; catalogue-format.md 流程环节 empty → default flow]"""
    load(db, tmp_path, [row(流程环节="", 承诺办结时限="10")])
    steps = get_item(db, CODE).steps
    assert [(s.name, s.role, s.share) for s in steps] == [
        ("受理", "clerk", 1), ("审查", "approver", 6), ("决定", "unit_head", 2), ("办结", "clerk", 1)]


@pytest.mark.parametrize("promised", [1, 2, 3, 4, 5, 10, 20, 45])
def test_default_shares_add_up_to_the_promise(promised):
    shares = [step.share for step in default_steps(promised)]
    assert sum(shares) == promised and shares[0] == 1
    assert all(share >= 1 for share in shares) if promised >= 4 else shares == [1] * promised + [0] * (4 - promised)


# --- versions ---------------------------------------------------------------------------------------------

def test_update_creates_version_2_with_snapshot(db, units, tmp_path):
    load(db, tmp_path, [row()])
    path = write_csv(tmp_path / "v2.csv", [row(承诺办结时限="12", 收费依据="", 事项名称="食品经营许可（新办）")])
    report = import_catalogue(db, path, actor="editor", at=T1)
    assert report.updated == [CODE] and not report.created
    item = get_item(db, CODE)
    assert item.version == 2 and item.promised_limit == 12 and item.updated_at == T1
    snapshots = {v.version: v for v in db.scalars(select(ItemVersion).where(ItemVersion.item_id == item.id))}
    assert snapshots[1].snapshot["promised_limit"] == 10 and snapshots[2].snapshot["promised_limit"] == 12
    assert snapshots[2].changed_by == "editor" and snapshots[2].changed_at == T1
    history = item_history(db, CODE)
    assert [h["version"] for h in history] == [1, 2]
    assert history[1]["changed"] == ["事项名称", "承诺办结时限"]
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "catalogue.item_updated")).one()
    assert json.loads(entry.data)["changed"] == ["name", "promised_limit"] and entry.entity_id == str(item.id)


def test_saving_the_same_data_makes_no_new_version(db, units):
    data = ItemData(name="食品经营许可", basic_code="000201001000", impl_code=CODE, item_type="01",
                    exercise_level="4", unit="县市场监督管理局", statutory_limit=20, promised_limit=10)
    item = save_item(db, data, actor="tester", at=T0)
    assert item.version == 1 and len(item.steps) == 4
    assert save_item(db, data.model_copy(update={"unit": "SCJ"}), actor="tester", at=T1).version == 1
    write_entries(db)  # audit entries are written at commit; read them back within the transaction
    assert count(db, ItemVersion) == 1 and count(db, AuditEntry) == 1
    assert save_item(db, data.model_copy(update={"faq": "新问题"}), actor="tester", at=T1, note="补充").version == 2


def test_save_item_errors_name_the_field(db, units):
    data = ItemData(name="x", basic_code="1", impl_code="X1", item_type="01", exercise_level="4", unit="NOPE",
                    statutory_limit=20, promised_limit=10)
    with pytest.raises(NotFound) as caught:
        save_item(db, data, actor="tester", at=T0)
    assert caught.value.field == "实施主体"
    with pytest.raises(InvalidInput) as caught:
        save_item(db, data.model_copy(update={"unit": "SCJ", "promised_limit": 20}), actor="tester", at=T0)
    assert caught.value.field == "承诺办结时限"
    with pytest.raises(InvalidInput) as caught:
        save_item(db, data.model_copy(update={"unit": "SCJ", "steps": [StepData(name="受理", role="clerk", share=0)]}),
                  actor="tester", at=T0)
    assert caught.value.field == "流程环节"
    assert count(db, Item) == 0


def test_material_update_keeps_case_references(db, units, tmp_path):
    """Cases point at materials: a kept material keeps its row, a removed one's references are cleared."""
    load(db, tmp_path, [row()])
    item = get_item(db, CODE)
    form_id, licence_id = (m.id for m in item.materials)
    case = Case(number="2026-0001", query_code="ABC123", item_id=item.id, item_version=1, unit_id=units["SCJ"].id,
                channel="1", applicant_name="张三", applicant_type="1", state="accepted", received_at=T0)
    case.materials = [CaseMaterial(material_id=form_id, name="食品经营许可申请书", required=True, provided=True),
                      CaseMaterial(material_id=licence_id, name="营业执照", required=True, provided=True)]
    db.add(case)
    db.flush()
    load(db, tmp_path, [row(申请材料="食品经营许可申请书|原件|2|必要；健康证明|复印件|1|必要")], name="v2.csv")
    item = get_item(db, CODE)
    assert [(m.name, m.copies) for m in item.materials] == [("食品经营许可申请书", 2), ("健康证明", 1)]
    assert item.materials[0].id == form_id
    db.expire_all()
    assert [(m.material_id, m.name) for m in case.materials] == [(form_id, "食品经营许可申请书"), (None, "营业执照")]


# --- round trip -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_reimports_unchanged(db, units, tmp_path, fmt):
    load(db, tmp_path, [row(), FULL, row(实施编码="X-SHORT", 基本编码="X", 承诺办结时限="1", 流程环节="")])
    path = tmp_path / f"export.{fmt}"
    assert export_catalogue(db, path) == 3
    before = (count(db, ItemVersion), count(db, AuditEntry))
    report = import_catalogue(db, path, actor="tester", at=T1)
    assert sorted(report.unchanged) == sorted([CODE, "11330XXX000201009000", "X-SHORT"])
    assert not report.created and not report.updated
    assert (count(db, ItemVersion), count(db, AuditEntry)) == before
    assert all(item.version == 1 for item in db.scalars(select(Item)))


def test_export_cells_are_text(db, units, tmp_path):
    load(db, tmp_path, [FULL])
    export_catalogue(db, tmp_path / "out.xlsx")
    export_catalogue(db, tmp_path / "out.dat", "csv")
    sheet = load_workbook(tmp_path / "out.xlsx").worksheets[0]
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, (cell.value for cell in sheet[2]), strict=True))
    assert values["事项类型"] == "01 行政许可" and values["收费标准"] == "80.50" and values["法定办结时限"] == "15"
    assert values["常见问题"].endswith("=SUM(1) 不是公式")
    exported = next(csv.DictReader((tmp_path / "out.dat").read_text(encoding="utf-8-sig").splitlines(True)))
    assert exported["行使层级"] == "5 镇(乡、街道)级" and exported["实施主体"] == "SCJ"


def test_first_review_marker_imports_and_exports(db, units, tmp_path):
    """初审: reviewed by this level and forwarded to the higher organ [行政许可法 Art. 43; catalogue-format.md]."""
    load(db, tmp_path, [row(流程环节="受理|窗口人员|1→初审|审批人员|6|初审→办结|窗口人员|1")])
    item = get_item(db, CODE)
    assert [s.forwards for s in item.steps] == [False, True, False]
    export_catalogue(db, tmp_path / "out.csv")
    exported = next(csv.DictReader((tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines(True)))
    assert exported["流程环节"] == "受理|窗口人员|1→初审|审批人员|6|初审→办结|窗口人员|1"


# --- validation: one rule per case, its source in the id ----------------------------------------------------

RULES = [
    pytest.param({"事项名称": ""}, "事项名称", "必填项", id="required-cell[catalogue-format.md]"),
    pytest.param({"实施主体": ""}, "实施主体", "必填项", id="required-unit[catalogue-format.md]"),
    pytest.param({"事项类型": "99"}, "事项类型", "A.1", id="item-type-code[GB/T39046-2020 A.1]"),
    pytest.param({"事项类型": "01 行政处罚"}, "事项类型", "A.1", id="code-label-mismatch[GB/T39046-2020 A.1]"),
    pytest.param({"行使层级": "8"}, "行使层级", "A.2", id="level-code[GB/T39046-2020 A.2]"),
    pytest.param({"实施主体性质": "5"}, "实施主体性质", "A.3", id="nature-code[GB/T39046-2020 A.3]"),
    pytest.param({"服务对象": "1、7"}, "服务对象", "A.4", id="service-object-code[GB/T39046-2020 A.4]"),
    pytest.param({"办理形式": "上门"}, "办理形式", "A.5", id="handling-form-code[GB/T39046-2020 A.5]"),
    pytest.param({"办件类型": "3"}, "办件类型", "A.6", id="case-type-code[GB/T39046-2020 A.6]"),
    pytest.param({"法定办结时限": "0"}, "法定办结时限", "不是正整数", id="limit-zero[GB/T39046-2020]"),
    pytest.param({"法定办结时限": "2.5"}, "法定办结时限", "不是正整数", id="limit-fraction[GB/T39046-2020]"),
    pytest.param({"承诺办结时限": "abc"}, "承诺办结时限", "不是正整数", id="limit-text[GB/T39046-2020]"),
    pytest.param({"法定时限单位": "月"}, "法定时限单位", "不是时限单位", id="time-unit[catalogue-format.md]"),
    pytest.param({"承诺办结时限": "20", "流程环节": ""}, "承诺办结时限", "应短于法定时限",
                 id="promised-below-statutory[approval-and-supervision.md]"),
    pytest.param({"是否收费": "是", "收费标准": "80"}, "收费依据", "是否收费为“是”时必须填写",
                 id="fee-needs-basis[approval-and-supervision.md fees]"),
    pytest.param({"是否收费": "是", "收费依据": "文件"}, "收费标准", "是否收费为“是”时必须填写",
                 id="fee-needs-standard[approval-and-supervision.md fees]"),
    pytest.param({"是否收费": "是", "收费依据": "文件", "收费标准": "0"}, "收费标准", "必须大于 0",
                 id="fee-zero-when-charging[approval-and-supervision.md fees]"),
    pytest.param({"收费标准": "10"}, "收费标准", "是否收费为“否”时不应填写",
                 id="fee-without-charging[catalogue-format.md]"),
    pytest.param({"是否收费": "是", "收费依据": "文件", "收费标准": "80.005"}, "收费标准", "超过两位小数",
                 id="fee-three-decimals[DESIGN.md money]"),
    pytest.param({"是否收费": "是", "收费依据": "文件", "收费标准": "-1"}, "收费标准", "不能为负数",
                 id="fee-negative[DESIGN.md money]"),
    pytest.param({"是否收费": "是", "收费依据": "文件", "收费标准": "abc"}, "收费标准", "不是以元为单位的金额",
                 id="fee-text[DESIGN.md money]"),
    pytest.param({"是否网办": "Y"}, "是否网办", "应为“是”或“否”", id="yes-no[catalogue-format.md]"),
    pytest.param({"必须网办": "是"}, "必须网办", "是否网办不能为“否”",
                 id="online-only-needs-online[approval-and-supervision.md]"),
    pytest.param({"流程环节": "受理|窗口人员|0→审查|审批人员|5"}, "流程环节", "时限至少为 1",
                 id="step-share-at-least-1[approval-and-supervision.md fixed steps]"),
    pytest.param({"流程环节": "受理|窗口人员|5→审查|审批人员|6"}, "流程环节", "超过承诺时限",
                 id="step-shares-within-promise[approval-and-supervision.md fixed steps]"),
    pytest.param({"流程环节": "受理|经办人|1"}, "流程环节", "角色", id="step-role[core.org Role; catalogue-format.md]"),
    pytest.param({"流程环节": "受理|窗口人员"}, "流程环节", "格式应为", id="step-format[catalogue-format.md]"),
    pytest.param({"流程环节": "受理|窗口人员|1|串联"}, "流程环节", "格式应为", id="step-marker[catalogue-format.md]"),
    pytest.param({"流程环节": "受理|窗口人员|1|并联→审查|审批人员|1|并联", "共同实施部门": "SWJ"}, "流程环节",
                 "最多只能有一个", id="one-parallel-step[approval-and-supervision.md parallel approval]"),
    pytest.param({"流程环节": "受理|审批人员|1|初审→审查|审批人员|1|初审"}, "流程环节", "最多只能有一个",
                 id="one-first-review-step[行政许可法 Art. 43]"),
    pytest.param({"流程环节": "受理|窗口人员|1→审查|审批人员|5|并联"}, "流程环节", "并联环节须填写共同实施部门",
                 id="parallel-needs-co-units[approval-and-supervision.md parallel approval]"),
    pytest.param({"共同实施部门": "SWJ、公安局"}, "共同实施部门", "未知的部门 '公安局'",
                 id="co-unit-exists[catalogue-format.md]"),
    pytest.param({"共同实施部门": "县市场监督管理局"}, "共同实施部门", "就是实施主体本身",
                 id="co-unit-differs[catalogue-format.md]"),
    pytest.param({"实施主体": "公安局"}, "实施主体", "未知的部门", id="unit-exists[catalogue-format.md]"),
    pytest.param({"申请材料": "申请书|传真件|1|必要"}, "申请材料", "形式", id="material-form[catalogue-format.md]"),
    pytest.param({"申请材料": "申请书|原件|0|必要"}, "申请材料", "超出范围",
                 id="material-copies[catalogue-format.md]"),
    pytest.param({"申请材料": "申请书|原件|1|可选"}, "申请材料", "应为“必要”或“非必要”",
                 id="material-required[catalogue-format.md]"),
]


@pytest.mark.parametrize(("over", "column", "fragment"), RULES)
def test_rule(db, units, tmp_path, over, column, fragment):
    errors = errors_of(db, tmp_path, [row(**over)])
    assert any(r == 2 and c == column and fragment in reason for r, c, reason in errors), errors
    assert count(db, Item) == 0


def test_valid_variants_pass(db, units, tmp_path):
    """Different units are not compared; one 并联 step with 共同实施部门 is fine; labels instead of codes."""
    report = load(db, tmp_path, [
        row(法定办结时限="20", 承诺办结时限="25", 承诺时限单位="自然日"),
        row(实施编码="B", 流程环节="受理|窗口人员|1→会审|审批人员|5|并联", 共同实施部门="县税务局;XFJ",
            行使层级="镇(乡、街道)级", 实施主体性质="法定机关"),
    ])
    assert report.created == [CODE, "B"]


def test_promised_minimum_is_configurable(db, units, tmp_path, monkeypatch):
    """[approval-and-supervision.md: at least 1 working day, a provincial rule, keep configurable]"""
    config = tmp_path / "local.toml"
    config.write_text("[catalogue]\npromised_min = 3\n", encoding="utf-8")
    monkeypatch.setenv("YANGGUANG_CONFIG", str(config))
    reset_settings()
    try:
        errors = errors_of(db, tmp_path, [row(承诺办结时限="2", 流程环节="")])
        assert errors == [(2, "承诺办结时限", "承诺时限 2个工作日 低于最低值 3（配置项 [catalogue] promised_min）")]
    finally:
        monkeypatch.delenv("YANGGUANG_CONFIG")
        reset_settings()


def test_duplicate_impl_code_in_one_file(db, units, tmp_path):
    """[catalogue-format.md: 实施编码 unique in the catalogue]"""
    errors = errors_of(db, tmp_path, [row(), row(事项名称="另一个"), row(实施编码="OTHER"), row(事项类型="99")])
    assert (3, "实施编码", f"{CODE} 已在本文件第 2 行出现") in errors
    assert (5, "实施编码", f"{CODE} 已在本文件第 2 行出现") in errors


def test_header_errors(db, units, tmp_path):
    """Unknown headers are an error; a missing required column is reported once, on row 1."""
    errors = errors_of(db, tmp_path, [row(备注="x", 承诺办结时限=None)])
    assert errors == [(1, "备注", "未知的列"), (1, "承诺办结时限", "缺少必填列")]


def test_rejected_import_writes_nothing_and_reports_every_row(db, units, tmp_path):
    load(db, tmp_path, [row()])
    db.flush()
    before = (count(db, Item), count(db, ItemVersion), count(db, AuditEntry))
    rows = [
        row(承诺办结时限="12"),  # a valid update of the existing item
        row(实施编码="A", 收费标准="80.005", 是否收费="是", 收费依据="文件"),
        row(实施编码="B"),  # a valid new item
        row(实施编码="C", 实施主体="公安局", 法定办结时限="abc"),
    ]
    errors = errors_of(db, tmp_path, rows)
    assert errors == [
        (3, "收费标准", "'80.005' 超过两位小数（最小单位为分）"),
        (5, "法定办结时限", "'abc' 不是正整数"),
        (5, "实施主体", "未知的部门 '公安局'"),
    ]
    assert (count(db, Item), count(db, ItemVersion), count(db, AuditEntry)) == before
    assert get_item(db, CODE).promised_limit == 10


def test_file_problems(db, units, tmp_path):
    with pytest.raises(InvalidInput, match="missing.csv 不存在"):
        import_catalogue(db, tmp_path / "missing.csv", actor="tester", at=T0)
    (tmp_path / "c.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InvalidInput, match="不支持的文件格式"):
        import_catalogue(db, tmp_path / "c.txt", actor="tester", at=T0)
    (tmp_path / "gbk.csv").write_bytes("事项名称\n食品".encode("gbk"))
    with pytest.raises(InvalidInput, match="不是 UTF-8 编码"):
        import_catalogue(db, tmp_path / "gbk.csv", actor="tester", at=T0)


# --- reading ------------------------------------------------------------------------------------------------

def test_get_item_by_either_code(db, units, tmp_path):
    load(db, tmp_path, [row(), row(实施编码="A2", 基本编码="SHARED"), row(实施编码="A3", 基本编码="SHARED")])
    assert get_item(db, "000201001000").impl_code == CODE
    with pytest.raises(InvalidInput, match="对应 2 个实施事项"):
        get_item(db, "SHARED")
    with pytest.raises(NotFound) as caught:
        get_item(db, "NOPE")
    assert caught.value.field == "item"


def test_guide_shows_labels_units_and_yuan(db, units, tmp_path):
    load(db, tmp_path, [FULL, row(流程环节="", 承诺办结时限="1")])
    guide = item_guide(get_item(db, "11330XXX000201009000"))
    assert guide["基本信息"]["事项类型"] == "行政许可"
    assert guide["基本信息"]["行使层级"] == "镇(乡、街道)级"
    assert guide["基本信息"]["实施主体"] == "县市场监督管理局"
    assert guide["基本信息"]["共同实施部门"] == "县税务局、县消防救援大队"
    assert guide["办理时限"]["法定办结时限"] == "15个工作日" and guide["办理时限"]["承诺办结时限"] == "12个工作日"
    assert guide["办理方式"]["办理形式"] == "窗口办理、网上办理、移动端办理"
    assert guide["办理方式"]["服务对象"] == "企业法人" and guide["办理方式"]["办件类型"] == "承诺件"
    assert guide["收费"]["收费标准"] == "80.50元"
    assert guide["申请材料"][0] == {"序号": 1, "材料名称": "申请表", "材料形式": "原件", "份数": 2, "是否必要": "必要",
                                   "样本": "申请表样本.docx"}
    assert guide["流程环节"][1]["办理人员"] == "审批人员" and guide["流程环节"][1]["并联审批"] == "是"
    short = item_guide(get_item(db, CODE))
    assert short["收费"]["收费标准"] == "不收费" and short["法律依据"]["设定依据"] == "无"
    assert [s["环节时限"] for s in short["流程环节"]] == ["1个工作日"] + ["与上一环节同时办结"] * 3


# --- command line ---------------------------------------------------------------------------------------------

def test_cli_import_show_list_history_export(db, units, run_cli, tmp_path):
    db.commit()
    path = write_csv(tmp_path / "c.csv", [row(), FULL])
    result = run_cli("catalogue", "import", str(path))
    assert result.code == 0 and "2 created" in result.out
    result = run_cli("catalogue", "import", str(write_csv(tmp_path / "v2.csv", [row(承诺办结时限="12")])), "--json")
    assert result.code == 0 and json.loads(result.out)["updated"] == [CODE]

    result = run_cli("catalogue", "show", "000201001000", "--json")
    assert result.code == 0 and json.loads(result.out)["基本信息"]["事项类型"] == "行政许可"
    result = run_cli("catalogue", "show", CODE)
    assert result.code == 0 and "行政许可" in result.out and "12个工作日" in result.out

    result = run_cli("catalogue", "list", "--unit", "SCJ", "--json")
    assert [r["impl_code"] for r in json.loads(result.out)] == [CODE, "11330XXX000201009000"]
    assert run_cli("catalogue", "list", "--unit", "SWJ", "--json").out.strip() == "[]"
    assert run_cli("catalogue", "list").code == 0

    result = run_cli("catalogue", "history", CODE, "--json")
    assert [(v["version"], v["changed"]) for v in json.loads(result.out)] == [(1, []), (2, ["承诺办结时限"])]

    result = run_cli("catalogue", "export", str(tmp_path / "out.data"), "--format", "xlsx", "--json")
    assert result.code == 0 and json.loads(result.out)["items"] == 2
    result = run_cli("catalogue", "import", str(tmp_path / "out.data"))
    assert result.code == 2 and "不支持的文件格式" in result.err
    result = run_cli("catalogue", "export", str(tmp_path / "out.csv"))
    assert result.code == 0
    result = run_cli("catalogue", "import", str(tmp_path / "out.csv"), "--json")
    assert json.loads(result.out)["unchanged"] == [CODE, "11330XXX000201009000"]


def test_cli_errors_exit_2(db, units, run_cli, tmp_path):
    db.commit()
    bad = write_csv(tmp_path / "bad.csv", [row(收费标准="-1"), row(实施编码="B", 事项类型="99")])
    result = run_cli("catalogue", "import", str(bad))
    lines = result.err.strip().splitlines()
    assert result.code == 2 and result.out == ""
    assert lines[0] == "第 2 行，收费标准：'-1' 不能为负数"
    assert lines[1].startswith("第 3 行，事项类型：'99' 不是「A.1 事项类型」的代码或名称")
    assert lines[2].startswith("error: file: bad.csv 中有 2 行共 2 处错误，未导入任何内容")
    result = run_cli("catalogue", "import", str(bad), "--json")
    report = json.loads(result.out)
    assert result.code == 2 and not report["ok"] and [e["row"] for e in report["errors"]] == [2, 3]
    assert report["errors"][0] == {"row": 2, "column": "收费标准", "reason": "'-1' 不能为负数"}

    for args, message in [(("show", "NOPE"), "error: item: 事项 'NOPE' 不存在"),
                          (("history", "NOPE"), "error: item: 事项 'NOPE' 不存在"),
                          (("list", "--unit", "NOPE"), "error: unit: 部门 'NOPE' 不存在"),
                          (("import", str(tmp_path / "none.csv")), "error: file:"),
                          (("export", str(tmp_path / "x.pdf")), "error: file: 不支持的文件格式"),
                          (("export", str(tmp_path / "x.csv"), "--format", "ods"), "error: format:")]:
        result = run_cli("catalogue", *args)
        assert result.code == 2 and result.err.startswith(message), (args, result.err)
    assert count(db, Item) == 0
