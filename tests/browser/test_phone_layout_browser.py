"""At a phone's width (375 × 812 CSS pixels): Today, a chart's header and the session page fit
the screen's width, and the first alert is on the first screen or one visible link away."""

import re

import pytest
import time_machine
from playwright.sync_api import expect

from iop.accounts.roles import Role
from tests.browser.test_accessibility_browser import axe_violations
from tests.browser.test_intake_browser import sign_in
from tests.factories import PASSWORD, UserFactory
from tests.pages import CLINICIAN, PAGES
from tests.reports import sample_section
from tests.test_query_budgets import (
    BUILT_AT,
    MEASURED_AT,
    _build,
    _queue,
    _run_sessions,
    users_and_objects,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _sample_report_section():
    """The report pages show the sample section (tests/reports) besides those installed."""
    with sample_section.installed():
        yield


PHONE = {"width": 375, "height": 812}


def _world():
    with time_machine.travel(BUILT_AT, tick=False) as clock:
        intake = UserFactory(username="intake-phone", role=Role.INTAKE)
        world = _build("phone", size=2, weeks=1, measures=2, intake=intake, past_episodes=0)
        clock.move_to(MEASURED_AT, tick=False)
        _run_sessions(world, intake)
        queue = _queue(world["program"], intake, 2)
    return users_and_objects(world, intake, queue)


def _fits_the_width(page):
    """Nothing wider than the screen: no sideways scrolling of the page."""
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: {width} px wide on a {PHONE['width']} px screen"


def _on_first_screen(locator):
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] <= PHONE["height"]


def _accessibility_tree(page):
    """(role, name) of each node of the browser's accessibility tree."""
    nodes = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    return {
        (node.get("role", {}).get("value"), node.get("name", {}).get("value")) for node in nodes
    }


def _no_violations(page):
    found = axe_violations(page)
    assert not found, f"{page.url} at phone width:\n" + "\n".join(found)


def test_today_fits_a_phone_and_its_alerts_are_one_tap_away(page, live_server):
    users, _objects = _world()
    page.set_viewport_size(PHONE)
    with time_machine.travel(MEASURED_AT, tick=True):
        sign_in(page, live_server, users[CLINICIAN].username, PASSWORD)
        _fits_the_width(page)
        _no_violations(page)
        first_alert = page.get_by_test_id("alert").first
        expect(first_alert).to_contain_text("PHQ-9 item 9")
        # Alerts come first (risk first), before the sessions and their attendance sheets: the
        # first alert is on the first screen, and the jump links to the other lists are too.
        assert _on_first_screen(first_alert)
        jump = page.get_by_test_id("today-jump").get_by_role(
            "link", name=re.compile(r"^Alerts \(\d+\)$")
        )
        expect(jump).to_be_visible()
        assert _on_first_screen(jump)
        notes = page.get_by_test_id("today-jump").get_by_role("link", name=re.compile("^Notes"))
        notes.click()
        expect(page.locator("#today-notes")).to_be_in_viewport()


def test_a_session_page_fits_a_phone_with_each_button_on_one_line(page, live_server):
    users, objects = _world()
    page.set_viewport_size(PHONE)
    with time_machine.travel(MEASURED_AT, tick=True):
        sign_in(page, live_server, users[CLINICIAN].username, PASSWORD)
        page.goto(f"{live_server.url}/sessions/{objects[CLINICIAN]['session']}/")
        _fits_the_width(page)
        _no_violations(page)
        rows = page.get_by_test_id("attendance-row")
        expect(rows).to_have_count(2)
        # Still a table's rows to a screen reader, each named by its attendee (Chromium's own
        # accessibility tree: a CSS display other than a table's can drop the semantics).
        attendee = rows.first.get_attribute("aria-label")
        assert ("row", attendee) in _accessibility_tree(page)
        assert ("columnheader", "Attendance") in _accessibility_tree(page)
        buttons = rows.first.get_by_role("button")
        heights = {round(buttons.nth(n).bounding_box()["height"]) for n in range(buttons.count())}
        assert len(heights) == 1, f"a status button wraps its label: heights {heights}"
        for n in range(buttons.count()):
            box = buttons.nth(n).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        # The row's name and status on one line: no taller than one button.
        name = rows.first.get_by_role("rowheader")
        assert name.bounding_box()["height"] <= 2 * heights.pop()
        # Marking from a phone still works.
        rows.first.get_by_role("button", name="Late").click()
        expect(rows.first.get_by_test_id("attendance-status")).to_have_text("Late")


def test_a_chart_header_fits_a_phone_with_its_risk_badge_on_the_first_screen(page, live_server):
    users, objects = _world()
    page.set_viewport_size(PHONE)
    with time_machine.travel(MEASURED_AT, tick=True):
        sign_in(page, live_server, users[CLINICIAN].username, PASSWORD)
        page.goto(f"{live_server.url}/patients/{objects[CLINICIAN]['patient']}/")
        _fits_the_width(page)
        _no_violations(page)
        assert _on_first_screen(page.get_by_test_id("risk-badge"))
        # Each fact's label and value side by side, on one line.
        label = page.locator(".header-facts dt", has_text="Primary clinician")
        value = label.locator("xpath=following-sibling::dd[1]")
        label_box, value_box = label.bounding_box(), value.bounding_box()
        assert abs(label_box["y"] - value_box["y"]) < 4 and value_box["x"] > label_box["x"]
        sections = page.get_by_role("navigation", name="Chart sections")
        assert _on_first_screen(sections.get_by_role("link", name="Alerts"))


def test_no_page_scrolls_sideways_on_a_phone(page, live_server):
    """Every page of tests/pages.py as each role that opens it. A wide table scrolls in its
    own box (Bootstrap's .table-responsive), not the page."""
    users, objects = _world()
    page.set_viewport_size(PHONE)
    wide = []
    with time_machine.travel(MEASURED_AT, tick=True):
        for role, user in users.items():
            sign_in(page, live_server, user.username, PASSWORD)
            for item in PAGES:
                if role in item.roles:
                    page.goto(live_server.url + item.path(objects[role]))
                    page.wait_for_load_state("networkidle")
                    width = page.evaluate("document.scrollingElement.scrollWidth")
                    if width > PHONE["width"]:
                        wide.append(f"{item.label} as {role}: {width} px")
            page.context.clear_cookies()
    assert not wide, f"wider than a {PHONE['width']} px screen: {wide}"
