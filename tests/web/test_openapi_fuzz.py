"""Schemathesis against ``/openapi.json``: every operation, generated inputs, no 5xx response.

The caller holds every role (so requests reach past the role checks into the handlers) in a hall with
items, cases and a card; generated bodies, paths and query strings must meet a 4xx with the one error
shape, never a server error. (Schemathesis' pytest plugin does not load under pytest 9, so the test
drives each operation's Hypothesis strategy itself.)
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.approval_factories import make_hall
from tests.web.conftest import with_password
from yangguang.approval import service
from yangguang.core import db
from yangguang.core.auth import issue_token
from yangguang.core.org import Role
from yangguang.supervision.service import issue_manual_card

EXAMPLES = 12  # per operation and backend: about 1,500 requests per backend in all


@pytest.fixture
def seeded_token(db_url) -> str:
    now = datetime.now(UTC)
    with db.transaction(db_url) as session:
        hall = make_hall(session)
        everyone = hall.clerk
        everyone.roles = [role.value for role in Role]
        with_password(session, everyone)
        for applicant in ("甲公司", "乙公司"):
            service.receive_application(session, item_code="SCJ-0001", clerk=hall.clerk, window_number="A01",
                                        channel="1", applicant={"name": applicant, "type": "2"},
                                        materials=[1, 2, 3], at=now)
        issue_manual_card(session, actor=everyone.login, level="yellow", unit="SCJ", reason="窗口服务态度问题", at=now)
        _, plain = issue_token(session, everyone, "fuzz", actor="tests", at=now)
    return plain


def test_no_operation_answers_with_a_server_error(app, seeded_token):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {seeded_token}"}
    server_errors: list[str] = []
    statuses: dict[int, int] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: "revoke" in op.path)  # revoking tokens (the caller's own among them) goes last
    assert len(operations) > 50  # every module's API is in the document

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def call(case):
            response = case.call(headers=headers)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                server_errors.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                     f"{response.text[:200]}")

        call()
    assert not server_errors, "\n".join(server_errors[:20])
    assert sum(n for status, n in statuses.items() if status < 300) > len(operations)  # many calls got through
