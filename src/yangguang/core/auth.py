"""Authentication: Argon2 passwords, login rate limiting, API tokens, the session-signing secret.

Every login (success or failure) and every refusal is written to the audit trail. Failed logins are
counted per account and per client address inside a window (``[auth]`` in the configuration); past
the limit a login is refused without checking the password, so guessing costs the attacker time.
API tokens are random strings shown once; only their SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, bindparam, func, select
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column, relationship

from yangguang.core import audit
from yangguang.core.db import Base, UTCDateTime
from yangguang.core.errors import Forbidden, InvalidInput, NotFound, TooManyAttempts, Unauthenticated
from yangguang.core.org import Person
from yangguang.core.settings import config_section, get_settings

TOKEN_PREFIX = "yg_"
MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()


class LoginAttempt(Base):
    """One login attempt, kept for rate limiting (the audit trail keeps the permanent record)."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(60), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class ApiToken(Base):
    """A bearer token for another system acting as a member of staff."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    person: Mapped[Person] = relationship()


class SiteSecret(Base):
    """The key that signs session cookies when the deployment configures none (shared by all workers)."""

    __tablename__ = "site_secret"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def _config() -> dict[str, Any]:
    return config_section("auth")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")
    return _hasher.hash(password)


def _store_hash(session: Session, person: Person, hashed: str, *, actor: str, at: datetime) -> None:
    person.password_hash = hashed
    audit.record(session, actor=actor, action="auth.password_set", entity="person", entity_id=person.id,
                 data={"login": person.login}, at=at)


def set_password(session: Session, person: Person, password: str, *, actor: str, at: datetime) -> None:
    _store_hash(session, person, hash_password(password), actor=actor, at=at)


def set_shared_password(session: Session, persons: list[Person], password: str, *, actor: str,
                        at: datetime) -> None:
    """One hash (one salt) for many accounts: for demonstration data only, where hashing each of
    hundreds of accounts would take seconds. Real accounts get :func:`set_password`."""
    hashed = hash_password(password)
    for person in persons:
        _store_hash(session, person, hashed, actor=actor, at=at)


def _failures(session: Session, column, value: str, since: datetime) -> int:
    query = select(func.count()).where(column == value, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False))
    return session.scalar(query) or 0


def _refuse(session: Session, login: str, address: str, at: datetime, error: Exception, outcome: str) -> None:
    """Record a failed attempt in a transaction of its own, then raise ``error``."""
    session.rollback()
    session.add(LoginAttempt(login=login[:60], address=address[:64], at=at, succeeded=False))
    audit.record(session, actor=login[:60] or "anonymous", action="auth.login_failed", entity="login",
                 entity_id=login[:60], data={"address": address, "outcome": outcome}, at=at)
    session.commit()
    raise error


def authenticate(session: Session, login: str, password: str, *, address: str, at: datetime | None = None) -> Person:
    """Check a login and password. Failures are committed (rate limit, audit) before the error is raised."""
    at = at or datetime.now(UTC)
    config = _config()
    since = at - timedelta(minutes=config["failure_window_minutes"])
    if (_failures(session, LoginAttempt.login, login, since) >= config["failures_per_login"]
            or _failures(session, LoginAttempt.address, address, since) >= config["failures_per_address"]):
        _refuse(session, login, address, at, TooManyAttempts(
            "login", f"登录失败次数过多，请 {config['failure_window_minutes']} 分钟后再试"), "throttled")
    person = session.scalar(select(Person).where(Person.login == login))
    valid = False
    if person is not None and person.active and person.password_hash:
        try:
            valid = _hasher.verify(person.password_hash, password)
        except (VerificationError, InvalidHashError):
            valid = False
    else:
        _hasher.hash(password or "x")  # spend the same time as a real check: no login enumeration by timing
    if not valid:
        _refuse(session, login, address, at, Unauthenticated("login", "账号或密码错误"), "rejected")
    session.add(LoginAttempt(login=login, address=address[:64], at=at, succeeded=True))
    audit.record(session, actor=person.login, action="auth.login", entity="person", entity_id=person.id,
                 data={"address": address}, at=at)
    return person


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, person: Person, name: str, *, actor: str, at: datetime,
                days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``person``; the plain text is returned once and never stored."""
    if not name.strip():
        raise InvalidInput("name", "令牌需要一个名称，说明由哪个系统使用")
    if days is not None and not 1 <= days <= 3650:
        raise InvalidInput("days", "令牌有效期为 1 至 3650 天")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(person_id=person.id, name=name.strip(), digest=_digest(plain), created_at=at,
                     expires_at=at + timedelta(days=days) if days else None)
    session.add(token)
    session.flush()
    audit.record(session, actor=actor, action="auth.token_issued", entity="api_token", entity_id=token.id,
                 data={"person": person.login, "name": token.name}, at=at)
    return token, plain


