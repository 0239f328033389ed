"""The demo county: built through the real services, every monitoring point visible, reproducible."""

from __future__ import annotations

import json

import pytest

from yangguang.core import audit
from yangguang.core import db as core_db
from yangguang.demo import LAST_DAY
from yangguang.demo import disclosure as demo_disclosure

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
    # one sweep every morning from the first day of disclosure data, and one when the county is looked at
    assert demo["cards"]["sweeps"] == (LAST_DAY - demo_disclosure.FIRST_DAY).days + 2
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
    for key in ("publications", "applications", "remedies", "reports", "cards", "sample_publication"):
        assert second["disclosure"][key] == demo["disclosure"][key], key


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


def test_demo_discloses_with_every_outcome_and_its_cards(demo, db_url):
    from sqlalchemy import select

    from yangguang.core.org import Unit
    from yangguang.disclosure.annual_report import compute
    from yangguang.disclosure.codes import OUTCOMES
    from yangguang.disclosure.models import AnnualReport, Application, Publication
    from yangguang.disclosure.service.publications import scan_publication
    from yangguang.supervision.models import Card

    figures = demo["disclosure"]
    assert set(figures["applications"]["by_outcome"]) == set(OUTCOMES)  # every outcome planned, and answered
    assert set(figures["applications"]["by_channel"]) == {"in_person", "post_signed", "post_ordinary", "online", "fax"}
    assert figures["publications"]["by_state"]["published"] >= 50
    assert figures["remedies"] and figures["reports"]["late_2025"] >= 1
    assert {"disclosure.annual_report_overdue", "disclosure.publication_overdue", "disclosure.reply_overdue",
            "disclosure.correction_notice_late"} <= set(figures["cards"])
    with core_db.reading(db_url) as session:
        unit = session.scalar(select(Unit).where(Unit.code == "FGJ"))
        report = session.scalar(select(AnnualReport).where(AnnualReport.unit_id == unit.id, AnnualReport.year == 2025))
        assert report.state == "published" and report.overview and compute(session, unit, 2025).reconciles
        assert session.scalar(select(AnnualReport).where(AnnualReport.unit_id == unit.id, AnnualReport.year == 2026))
        flagged = 0
        for item in session.scalars(select(Publication).where(Publication.state == "published")):
            verdicts = [r.verdict for r in item.reviews]
            assert verdicts[-1] == "approve" and item.published_at >= item.reviews[-1].at
            if "reject" in verdicts:  # found, rejected, fixed, reviewed again before publication
                flagged += 1
                rejected = next(r for r in item.reviews if r.verdict == "reject")
                assert rejected.findings and rejected.at < item.published_at
                assert not scan_publication(session, item, today=LAST_DAY).findings
        assert flagged >= 4
        late = select(Application.obligation_id).where(Application.late)
        cards = session.scalars(select(Card.rule_code).where(Card.obligation_id.in_(late))).all()
        assert "disclosure.reply_overdue" in cards
