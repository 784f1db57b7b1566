"""External integration accounts and 42 CFR Part 2 (iop/api/viewsets.py, patients.part2): an
integration's API reads are disclosures, so no endpoint gives it a SUD patient's records:
lists leave them out, a detail is refused (403, audited), writes are refused (it reads only),
and pages are closed to it. Other patients' data flows as before, and the care team and
supervisors read everything as before."""

import re

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from patients import services as patient_services
from patients.models import Consent
from patients.part2 import REFUSED
from plans import services as plan_services
from plans.models import Objective
from sessions import services as session_services
from tests.factories import UserFactory
from tests.plans.helpers import AFTERCARE

SAFETY = {
    "warning_signs": "Not sleeping",
    "coping_strategies": "Walk the dog",
    "distractions": "Coffee shop",
    "help_contacts": "Sister Ana 555-0101",
    "environment_safety": "Medications kept by Ana",
    "reasons_for_living": "My dog",
}


def list_routes():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        path
        for path, operations in schema["paths"].items()
        if "get" in operations and "{" not in path
    )


def detail_route(list_path):
    return f"{list_path}{{id}}/"


pytestmark = pytest.mark.usefixtures("supervisor_supervises_sud_program")


@pytest.fixture
def integration(db):
    """A reporting feed with the director role: by role it could read every patient."""
    return UserFactory(username="feed", role=Role.DIRECTOR, is_external_integration=True)


@pytest.fixture(params=["supervisor", "care team"])
def any_integration(request, sud_world, group):
    """An integration by the supervisor role, or by a clinician's on the SUD patient's care
    team and running their group."""
    if request.param == "supervisor":
        return request.getfixturevalue("integration")
    feed = UserFactory(username="team-feed", role=Role.CLINICIAN, is_external_integration=True)
    sud_world.care_team.add(feed)
    group.facilitators.add(feed)
    return feed


def chart_of(episode, *, clinician, make_plan):
    """Records of every kind for this episode's patient, made the way the app makes them."""
    patient = episode.patient
    patient_services.measure_record(
        patient=patient, instrument_code="PHQ9", responses=[1] * 9, user=clinician
    )  # item 9 above 0: a risk alert too
    patient_services.risk_assessment_record(
        patient=patient, level="low", rationale="Protective factors strong.", user=clinician
    )
    Consent.objects.create(
        patient=patient, kind="treatment", signed_by_name="Pat", recorded_by=clinician
    )
    plan = plan_services.plan_activate(
        plan=make_plan(episode), user=clinician, patient_ack_name="Pat"
    )
    plan_services.progress_record(
        objective=Objective.objects.get(goal__problem__plan=plan), rating=2, user=clinician
    )
    plan_services.review_open(plan=plan, user=clinician)
    safety = plan_services.safety_plan_start(patient=patient, user=clinician)
    safety = plan_services.safety_plan_update(plan=safety, data=SAFETY, user=clinician)
    plan_services.safety_plan_activate(plan=safety, user=clinician, patient_ack_name="Pat")
    plan_services.aftercare_save(episode=episode, data=AFTERCARE, user=clinician)
    return plan


def group_note_for(episode, *, session, clinician):
    session_services.attendance_mark(
        session=session, episode=episode, status="present", user=clinician
    )
    note = session_services.note_start(session=session, user=clinician)
    session_services.note_save(
        note=note,
        user=clinician,
        shared={"data": "Relapse prevention.", "assessment": "Engaged.", "plan": "Practise."},
        entries={episode.patient_id: {"text": "Named two triggers.", "risk_level": "none"}},
    )
    return session_services.note_sign(note=note, user=clinician)


@pytest.fixture
def sud_world(todays_session, make_episode, sud_program, clinician, make_plan, enroll):
    """Only a SUD patient, with records on every endpoint: a chart, a plan, a group note."""
    sud = make_episode(clinician=clinician, program_=sud_program, is_sud=True)
    chart_of(sud, clinician=clinician, make_plan=make_plan)
    enroll(sud)
    group_note_for(sud, session=todays_session, clinician=clinician)
    return sud


def rows(response):
    data = response.json()
    return data["results"] if isinstance(data, dict) else data


