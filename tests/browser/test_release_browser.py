"""A clinician releases an SUD patient's plan and attendance to a clinic from the chart, under
the patient's Part 2 consent, downloads the packet, and sees the accounting line."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from patients import services as patient_services
from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_release_from_the_chart_to_the_packet_and_its_accounting_line(
    page, live_server, admit, clinician, intake, sud_program, password
):
    episode = admit(clinician=clinician, is_sud=True, program_=sud_program, last_name="Vale")
    patient_services.consent_record(
        patient=episode.patient,
        user=intake,
        data={
            "kind": "part2",
            "recipient": "Riverside Primary Care",
            "purpose": "Continuing care",
            "purposes": ["treatment"],
            "covers": ["plan", "attendance"],
            "scope": "Treatment plan and attendance",
            "expires_on": date.today() + timedelta(days=180),
            "signed_by_name": episode.patient.legal_name,
        },
    )
    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}/patients/{episode.patient_id}/")
    page.get_by_role("navigation", name="Chart sections").get_by_role(
        "link", name="Disclosures"
    ).click()
    expect(page.get_by_text("No disclosures in the past 3 years.")).to_be_visible()

    page.get_by_role("link", name="Release records…").click()
    form = page.get_by_test_id("release-form")
    form.get_by_label("Recipient's name").fill("Riverside Primary Care")
    form.get_by_label("Address").fill("1 Main St, Springfield")
    form.get_by_role("combobox", name="Purpose*").select_option("treatment")
    form.get_by_label("Treatment plan").check()
    form.get_by_label("Attendance summary").check()
    form.get_by_label("Consent that covers it").select_option(index=1)
    form.get_by_role("button", name="Release and build the packet").click()

    expect(page.get_by_text("Released to Riverside Primary Care")).to_be_visible()
    line = page.get_by_test_id("disclosure")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("Treatment plan, Attendance summary")
    expect(line).to_contain_text("Continuing treatment")
    expect(line).to_contain_text("42 CFR Part 2 disclosure signed")
    expect(line).to_contain_text("Casey Morgan")

    with page.expect_download() as download:
        line.get_by_role("link", name="Packet").click()
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(download.value.path()).pages
    )
    assert "42 CFR part 2" in text and "Treatment plan and attendance" in text
    assert "Released to: Riverside Primary Care" in text
