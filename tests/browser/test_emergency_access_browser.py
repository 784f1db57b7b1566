"""Break the glass in a browser: a caseload search by MRN finds nothing → the emergency access
offer → MRN and reason → the chart with its red banner; a supervisor then reviews it."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_intake_browser import sign_in, sign_out

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_break_the_glass_then_the_supervisors_review(
    page, live_server, make_episode, clinician, clinician2, supervisor, password
):
    patient = make_episode(clinician=clinician).patient

    sign_in(page, live_server, "clinician2", password)
    page.goto(f"{live_server.url}/patients/?q={patient.mrn}")
    page.get_by_role("link", name="emergency access").click()
    expect(page.get_by_label("MRN")).to_have_value(patient.mrn)
    page.get_by_label("Reason").fill(
        "Patient at the front desk in crisis; the primary clinician is away today."
    )
    page.get_by_label("I understand that every view is recorded").check()
    page.get_by_role("button", name="Open the chart in an emergency").click()
    expect(page.get_by_test_id("emergency-banner")).to_contain_text("every view is recorded")
    expect(page.get_by_role("heading", name=patient.display_name, level=1)).to_be_visible()
    sign_out(page)

    sign_in(page, live_server, "supervisor", password)
    page.get_by_role("link", name="Emergency reviews").click()
    row = page.get_by_test_id("emergency-access-row")
    expect(row).to_contain_text("front desk in crisis")
    row.get_by_label("Concern raised").check()
    row.get_by_label("Note (required for a concern)").fill("Care team was reachable by phone.")
    row.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("No emergency accesses here.")).to_be_visible()
    page.goto(f"{live_server.url}/patients/emergency/reviews/?status=concern")
    expect(page.get_by_test_id("review-status")).to_have_text("Concern raised")