def test_no_endpoint_lists_a_sud_patients_records_to_an_integration(
    api_client, sud_world, supervisor, any_integration
):
    """Every list of the API, found from its schema: the supervisor's shows the SUD patient's
    records, the integration's the same list without them (or the endpoint is closed)."""
    seen_by_supervisor = set()
    for path in list_routes():
        api_client.force_authenticate(supervisor)
        answer = api_client.get(path)
        if answer.status_code == 200 and "results" in answer.json() and rows(answer):
            seen_by_supervisor.add(path)
        api_client.force_authenticate(any_integration)
        refused_or_empty = api_client.get(path)
        if path in seen_by_supervisor:
            assert refused_or_empty.status_code in (200, 403), path
            if refused_or_empty.status_code == 200:
                assert rows(refused_or_empty) == [], path
    names = {re.sub(r"^/api/v1/|/$", "", path) for path in seen_by_supervisor}
    assert names >= {
        "patients",
        "episodes",
        "assessments",
        "measures",
        "consents",
        "alerts",
        "risk-assessments",
        "plans",
        "problems",
        "goals",
        "objectives",
        "interventions",
        "progress",
        "reviews",
        "safety-plans",
        "aftercare-plans",
        "groups",
        "sessions",
        "attendance",
        "notes",
    }


def test_no_endpoint_gives_an_integration_one_of_a_sud_patients_records(
    api_client, sud_world, supervisor, any_integration
):
    schema_paths = set(SchemaGenerator().get_schema(request=None, public=True)["paths"])
    checked = 0
    for path in list_routes():
        if detail_route(path) not in schema_paths:
            continue
        api_client.force_authenticate(supervisor)
        answer = api_client.get(path)
        if answer.status_code != 200 or not rows(answer):
            continue
        url = f"{path}{rows(answer)[0]['id']}/"
        assert api_client.get(url).status_code == 200, url
        api_client.force_authenticate(any_integration)
        refused = api_client.get(url)
        # 404: the integration's role does not reach this record at all (a clinician's
        # session run by others); 403: it would, and Part 2 refuses it.
        assert refused.status_code in (403, 404), url
        if refused.status_code == 403:
            assert refused.json()["detail"] == REFUSED
            checked += 1
    assert checked >= 15


@pytest.fixture
def mixed(make_episode, sud_program, clinician, make_plan):
    """A SUD patient and a mental-health patient, each with a plan and a PHQ-9."""
    sud = make_episode(clinician=clinician, program_=sud_program, is_sud=True)
    other = make_episode(clinician=clinician)
    plans = {}
    for episode in (sud, other):
        plans[episode.patient_id] = plan_services.plan_activate(
            plan=make_plan(episode), user=clinician, patient_ack_name="Pat"
        )
        patient_services.measure_record(
            patient=episode.patient, instrument_code="PHQ9", responses=[0] * 9, user=clinician
        )
    return sud, other, plans


def test_an_integration_reads_other_patients_as_before(api_client, mixed, integration):
    sud, other, plans = mixed
    api_client.force_authenticate(integration)
    patients = rows(api_client.get(reverse("patient-list")))
    assert [p["id"] for p in patients] == [other.patient_id]
    measures = rows(api_client.get(reverse("measure-list")))
    assert [m["patient"] for m in measures] == [other.patient_id]
    plan = api_client.get(reverse("plan-detail", args=[plans[other.patient_id].pk]))
    assert plan.status_code == 200
    assert plan.json()["problems"][0]["description"] == "Low mood most days; not working"
    assert api_client.get(reverse("patient-detail", args=[other.patient_id])).status_code == 200


def test_an_integration_is_refused_a_sud_patient_with_the_reason(api_client, mixed, integration):
    sud, other, plans = mixed
    api_client.force_authenticate(integration)
    refused = api_client.get(reverse("patient-detail", args=[sud.patient_id]))
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "42 CFR Part 2: a SUD record leaves the program only through a release of "
        "information."
    }
    assert api_client.get(reverse("plan-detail", args=[plans[sud.patient_id].pk])).status_code == (
        403
    )


@pytest.mark.parametrize("who", ["clinician", "supervisor"])
def test_the_care_team_and_supervisors_read_sud_patients_over_the_api_as_before(
    api_client, request, mixed, who, supervisor
):
    sud, other, plans = mixed
    api_client.force_authenticate(request.getfixturevalue(who))
    patients = rows(api_client.get(reverse("patient-list")))
    assert {p["id"] for p in patients} == {sud.patient_id, other.patient_id}
    assert api_client.get(reverse("patient-detail", args=[sud.patient_id])).status_code == 200
    plan = api_client.get(reverse("plan-detail", args=[plans[sud.patient_id].pk]))
    assert plan.status_code == 200


