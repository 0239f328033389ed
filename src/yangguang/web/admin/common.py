"""What the administrator's API and pages share: the admin dependency, validated field types, uploads."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, UploadFile
from pydantic import AfterValidator, Field

from yangguang.core.errors import InvalidInput
from yangguang.core.org import Person, Role, credit_code_problem
from yangguang.core.settings import config_section, get_settings
from yangguang.web.deps import require_roles

require_admin = require_roles(Role.ADMIN)  # one dependency object: FastAPI resolves it once per request
Admin = Annotated[Person, Depends(require_admin)]
ADMIN_ONLY = [Depends(require_admin)]  # router-level: no route of the administrator's is open to others

LOGIN_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,59}$"
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$"  # unit codes and window numbers
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def now() -> datetime:
    return datetime.now(UTC)


def this_year() -> int:
    """The current year where the deployment is (a calendar year starts at local midnight)."""
    return now().astimezone(get_settings().zone).year


def _clean(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("不能包含控制字符")
    value = value.strip()
    if not value:
        raise ValueError("不能为空")
    return value


def _credit_code(value: str) -> str:
    problem = credit_code_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def text(max_length: int, description: str = "") -> Any:
    """A text field: printable, trimmed, 1 to ``max_length`` characters."""
    return Annotated[str, Field(min_length=1, max_length=max_length, description=description), AfterValidator(_clean)]


Login = Annotated[str, Field(pattern=LOGIN_PATTERN, description="2–60 letters, digits, '_', '.', '-'")]
UnitCode = Annotated[str, Field(pattern=CODE_PATTERN, description="department code (letters, digits, '_', '-')")]
WindowNumber = Annotated[str, Field(pattern=CODE_PATTERN, description="window number, e.g. A01")]
Email = Annotated[str, Field(max_length=200, pattern=r"^[^@\s<>\"'\x00-\x1f]{1,64}@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$",
                             description="email address")]
Mobile = Annotated[str, Field(pattern=r"^1[3-9][0-9]{9}$", description="mainland mobile number (11 digits)")]
CreditCode = Annotated[str, Field(min_length=18, max_length=18, description="统一社会信用代码 (GB 32100-2015)"),
                       AfterValidator(_credit_code)]
Region = Annotated[str, Field(pattern=r"^[0-9]{6}([0-9]{6})?$", description="行政区划代码 (6 or 12 digits)")]
Password = Annotated[str, Field(min_length=8, max_length=200, description="at least 8 characters")]


def read_upload(upload: UploadFile, *, limit_key: str, suffixes: tuple[str, ...]) -> tuple[str, bytes]:
    """The file's safe base name and content, refused when its type is not one of ``suffixes`` or it is
    larger than ``[admin] <limit_key>`` kilobytes."""
    name = Path((upload.filename or "").replace("\\", "/")).name
    name = _CONTROL.sub("", name)[-100:].strip()
    if not name.lower().endswith(suffixes):
        raise InvalidInput("file", f"请上传 {' 或 '.join(s.lstrip('.').upper() for s in suffixes)} 文件")
    limit = int(config_section("admin").get(limit_key, 1024)) * 1024
    content = upload.file.read(limit + 1)
    if len(content) > limit:
        raise InvalidInput("file", f"文件超过 {limit // 1024} KB 的上限")
    if not content:
        raise InvalidInput("file", "文件是空的")
    return name, content


@contextmanager
def saved(name: str, content: bytes) -> Iterator[Path]:
    """The upload as a file of its own name in a private temporary folder (the importers read paths)."""
    with tempfile.TemporaryDirectory(prefix="yangguang-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        yield path
