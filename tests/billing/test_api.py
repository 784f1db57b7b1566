"""The billing API: per-role access, the services' rules as 400 field errors, strict JSON,
the burn-down in an authorization's answer, payers kept by admins."""

import pytest

from billing.models import Coverage
from iop.audit.models import AuditEvent
from tests.billing.conftest import MONDAY

pytestmark = pytest.mark.django_db
PAYERS, COVERAGES, AUTHORIZATIONS = (
    "/api/v1/payers/",
    "/api/v1/coverages/",
    "/api/v1/authorizations/",
)


@pytest.fixture
def users(role_users, biller):
    return {**role_users, "biller": biller}


@pytest.mark.parametrize(
    ("who", "status", "count"),
    [
        ("biller", 200, 1),
        ("clinician", 200, 1),
        ("supervisor", 200, 1),
        ("intake", 200, 1),
        ("clinician2", 200, 0),
        ("admin", 403, None),
    ],
)
def test_who_reads_coverage_and_authorizations(api_client, users, authorize, who, status, count):
    authorize()
    api_client.force_authenticate(users[who])
    for url in (COVERAGES, AUTHORIZATIONS):
        response = api_client.get(url)
        assert response.status_code == status
        if count is not None:
            assert len(response.json()["results"]) == count


def test_a_clinician_of_another_caseload_gets_404_for_a_coverage(api_client, clinician2, coverage):
    api_client.force_authenticate(clinician2)
    assert api_client.get(f"{COVERAGES}{coverage.pk}/").status_code == 404


def test_the_authorization_answer_carries_its_burn_down(api_client, biller, authorize, attend):
    authorization = authorize(number_authorized=5, used_before=3)
    attend(MONDAY, 180)
    api_client.force_authenticate(biller)
    body = api_client.get(f"{AUTHORIZATIONS}{authorization.pk}/").json()
    assert body["burn_down"]["used"] == 4
    assert body["burn_down"]["low"] is True
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_id=str(authorization.pk), user=biller
    ).exists()


def test_a_biller_adds_coverage_through_the_api(api_client, biller, episode, payer):
    api_client.force_authenticate(biller)
    response = api_client.post(
        COVERAGES,
        {
            "episode": episode.pk,
            "payer": payer.pk,
            "member_id": "Z9",
            "effective_from": "2026-11-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Coverage.objects.get().member_id == "Z9"


def test_coverage_dates_out_of_order_are_a_400_with_the_field(api_client, biller, episode, payer):
    api_client.force_authenticate(biller)
    response = api_client.post(
        COVERAGES,
        {
            "episode": episode.pk,
            "payer": payer.pk,
            "member_id": "Z9",
            "effective_from": "2026-11-01",
            "effective_to": "2026-10-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["effective_to"] == ["The coverage ends before it starts."]


def test_a_number_as_text_is_a_400(api_client, biller, coverage):
    api_client.force_authenticate(biller)
    response = api_client.post(
        AUTHORIZATIONS,
        {
            "episode": coverage.episode_id,
            "coverage": coverage.pk,
            "service_codes": "S9480",
            "number_authorized": "10",
            "first_date": "2026-11-02",
            "last_date": "2026-11-13",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "number_authorized" in response.json()


def test_bad_codes_and_dates_are_400s_with_each_field(api_client, biller, coverage):
    api_client.force_authenticate(biller)
    response = api_client.post(
        AUTHORIZATIONS,
        {
            "episode": coverage.episode_id,
            "coverage": coverage.pk,
            "service_codes": "not-a-code",
            "number_authorized": 10,
            "first_date": "2026-11-13",
            "last_date": "2026-11-02",
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"service_codes", "last_date"}


def test_a_clinician_may_not_add_an_authorization(api_client, clinician, coverage):
    api_client.force_authenticate(clinician)
    response = api_client.post(
        AUTHORIZATIONS,
        {
            "episode": coverage.episode_id,
            "coverage": coverage.pk,
            "service_codes": "S9480",
            "number_authorized": 10,
            "first_date": "2026-11-02",
            "last_date": "2026-11-13",
        },
        format="json",
    )
    assert response.status_code == 403


def test_an_authorization_is_extended_with_patch(api_client, biller, authorize):
    authorization = authorize()
    api_client.force_authenticate(biller)
    response = api_client.patch(
        f"{AUTHORIZATIONS}{authorization.pk}/",
        {"number_authorized": 15, "last_date": "2026-11-20"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["burn_down"]["authorized"] == 15


def test_admins_keep_the_payers(api_client, admin_user_role, biller):
    api_client.force_authenticate(biller)
    assert api_client.post(PAYERS, {"name": "New Health"}, format="json").status_code == 403
    api_client.force_authenticate(admin_user_role)
    response = api_client.post(PAYERS, {"name": "New Health", "kind": "medicaid"}, format="json")
    assert response.status_code == 201
    again = api_client.post(PAYERS, {"name": "new health"}, format="json")
    assert again.status_code == 400
    assert "name" in again.json()
