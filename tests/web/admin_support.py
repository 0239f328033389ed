"""What the administrator's tests share: an office with an administrator and a clerk, the audit count,
and the check that a route is refused to everyone but administrators."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.factories import make_unit, make_window
from tests.web.conftest import staff
from yangguang.core import db
from yangguang.core.audit import AuditEntry, verify

# 统一社会信用代码 with valid check characters [GB 32100-2015] (from the demo county's departments)
CREDIT_CODE = "1133012900931249X2"
OTHER_CREDIT_CODE = "11330129001464210T"


@dataclass
class Office:
    admin: str = "admin1"
    clerk: str = "clerk1"


def make_office(db_url: str) -> Office:
    """Two departments, a window, an administrator (with email and mobile) and a clerk."""
    with db.transaction(db_url) as session:
        unit = make_unit(session, "SCJ", "县市场监督管理局")
        other = make_unit(session, "SWJ", "县税务局")
        make_window(session, unit, "A01", "市场监管综合窗口")
        staff(session, unit, "admin1", ["admin"], name="管理员", email="admin@example.gov.cn", mobile="13900000009")
        staff(session, unit, "clerk1", ["clerk"], name="窗口张三")
        staff(session, other, "swj1", ["approver", "unit_head"], name="税务李四")
    return Office()


def audit_count(db_url: str) -> int:
    with db.reading(db_url) as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def actions(db_url: str) -> list[str]:
    with db.reading(db_url) as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def chain_ok(db_url: str) -> bool:
    with db.reading(db_url) as session:
        return verify(session).ok


def assert_admin_only(client: TestClient, clerk_api: TestClient, clerk_page: TestClient,
                      routes: list[tuple[str, str]]) -> None:
    """Every route: anonymous 401 (a page GET redirects to the login), a clerk 403 (API and pages)."""
    for method, path in routes:
        anonymous = client.request(method, path)
        if path.startswith("/api/"):
            assert anonymous.status_code == 401, (method, path, anonymous.status_code)
            assert anonymous.json()["field"] == "authorization"
            refused = clerk_api.request(method, path)
            assert refused.status_code == 403, (method, path, refused.status_code)
            assert refused.json()["field"] == "authorization"
        else:
            expected = 303 if method == "GET" else 401
            assert anonymous.status_code == expected, (method, path, anonymous.status_code)
            refused = clerk_page.request(method, path)
            assert refused.status_code == 403 and "无权访问" in refused.text, (method, path, refused.status_code)


_LABEL_FOR = re.compile(r'<label for="([^"]+)"')
_FIELD_ID = re.compile(r'<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*\bid="([^"]+)"')
_FIELD = re.compile(r'<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*>')


def assert_labelled(client: TestClient, *paths: str) -> None:
    """Every visible form field of each page has an id and a <label for> naming it (keyboard and
    screen-reader use), and every table sits in a scrolling wrapper (readable at 360 px)."""
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        html = response.text
        fields = _FIELD.findall(html)
        ids = _FIELD_ID.findall(html)
        assert len(ids) == len(fields), (path, [f for f in fields if ' id="' not in f])
        missing = set(ids) - set(_LABEL_FOR.findall(html))
        assert not missing, (path, missing)
        assert html.count("<table") == html.count('<div class="table-wrap">'), path
