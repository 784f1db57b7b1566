"""A signed group note → correct one attendee's attendance (a reason is required; what was typed
is kept) → the correction shows on the note and the billing codes follow."""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions import services
from sessions.models import ProgressNote, TherapyGroup, TherapySession
from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_correct_attendance_under_a_signed_group_note(
    page, live_server, admit, program, clinician, password
):
    now = timezone.localtime()
    start = max(now - timedelta(minutes=60), now.replace(hour=0, minute=0, second=0))
    group = TherapyGroup.objects.create(
        name="Morning group",
        program=program,
        kind="process",
        schedule_days=list(range(7)),
        start_time=time(start.hour, start.minute),
        duration_minutes=180,
    )
    group.facilitators.set([clinician])
    people = {}
    for last in ("Adams", "Cruz"):
        episode = admit(clinician=clinician, last_name=last)
        services.group_enroll(group=group, episode=episode, user=clinician, start_date=now.date())
        people[last] = episode
    services.group_schedule_generate(weeks=1, start=now.date())
    session = TherapySession.objects.get(group=group, starts_at__date=now.date())
    for last, status in (("Adams", "present"), ("Cruz", "absent_unexcused")):
        services.attendance_mark(
            session=session, episode=people[last], status=status, user=clinician
        )
    note = services.note_start(session=session, user=clinician)
    services.note_save(
        note=note,
        user=clinician,
        shared={"data": "Sleep skills.", "assessment": "Engaged.", "plan": "Practise."},
        entries={
            people["Adams"].patient_id: {"text": "Adams shared a plan.", "risk_level": "none"}
        },
    )
    services.note_sign(note=note, user=clinician)

    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    cruz_billing = page.get_by_test_id("billing").locator("li").filter(has_text="Cruz")
    expect(cruz_billing).to_contain_text("none")
    row = page.get_by_test_id("attendance-row").filter(has_text="Cruz")
    row.get_by_text("Correct attendance").click()
    form = row.get_by_test_id("correction-form")
    form.get_by_label("Attendance").select_option("present")
    form.get_by_role("button", name="Save correction").click()
    # Refused without a reason; the choice is kept.
    row = page.get_by_test_id("attendance-row").filter(has_text="Cruz")
    expect(row.get_by_role("alert")).to_have_text("Say why the attendance is corrected.")
    form = row.get_by_test_id("correction-form")
    expect(form.get_by_label("Attendance")).to_have_value("present")
    form.get_by_label("Reason for the correction").fill(
        "Was in the room; marked absent by mistake."
    )
    form.get_by_role("button", name="Save correction").click()

    expect(page.get_by_text("Attendance corrected for")).to_be_visible()
    correction = page.get_by_test_id("attendance-correction")
    expect(correction).to_contain_text("Cruz, absent (unexcused) → present, 0 → 180 min.")
    expect(correction).to_contain_text("Reason: Was in the room; marked absent by mistake.")
    expect(correction).to_contain_text(f"by {clinician.display_name}")
    cruz_billing = page.get_by_test_id("billing").locator("li").filter(has_text="Cruz")
    expect(cruz_billing).to_contain_text("90853")
    expect(page.get_by_test_id("note-signed")).to_contain_text("content matches")
    assert ProgressNote.objects.get().status == "signed"


def test_billing_codes_refresh_as_attendance_is_taken(
    page, live_server, admit, program, clinician, password
):
    now = timezone.localtime()
    start = max(now - timedelta(minutes=60), now.replace(hour=0, minute=0, second=0))
    group = TherapyGroup.objects.create(
        name="Morning group",
        program=program,
        kind="process",
        schedule_days=list(range(7)),
        start_time=time(start.hour, start.minute),
        duration_minutes=180,
    )
    group.facilitators.set([clinician])
    episode = admit(clinician=clinician, last_name="Adams")
    services.group_enroll(group=group, episode=episode, user=clinician, start_date=now.date())
    services.group_schedule_generate(weeks=1, start=now.date())
    session = TherapySession.objects.get(group=group, starts_at__date=now.date())

    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    expect(page.get_by_test_id("billing")).to_have_count(0)
    row = page.get_by_test_id("attendance-row").filter(has_text="Adams")
    row.get_by_role("button", name="Present").click()
    billing = page.get_by_test_id("billing").locator("li").filter(has_text="Adams")
    expect(billing).to_contain_text("90853")  # no reload
    row.get_by_role("button", name="Absent (excused)").click()
    expect(billing).to_contain_text("none")
