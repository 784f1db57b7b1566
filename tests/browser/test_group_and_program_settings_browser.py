"""A supervisor changes a group's days with checkboxes and a program's measure schedule and
reminder times with their widgets — no JSON, no Django admin."""

from datetime import time

import pytest
from playwright.sync_api import expect

from sessions.models import TherapyGroup
from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_supervisor_edits_a_group_schedule_and_program_settings(
    page, live_server, program, supervisor, clinician, password
):
    group = TherapyGroup.objects.create(
        name="Evening skills",
        program=program,
        kind="dbt_skills",
        schedule_days=[0, 2],
        start_time=time(17),
        duration_minutes=120,
        location="Room 2",
    )
    group.facilitators.set([clinician])

    sign_in(page, live_server, "supervisor", password)
    page.goto(f"{live_server.url}/groups/")
    page.get_by_role("link", name="Evening skills").click()
    page.get_by_role("link", name="Edit the schedule and facilitators").click()
    page.get_by_label("Wednesday").uncheck()
    page.get_by_label("Thursday").check()
    page.get_by_label("Starts at").fill("18:00")
    page.get_by_role("button", name="Save the schedule").click()
    expect(page.get_by_text("schedule saved")).to_be_visible()
    expect(page.get_by_text("Mon, Thu 18:00, 120 min")).to_be_visible()
    group.refresh_from_db()
    assert group.schedule_days == [0, 3] and group.start_time == time(18)

    page.goto(f"{live_server.url}/groups/")
    page.get_by_role("link", name="settings").click()
    page.get_by_label("GAD-7").fill("")
    page.get_by_label("PHQ-9").fill("7")
    page.get_by_label("2 hours before", exact=True).uncheck()
    page.get_by_label("2 days before", exact=True).check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("settings saved")).to_be_visible()
    program.refresh_from_db()
    assert program.measure_schedule == [{"instrument": "PHQ9", "every_days": 7}]
    assert program.reminder_lead_hours == [48, 24]
