"""Catalogue spreadsheets (事项目录) to validated :class:`ItemData`, and back.

The format is docs/catalogue-format.md; the elements and code lists are those of GB/T 39046-2020
政务服务平台基础数据规范 as summarised in shared/domain/approval-and-supervision.md ("The item
catalogue"). One :class:`Column` per header carries both directions, parse (cell text → value) and
render (value → cell text), so that an export re-imports unchanged.

Validation happens in three layers, each reporting (column, reason) for every problem it finds:

1. the column's parser (code or label, yuan, 是/否, the material and step mini-formats);
2. the pydantic model (lengths, types, codes within their lists);
3. :func:`check_rules`, the rules across columns and against the database (departments).

Callers that build :class:`ItemData` themselves get layers 2 and 3 from
:func:`yangguang.approval.catalogue.save_item`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, TypeVar

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.approval import codes
from yangguang.core.db import MAX_INT
from yangguang.core.errors import InvalidInput
from yangguang.core.org import ROLE_LABELS, Role, Unit
from yangguang.core.settings import config_section
from yangguang.core.validation import validation_reason

MAX_LIMIT = 10_000  # far above any statutory limit; keeps numbers inside a 32-bit column
MAX_FEE_FEN = MAX_INT
MAX_COPIES = 1_000
TIME_UNITS = {"工作日": "workdays", "自然日": "natural_days", "工作小时": "work_hours"}  # core.clocks.ClockUnit
TIME_UNIT_LABELS = {value: label for label, value in TIME_UNITS.items()}
MATERIAL_FORMS = ("原件", "复印件", "原件和复印件", "电子件")
STEP_ROLES = (Role.CLERK.value, Role.APPROVER.value, Role.UNIT_HEAD.value)
ROLE_NAMES = {**{ROLE_LABELS[Role(r)]: r for r in STEP_ROLES}, **{r: r for r in STEP_ROLES}}
DEFAULT_FLOW = (("受理", Role.CLERK.value), ("审查", Role.APPROVER.value), ("决定", Role.UNIT_HEAD.value),
                ("办结", Role.CLERK.value))
_SEPARATORS = re.compile(r"[|\n；→]")


class Problem(NamedTuple):
    """One thing wrong with an item: the :class:`ItemData` field and the reason."""

    field: str
    reason: str
    not_found: bool = False  # a reference to something that does not exist (a department)


@dataclass(frozen=True)
class RowError:
    """One error of an import: spreadsheet row (the header is row 1), column header, reason."""

    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        return f"第 {self.row} 行，{self.column}：{self.reason}"


# --- the model -------------------------------------------------------------------------------------------

def _clean(value: Any) -> Any:
    """One newline convention, no characters a spreadsheet cannot hold (round trip through XLSX)."""
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        if ILLEGAL_CHARACTERS_RE.search(value):
            raise ValueError("不能包含控制字符")
    return value


def _in_list(table: dict[str, str], name: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in table:
            raise ValueError(f"{value!r} 不是「{name}」的代码")
        return value
    return check


def _no_separator(value: str) -> str:
    if _SEPARATORS.search(value):
        raise ValueError("不能包含 |、；、→ 或换行（这些符号用于分隔条目）")
    return value


Short = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_separator)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value: Any) -> Any:
        return _clean(value)


class MaterialData(_Model):
    """申请材料: name, form (原件/复印件...), copies, required, sample [GB/T 39046-2020]."""

    name: Short
    form: Literal["原件", "复印件", "原件和复印件", "电子件"] = "原件"
    copies: int = Field(1, ge=1, le=MAX_COPIES)
    required: bool = True
    sample: Annotated[str, Field(max_length=300), AfterValidator(_no_separator)] = ""


class StepData(_Model):
    """流程环节: a fixed step, the role that acts, its share of the promised limit, and its marker:
    并联 (fans out to the co-implementing departments) or 初审 (a first review forwarded to the higher
    organ that decides, within 20 days [行政许可法 Art. 43]).

    ``share`` counts units of the promised limit (working days unless the promised limit says
    otherwise). 0 appears only in the default flow of a very short promise (see :func:`default_steps`).
    """

    name: Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_no_separator)]
    role: Literal["clerk", "approver", "unit_head"]
    share: int = Field(ge=0, le=MAX_LIMIT)
    parallel: bool = False
    forwards: bool = False


Code = Annotated[str, Field(min_length=1)]
TimeUnit = Literal["workdays", "natural_days", "work_hours"]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]


class ItemData(_Model):
    """Every element of one catalogue item, with code-list codes and the fee in fen.

    ``unit`` and ``co_units`` name departments by code or name; they are stored as codes. Empty
    ``steps`` means the default fixed flow (:func:`default_steps`).
    """

    name: Annotated[str, Field(min_length=1, max_length=200)]
    basic_code: Annotated[str, Field(min_length=1, max_length=40)]
    impl_code: Annotated[str, Field(min_length=1, max_length=60)]
    item_type: Annotated[str, AfterValidator(_in_list(codes.ITEM_TYPE, "A.1 事项类型"))]
    exercise_level: Annotated[str, AfterValidator(_in_list(codes.EXERCISE_LEVEL, "A.2 行使层级"))]
    unit: Annotated[str, Field(min_length=1, max_length=100)]
    subject_nature: Annotated[str, AfterValidator(_in_list(codes.SUBJECT_NATURE, "A.3 实施主体性质"))] = "1"
    handling_unit: Annotated[str, Field(max_length=100)] = ""
    co_units: list[Annotated[str, Field(min_length=1, max_length=100)]] = []
    legal_basis: str = ""
    authority_division: str = ""
    exercise_content: str = ""
    quantity_limit: str = ""
    jurisdiction: str = ""
    statutory_limit: Limit
    statutory_unit: TimeUnit = "workdays"
    statutory_note: str = ""
    promised_limit: Limit
    promised_unit: TimeUnit = "workdays"
    promised_note: str = ""
    special_procedures: str = ""
    conditions: str = ""
    process_description: str = ""
    intermediary: str = ""
    handling_forms: list[Annotated[str, AfterValidator(_in_list(codes.HANDLING_FORM, "A.5 办理形式"))]] = ["1"]
    case_type: Annotated[str, AfterValidator(_in_list(codes.CASE_TYPE, "A.6 办件类型"))] = "2"
    online: bool = False
    online_only: bool = False
    online_url: Annotated[str, Field(max_length=300)] = ""
    location: str = ""
    office_hours: str = ""
    scope: str = ""
    service_objects: list[Annotated[str, AfterValidator(_in_list(codes.SERVICE_OBJECT, "A.4 服务对象"))]] = []
    result_name: Annotated[str, Field(max_length=200)] = ""
    result_sample: str = ""
    charges: bool = False
    fee_basis: str = ""
    fee_standard_fen: Annotated[int, Field(ge=0, le=MAX_FEE_FEN)] | None = None
    fee_standard_note: str = ""
    consult_phone: Annotated[str, Field(max_length=100)] = ""
    complaint_phone: Annotated[str, Field(max_length=100)] = ""
    faq: str = ""
    materials: list[MaterialData] = []
    steps: list[StepData] = []


def default_steps(promised_limit: int) -> list[StepData]:
    """The default fixed flow 受理(窗口人员) → 审查(审批人员) → 决定(单位负责人) → 办结(窗口人员), with shares.

    [approval-and-supervision.md "Service-centre practice": fixed steps, each with its own share of the
    time limit; catalogue-format.md 流程环节.] The shares always add up to exactly the promised limit P:

    * P ≥ 4: 受理 and 办结 get 1 each; of the rest R = P − 2, 决定 gets a third rounded down (at least 1)
      and 审查 the remainder. 4 → 1,1,1,1; 5 → 1,2,1,1; 10 → 1,6,2,1; 20 → 1,12,6,1.
    * P < 4 (four steps cannot each have a day): the first P steps get 1 and the others 0. A share of 0
      means the step has no time of its own and is due together with the step before it, so every step
      is done within the promise. 1 → 1,0,0,0 (all four on the one day); 2 → 1,1,0,0; 3 → 1,1,1,0.
    """
    if promised_limit >= 4:
        rest = promised_limit - 2
        decide = max(1, rest // 3)
        shares = [1, rest - decide, decide, 1]
    else:
        shares = [1 if i < promised_limit else 0 for i in range(4)]
    return [StepData(name=name, role=role, share=share) for (name, role), share in zip(DEFAULT_FLOW, shares,
                                                                                        strict=True)]


# --- departments -------------------------------------------------------------------------------------------

class UnitIndex:
    """The departments (实施主体, 共同实施部门) by code and by name, loaded once per import."""

    def __init__(self, session: Session) -> None:
        units = session.scalars(select(Unit)).all()
        self.by_code = {u.code: u for u in units}
        self.by_name = {u.name: u for u in units}

    def find(self, ref: str) -> Unit | None:
        return self.by_code.get(ref) or self.by_name.get(ref)


# --- cross-column rules ---------------------------------------------------------------------------------

def check_rules(values: Mapping[str, Any], units: UnitIndex, skip: Collection[str] = ()) -> list[Problem]:
    """The rules across columns and against the database; a rule whose inputs are in ``skip`` (they
    failed to parse) or absent is not checked, so one bad cell does not hide the other problems."""

    def have(*fields: str) -> bool:
        return all(f in values and f not in skip for f in fields)

    problems: list[Problem] = []
    if have("statutory_limit", "statutory_unit", "promised_limit", "promised_unit"):
        problems += _check_limits(values)
    if have("charges", "fee_basis", "fee_standard_fen"):
        problems += _check_fee(values)
    if have("online", "online_only") and values["online_only"] and not values["online"]:
        # [approval-and-supervision.md trigger 6: an item that must be handled online]
        problems.append(Problem("online_only", "必须网办为“是”时，是否网办不能为“否”"))
    if have("steps", "promised_limit", "co_units"):
        problems += _check_steps(values["steps"], values["promised_limit"], values["co_units"])
    if have("unit", "co_units"):
        problems += _check_units(values["unit"], values["co_units"], units)
    return problems


def _check_limits(values: Mapping[str, Any]) -> list[Problem]:
    """承诺办结时限 is shorter than 法定办结时限 (compared when both use the same unit) and at least
    ``[catalogue] promised_min`` [approval-and-supervision.md: "the promised limit is shorter than the
    statutory one and at least 1 working day (a provincial rule, keep configurable)"; GB/T 39046-2020]."""
    problems = []
    promised, statutory = values["promised_limit"], values["statutory_limit"]
    unit = "个" + TIME_UNIT_LABELS[values["promised_unit"]]
    if values["promised_unit"] == values["statutory_unit"] and promised >= statutory:
        problems.append(Problem("promised_limit", f"承诺时限 {promised}{unit} 应短于法定时限 {statutory}{unit}"))
    minimum = int(config_section("catalogue").get("promised_min", 1))
    if promised < minimum:
        problems.append(Problem("promised_limit", f"承诺时限 {promised}{unit} 低于最低值 {minimum}"
                                                  "（配置项 [catalogue] promised_min）"))
    return problems


def _check_fee(values: Mapping[str, Any]) -> list[Problem]:
    """收费=是 needs 收费依据 and a 收费标准 above 0; 收费=否 takes no 收费标准 [approval-and-supervision.md
    "Fees": a charge without a basis or above the standard is a violation, so both must be on record;
    GB/T 39046-2020 是否收费, 收费依据, 收费标准]."""
    problems = []
    fee = values["fee_standard_fen"]
    if values["charges"]:
        if not values["fee_basis"]:
            problems.append(Problem("fee_basis", "是否收费为“是”时必须填写"))
        if fee is None:
            problems.append(Problem("fee_standard_fen", "是否收费为“是”时必须填写"))
        elif fee == 0:
            problems.append(Problem("fee_standard_fen", "是否收费为“是”时必须大于 0"))
    elif fee is not None:
        problems.append(Problem("fee_standard_fen", "是否收费为“否”时不应填写"))
    return problems


def _check_steps(steps: list[StepData], promised: int, co_units: list[str]) -> list[Problem]:
    """Each step's share is at least 1 and the shares add up to at most the promised limit; at most
    one 并联 step, and only when the item has 共同实施部门 [approval-and-supervision.md "Service-centre
    practice": each step has its own share of the limit; parallel approval fans out to several
    departments; catalogue-format.md 流程环节]. Roles are checked by the parser and by :class:`StepData`."""
    problems = []
    for number, step in enumerate(steps, 1):
        if step.share < 1:
            problems.append(Problem("steps", f"第 {number} 个环节（{step.name}）的时限至少为 1"))
    total = sum(step.share for step in steps)
    if total > promised:
        problems.append(Problem("steps", f"各环节时限合计 {total}，超过承诺时限 {promised}"))
    parallel = [step.name for step in steps if step.parallel]
    if len(parallel) > 1:
        problems.append(Problem("steps", f"有 {len(parallel)} 个环节标为并联（{'、'.join(parallel)}），最多只能有一个"))
    if parallel and not co_units:
        problems.append(Problem("steps", "并联环节须填写共同实施部门"))
    forwarding = [step.name for step in steps if step.forwards]
    if len(forwarding) > 1:
        problems.append(Problem("steps", f"有 {len(forwarding)} 个环节标为初审（{'、'.join(forwarding)}），"
                                         "最多只能有一个"))
    return problems


def _check_units(unit_ref: str, co_refs: list[str], units: UnitIndex) -> list[Problem]:
    """实施主体 and every 共同实施部门 exist; no co-implementing department is the 实施主体 itself
    [catalogue-format.md 实施主体, 共同实施部门; GB/T 39046-2020]."""
    problems = []
    unit = units.find(unit_ref)
    if unit is None:
        problems.append(Problem("unit", f"未知的部门 {unit_ref!r}", not_found=True))
    for ref in co_refs:
        co = units.find(ref)
        if co is None:
            problems.append(Problem("co_units", f"未知的部门 {ref!r}", not_found=True))
        elif unit is not None and co.id == unit.id:
            problems.append(Problem("co_units", f"{ref!r} 就是实施主体本身，不能作为共同实施部门"))
    return problems


# --- cell parsers and renderers --------------------------------------------------------------------------

def _text(text: str) -> str:
    return text


def _norm(label: str) -> str:
    return label.replace("（", "(").replace("）", ")").replace(" ", "")


def _code_of(table: dict[str, str], name: str, text: str) -> str:
    """A code (``01``), code and label (``01 行政许可``) or label (``行政许可``) of one code list."""
    if text in table:
        return text
    width = len(next(iter(table)))
    if text.isdigit() and text.zfill(width) in table:  # a spreadsheet dropped the leading zero
        return text.zfill(width)
    head, _, tail = text.partition(" ")
    if head in table and _norm(tail) == _norm(table[head]):
        return head
    for code, label in table.items():
        if _norm(label) == _norm(text):
            return code
    known = "、".join(f"{code} {label}" for code, label in table.items())
    raise ValueError(f"{text!r} 不是「{name}」的代码或名称（{known}）")


def _code(table: dict[str, str], name: str) -> Callable[[str], str]:
    return lambda text: _code_of(table, name, text)


def _codes(table: dict[str, str], name: str) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        found = [_code_of(table, name, part.strip()) for part in re.split(r"[、,，;；]", text) if part.strip()]
        return list(dict.fromkeys(found))
    return parse


def _render_code(table: dict[str, str]) -> Callable[[str], str]:
    return lambda code: f"{code} {table[code]}"


def _render_codes(table: dict[str, str]) -> Callable[[list[str]], str]:
    return lambda values: "、".join(f"{code} {table[code]}" for code in values)


def _units(text: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in re.split(r"[、;；]", text) if part.strip()))


