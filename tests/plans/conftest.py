from datetime import date

import pytest

from plans import services as plan_services
from tests.patients.conftest import *  # noqa: F403


@pytest.fixture
def make_plan(clinician):
    """A draft plan built through the services: one problem → goal → objective → intervention.

    The objective is tied to PHQ-9 ("below `measure_target` by `objective_due`") unless
    `measure_instrument=""`.
    """

    def make(
        episode,
        *,
        user=None,
        measure_instrument="PHQ9",
        measure_target=10,
        objective_due=date(2027, 1, 31),
    ):
        user = user or clinician
        plan = plan_services.plan_start(episode=episode, user=user)
        problem = plan_services.problem_add(
            plan=plan,
            user=user,
            data={"description": "Low mood most days; not working", "diagnosis_code": "F32.1"},
        )
        goal = plan_services.goal_add(
            problem=problem,
            user=user,
            data={"client_words": "I want to feel like myself again", "target_date": None},
        )
        objective = plan_services.objective_add(
            goal=goal,
            user=user,
            data={
                "description": "Mood improves as measured by PHQ-9",
                "target_date": objective_due,
                "measure_instrument": measure_instrument,
                "measure_target": measure_target if measure_instrument else None,
            },
        )
        plan_services.intervention_add(
            objective=objective,
            user=user,
            data={
                "modality": "cbt",
                "description": "Thought records",
                "frequency": "3 groups a week",
                "responsible": user,
            },
        )
        plan.refresh_from_db()
        return plan

    return make
