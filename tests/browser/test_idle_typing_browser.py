"""Typing in a note keeps the clinician signed in past the idle limit, and the draft saves
itself ("Saved hh:mm"). The limits are shortened to seconds for the test."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions import services
from sessions.models import ProgressNote, TherapySession
from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_typing_keeps_the_session_alive_and_the_draft_saves_itself(
    page, live_server, settings, make_episode, clinician, password
):
    settings.SESSION_IDLE_TIMEOUT = timedelta(seconds=6)
    settings.AUTOSAVE_SECONDS = 1
    episode = make_episode(clinician=clinician)
    session = services.session_schedule(
        kind=TherapySession.Kind.INDIVIDUAL,
        starts_at=timezone.now() - timedelta(minutes=30),
        duration_minutes=50,
        clinicians=[clinician],
        user=clinician,
        episode=episode,
    )
    services.attendance_mark(session=session, episode=episode, status="present", user=clinician)
    note = services.note_start(session=session, user=clinician)
    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")

    # about 10 s of typing, longer than the 6 s idle limit, with no page load in between
    page.locator(f"#id_entry_{episode.patient_id}_text").press_sequentially(
        "Described a week of better sleep.", delay=300
    )

    expect(page.locator("[data-autosave-status]")).to_contain_text("Saved ", timeout=10_000)
    note.refresh_from_db()
    assert note.entries.get().text == "Described a week of better sleep."
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).not_to_be_visible()
    expect(page.locator(f"#id_entry_{episode.patient_id}_text")).to_have_value(
        "Described a week of better sleep."
    )
    assert ProgressNote.objects.get().status == "draft"


def test_the_plan_summary_saves_itself_while_the_text_stays(
    page, live_server, settings, make_episode, make_plan, clinician, password
):
    settings.AUTOSAVE_SECONDS = 1
    plan = make_plan(make_episode(clinician=clinician))
    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}/plans/{plan.pk}/edit/")

    page.locator("#id_summary-summary").press_sequentially("Supportive sister.", delay=20)

    expect(page.locator("#summary-form [data-autosave-status]")).to_contain_text("Saved ")
    expect(page.locator("#id_summary-summary")).to_have_value("Supportive sister.")
    plan.refresh_from_db()
    assert plan.summary == "Supportive sister."
    # a later save by hand carries the revision the autosave moved to, and is not refused
    page.locator("#id_summary-summary").press_sequentially(" Works nights.", delay=20)
    page.get_by_role("button", name="Save summary").click()
    expect(page.locator("#summary-form")).to_contain_text("Saved.")
    plan.refresh_from_db()
    assert plan.summary == "Supportive sister. Works nights."