def _whole(text: str, minimum: int, maximum: int = MAX_LIMIT) -> int:
    if not text.isdecimal():
        raise ValueError(f"{text!r} 不是整数")
    number = int(text)
    if not minimum <= number <= maximum:
        raise ValueError(f"{number} 超出范围（最小 {minimum}，最大 {maximum}）")
    return number


def _limit(text: str) -> int:
    """A time limit: a positive whole number [GB/T 39046-2020 法定/承诺办结时限; catalogue-format.md]."""
    if not text.isdecimal() or int(text) < 1:
        raise ValueError(f"{text!r} 不是正整数")
    return _whole(text, 1)


def _time_unit(text: str) -> str:
    if text in TIME_UNITS:
        return TIME_UNITS[text]
    if text in TIME_UNIT_LABELS:
        return text
    raise ValueError(f"{text!r} 不是时限单位（{'、'.join(TIME_UNITS)}）")


def _yes_no(text: str) -> bool:
    if text not in ("是", "否"):
        raise ValueError(f"{text!r} 无效，应为“是”或“否”")
    return text == "是"


def _render_yes_no(value: bool) -> str:
    return "是" if value else "否"


def _fee(text: str) -> int:
    """Yuan per case → fen, with Decimal; at most two decimals, never negative [DESIGN.md: money in fen or
    Decimal, never float; catalogue-format.md 收费标准]."""
    if text.startswith("-"):
        raise ValueError(f"{text!r} 不能为负数")
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
        raise ValueError(f"{text!r} 不是以元为单位的金额（如 80.00）")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above admits only decimals
        raise ValueError(f"{text!r} 不是以元为单位的金额") from exc
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{text!r} 超过两位小数（最小单位为分）")
    fen = int(amount * 100)
    if fen > MAX_FEE_FEN:
        raise ValueError(f"{text!r} 金额过大")
    return fen


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals: 8000 → '80.00'."""
    return f"{Decimal(fen) / 100:.2f}"


def _render_fee(fen: int | None) -> str:
    return "" if fen is None else yuan(fen)


T = TypeVar("T")


def _parse_entries(text: str, separators: str, label: str, parse: Callable[[list[str]], T]) -> list[T]:
    """Split a cell into entries and parse each one's ``|``-separated parts; every entry's problem is
    reported together (one error naming each bad entry), as the import reports every row."""
    result, problems = [], []
    entries = [entry.strip() for entry in re.split(separators, text) if entry.strip()]
    for number, entry in enumerate(entries, 1):
        try:
            result.append(parse([part.strip() for part in entry.split("|")]))
        except (ValueError, ValidationError) as exc:
            problems.append(f"第 {number} {label} {entry!r}：{_reason(exc)}")
    if problems:
        raise ValueError("；".join(problems))
    return result


def _material(parts: list[str]) -> MaterialData:
    """One 申请材料 entry: ``名称|形式|份数|必要或非必要[|样本]``."""
    if not 4 <= len(parts) <= 5:
        raise ValueError("格式应为 名称|形式|份数|必要或非必要[|样本]")
    name, form, copies, need = parts[:4]
    if form not in MATERIAL_FORMS:
        raise ValueError(f"形式 {form!r} 应为{'、'.join(MATERIAL_FORMS)}之一")
    if need not in ("必要", "非必要"):
        raise ValueError(f"{need!r} 无效，应为“必要”或“非必要”")
    return MaterialData(name=name, form=form, copies=_whole(copies, 1, MAX_COPIES), required=need == "必要",
                        sample=parts[4] if len(parts) > 4 else "")


def _materials(text: str) -> list[MaterialData]:
    """申请材料 entries separated by newlines or ``；``."""
    return _parse_entries(text, r"[\n；]", "条材料", _material)


def _render_materials(materials: list[MaterialData]) -> str:
    return "；".join("|".join([m.name, m.form, str(m.copies), "必要" if m.required else "非必要"]
                             + ([m.sample] if m.sample else [])) for m in materials)


STEP_MARKERS = ("并联", "初审")  # parallel fan-out; first review forwarded to the higher organ


def _step(parts: list[str]) -> StepData:
    """One 流程环节 entry: ``名称|角色|工作日[|并联 or |初审]``."""
    if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] not in STEP_MARKERS):
        raise ValueError("格式应为 名称|角色|工作日，末尾可加 |并联 或 |初审")
    name, role, share = parts[:3]
    if role not in ROLE_NAMES:
        raise ValueError(f"角色 {role!r} 应为{'、'.join(ROLE_NAMES)}之一")
    marker = parts[3] if len(parts) == 4 else ""
    return StepData(name=name, role=ROLE_NAMES[role], share=_whole(share, 0), parallel=marker == "并联",
                    forwards=marker == "初审")


def _steps(text: str) -> list[StepData]:
    """流程环节 entries separated by ``→`` or newlines."""
    return _parse_entries(text, r"[\n→]", "个环节", _step)


def _render_steps(steps: list[StepData]) -> str:
    def marker(step: StepData) -> list[str]:
        return ["并联"] if step.parallel else ["初审"] if step.forwards else []

    return "→".join("|".join([s.name, ROLE_LABELS[Role(s.role)], str(s.share)] + marker(s)) for s in steps)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: Callable[[str], Any] = _text
    render: Callable[[Any], str] = _text
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("事项名称", "name", required=True),
    Column("基本编码", "basic_code", required=True),
    Column("实施编码", "impl_code", required=True),
    Column("事项类型", "item_type", _code(codes.ITEM_TYPE, "A.1 事项类型"), _render_code(codes.ITEM_TYPE), True),
    Column("行使层级", "exercise_level", _code(codes.EXERCISE_LEVEL, "A.2 行使层级"),
           _render_code(codes.EXERCISE_LEVEL), True),
    Column("实施主体", "unit", required=True),
    Column("实施主体性质", "subject_nature", _code(codes.SUBJECT_NATURE, "A.3 实施主体性质"),
           _render_code(codes.SUBJECT_NATURE)),
    Column("承办机构", "handling_unit"),
    Column("共同实施部门", "co_units", _units, "、".join),
    Column("设定依据", "legal_basis"),
    Column("权限划分", "authority_division"),
    Column("行使内容", "exercise_content"),
    Column("数量限制", "quantity_limit"),
    Column("行政管辖", "jurisdiction"),
    Column("法定办结时限", "statutory_limit", _limit, str, True),
    Column("法定时限单位", "statutory_unit", _time_unit, TIME_UNIT_LABELS.__getitem__),
    Column("法定时限说明", "statutory_note"),
    Column("承诺办结时限", "promised_limit", _limit, str, True),
    Column("承诺时限单位", "promised_unit", _time_unit, TIME_UNIT_LABELS.__getitem__),
    Column("承诺时限说明", "promised_note"),
    Column("特别程序", "special_procedures"),
    Column("受理条件", "conditions"),
    Column("办理流程", "process_description"),
    Column("中介服务", "intermediary"),
    Column("办理形式", "handling_forms", _codes(codes.HANDLING_FORM, "A.5 办理形式"),
           _render_codes(codes.HANDLING_FORM)),
    Column("办件类型", "case_type", _code(codes.CASE_TYPE, "A.6 办件类型"), _render_code(codes.CASE_TYPE)),
    Column("是否网办", "online", _yes_no, _render_yes_no),
    Column("必须网办", "online_only", _yes_no, _render_yes_no),
    Column("网办地址", "online_url"),
    Column("办理地点", "location"),
    Column("办理时间", "office_hours"),
    Column("通办范围", "scope"),
    Column("服务对象", "service_objects", _codes(codes.SERVICE_OBJECT, "A.4 服务对象"),
           _render_codes(codes.SERVICE_OBJECT)),
    Column("结果名称", "result_name"),
    Column("结果样本", "result_sample"),
    Column("是否收费", "charges", _yes_no, _render_yes_no),
    Column("收费依据", "fee_basis"),
    Column("收费标准", "fee_standard_fen", _fee, _render_fee),
    Column("收费标准说明", "fee_standard_note"),
    Column("咨询电话", "consult_phone"),
    Column("监督投诉电话", "complaint_phone"),
    Column("常见问题", "faq"),
    Column("申请材料", "materials", _materials, _render_materials),
    Column("流程环节", "steps", _steps, _render_steps),
)
BY_HEADER = {column.header: column for column in COLUMNS}
FIELD_LABELS = {column.field: column.header for column in COLUMNS}
HEADERS = tuple(BY_HEADER)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(_pydantic_message(error) for error in exc.errors(include_url=False))
    return str(exc)


def _pydantic_message(error: Mapping[str, Any]) -> str:
    message = validation_reason(error)
    inner = [str(part) for part in error["loc"][1:]]
    if inner and inner[0].isdigit():
        inner[0] = f"第 {int(inner[0]) + 1} 条"
    return f"{'，'.join(inner)}：{message}" if inner else message


def validation_problems(exc: ValidationError) -> list[Problem]:
    """A pydantic error of :class:`ItemData` as problems naming the field."""
    return [Problem(str(error["loc"][0]) if error["loc"] else "item", _pydantic_message(error))
            for error in exc.errors(include_url=False)]


def format_row(data: ItemData) -> dict[str, str]:
    """One item as spreadsheet cells; the default flow is written as an empty 流程环节, as it is entered."""
    cells = {column.header: column.render(getattr(data, column.field)) for column in COLUMNS}
    if data.steps == default_steps(data.promised_limit):
        cells["流程环节"] = ""
    return cells


def parse_row(cells: Mapping[str, str], units: UnitIndex) -> tuple[ItemData | None, list[Problem]]:
    """One row (header → stripped cell text) to an item, or every problem found in it."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for column in COLUMNS:
        text = cells.get(column.header, "")
        if not text:
            if column.required:
                problems.append(Problem(column.field, "必填项"))
            else:
                values[column.field] = ItemData.model_fields[column.field].get_default(call_default_factory=True)
            continue
        try:
            values[column.field] = column.parse(text)
        except ValueError as exc:
            problems.append(Problem(column.field, str(exc)))
    failed = {problem.field for problem in problems}
    data = None
    try:
        data = ItemData.model_validate(values)
    except ValidationError as exc:
        found = [p for p in validation_problems(exc) if p.field not in failed]
        problems += found
        failed |= {p.field for p in found}
    problems += check_rules(values, units, skip=failed)
    return (None, problems) if problems else (data, [])


