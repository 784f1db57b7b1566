"""Admission (CLINICAL.md): a completed intake, a consent to treatment in force, for SUD care a
Part 2 consent or the patient's recorded refusal, and the diagnoses and level of care confirmed
by a clinician or supervisor. Every missing piece is named; nothing is admitted half-way."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from patients import services
from patients.models import Alert, Episode, IntakeAssessment
from tests.factories import INTAKE_ANSWERS
from tests.fixtures.patients import PART2_CONSENT


@pytest.fixture
def prepared(make_episode, intake, clinician):
    """An episode in intake whose every section the coordinator has filled."""

    def make(**kwargs):
        episode = make_episode(status="intake", **kwargs)
        answers = dict(INTAKE_ANSWERS)
        if not episode.is_sud:
            answers = {k: v for k, v in answers.items() if not k.startswith("asam_")}
        services.intake_update(
            assessment=episode.intake,
            data={**answers, "primary_clinician": clinician},
            user=intake,
        )
        return Episode.objects.get(pk=episode.pk)

    return make


def consent(episode, user, kind="treatment"):
    data = {"kind": kind, "signed_by_name": "Pat Doe"}
    if kind == "part2":
        data = {**PART2_CONSENT, "signed_by_name": "Pat Doe"}
    return services.consent_record(patient=episode.patient, user=user, data=data)


def complete(episode, user):
    return services.intake_complete(assessment=episode.intake, user=user)


# --- the service ------------------------------------------------------------------------------


def test_a_filled_intake_without_consent_or_confirmation_is_refused_naming_both(prepared, intake):
    episode = prepared()
    with pytest.raises(ValidationError) as error:
        complete(episode, intake)
    assert error.value.message_dict == {
        "consent_to_treatment": ["Record the patient's consent to treatment (none is in force)."],
        "confirmation": [
            "A clinician or supervisor must confirm the diagnoses and level of care "
            "(intake coordinators prepare them)."
        ],
    }
    episode.refresh_from_db()
    assert (episode.status, episode.intake.status) == ("intake", "draft")


def test_with_consent_and_a_clinicians_confirmation_the_patient_is_admitted(
    prepared, intake, clinician
):
    episode = prepared()
    consent(episode, intake)
    confirmed = services.intake_confirm(assessment=episode.intake, user=clinician)
    assert (confirmed.confirmed_by, confirmed.is_confirmed) == (clinician, True)
    complete(episode, intake)
    episode.refresh_from_db()
    assert (episode.status, episode.admission_date) == ("active", date.today())


def test_an_intake_coordinator_cannot_confirm(prepared, intake):
    episode = prepared()
    with pytest.raises(ValidationError, match="Only a clinician or supervisor can confirm"):
        services.intake_confirm(assessment=episode.intake, user=intake)
    assert IntakeAssessment.objects.get(episode=episode).confirmed_by is None


def test_a_supervisor_may_confirm(prepared, intake, supervisor):
    episode = prepared()
    consent(episode, intake)
    services.intake_confirm(assessment=episode.intake, user=supervisor)
    complete(episode, intake)
    assert Episode.objects.get(pk=episode.pk).status == "active"


def test_nothing_to_confirm_is_refused(make_episode, clinician):
    episode = make_episode(status="intake")
    with pytest.raises(ValidationError) as error:
        services.intake_confirm(assessment=episode.intake, user=clinician)
    assert set(error.value.message_dict) == {"diagnoses", "recommended_level_of_care"}


def test_changing_the_diagnoses_or_level_after_confirmation_needs_a_new_one(
    prepared, intake, clinician
):
    episode = prepared()
    services.intake_confirm(assessment=episode.intake, user=clinician)
    services.intake_update(assessment=episode.intake, data={"strengths": "Funny"}, user=intake)
    assert IntakeAssessment.objects.get(episode=episode).is_confirmed  # not what was confirmed

    services.intake_update(
        assessment=episode.intake, data={"recommended_level_of_care": "PHP"}, user=intake
    )
    assessment = IntakeAssessment.objects.get(episode=episode)
    assert (assessment.confirmed_by, assessment.confirmed_at) == (None, None)


def test_a_revoked_consent_to_treatment_does_not_count(prepared, intake, clinician):
    episode = prepared()
    services.consent_revoke(consent=consent(episode, intake), user=intake, note="Withdrawn")
    services.intake_confirm(assessment=episode.intake, user=clinician)
    with pytest.raises(ValidationError) as error:
        complete(episode, intake)
    assert set(error.value.message_dict) == {"consent_to_treatment"}


def test_sud_care_needs_a_part2_consent(prepared, intake, clinician, sud_program):
    episode = prepared(program_=sud_program, is_sud=True)
    consent(episode, intake)
    services.intake_confirm(assessment=episode.intake, user=clinician)
    with pytest.raises(ValidationError) as error:
        complete(episode, intake)
    assert error.value.message_dict == {
        "part2_consent": [
            "SUD care: record a 42 CFR Part 2 consent, or the patient's refusal with the reason."
        ]
    }
    consent(episode, intake, kind="part2")
    complete(episode, intake)
    assert Episode.objects.get(pk=episode.pk).status == "active"


def test_sud_care_admits_with_the_patients_refusal_and_its_reason(
    prepared, intake, clinician, sud_program
):
    episode = prepared(program_=sud_program, is_sud=True)
    consent(episode, intake)
    services.intake_confirm(assessment=episode.intake, user=clinician)
    with pytest.raises(ValidationError) as error:
        services.part2_refusal_record(episode=episode, reason="  ", user=intake)
    assert set(error.value.message_dict) == {"reason"}

    services.part2_refusal_record(
        episode=episode, reason="Does not want any disclosure to her GP.", user=intake
    )
    complete(episode, intake)
    episode.refresh_from_db()
    assert (episode.status, episode.part2_refusal_reason, episode.part2_refusal_by) == (
        "active",
        "Does not want any disclosure to her GP.",
        intake,
    )


def test_a_refusal_is_only_for_sud_care(prepared, intake):
    with pytest.raises(ValidationError, match="Only SUD care"):
        services.part2_refusal_record(episode=prepared(), reason="No", user=intake)


def test_the_transition_to_active_holds_the_same_rule(prepared, intake):
    episode = prepared()
    with pytest.raises(ValidationError) as error:
        services.episode_transition(episode=episode, to_status="active", user=intake)
    assert set(error.value.message_dict) == {"intake", "consent_to_treatment", "confirmation"}


def test_a_high_intake_risk_raises_one_risk_alert_on_completion(prepared, intake, clinician):
    episode = prepared()
    services.intake_update(assessment=episode.intake, data={"risk_level": "high"}, user=intake)
    consent(episode, intake)
    services.intake_confirm(assessment=episode.intake, user=clinician)
    complete(episode, intake)

    alert = Alert.objects.get(patient=episode.patient)
    assert (alert.kind, alert.title, alert.assigned_to) == (
        "risk",
        "Intake risk assessment: high risk",
        clinician,
    )
    assert alert.priority == Alert.Priority.URGENT
    # Raised once: the same source raises no second alert.
    again = services.alert_raise(
        patient=episode.patient, kind="risk", title="again", dedupe_key=alert.dedupe_key
    )
    assert again == alert and Alert.objects.count() == 1


def test_a_low_intake_risk_raises_no_alert(prepared, intake, clinician):
    episode = prepared()
    consent(episode, intake)
    services.intake_confirm(assessment=episode.intake, user=clinician)
    complete(episode, intake)
    assert not Alert.objects.exists()


# --- API --------------------------------------------------------------------------------------


def test_the_api_answers_400_naming_what_admission_needs(api_client, prepared, intake):
    episode = prepared()
    api_client.force_authenticate(intake)
    response = api_client.post(reverse("assessment-complete", args=[episode.intake.pk]))
    assert response.status_code == 400
    assert set(response.json()) == {"consent_to_treatment", "confirmation"}
    body = api_client.get(reverse("assessment-detail", args=[episode.intake.pk])).json()
    assert set(body["admission_needs"]) == {"consent_to_treatment", "confirmation"}
    transition = api_client.post(
        reverse("episode-transition", args=[episode.pk]), {"status": "active"}
    )
    assert transition.status_code == 400
    assert {"intake", "consent_to_treatment", "confirmation"} <= set(transition.json())


def test_the_api_confirm_is_for_clinicians(api_client, prepared, intake, clinician):
    episode = prepared()
    url = reverse("assessment-confirm", args=[episode.intake.pk])
    api_client.force_authenticate(intake)
    assert api_client.post(url).status_code == 403
    api_client.force_authenticate(clinician)
    response = api_client.post(url)
    assert response.status_code == 200, response.json()
    assert response.json()["confirmed_by"]["id"] == clinician.pk


def test_the_api_records_a_part2_refusal(api_client, prepared, intake, sud_program):
    episode = prepared(program_=sud_program, is_sud=True)
    api_client.force_authenticate(intake)
    url = reverse("episode-part2-refusal", args=[episode.pk])
    assert set(api_client.post(url, {"reason": ""}).json()) == {"reason"}
    response = api_client.post(url, {"reason": "Declines all disclosure."})
    assert response.status_code == 200, response.json()
    assert response.json()["part2_refusal_reason"] == "Declines all disclosure."


# --- the intake review page ---------------------------------------------------------------


def test_the_review_page_names_what_admission_needs(client, prepared, intake):
    episode = prepared()
    client.force_login(intake)
    url = reverse("patients:intake-review", args=[episode.pk])
    page = client.get(url).content.decode()
    assert "Admission also needs:" in page
    assert "Record consent to treatment" in page
    assert "Confirm diagnoses and level of care</button>" not in page
    response = client.post(url)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Record the patient&#x27;s consent to treatment (none is in force)." in html
    assert "A clinician or supervisor must confirm the diagnoses and level of care" in html
    assert Episode.objects.get(pk=episode.pk).status == "intake"


def test_a_clinician_confirms_on_the_review_page_and_the_intake_admits(
    client, prepared, intake, clinician
):
    episode = prepared()
    consent(episode, intake)
    url = reverse("patients:intake-review", args=[episode.pk])
    client.force_login(clinician)
    assert "Confirm diagnoses and level of care</button>" in client.get(url).content.decode()
    page = client.post(url, {"action": "confirm"}, follow=True).content.decode()
    assert "Diagnoses and level of care confirmed." in page
    assert "confirmed by Casey Morgan" in page
    client.force_login(intake)
    response = client.post(url, follow=True)
    assert "is admitted to Adult Mental Health IOP" in response.content.decode()
    assert Episode.objects.get(pk=episode.pk).status == "active"


def test_the_review_page_records_a_part2_refusal_and_keeps_a_blank_one(
    client, prepared, intake, sud_program
):
    episode = prepared(program_=sud_program, is_sud=True)
    url = reverse("patients:intake-review", args=[episode.pk])
    client.force_login(intake)
    blank = client.post(url, {"action": "part2_refusal", "reason": " "})
    assert blank.status_code == 400
    assert "Record why the patient declines the Part 2 consent." in blank.content.decode()
    page = client.post(
        url, {"action": "part2_refusal", "reason": "Declines disclosure."}, follow=True
    ).content.decode()
    assert "Part 2 consent declined by the patient: Declines disclosure." in page
    assert "SUD care: record a 42 CFR Part 2 consent" not in page


def test_the_demo_admits_its_patients_by_the_rule(db, settings):
    import io

    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    active = Episode.objects.filter(status__in=["active", "discharged"]).select_related("intake")
    assert active.count() == 8
    for episode in active:
        assert episode.intake.is_confirmed and episode.intake.is_completed
        assert services.admission_missing(episode) == {}