_TOKEN_WITH_PERSON = (select(ApiToken).options(joinedload(ApiToken.person))
                      .where(ApiToken.digest == bindparam("digest")))  # one query for the token and its holder


def person_for_token(session: Session, plain: str, at: datetime | None = None) -> Person:
    at = at or datetime.now(UTC)
    token = session.scalar(_TOKEN_WITH_PERSON, {"digest": _digest(plain)})
    if (token is None or token.revoked_at is not None or (token.expires_at and token.expires_at <= at)
            or not token.person.active):
        raise Unauthenticated("authorization", "令牌无效、已过期或已撤销")
    return token.person


def revoke_token(session: Session, token_id: int, *, actor: Person, at: datetime) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("token", f"令牌 {token_id} 不存在")
    if token.person_id != actor.id and "admin" not in actor.roles:
        raise Forbidden("token", "只有令牌持有人或系统管理员可以撤销令牌")
    if token.revoked_at is None:
        token.revoked_at = at
        audit.record(session, actor=actor.login, action="auth.token_revoked", entity="api_token",
                     entity_id=token.id, data={"person": token.person.login}, at=at)
    return token


def record_refusal(session: Session, *, actor: str, method: str, path: str, field: str, reason: str,
                   at: datetime | None = None) -> None:
    """A permission refusal at the web boundary, written to the audit trail (the entry's id holds the first
    60 characters of the route, its data the whole path)."""
    audit.record(session, actor=actor, action="auth.refused", entity="route", entity_id=f"{method} {path}"[:60],
                 data={"field": field, "reason": reason, "path": path}, at=at)


def _guesser(scope: str, address: str) -> str:
    """The :class:`LoginAttempt` address of a guess at the lookup ``scope``: the client's, prefixed."""
    return f"{scope}:{address}"[:64]


def check_guesses(session: Session, scope: str, address: str, *, field: str, limit: int, minutes: int,
                  at: datetime) -> None:
    """Refuse a client address that failed ``limit`` times at the public lookup ``scope`` (a case's query
    code, say) within ``minutes``. A guess is kept as a :class:`LoginAttempt` whose address carries the
    scope (``progress:10.0.0.1``): guesses never count towards the login limits, nor logins towards them."""
    if _failures(session, LoginAttempt.address, _guesser(scope, address), at - timedelta(minutes=minutes)) >= limit:
        raise TooManyAttempts(field, f"失败次数过多，请 {minutes} 分钟后再试")


def record_failed_guess(session: Session, scope: str, subject: str, address: str, *, at: datetime) -> None:
    """A failed guess at the lookup ``scope``: its rate-limit row and an audit entry, in the caller's
    transaction (one of its own, since the request that guessed fails)."""
    session.add(LoginAttempt(login=f"{scope}:{subject}"[:60], address=_guesser(scope, address), at=at,
                             succeeded=False))
    audit.record(session, actor="anonymous", action=f"{scope}.failed", entity=scope, entity_id=subject[:60],
                 data={"address": address}, at=at)


def session_secret(session: Session) -> str:
    """The configured secret, else the one kept in the database (created on first use)."""
    configured = get_settings().secret_key
    if configured:
        return configured
    row = session.get(SiteSecret, 1)
    if row is None:
        row = SiteSecret(id=1, value=secrets.token_urlsafe(48))
        session.add(row)
        session.flush()
    return row.value
