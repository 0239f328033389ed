"""``/api/v1/admin/rules`` and ``/channels``: monitoring rules and notification channels at run time.

Rule settings are layered over the configuration file (supervision.rule_settings); channel settings
over the environment (core.notify_channels). The SMTP password and the SMS gateway token are
write-only: no response carries them, only whether they are set.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from yangguang.core.notify import enqueue_test_message
from yangguang.core.notify_channels import ChannelConfig, channel_config, set_channel_settings
from yangguang.supervision.queries import rule_row
from yangguang.supervision.registry import CATEGORIES, Level
from yangguang.supervision.rule_settings import RuleSettingView, rule_setting, rule_settings, set_rule_settings
from yangguang.supervision.schemas import RuleOut
from yangguang.web.admin.common import ADMIN_ONLY, Admin, now
from yangguang.web.deps import Db, Page, Paging, page_of

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], dependencies=ADMIN_ONLY)
RuleCode = Annotated[str, Path(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.-]+$",
                               description="rule code, e.g. approval.case_overdue")]


class RuleSettingOut(RuleOut):
    """A rule in force, as ``GET /api/v1/rules`` shows it, and where its values come from."""

    configured: dict[str, Any] = Field(description="enabled, level and parameters from code defaults and the "
                                                   "configuration file, before the stored settings")
    stored: dict[str, Any] = Field(description="the administrator's settings in force over the configuration")
    updated_at: datetime | None
    updated_by: str | None


class RuleSettingPage(Page[RuleSettingOut]):
    pass


class RulePatch(BaseModel):
    """Only the keys given change; null drops the stored value (the configuration file's applies again)."""

    model_config = ConfigDict(extra="forbid")
    enabled: StrictBool | None = None
    level: Level | None = None
    params: dict[str, Any] = Field(default_factory=dict, max_length=20,
                                                 description="parameter name -> value (type and range of its "
                                                             "default: day counts 1–366, lists of texts)")


class ChannelsOut(BaseModel):
    smtp_host: str
    smtp_port: int
    smtp_user: str | None
    smtp_password_set: bool = Field(description="a password is configured (it is never shown)")
    smtp_starttls: bool
    mail_from: str
    sms_gateway_url: str | None
    sms_gateway_token_set: bool = Field(description="a gateway token is configured (it is never shown)")
    email_enabled: bool
    sms_enabled: bool
    sources: dict[str, Literal["environment", "database"]] = Field(
        description="for each setting: the environment's value, or the administrator's stored one")


class ChannelsIn(BaseModel):
    """Only the fields given change; null returns a field to the environment's value. The password and
    the token are write-only."""

    model_config = ConfigDict(extra="forbid")
    smtp_host: str | None = Field(default=None, max_length=253)
    smtp_port: StrictInt | None = Field(default=None, ge=1, le=65535)
    smtp_user: str | None = Field(default=None, max_length=200, description="empty: no SMTP login")
    smtp_password: str | None = Field(default=None, max_length=200)
    smtp_starttls: StrictBool | None = None
    mail_from: str | None = Field(default=None, max_length=200)
    sms_gateway_url: str | None = Field(default=None, max_length=500)
    sms_gateway_token: str | None = Field(default=None, max_length=500, description="empty: no token")
    email_enabled: StrictBool | None = None
    sms_enabled: StrictBool | None = None


class TestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: Literal["email", "sms"]


class TestQueued(BaseModel):
    id: int
    channel: str
    recipient: str
    note: str


def rule_out(view: RuleSettingView) -> RuleSettingOut:
    configured = view.configured
    return RuleSettingOut(**rule_row(view), updated_at=view.updated_at, updated_by=view.updated_by,
                          configured={"enabled": configured.enabled, "level": configured.level.value,
                                      **configured.params})


def rule_changes(body: RulePatch) -> dict[str, Any]:
    changes = {name: getattr(body, name) for name in ("enabled", "level") if name in body.model_fields_set}
    if isinstance(changes.get("level"), Level):
        changes["level"] = changes["level"].value
    return {**changes, **body.params}


def channels_out(config: ChannelConfig) -> ChannelsOut:
    public = {name: getattr(config, name) for name in ChannelsOut.model_fields if hasattr(config, name)}
    return ChannelsOut(**public, smtp_password_set=bool(config.smtp_password),
                       sms_gateway_token_set=bool(config.sms_gateway_token))


@router.get("/rules", response_model=RuleSettingPage)
def list_rules(session: Db, paging: Paging,
               category: Annotated[Literal[CATEGORIES] | None, Query(description="rule category")] = None,
               level: Level | None = None, enabled: bool | None = None) -> dict:
    """Every monitoring rule with the level, enabled flag and parameters in force and where they come from."""
    views = [rule_out(view) for view in rule_settings(session)]
    views = [v for v in views if (category is None or v.category == category) and (level is None or v.level == level)
             and (enabled is None or v.enabled == enabled)]
    return page_of(views, paging)


@router.get("/rules/{code}", response_model=RuleSettingOut)
def get_rule_setting(code: RuleCode, session: Db) -> RuleSettingOut:
    return rule_out(rule_setting(session, code))


@router.patch("/rules/{code}", response_model=RuleSettingOut)
def patch_rule(code: RuleCode, body: RulePatch, session: Db, admin: Admin) -> RuleSettingOut:
    """Change a rule's level, enabled flag or parameters; effective from the next event or sweep in every
    process. An unknown rule or parameter, a wrong type or a value out of range: 422, nothing changed."""
    return rule_out(set_rule_settings(session, code, rule_changes(body), actor=admin.login, at=now()))


@router.get("/channels", response_model=ChannelsOut)
def get_channels(session: Db) -> ChannelsOut:
    """The email and SMS settings in force (secrets only as "set" or not)."""
    return channels_out(channel_config(session))


@router.put("/channels", response_model=ChannelsOut)
def put_channels(body: ChannelsIn, session: Db, admin: Admin) -> ChannelsOut:
    """Override channel settings; the next delivery run in every process uses them."""
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    return channels_out(set_channel_settings(session, changes, actor=admin.login, at=now()))


@router.post("/channels/test", response_model=TestQueued, status_code=202)
def post_test(body: TestIn, session: Db, admin: Admin) -> TestQueued:
    """Queue a test email or SMS to the administrator's own address; it goes out with the next delivery
    run (``yangguang supervise notify``), whose outcome the channels page shows."""
    row = enqueue_test_message(session, admin, body.channel, at=now())
    return TestQueued(id=row.id, channel=row.channel, recipient=row.recipient,
                      note="已加入发送队列，下一次投递时发出")

