"""The patients API: scoring, validation (400 with field errors), and the rules per role."""

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients.models import Alert, Consent, Episode, MeasureAnswer, MeasureResponse, Patient
from patients.services import measure_record
from tests.factories import INTAKE_ANSWERS
from tests.queries import query_counts

MEASURES = reverse("measure-list")


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def detail(name, pk, action=None):
    return reverse(f"{name}-{action or 'detail'}", args=[pk])


# --- measures ---------------------------------------------------------------------------------


def test_a_phq9_is_scored_on_the_server_and_read_back(api_client, clinician, patient):
    response = as_user(api_client, clinician).post(
        MEASURES,
        {"patient": patient.pk, "instrument": "PHQ9", "responses": [2, 2, 1, 1, 1, 1, 1, 1, 0]},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["total_score"], body["severity"], body["flags"]) == (10, "moderate", [])
    assert body["responses"] == [2, 2, 1, 1, 1, 1, 1, 1, 0]
    assert body["episode"] == patient.episodes.get().pk
    again = api_client.get(detail("measure", body["id"])).json()
    assert again["total_score"] == 10


def test_a_client_sent_total_is_ignored(api_client, clinician, patient):
    response = as_user(api_client, clinician).post(
        MEASURES,
        {"patient": patient.pk, "instrument": "GAD7", "responses": [0] * 7, "total_score": 21},
    )
    assert response.json()["total_score"] == 0


def test_item9_raises_a_risk_alert_for_the_primary_clinician(
    api_client, intake, patient, clinician
):
    response = as_user(api_client, intake).post(
        MEASURES,
        {"patient": patient.pk, "instrument": "PHQ9", "responses": [0, 0, 0, 0, 0, 0, 0, 0, 1]},
    )
    assert response.json()["flags"] == ["item9_positive", "risk_alert"]
    alert = Alert.objects.get(patient=patient)
    assert (alert.kind, alert.assigned_to, alert.is_open) == ("risk", clinician, True)


def test_a_cssrs_takes_booleans_with_skips_and_reads_them_back(api_client, clinician, patient):
    response = as_user(api_client, clinician).post(
        MEASURES,
        {
            "patient": patient.pk,
            "instrument": "CSSRS",
            "responses": [True, False, None, None, None, True, False],
        },
    )
    body = response.json()
    assert response.status_code == 201, body
    assert (body["total_score"], body["severity"]) == (None, "moderate")
    assert set(body["flags"]) == {"risk_alert", "safety_plan_required"}
    assert body["responses"] == [True, False, False, False, False, True, False]
    assert Alert.objects.get(patient=patient).risk_level == "moderate"


def test_the_list_reads_back_each_measures_answers_in_item_order(api_client, clinician, patient):
    api = as_user(api_client, clinician)
    phq9 = [3, 0, 1, 2, 0, 1, 2, 3, 0]
    cssrs = [True, False, None, None, None, True, False]
    for instrument, answers in (("PHQ9", phq9), ("CSSRS", cssrs)):
        assert (
            api.post(
                MEASURES, {"patient": patient.pk, "instrument": instrument, "responses": answers}
            ).status_code
            == 201
        )

    rows = api.get(MEASURES).json()["results"]

    by_instrument = {row["instrument"]: row for row in rows}
    assert by_instrument["PHQ9"]["responses"] == phq9
    assert by_instrument["CSSRS"]["responses"] == [True, False, False, False, False, True, False]
    for row in rows:
        assert row == api.get(detail("measure", row["id"])).json()


def test_dast10_reverses_item3(api_client, clinician, patient):
    answers = [True, False, True, False, False, False, False, False, False, False]
    body = (
        as_user(api_client, clinician)
        .post(MEASURES, {"patient": patient.pk, "instrument": "DAST10", "responses": answers})
        .json()
    )
    assert (body["total_score"], body["severity"]) == (1, "low")


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"instrument": "PHQ9", "responses": [1] * 8}, "responses", "item 9: This item needs"),
        ({"instrument": "PHQ9", "responses": [1] * 10}, "responses", "10 answers"),
        ({"instrument": "PHQ9", "responses": [1, 1, 1, 4, 1, 1, 1, 1, 1]}, "responses", "item 4"),
        ({"instrument": "DAST10", "responses": [1] * 10}, "responses", "item 1"),
        ({"instrument": "BDI2", "responses": [1]}, "instrument", "not a valid choice"),
        ({"instrument": "PHQ9", "responses": "1,1,1"}, "responses", "list"),
        ({"instrument": "PHQ9"}, "responses", "required"),
        (
            {"instrument": "PHQ9", "responses": [0] * 9, "administered_at": "2099-01-01T00:00Z"},
            "administered_at",
            "future",
        ),
        (
            # Was stored, and written back with a local-mean-time offset (not a date-time).
            {"instrument": "PHQ9", "responses": [0] * 9, "administered_at": "0816-03-20T05:06Z"},
            "administered_at",
            "date of birth",
        ),
    ],
)
def test_a_bad_submission_is_a_400_naming_the_problem_and_stores_nothing(
    api_client, clinician, patient, payload, field, fragment
):
    response = as_user(api_client, clinician).post(MEASURES, {"patient": patient.pk, **payload})
    assert response.status_code == 400
    assert fragment in " ".join(map(str, response.json()[field]))
    assert MeasureResponse.objects.count() == 0
    assert MeasureAnswer.objects.count() == 0


