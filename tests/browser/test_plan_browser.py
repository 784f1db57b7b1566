"""The clinician builds a plan in the htmx editor, signs it, revises it and sees both versions."""

import pytest
from playwright.sync_api import expect

from plans.models import TreatmentPlan
from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def open_form(page, link, region=None):
    (region or page).get_by_role("link", name=link).click()
    form = page.get_by_test_id("item-form")
    expect(form).to_be_visible()
    return form


def test_build_sign_and_revise_a_plan(page, live_server, admit, clinician, password):
    episode = admit(clinician=clinician, last_name="Hale")
    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}/patients/{episode.patient_id}/plan/")
    page.get_by_role("button", name="Start the treatment plan").click()
    expect(page.get_by_role("heading", name="Treatment plan, version 1 Draft")).to_be_visible()

    form = open_form(page, "+ Add problem")
    form.get_by_label("Description").fill("Low mood and withdrawal")
    form.get_by_label("Linked diagnosis").select_option("F32.1")
    form.get_by_role("button", name="Save problem").click()
    expect(page.get_by_test_id("problem")).to_contain_text("Low mood and withdrawal")

    form = open_form(page, "+ Add goal")
    form.get_by_label("Goal, in the client's words").fill("Get back to my choir")
    form.get_by_role("button", name="Save goal").click()
    expect(page.get_by_test_id("goal")).to_contain_text("Get back to my choir")

    form = open_form(page, "+ Add objective")
    form.get_by_label("Description").fill("Attend choir practice weekly")
    form.get_by_role("button", name="Save objective").click()
    expect(form.get_by_text("This field is required.")).to_be_visible()  # no target date
    expect(form.get_by_label("Description")).to_have_value("Attend choir practice weekly")
    form.get_by_label("Target date").fill("2027-02-15")
    form.get_by_label("Measured by").select_option("PHQ9")
    form.get_by_label("Target: total below").fill("10")
    form.get_by_role("button", name="Save objective").click()
    expect(page.get_by_test_id("objective")).to_contain_text("Attend choir practice weekly")

    form = open_form(page, "+ Add intervention")
    form.get_by_label("Modality").select_option(label="CBT")
    form.get_by_label("Frequency").fill("3 groups a week")
    form.get_by_label("Responsible staff").select_option(label="Casey Morgan")
    form.get_by_role("button", name="Save intervention").click()
    expect(page.get_by_test_id("intervention")).to_contain_text("CBT, 3 groups a week")

    page.get_by_role("link", name="Sign and activate…").click()
    page.get_by_label("Patient's name, as they acknowledged the plan").fill("Pat Hale")
    page.get_by_label("I have reviewed this plan with the patient").check()
    page.get_by_role("button", name="Sign and activate").click()
    expect(page.get_by_text("Plan version 1 signed and active.")).to_be_visible()
    expect(page.get_by_test_id("header-plan")).to_have_text("v1 active")

    page.get_by_role("button", name="Revise the plan").click()
    expect(page.get_by_role("heading", name="Treatment plan, version 2 Draft")).to_be_visible()
    form = open_form(page, "+ Add problem")
    form.get_by_label("Description").fill("Poor sleep")
    form.get_by_role("button", name="Save problem").click()
    expect(page.get_by_test_id("problem")).to_have_count(2)
    page.get_by_role("link", name="Sign and activate…").click()
    page.get_by_label("I have reviewed this plan with the patient").check()
    page.get_by_role("button", name="Sign and activate").click()
    expect(page.get_by_text("Plan version 2 signed and active.")).to_be_visible()

    page.get_by_role("link", name="Version history").click()
    versions = page.get_by_test_id("plan-version")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("Active")
    expect(versions.nth(1)).to_contain_text("Superseded")
    page.get_by_role("link", name="with previous").click()
    expect(page.get_by_test_id("diff-row").filter(has_text="Poor sleep")).to_be_visible()

    assert list(TreatmentPlan.objects.values_list("version", "status")) == [
        (2, "active"),
        (1, "superseded"),
    ]
