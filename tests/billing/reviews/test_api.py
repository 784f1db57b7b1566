"""The utilization reviews API: recording a review extends the authorization (400 with field
errors when refused), reads are scoped and audited, and a biller reads packets' metadata
without the clinician's justification."""

import pytest
from django.urls import reverse

from billing.review_models import UtilizationReview
from billing.services.ur_packets import ur_packet_prepare
from iop.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
REVIEWS, PACKETS = reverse("utilization-review-list"), reverse("ur-packet-list")
JUSTIFICATION = "Cravings daily, two lapses since admission: two more weeks of IOP are needed."


def body(authorization, **overrides):
    data = {
        "authorization": authorization.pk,
        "review_date": "2026-11-02",
        "kind": "concurrent",
        "reviewer_name": "Dana Reyes",
        "reviewer_phone": "555-0102",
        "outcome": "approved",
        "granted": 10,
        "new_last_date": "2026-12-13",
        "next_review_date": "2026-11-30",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_a_biller_records_an_approval_and_the_authorization_grows(
    api_client, authorization, biller
):
    api_client.force_authenticate(biller)
    response = api_client.post(REVIEWS, body(authorization), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["previous_number"] == 20
    authorization.refresh_from_db()
    assert authorization.number_authorized == 30
    listed = api_client.get(REVIEWS, {"authorization": authorization.pk}).json()
    assert [r["outcome"] for r in listed["results"]] == ["approved"]
    assert AuditEvent.objects.filter(
        action="view", patient_id=authorization.episode.patient_id
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"outcome": "denied"}, "granted"),
        ({"granted": -3}, "granted"),
        ({"review_date": "2030-01-01"}, "review_date"),
        ({"reviewer_name": ""}, "reviewer_name"),
        ({"granted": "10"}, "granted"),  # a string is not a JSON integer
        ({"granted": 100000}, "granted"),
        ({"review_date": "0001-01-01"}, "review_date"),
        ({"new_last_date": "9999-12-31"}, "new_last_date"),
        ({"next_review_date": "0001-01-01"}, "next_review_date"),
        ({"notes": "a\u0007b"}, "notes"),  # a control character (a NUL: the middleware's 400)
    ],
)
def test_a_refused_review_is_a_400_naming_the_field(
    api_client, authorization, clinician, overrides, field
):
    api_client.force_authenticate(clinician)
    response = api_client.post(REVIEWS, body(authorization, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not UtilizationReview.objects.exists()


def test_an_authorization_off_the_caseload_does_not_exist_for_the_caller(
    api_client, authorization, clinician2
):
    api_client.force_authenticate(clinician2)
    response = api_client.post(REVIEWS, body(authorization), format="json")
    assert response.status_code == 400 and "authorization" in response.json()


@pytest.mark.parametrize(("who", "status"), [("intake", 403), ("admin_user_role", 403)])
def test_other_roles_are_refused(api_client, request, authorization, who, status):
    api_client.force_authenticate(request.getfixturevalue(who))
    assert api_client.get(REVIEWS).status_code == status
    assert api_client.post(REVIEWS, body(authorization), format="json").status_code == status


def test_packet_metadata_hides_the_justification_from_a_biller(
    api_client, sud_authorization, clinician, biller, payer_consent
):
    ur_packet_prepare(
        authorization=sud_authorization,
        user=clinician,
        justification=JUSTIFICATION,
        consent=payer_consent(sud_authorization.episode),
    )
    api_client.force_authenticate(biller)
    [row] = api_client.get(PACKETS).json()["results"]
    assert row["recipient"] == "Blue Harbor Health" and row["is_part2"] is True
    assert row["justification"] is None
    api_client.force_authenticate(clinician)
    [row] = api_client.get(PACKETS).json()["results"]
    assert row["justification"] == JUSTIFICATION
    assert api_client.post(PACKETS, {}, format="json").status_code == 405
