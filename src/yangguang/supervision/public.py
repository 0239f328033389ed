"""Published rankings and statistics (绩效排名, 统计分析): the public page and its JSON API (tag "public").

Only complete past months are published, and only units and windows are ranked: persons are scored
for internal use and never shown here (:mod:`yangguang.supervision.statistics`). The page renders the
tables; its charts (static/charts.js) read the same figures from the API.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from yangguang.core.errors import InvalidInput
from yangguang.supervision.schemas import Error
from yangguang.supervision.scoring import scoring_config
from yangguang.supervision.statistics import (
    MAX_MONTHS,
    check_published,
    complete_months,
    last_complete_month,
    monthly_statistics,
    published_ranking,
)
from yangguang.web.deps import Db, OptionalPerson, Page, Paging, page_of
from yangguang.web.templating import render

router = APIRouter()

Period = Annotated[str | None, Query(min_length=7, max_length=7, pattern=r"^[0-9]{4}-[0-9]{2}$",
                                     description="评估月份 YYYY-MM（已结束的月份），缺省为上月")]
SELECTABLE_MONTHS = 24  # months offered by the page's period selector


ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": Error, "description": "输入有误：出错的字段和原因"}}


class RankingRow(BaseModel):
    rank: int | None = Field(description="名次（无得分者为空；同分同名次）")
    code: str = Field(description="部门代码或窗口编号")
    name: str = Field(description="部门或窗口名称")
    completed: int = Field(description="办结件数")
    on_time: int = Field(description="按时办结件数")
    on_time_rate: float | None = Field(description="按时办结率（%）")
    early: int = Field(description="提前办结件数")
    early_rate: float | None = Field(description="提前办结率（%）")
    time_ratio: float | None = Field(description="平均用时与承诺时限之比")
    warnings: int = Field(description="预警次数")
    yellow: int = Field(description="黄牌张数")
    red: int = Field(description="红牌张数")
    deducted: float = Field(description="监察牌扣分")
    ratings: int = Field(description="好差评评价数")
    satisfaction: float | None = Field(description="满意度得分")
    score: float | None = Field(description="综合得分")
    grade: str | None = Field(description="等次：优秀、良好、合格、不合格")


class Ranking(Page[RankingRow]):
    period: str = Field(description="评估月份")
    by: Literal["unit", "window"]


class MonthFigures(BaseModel):
    month: str = Field(description="月份 YYYY-MM")
    accepted: int = Field(description="受理件数")
    completed: int = Field(description="办结件数")
    on_time: int = Field(description="按时办结件数")
    on_time_rate: float | None = Field(description="按时办结率（%）")
    warning: int = Field(description="预警")
    yellow: int = Field(description="黄牌")
    red: int = Field(description="红牌")


class Statistics(BaseModel):
    months: list[MonthFigures] = Field(description="最近若干个已结束的月份，按时间先后")


@router.get("/api/v1/rankings", response_model=Ranking, responses=ERRORS, tags=["public"], summary="绩效排名")
def rankings_api(session: Db, paging: Paging, period: Period = None,
                 by: Annotated[Literal["unit", "window"], Query(description="按部门或窗口排名")] = "unit") -> Ranking:
    """绩效排名 of units or windows for a complete past month (persons are never ranked publicly)."""
    now = datetime.now(UTC)
    period = period or last_complete_month(now)
    return Ranking(period=period, by=by, **page_of(published_ranking(session, period, by, now=now), paging))


@router.get("/api/v1/statistics", response_model=Statistics, responses=ERRORS, tags=["public"], summary="统计分析")
def statistics_api(session: Db,
                   months: Annotated[int, Query(ge=1, le=MAX_MONTHS, description="月数")] = 12) -> Statistics:
    """Cases accepted and completed, the on-time rate and cards by level, per complete past month."""
    return Statistics(months=monthly_statistics(session, complete_months(datetime.now(UTC), months)))


@router.get("/rankings", include_in_schema=False)
def rankings_page(request: Request, session: Db, person: OptionalPerson, period: Period = None) -> Response:
    now = datetime.now(UTC)
    period = period or last_complete_month(now)
    choices = complete_months(now, SELECTABLE_MONTHS)[::-1]
    context: dict[str, Any] = {"period": period, "choices": choices, "error": None,
                               "weights": scoring_config()["weights"]}
    try:
        check_published(period, now)
    except InvalidInput as exc:
        context["error"] = exc.reason
        return render(request, "public/rankings.html", context, status=exc.http_status)
    if period not in choices:  # an older month asked for by its address
        context["choices"] = [*choices, period]
    context.update(units=published_ranking(session, period, "unit", now=now),
                   windows=published_ranking(session, period, "window", now=now),
                   statistics=monthly_statistics(session, complete_months(now, 12)))
    return render(request, "public/rankings.html", context)
