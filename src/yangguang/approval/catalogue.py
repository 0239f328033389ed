"""The item catalogue (政务服务事项目录): the only code that changes catalogue state.

Items are versioned: every change that alters an element bumps ``Item.version`` and stores a
snapshot (:class:`ItemVersion`), so a case can be read against the version it was accepted under;
saving identical data changes nothing. Every change writes an audit entry in the caller's
transaction. Elements and code lists: GB/T 39046-2020 as summarised in
shared/domain/approval-and-supervision.md; file format: docs/catalogue-format.md.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, joinedload, object_session

from yangguang.approval import codes
from yangguang.approval.importers import (
    FIELD_LABELS,
    HEADERS,
    TIME_UNIT_LABELS,
    ItemData,
    MaterialData,
    RowError,
    StepData,
    UnitIndex,
    check_rules,
    default_steps,
    file_format,
    format_row,
    parse_file,
    yuan,
)
from yangguang.approval.models import CaseMaterial, Item, ItemMaterial, ItemStep, ItemVersion
from yangguang.core import audit
from yangguang.core.errors import InvalidInput, NotFound
from yangguang.core.org import ROLE_LABELS, Role, Unit, get_unit

ENTITY = "approval_item"
_SCALARS = [name for name in ItemData.model_fields if name not in ("unit", "materials", "steps")]


@dataclass
class ImportReport:
    """What an import did (codes created, updated, unchanged), or every row error when it was rejected."""

    file: str
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "ok": self.ok, "rows": self.rows, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged,
                "errors": [error.as_dict() for error in self.errors]}


class CatalogueRejected(InvalidInput):
    """An import with errors: nothing was written; ``report.errors`` lists every one."""

    def __init__(self, report: ImportReport) -> None:
        rows = len({error.row for error in report.errors})
        super().__init__("file", f"{Path(report.file).name} 中有 {rows} 行共 {len(report.errors)} 处错误，"
                                 f"未导入任何内容（第一处：{report.errors[0]}）")
        self.report = report


# --- changing the catalogue ------------------------------------------------------------------------------

def save_item(session: Session, data: ItemData, *, actor: str, at: datetime, note: str = "") -> Item:
    """Create or update the item with ``data.impl_code``; a new version only if an element changed.

    Raises :class:`InvalidInput` (or :class:`NotFound` for an unknown department) naming the column of
    the first problem, as the import would report it.
    """
    units = UnitIndex(session)
    problems = check_rules(dict(data), units)
    if problems:
        first = problems[0]
        error = NotFound if first.not_found else InvalidInput
        raise error(FIELD_LABELS.get(first.field, first.field), first.reason)
    return _store(session, data, units, actor=actor, at=at, note=note)[0]


def import_catalogue(session: Session, path: str | Path, *, actor: str, at: datetime) -> ImportReport:
    """Import an XLSX or CSV catalogue, all or nothing [catalogue-format.md].

    Every row is validated first; if any has an error nothing is written and :class:`CatalogueRejected`
    carries the report with every (row, column, reason). Otherwise each row creates or updates its item.
    """
    path = Path(path)
    units = UnitIndex(session)
    items, errors, rows = parse_file(path, units)
    report = ImportReport(file=str(path), rows=rows, errors=errors)
    if errors:
        raise CatalogueRejected(report)
    with session.begin_nested():  # a failure half-way (a database error) undoes the rows already written
        for row, data in items:
            item, outcome = _store(session, data, units, actor=actor, at=at, note=f"导入 {path.name} 第{row}行"[:300])
            getattr(report, outcome).append(item.impl_code)
    return report


def _normalised(data: ItemData, units: UnitIndex) -> ItemData:
    """Departments by code, the default flow spelled out: the form that is stored and snapshotted."""
    return data.model_copy(update={
        "unit": units.find(data.unit).code,
        "co_units": [units.find(ref).code for ref in data.co_units],
        "steps": data.steps or default_steps(data.promised_limit),
    })


def _store(session: Session, data: ItemData, units: UnitIndex, *, actor: str, at: datetime,
           note: str) -> tuple[Item, str]:
    data = _normalised(data, units)
    snapshot = data.model_dump(mode="json")
    item = session.scalar(select(Item).where(Item.impl_code == data.impl_code))
    if item is None:
        item = Item(impl_code=data.impl_code, version=1)
        session.add(item)
        outcome, changed = "created", []
    else:
        before = item_data(item).model_dump(mode="json")
        changed = [name for name in snapshot if snapshot[name] != before.get(name)]
        if not changed:
            return item, "unchanged"
        item.version += 1
        outcome = "updated"
    _apply(session, item, data, units)
    item.updated_at = at
    session.flush()
    session.add(ItemVersion(item_id=item.id, version=item.version, snapshot=snapshot, changed_by=actor,
                            changed_at=at, note=note))
    digest = hashlib.sha256(audit.canonical(snapshot).encode("utf-8")).hexdigest()
    audit.record(session, actor=actor, action=f"catalogue.item_{outcome}", entity=ENTITY, entity_id=item.id,
                 data={"impl_code": item.impl_code, "version": item.version, "changed": changed,
                       "snapshot_sha256": digest, "note": note}, at=at)
    session.flush()
    return item, outcome


def _apply(session: Session, item: Item, data: ItemData, units: UnitIndex) -> None:
    """Write ``data`` onto the row. Materials are matched by name and updated in place, because cases
    refer to them (``CaseMaterial.material_id``); a removed material's references are cleared, the case
    keeps its own copy of name and requirement. Steps are matched by position."""
    for name in _SCALARS:
        setattr(item, name, getattr(data, name))
    item.unit_id = units.find(data.unit).id
    existing = list(item.materials)
    kept: list[ItemMaterial] = []
    for seq, material in enumerate(data.materials, 1):
        row = next((m for m in existing if m.name == material.name), None) or ItemMaterial()
        if row in existing:
            existing.remove(row)
        row.seq = seq
        for key, value in material.model_dump().items():
            setattr(row, key, value)
        kept.append(row)
    removed = [m.id for m in existing if m.id is not None]
    if removed:
        session.execute(update(CaseMaterial).where(CaseMaterial.material_id.in_(removed)).values(material_id=None))
    item.materials = kept
    steps = list(item.steps)
    for seq, step in enumerate(data.steps, 1):
        row = steps[seq - 1] if seq <= len(steps) else ItemStep()
        row.seq = seq
        for key, value in step.model_dump().items():
            setattr(row, key, value)
        if seq > len(steps):
            steps.append(row)
    item.steps = steps[:len(data.steps)]


# --- reading -------------------------------------------------------------------------------------------

def item_data(item: Item) -> ItemData:
    """An item as it is stored, in the import's terms (departments by code, steps spelled out)."""
    session = object_session(item)
    values: dict[str, Any] = {name: getattr(item, name) for name in _SCALARS}
    values["unit"] = session.get(Unit, item.unit_id).code
    values["materials"] = [MaterialData(name=m.name, form=m.form, copies=m.copies, required=m.required,
                                        sample=m.sample) for m in item.materials]
    values["steps"] = [StepData(name=s.name, role=s.role, share=s.share, parallel=s.parallel,
                                 forwards=s.forwards) for s in item.steps]
    return ItemData.model_validate(values)