def test_a_measure_for_a_patient_off_the_caseload_is_refused(api_client, clinician2, patient):
    response = as_user(api_client, clinician2).post(
        MEASURES, {"patient": patient.pk, "instrument": "GAD7", "responses": [0] * 7}
    )
    assert response.status_code == 400
    assert "patient" in response.json()
    assert MeasureResponse.objects.count() == 0


# --- who sees what ----------------------------------------------------------------------------


@pytest.fixture
def records(patient, clinician):
    measure_record(patient=patient, instrument_code="PHQ9", responses=[0] * 8 + [1], user=clinician)
    return {
        "patient": patient.pk,
        "episode": patient.episodes.get().pk,
        "assessment": patient.intake_assessments.get().pk,
        "measure": MeasureResponse.objects.get().pk,
        "alert": Alert.objects.get().pk,
    }


READABLE = {
    # resource: roles that may read it for a patient they may open
    "patient": {"supervisor", "clinician", "intake"},
    "episode": {"supervisor", "clinician", "intake"},
    "assessment": {"supervisor", "clinician", "intake"},
    "measure": {"supervisor", "clinician", "intake"},
    "alert": {"supervisor", "clinician"},
}


@pytest.mark.parametrize("resource", READABLE)
@pytest.mark.parametrize("role", ["admin", "supervisor", "clinician", "clinician2", "intake"])
def test_read_access_per_role(api_client, role_users, records, resource, role):
    client = as_user(api_client, role_users[role])
    one = client.get(detail(resource, records[resource]))
    listed = client.get(reverse(f"{resource}-list"))
    if role in READABLE[resource]:
        assert one.status_code == 200
        assert [r["id"] for r in listed.json()["results"]] == [records[resource]]
    elif role == "clinician2":  # a clinician, but not on this patient's care team
        assert one.status_code == 404
        assert listed.json()["results"] == []
    else:
        assert one.status_code == 403
        assert listed.status_code == 403


def test_a_refused_read_is_in_the_audit_trail(api_client, clinician2, records):
    as_user(api_client, clinician2).get(detail("patient", records["patient"]))
    event = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).get()
    assert (event.user, event.object_type, event.object_id) == (
        clinician2,
        "patients.patient",
        str(records["patient"]),
    )


def test_a_read_is_audited_with_the_patient(api_client, clinician, records):
    as_user(api_client, clinician).get(detail("measure", records["measure"]))
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("at")
    assert (event.object_type, event.patient_id) == (
        "patients.measureresponse",
        records["patient"],
    )


def test_patients_search_by_name_and_mrn(api_client, supervisor, make_episode):
    robin = make_episode(last_name="Hale", status="referred").patient
    make_episode(last_name="Moss", status="referred")
    client = as_user(api_client, supervisor)
    by_name = client.get(reverse("patient-list"), {"search": "hale"}).json()["results"]
    by_mrn = client.get(reverse("patient-list"), {"search": robin.mrn}).json()["results"]
    assert [p["id"] for p in by_name] == [p["id"] for p in by_mrn] == [robin.pk]


def test_the_lists_run_the_same_queries_for_1_or_6_patients(
    api_client, supervisor, clinician, make_episode
):
    def add(count):
        for _ in range(count):
            episode = make_episode(clinician=clinician, status="referred")
            measure_record(
                patient=episode.patient, instrument_code="GAD7", responses=[1] * 7, user=clinician
            )

    add(1)
    client = as_user(api_client, supervisor)
    paths = [MEASURES, reverse("episode-list")]
    query_counts(client, paths)  # what a first request caches is not counted
    one = query_counts(client, paths)
    add(5)
    assert query_counts(client, paths) == one
    assert len(client.get(MEASURES).json()["results"]) == 6
    assert len(client.get(reverse("episode-list")).json()["results"]) == 6


# --- referral to admission through the API ----------------------------------------------------


