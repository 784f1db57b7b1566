from datetime import date

import pytest
from django.core.exceptions import ValidationError

from iop.audit.models import AuditEvent
from patients import services
from patients.models import Alert, Consent, Episode, MeasureAnswer, MeasureResponse


def test_a_referral_cannot_jump_to_discharged(make_episode, intake):
    episode = make_episode(status="referred")
    with pytest.raises(
        ValidationError, match="cannot become discharged; it can become: Declined, Intake"
    ):
        services.episode_transition(episode=episode, to_status="discharged", user=intake)


def test_a_declined_referral_is_closed(make_episode, intake):
    episode = make_episode(status="referred")
    services.episode_transition(
        episode=episode, to_status="declined", user=intake, decline_reason="Needs inpatient care."
    )
    with pytest.raises(ValidationError, match="it is closed"):
        services.episode_transition(episode=episode, to_status="intake", user=intake)


def test_declining_needs_a_reason(make_episode, intake):
    with pytest.raises(ValidationError) as error:
        services.episode_transition(
            episode=make_episode(status="referred"), to_status="declined", user=intake
        )
    assert "decline_reason" in error.value.message_dict


def test_admitting_needs_a_primary_clinician(make_episode, intake):
    episode = make_episode(status="intake")
    with pytest.raises(ValidationError) as error:
        services.episode_transition(episode=episode, to_status="active", user=intake)
    assert "primary_clinician" in error.value.message_dict


AFTERCARE = {
    "step_down_level": "OP",
    "follow_up_appointments": "Dr Lee, 2 Dec 10:00, Main St clinic",
    "relapse_prevention": "Daily check-in with sponsor; call if cravings rise.",
}


def test_discharge_records_reason_and_date(episode, clinician):
    from plans.services import aftercare_save

    Episode.objects.filter(pk=episode.pk).update(
        referral_date=date(2026, 9, 20), admission_date=date(2026, 10, 1)
    )
    episode.refresh_from_db()
    aftercare_save(episode=episode, user=clinician, data=AFTERCARE)
    services.episode_transition(
        episode=episode,
        to_status="discharged",
        user=clinician,
        discharge_reason="completed",
        discharge_date=date(2026, 11, 20),
    )
    episode.refresh_from_db()
    assert (episode.status, episode.discharge_reason, episode.discharge_date) == (
        "discharged",
        "completed",
        date(2026, 11, 20),
    )


def test_a_patient_has_one_open_episode_at_a_time(episode, intake, program):
    with pytest.raises(ValidationError, match="already has an open episode"):
        services.referral_register(
            user=intake,
            patient_data=episode.patient,
            episode_data={"program": program, "referral_source": "Self"},
        )


def test_a_step_down_is_a_recorded_transition(episode, clinician):
    change = services.episode_change_level_of_care(
        episode=episode, to_level="OP", reason="Stable for four weeks.", user=clinician
    )
    episode.refresh_from_db()
    assert episode.level_of_care == "OP"
    assert change.is_step_down and (change.from_level, change.to_level) == ("IOP", "OP")


def test_every_change_writes_the_audit_trail(admit, intake):
    episode = admit(status="referred")
    actions = set(
        AuditEvent.objects.filter(patient_id=episode.patient_id).values_list(
            "action", "object_type"
        )
    )
    assert {("create", "patients.patient"), ("create", "patients.episode")} <= actions


def test_a_measure_is_stored_item_by_item(patient, clinician):
    response = services.measure_record(
        patient=patient, instrument_code="GAD7", responses=[0, 1, 2, 3, 0, 1, 2], user=clinician
    )
    answers = list(
        MeasureAnswer.objects.filter(response=response).values_list("item_code", "value")
    )
    assert answers == [("1", 0), ("2", 1), ("3", 2), ("4", 3), ("5", 0), ("6", 1), ("7", 2)]
    assert (response.total_score, response.severity) == (9, "mild")


def test_dast10_booleans_are_stored_as_ones_and_zeros(patient, clinician):
    answers = [True, False, False, False, True, False, False, False, False, False]
    response = services.measure_record(
        patient=patient, instrument_code="DAST10", responses=answers, user=clinician
    )
    assert response.total_score == 3  # items 1 and 5, and "no" to item 3
    assert [a.value for a in response.answers.all()][:3] == [1, 0, 0]


