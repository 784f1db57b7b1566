"""A JSON body's values have the types the schema documents, or the API answers 400 naming the
field (iop/api/strict.py). The same values sent as a form (the browsable API) are still read."""

import pytest
from django.urls import reverse

from iop.api import strict
from patients.models import Episode, Patient
from sessions import services as ss
from sessions.models import Attendance
from tests.plans.api_helpers import tree_ids

INTEGER = "Expected a whole number (JSON integer)."
STRING = "Expected text (JSON string)."
BOOLEAN = "Expected true or false (JSON boolean)."
ARRAY = "Expected a list (JSON array)."
OBJECT = "Expected an object (JSON object)."


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def url(name, pk=None, action=None):
    if pk is None:
        return reverse(f"{name}-list")
    return reverse(f"{name}-{action or 'detail'}", args=[pk])


PATIENT = {"legal_first_name": "Robin", "legal_last_name": "Hale", "date_of_birth": "1985-04-02"}


# --- patients and episodes ---------------------------------------------------------------------


def test_a_number_for_a_text_is_400_naming_the_field(api_client, intake):
    response = as_user(api_client, intake).post(
        url("patient"), {**PATIENT, "legal_first_name": 5}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"legal_first_name": [STRING]}
    assert not Patient.objects.exists()


def test_the_same_patient_as_a_form_is_registered(api_client, intake):
    response = as_user(api_client, intake).post(url("patient"), PATIENT, format="multipart")
    assert response.status_code == 201, response.json()
    assert Patient.objects.get().legal_first_name == "Robin"


