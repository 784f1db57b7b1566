"""Discharge needs a complete aftercare plan, records its reason and closes the plans."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from patients import services as patient_services
from patients.models import Episode
from plans import services
from plans.models import AftercarePlan, NotADraftError, PlanReview, TreatmentPlan
from tests.plans.helpers import AFTERCARE, activate, at, snapshot, travel

# --- discharge needs an aftercare plan ----------------------------------------------------


def test_discharge_without_an_aftercare_plan_is_refused(episode, make_plan, clinician):
    plan = activate(make_plan(episode), clinician)

    with pytest.raises(ValidationError) as error:
        patient_services.episode_transition(
            episode=episode, to_status="discharged", user=clinician, discharge_reason="completed"
        )

    assert set(error.value.message_dict) == {"aftercare"}
    assert "Write the aftercare plan before discharging" in error.value.message_dict["aftercare"][0]
    episode.refresh_from_db()
    plan.refresh_from_db()
    assert (episode.status, episode.discharge_reason, episode.discharge_date) == (
        "active",
        "",
        None,
    )
    assert plan.status == "active" and plan.next_review_due is not None


def test_discharge_with_an_incomplete_stored_aftercare_plan_names_what_is_missing(
    episode, clinician
):
    AftercarePlan.objects.create(
        episode=episode,
        patient=episode.patient,
        step_down_level="OP",
        follow_up_appointments="Dr Lee, 22 April",
        relapse_prevention=" ",
    )

    with pytest.raises(ValidationError) as error:
        patient_services.episode_transition(
            episode=episode, to_status="discharged", user=clinician, discharge_reason="completed"
        )

    assert error.value.message_dict["aftercare"] == [
        "The aftercare plan is missing: relapse-prevention plan."
    ]
    episode.refresh_from_db()
    assert episode.status == "active"


def test_episode_discharge_closes_the_active_plan_and_the_draft(make_episode, make_plan, clinician):
    with travel(at(2025, 3, 3)) as traveller:
        episode = make_episode(clinician=clinician)
        active = activate(make_plan(episode), clinician)
        traveller.move_to(at(2025, 3, 30))
        review = services.review_open(plan=active, user=clinician)
        draft = services.plan_revise(plan=active, user=clinician)
        traveller.move_to(at(2025, 4, 15, 16))
        services.episode_discharge(
            episode=episode, aftercare=AFTERCARE, reason="completed", user=clinician
        )

    episode.refresh_from_db()
    assert episode.status == Episode.Status.DISCHARGED
    assert episode.discharge_reason == "completed"
    assert episode.discharge_date == date(2025, 4, 15)
    aftercare = AftercarePlan.objects.get(episode=episode)
    assert {field: getattr(aftercare, field) for field in AFTERCARE} == AFTERCARE
    assert aftercare.created_by == clinician
    for plan in (active, draft):
        plan.refresh_from_db()
        assert plan.status == "closed"
        assert plan.close_reason == "Discharged: Completed the program"
        assert plan.ended_at == at(2025, 4, 15, 16)
        assert plan.next_review_due is None
    assert not PlanReview.objects.filter(pk=review.pk).exists()  # the open review went with it
    with pytest.raises(NotADraftError, match="closed"):
        services.plan_update(plan=draft, data={"summary": "After discharge"}, user=clinician)


def test_a_discharge_records_its_reason(episode, make_plan, clinician):
    activate(make_plan(episode), clinician)
    services.episode_discharge(
        episode=episode, aftercare=AFTERCARE, reason="stepped_down", user=clinician
    )
    plan = TreatmentPlan.objects.get(episode=episode)
    assert plan.close_reason == "Discharged: Stepped down to a lower level of care"
    episode.refresh_from_db()
    assert episode.discharge_reason == "stepped_down"


@pytest.mark.parametrize(
    ("aftercare", "reason", "errors"),
    [
        ({**AFTERCARE, "follow_up_appointments": ""}, "completed", {"follow_up_appointments"}),
        (
            {**AFTERCARE, "follow_up_appointments": "", "relapse_prevention": ""},
            "completed",
            {"follow_up_appointments", "relapse_prevention"},
        ),
        ({**AFTERCARE, "step_down_level": "moon base"}, "completed", {"step_down_level"}),
        (AFTERCARE, "", {"discharge_reason"}),  # the aftercare plan is not kept either
    ],
)
def test_an_incomplete_discharge_changes_nothing(
    episode, make_plan, clinician, aftercare, reason, errors
):
    plan = activate(make_plan(episode), clinician)
    before = snapshot(plan)

    with pytest.raises(ValidationError) as error:
        services.episode_discharge(
            episode=episode, aftercare=aftercare, reason=reason, user=clinician
        )

    assert set(error.value.message_dict) == errors
    episode.refresh_from_db()
    assert (episode.status, episode.discharge_reason) == ("active", "")
    assert not AftercarePlan.objects.exists()
    assert snapshot(plan) == before


def test_an_intake_coordinator_cannot_discharge(episode, intake):
    with pytest.raises(ValidationError, match="Only a clinician or supervisor"):
        services.episode_discharge(
            episode=episode, aftercare=AFTERCARE, reason="completed", user=intake
        )
    episode.refresh_from_db()
    assert episode.status == "active"
