"""What the plans API tests share: results to record, URLs, and a snapshot of every row the
API can change."""

from django.urls import reverse

from plans.models import (
    AftercarePlan,
    Goal,
    Intervention,
    Objective,
    PlanReview,
    Problem,
    ProgressEntry,
    SafetyPlan,
    TreatmentPlan,
)

PHQ9_18 = [2] * 9
PHQ9_9 = [2, 2, 2, 1, 1, 1, 0, 0, 0]
AFTERCARE = {
    "step_down_level": "OP",
    "follow_up_appointments": "Dr Lee, Tuesday 10:00",
    "relapse_prevention": "Call my sponsor; meetings twice a week",
}


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def url(name, pk=None, action=None):
    if pk is None:
        return reverse(f"{name}-list")
    return reverse(f"{name}-{action or 'detail'}", args=[pk])


def tree_ids(plan):
    problem = plan.problems.get()
    goal = problem.goals.get()
    objective = goal.objectives.get()
    return {
        "problem": problem.pk,
        "goal": goal.pk,
        "objective": objective.pk,
        "intervention": objective.interventions.get().pk,
    }


def snapshot():
    """Everything the plans API can change, to show a refused call changed nothing."""
    models = (
        TreatmentPlan,
        Problem,
        Goal,
        Objective,
        Intervention,
        ProgressEntry,
        PlanReview,
        SafetyPlan,
        AftercarePlan,
    )
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