@pytest.mark.parametrize(
    "change,message",
    [
        ({"program": "PROGRAM"}, INTEGER),  # the id as a string
        ({"program": True}, INTEGER),
        ({"is_sud": 0}, BOOLEAN),
        ({"is_sud": "true"}, BOOLEAN),
        ({"referral_source": ["Primary care"]}, STRING),
    ],
)
def test_an_episode_with_a_value_of_the_wrong_type_is_400(
    api_client, intake, program, change, message
):
    patient = Patient.objects.create(
        legal_first_name="Robin", legal_last_name="Hale", date_of_birth="1985-04-02"
    )
    if change.get("program") == "PROGRAM":
        change = {"program": str(program.pk)}
    body = {"patient": patient.pk, "program": program.pk, "referral_source": "GP", **change}
    response = as_user(api_client, intake).post(url("episode"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {next(iter(change)): [message]}
    assert not Episode.objects.exists()


def test_the_same_episode_as_a_form_is_created(api_client, intake, program):
    patient = Patient.objects.create(
        legal_first_name="Robin", legal_last_name="Hale", date_of_birth="1985-04-02"
    )
    body = {"patient": str(patient.pk), "program": str(program.pk), "referral_source": "GP"}
    body["is_sud"] = "false"
    response = as_user(api_client, intake).post(url("episode"), body, format="multipart")
    assert response.status_code == 201, response.json()
    assert Episode.objects.get().program == program


def test_null_is_still_refused_or_taken_as_the_field_allows(api_client, intake, program):
    patient = Patient.objects.create(
        legal_first_name="Robin", legal_last_name="Hale", date_of_birth="1985-04-02"
    )
    body = {"patient": patient.pk, "program": None}
    response = as_user(api_client, intake).post(url("episode"), body, format="json")
    assert response.status_code == 400 and response.json()["program"] == [
        "This field may not be null."
    ]


# --- sessions: attendance, bookings, notes -----------------------------------------------------


def test_attendance_minutes_as_a_string_are_400(api_client, clinician, enroll, todays_session):
    (episode,) = enroll.many(1)
    mark = {"session": todays_session.pk, "episode": episode.pk, "status": "left_early"}
    client = as_user(api_client, clinician)
    response = client.post(url("attendance"), {**mark, "minutes": "120"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"minutes": [INTEGER]}
    assert not Attendance.objects.exists()
    form = client.post(url("attendance"), {**mark, "minutes": "120"}, format="multipart")
    assert form.status_code == 201, form.json()
    assert Attendance.objects.get().minutes_attended == 120


def test_an_object_for_a_list_of_clinicians_is_400(
    api_client, clinician, make_episode, time_machine
):
    episode = make_episode(clinician=clinician)
    booking = {
        "kind": "individual",
        "starts_at": "2026-11-18T14:00:00-05:00",
        "duration_minutes": 50,
        "episode": episode.pk,
    }
    client = as_user(api_client, clinician)
    # DRF would have read the object's keys as the list.
    as_object = {**booking, "clinicians": {str(clinician.pk): "x"}}
    response = client.post(url("session"), as_object, format="json")
    assert response.status_code == 400
    assert response.json() == {"clinicians": [ARRAY]}
    as_strings = {**booking, "clinicians": [str(clinician.pk)]}
    response = client.post(url("session"), as_strings, format="json")
    assert response.status_code == 400
    assert response.json() == {"clinicians": {"0": [INTEGER]}}
    form = client.post(
        url("session"), {**booking, "clinicians": [clinician.pk]}, format="multipart"
    )
    assert form.status_code == 201, form.json()


def test_a_note_draft_is_checked_inside_its_entries(api_client, clinician, enroll, todays_session):
    (episode,) = enroll.many(1)
    ss.attendance_mark(session=todays_session, episode=episode, status="present", user=clinician)
    client = as_user(api_client, clinician)
    note = client.post(url("note"), {"session": todays_session.pk}, format="json").json()
    patient = str(episode.patient_id)
    as_list = client.patch(url("note", note["id"]), {"entries": [{"text": "x"}]}, format="json")
    assert as_list.status_code == 400
    assert as_list.json() == {"entries": [OBJECT]}
    nested = {patient: {"text": 7, "objectives": {"1": 1}, "ratings": {"1": "3"}}}
    response = client.patch(url("note", note["id"]), {"entries": nested}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "entries": {patient: {"text": [STRING], "objectives": [ARRAY], "ratings": {"1": [INTEGER]}}}
    }
    good = {patient: {"text": "Quiet today.", "ratings": {}}}
    saved = client.patch(url("note", note["id"]), {"entries": good}, format="json")
    assert saved.status_code == 200, saved.json()


# --- plans and the token endpoint --------------------------------------------------------------


def test_a_plan_items_revision_as_a_string_is_400(api_client, clinician, make_plan, episode):
    draft = make_plan(episode)
    ids = tree_ids(draft)
    client = as_user(api_client, clinician)
    body = {"description": "Sleep", "revision": str(draft.revision)}
    response = client.patch(url("problem", ids["problem"]), body, format="json")
    assert response.status_code == 400
    assert response.json() == {"revision": [INTEGER]}
    body["revision"] = draft.revision
    saved = client.patch(url("problem", ids["problem"]), body, format="json")
    assert saved.status_code == 200, saved.json()


def test_a_new_plan_for_an_episode_given_as_a_string_is_400(api_client, clinician, episode):
    client = as_user(api_client, clinician)
    response = client.post(url("plan"), {"episode": str(episode.pk)}, format="json")
    assert response.status_code == 400
    assert response.json() == {"episode": [INTEGER]}
    form = client.post(url("plan"), {"episode": str(episode.pk)}, format="multipart")
    assert form.status_code == 201, form.json()


def test_a_token_request_with_a_number_for_the_password_is_400(api_client, clinician, password):
    token = reverse("auth-token")
    response = api_client.post(token, {"username": "clinician", "password": 1234}, format="json")
    assert response.status_code == 400
    assert response.json() == {"password": [STRING]}
    form = {"username": "clinician", "password": password}
    assert api_client.post(token, form, format="multipart").status_code == 200


# --- every API serializer is strict --------------------------------------------------------------


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def test_every_serializer_of_the_api_checks_json_types():
    from rest_framework import serializers

    import disclosures.api.views  # noqa: F401
    import iop.api.urls  # noqa: F401

    ours = ("iop.", "patients.", "plans.", "sessions.", "disclosures.")
    loose = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in subclasses(serializers.Serializer)
        if cls.__module__.startswith(ours)
        and not issubclass(cls, strict.StrictJSONMixin)
        and not cls.__module__.startswith("iop.api.strict")
    ]
    assert loose == []


def test_request_bodies_are_documented_as_json_only():
    # A form's values are all text: the types the API checks could not be documented for one.
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    media_types = {
        media_type
        for operations in schema["paths"].values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for media_type in operation.get("requestBody", {}).get("content", {})
    }
    assert media_types == {"application/json"}