def test_a_refusal_and_a_shortened_list_are_on_the_audit_trail(api_client, mixed, integration):
    sud, other, plans = mixed
    api_client.force_authenticate(integration)
    api_client.get(reverse("patient-detail", args=[sud.patient_id]))
    refusal = AuditEvent.objects.get(action="denied", user=integration)
    assert (refusal.patient_id, refusal.outcome) == (sud.patient_id, "denied")
    assert refusal.detail == "HTTP 403 42 CFR Part 2"
    assert not AuditEvent.objects.filter(action="view", user=integration).exists()

    api_client.get(reverse("measure-list"))
    left_out = AuditEvent.objects.filter(action="denied", user=integration).latest("pk")
    assert left_out.object_type == "patients.measureresponse list"
    assert left_out.detail == (
        "42 CFR Part 2: 1 record(s) of SUD patients left out for an external integration"
    )
    assert left_out.patient_id is None  # how many, never whose
    shown = AuditEvent.objects.get(action="view", user=integration)
    assert shown.patient_id == other.patient_id


def test_the_audit_counts_left_out_rows_up_to_a_bound_and_says_so_past_it(
    api_client, mixed, integration, clinician, monkeypatch
):
    """Counting every left-out row would read the whole list on each page: the event counts
    up to PART2_COUNT_LIMIT and past it says "more than" (still never whose)."""
    from iop.api import viewsets

    sud, other, plans = mixed
    for _ in range(2):
        patient_services.measure_record(
            patient=sud.patient, instrument_code="PHQ9", responses=[1] * 9, user=clinician
        )
    api_client.force_authenticate(integration)
    monkeypatch.setattr(viewsets, "PART2_COUNT_LIMIT", 3)
    api_client.get(reverse("measure-list"))
    counted = AuditEvent.objects.filter(action="denied", user=integration).latest("pk")
    assert counted.detail.startswith("42 CFR Part 2: 3 record(s) of SUD patients left out")
    monkeypatch.setattr(viewsets, "PART2_COUNT_LIMIT", 2)
    measures = rows(api_client.get(reverse("measure-list")))
    bounded = AuditEvent.objects.filter(action="denied", user=integration).latest("pk")
    assert bounded.detail == (
        "42 CFR Part 2: more than 2 records (not counted further) of SUD patients left out "
        "for an external integration"
    )
    assert bounded.patient_id is None
    assert [m["patient"] for m in measures] == [other.patient_id]


def test_an_integration_reads_only(api_client, mixed, integration):
    sud, other, plans = mixed
    api_client.force_authenticate(integration)
    answer = api_client.post(
        reverse("measure-list"),
        {"patient": other.patient_id, "instrument": "PHQ9", "responses": [0] * 9},
        format="json",
    )
    assert answer.status_code == 403
    assert answer.json()["detail"] == "An external integration account reads only."


def test_an_integration_on_the_care_team_reading_with_a_token_gets_no_sud_patient(
    api_client, mixed, password
):
    sud, other, plans = mixed
    feed = UserFactory(username="lab-feed", role=Role.CLINICIAN, is_external_integration=True)
    for episode in (sud, other):
        episode.care_team.add(feed)
    token = api_client.post(reverse("auth-token"), {"username": "lab-feed", "password": password})
    assert token.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert [p["id"] for p in rows(api_client.get(reverse("patient-list")))] == [other.patient_id]
    assert api_client.get(reverse("patient-detail", args=[sud.patient_id])).status_code == 403
    assert api_client.get(reverse("patient-detail", args=[other.patient_id])).status_code == 200


# --- pages ----------------------------------------------------------------------------------


def test_an_integration_account_has_no_pages(client, mixed, integration):
    sud, other, plans = mixed
    client.force_login(integration)
    for url in (
        reverse("today"),
        reverse("patients:caseload"),
        reverse("patients:chart", args=[other.patient_id]),
        reverse("plans:plan", args=[plans[sud.patient_id].pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("accounts:security")).status_code == 200
    refusal = AuditEvent.objects.filter(action="denied", user=integration).first()
    assert refusal.detail == "HTTP 403"


def test_staff_pages_are_unchanged(client, mixed, clinician):
    sud, other, plans = mixed
    client.force_login(clinician)
    assert client.get(reverse("patients:chart", args=[sud.patient_id])).status_code == 200
