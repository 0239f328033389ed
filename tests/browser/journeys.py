"""Data and page helpers shared by the browser journeys.

The data is made the way production makes it: cases through the approval service (at a past moment
when time must have passed) and cards by the supervision sweep run in process, as the cron job runs it.
The people are the hall of ``tests/web/case_helpers.py`` (clerk1, appr1, head1 of 县市场监督管理局 SCJ,
super1 of the discipline commission, ...), all with the password ``PASSWORD``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time

from playwright.sync_api import Locator, Page
from sqlalchemy import select

from tests.approval_factories import REQUIRED
from tests.factories import SHANGHAI
from tests.web.case_helpers import APPLICANT, CLERK, FOOD, SUPERVISOR
from yangguang.approval import service as approval
from yangguang.approval.models import Case
from yangguang.core import db
from yangguang.core.calendar import get_calendar
from yangguang.core.clocks import local_day
from yangguang.supervision.models import Card
from yangguang.supervision.service import issue_manual_card
from yangguang.supervision.sweep import sweep

UNIT_NAME = "县市场监督管理局"
OTHER_UNIT_NAME = "县税务局"
PERSONAL_DATA = (APPLICANT["name"], APPLICANT["id_number"], APPLICANT["phone"])


def query_code(db_url: str, number: str) -> str:
    with db.reading(db_url) as session:
        return session.scalar(select(Case.query_code).where(Case.number == number))


def card_state(db_url: str, number: str) -> str:
    with db.reading(db_url) as session:
        return session.scalar(select(Card.state).where(Card.number == number))


@dataclass
class OverdueCase:
    case: str  # the case whose 审查 step ran over its share
    yellow: str  # the yellow card the sweep raised on that step (unit SCJ)
    other: str  # a red card issued by hand to another unit (SWJ), which the yellow filter must hide


def overdue_step_with_card(db_url: str) -> OverdueCase:
    """A complete application accepted six working days ago, then the sweep at the present moment.

    The 审查 step has 4 of the 10 promised working days: six working days later it is over its share
    while the case is still well within its promise (no near-due warning yet), so the sweep raises
    exactly one card, the yellow 环节超时 of SCJ. Counting back on the working calendar keeps this true
    whatever day the test runs on (weekends and holidays included).
    """
    now = datetime.now(UTC)
    with db.transaction(db_url) as session:
        start = get_calendar(session).add_workdays(local_day(now), -6)
        case = approval.receive_application(session, item_code=FOOD, clerk=CLERK, window_number="A01", channel="1",
                                            applicant=APPLICANT, materials=list(REQUIRED),
                                            at=datetime.combine(start, time(10), SHANGHAI))
        number = case.number
    with db.transaction(db_url) as session:  # the cron job's own transaction
        result = sweep(session, now)
    assert (result["warnings"], result["yellow"], result["red"]) == (0, 1, 0), result
    with db.transaction(db_url) as session:
        yellow = session.scalar(select(Card).where(Card.number == result["cards"][0]))
        assert yellow.rule_code == "approval.step_overdue"
        other = issue_manual_card(session, actor=SUPERVISOR, level="red", unit="SWJ", reason="窗口人员上班时间擅离岗位",
                                  at=now)
        return OverdueCase(number, yellow.number, other.number)


def field(scope: Page | Locator, label: str) -> Locator:
    """The value (``dd``) of the term ``label`` in a definition list of fields."""
    term = scope.locator("dl.fields > dt").filter(has_text=re.compile(f"^{re.escape(label)}$"))
    return term.locator("xpath=following-sibling::dd[1]")


def no_sideways_scroll(page: Page, width: int = 360) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide at a {width} px viewport"


def pdf_report(page: Page) -> bytes:
    """A small real PDF (整改报告), printed by the headless Chromium from a page of its own."""
    page.set_content("<html lang='zh-CN'><body><h1>整改报告</h1><p>已建立审查环节限时办结台账，"
                     "对超时原因逐件分析并完成整改。</p></body></html>")
    return page.pdf(format="A4")
