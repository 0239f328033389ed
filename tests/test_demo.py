"""The demo county: built through the real services, every monitoring point visible, reproducible."""

from __future__ import annotations

import json

import pytest

from yangguang.core import audit
from yangguang.core import db as core_db
from yangguang.demo import FIRST_DAY, LAST_DAY

SCRIPTED_RULES = {"approval.out_of_order", "approval.unauthorised", "approval.online_only_offline",
                  "approval.accepted_incomplete", "approval.valid_application_refused"}


@pytest.fixture
def demo(run_cli):
    result = run_cli("demo", "--cases", "150", "--seed", "7", "--no-serve", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_demo_builds_a_supervised_county(demo, db_url, run_cli):
    assert demo["cases"]["received"] == 150
    assert sum(demo["cases"]["by_state"].values()) >= 150  # plus the cases of the scripted breaches
    assert {"warning", "yellow"} <= set(demo["cards"]["by_level"])
    # one sweep every morning of the simulated year, and one when the county is looked at
    assert demo["cards"]["sweeps"] == (LAST_DAY - FIRST_DAY).days + 2
    logins = {a["login"] for a in demo["accounts"]}
    assert {"finance1", "jw_super1", "admin"} <= logins
    rules = json.loads(run_cli("supervise", "cards", "--json").out)
    raised = {card["rule_code"] for card in rules}
    assert raised >= SCRIPTED_RULES, SCRIPTED_RULES - raised
    with core_db.reading(db_url) as session:
        assert audit.verify(session).ok
    scores = json.loads(run_cli("supervise", "scores", "--period", "2026-06", "--json").out)
    assert scores and all("score" in row for row in scores)
    sample = demo["sample_case"]
    progress = run_cli("case", "progress", sample["number"], "--code", sample["query_code"], "--json")
    assert progress.code == 0 and json.loads(progress.out)["number"] == sample["number"]


def test_demo_is_reproducible_with_its_seed(demo, run_cli):
    again = run_cli("demo", "--cases", "150", "--seed", "7", "--no-serve", "--json", "--fresh")
    assert again.code == 0, again.err
    second = json.loads(again.out)
    for key in ("cases", "cards", "scripted_breaches", "sample_red_card"):
        assert second[key] == demo[key], key


def test_demo_refuses_a_database_that_holds_data(demo, run_cli):
    result = run_cli("demo", "--cases", "10", "--no-serve")
    assert result.code == 2 and "--fresh" in result.err


def test_demo_refuses_a_non_positive_size(run_cli):
    result = run_cli("demo", "--cases", "0", "--no-serve")
    assert result.code == 2 and "cases:" in result.err


def test_demo_accounts_log_in_with_the_printed_password(demo, db_url):
    from yangguang.core import db
    from yangguang.core.auth import authenticate

    with db.transaction(db_url) as session:
        for account in demo["accounts"][:2] + demo["accounts"][-1:]:
            person = authenticate(session, account["login"], demo["password"], address="127.0.0.1")
            assert person.login == account["login"]
