"""The public JSON API (no account, tag "public"): the catalogue and its guide, the progress query and
the live hall board. Same helpers and rules as the pages (:mod:`yangguang.approval.public`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from yangguang.approval.catalogue import item_guide
from yangguang.approval.hall import unit_windows
from yangguang.approval.public import (
    CASE_NUMBER,
    BoardDay,
    ItemCode,
    KindCode,
    SearchText,
    UnitCode,
    board_of_day,
    guide_page,
    look_up_progress,
    public_item,
)
from yangguang.web.deps import Db, Paging
from yangguang.web.progress import client_address

router = APIRouter(prefix="/api/v1", tags=["public"])


class PublicError(BaseModel):
    """Every refusal: the field at fault and the reason."""

    field: str = Field(description="出错的字段")
    reason: str = Field(description="原因")


BAD_INPUT: dict[int | str, dict[str, Any]] = {422: {"model": PublicError, "description": "输入有误"}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": PublicError, "description": "未找到"}}


# --- catalogue ---------------------------------------------------------------------------------------
class ItemSummary(BaseModel):
    code: str = Field(description="实施编码")
    basic_code: str = Field(description="基本编码")
    name: str = Field(description="事项名称")
    unit: str = Field(description="实施部门代码")
    unit_name: str = Field(description="实施部门")
    kind: str = Field(description="事项类型代码（A.1）")
    kind_label: str = Field(description="事项类型")
    promised_limit: str = Field(description="承诺办结时限，如“5个工作日”")
    online: bool = Field(description="是否可网上办理")


class ItemPage(BaseModel):
    items: list[ItemSummary]
    total: int = Field(description="符合条件的事项总数")
    page: int
    per_page: int


class GuideMaterial(BaseModel):
    seq: int = Field(description="序号")
    name: str = Field(description="材料名称")
    form: str = Field(description="材料形式（原件、复印件……）")
    copies: int = Field(description="份数")
    required: bool = Field(description="是否必要")
    sample: str = Field(description="样本（无则为“无”）")


class GuideStep(BaseModel):
    seq: int = Field(description="序号")
    name: str = Field(description="环节名称")
    handler: str = Field(description="办理人员")
    limit: str = Field(description="环节时限")
    parallel: bool = Field(description="是否并联审批")
    first_review: bool = Field(description="是否初审上报（行政许可法第四十三条）")


class GuideWindow(BaseModel):
    number: str = Field(description="窗口编号")
    name: str = Field(description="窗口名称")


class ItemGuide(BaseModel):
    code: str = Field(description="实施编码")
    name: str = Field(description="事项名称")
    version: int = Field(description="目录版本")
    sections: dict[str, dict[str, str]] = Field(description=(
        "办事指南要素（GB/T 39046-2020）：分组名称（基本信息、法律依据、办理时限、办理方式、办理结果、收费、"
        "咨询监督）→ 要素名称 → 内容"))
    materials: list[GuideMaterial] = Field(description="申请材料")
    steps: list[GuideStep] = Field(description="办理流程环节")
    windows: list[GuideWindow] = Field(description="受理窗口")


@router.get("/items", response_model=ItemPage, responses=BAD_INPUT, summary="事项目录")
def list_items(session: Db, paging: Paging, q: SearchText = "", unit: UnitCode = None,
               kind: KindCode = None) -> dict[str, Any]:
    """Items of the published catalogue: search by name or code, filter by department and item type."""
    return guide_page(session, q, unit, kind, paging)


@router.get("/items/{code}", response_model=ItemGuide, responses={**NOT_FOUND, **BAD_INPUT}, summary="办事指南")
def get_item_guide(session: Db, code: ItemCode) -> ItemGuide:
    """An item's complete service guide (办事指南): every GB/T 39046-2020 element."""
    item = public_item(session, code)
    guide = item_guide(item)
    return ItemGuide(
        code=guide["实施编码"], name=guide["事项名称"], version=guide["版本"],
        sections={name: value for name, value in guide.items() if isinstance(value, dict)},
        materials=[GuideMaterial(seq=m["序号"], name=m["材料名称"], form=m["材料形式"], copies=m["份数"],
                                 required=m["是否必要"] == "必要", sample=m["样本"]) for m in guide["申请材料"]],
        steps=[GuideStep(seq=s["序号"], name=s["环节名称"], handler=s["办理人员"], limit=s["环节时限"],
                         parallel=s["并联审批"] == "是", first_review=s["初审上报"] == "是")
               for s in guide["流程环节"]],
        windows=[GuideWindow(**window) for window in unit_windows(session, item.unit_id)])


