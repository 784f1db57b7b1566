"""A week of work done through the app's pages alone, as issue 15's "Done when" asks: the intake
coordinator registers a referral, fills every intake step (a diagnosis found with the ICD-10
lookup), records the consent and leaves the intake ready for admission; the primary clinician
finds it on Today, confirms and admits; the clinician (in training) takes a group's attendance
with "All present", writes and signs the group note; the supervisor co-signs it from Today.
No page, form or fetch ever goes to Django admin or the API."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from patients.models import Episode, Program
from sessions.models import ProgressNote
from tests.browser.test_group_attendance_browser import group_session
from tests.browser.test_intake_browser import sign_in, sign_out

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def watch_for_admin_and_api(page):
    """Every request the page makes (navigations, forms, htmx): the ones to /admin/ or /api/."""
    strays = []

    def check(request):
        path = urlparse(request.url).path
        if path.startswith(("/admin/", "/api/")):
            strays.append(request.url)

    page.on("request", check)
    return strays


def fill_every_step(page):
    """Each intake step in turn, every empty field given an answer, the diagnosis by lookup."""
    for _ in range(12):
        if page.get_by_test_id("admission-needs").count():
            return
        form = page.locator("main form").first
        for area in form.locator("textarea:visible").all():
            if area.get_attribute("id") != "id_diagnoses" and not area.input_value():
                area.fill("Talked it through at the intake appointment.")
        for select in form.locator("select:visible").all():
            if select.get_attribute("name") == "primary_clinician":
                select.select_option(label="Casey Morgan")
            elif not select.input_value():
                select.select_option(index=1)
        if page.locator("#id_diagnoses").count():
            page.get_by_label("Find an ICD-10-CM code (code or words)").fill("F33.1")
            option = page.locator("#icd10-options option").first
            expect(option).to_have_attribute("value", re.compile(r"^F33\.1 "))
            page.get_by_label("Find an ICD-10-CM code (code or words)").fill(
                option.get_attribute("value")
            )
            page.get_by_role("button", name="Add to diagnoses").click()
            expect(page.locator("#id_diagnoses")).to_have_value(re.compile(r"^F33\.1 "))
        heading = page.get_by_role("heading", name=re.compile(r"^Step \d of")).inner_text()
        step, total = map(int, re.match(r"Step (\d+) of (\d+)", heading).groups())
        page.get_by_role("button", name=re.compile(r"^Save and (continue|review)$")).click()
        if step == total:
            expect(page.get_by_test_id("admission-needs")).to_be_visible()
        else:
            expect(page.get_by_role("heading", name=f"Step {step + 1} of {total}:")).to_be_visible()
    raise AssertionError("the intake never reached its review")


def test_a_week_of_work_without_admin_or_the_api(
    page, live_server, program, intake, clinician, supervisor, make_episode, password
):
    strays = watch_for_admin_and_api(page)
    Program.objects.filter(pk=program.pk).update(name="Adult Mental Health IOP")

    # --- the intake coordinator: referral, every step, consent, ready for admission ----------
    sign_in(page, live_server, "intake", password)
    page.get_by_role("link", name="Register a referral").click()
    page.get_by_label("Legal first name").fill("Robin")
    page.get_by_label("Legal last name").fill("Hale")
    page.get_by_label("Date of birth").fill("1985-04-02")
    page.get_by_label("Phone", exact=True).fill("555-0100")
    page.get_by_label("Program").select_option(label="Adult Mental Health IOP")
    page.get_by_label("Referral source").fill("Primary care")
    page.get_by_role("button", name="Save and start intake").click()
    expect(page.get_by_role("heading", name=re.compile("^Step 1 of"))).to_be_visible()
    fill_every_step(page)
    needs = page.get_by_test_id("admission-needs")
    expect(needs).to_contain_text("Record the patient's consent to treatment")
    needs.get_by_role("link", name="Record consent to treatment").click()
    page.get_by_role("button", name="Save consent").click()
    # Back on the review: only the clinician's confirmation is left.
    expect(page.get_by_text("Consent to treatment recorded.")).to_be_visible()
    needs = page.get_by_test_id("admission-needs")
    expect(needs).not_to_contain_text("consent to treatment")
    expect(needs).to_contain_text("A clinician or supervisor must confirm")
    sign_out(page)

    # --- the primary clinician: Today names the intake; confirm and admit ---------------------
    sign_in(page, live_server, "clinician", password)
    page.get_by_test_id("today-confirm").get_by_role(
        "link", name="Review the intake of Robin Hale"
    ).click()
    page.get_by_role("button", name="Confirm diagnoses and level of care").click()
    page.get_by_role("button", name="Complete intake and admit").click()
    expect(page.get_by_test_id("episode-status")).to_have_text("Active")
    robin = Episode.objects.get(patient__legal_last_name="Hale")
    assert robin.primary_clinician == clinician
    assert [d["code"] for d in robin.intake.diagnoses] == ["F33.1"]

    # --- the clinician in training: attendance, the group note, signed ------------------------
    clinician.is_trainee = True
    clinician.save(update_fields=["is_trainee"])
    session = group_session(program, clinician, make_episode, size=2)
    page.get_by_role("link", name="Today").first.click()
    page.get_by_role("link", name=re.compile(r"· Morning group$")).click()
    page.get_by_role("button", name="All 2 present").click()
    expect(page.get_by_test_id("attendance-status").filter(has_text="Present")).to_have_count(2)
    page.get_by_label("Topic").fill("Sleep routines")
    page.get_by_role("button", name="Start the note").click()
    form = page.get_by_test_id("note-form")
    form.get_by_label("Assessment").fill("Both named one change to try this week.")
    form.get_by_label("Plan", exact=True).fill("Keep a sleep diary until the next group.")
    form.get_by_label("About Pat1 Adams").fill("Shared a bedtime routine that worked.")
    form.get_by_label("About Pat2 Baker").fill("Said shift work makes a routine hard.")
    form.get_by_role("button", name="No risk indicated for everyone").click()
    form.get_by_role("button", name="Sign and lock").click()
    expect(page.get_by_text(re.compile("co-signature", re.I)).first).to_be_visible()
    note = ProgressNote.objects.get(session=session)
    assert (note.status, note.signed_by) == ("awaiting_cosign", clinician)
    sign_out(page)

    # --- the supervisor: the co-signature from Today ------------------------------------------
    sign_in(page, live_server, "supervisor", password)
    page.get_by_test_id("cosign-list").get_by_role(
        "link", name=re.compile(r"^Morning group ")
    ).click()
    page.get_by_role("button", name="Co-sign").click()
    expect(page.get_by_text("Note co-signed.")).to_be_visible()
    note.refresh_from_db()
    assert (note.status, note.cosigned_by) == ("signed", supervisor)

    assert strays == [], f"went to admin or the API: {strays}"
