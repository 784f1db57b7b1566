"""Rules that live in the plans services, so every caller (page, API, session notes, reviews,
jobs, the shell) meets them: called here directly, without HTTP."""

import pytest
from django.core.exceptions import ValidationError

from plans import services
from plans.models import Objective, Problem, ProgressEntry


def objective_of(plan):
    return Objective.objects.get(goal__problem__plan=plan)


@pytest.mark.parametrize("code", ["F41.1", "nonsense"])
def test_a_problem_linked_to_a_diagnosis_the_intake_did_not_make_is_refused(
    episode, make_plan, clinician, code
):
    plan = make_plan(episode)  # the intake diagnosed F32.1

    with pytest.raises(ValidationError) as refused:
        services.problem_add(
            plan=plan, user=clinician, data={"description": "Worry", "diagnosis_code": code}
        )

    assert "diagnosis_code" in refused.value.message_dict
    assert Problem.objects.filter(plan=plan).count() == 1


def test_a_problem_cannot_be_changed_to_a_diagnosis_the_intake_did_not_make(
    episode, make_plan, clinician
):
    plan = make_plan(episode)
    problem = plan.problems.get()

    with pytest.raises(ValidationError) as refused:
        services.item_update(item=problem, user=clinician, data={"diagnosis_code": "F41.1"})

    assert refused.value.message_dict["diagnosis_code"] == [
        "Link one of the intake's diagnoses (F32.1)."
    ]
    problem.refresh_from_db()
    assert problem.diagnosis_code == "F32.1"


def test_a_diagnosis_from_the_intake_is_stored_upper_case(episode, make_plan, clinician):
    plan = make_plan(episode)

    problem = services.problem_add(
        plan=plan, user=clinician, data={"description": "Sleep", "diagnosis_code": " f32.1 "}
    )

    assert problem.diagnosis_code == "F32.1"


def test_progress_on_an_objective_of_a_draft_plan_is_refused(episode, make_plan, clinician):
    draft = make_plan(episode)

    with pytest.raises(ValidationError) as refused:
        services.progress_record(objective=objective_of(draft), rating=2, user=clinician)

    assert refused.value.message_dict == {"objective": ["Progress is recorded on the active plan."]}
    assert not ProgressEntry.objects.exists()


def test_progress_on_a_superseded_plan_is_refused(episode, make_plan, clinician):
    v1 = services.plan_activate(plan=make_plan(episode), user=clinician, patient_ack_name="Pat")
    v2 = services.plan_revise(plan=v1, user=clinician)
    services.plan_activate(plan=v2, user=clinician, patient_ack_name="Pat")

    with pytest.raises(ValidationError, match="active plan"):
        services.progress_record(objective=objective_of(v1), rating=2, user=clinician)

    assert not ProgressEntry.objects.exists()


def test_an_intake_coordinator_cannot_record_progress(episode, make_plan, clinician, intake):
    active = services.plan_activate(plan=make_plan(episode), user=clinician, patient_ack_name="Pat")

    with pytest.raises(ValidationError, match="Only a clinician or supervisor"):
        services.progress_record(objective=objective_of(active), rating=2, user=intake)

    assert not ProgressEntry.objects.exists()
