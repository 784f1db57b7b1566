"""Today → attendance for a group (one late, one absent) → the group note with individualized
parts, signed → the hours ledger on a patient's chart."""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions import services
from sessions.models import Attendance, ProgressNote, TherapyGroup
from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_run_a_group_session(page, live_server, admit, program, clinician, password):
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
    for last in ("Adams", "Baker", "Cruz"):
        episode = admit(clinician=clinician, last_name=last)
        services.group_enroll(group=group, episode=episode, user=clinician, start_date=now.date())
        people[last] = episode
    services.group_schedule_generate(weeks=1, start=now.date())

    sign_in(page, live_server, "clinician", password)
    card = page.get_by_test_id("session-card").filter(has_text="Morning group")
    expect(card).to_be_visible()
    rows = card.get_by_test_id("attendance-row")
    expect(rows).to_have_count(3)
    rows.filter(has_text="Adams").get_by_role("button", name="Present").click()
    expect(rows.filter(has_text="Adams").get_by_test_id("attendance-status")).to_have_text(
        "Present"
    )
    baker = rows.filter(has_text="Baker")
    baker.focus()
    page.keyboard.press("l")  # late, from the keyboard
    expect(baker.get_by_test_id("attendance-status")).to_have_text("Late")
    rows.filter(has_text="Cruz").get_by_role("button", name="Absent (unexcused)").click()
    expect(rows.filter(has_text="Cruz").get_by_test_id("attendance-status")).to_have_text(
        "Absent (unexcused)"
    )
    assert Attendance.objects.get(patient=people["Baker"].patient).minutes_attended == 165

    card.get_by_role("link", name="Note", exact=True).click()
    page.get_by_role("button", name="Start the note").click()
    form = page.get_by_test_id("note-form")
    form.get_by_label("Data").fill("Skills group on sleep routines.")
    form.get_by_label("Assessment").fill("Engaged; practice varied.")
    form.get_by_label("Plan", exact=True).fill("Practise the routine nightly.")
    parts = form.get_by_test_id("note-part")
    expect(parts).to_have_count(2)  # Cruz was absent
    parts.nth(0).get_by_label("About Pat1 Adams").fill("Adams shared a bedtime plan.")
    parts.nth(0).get_by_label("Risk re-check").select_option("none")
    parts.nth(1).get_by_label("About Pat2 Baker").fill("Baker arrived late; tried the skill.")
    parts.nth(1).get_by_label("Risk re-check").select_option("low")
    form.get_by_role("button", name="Sign and lock").click()
    expect(page.get_by_text("Note signed and locked.")).to_be_visible()
    expect(page.get_by_test_id("note-signed")).to_contain_text("content matches")
    note = ProgressNote.objects.get()
    assert note.status == "signed" and len(note.content_hash) == 64

    page.goto(f"{live_server.url}/patients/{people['Baker'].patient_id}/sessions/")
    this_week = page.get_by_test_id("ledger-week").first
    expect(this_week).to_contain_text("2.8")  # 165 minutes
    expect(this_week).to_contain_text("this week")