def test_intake_registers_a_patient_and_a_referral_and_admits_through_the_api(
    api_client, intake, clinician, program
):
    client = as_user(api_client, intake)
    patient = client.post(
        reverse("patient-list"),
        {"legal_first_name": "Robin", "legal_last_name": "Hale", "date_of_birth": "1985-04-02"},
    ).json()
    assert patient["mrn"]
    episode = client.post(
        reverse("episode-list"),
        {"patient": patient["id"], "program": program.pk, "referral_source": "Primary care"},
    ).json()
    assert episode["status"] == "referred"
    assessment = client.post(reverse("assessment-list"), {"episode": episode["id"]})
    assert assessment.status_code == 201, assessment.json()
    assessment = assessment.json()
    assert Episode.objects.get().status == "intake"

    early = client.post(detail("assessment", assessment["id"], "complete"))
    assert early.status_code == 400
    assert "Complete these sections first" in str(early.json())

    bad = client.patch(
        detail("assessment", assessment["id"]),
        {"asam_d1": 5, "diagnoses": [{"code": "NOPE"}]},
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"asam_d1", "diagnoses"}

    saved = client.patch(
        detail("assessment", assessment["id"]),
        {**INTAKE_ANSWERS, "primary_clinician": clinician.pk},
    )
    assert saved.status_code == 200, saved.json()
    assert saved.json()["missing_sections"] == []
    # Admission also needs a consent to treatment and a clinician's confirmation.
    client.post(
        reverse("consent-list"),
        {"patient": patient["id"], "kind": "treatment", "signed_by_name": "Robin Hale"},
    )
    as_user(api_client, clinician).post(detail("assessment", assessment["id"], "confirm"))
    client = as_user(api_client, intake)
    done = client.post(detail("assessment", assessment["id"], "complete"))
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "completed"
    admitted = Episode.objects.get()
    assert (admitted.status, admitted.primary_clinician) == ("active", clinician)
    assert clinician in admitted.care_team.all()
    # Completed means closed to edits.
    late = client.patch(detail("assessment", assessment["id"]), {"strengths": "More"})
    assert late.status_code == 400


def test_a_bad_patient_gets_field_errors(api_client, intake):
    response = as_user(api_client, intake).post(
        reverse("patient-list"),
        {"legal_first_name": "", "date_of_birth": "2999-01-01", "sex": "x"},
    )
    assert response.status_code == 400
    assert {"legal_first_name", "legal_last_name", "date_of_birth", "sex"} <= set(response.json())
    assert Patient.objects.count() == 0


def test_clinicians_do_not_register_patients(api_client, clinician):
    response = as_user(api_client, clinician).post(reverse("patient-list"), {})
    assert response.status_code == 403


def test_a_refused_transition_says_what_is_allowed(api_client, supervisor, make_episode):
    episode = make_episode(status="referred")
    response = as_user(api_client, supervisor).post(
        detail("episode", episode.pk, "transition"), {"status": "discharged"}
    )
    assert response.status_code == 400
    message = str(response.json())
    assert "cannot become discharged" in message
    assert "Intake" in message and "Declined" in message


def test_a_declined_referral_needs_a_reason(api_client, intake, make_episode):
    episode = make_episode(status="referred")
    client = as_user(api_client, intake)
    url = detail("episode", episode.pk, "transition")
    assert client.post(url, {"status": "declined"}).status_code == 400
    response = client.post(url, {"status": "declined", "decline_reason": "Needs inpatient care."})
    assert response.json()["status"] == "declined"


def test_intake_cannot_discharge_but_the_clinician_can(api_client, intake, clinician, episode):
    from plans.services import aftercare_save
    from tests.patients.test_services import AFTERCARE

    url = detail("episode", episode.pk, "transition")
    payload = {"status": "discharged", "discharge_reason": "completed"}
    assert as_user(api_client, intake).post(url, payload).status_code == 403
    without = as_user(api_client, clinician).post(url, payload)
    assert without.status_code == 400
    assert "aftercare" in without.json()
    aftercare_save(episode=episode, user=clinician, data=AFTERCARE)
    response = as_user(api_client, clinician).post(url, payload)
    assert response.json()["status"] == "discharged"


def test_level_of_care_changes_are_recorded(api_client, clinician, episode):
    url = detail("episode", episode.pk, "level-of-care")
    client = as_user(api_client, clinician)
    assert client.post(url, {"level_of_care": "OP"}).status_code == 400  # no reason
    response = client.post(url, {"level_of_care": "OP", "reason": "Stepping down after 8 weeks."})
    assert response.json()["level_of_care"] == "OP"
    assert episode.level_changes.get().reason == "Stepping down after 8 weeks."


