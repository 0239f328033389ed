"""Web fixtures: the app over the test database (SQLite and PostgreSQL), staff with passwords, logged-in
page clients (session cookie + CSRF token) and API clients (bearer token)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from yangguang.core import auth
from yangguang.core.auth import issue_token
from yangguang.core.org import Person, Unit

# Argon2 at full cost takes ~50 ms a hash; tests use the cheapest valid parameters (same code path).
auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

PASSWORD = "correct horse 1"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(db_url):
    from yangguang.web.app import create_app

    return create_app()


@pytest.fixture
def client(app) -> TestClient:
    """An anonymous browser-like client (no redirects followed, so tests see them)."""
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def csrf_of(client: TestClient, path: str = "/login") -> str:
    match = _CSRF.search(client.get(path).text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def log_in(client: TestClient, login: str, password: str = PASSWORD) -> TestClient:
    """Log ``client`` in through the login form; later unsafe requests carry the CSRF header."""
    token = csrf_of(client)
    response = client.post("/login", data={"login": login, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text
    client.headers["X-CSRF-Token"] = csrf_of(client)
    return client


@pytest.fixture
def page_client(app):
    """A factory of logged-in page clients: ``page_client("login")``."""
    clients = []

    def make(login: str, password: str = PASSWORD) -> TestClient:
        test_client = TestClient(app, follow_redirects=False)
        clients.append(test_client)
        return log_in(test_client, login, password)

    yield make
    for test_client in clients:
        test_client.close()


@pytest.fixture
def api_client(app, db_url):
    """A factory of API clients authenticated with a fresh token: ``api_client("login")``."""
    from yangguang.core import db

    clients = []

    def make(login: str) -> TestClient:
        with db.transaction(db_url) as session:
            person = session.query(Person).filter_by(login=login).one()
            _, plain = issue_token(session, person, "tests", actor="tests", at=datetime.now(UTC))
        test_client = TestClient(app, follow_redirects=False, headers={"Authorization": f"Bearer {plain}"})
        clients.append(test_client)
        return test_client

    yield make
    for test_client in clients:
        test_client.close()


def with_password(session: Session, person: Person, password: str = PASSWORD) -> Person:
    person.password_hash = auth.hash_password(password)
    session.flush()
    return person


def staff(session: Session, unit: Unit, login: str, roles: list[str], password: str = PASSWORD, **kw) -> Person:
    """A member of staff who can log in (``PASSWORD`` unless told)."""
    from tests.factories import make_person

    return with_password(session, make_person(session, unit, login, roles, **kw), password)
