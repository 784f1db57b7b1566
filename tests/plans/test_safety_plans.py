"""Safety plans: versions, what signing needs, who may write them, stale saves, when one is
needed after a risk alert, and the audit trail."""

import pytest
from django.core.exceptions import ValidationError

from iop.audit.models import AuditEvent
from patients import services as patient_services
from patients.models import Alert
from plans import services
from plans.models import NotADraftError, SafetyPlan, StaleEditError
from tests.plans.helpers import at, travel

# --- safety plans ---------------------------------------------------------------------------


SAFETY = {
    "warning_signs": "Not sleeping; staying in my room",
    "coping_strategies": "Walk the dog; cold water on my face",
    "distractions": "Coffee shop on Main St",
    "help_contacts": "Sister Ana 555-0101",
    "environment_safety": "Medications kept by Ana",
    "reasons_for_living": "My dog; my nephew",
}


def raise_moderate_risk(patient, user):
    response = patient_services.measure_record(
        patient=patient,
        instrument_code="CSSRS",
        responses=[True, True, True, False, False, False, None],
        user=user,
    )
    assert response.severity == "moderate"
    return Alert.objects.get(patient=patient, kind="risk")


def test_safety_plan_versions(patient, clinician, supervisor):
    with travel(at(2025, 3, 3)) as traveller:
        v1 = services.safety_plan_start(patient=patient, user=clinician)
        assert (v1.version, v1.status, v1.revision) == (1, "draft", 0)
        assert v1.professional_contacts.startswith("988 Suicide & Crisis Lifeline")
        assert services.safety_plan_start(patient=patient, user=clinician).pk == v1.pk
        v1 = services.safety_plan_update(plan=v1, data=SAFETY, user=clinician, revision=0)
        assert v1.revision == 1
        v1 = services.safety_plan_activate(plan=v1, user=clinician, patient_ack_name=" Pat ")
        assert (v1.status, v1.signed_by, v1.patient_ack_name) == ("active", clinician, "Pat")
        assert v1.signed_at == v1.activated_at == v1.patient_ack_at == at(2025, 3, 3)

        traveller.move_to(at(2025, 3, 20))
        v2 = services.safety_plan_start(patient=patient, user=supervisor)
        assert (v2.version, v2.status) == (2, "draft")
        assert {name: getattr(v2, name) for name in SafetyPlan.SECTIONS} == {
            name: getattr(v1, name) for name in SafetyPlan.SECTIONS
        }
        assert services.current_safety_plan(patient).pk == v1.pk  # still v1 until v2 is signed
        services.safety_plan_update(
            plan=v2,
            data={"help_contacts": "Sister Ana 555-0101\nFriend Jo 555-0199"},
            user=supervisor,
        )
        services.safety_plan_activate(plan=v2, user=supervisor, patient_ack_name="Pat")

    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v1.ended_at) == ("superseded", at(2025, 3, 20))
    assert v1.help_contacts == "Sister Ana 555-0101"
    assert (v2.status, v2.signed_by) == ("active", supervisor)
    assert v2.help_contacts == "Sister Ana 555-0101\nFriend Jo 555-0199"
    assert services.current_safety_plan(patient).pk == v2.pk
    for plan in (v1, v2):
        with pytest.raises(NotADraftError):
            services.safety_plan_update(plan=plan, data={"warning_signs": "x"}, user=clinician)
    v2.refresh_from_db()
    assert v2.warning_signs == SAFETY["warning_signs"]


def test_safety_plan_activation_needs_every_section_and_the_acknowledgement(patient, clinician):
    plan = services.safety_plan_start(patient=patient, user=clinician)
    services.safety_plan_update(
        plan=plan,
        data={"distractions": "Library", "professional_contacts": "  "},
        user=clinician,
    )

    with pytest.raises(ValidationError) as error:
        services.safety_plan_activate(plan=plan, user=clinician, patient_ack_name="")

    assert set(error.value.message_dict) == {
        "warning_signs",
        "coping_strategies",
        "help_contacts",
        "professional_contacts",
        "environment_safety",
        "reasons_for_living",
        "patient_ack_name",
        "__all__",
    }
    plan.refresh_from_db()
    assert (plan.status, plan.signed_by) == ("draft", None)


def test_a_safety_plan_with_every_section_filled_can_be_signed(patient, clinician):
    plan = services.safety_plan_start(patient=patient, user=clinician)
    services.safety_plan_update(plan=plan, user=clinician, data=SAFETY)
    # professional_contacts keeps its 988 default
    plan = services.safety_plan_activate(plan=plan, user=clinician, patient_ack_name="Pat")
    assert plan.status == "active"


def test_an_intake_coordinator_cannot_write_or_sign_a_safety_plan(patient, clinician, intake):
    with pytest.raises(ValidationError, match="Only a clinician or supervisor"):
        services.safety_plan_start(patient=patient, user=intake)
    plan = services.safety_plan_start(patient=patient, user=clinician)
    services.safety_plan_update(plan=plan, data=SAFETY, user=clinician)
    with pytest.raises(ValidationError, match="Only a clinician or supervisor"):
        services.safety_plan_activate(plan=plan, user=intake, patient_ack_name="Pat")
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_a_stale_safety_plan_save_is_refused(patient, clinician, clinician2):
    plan = services.safety_plan_start(patient=patient, user=clinician)
    services.safety_plan_update(plan=plan, data=SAFETY, user=clinician, revision=0)
    with pytest.raises(StaleEditError, match="Casey Morgan saved this draft"):
        services.safety_plan_update(
            plan=plan, data={"warning_signs": "Other"}, user=clinician2, revision=0
        )
    plan.refresh_from_db()
    assert (plan.warning_signs, plan.revision) == (SAFETY["warning_signs"], 1)


def test_a_safety_plan_is_needed_after_a_moderate_risk_alert_until_one_is_signed(
    patient, clinician
):
    assert services.safety_plan_needed(patient) is False

    alert = raise_moderate_risk(patient, clinician)

    assert alert.risk_level == "moderate" and alert.status == "open"
    assert services.safety_plan_needed(patient) is True
    plan = services.safety_plan_start(patient=patient, user=clinician)
    services.safety_plan_update(plan=plan, data=SAFETY, user=clinician)
    assert services.safety_plan_needed(patient) is True  # a draft is not enough
    services.safety_plan_activate(plan=plan, user=clinician, patient_ack_name="Pat")
    assert services.safety_plan_needed(patient) is False


def test_closing_the_alert_leaves_the_safety_plan_required_until_risk_is_reassessed(
    patient, clinician
):
    # The requirement comes from the latest C-SSRS or clinician risk assessment, not the alert.
    alert = raise_moderate_risk(patient, clinician)
    patient_services.alert_close(alert=alert, user=clinician, action_taken="Risk assessed")
    assert services.safety_plan_needed(patient) is True

    patient_services.risk_assessment_record(
        patient=patient, level="low", rationale="Denies intent; plan removed.", user=clinician
    )
    assert services.safety_plan_needed(patient) is False

    patient_services.alert_raise(
        patient=patient, kind="risk", title="Passive wish to be dead", risk_level="low"
    )
    assert services.safety_plan_needed(patient) is False


def test_safety_plan_activation_is_audited(patient, clinician):
    plan = services.safety_plan_start(patient=patient, user=clinician)
    services.safety_plan_update(plan=plan, data=SAFETY, user=clinician)
    services.safety_plan_activate(plan=plan, user=clinician, patient_ack_name="Pat")
    event = AuditEvent.objects.get(object_type="plans.safetyplan", detail="signed and activated")
    assert (event.action, event.patient_id) == ("update", patient.pk)
