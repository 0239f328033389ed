"""The login page in a real browser: labelled fields, keyboard only, a wrong password explained."""

from __future__ import annotations

from tests.browser.conftest import PHONE, log_in
from tests.browser.journeys import no_sideways_scroll
from tests.factories import make_unit
from tests.web.conftest import staff
from yangguang.core import db


def test_login_with_keyboard_and_wrong_password(live_server, new_page, shots, db_url):
    with db.transaction(db_url) as session:
        staff(session, make_unit(session), "clerk1", ["clerk"])
    page = new_page(PHONE)
    log_in(page, live_server, "clerk1", "wrong-password")
    assert "账号或密码错误" in page.get_by_role("alert").inner_text()
    shots.take(page, "wrong-password")
    log_in(page, live_server, "clerk1")
    assert page.url.endswith("/staff/cases")
    assert page.get_by_role("button", name="退出（clerk1）").is_visible()
    no_sideways_scroll(page)  # readable at 360 px
    shots.take(page, "logged-in")
