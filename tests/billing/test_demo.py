import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from billing.burndown import burndowns
from billing.models import Authorization, Coverage
from iop.accounts.models import User
from patients.models import Alert, Episode

pytestmark = pytest.mark.django_db


def test_the_demo_has_coverage_and_an_authorization_running_low(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    assert Coverage.objects.count() == Episode.objects.open().count()
    approved = Authorization.objects.approved().select_related("episode__program")
    low = [burn for burn in burndowns(approved).values() if burn.low]
    assert len(low) == 1
    patient = low[0].authorization.episode.patient
    assert Alert.objects.filter(kind=Alert.Kind.AUTH_LOW, patient=patient).exists()
    client.force_login(User.objects.get(username="biller"))
    page = client.get(reverse("billing:chart", args=[patient.pk])).text
    assert "Demo Health Plan" in page and "%" in page
    assert patient.legal_last_name in client.get(reverse("billing:worklist")).text


def test_the_demo_has_a_month_of_claim_lines_some_exported_some_held(client, settings):
    from billing.claim_models import ClaimExport, ClaimLine

    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    statuses = set(ClaimLine.objects.values_list("status", flat=True))
    assert {"issued", "exported", "held"} <= statuses
    assert ClaimExport.objects.count() == 1
    held = ClaimLine.objects.filter(status="held").first()
    assert held.held_reasons  # says why
    # One patient has lines over the whole month (the superbill of a month has content).
    patient = ClaimLine.objects.filter(status__in=["issued", "exported"]).first().patient
    days = ClaimLine.objects.filter(patient=patient).values("service_date").distinct().count()
    assert days >= 6
    client.force_login(User.objects.get(username="biller"))
    page = client.get(reverse("claims:lines")).text
    assert patient.legal_last_name in page
