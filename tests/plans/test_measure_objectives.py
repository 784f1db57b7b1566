"""Objectives tied to a measure: progress read from real results, and targets inside the
instrument's total."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from plans import services
from plans.models import Goal, Objective
from tests.plans.helpers import at, objective_of, phq9, snapshot, travel

# --- objectives tied to a measure --------------------------------------------------------


def test_measure_progress_reads_real_results(make_episode, make_plan, clinician):
    with travel(at(2025, 3, 3)) as traveller:
        episode = make_episode(clinician=clinician)
        patient = episode.patient
        other = make_episode(clinician=clinician).patient
        plan = make_plan(episode, measure_target=12, objective_due=date(2025, 4, 30))
        traveller.move_to(at(2025, 3, 25))
        phq9(patient, clinician, 19, at(2025, 2, 26))  # before admission on 3 March
        phq9(patient, clinician, 17, at(2025, 3, 1))  # before admission
        phq9(patient, clinician, 14, at(2025, 3, 10))  # the first since admission: baseline
        phq9(patient, clinician, 11, at(2025, 3, 24))  # latest
        phq9(other, clinician, 2, at(2025, 3, 25, 9))  # someone else's
        objective = objective_of(plan)
        progress = services.measure_progress(plan)

    assert list(progress) == [objective.pk]
    result = progress[objective.pk]
    assert result["instrument"] == "PHQ-9"
    assert result["target"] == 12
    assert (result["baseline"], result["latest"], result["change"]) == (14, 11, -3)
    assert result["latest_at"] == at(2025, 3, 24)
    assert (result["met"], result["state"]) == (True, "met")  # 11 is below 12
    assert [total for _, total in result["points"]] == [19, 17, 14, 11]


@pytest.mark.parametrize(
    ("target", "today", "met", "state"),
    [
        (12, date(2025, 3, 25), True, "met"),
        (12, date(2025, 5, 1), True, "met"),
        (11, date(2025, 3, 25), False, "not yet met"),  # 11 is not *below* 11
        (10, date(2025, 4, 30), False, "not yet met"),  # the target date itself
        (10, date(2025, 5, 1), False, "not met by the target date"),
    ],
)
def test_measure_progress_states(make_episode, make_plan, clinician, target, today, met, state):
    with travel(at(2025, 3, 3)) as traveller:
        episode = make_episode(clinician=clinician)
        plan = make_plan(episode, measure_target=target, objective_due=date(2025, 4, 30))
        phq9(episode.patient, clinician, 11, at(2025, 3, 24))
        traveller.move_to(at(today.year, today.month, today.day))
        result = services.measure_progress(plan)[objective_of(plan).pk]

    assert (result["baseline"], result["latest"], result["change"]) == (11, 11, 0)
    assert (result["met"], result["state"]) == (met, state)


def test_measure_progress_before_admission_only_and_without_results(
    make_episode, make_plan, clinician
):
    with travel(at(2025, 3, 3)) as traveller:
        episode = make_episode(clinician=clinician)
        plan = make_plan(episode, measure_target=10, objective_due=date(2025, 4, 30))
        goal = Goal.objects.get(problem__plan=plan)
        anxiety = services.objective_add(
            goal=goal,
            user=clinician,
            data={
                "description": "GAD-7 below 5",
                "target_date": date(2025, 4, 30),
                "measure_instrument": "GAD7",
                "measure_target": 5,
            },
        )
        unmeasured = services.objective_add(
            goal=goal,
            user=clinician,
            data={"description": "Walks daily", "target_date": date(2025, 4, 30)},
        )
        phq9(episode.patient, clinician, 16, at(2025, 2, 20))
        phq9(episode.patient, clinician, 15, at(2025, 3, 1))
        traveller.move_to(at(2025, 3, 5))
        progress = services.measure_progress(plan)

    assert set(progress) == {objective_of_measure(plan, "PHQ9").pk, anxiety.pk}
    assert unmeasured.pk not in progress
    phq = progress[objective_of_measure(plan, "PHQ9").pk]
    # no result since admission: the baseline is the last one before it
    assert (phq["baseline"], phq["latest"], phq["change"]) == (15, 15, 0)
    assert (phq["met"], phq["state"]) == (False, "not yet met")
    gad = progress[anxiety.pk]
    assert (gad["baseline"], gad["latest"], gad["change"], gad["latest_at"]) == (
        None,
        None,
        None,
        None,
    )
    assert (gad["met"], gad["state"], gad["points"]) == (False, "no results yet", [])


def objective_of_measure(plan, code):
    return Objective.objects.get(goal__problem__plan=plan, measure_instrument=code)


@pytest.mark.parametrize(
    ("instrument", "target", "message"),
    [
        ("PHQ9", None, "Give both the measure and its target, or neither."),
        ("", 10, "Give both the measure and its target, or neither."),
        ("PHQ9", 0, "PHQ-9 totals run 0–27; choose a target above 0."),
        ("PHQ9", 28, "PHQ-9 totals run 0–27; choose a target above 0."),
        ("GAD7", 22, "GAD-7 totals run 0–21; choose a target above 0."),
    ],
)
def test_objective_add_refuses_an_unusable_measure_target(
    episode, make_plan, clinician, instrument, target, message
):
    plan = make_plan(episode)
    goal = Goal.objects.get(problem__plan=plan)
    before = snapshot(plan)

    with pytest.raises(ValidationError) as error:
        services.objective_add(
            goal=goal,
            user=clinician,
            data={
                "description": "New",
                "target_date": date(2027, 1, 1),
                "measure_instrument": instrument,
                "measure_target": target,
            },
        )

    assert error.value.message_dict == {"measure_target": [message]}
    assert snapshot(plan) == before


@pytest.mark.parametrize(("instrument", "target"), [("PHQ9", 1), ("PHQ9", 27), ("PCL5", 33)])
def test_objective_add_accepts_targets_in_range(episode, make_plan, clinician, instrument, target):
    plan = make_plan(episode)
    objective = services.objective_add(
        goal=Goal.objects.get(problem__plan=plan),
        user=clinician,
        data={
            "description": "New",
            "target_date": date(2027, 3, 15),
            "measure_instrument": instrument,
            "measure_target": target,
        },
    )
    objective.refresh_from_db()
    assert (objective.measure_instrument, objective.measure_target) == (instrument, target)
    assert objective.position == 2


def test_objective_add_refuses_a_measure_without_a_total(episode, make_plan, clinician):
    """The C-SSRS screener has no total score to set a target on."""
    plan = make_plan(episode)
    before = snapshot(plan)
    with pytest.raises(ValidationError) as error:
        services.objective_add(
            goal=Goal.objects.get(problem__plan=plan),
            user=clinician,
            data={
                "description": "New",
                "target_date": date(2027, 1, 1),
                "measure_instrument": "CSSRS",
                "measure_target": 1,
            },
        )
    assert set(error.value.message_dict) == {"measure_instrument"}
    assert snapshot(plan) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"measure_target": 40}, "measure_target"),
        ({"measure_target": None}, "measure_target"),
        ({"measure_instrument": ""}, "measure_target"),
        ({"measure_instrument": "GAD7", "measure_target": 25}, "measure_target"),
    ],
)
def test_item_update_checks_an_objectives_measure_target_too(
    episode, make_plan, clinician, data, field
):
    plan = make_plan(episode)
    before = snapshot(plan)
    with pytest.raises(ValidationError) as error:
        services.item_update(item=objective_of(plan), data=data, user=clinician)
    assert set(error.value.message_dict) == {field}
    assert snapshot(plan) == before


def test_item_update_changes_an_objectives_measure(episode, make_plan, clinician):
    plan = make_plan(episode)
    services.item_update(
        item=objective_of(plan),
        data={"measure_instrument": "GAD7", "measure_target": 5},
        user=clinician,
    )
    objective = objective_of(plan)
    assert objective.measure_label == "GAD-7 below 5 by 31 Jan 2027"
