"""Referral to admission (consent, the clinician's confirmation) and a PHQ-9 whose item 9 is
1; the clinician acknowledges the alert."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patients.models import Alert, Episode, IntakeAssessment, Program

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def fill_step(page, fields, next_heading=None):
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Save and continue").click()
    if next_heading:  # the next step is swapped in (no page load): wait for it
        expect(page.get_by_role("heading", name=next_heading)).to_be_visible()


# Page loads for a whole intake, from the referral form to the review: the referral form, the
# first step (after registering) and the review. Before the steps moved by htmx: 12.
INTAKE_PAGE_LOADS = 3


def test_intake_to_risk_alert_acknowledged(page, live_server, intake, clinician, password):
    Program.objects.create(name="Adult Mental Health IOP", track="mental_health")
    sign_in(page, live_server, "intake", password)
    # Today's own load event may come after its heading shows (its scripts and styles still
    # loading on a slow machine): counted from here, the loads are the intake's only.
    page.wait_for_load_state("load")
    loads = []
    page.on("load", lambda: loads.append(page.url))

    page.get_by_role("link", name="Register a referral").click()
    page.get_by_label("Legal first name").fill("Robin")
    page.get_by_label("Legal last name").fill("Hale")
    page.get_by_label("Date of birth").fill("1985-04-02")
    page.get_by_label("Phone", exact=True).fill("555-0100")
    page.get_by_label("Program").select_option(label="Adult Mental Health IOP")
    page.get_by_label("Referral source").fill("Primary care")
    page.get_by_role("button", name="Save and start intake").click()

    expect(page.get_by_role("heading", name="Step 1 of 9: Presenting problem")).to_be_visible()
    steps = page.get_by_role("navigation", name="Intake steps")
    expect(steps.get_by_test_id("step-filled")).to_have_count(0)  # nothing is filled yet
    fill_step(
        page,
        {"Presenting problem": "Low mood, not sleeping, off work for a month."},
        "Step 2 of 9",
    )
    for n in (3, 4, 5, 6):  # history, substance use, trauma, family: nothing to add today
        page.get_by_role("button", name="Save and continue").click()
        expect(page.get_by_role("heading", name=f"Step {n} of 9")).to_be_visible()
    # Only the step with answers carries a ✓, and the address follows the steps.
    expect(steps.get_by_test_id("step-filled")).to_have_count(1)
    assert page.url.endswith("/strengths-goals/")
    fill_step(
        page, {"The client's goals, in their own words": "Sleep and get back to work."}, "Step 7"
    )
    page.get_by_label("Risk level").select_option(label="Low")
    fill_step(page, {"Risk assessment": "Passive thoughts of death; no plan or intent."}, "Step 8")
    fill_step(
        page,
        {
            "Diagnoses, one per line (ICD-10 code, then description)": (
                "F32.1 Major depressive disorder, single episode, moderate"
            )
        },
        "Step 9",
    )
    page.get_by_label("Recommended level of care").select_option("IOP")
    page.get_by_label("Level of care rationale").fill("Needs structure; safe at home.")
    page.get_by_label("Primary clinician").select_option(label="Casey Morgan")
    page.get_by_role("button", name="Save and review").click()
    expect(page.get_by_test_id("admission-needs")).to_be_visible()
    page.wait_for_load_state("load")
    assert len(loads) <= INTAKE_PAGE_LOADS, loads
    # Admission needs a consent to treatment and a clinician's confirmation.
    needs = page.get_by_test_id("admission-needs")
    expect(needs).to_contain_text("Record the patient's consent to treatment")
    expect(needs).to_contain_text("A clinician or supervisor must confirm")
    review_url = page.url
    page.get_by_role("link", name="Record consent to treatment").click()
    page.get_by_role("button", name="Save consent").click()
    expect(page.get_by_text("Consent to treatment recorded.")).to_be_visible()
    sign_out(page)

    sign_in(page, live_server, "clinician", password)
    page.goto(review_url)
    page.get_by_role("button", name="Confirm diagnoses and level of care").click()
    expect(page.get_by_text("confirmed by Casey Morgan")).to_be_visible()
    page.get_by_role("button", name="Complete intake and admit").click()
    expect(page.get_by_test_id("episode-status")).to_have_text("Active")

    page.get_by_role("link", name="Measures").click()
    page.get_by_role("link", name="Give PHQ-9").click()
    for item, value in enumerate([1, 2, 1, 1, 0, 1, 0, 0, 1], start=1):
        page.locator(f'fieldset[data-item="item_{item}"]').get_by_label(
            {0: "Not at all", 1: "Several days", 2: "More than half the days"}[value], exact=True
        ).check()
    page.get_by_role("button", name="Save and score").click()
    expect(page.get_by_text("PHQ-9 saved: 7, mild. A risk alert went to")).to_be_visible()
    # Item 9 is a screen: no risk level yet, a C-SSRS is asked for today.
    expect(page.get_by_test_id("risk-badge")).to_have_text("Risk alert open: risk not yet assessed")

    page.goto(f"{live_server.url}/today/")
    alert = page.get_by_test_id("alert").filter(has_text="item 9")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Robin Hale")
    alert.get_by_role("link", name="Acknowledge").click()
    page.get_by_label("What was done").fill("Called Robin; assessed risk; safety plan made.")
    page.get_by_role("button", name="Acknowledge and close").click()
    expect(page.get_by_text("Alert acknowledged and closed.")).to_be_visible()
    expect(page.get_by_text("No open alerts about your patients.")).to_be_visible()

    closed = Alert.objects.get()
    assert (closed.closed_by, closed.action_taken) == (
        clinician,
        "Called Robin; assessed risk; safety plan made.",
    )
    assert closed.closed_at <= timezone.now()
    assert Episode.objects.get().primary_clinician == clinician


def test_an_intake_step_saves_itself_while_typing(
    page, live_server, intake, make_episode, password
):
    episode = make_episode(status="intake")
    sign_in(page, live_server, "intake", password)
    page.goto(f"{live_server.url}/intake/episodes/{episode.pk}/presenting/")
    steps = page.get_by_role("navigation", name="Intake steps")
    expect(steps.get_by_test_id("step-filled")).to_have_count(0)
    page.get_by_label("Presenting problem", exact=True).fill("Panic attacks on the bus.")
    page.keyboard.press("Tab")  # leaving the field saves the draft
    expect(page.get_by_test_id("autosave-status")).to_contain_text("Draft saved")
    expect(steps.get_by_test_id("step-filled")).to_have_count(1)
    page.reload()  # nothing moved on, and the draft is there
    expect(page.get_by_label("Presenting problem", exact=True)).to_have_value(
        "Panic attacks on the bus."
    )
    expect(page.get_by_role("heading", name="Step 1 of 9")).to_be_visible()


def test_a_diagnosis_is_found_in_the_code_list_and_added(
    page, live_server, intake, make_episode, password
):
    episode = make_episode(status="intake")
    sign_in(page, live_server, "intake", password)
    page.goto(f"{live_server.url}/intake/episodes/{episode.pk}/diagnoses/")
    search = page.get_by_label("Find an ICD-10-CM code (code or words)")
    search.press_sequentially("recurrent depressive moderate")
    options = page.locator("#icd10-options option")
    expect(options).to_have_count(1)
    expect(page.locator("#icd10-count")).to_have_text("1 code matches")
    # Picking the suggestion puts its value in the box; Add appends it as a line.
    search.fill(options.first.get_attribute("value"))
    page.get_by_role("button", name="Add to diagnoses").click()
    diagnoses = page.get_by_label("Diagnoses, one per line (ICD-10 code, then description)")
    expect(diagnoses).to_have_value("F33.1 Major depressive disorder, recurrent, moderate")
    expect(page.get_by_test_id("autosave-status")).to_contain_text("Draft saved")
    assert IntakeAssessment.objects.get(episode=episode).diagnoses == [
        {"code": "F33.1", "description": "Major depressive disorder, recurrent, moderate"}
    ]


def test_a_supervisor_finds_and_changes_an_episodes_diagnosis(
    page, live_server, supervisor, episode, password
):
    sign_in(page, live_server, "supervisor", password)
    page.goto(f"{live_server.url}/patients/{episode.patient_id}/")
    page.get_by_role("link", name="Part 2 flag, program or diagnoses…").click()
    search = page.get_by_label("Find an ICD-10-CM code (code or words)")
    search.press_sequentially("F41.1")
    expect(page.locator("#icd10-options option")).to_have_count(1)
    search.fill("F41.1 Generalized anxiety disorder")
    search.press("Enter")  # adds the line, does not submit the form
    diagnoses = page.get_by_label("Diagnoses, one per line (ICD-10 code, then description)")
    expect(diagnoses).to_have_value(
        "F32.1 Major depressive disorder, single, moderate\nF41.1 Generalized anxiety disorder"
    )
    page.locator("#id_dx-reason").fill("Anxiety found at the 30-day review.")
    page.get_by_role("button", name="Save the diagnoses").click()
    expect(page.get_by_test_id("header-diagnoses")).to_contain_text(
        "F41.1 Generalized anxiety disorder"
    )
