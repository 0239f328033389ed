"""Settings of the email and SMS channels: the environment's, overridden by an administrator's.

The process environment gives the defaults (``YANGGUANG_SMTP_HOST`` ... ``YANGGUANG_SMS_GATEWAY_TOKEN``,
:class:`yangguang.core.settings.Settings`); an administrator overrides any of them at run time, and
switches either channel off. Overrides are stored in the database (one row per field), audited, and
read by every delivery run (:func:`yangguang.core.notify.deliver_pending`), so a change applies to the
next run in every process. The SMTP password and the gateway token are write-only: they are used for
delivery and never returned, shown or written to the audit trail (only the fact that they changed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from yangguang.core import audit
from yangguang.core.db import Base, UTCDateTime
from yangguang.core.errors import InvalidInput
from yangguang.core.settings import get_settings

SECRET_FIELDS = ("smtp_password", "sms_gateway_token")
ENVIRONMENT, DATABASE = "environment", "database"
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$|^\[?[0-9A-Fa-f:.]{2,45}\]?$")
_ADDRESS = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,190}$")
_URL = re.compile(r"^https?://[^\s\"'<>]{1,490}$")


class ChannelSetting(Base):
    """One field of the channel settings overridden by an administrator."""

    __tablename__ = "notify_channel_setting"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))


@dataclass(frozen=True)
class ChannelConfig:
    """The settings in force; ``sources`` says for each field whether it comes from the environment or
    from the database. Holds the secrets: for delivery only, never for display."""

    smtp_host: str
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_starttls: bool
    mail_from: str
    sms_gateway_url: str | None
    sms_gateway_token: str | None
    email_enabled: bool = True
    sms_enabled: bool = True
    sources: dict[str, str] = field(default_factory=dict)

    def enabled(self, channel: str) -> bool:
        return {"email": self.email_enabled, "sms": self.sms_enabled}.get(channel, True)


FIELDS = tuple(name for name in ChannelConfig.__dataclass_fields__ if name != "sources")


def _environment() -> dict[str, Any]:
    settings = get_settings()
    values = {name: getattr(settings, name) for name in FIELDS if hasattr(settings, name)}
    return {**values, "email_enabled": True, "sms_enabled": True}


def channel_config(session: Session) -> ChannelConfig:
    """The environment's settings with the administrator's overrides applied."""
    values, sources = _environment(), dict.fromkeys(FIELDS, ENVIRONMENT)
    for row in session.scalars(select(ChannelSetting)):
        if row.name in values:
            values[row.name], sources[row.name] = row.value, DATABASE
    return ChannelConfig(**values, sources=sources)


def _text(name: str, value: Any, max_length: int, pattern: re.Pattern | None = None,
          empty: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInput(name, "应为文本")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise InvalidInput(name, "不能包含控制字符")
    value = value.strip()
    if not value and not empty:
        raise InvalidInput(name, "不能为空（设为 null 可恢复为环境变量中的值）")
    if len(value) > max_length:
        raise InvalidInput(name, f"不能超过 {max_length} 个字符")
    if value and pattern is not None and not pattern.match(value):
        raise InvalidInput(name, f"{value[:60]!r} 不是有效的值")
    return value


def _checked(name: str, value: Any) -> Any:
    if name in ("smtp_starttls", "email_enabled", "sms_enabled"):
        if not isinstance(value, bool):
            raise InvalidInput(name, "应为 true 或 false")
        return value
    if name == "smtp_port":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
            raise InvalidInput(name, "端口号应在 1 至 65535 之间")
        return value
    checks = {"smtp_host": (253, _HOST, False), "smtp_user": (200, None, True), "smtp_password": (200, None, True),
              "mail_from": (200, _ADDRESS, False), "sms_gateway_url": (500, _URL, False),
              "sms_gateway_token": (500, None, True)}
    max_length, pattern, empty = checks[name]
    return _text(name, value, max_length, pattern, empty) or None  # "" : explicitly none (no login, no token)


def set_channel_settings(session: Session, changes: dict[str, Any], *, actor: str, at: datetime) -> ChannelConfig:
    """Override fields of the channel settings; a value of None returns the field to the environment's.
    Everything is checked before anything is written."""
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise InvalidInput(unknown[0], f"不是通知渠道设置项（设置项：{'、'.join(FIELDS)}）")
    if not changes:
        raise InvalidInput("body", "没有要修改的设置")
    wanted = {name: None if value is None else _checked(name, value) for name, value in changes.items()}
    rows = {row.name: row for row in session.scalars(select(ChannelSetting).where(ChannelSetting.name.in_(wanted)))}
    before = channel_config(session)
    for name, value in wanted.items():
        row = rows.get(name)
        if changes[name] is None:  # back to the environment's value
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(ChannelSetting(name=name, value=value, updated_at=at, updated_by=actor))
        elif row.value != value:
            row.value, row.updated_at, row.updated_by = value, at, actor
    session.flush()
    after = channel_config(session)
    changed: dict[str, Any] = {}
    for name in wanted:
        old, new = (getattr(before, name), before.sources[name]), (getattr(after, name), after.sources[name])
        if old != new:
            changed[name] = "changed" if name in SECRET_FIELDS else [old[0], new[0]]
    if changed:
        audit.record(session, actor=actor, action="notify.channels_changed", entity="notify_channels",
                     entity_id="settings", at=at,
                     data={"changed": changed, "sources": {name: after.sources[name] for name in changed}})
    return after
