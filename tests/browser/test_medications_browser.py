"""A SUD patient's chart → Medications → add buprenorphine/naloxone (the MOUD marker comes from
the name) → start the admission reconciliation, which shows the intake's medications → mark
the entry continued → sign: no console error, no Django admin."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_add_a_medication_and_reconcile_at_admission(
    page, live_server, admit, clinician, password, sud_program
):
    episode = admit(clinician=clinician, last_name="Volkov", is_sud=True, program_=sud_program)
    episode.intake.medications = "Suboxone 8/2 mg one film daily"
    episode.intake.save()

    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}{episode.patient.get_absolute_url()}")
    page.get_by_role("link", name="Medications").click()
    page.get_by_role("link", name="Add a medication").click()
    page.get_by_label("Name").fill("Buprenorphine/naloxone")
    page.get_by_label("Strength").fill("8 mg/2 mg")
    page.get_by_label("Dose").fill("1 film")
    page.get_by_label("Route").select_option("sublingual")
    page.get_by_label("Frequency").fill("once daily")
    page.get_by_label("Outside prescriber").fill("Dr. Alvarez")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_test_id("moud-maud")).to_contain_text("MOUD")

    page.get_by_label("Reconcile at").select_option("admission")
    page.get_by_role("button", name="Start a reconciliation").click()
    expect(page.get_by_test_id("source-text")).to_contain_text("Suboxone 8/2 mg one film daily")
    page.get_by_label("Buprenorphine/naloxone 8 mg/2 mg", exact=True).select_option("continued")
    page.get_by_role("button", name="Sign the reconciliation").click()
    expect(page.get_by_test_id("signed")).to_contain_text("signed by Casey Morgan")
