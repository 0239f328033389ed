"""The approvers' work queue (GET /api/v1/queue and /staff/queue): the steps their unit holds, most urgent
first."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.web.case_helpers import (
    APPROVER,
    CLERK,
    HEAD,
    OTHER_APPROVER,
    PARALLEL,
    SUPERVISOR,
    act,
    build_hall,
    receive,
)
from yangguang.approval import service
from yangguang.core import db


@pytest.fixture
def hall(db_url):
    build_hall(db_url)


def suspend(db_url: str, number: str) -> None:
    with db.transaction(db_url) as session:
        service.begin_special_procedure(session, number, APPROVER, "testing", 3, "送检", at=datetime.now(UTC))


def test_queue_puts_overdue_first_then_least_time_left_and_suspended_last(hall, api_client, db_url):
    """The step's share of the promise and the case's promised limit [approval-and-supervision.md,
    "Service-centre practice": each step has its own share of the time limit]: the earliest due first."""
    recent = receive(db_url, days_ago=2)
    suspended = receive(db_url, days_ago=40)
    overdue = receive(db_url, days_ago=30)
    today = receive(db_url)
    older = receive(db_url, days_ago=12)
    suspend(db_url, suspended)
    page = api_client(APPROVER).get("/api/v1/queue").json()
    assert [e["number"] for e in page["items"]] == [overdue, older, recent, today, suspended]
    assert page["total"] == 5
    first, last = page["items"][0], page["items"][-1]
    assert first["overdue"] is True and first["step_time"]["overdue"] and first["step"] == "审查"
    assert first["step_time"]["limit"] == 4 and first["case_time"]["limit"] == 10
    assert page["items"][3]["overdue"] is False and page["items"][3]["step_time"]["left"] == 4
    assert last["deadline"] is None and last["step_time"]["paused"] and last["state"] == "suspended"
    second = api_client(APPROVER).get("/api/v1/queue", params={"per_page": 2, "page": 2}).json()
    assert [e["number"] for e in second["items"]] == [recent, today] and second["total"] == 5


def test_queue_holds_the_steps_of_the_callers_unit_and_role(hall, api_client, db_url):
    """Parallel approval fans one case out to every department [approval-and-supervision.md]."""
    own = receive(db_url)
    parallel = receive(db_url, item=PARALLEL)
    waiting = receive(db_url, materials=[])
    assert {e["number"] for e in api_client(APPROVER).get("/api/v1/queue").json()["items"]} == {own, parallel}
    assert [e["number"] for e in api_client(OTHER_APPROVER).get("/api/v1/queue").json()["items"]] == [parallel]
    assert api_client(HEAD).get("/api/v1/queue").json()["items"] == []  # 决定 is not active yet
    act(db_url, own, "审查", APPROVER)
    head_queue = api_client(HEAD).get("/api/v1/queue").json()["items"]
    assert [(e["number"], e["step"]) for e in head_queue] == [(own, "决定")]
    assert waiting not in {e["number"] for e in api_client(APPROVER).get("/api/v1/queue").json()["items"]}
    for login in (CLERK, SUPERVISOR):
        assert api_client(login).get("/api/v1/queue").status_code == 403


def test_queue_page_lists_the_same_order_with_overdue_marked(hall, page_client, db_url):
    overdue = receive(db_url, days_ago=30)
    fresh = receive(db_url)
    page = page_client(APPROVER).get("/staff/queue")
    assert page.status_code == 200
    numbers = re.findall(r'<a href="/staff/cases/([^"]+)">', page.text)
    assert numbers == [overdue, fresh]
    first_row = page.text[page.text.index(overdue):page.text.index(fresh)]
    assert "已超期" in first_row
    assert '<div class="table-wrap">' in page.text
    assert page_client(CLERK).get("/staff/queue").status_code == 403
