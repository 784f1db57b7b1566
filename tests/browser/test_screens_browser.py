"""A SUD patient on buprenorphine: chart → Screens → order a screen for today → record the
observed collection → enter the results with fentanyl positive → Today shows the
unexpected-result alert: no console error."""

import pytest
from playwright.sync_api import expect

from medications import services as meds
from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_order_a_screen_enter_results_and_see_the_alert_on_today(
    page, live_server, admit, clinician, password, sud_program
):
    episode = admit(clinician=clinician, last_name="Volkov", is_sud=True, program_=sud_program)
    meds.medication_add(
        patient=episode.patient,
        data={
            "name": "Buprenorphine/naloxone",
            "strength": "8 mg/2 mg",
            "dose": "1 film",
            "route": "sublingual",
            "frequency": "once daily",
            "prescriber_name": "Dr. Alvarez",
        },
        user=clinician,
    )

    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}{episode.patient.get_absolute_url()}")
    page.get_by_role("link", name="Screens").click()
    page.get_by_label("Observed collection").check()
    page.get_by_role("button", name="Order the screen").click()
    expect(page.get_by_test_id("screen-order")).to_contain_text("Ordered")

    page.get_by_test_id("screen-order").get_by_role("link").click()
    page.get_by_label("Temperature (°C)").fill("34.2")
    page.get_by_role("button", name="Record the collection").click()
    expect(page.get_by_test_id("screen-status")).to_have_text("Collected")

    page.locator('input[name="BUP"][value="positive"]').check()
    page.locator('input[name="FYL"][value="positive"]').check()
    page.get_by_role("button", name="Record the results").click()
    expect(page.get_by_test_id("screen-status")).to_have_text("Resulted")
    expect(page.get_by_test_id("screen-results")).to_contain_text(
        "Fentanyl positive, not prescribed."
    )

    page.get_by_role("link", name="Today").first.click()
    expect(page.get_by_text("FYL positive")).to_be_visible()
