"""A discharged patient's chart → Discharge summary → prepare it from the record → write the
course of treatment → sign as the primary clinician → download the PDF: no Django admin."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from plans import services as plan_services
from tests.browser.test_intake_browser import sign_in
from tests.documents.helpers import pdf_text
from tests.plans.helpers import AFTERCARE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_prepare_sign_and_print_a_discharge_summary(page, live_server, admit, clinician, password):
    episode = admit(clinician=clinician, last_name="Kim")
    plan_services.episode_discharge(
        episode=episode, aftercare=AFTERCARE, reason="completed", user=clinician
    )

    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}{episode.patient.get_absolute_url()}")
    page.get_by_role("link", name="Discharge summary").click()
    page.get_by_role("button", name="Prepare the discharge summary").click()
    expect(page.get_by_text("Discharge summary prepared from the record.")).to_be_visible()
    expect(page.get_by_label("Medications at discharge")).to_have_value("Sertraline 100 mg daily")
    page.get_by_label("Course of treatment").fill("Completed the program; mood improved.")
    page.get_by_role("button", name="Sign as primary clinician").click()
    expect(page.get_by_test_id("summary-signed")).to_contain_text("Signed by Casey Morgan")

    with page.expect_download() as download:
        page.get_by_test_id("summary-pdf").click()
    data = Path(download.value.path()).read_bytes()
    text = pdf_text(data)
    assert "Completed the program; mood improved." in text
    assert "Primary clinician: Casey Morgan" in text
