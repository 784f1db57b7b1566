"""The screens API: the services' rules, strict JSON, 400 with field errors, 409 on a closed
screen, per-role access."""

import pytest

from patients.models import Alert
from screens.models import ScreenDraw, ScreenOrder
from tests.screens.conftest import negatives

pytestmark = pytest.mark.django_db
LIST = "/api/v1/screens/"


@pytest.mark.parametrize(
    ("who", "status", "count"),
    [
        ("clinician", 200, 1),
        ("supervisor", 200, 1),
        ("clinician2", 200, 0),
        ("intake", 403, None),
        ("admin", 403, None),
    ],
)
def test_who_reads_the_screens(api_client, role_users, collected, who, status, count):
    api_client.force_authenticate(role_users[who])
    response = api_client.get(LIST)
    assert response.status_code == status
    if count is not None:
        assert len(response.json()["results"]) == count


def test_order_collect_and_result_through_the_api(api_client, clinician, patient, bup):
    api_client.force_authenticate(clinician)
    response = api_client.post(
        LIST, {"patient": patient.pk, "due_date": "2026-11-02", "observed": True}, format="json"
    )
    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["status"] == "ordered" and "BUP" in order["panel"]
    url = f"{LIST}{order['id']}/"
    response = api_client.post(
        f"{url}collect/",
        {"collected_at": "2026-11-02T07:45:00-05:00", "observed": True, "temperature_c": "33.5"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["temperature_in_range"] is True
    values = negatives(ScreenOrder.objects.get(), BUP="positive", FYL="positive")
    response = api_client.post(f"{url}results/", {"results": values}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    readings = {r["analyte"]: r["reading"] for r in body["results"]}
    assert readings["BUP"] == "expected" and readings["FYL"] == "unexpected"
    assert body["billing_code"] == "80305"
    assert Alert.objects.filter(kind=Alert.Kind.UNEXPECTED_SCREEN).count() == 1
    again = api_client.post(f"{url}results/", {"results": values}, format="json")
    assert again.status_code == 409


def test_bad_input_is_a_400_with_field_errors(api_client, clinician, collected):
    api_client.force_authenticate(clinician)
    url = f"{LIST}{collected.pk}/results/"
    response = api_client.post(url, {"results": {"BUP": "maybe"}}, format="json")
    assert response.status_code == 400 and "results" in response.json()
    response = api_client.post(url, {"results": {"BUP": "positive"}}, format="json")
    assert response.status_code == 400 and "COC" in response.json()
    response = api_client.post(
        LIST, {"patient": collected.patient_id, "due_date": 20261102}, format="json"
    )
    assert response.status_code == 400 and "due_date" in response.json()
    response = api_client.post(
        f"{LIST}{collected.pk}/close/", {"status": "refused", "note": "x\x00"}, format="json"
    )
    assert response.status_code == 400


def test_schedule_draws_with_a_recorded_seed(api_client, clinician, patient):
    api_client.force_authenticate(clinician)
    response = api_client.post(
        f"{LIST}schedule/",
        {"patient": patient.pk, "first_day": "2026-11-02", "last_day": "2026-11-15"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    draw = ScreenDraw.objects.get()
    assert sorted(o["due_date"] for o in response.json()) == sorted(draw.days)
    assert response.json()[0]["draw"]["seed"] == draw.seed


def test_intake_and_others_cannot_write(api_client, intake, clinician2, patient):
    for user, status in ((intake, 403), (clinician2, 400)):
        api_client.force_authenticate(user)
        response = api_client.post(
            LIST, {"patient": patient.pk, "due_date": "2026-11-02"}, format="json"
        )
        assert response.status_code == status
    assert not ScreenOrder.objects.exists()


def test_an_integration_never_reads_a_sud_patients_screens(api_client, collected):
    from iop.accounts.roles import Role
    from tests.factories import UserFactory

    feed = UserFactory(username="feed", role=Role.DIRECTOR, is_external_integration=True)
    api_client.force_authenticate(feed)
    assert api_client.get(LIST).json()["results"] == []
    assert api_client.get(f"{LIST}{collected.pk}/").status_code == 403
    response = api_client.post(
        LIST, {"patient": collected.patient_id, "due_date": "2026-11-03"}, format="json"
    )
    assert response.status_code == 403
