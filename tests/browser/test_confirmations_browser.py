"""Rough edges: revoking a consent and cancelling a session each take a confirmation and a
reason (kept and shown); a non-staff user who opens /admin/ gets the 403 page, not a loop."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patients import services as patient_services
from patients.models import Consent
from sessions import services
from sessions.models import TherapySession
from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_revoke_a_consent_with_a_reason(page, live_server, admit, clinician, intake, password):
    episode = admit(clinician=clinician, last_name="Evans")
    consent = patient_services.consent_record(
        patient=episode.patient,
        user=intake,
        data={"kind": "communications", "allow_sms": True, "signed_by_name": "Pat Evans"},
    )
    sign_in(page, live_server, "intake", password)
    page.goto(f"{live_server.url}/patients/{episode.patient_id}/consents/")
    card = page.get_by_test_id("consent").filter(has_text="Communications")
    card.get_by_role("link", name="Revoke…").click()
    form = page.get_by_test_id("revoke-form")
    form.get_by_role("button", name="Revoke the consent").click()
    expect(page.get_by_text("Say why the consent is revoked")).to_be_visible()
    assert Consent.objects.get(pk=consent.pk).revoked_at is None
    form.get_by_label("Why it is revoked, or how the patient revoked it").fill(
        "Asked by phone to stop texts."
    )
    form.get_by_role("button", name="Revoke the consent").click()
    expect(page.get_by_text("Communications (reminders) revoked.")).to_be_visible()
    expect(
        page.get_by_test_id("consent").filter(has_text="Asked by phone to stop texts.")
    ).to_be_visible()


def test_cancel_a_session_with_a_reason(page, live_server, admit, clinician, password):
    episode = admit(clinician=clinician, last_name="Ford")
    session = services.session_schedule(
        kind="individual",
        starts_at=timezone.now() + timedelta(days=2),
        duration_minutes=50,
        clinicians=[clinician],
        episode=episode,
        user=clinician,
    )
    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    page.get_by_role("link", name="Cancel session…").click()
    expect(page.get_by_role("heading", name="Cancel this session?")).to_be_visible()
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.get_by_text("Say why the session is cancelled.")).to_be_visible()
    page.get_by_label("Why it is cancelled").fill("Patient has a court date.")
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.get_by_text("Session cancelled.")).to_be_visible()
    expect(page.get_by_test_id("cancel-reason")).to_contain_text("Patient has a court date.")
    assert TherapySession.objects.get(pk=session.pk).status == "cancelled"


def test_a_clinician_opening_the_admin_sees_the_403_page(page, live_server, clinician, password):
    sign_in(page, live_server, "clinician", password)
    # Fetched with the tab's session rather than opened in it: a 403 document is logged as a
    # console error, which the `page` fixture counts as a failure.
    answer = page.request.get(f"{live_server.url}/admin/", max_redirects=0)
    assert answer.status == 403
    assert "You do not have access to this page" in answer.text()
