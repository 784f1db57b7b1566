from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iop.audit.models import AuditEvent
from medications import services
from medications.models import (
    AppendOnlyError,
    Medication,
    MedicationChange,
    Reconciliation,
    SignedReconciliationError,
)
from patients.services.emergency import emergency_access_start
from tests.medications.conftest import BUPRENORPHINE


def test_adding_buprenorphine_marks_it_moud_and_writes_history_and_audit(bup, clinician):
    assert bup.addiction_treatment == Medication.AddictionTreatment.MOUD
    row = MedicationChange.objects.get(medication=bup)
    assert row.kind == "added" and row.changed_by == clinician
    assert row.changes["name"] == [None, "Buprenorphine/naloxone"]
    assert AuditEvent.objects.filter(
        action="create", object_type="medications.medication", object_id=str(bup.pk)
    ).exists()


def test_a_change_keeps_old_and_new_values_in_the_history(bup, clinician):
    services.medication_change(
        medication=bup, data={"dose": "2 films", "frequency": "once daily"}, user=clinician
    )
    row = MedicationChange.objects.filter(medication=bup, kind="changed").get()
    assert row.changes == {"dose": ["1 film", "2 films"]}
    bup.refresh_from_db()
    assert bup.dose == "2 films" and bup.revision == 1
    assert AuditEvent.objects.filter(action="update", object_id=str(bup.pk)).exists()


def test_history_rows_are_never_rewritten(bup):
    row = MedicationChange.objects.get(medication=bup)
    row.kind = "stopped"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()


def test_a_stale_change_is_refused(bup, clinician):
    services.medication_change(medication=bup, data={"dose": "2 films"}, user=clinician)
    with pytest.raises(services.StaleMedicationError):
        services.medication_change(
            medication=bup, data={"dose": "3 films"}, user=clinician, revision=0
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": date(1899, 12, 31)}, "start_date"),
        ({"start_date": date(2027, 6, 1)}, "start_date"),
        ({"rxnorm_code": "12a4"}, "rxnorm_code"),
        ({"route": "by mail"}, "route"),
        ({"name": "Bup\x00"}, "name"),
        ({"dose": ""}, "dose"),
        ({"prescriber_name": ""}, "prescriber_name"),
    ],
)
def test_implausible_entries_are_refused_by_field(patient, clinician, changes, field):
    with pytest.raises(ValidationError) as error:
        services.medication_add(patient=patient, data={**BUPRENORPHINE, **changes}, user=clinician)
    assert field in error.value.message_dict
    assert not Medication.objects.exists()


def test_an_inside_and_an_outside_prescriber_together_are_refused(patient, clinician):
    with pytest.raises(ValidationError) as error:
        services.medication_add(
            patient=patient, data={**BUPRENORPHINE, "prescriber": clinician}, user=clinician
        )
    assert "prescriber_name" in error.value.message_dict


@pytest.mark.parametrize(
    ("stop", "message"),
    [
        (date(2026, 11, 3), "in the future"),
        (date(2026, 9, 30), "before the start date"),
    ],
)
def test_stop_dates_in_the_future_or_before_the_start_are_refused(bup, clinician, stop, message):
    with pytest.raises(ValidationError) as error:
        services.medication_stop(medication=bup, stop_date=stop, user=clinician)
    assert message in str(error.value)


def test_stopping_records_the_date_and_history(bup, clinician):
    services.medication_stop(
        medication=bup, stop_date=date(2026, 11, 1), reason="Side effects", user=clinician
    )
    bup.refresh_from_db()
    assert not bup.is_active and bup.stop_reason == "Side effects"
    assert MedicationChange.objects.filter(medication=bup, kind="stopped").exists()


def test_roles_that_may_write(patient, supervisor, clinician2, intake, admin_user_role):
    services.medication_add(patient=patient, data=dict(BUPRENORPHINE), user=supervisor)
    for user in (clinician2, intake, admin_user_role):
        with pytest.raises(PermissionDenied):
            services.medication_add(patient=patient, data=dict(BUPRENORPHINE), user=user)


def test_emergency_access_reads_but_does_not_write(patient, clinician2):
    emergency_access_start(
        patient=patient, user=clinician2, reason="Overdose call from the ED, need the list"
    )
    with pytest.raises(PermissionDenied):
        services.medication_add(patient=patient, data=dict(BUPRENORPHINE), user=clinician2)


# --- reconciliation ---------------------------------------------------------------------------


def test_admission_reconciliation_shows_the_intakes_medications(episode, clinician):
    episode.intake.medications = "Suboxone 8/2 daily, sertraline 50"
    episode.intake.save()
    rec = services.reconciliation_start(episode=episode, occasion="admission", user=clinician)
    assert rec.source_text == "Suboxone 8/2 daily, sertraline 50"