# --- files -----------------------------------------------------------------------------------------------

def _cell_text(value: Any) -> str:
    """A cell as text; spreadsheet numbers keep no float artefacts (20.0 → '20', 80.5 → '80.5')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def file_format(path: Path, fmt: str | None = None) -> str:
    """``xlsx`` or ``csv``: the one asked for, else the file's extension."""
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    if chosen not in ("xlsx", "csv"):
        field = "format" if fmt else "file"
        raise InvalidInput(field, f"不支持的文件格式 {chosen or path.name!r}（应为 xlsx 或 csv）")
    return chosen


def read_table(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) of the first sheet or the CSV file; row 1 is the header."""
    if not path.is_file():
        raise InvalidInput("file", f"文件 {path} 不存在")
    if file_format(path) == "csv":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput("file", f"{path.name} 不是 UTF-8 编码的文本") from exc
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
            yield number, [_cell_text(value) for value in row]
        return
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise InvalidInput("file", f"{path.name} 不是可读取的 XLSX 工作簿：{exc}") from exc
    try:
        for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
            yield number, [_cell_text(value) for value in row]
    finally:
        book.close()


def parse_file(path: Path, units: UnitIndex) -> tuple[list[tuple[int, ItemData]], list[RowError], int]:
    """Every row of a catalogue file: (row, item) pairs, every error, and the number of item rows.

    Errors name the header (row 1) for unknown, repeated or missing columns, and otherwise the row and
    column of the cell; a 实施编码 repeated within the file is an error on each later row
    [catalogue-format.md: 实施编码 unique in the catalogue; all-or-nothing import].
    """
    rows = read_table(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise InvalidInput("file", f"{path.name} 是空文件（第一行应为表头）") from None
    errors = _header_errors(header)
    absent = {c.field for c in COLUMNS if c.required and c.header not in header}  # reported once, on row 1
    items: list[tuple[int, ItemData]] = []
    first_row: dict[str, int] = {}
    count = 0
    for number, cells in rows:
        if not any(cells):
            continue
        count += 1
        named = {}
        for position, text in enumerate(cells):
            title = header[position] if position < len(header) else ""
            if title in BY_HEADER:
                named[title] = text
            elif text and not title:
                errors.append(RowError(number, f"第{position + 1}列", "该列没有表头，不能填写内容"))
        data, problems = parse_row(named, units)
        errors += [RowError(number, FIELD_LABELS.get(p.field, p.field), p.reason) for p in problems
                   if p.field not in absent]
        code = named.get("实施编码", "")
        if code in first_row:
            errors.append(RowError(number, "实施编码", f"{code} 已在本文件第 {first_row[code]} 行出现"))
        elif code:
            first_row[code] = number
        if data is not None:
            items.append((number, data))
    return items, errors, count


def _header_errors(header: list[str]) -> list[RowError]:
    """Unknown and repeated headers, and missing required columns [catalogue-format.md]."""
    errors = []
    seen: set[str] = set()
    for title in header:
        if not title:
            continue
        if title not in BY_HEADER:
            errors.append(RowError(1, title, "未知的列"))
        elif title in seen:
            errors.append(RowError(1, title, "该列重复出现"))
        seen.add(title)
    errors += [RowError(1, c.header, "缺少必填列") for c in COLUMNS if c.required and c.header not in seen]
    return errors
