"""Checks the disclosure service modules share: bad input raises :class:`InvalidInput` naming the field
before anything is written, and staff act only in their own organ (谁公开、谁审查、谁负责).

Used by :mod:`.publications` and :mod:`.applications` (and by the read-only
:mod:`yangguang.disclosure.application_queries`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time

from sqlalchemy.orm import Session

from yangguang.core.calendar import get_calendar, parse_date
from yangguang.core.clocks import local_day
from yangguang.core.errors import Forbidden, InvalidInput
from yangguang.core.org import ROLE_LABELS, Person, Role
from yangguang.core.settings import get_settings


def check_choice(value: object, labels: Mapping[str, str], field: str, what: str) -> str:
    """``value`` when it is one of the codes of ``labels`` (a code list and its labels)."""
    if not isinstance(value, str) or value not in labels:
        known = "、".join(f"{code} {label}" for code, label in labels.items())
        raise InvalidInput(field, f"未知的{what} {value!r}（{known}）")
    return str(value)


def check_day(value: object, field: str) -> date:
    """A date, or its ISO 8601 text (YYYY-MM-DD)."""
    if isinstance(value, str):
        return parse_date(value, field)
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(field, f"应为日期（YYYY-MM-DD），输入值为 {value!r}")
    return value


def known_past_day(session: Session, value: object, field: str, at: datetime, what: str = "日期") -> date:
    """A date not after the day of ``at``, in a year the working-day calendar knows."""
    day = check_day(value, field)
    if day > local_day(at):
        raise InvalidInput(field, f"{what} {day.isoformat()} 晚于今天，不能登记将来的日期")
    get_calendar(session).check_known(day, field)
    return day


def day_start(day: date) -> datetime:
    """The local midnight that begins ``day`` (a clock started then counts from the next working day)."""
    return datetime.combine(day, time(0), get_settings().zone)


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def require_staff(person: Person, unit_id: int, roles: Iterable[Role], what: str, *, elsewhere: str) -> None:
    """Refuse ``person`` unless active, holding one of ``roles``, in the organ ``unit_id``; ``elsewhere``
    says why another organ's staff may not (shown after the colon)."""
    if not isinstance(person, Person):
        raise InvalidInput("actor", "须指定办理人员")
    if not person.active:
        raise Forbidden("actor", f"人员 {person.login} 已停用")
    roles = tuple(roles)
    if not any(person.has_role(r) for r in roles):
        wanted = "或".join(ROLE_LABELS[r] for r in roles)
        raise Forbidden("actor", f"{person.label} 无权{what}（须由{wanted}办理）")
    if person.unit_id != unit_id:
        raise Forbidden("actor", f"{person.label} 无权{what}：{elsewhere}")