def get_item(session: Session, code: str) -> Item:
    """The item with this 实施编码, or the one item with this 基本编码."""
    code = code.strip()
    item = session.scalar(select(Item).where(Item.impl_code == code))
    if item is not None:
        return item
    found = session.scalars(select(Item).where(Item.basic_code == code).order_by(Item.impl_code)).all()
    if len(found) == 1:
        return found[0]
    if found:
        raise InvalidInput("item", f"基本编码 {code} 对应 {len(found)} 个实施事项"
                                   f"（{'、'.join(i.impl_code for i in found)}），请填写实施编码")
    raise NotFound("item", f"事项 {code!r} 不存在（既不是实施编码，也不是基本编码）")


def list_items(session: Session, unit: str | None = None) -> list[Item]:
    """All items by 实施编码, or those of one department (code or name)."""
    query = select(Item).order_by(Item.impl_code)
    if unit is not None:
        query = query.where(Item.unit_id == get_unit(session, unit, field="unit").id)
    return list(session.scalars(query))


def search_items(session: Session, *, q: str = "", unit: str | None = None, kind: str | None = None) -> Select:
    """The active items whose name or code contains ``q`` (in any case), of the department coded ``unit`` and the
    事项类型 ``kind`` (A.1), by 实施编码 (a statement to paginate). An unknown department or kind is bad input."""
    query = select(Item).options(joinedload(Item.unit)).where(Item.active.is_(True)).order_by(Item.impl_code)
    if q.strip():
        text = q.strip()
        query = query.where(Item.name.icontains(text, autoescape=True) | Item.impl_code.icontains(text, autoescape=True)
                            | Item.basic_code.icontains(text, autoescape=True))
    if unit:
        unit_id = session.scalar(select(Unit.id).where(Unit.code == unit))
        if unit_id is None:
            raise InvalidInput("unit", f"未知的部门代码 {unit!r}")
        query = query.where(Item.unit_id == unit_id)
    if kind:
        if kind not in codes.ITEM_TYPE:
            raise InvalidInput("kind", f"{kind!r} 不是事项类型代码（A.1：{'、'.join(codes.ITEM_TYPE)}）")
        query = query.where(Item.item_type == kind)
    return query


