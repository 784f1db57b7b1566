"""Routine jobs done in the app's pages, never in the Django admin: enrolling a patient in a group
and ending it (from the chart and from the group's page)."""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import GroupEnrollment, TherapyGroup
from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def morning_group(program, clinician):
    group = TherapyGroup.objects.create(
        name="Morning group",
        program=program,
        kind="process",
        schedule_days=[0, 2, 4],
        start_time=time(9),
        duration_minutes=180,
        capacity=8,
    )
    group.facilitators.set([clinician])
    return group


def test_enrol_from_the_chart_and_end_from_the_group_page(
    page, live_server, admit, clinician, password, morning_group
):
    episode = admit(clinician=clinician, last_name="Adams")
    today = timezone.localdate()
    sign_in(page, live_server, "clinician", password)

    page.goto(f"{live_server.url}/patients/{episode.patient_id}/sessions/")
    page.get_by_role("link", name="Groups: enrol or end").click()
    form = page.get_by_test_id("enrol-form")
    form.get_by_label("Group").select_option(
        label="Morning group — Mon, Wed, Fri 09:00, 180 min (8 of 8 places free)"
    )
    form.get_by_label("From").fill((today - timedelta(days=30)).isoformat())
    form.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("The start date is before the admission")).to_be_visible()
    form.get_by_label("From").fill(today.isoformat())
    form.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("enrolled in Morning group")).to_be_visible()
    expect(page.get_by_test_id("enrolment")).to_contain_text("Morning group")

    page.goto(f"{live_server.url}/groups/{morning_group.pk}/")
    row = page.get_by_test_id("enrolment").filter(has_text="Adams")
    expect(row).to_be_visible()
    row.get_by_label("Last day in the group").fill((today + timedelta(days=14)).isoformat())
    row.get_by_role("button", name="End the enrolment").click()
    expect(page.get_by_text("enrolment ends")).to_be_visible()
    assert GroupEnrollment.objects.get(episode=episode).end_date == today + timedelta(days=14)


def test_enrol_from_the_group_page(page, live_server, admit, clinician, password, morning_group):
    episode = admit(clinician=clinician, last_name="Baker")
    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}/groups/{morning_group.pk}/")
    form = page.get_by_test_id("enrol-form")
    form.get_by_label("Patient").select_option(label=f"Pat1 Baker (MRN {episode.patient.mrn})")
    form.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("Pat1 Baker enrolled from")).to_be_visible()
    expect(page.get_by_test_id("enrolment").filter(has_text="Baker")).to_be_visible()


def test_change_the_level_of_care_and_record_a_step_down(
    page, live_server, admit, clinician, password
):
    episode = admit(clinician=clinician, last_name="Cruz")
    today = timezone.localdate()
    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}/patients/{episode.patient_id}/sessions/")
    page.get_by_role("link", name="Level of care and step-downs").click()

    steps = page.get_by_test_id("step-form")
    steps.get_by_label("First day").fill(today.isoformat())
    steps.get_by_label("Last day").fill((today + timedelta(days=20)).isoformat())
    steps.get_by_label("Why the hours are planned below the minimum").fill("Family visit.")
    steps.get_by_role("button", name="Record the step-down").click()
    expect(page.get_by_text("A planned step-down lasts one to two weeks")).to_be_visible()
    expect(steps.get_by_label("Why the hours are planned below the minimum")).to_have_value(
        "Family visit."
    )
    steps.get_by_label("Last day").fill((today + timedelta(days=6)).isoformat())
    steps.get_by_role("button", name="Record the step-down").click()
    expect(page.get_by_text("Planned step-down recorded")).to_be_visible()
    expect(page.get_by_test_id("step-downs")).to_contain_text("Family visit.")

    level = page.get_by_test_id("level-form")
    level.get_by_label("New level of care").select_option("PHP")
    level.get_by_label("Clinical reason").fill("Needs more structure after a relapse.")
    level.get_by_role("button", name="Change the level of care").click()
    expect(page.get_by_text("Level of care changed: IOP → PHP")).to_be_visible()
    expect(page.get_by_test_id("current-level")).to_have_text("PHP (partial hospitalization)")


def test_edit_demographics_and_contacts_from_the_chart(
    page, live_server, admit, clinician, intake, password
):
    from patients import services as patient_services
    from patients.models import Patient

    episode = admit(clinician=clinician, last_name="Diaz")
    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}/patients/{episode.patient_id}/")
    page.get_by_role("link", name="Edit details").click()
    form = page.get_by_test_id("details-form")
    form.get_by_label("Preferred name").fill("Dani")
    form.get_by_label("Pronouns").fill("they/them")
    form.get_by_label("Phone", exact=True).fill("12")
    form.get_by_role("button", name="Save the details").click()
    expect(page.get_by_text("Enter a phone number of 7 to 15 digits")).to_be_visible()
    expect(form.get_by_label("Pronouns")).to_have_value("they/them")

    # Meanwhile the intake coordinator changes the insurance.
    patient_services.patient_update(
        patient=Patient.objects.get(pk=episode.patient_id),
        user=intake,
        data={"insurance_member_id": "NEW-77"},
    )
    form.get_by_label("Phone", exact=True).fill("555-0142")
    form.get_by_role("button", name="Save the details").click()
    expect(page.get_by_text("after you opened them")).to_be_visible()
    expect(page.get_by_test_id("their-values")).to_contain_text("NEW-77")
    expect(form.get_by_label("Preferred name")).to_have_value("Dani")
    form.get_by_label("Insurance member id").fill("NEW-77")
    form.get_by_role("button", name="Save the details").click()
    expect(page.get_by_text("Details saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Dani Diaz")).to_be_visible()
    saved = Patient.objects.get(pk=episode.patient_id)
    assert (saved.pronouns, saved.phone, saved.insurance_member_id) == (
        "they/them",
        "555-0142",
        "NEW-77",
    )
