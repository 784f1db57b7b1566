"""From an authorization alert (80 % used) on Today to the utilization-review packet: the
clinician opens the alert, prepares the packet with a justification under the SUD patient's
Part 2 consent naming the payer, and downloads it: a PDF carrying the redisclosure notice."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from billing.models import Authorization, Coverage, Payer
from patients import services as patient_services
from patients.models import Alert
from patients.services.measures import alert_raise
from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PAYER = "Blue Harbor Health"
JUSTIFICATION = (
    "Cravings most days and a lapse last week; two more weeks of IOP before stepping down."
)


def test_from_the_authorization_alert_to_the_ur_packet(
    page, live_server, admit, clinician, intake, sud_program, password
):
    episode = admit(clinician=clinician, is_sud=True, program_=sud_program, last_name="Ortiz")
    today = date.today()
    payer = Payer.objects.create(name=PAYER)
    coverage = Coverage.objects.create(
        episode=episode, payer=payer, member_id="BH-1", effective_from=today - timedelta(days=30)
    )
    authorization = Authorization.objects.create(
        episode=episode,
        coverage=coverage,
        service_codes="S9480",
        number_authorized=20,
        first_date=today - timedelta(days=20),
        last_date=today + timedelta(days=10),
        reference_number="AUTH-2041",
        status=Authorization.Status.APPROVED,
    )
    patient_services.consent_record(
        patient=episode.patient,
        user=intake,
        data={
            "kind": "part2",
            "recipient": PAYER,
            "purpose": "Utilization review",
            "purposes": ["payment"],
            "covers": ["plan", "measures", "attendance"],
            "scope": "Plan, attendance, measures and risk for utilization review",
            "expires_on": today + timedelta(days=180),
            "signed_by_name": episode.patient.legal_name,
        },
    )
    alert_raise(
        patient=episode.patient,
        episode=episode,
        kind=Alert.Kind.AUTH_LOW,
        title="Authorization 80 % used: 16 of 20 days",
        priority=Alert.Priority.HIGH,
        source=authorization,
        action_url=reverse("billing:reviews", args=[episode.patient_id, authorization.pk]),
    )

    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}/")
    row = page.get_by_test_id("alert").filter(has_text="Authorization 80 % used")
    row.get_by_role("link", name="Open").click()
    expect(page.get_by_test_id("authorized")).to_contain_text("20 per-diem days")

    page.get_by_test_id("prepare-ur-packet").click()
    form = page.get_by_test_id("ur-packet-form")
    form.get_by_label("Justification for continued stay").fill(JUSTIFICATION)
    expect(form.get_by_label("Consent it is released under")).to_contain_text(PAYER)
    form.get_by_role("button", name="Release the packet to the payer").click()
    expect(page.get_by_text(f"UR packet released to {PAYER}")).to_be_visible()
    expect(page.get_by_test_id("ur-packet")).to_have_count(1)

    with page.expect_download() as download:
        page.get_by_test_id("ur-packet-download").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)
    assert "Utilization review packet" in text and f"Released to: {PAYER}" in text
    assert "42 CFR Part 2 redisclosure notice" in text and "two more weeks of IOP" in text
