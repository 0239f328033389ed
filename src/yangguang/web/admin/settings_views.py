"""Pages ``/staff/admin/rules`` and ``/staff/admin/channels``: monitoring rules and notification channels.

A form shows the values in force; only the fields that differ from them are stored, so saving an
untouched form changes nothing. The SMTP password and the gateway token are never shown: an empty
field leaves them as they are.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core.errors import InvalidInput, YangguangError
from yangguang.core.notify import CHANNEL_LABELS, TEST_REF, Notification, enqueue_test_message
from yangguang.core.notify_channels import ChannelConfig, channel_config, set_channel_settings
from yangguang.supervision.registry import LEVEL_LABELS, Level
from yangguang.supervision.rule_settings import RuleSettingView, rule_setting, rule_settings, set_rule_settings
from yangguang.web.admin.common import ADMIN_ONLY, Admin, now
from yangguang.web.admin.pages import failed, redirect, take_notice
from yangguang.web.admin.settings_api import RuleCode, rule_out
from yangguang.web.deps import Db, PostedForm, is_htmx
from yangguang.web.templating import render

router = APIRouter(prefix="/staff/admin", include_in_schema=False, dependencies=ADMIN_ONLY)
_LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")
Text = Annotated[str, Form(max_length=500)]


# -- rules ---------------------------------------------------------------------------------------------
def _param(name: str, default: Any, text: str) -> Any:
    """A parameter typed in a form, read as the type of its default."""
    if isinstance(default, bool):
        return text == "true"
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError as exc:
            raise InvalidInput(f"params.{name}", f"{text[:20]!r} 不是整数") from exc
    if isinstance(default, list):
        return [part for part in _LIST_SEPARATORS.split(text) if part]
    return text


def rule_form_changes(view: RuleSettingView, form: dict[str, str]) -> dict[str, Any]:
    """What the form changes against the values in force (a reset drops every stored value)."""
    if form.get("reset"):
        return dict.fromkeys(view.stored)
    current = view.effective
    changes: dict[str, Any] = {}
    if (form.get("enabled") == "true") != current.enabled:
        changes["enabled"] = form.get("enabled") == "true"
    if form.get("level", current.level.value) != current.level.value:
        changes["level"] = form.get("level")
    for name, default in view.rule.params.items():
        value = _param(name, default, (form.get(f"param.{name}") or "").strip())
        if value != current.params[name]:
            changes[name] = value
    return changes


def rule_context(view: RuleSettingView) -> dict[str, Any]:
    return {"rule": rule_out(view), "levels": LEVEL_LABELS, "Level": Level}


@router.get("/rules")
def rules(request: Request, session: Db) -> Response:
    views = [rule_context(view) for view in rule_settings(session)]
    return render(request, "admin/rules.html", {"rules": views, "notice": take_notice(request)})


@router.post("/rules/{code}")
def save_rule(request: Request, code: RuleCode, session: Db, admin: Admin, posted: PostedForm) -> Response:
    form = {key: value for key, value in posted.items() if isinstance(value, str)}
    view = rule_setting(session, code)
    error, text = None, "没有改动"
    try:
        changes = rule_form_changes(view, form)
        if changes:
            view = set_rule_settings(session, code, changes, actor=admin.login, at=now())
            text = "已保存，下一次事件或巡查起生效"
    except YangguangError as problem:
        session.rollback()
        error, view = problem, rule_setting(session, code)
    if is_htmx(request):  # htmx swaps 2xx answers only: the error is shown inside the rule's card
        return render(request, "admin/_rule.html", {**rule_context(view), "saved": None if error else text,
                                                    "rule_error": error})
    if error is not None:
        return failed(request, session, "admin/rules.html", error,
                      lambda: {"rules": [rule_context(v) for v in rule_settings(session)]})
    return redirect(f"/staff/admin/rules#rule-{code}", request, f"{code}：{text}")


# -- channels ------------------------------------------------------------------------------------------
def channels_context(session: Session) -> dict[str, Any]:
    tests = session.scalars(select(Notification).where(Notification.ref.like(f"{TEST_REF}:%"))
                            .order_by(Notification.id.desc()).limit(10))
    config = channel_config(session)
    public = {name: getattr(config, name) for name in ChannelConfig.__dataclass_fields__
              if name not in ("smtp_password", "sms_gateway_token")}
    return {"config": public, "password_set": bool(config.smtp_password),
            "token_set": bool(config.sms_gateway_token), "tests": list(tests), "labels": CHANNEL_LABELS}


def channel_form_changes(config: ChannelConfig, texts: dict[str, str], port: str, flags: dict[str, bool],
                         secrets: dict[str, str], clear: list[str], reset: list[str]) -> dict[str, Any]:
    """The settings the form changes: texts and flags that differ from those in force, a secret typed
    in (or cleared), fields returned to the environment's value."""
    changes: dict[str, Any] = {}
    for name, text in texts.items():
        if text.strip() != (getattr(config, name) or ""):
            changes[name] = text.strip()
    if port.strip() != str(config.smtp_port):
        try:
            changes["smtp_port"] = int(port)
        except ValueError as exc:
            raise InvalidInput("smtp_port", f"{port[:10]!r} 不是端口号") from exc
    changes.update({name: value for name, value in flags.items() if value != getattr(config, name)})
    changes.update({name: value for name, value in secrets.items() if value})
    changes.update(dict.fromkeys((name for name in clear if name in secrets), ""))
    changes.update(dict.fromkeys((name for name in reset if name in config.sources), None))
    return changes


@router.get("/channels")
def channels(request: Request, session: Db) -> Response:
    return render(request, "admin/channels.html", {**channels_context(session), "notice": take_notice(request)})


@router.post("/channels")
def save_channels(request: Request, session: Db, admin: Admin, smtp_host: Text = "", smtp_port: Text = "",
                  smtp_user: Text = "", mail_from: Text = "", sms_gateway_url: Text = "", smtp_password: Text = "",
                  sms_gateway_token: Text = "", smtp_starttls: Annotated[bool, Form()] = False,
                  email_enabled: Annotated[bool, Form()] = False, sms_enabled: Annotated[bool, Form()] = False,
                  clear: Annotated[list[str] | None, Form(max_length=2)] = None,
                  reset: Annotated[list[str] | None, Form(max_length=12)] = None) -> Response:
    texts = {"smtp_host": smtp_host, "smtp_user": smtp_user, "mail_from": mail_from,
             "sms_gateway_url": sms_gateway_url}
    flags = {"smtp_starttls": smtp_starttls, "email_enabled": email_enabled, "sms_enabled": sms_enabled}
    secrets = {"smtp_password": smtp_password, "sms_gateway_token": sms_gateway_token}
    try:
        changes = channel_form_changes(channel_config(session), texts, smtp_port, flags, secrets, clear or [],
                                       reset or [])
        if changes:
            set_channel_settings(session, changes, actor=admin.login, at=now())
    except YangguangError as error:
        return failed(request, session, "admin/channels.html", error, lambda: channels_context(session))
    return redirect("/staff/admin/channels", request, "已保存，下一次投递起生效" if changes else "没有改动")


@router.post("/channels/test")
def send_test(request: Request, session: Db, admin: Admin, channel: Annotated[Literal["email", "sms"], Form()]
              ) -> Response:
    try:
        row = enqueue_test_message(session, admin, channel, at=now())
    except YangguangError as error:
        return failed(request, session, "admin/channels.html", error, lambda: channels_context(session))
    return redirect("/staff/admin/channels", request,
                    f"测试{CHANNEL_LABELS[channel]}已加入发送队列（发往 {row.recipient}），下一次投递时发出")
