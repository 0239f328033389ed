"""Shared set-up of the case workspace tests: a hall whose staff can log in, and cases driven through
the service (the routes under test are then exercised through the API or the pages)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.approval_factories import REQUIRED, make_hall, make_item
from tests.factories import make_unit, make_window
from tests.web.conftest import staff, with_password
from yangguang.approval import service
from yangguang.approval.models import Case
from yangguang.core import db
from yangguang.core.audit import AuditEntry

# Logins: the hall of tests/approval_factories.py (SCJ with window A01, SWJ, ZJJ) and the people added here.
CLERK, APPROVER, HEAD, FINANCE = "clerk1", "appr1", "head1", "fin1"
OTHER_APPROVER, THIRD_APPROVER, OTHER_HEAD = "swj_appr", "zjj_appr", "swj_head"
OTHER_CLERK = "swj_clerk"  # a clerk of SWJ at its own window B01
CASHIER = "cashier"  # the service centre's finance window (another unit than every case's)
SUPERVISOR, DISCLOSURE = "super1", "open1"
APPLICANT = {"name": "某某餐饮有限公司", "type": "2", "id_number": "91330100MA2ABCDE1X", "phone": "13800000000"}
FOOD, PARALLEL, SWJ_ITEM = "SCJ-0001", "SCJ-0003", "SWJ-0001"


def build_hall(db_url: str) -> None:
    with db.transaction(db_url) as session:
        hall = make_hall(session)
        for person in (hall.clerk, hall.approver, hall.head, hall.finance, hall.other_approver, hall.third_approver,
                       hall.other_head):
            with_password(session, person)
        window = make_window(session, hall.other_unit, "B01", "税务窗口")
        staff(session, hall.other_unit, OTHER_CLERK, ["clerk"], window_id=window.id)
        make_item(session, hall.other_unit, impl_code=SWJ_ITEM, name="税务登记")
        centre = make_unit(session, "ZWZX", "县政务服务中心")
        staff(session, centre, CASHIER, ["finance"])
        oversight = make_unit(session, "JW", "县纪委监委派驻纪检监察组")
        staff(session, oversight, SUPERVISOR, ["supervisor"])
        staff(session, centre, DISCLOSURE, ["disclosure"])


def receive(db_url: str, *, clerk: str = CLERK, item: str = FOOD, materials=tuple(REQUIRED), window: str = "A01",
            days_ago: float = 0) -> str:
    """A case received through the service ``days_ago`` days before now; its number."""
    with db.transaction(db_url) as session:
        case = service.receive_application(session, item_code=item, clerk=clerk, window_number=window, channel="1",
                                           applicant=APPLICANT, materials=list(materials),
                                           at=datetime.now(UTC) - timedelta(days=days_ago))
        return case.number


def act(db_url: str, number: str, step: str, login: str, **kw) -> None:
    with db.transaction(db_url) as session:
        service.act_on_step(session, number, step, login, at=datetime.now(UTC), **kw)


def state_of(db_url: str, number: str) -> str:
    with db.reading(db_url) as session:
        return session.scalar(select(Case.state).where(Case.number == number))


def count(db_url: str, model=AuditEntry, *where) -> int:
    with db.reading(db_url) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def actions(db_url: str) -> list[str]:
    with db.reading(db_url) as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
