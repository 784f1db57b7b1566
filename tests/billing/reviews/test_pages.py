"""The reviews pages, per role: billing staff, supervisors and the care team read and record
reviews; only the care team and supervisors prepare and download the UR packet (a biller
sees that one was sent, never its content)."""

from datetime import date

import pytest
from django.urls import reverse

from billing.review_models import UtilizationReview
from billing.services.ur_packets import ur_packet_prepare
from iop.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
JUSTIFICATION = "Still needs IOP: daily cravings and two lapses since the last review."


def urls(authorization):
    args = [authorization.episode.patient_id, authorization.pk]
    return {
        "list": reverse("billing:reviews", args=args),
        "new": reverse("billing:review-new", args=args),
        "packet": reverse("billing:ur-packet", args=args),
    }


def form(**overrides):
    data = {
        "review_date": "2026-11-02",
        "kind": "concurrent",
        "reviewer_name": "Dana Reyes",
        "reviewer_phone": "555-0102",
        "outcome": "approved",
        "granted": "10",
        "new_last_date": "2026-12-13",
        "next_review_date": "2026-11-30",
        "notes": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("who", "status"),
    [("biller", 200), ("clinician", 200), ("supervisor", 200), ("clinician2", 404)],
)
def test_who_reads_the_reviews_page(client, request, sud_authorization, supervisor, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.get(urls(sud_authorization)["list"])
    assert response.status_code == status
    if status == 200:
        assert "AUTH-778" in response.content.decode()
        assert AuditEvent.objects.filter(
            action="view", patient_id=sud_authorization.episode.patient_id
        ).exists()


def test_a_review_recorded_on_the_page_extends_the_authorization(client, authorization, biller):
    client.force_login(biller)
    response = client.post(urls(authorization)["new"], form(), follow=True)
    assert "now holds 30 per-diem days to 13 Dec 2026" in response.content.decode()
    authorization.refresh_from_db()
    assert (authorization.number_authorized, authorization.last_date) == (30, date(2026, 12, 13))


def test_a_refused_review_keeps_what_was_typed(client, authorization, clinician):
    client.force_login(clinician)
    response = client.post(
        urls(authorization)["new"],
        form(outcome="denied", reviewer_name="Dana Reyes-Typed", new_last_date=""),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A denied review grants nothing: enter 0." in page
    assert "Dana Reyes-Typed" in page
    assert not UtilizationReview.objects.exists()


@pytest.mark.parametrize("who", ["clinician2", "intake"])
def test_others_may_not_record_a_review_on_the_page(client, request, authorization, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(urls(authorization)["new"], form())
    assert response.status_code in (403, 404)
    assert not UtilizationReview.objects.exists()


def test_without_a_part2_consent_the_packet_page_says_why_and_releases_nothing(
    client, sud_authorization, clinician
):
    client.force_login(clinician)
    page = client.get(urls(sud_authorization)["packet"]).content.decode()
    assert "No consent in force names Blue Harbor Health" in page
    response = client.post(urls(sud_authorization)["packet"], {"justification": JUSTIFICATION})
    page = response.content.decode()
    assert "No consent chosen: releasing SUD records needs a 42 CFR Part 2" in page
    assert JUSTIFICATION in page  # kept


def test_the_clinician_prepares_and_downloads_the_packet(
    client, sud_authorization, clinician, payer_consent
):
    consent = payer_consent(sud_authorization.episode)
    client.force_login(clinician)
    response = client.post(
        urls(sud_authorization)["packet"],
        {"justification": JUSTIFICATION, "consent": consent.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "UR packet released to Blue Harbor Health" in page
    assert 'data-testid="ur-packet-download"' in page
    disclosure = sud_authorization.ur_packets.get().disclosure
    pdf = client.get(reverse("disclosures:packet", args=[disclosure.patient_id, disclosure.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_biller_sees_a_packet_was_sent_but_not_its_content(
    client, sud_authorization, clinician, biller, payer_consent
):
    consent = payer_consent(sud_authorization.episode)
    packet = ur_packet_prepare(
        authorization=sud_authorization,
        user=clinician,
        justification=JUSTIFICATION,
        consent=consent,
    )
    client.force_login(biller)
    page = client.get(urls(sud_authorization)["list"]).content.decode()
    assert 'data-testid="ur-packet"' in page and "Blue Harbor Health" in page
    assert "ur-packet-download" not in page and JUSTIFICATION not in page
    assert "prepare-ur-packet" not in page
    assert client.get(urls(sud_authorization)["packet"]).status_code == 403
    download = reverse("disclosures:packet", args=[packet.disclosure.patient_id, packet.pk])
    assert client.get(download).status_code == 404
