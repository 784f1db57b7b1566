"""Goals and objectives are due from the plan's start to two years ahead, an objective no later
than its goal (iop.validation)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plans import services
from plans.models import Goal, Objective

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(clock, make_plan, make_episode, clinician):
    """A draft for an episode admitted on Monday 2 November 2026; its objective due 31 Jan 2027."""
    return make_plan(make_episode(clinician=clinician))


def test_a_goal_due_in_2020_is_refused(plan, clinician):
    problem = plan.problems.get()

    with pytest.raises(ValidationError) as error:
        services.goal_add(
            problem=problem,
            user=clinician,
            data={"client_words": "Sleep", "target_date": date(2020, 6, 1)},
        )

    assert error.value.message_dict["target_date"] == [
        "The target date is before the plan's start (2 Nov 2026)."
    ]


def test_a_goal_due_more_than_two_years_ahead_is_refused(plan, clinician):
    with pytest.raises(ValidationError, match=r"more than 2 years ahead \(latest 2 Nov 2028\)"):
        services.goal_add(
            problem=plan.problems.get(),
            user=clinician,
            data={"client_words": "Sleep", "target_date": date(2029, 1, 1)},
        )


def test_an_objective_due_after_its_goal_is_refused(plan, clinician):
    goal = Goal.objects.get(problem__plan=plan)
    services.item_update(item=goal, data={"target_date": date(2027, 3, 1)}, user=clinician)

    with pytest.raises(ValidationError) as error:
        services.objective_add(
            goal=goal,
            user=clinician,
            data={"description": "Walks daily", "target_date": date(2027, 4, 1)},
        )

    assert error.value.message_dict["target_date"] == [
        "The objective is due after its goal (1 Mar 2027)."
    ]


def test_a_goal_moved_before_its_objective_is_refused(plan, clinician):
    goal = Goal.objects.get(problem__plan=plan)

    with pytest.raises(ValidationError, match=r"An objective of this goal is due later \(31 Jan"):
        services.item_update(item=goal, data={"target_date": date(2027, 1, 1)}, user=clinician)

    goal.refresh_from_db()
    assert goal.target_date is None


def test_the_api_answers_400_on_target_date(api_client, plan, clinician):
    api_client.force_authenticate(clinician)
    objective = Objective.objects.get(goal__problem__plan=plan)

    response = api_client.patch(
        reverse("objective-detail", args=[objective.pk]),
        {"target_date": "2020-01-01", "revision": plan.revision},
    )

    assert response.status_code == 400
    assert response.json()["target_date"] == [
        "The target date is before the plan's start (2 Nov 2026)."
    ]


def test_the_editor_says_why_and_keeps_the_typed_goal(client, plan, clinician):
    client.force_login(clinician)
    problem = plan.problems.get()
    prefix = f"new-goal-{problem.pk}"

    response = client.post(
        reverse("plans:add", args=[plan.pk, "goal", problem.pk]),
        {
            f"{prefix}-client_words": "Go back to my choir",
            f"{prefix}-target_date": "2020-06-01",
            f"{prefix}-status": "not_started",
            f"{prefix}-revision": plan.revision,
        },
        **HTMX,
    )

    html = response.content.decode()
    assert "before the plan&#x27;s start (2 Nov 2026)" in html
    assert "Go back to my choir" in html
    assert problem.goals.count() == 1