def test_signing_needs_a_decision_for_every_active_entry(episode, bup, clinician):
    rec = services.reconciliation_start(episode=episode, occasion="admission", user=clinician)
    with pytest.raises(ValidationError) as error:
        services.reconciliation_sign(reconciliation=rec, user=clinician)
    assert f"decision_{bup.pk}" in error.value.message_dict


def test_signing_stops_what_is_marked_stopped_and_adds_new_entries(episode, bup, clinician):
    rec = services.reconciliation_start(episode=episode, occasion="admission", user=clinician)
    services.reconciliation_update(
        reconciliation=rec,
        decisions={bup.pk: {"decision": "stopped", "note": "Switching to naltrexone"}},
        user=clinician,
    )
    nal = services.medication_add(
        patient=episode.patient,
        data={**BUPRENORPHINE, "name": "Naltrexone", "rxnorm_code": "", "route": "im"},
        user=clinician,
    )
    rec = services.reconciliation_sign(reconciliation=rec, user=clinician)
    bup.refresh_from_db()
    assert not bup.is_active
    decisions = {item.medication_id: item.decision for item in rec.items.all()}
    assert decisions == {bup.pk: "stopped", nal.pk: "new"}
    assert rec.signed_by == clinician and rec.content_hash == rec.compute_hash()


def test_marked_changed_needs_the_entry_changed(episode, bup, clinician):
    rec = services.reconciliation_start(
        episode=episode, occasion="medication_visit", user=clinician
    )
    services.reconciliation_update(
        reconciliation=rec, decisions={bup.pk: {"decision": "changed"}}, user=clinician
    )
    with pytest.raises(ValidationError):
        services.reconciliation_sign(reconciliation=rec, user=clinician)
    services.medication_change(medication=bup, data={"dose": "2 films"}, user=clinician)
    rec = services.reconciliation_sign(reconciliation=rec, user=clinician)
    assert rec.items.get().state["dose"] == "2 films"


def test_a_signed_reconciliation_is_never_changed(episode, bup, clinician):
    rec = services.reconciliation_start(episode=episode, occasion="admission", user=clinician)
    services.reconciliation_update(
        reconciliation=rec, decisions={bup.pk: {"decision": "continued"}}, user=clinician
    )
    services.reconciliation_sign(reconciliation=rec, user=clinician)
    with pytest.raises(SignedReconciliationError):
        services.reconciliation_update(reconciliation=rec, notes="later", user=clinician)
    with pytest.raises(SignedReconciliationError):
        services.reconciliation_sign(reconciliation=rec, user=clinician)
    assert Reconciliation.objects.get().notes == ""


def test_one_open_reconciliation_per_episode(episode, clinician):
    services.reconciliation_start(episode=episode, occasion="admission", user=clinician)
    with pytest.raises(ValidationError):
        services.reconciliation_start(episode=episode, occasion="discharge", user=clinician)


def test_verify_signatures_finds_a_tampered_reconciliation(episode, bup, clinician):
    from medications.models import ReconciliationItem
    from sessions.signatures import signature_check

    rec = services.reconciliation_start(episode=episode, occasion="admission", user=clinician)
    services.reconciliation_update(
        reconciliation=rec, decisions={bup.pk: {"decision": "continued"}}, user=clinician
    )
    services.reconciliation_sign(reconciliation=rec, user=clinician)
    mismatches, counts = signature_check()
    assert counts["medication reconciliations"] == 1 and not mismatches
    ReconciliationItem.objects.filter(reconciliation=rec).update(decision="stopped")
    mismatches, _ = signature_check()
    assert [(m.kind, m.id) for m in mismatches] == [("medication reconciliation", rec.pk)]


# --- discharge ---------------------------------------------------------------------------------


def _discharge(episode, user):
    from plans import services as plan_services
    from tests.plans.helpers import AFTERCARE

    return plan_services.episode_discharge(
        episode=episode, aftercare=AFTERCARE, reason="completed", user=user
    )


def test_discharge_with_current_medications_needs_a_signed_discharge_reconciliation(
    episode, bup, clinician
):
    with pytest.raises(ValidationError) as error:
        _discharge(episode, clinician)
    assert "Reconcile the medications at discharge" in str(error.value)
    rec = services.reconciliation_start(episode=episode, occasion="discharge", user=clinician)
    services.reconciliation_update(
        reconciliation=rec, decisions={bup.pk: {"decision": "continued"}}, user=clinician
    )
    services.reconciliation_sign(reconciliation=rec, user=clinician)
    assert _discharge(episode, clinician).status == "discharged"


def test_a_patient_with_no_current_medication_is_discharged_without_one(episode, clinician):
    assert _discharge(episode, clinician).status == "discharged"
