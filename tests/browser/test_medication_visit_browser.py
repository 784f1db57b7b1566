"""A psychiatrist opens an attended medication-management visit → starts the note (the
medication-management structure) → writes target symptoms, adherence, side effects, changes
made, plan, the patient's part, the risk re-check and 20 minutes of psychotherapy → signs: the
note is locked and the suggested codes are an E/M code with the 90833 add-on; no console
error."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iop.accounts.roles import Role
from sessions import services
from tests.browser.test_intake_browser import sign_in
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_prescriber_writes_and_signs_a_visit_note(page, live_server, admit, clinician, password):
    episode = admit(clinician=clinician, last_name="Volkov")
    psychiatrist = UserFactory(
        username="drnair",
        role=Role.CLINICIAN,
        first_name="Priya",
        last_name="Nair",
        prescriber_credential="psychiatrist",
    )
    now = timezone.localtime().replace(second=0, microsecond=0)
    # Today (local), when the episode was admitted: 50 minutes ago, or midnight in the first hour.
    starts = max(now - timedelta(minutes=50), now.replace(hour=0, minute=0))
    visit = services.session_schedule(
        kind="medication_management",
        starts_at=starts,
        duration_minutes=45,
        clinicians=[psychiatrist],
        user=psychiatrist,
        episode=episode,
    )
    services.attendance_mark(
        session=visit, episode=episode, status="present", minutes=45, user=psychiatrist
    )

    sign_in(page, live_server, "drnair", password)
    expect(page.get_by_test_id("prescriber-badge")).to_be_visible()
    page.goto(f"{live_server.url}/sessions/{visit.pk}/")
    expect(page.get_by_test_id("session-link")).to_contain_text("not done yet")
    page.get_by_role("button", name="Start the note").click()
    page.get_by_label("Target symptoms").fill("Cravings twice a week.")
    page.get_by_label("Adherence").fill("Daily, no missed doses.")
    page.get_by_label("Side effects").fill("None reported.")
    page.get_by_label("Changes made").fill("None.")
    page.get_by_label("Plan", exact=True).fill("Review in two weeks.")
    page.get_by_label("Psychotherapy added (minutes)").fill("20")
    page.get_by_label("About").fill("Seen alone; motivational work on returning to work.")
    page.get_by_label("Risk re-check").select_option("none")
    page.get_by_role("button", name="Sign and lock").click()
    expect(page.get_by_test_id("note-signed")).to_contain_text("Medication management note by")
    expect(page.get_by_test_id("psychotherapy-minutes")).to_have_text("20 minutes")
    expect(page.get_by_test_id("billing")).to_contain_text("90833")
