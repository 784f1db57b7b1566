"""A clinician's calendar: find a session in the week grid (from the keyboard too), move it
through the reschedule form and come back to the calendar showing it at its new time."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions import services
from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_reschedule_from_the_calendar(page, live_server, admit, clinician, password):
    episode = admit(clinician=clinician, last_name="Moved")
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    tz = timezone.get_current_timezone()
    session = services.session_schedule(
        kind="individual",
        starts_at=datetime.combine(monday, time(14), tzinfo=tz),
        duration_minutes=50,
        clinicians=[clinician],
        episode=episode,
        location="Room 6",
        user=clinician,
    )

    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}/schedule/")
    page.get_by_role("link", name="Calendar").click()
    page.get_by_role("link", name="Next week →").click()
    grid = page.get_by_test_id("calendar")
    expect(grid.get_by_role("rowheader", name="14:00")).to_be_visible()
    expect(grid.get_by_test_id("calendar-session")).to_contain_text("Pat1 Moved")

    # From the keyboard: the arrow keys move between the grid's cells.
    first_cell = grid.locator("td").first
    first_cell.focus()
    page.keyboard.press("ArrowDown")
    expect(grid.locator("tbody tr").nth(1).locator("td").first).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(grid.locator("tbody tr").nth(1).locator("td").nth(1)).to_be_focused()

    grid.get_by_role("link", name="Reschedule").click()
    expect(page.get_by_role("heading", name="Reschedule: Individual · Pat1 Moved")).to_be_visible()
    tuesday = monday + timedelta(days=1)
    page.get_by_label("New start").fill(f"{tuesday:%Y-%m-%d}T15:00")
    page.get_by_role("button", name="Move the session").click()

    expect(page.get_by_text(f"Moved to {tuesday:%a %-d %b} 15:00.")).to_be_visible()
    expect(page.get_by_role("caption")).to_contain_text(f"Week of {monday.day} {monday:%B %Y}")
    row = page.get_by_test_id("calendar").locator(
        "tr", has=page.get_by_role("rowheader", name="15:00")
    )
    expect(row.get_by_test_id("calendar-session")).to_contain_text("Pat1 Moved")
    session.refresh_from_db()
    assert timezone.localtime(session.starts_at).hour == 15
