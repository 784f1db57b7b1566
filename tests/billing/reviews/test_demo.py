import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from billing.review_models import UrPacket, UtilizationReview
from disclosures.models import Disclosure

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_ur_packet_and_a_pended_review_on_the_authorization_running_low(
    client, settings
):
    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    packet = UrPacket.objects.select_related("authorization__episode__patient").get()
    authorization = packet.authorization
    review = UtilizationReview.objects.get()
    assert review.authorization == authorization and review.outcome == "pended"
    disclosure = Disclosure.objects.get(pk=packet.disclosure_id)
    assert disclosure.recipient_name == "Demo Health Plan" and disclosure.purpose == "payment"
    clinician = authorization.episode.primary_clinician
    assert clinician.username == "clinician"
    patient = authorization.episode.patient
    client.force_login(clinician)
    page = client.get(reverse("billing:reviews", args=[patient.pk, authorization.pk])).text
    assert "Dana Reyes, RN (care manager)" in page and "Pended" in page
    assert "Demo Health Plan" in page and "ur-packet-download" in page
    pdf = client.get(reverse("disclosures:packet", args=[patient.pk, disclosure.pk]))
    assert pdf.content.startswith(b"%PDF")
    accounting = client.get(reverse("disclosures:accounting", args=[patient.pk])).text
    assert "Utilization review, authorization" in accounting
