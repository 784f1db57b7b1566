"""Every refusal is on the audit trail, pages and API alike, with the patient asked for when the
address (or the page) names one: 404s of records one may not open, 403s of pages and actions a
role may not use, DRF's permission refusals. One event per refusal, PHI-free."""

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent
from iop.validation import LARGEST_ID
from tests.factories import TherapySessionFactory


def denials():
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).order_by("id"))


def only_denial():
    [event] = denials()
    assert event.outcome == AuditEvent.Outcome.DENIED
    return event


# --- pages --------------------------------------------------------------------------------


def test_a_chart_off_ones_care_team_is_recorded_with_its_patient(client, clinician2, patient):
    client.force_login(clinician2)
    response = client.get(reverse("patients:chart", args=[patient.pk]), REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 404
    event = only_denial()
    assert (event.user, event.patient_id, event.object_type, event.object_id) == (
        clinician2,
        patient.pk,
        "patients.patient",
        str(patient.pk),
    )
    assert (event.detail, event.ip) == ("HTTP 404", "10.1.1.1")
    assert patient.legal_last_name not in event.detail


@pytest.mark.parametrize("name", ["sessions:chart", "plans:patient-plan", "patients:alerts"])
def test_every_tab_of_a_refused_chart_names_the_patient(client, clinician2, patient, name):
    client.force_login(clinician2)
    assert client.get(reverse(name, args=[patient.pk])).status_code == 404
    assert only_denial().patient_id == patient.pk


def test_a_plan_refused_by_its_own_address_names_its_patient(
    client, clinician2, episode, make_plan
):
    plan = make_plan(episode)
    client.force_login(clinician2)
    assert client.get(reverse("plans:plan", args=[plan.pk])).status_code == 404
    assert only_denial().patient_id == episode.patient_id


def test_an_id_of_no_patient_is_recorded_without_a_patient(client, clinician):
    client.force_login(clinician)
    for pk in (987654, LARGEST_ID):
        assert client.get(reverse("patients:chart", args=[pk])).status_code == 404
    assert [(e.object_id, e.patient_id) for e in denials()] == [
        ("987654", None),
        (str(LARGEST_ID), None),
    ]


def test_a_role_refused_a_page_is_recorded(client, intake):
    client.force_login(intake)
    assert client.get(reverse("patients:caseload")).status_code == 403
    event = only_denial()
    assert (event.user, event.detail, event.path) == (intake, "HTTP 403", "/patients/")


@pytest.mark.parametrize("name", ["sessions:groups", "sessions:cosign-queue"])
def test_a_refusal_by_a_page_with_no_audit_mixin_is_recorded(client, intake, clinician, name):
    client.force_login(clinician if name == "sessions:cosign-queue" else intake)
    assert client.get(reverse(name)).status_code == 403
    assert only_denial().detail == "HTTP 403"


def test_a_refused_session_page_names_its_patient(client, clinician, clinician2, episode):
    session = TherapySessionFactory(
        group=None,
        kind="individual",
        episode=episode,
        patient=episode.patient,
        duration_minutes=50,
        location="Room 1",
        delivery="in_person",
        clinicians=[clinician],
    )
    client.force_login(clinician2)
    assert client.get(reverse("sessions:session", args=[session.pk])).status_code == 404
    event = only_denial()
    assert (event.object_type, event.object_id, event.patient_id) == (
        "therapy_sessions.therapysession",
        str(session.pk),
        episode.patient_id,
    )


def test_an_unknown_address_is_not_a_refusal(client, clinician):
    client.force_login(clinician)
    assert client.get("/no/such/page/").status_code == 404
    assert denials() == []


# --- the API ------------------------------------------------------------------------------


def test_an_api_read_of_a_patient_off_the_care_team_names_the_patient(
    api_client, clinician2, patient
):
    api_client.force_authenticate(clinician2)
    assert api_client.get(reverse("patient-detail", args=[patient.pk])).status_code == 404
    event = only_denial()
    assert (event.user, event.patient_id, event.object_id, event.detail) == (
        clinician2,
        patient.pk,
        str(patient.pk),
        "HTTP 404",
    )


def test_an_api_read_of_an_episode_off_the_care_team_names_its_patient(
    api_client, clinician2, episode
):
    api_client.force_authenticate(clinician2)
    assert api_client.get(reverse("episode-detail", args=[episode.pk])).status_code == 404
    event = only_denial()
    assert (event.object_type, event.patient_id) == ("patients.episode", episode.patient_id)


def test_an_action_refused_to_a_role_is_recorded_with_the_patient(api_client, intake, episode):
    api_client.force_authenticate(intake)
    url = reverse("episode-level-of-care", args=[episode.pk])
    response = api_client.post(url, {"level_of_care": "php", "reason": "x"}, format="json")
    assert response.status_code == 403
    event = only_denial()
    assert (event.user, event.patient_id, event.detail) == (intake, episode.patient_id, "HTTP 403")


def test_a_role_refused_an_endpoint_is_recorded(api_client, intake):
    api_client.force_authenticate(intake)
    assert api_client.get(reverse("alert-list")).status_code == 403
    event = only_denial()
    assert (event.user, event.object_type, event.patient_id) == (intake, "patients.alert", None)


def test_an_anonymous_api_call_is_recorded(api_client, patient):
    assert api_client.get(reverse("patient-detail", args=[patient.pk])).status_code == 401
    event = only_denial()
    assert (event.user, event.patient_id, event.detail) == (None, patient.pk, "HTTP 401")


def test_an_anonymous_client_cannot_grow_the_trail_without_bound(api_client, patient):
    """Refusing a client that has not signed in costs it nothing: its refusals are recorded
    at most once per address a minute."""
    import time_machine
    from django.utils import timezone

    url = reverse("patient-detail", args=[patient.pk])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(25):
            assert api_client.get(url, REMOTE_ADDR="10.7.7.7").status_code == 401
        assert len(denials()) == 1
        api_client.get(url, REMOTE_ADDR="10.7.7.8")
        assert len(denials()) == 2
        traveller.shift(61)
        api_client.get(url, REMOTE_ADDR="10.7.7.7")
        assert len(denials()) == 3


def test_a_junk_api_id_is_recorded_without_a_patient(api_client, clinician):
    api_client.force_authenticate(clinician)
    for junk in ("abc", "99999999999999999999999", "-1"):
        assert api_client.get(f"/api/v1/patients/{junk}/").status_code == 404
    assert [e.patient_id for e in denials()] == [None, None, None]
