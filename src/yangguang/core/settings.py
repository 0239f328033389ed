"""Deployment settings.

Two layers:

* process settings from the environment (``YANGGUANG_*``): database URL, time zone, mail and SMS
  gateways, the path of the configuration file;
* the configuration file (TOML): monitoring-rule thresholds and levels, scoring weights, and every
  other value the domain files call "configurable". Packaged defaults live in ``defaults.toml``; a
  deployment's file (``YANGGUANG_CONFIG``) overrides them key by key.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic_settings import BaseSettings, SettingsConfigDict

from yangguang.core.errors import InvalidInput


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YANGGUANG_", extra="ignore")

    database_url: str = "sqlite:///var/yangguang.db"
    timezone: str = "Asia/Shanghai"
    config: Path | None = None

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "yangguang@localhost"
    sms_gateway_url: str | None = None
    sms_gateway_token: str | None = None

    secret_key: str | None = None  # signs session cookies; None: a random key kept in the database
    cookie_secure: bool = False  # send the session cookie over HTTPS only (set it behind TLS)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget cached settings and configuration (tests change the environment)."""
    get_settings.cache_clear()
    get_config.cache_clear()


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` laid over it, table by table (TOML configuration layers)."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@lru_cache(maxsize=1)
def get_config() -> dict[str, Any]:
    """The effective configuration: packaged defaults overridden by the deployment's file."""
    defaults = tomllib.loads(resources.files("yangguang").joinpath("defaults.toml").read_text("utf-8"))
    path = get_settings().config
    if path is None:
        return defaults
    try:
        override = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInput("YANGGUANG_CONFIG", f"配置文件 {path} 不存在") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput("YANGGUANG_CONFIG", f"配置文件 {path} 不是有效的 TOML 文件：{exc}") from exc
    return deep_merge(defaults, override)


def config_section(name: str) -> dict[str, Any]:
    return get_config().get(name, {})