def test_audit_c_uses_the_patients_sex(make_episode, clinician):
    woman = make_episode(clinician=clinician, sex="female").patient
    man = make_episode(clinician=clinician, sex="male").patient
    for patient, severity in ((woman, "positive"), (man, "negative")):
        response = services.measure_record(
            patient=patient, instrument_code="AUDITC", responses=[1, 1, 1], user=clinician
        )
        assert response.severity == severity


def test_a_bad_submission_names_the_item_and_stores_nothing(patient, clinician):
    with pytest.raises(ValidationError) as error:
        services.measure_record(
            patient=patient,
            instrument_code="PHQ9",
            responses=[0, 1, 2, 3, 4, 0, 0, 0, 0],
            user=clinician,
        )
    assert "item 5" in " ".join(error.value.message_dict["responses"]).lower()
    assert not MeasureResponse.objects.exists()


def test_an_unknown_instrument_is_refused(patient, clinician):
    with pytest.raises(ValidationError) as error:
        services.measure_record(
            patient=patient, instrument_code="BDI", responses=[1], user=clinician
        )
    assert "instrument" in error.value.message_dict


def test_cssrs_moderate_raises_a_risk_alert(patient, clinician, supervisor):
    # Yes to 1, 2 and 3; no to 4 and 5; no to 6.
    services.measure_record(
        patient=patient,
        instrument_code="CSSRS",
        responses=[True, True, True, False, False, False, False],
        user=clinician,
    )
    alert = Alert.objects.get(patient=patient)
    assert (alert.kind, alert.risk_level, alert.assigned_to) == ("risk", "moderate", clinician)


def test_cssrs_low_raises_no_alert(patient, clinician):
    services.measure_record(
        patient=patient,
        instrument_code="CSSRS",
        responses=[True, False, False, False, False, False, False],
        user=clinician,
    )
    assert not Alert.objects.exists()


def test_raising_the_same_alert_twice_makes_one(patient, clinician):
    first = services.alert_raise(
        patient=patient, kind="measure_due", title="PHQ-9 due", dedupe_key="measure-due:PHQ9:1"
    )
    second = services.alert_raise(
        patient=patient, kind="measure_due", title="PHQ-9 due", dedupe_key="measure-due:PHQ9:1"
    )
    assert first.pk == second.pk and Alert.objects.count() == 1


def test_a_closed_alert_cannot_be_closed_again(patient, clinician):
    alert = services.alert_raise(patient=patient, kind="measure_due", title="PHQ-9 due")
    services.alert_close(alert=alert, user=clinician)
    with pytest.raises(ValidationError, match="already closed"):
        services.alert_close(alert=alert, user=clinician)


def test_a_part2_consent_needs_scope_recipient_purpose_and_expiry(patient, intake):
    with pytest.raises(ValidationError) as error:
        services.consent_record(
            patient=patient, user=intake, data={"kind": "part2", "signed_by_name": "Pat Doe"}
        )
    assert {"recipient", "purpose", "scope", "expires_on"} <= set(error.value.message_dict)


def test_a_revoked_consent_is_visibly_revoked(patient, intake):
    consent = services.consent_record(
        patient=patient,
        user=intake,
        data={"kind": "communications", "allow_sms": True, "signed_by_name": "Pat Doe"},
    )
    services.consent_revoke(consent=consent, user=intake, note="By phone")
    consent.refresh_from_db()
    assert consent.state == Consent.State.REVOKED
    assert not Consent.objects.in_force().filter(pk=consent.pk).exists()


def test_an_expired_consent_is_not_in_force(patient, intake):
    consent = services.consent_record(
        patient=patient,
        user=intake,
        data={
            "kind": "release",
            "recipient": "Dr Lee",
            "purpose": "Coordination",
            "signed_by_name": "Pat Doe",
            "expires_on": date.today(),
        },
    )
    Consent.objects.filter(pk=consent.pk).update(expires_on=date(2020, 1, 1))
    consent.refresh_from_db()
    assert consent.state == Consent.State.EXPIRED


def test_the_intake_completes_only_with_its_required_sections(make_episode, intake):
    episode = make_episode(status="intake")
    assessment = episode.intake
    with pytest.raises(ValidationError, match="Complete these sections first"):
        services.intake_complete(assessment=assessment, user=intake)
    assert Episode.objects.get(pk=episode.pk).status == "intake"