def item_departments(session: Session) -> list[tuple[str, str]]:
    """(code, name) of every department with an active item, by code: the choices of a guide search."""
    query = select(Unit.code, Unit.name).where(Unit.id.in_(select(Item.unit_id).where(Item.active.is_(True))))
    return [(code, name) for code, name in session.execute(query.order_by(Unit.code))]


def item_history(session: Session, code: str) -> list[dict[str, Any]]:
    """Every version of an item, oldest first, with the labels of the elements each one changed."""
    item = get_item(session, code)
    versions = session.scalars(select(ItemVersion).where(ItemVersion.item_id == item.id)
                               .order_by(ItemVersion.version))
    history, before = [], None
    for version in versions:
        changed = [] if before is None else [FIELD_LABELS.get(name, name) for name in version.snapshot
                                             if version.snapshot[name] != before.get(name)]
        history.append({"version": version.version, "changed_at": version.changed_at,
                        "changed_by": version.changed_by, "note": version.note, "changed": changed,
                        "snapshot": version.snapshot})
        before = version.snapshot
    return history


def export_catalogue(session: Session, path: str | Path, fmt: str | None = None) -> int:
    """Write the whole catalogue as XLSX or CSV (UTF-8 with BOM) in the import format; returns the count.

    Every cell is text (codes keep their leading zeros, fees their two decimals, and a value starting
    with ``=`` stays text rather than becoming a formula), so the file re-imports unchanged."""
    path = Path(path)
    fmt = file_format(path, fmt)
    rows = [format_row(item_data(item)) for item in list_items(session)]
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=HEADERS)
            writer.writeheader()
            writer.writerows(rows)
        return len(rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("事项目录")
    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, header, bold) for header in HEADERS])
    for row in rows:
        sheet.append([_text_cell(sheet, row[header]) for header in HEADERS])
    book.save(path)
    return len(rows)


