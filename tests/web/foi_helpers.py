"""Shared set-up of the web tests of applications for government information (依申请公开): the organs of
tests/disclosure/application_factories.py with staff who can log in, and applications driven through
the service (at a past moment when time must have passed); the routes under test are then exercised
through the API or the pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from tests.disclosure.application_factories import make_org
from tests.web.conftest import staff, with_password
from yangguang.core import db
from yangguang.core.audit import AuditEntry
from yangguang.core.clocks import Clock, ClockExtension, ClockPause, Obligation, local_day
from yangguang.core.org import Person
from yangguang.disclosure.models import Application, Consultation, Remedy
from yangguang.disclosure.service import applications as service

# Logins: 县人民政府办公室 (ZFB) with its 政务公开办 and head; 县市场监督管理局 (SCJ) with its own 政务公开办
# and the supervisor; a window clerk of ZFB (a role without any right here).
OFFICER, HEAD, OUTSIDER, SUPERVISOR, CLERK = "gkb", "head", "scj_gkb", "jc", "zfb_clerk"
ORGAN, ORGAN_NAME, OTHER_ORGAN = "ZFB", "县人民政府办公室", "SCJ"
REQUEST = {"applicant_kind": "natural_person", "applicant_name": "陈某某", "applicant_id_number": "110105194912310021",
           "contact_phone": "13800000000", "contact_email": "chen@example.com", "contact_address": "青山县东大街1号",
           "content": "本县2025年度财政预算执行情况报告全文", "delivery": "electronic"}
PERSONAL = ("陈某某", "110105194912310021", "13800000000", "chen@example.com", "青山县东大街1号",
            "财政预算执行情况报告")


def build_organs(db_url: str) -> None:
    with db.transaction(db_url) as session:
        org = make_org(session)
        for person in (org.officer, org.head, org.outsider, org.supervisor):
            with_password(session, person)
        staff(session, org.unit, CLERK, ["clerk"])


def now() -> datetime:
    return datetime.now(UTC)


def today() -> str:
    return local_day(now()).isoformat()


def days_ago(days: float) -> datetime:
    return now() - timedelta(days=days)


def _person(session, login: str | None) -> Person | None:
    return session.scalar(select(Person).where(Person.login == login)) if login else None


def receive(db_url: str, *, channel: str = "in_person", ago: float = 0, actor: str | None = OFFICER, unit=ORGAN,
            **changes: Any) -> str:
    """A request registered through the service ``ago`` days before now (``actor`` None: the public form);
    its number."""
    moment = days_ago(ago)
    with db.transaction(db_url) as session:
        application = service.receive(session, _person(session, actor), unit=unit, channel=channel,
                                      submitted_at=moment, at=moment, **{**REQUEST, **changes})
        return application.number


def act(db_url: str, action: str, number: str, login: str = OFFICER, *, ago: float = 0, **kw: Any) -> Any:
    """``service.<action>`` on the application ``number`` by ``login``, ``ago`` days before now."""
    with db.transaction(db_url) as session:
        result = getattr(service, action)(session, _person(session, login), number, at=days_ago(ago), **kw)
        return getattr(result, "id", None)


def query_code(db_url: str, number: str) -> str:
    with db.reading(db_url) as session:
        return session.scalar(select(Application.query_code).where(Application.number == number))


def state_of(db_url: str, number: str) -> str:
    with db.reading(db_url) as session:
        return session.scalar(select(Application.state).where(Application.number == number))


def snapshot(db_url: str) -> dict[str, Any]:
    """Everything an action on an application may write (the audit trail less the refusals it records)."""
    with db.reading(db_url) as session:
        rows: dict[str, Any] = {t.__name__: session.scalar(select(func.count()).select_from(t)) for t in (
            Application, Consultation, Remedy, Obligation, Clock, ClockPause, ClockExtension)}
        rows["audit"] = session.scalar(select(func.count()).where(AuditEntry.action != "auth.refused"))
        rows["applications"] = [tuple(row) for row in session.execute(select(
            Application.number, Application.state, Application.outcome, Application.fee_method,
            Application.correction_items, Application.corrected_on, Application.fee_paid_on,
            Application.received_on).order_by(Application.id))]
        rows["answers"] = [tuple(row) for row in session.execute(select(Consultation.id, Consultation.answer))]
        rows["remedies"] = [tuple(row) for row in session.execute(select(Remedy.id, Remedy.result))]
        rows["clocks"] = [tuple(row) for row in session.execute(select(Clock.id, Clock.state, Clock.extension,
                                                                       Clock.due_at).order_by(Clock.id))]
    return rows
