"""The deduction table (扣分指标) and the check parameters: packaged defaults, a deployment's file on top.

The 2019 checklist (国办秘函〔2019〕19号) fixes the scheme — 100 points, each indicator capped at its own points —
but its point values could not be read, so they are configuration: ``indicators.toml`` beside this module holds
unverified defaults, and ``[inspection] indicators_file`` in the deployment's configuration (or an explicit
path) overrides any key. Names and areas come from :mod:`yangguang.inspection.checklist`; the table only says
how much each indicator weighs.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

from yangguang.core.errors import InvalidInput
from yangguang.core.settings import config_section, deep_merge
from yangguang.inspection.checklist import BY_CODE

_SCALARS = ("points", "per_occurrence", "service")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    block: str
    points: Decimal  # the cap of the indicator's deductions
    per_occurrence: Decimal
    service: bool = False  # in the service block: skipped for sites without external services
    params: dict[str, Any] = field(default_factory=dict)  # the indicator's rule parameters


@dataclass(frozen=True)
class IndicatorTable:
    indicators: dict[str, Indicator]
    service_block_points: Decimal
    checks: dict[str, Any]  # parameters of the checks (allow-lists, column words, ...)
    keywords: dict[str, list[str]]  # gambling / pornography keywords of links

    def param(self, code: str, name: str) -> Any:
        return self.indicators[code].params[name]


def _read_packaged(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("yangguang.inspection").joinpath(name).read_text("utf-8"))


def _read_file(path: Path, field_name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInput(field_name, f"文件 {path} 不存在") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(field_name, f"文件 {path} 不是有效的 TOML 文件：{exc}") from exc



def _decimal(value: Any, field_name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise InvalidInput(field_name, f"应为数字，而不是 {value!r}") from exc
    if number < 0 or not number.is_finite():
        raise InvalidInput(field_name, f"应为非负数，而不是 {value!r}")
    return number


def _indicator(code: str, entry: dict[str, Any]) -> Indicator:
    if code not in BY_CODE or BY_CODE[code].veto:
        raise InvalidInput(f"indicators.{code}", "不是检查指标中的扣分指标")
    item = BY_CODE[code]
    return Indicator(code=code, name=item.name, block=item.block,
                     points=_decimal(entry.get("points"), f"indicators.{code}.points"),
                     per_occurrence=_decimal(entry.get("per_occurrence"), f"indicators.{code}.per_occurrence"),
                     service=bool(entry.get("service", False)),
                     params={k: v for k, v in entry.items() if k not in _SCALARS})


def load_indicators(path: Path | str | None = None) -> IndicatorTable:
    """The effective table: packaged defaults, then ``[inspection] indicators_file``, then ``path``."""
    data = _read_packaged("indicators.toml")
    keywords = _read_packaged("keywords.toml")
    section = config_section("inspection")
    for key, override in (("indicators_file", section.get("indicators_file")), ("indicators", path)):
        if override:
            data = deep_merge(data, _read_file(Path(override), key))
    if section.get("keywords_file"):
        extra = _read_file(Path(section["keywords_file"]), "keywords_file")
        keywords = {kind: [*keywords.get(kind, []), *extra.get(kind, [])] for kind in {*keywords, *extra}}
    indicators = {code: _indicator(code, entry) for code, entry in data.get("indicators", {}).items()}
    service_points = _decimal(data.get("scoring", {}).get("service_block_points", 25), "service_block_points")
    if service_points >= 100:
        raise InvalidInput("service_block_points", "服务模块分值应小于 100")
    return IndicatorTable(indicators, service_points, data.get("checks", {}), keywords)