# --- progress ----------------------------------------------------------------------------------------
class ProgressQuery(BaseModel):
    number: str = Field(max_length=40, pattern=CASE_NUMBER, description="办件编号")
    query_code: str = Field(max_length=12, pattern=CASE_NUMBER, description="查询码（受理通知书上）")


class DoneStep(BaseModel):
    step: str = Field(description="环节")
    unit: str = Field(description="办理部门")
    done_on: date | None = Field(description="完成日期")


class CurrentStep(BaseModel):
    step: str = Field(description="环节")
    unit: str = Field(description="当前办理部门")
    since: date | None = Field(description="开始日期")


class TimeLimit(BaseModel):
    limit: int = Field(description="承诺时限（含延期）")
    time_unit: str = Field(description="时限单位：workdays, natural_days, work_hours")
    unit_label: str = Field(description="时限单位名称")
    used: int = Field(description="已用")
    left: int = Field(description="剩余")
    overdue: bool = Field(description="是否已超过承诺时限")
    due_on: date | None = Field(description="承诺办结日期（暂停计时期间为空）")
    provisional: bool = Field(description="日期是否依赖尚未公布的节假日安排")
    paused: bool = Field(description="是否暂停计时")


class Suspension(BaseModel):
    reason: str = Field(description="暂停计时的原因（特别程序、补正）")
    since: date | None


class CaseProgress(BaseModel):
    """A case's progress as the public sees it: no personal data of the applicant."""

    number: str
    item: str = Field(description="事项名称")
    unit: str = Field(description="受理部门")
    state: str
    state_label: str = Field(description="办理状态")
    received_on: date | None
    accepted_on: date | None
    completed_on: date | None
    delivered_on: date | None
    result: str | None = Field(description="办理结果（准予许可、不予许可）")
    steps_done: list[DoneStep]
    current: list[CurrentStep] = Field(description="正在办理的环节与部门")
    time: TimeLimit | None
    suspended: Suspension | None = None


@router.post("/progress", response_model=CaseProgress, summary="办件进度查询", responses={
    **NOT_FOUND, **BAD_INPUT, 429: {"model": PublicError, "description": "该地址查询失败次数过多"}})
def progress(request: Request, body: ProgressQuery) -> dict[str, Any]:
    """办件进度查询 by case number and query code. A wrong code answers exactly like an unknown number;
    wrong guesses are limited per client address."""
    return look_up_progress(body.number.strip(), body.query_code.strip(), address=client_address(request),
                            at=datetime.now(UTC))


# --- hall board --------------------------------------------------------------------------------------
class HallFigures(BaseModel):
    accepted: int = Field(description="当日受理")
    completed: int = Field(description="当日办结")
    on_time: int = Field(description="当日按时办结")
    on_time_rate: float | None = Field(description="当日按时办结率（%），无办结时为空")
    month_completed: int = Field(description="本月（截至当日）办结")
    month_on_time: int = Field(description="本月按时办结")
    month_on_time_rate: float | None = Field(description="本月按时办结率（%）")
    in_progress: int = Field(description="办理中（当日结束时，今天为此刻）")


class HallWindow(HallFigures):
    window: str = Field(description="窗口编号")
    name: str = Field(description="窗口名称")
    unit: str = Field(description="所属部门")


class HallBoard(BaseModel):
    date: date
    as_of: datetime = Field(description="数据截至时刻")
    live: bool = Field(description="是否为今天的实时数据")
    windows: list[HallWindow]
    totals: HallFigures


@router.get("/hall", response_model=HallBoard, responses=BAD_INPUT, summary="大厅实况")
def hall(request: Request, session: Db, day: BoardDay = None) -> dict[str, Any]:
    """大厅实况: every window's cases accepted and completed on the day, on-time rates, cases in progress
    (recomputed at most every few seconds: see ``as_of``)."""
    return board_of_day(request, session, day)

