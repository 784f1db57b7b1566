"""Activating (signing) a plan: what it needs, who may sign, and its audit trail."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from iop.audit.models import AuditEvent
from plans import services
from tests.plans.helpers import activate, at, travel

# --- activation rules -----------------------------------------------------------------------


def test_activation_needs_a_goal(episode, clinician):
    plan = services.plan_start(episode=episode, user=clinician)
    services.problem_add(plan=plan, data={"description": "Low mood"}, user=clinician)

    with pytest.raises(ValidationError) as error:
        activate(plan, clinician)

    assert set(error.value.message_dict) == {"goals"}
    plan.refresh_from_db()
    assert (plan.status, plan.signed_by, plan.next_review_due) == ("draft", None, None)


@pytest.mark.parametrize("name", ["", "   ", None])
def test_activation_needs_the_patients_acknowledgement(episode, make_plan, clinician, name):
    plan = make_plan(episode)

    with pytest.raises(ValidationError) as error:
        activate(plan, clinician, name=name)

    assert set(error.value.message_dict) == {"patient_ack_name"}
    plan.refresh_from_db()
    assert (plan.status, plan.signed_at, plan.patient_ack_name) == ("draft", None, "")


def test_activation_reports_every_missing_requirement_at_once(episode, clinician):
    plan = services.plan_start(episode=episode, user=clinician)
    with pytest.raises(ValidationError) as error:
        activate(plan, clinician, name="")
    assert set(error.value.message_dict) == {"goals", "patient_ack_name"}


def test_a_future_acknowledgement_time_is_refused(episode, make_plan, clinician):
    plan = make_plan(episode)
    with travel(at(2025, 3, 5, 15)), pytest.raises(ValidationError) as error:
        services.plan_activate(
            plan=plan,
            user=clinician,
            patient_ack_name="Pat Doe",
            patient_ack_at=at(2025, 3, 5, 16),
        )
    assert set(error.value.message_dict) == {"patient_ack_at"}


def test_an_intake_coordinator_cannot_sign(episode, make_plan, intake):
    plan = make_plan(episode)

    with pytest.raises(ValidationError, match="Only a clinician or supervisor can sign"):
        activate(plan, intake)

    plan.refresh_from_db()
    assert (plan.status, plan.signed_by) == ("draft", None)
    with pytest.raises(ValidationError, match="Only a clinician or supervisor"):
        services.plan_start(episode=episode, user=intake)


def test_a_supervisor_can_sign(episode, make_plan, supervisor):
    plan = activate(make_plan(episode), supervisor)
    assert (plan.status, plan.signed_by) == ("active", supervisor)


# --- audit ------------------------------------------------------------------------------------


def test_activation_is_audited(episode, make_plan, clinician):
    plan = make_plan(episode)

    activate(plan, clinician)

    event = AuditEvent.objects.get(detail="signed and activated")
    assert event.action == "update"
    assert event.patient_id == episode.patient_id
    assert (event.object_type, event.object_id) == ("plans.treatmentplan", str(plan.pk))
    assert event.user == clinician


def test_superseding_and_refused_activation_in_the_audit_trail(episode, make_plan, clinician):
    v1 = activate(make_plan(episode), clinician)
    v2 = services.plan_revise(plan=v1, user=clinician)
    with pytest.raises(ValidationError):
        activate(v2, clinician, name="")
    assert AuditEvent.objects.filter(detail="signed and activated").count() == 1

    activate(v2, clinician)

    events = AuditEvent.objects.filter(object_type="plans.treatmentplan", action="update")
    assert set(events.values_list("object_id", "detail")) >= {
        (str(v1.pk), "signed and activated"),
        (str(v1.pk), "superseded by version 2"),
        (str(v2.pk), "signed and activated"),
    }
    assert set(events.values_list("patient_id", flat=True)) == {episode.patient_id}


def test_an_acknowledgement_before_the_draft_was_started_is_refused(episode, make_plan, clinician):
    # The API took `patient_ack_at` in the year 816 and wrote it back with a local-mean-time
    # offset that is not a valid date-time.
    plan = make_plan(episode)
    with pytest.raises(ValidationError) as error:
        services.plan_activate(
            plan=plan,
            user=clinician,
            patient_ack_name="Pat Doe",
            patient_ack_at=plan.created_at.replace(second=0, microsecond=0) - timedelta(minutes=1),
        )
    assert set(error.value.message_dict) == {"patient_ack_at"}
    plan.refresh_from_db()
    assert plan.status == "draft"
