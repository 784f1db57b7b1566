"""What a row of the alert and consent lists shows: the same as the record's own page of the
API (the lists read their rows as plain values, the detail as a model instance)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Alert, Consent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def listed_and_detail(api_client, user, name, pk):
    api_client.force_authenticate(user)
    rows = api_client.get(reverse(f"{name}-list")).json()["results"]
    detail = api_client.get(reverse(f"{name}-detail", args=[pk])).json()
    return next(row for row in rows if row["id"] == pk), detail


def test_a_revoked_consent_is_listed_as_revoked_by_who_revoked_it(api_client, clinician, patient):
    revoker = UserFactory(username="lee", first_name="Lee", last_name="Park")
    revoker.credentials = "LCSW"
    revoker.save()
    consent = Consent.objects.create(
        patient=patient,
        kind="release",
        signed_by_name="P",
        recorded_by=clinician,
        revoked_at=timezone.now(),
        revoked_by=revoker,
        purposes=["treatment"],
        covers=["plan", "notes"],
    )

    row, detail = listed_and_detail(api_client, clinician, "consent", consent.pk)

    assert (row["state"], row["revoked_by"], row["recorded_by"]) == (
        "revoked",
        {"id": revoker.pk, "display_name": "Lee Park, LCSW"},
        {"id": clinician.pk, "display_name": "Casey Morgan"},
    )
    assert row == detail


def test_a_consent_past_its_end_is_listed_as_expired(api_client, clinician, patient):
    yesterday = timezone.localdate() - timedelta(days=1)
    consent = Consent.objects.create(
        patient=patient, kind="treatment", signed_by_name="P", expires_on=yesterday
    )

    row, detail = listed_and_detail(api_client, clinician, "consent", consent.pk)

    assert (row["state"], row["recorded_by"], row["revoked_by"]) == ("expired", None, None)
    assert row == detail


def test_a_closed_alert_is_listed_with_who_it_was_for_and_who_closed_it(
    api_client, clinician, patient
):
    closer = UserFactory(username="closer", first_name="", last_name="")
    alert = Alert.objects.create(
        patient=patient,
        kind="risk",
        title="PHQ-9 item 9",
        assigned_to=clinician,
        status="closed",
        closed_by=closer,
        closed_at=timezone.now(),
        action_taken="Called",
    )

    row, detail = listed_and_detail(api_client, clinician, "alert", alert.pk)

    assert (row["assigned_to"], row["closed_by"]) == (
        {"id": clinician.pk, "display_name": "Casey Morgan"},
        {"id": closer.pk, "display_name": "closer"},
    )
    assert row == detail


def test_the_alert_list_still_filters_by_status(api_client, clinician, patient):
    open_alert = Alert.objects.create(patient=patient, kind="risk", title="open")
    Alert.objects.create(patient=patient, kind="risk", title="done", status="closed")
    api_client.force_authenticate(clinician)

    rows = api_client.get(reverse("alert-list"), {"status": "open"}).json()["results"]

    assert [row["id"] for row in rows] == [open_alert.pk]