# --- consents and alerts ---------------------------------------------------------------------


def test_consents_record_and_revoke(api_client, intake, patient):
    client = as_user(api_client, intake)
    missing = client.post(
        reverse("consent-list"),
        {"patient": patient.pk, "kind": "part2", "signed_by_name": "Pat Doe"},
    )
    assert missing.status_code == 400
    assert {"recipient", "purpose", "scope", "expires_on"} <= set(missing.json())
    created = client.post(
        reverse("consent-list"),
        {
            "patient": patient.pk,
            "kind": "communications",
            "allow_sms": True,
            "signed_by_name": "Pat Doe",
        },
    ).json()
    assert created["state"] == "active"
    revoked = client.post(detail("consent", created["id"], "revoke"), {"note": "Asked by phone"})
    assert revoked.json()["state"] == "revoked"
    assert Consent.objects.get().revoked_by == intake
    again = client.post(detail("consent", created["id"], "revoke"), {})
    assert again.status_code == 400


def test_a_risk_alert_needs_what_was_done_to_close(api_client, clinician, records):
    client = as_user(api_client, clinician)
    url = detail("alert", records["alert"], "acknowledge")
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert "action_taken" in refused.json()
    closed = client.post(url, {"action_taken": "Called; no intent; safety plan reviewed."}).json()
    assert (closed["status"], closed["closed_by"]["id"]) == ("closed", clinician.pk)
    assert client.get(reverse("alert-list"), {"status": "open"}).json()["results"] == []


def test_intake_cannot_acknowledge_alerts(api_client, intake, records):
    response = as_user(api_client, intake).post(
        detail("alert", records["alert"], "acknowledge"), {"action_taken": "x"}
    )
    assert response.status_code == 403
    assert Alert.objects.get().is_open


def test_the_patients_resources_are_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for resource in ("patients", "episodes", "assessments", "measures", "consents", "alerts"):
        assert f"/api/v1/{resource}/" in paths
    assert "post" in paths["/api/v1/measures/"]


def test_only_supervisors_change_an_admitted_patients_clinician(
    api_client, clinician, clinician2, intake, supervisor, episode
):
    url = reverse("episode-detail", args=[episode.pk])
    api_client.force_authenticate(clinician)
    assert api_client.patch(url, {"primary_clinician": clinician2.pk}).status_code == 403
    api_client.force_authenticate(intake)
    refused = api_client.patch(url, {"primary_clinician": clinician2.pk})
    assert refused.status_code == 403  # a supervisor of the episode's program only
    api_client.force_authenticate(supervisor)
    assert api_client.patch(url, {"primary_clinician": clinician2.pk}).status_code == 200
    episode.refresh_from_db()
    assert episode.primary_clinician == clinician2


def test_a_supervisors_assessment_list_is_their_programs_newest_first(
    api_client, supervisor, clinician, make_episode
):
    """A supervisor's list walks the (started_at, id) index testing each row's patient:
    the same rows, in the same order, as the join gives a clinician."""
    from tests.factories import ProgramFactory

    other = ProgramFactory(name="Elsewhere IOP")
    mine = [make_episode(status="intake") for _ in range(3)]
    hidden = make_episode(status="intake", program_=other)
    client = as_user(api_client, supervisor)
    rows = client.get(reverse("assessment-list"), {"page_size": 2}).json()
    following = client.get(rows["next"]).json()["results"]
    ids = [r["id"] for r in rows["results"] + following]
    assert rows["count"] == 3
    expected = sorted((e.intake for e in mine), key=lambda a: (a.started_at, a.pk))
    assert ids == [a.pk for a in reversed(expected)]
    assert hidden.intake.pk not in ids


@pytest.mark.parametrize(
    "stored",
    [
        [],
        [{"code": "F32.1", "description": "Major depressive disorder"}],
        [{"description": "Stored first", "code": "F10.20", "noted": "x"}, {"code": "Z63.0"}],
        [{"code": "F41.1", "description": None}],
        [{"code": 301, "description": "Not text"}],
    ],
)
def test_a_listed_assessments_diagnoses_read_as_drf_reads_them(stored):
    """The list reads the diagnoses without a serializer per diagnosis (`diagnoses_of`):
    the same as the serializer gives one assessment, for any stored shape."""
    from patients.api.assessments import AssessmentSerializer

    field = AssessmentSerializer().fields["diagnoses"]
    listed = AssessmentSerializer(many=True).child.diagnoses_of({"diagnoses": stored})
    assert listed == field.to_representation(stored)
    assert list(map(list, listed)) == list(map(list, field.to_representation(stored)))
