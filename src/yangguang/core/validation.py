"""Pydantic's validation errors in the users' language (Simplified Chinese), for every interface: the
web layer's error shape, the catalogue importer's row report, uploaded calendar files."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from yangguang.core.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)

# Text fields refuse NUL characters (no database stores them): the pattern every interface uses.
NO_NUL = r"^[^\x00]*$"

# Pydantic's error types in the users' language; ``{...}`` are the error's context values.
VALIDATION_REASONS = {
    "missing": "必填项",
    "string_too_short": "至少需要 {min_length} 个字符",
    "string_too_long": "不能超过 {max_length} 个字符",
    "string_type": "应为文本",
    "string_pattern_mismatch": "格式不正确",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为是或否",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 ISO 8601",
    "datetime_from_date_parsing": "时间格式应为 ISO 8601",
    "enum": "取值应为：{expected}",
    "literal_error": "取值应为：{expected}",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "不能超过 {max_length} 项",
    "extra_forbidden": "不允许此字段",
    "uuid_parsing": "格式不正确",
    "url_parsing": "不是有效的网址",
}


def validation_reason(error: dict) -> str:
    template = VALIDATION_REASONS.get(error.get("type", ""))
    if template is None:  # a custom validator's message (our own text) or a rare type: pass it on
        return str(error.get("msg", "输入无效")).removeprefix("Value error, ")
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return template


def validated(model: type[M], data: Any, default_field: str = "form") -> M:
    """``model`` from ``data``; else the first validation error as :class:`InvalidInput` naming the field
    (its dotted location, ``default_field`` for the whole input) with the reason in the users' language."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or default_field
        raise InvalidInput(field, validation_reason(error)) from exc


def aware(value: object, field: str = "at") -> datetime:
    """``value`` itself, refused unless it is a timezone-aware datetime (every service takes its moment so)."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput(field, "时间必须是带时区的日期时间")
    return value


def check_text(value: object, field: str, label: str, *, max_length: int, required: bool = False) -> str:
    """``value`` stripped (None: empty), at most ``max_length`` characters, not empty when ``required``."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(field, f"{label}应为文本")
    value = value.strip()
    if required and not value:
        raise InvalidInput(field, f"{label}不能为空")
    if len(value) > max_length:
        raise InvalidInput(field, f"{label}不能超过 {max_length} 个字符")
    return value