def _text_cell(sheet, value: str, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


# --- the public guide (办事指南) ------------------------------------------------------------------------

def _or_none(text: str) -> str:
    return text or "无"


def _limit(limit: int, unit: str) -> str:
    return f"{limit}个{TIME_UNIT_LABELS[unit]}"


def item_guide(item: Item) -> dict[str, Any]:
    """The public service guide: every element under its Chinese label, code lists as labels, limits
    with units ("20个工作日"), the fee in yuan, materials and steps [GB/T 39046-2020; ZWFW C0109.2—2018]."""
    session = object_session(item)
    names = {u.code: u.name for u in session.scalars(select(Unit))}
    unit = session.get(Unit, item.unit_id)
    step_unit = TIME_UNIT_LABELS[item.promised_unit]
    label = FIELD_LABELS
    return {
        "事项名称": item.name, "实施编码": item.impl_code, "版本": item.version,
        "基本信息": {
            label["name"]: item.name, label["basic_code"]: item.basic_code, label["impl_code"]: item.impl_code,
            label["item_type"]: codes.ITEM_TYPE[item.item_type],
            label["exercise_level"]: codes.EXERCISE_LEVEL[item.exercise_level],
            label["unit"]: unit.name, "统一社会信用代码": _or_none(unit.credit_code or ""),
            label["subject_nature"]: codes.SUBJECT_NATURE[item.subject_nature],
            label["handling_unit"]: _or_none(item.handling_unit),
            label["co_units"]: _or_none("、".join(names.get(c, c) for c in item.co_units)),
        },
        "法律依据": {label[f]: _or_none(getattr(item, f)) for f in (
            "legal_basis", "authority_division", "exercise_content", "quantity_limit", "jurisdiction")},
        "办理时限": {
            label["statutory_limit"]: _limit(item.statutory_limit, item.statutory_unit),
            label["statutory_note"]: _or_none(item.statutory_note),
            label["promised_limit"]: _limit(item.promised_limit, item.promised_unit),
            label["promised_note"]: _or_none(item.promised_note),
            label["special_procedures"]: _or_none(item.special_procedures),
        },
        "办理方式": {
            label["conditions"]: _or_none(item.conditions), label["process_description"]: _or_none(
                item.process_description),
            label["handling_forms"]: _or_none("、".join(codes.HANDLING_FORM[c] for c in item.handling_forms)),
            label["case_type"]: codes.CASE_TYPE[item.case_type], label["intermediary"]: _or_none(item.intermediary),
            label["online"]: "是" if item.online else "否", label["online_only"]: "是" if item.online_only else "否",
            label["online_url"]: _or_none(item.online_url), label["location"]: _or_none(item.location),
            label["office_hours"]: _or_none(item.office_hours), label["scope"]: _or_none(item.scope),
            label["service_objects"]: _or_none("、".join(codes.SERVICE_OBJECT[c] for c in item.service_objects)),
        },
        "申请材料": [{"序号": m.seq, "材料名称": m.name, "材料形式": m.form, "份数": m.copies,
                      "是否必要": "必要" if m.required else "非必要", "样本": _or_none(m.sample)}
                     for m in item.materials],
        "流程环节": [{"序号": s.seq, "环节名称": s.name, "办理人员": ROLE_LABELS[Role(s.role)],
                      "环节时限": f"{s.share}个{step_unit}" if s.share else "与上一环节同时办结",
                      "并联审批": "是" if s.parallel else "否", "初审上报": "是" if s.forwards else "否"}
                     for s in item.steps],
        "办理结果": {label["result_name"]: _or_none(item.result_name),
                     label["result_sample"]: _or_none(item.result_sample)},
        "收费": {
            label["charges"]: "是" if item.charges else "否",
            label["fee_basis"]: _or_none(item.fee_basis),
            label["fee_standard_fen"]: f"{yuan(item.fee_standard_fen)}元" if item.charges else "不收费",
            label["fee_standard_note"]: _or_none(item.fee_standard_note),
        },
        "咨询监督": {label["consult_phone"]: _or_none(item.consult_phone),
                     label["complaint_phone"]: _or_none(item.complaint_phone), label["faq"]: _or_none(item.faq)},
    }
