"""Editing a draft: a stale save is refused, and what has progress recorded is never removed."""

import pytest
from django.core.exceptions import ValidationError

from plans import services
from plans.models import Goal, Intervention, Objective, Problem, ProgressEntry, StaleEditError
from tests.plans.helpers import at, objective_of, snapshot, travel

# --- a stale save is refused -----------------------------------------------------------------


def test_the_second_of_two_editors_is_refused(episode, make_plan, clinician, clinician2):
    draft = make_plan(episode)
    loaded = draft.revision  # both editors open the draft at this revision
    assert loaded == 4

    with travel(at(2025, 3, 5, 14, 7)):
        saved = services.plan_update(
            plan=draft, data={"summary": "Casey's formulation"}, user=clinician, revision=loaded
        )
    assert saved.revision == 5

    with pytest.raises(StaleEditError) as error:
        services.plan_update(
            plan=draft,
            data={"summary": "Second editor's text"},
            user=clinician2,
            revision=loaded,
        )

    assert "Casey Morgan saved this draft at 14:07" in str(error.value)
    draft.refresh_from_db()
    assert (draft.summary, draft.revision, draft.updated_by) == (
        "Casey's formulation",
        5,
        clinician,
    )


@pytest.mark.parametrize(
    "edit",
    [
        lambda plan, user, rev: services.problem_add(
            plan=plan, data={"description": "Stale"}, user=user, revision=rev
        ),
        lambda plan, user, rev: services.item_update(
            item=plan.problems.get(), data={"description": "Stale"}, user=user, revision=rev
        ),
        lambda plan, user, rev: services.item_remove(
            item=plan.problems.get(), user=user, revision=rev
        ),
        lambda plan, user, rev: services.plan_activate(
            plan=plan, user=user, patient_ack_name="Pat Doe", revision=rev
        ),
    ],
    ids=["problem_add", "item_update", "item_remove", "plan_activate"],
)
def test_stale_item_edits_and_signing_are_refused(episode, make_plan, clinician, clinician2, edit):
    draft = make_plan(episode)
    loaded = draft.revision
    services.plan_update(plan=draft, data={"summary": "First"}, user=clinician, revision=loaded)
    before = snapshot(draft)

    with pytest.raises(StaleEditError, match="Casey Morgan saved this draft"):
        edit(draft, clinician2, loaded)

    assert snapshot(draft) == before


def test_the_current_revision_is_accepted_as_sent_by_a_form(episode, make_plan, clinician):
    draft = make_plan(episode)
    services.plan_update(
        plan=draft, data={"summary": "From the form"}, user=clinician, revision=str(draft.revision)
    )
    draft.refresh_from_db()
    assert (draft.summary, draft.revision) == ("From the form", 5)


# --- removing what has progress recorded against it ---------------------------------------


@pytest.mark.parametrize("kind", ["objective", "goal", "problem"])
def test_what_has_progress_recorded_cannot_be_removed(episode, make_plan, clinician, kind):
    plan = make_plan(episode)
    objective = objective_of(plan)
    ProgressEntry.objects.create(  # a draft's objective with progress: only older data has one
        objective=objective,
        lineage=objective.lineage,
        patient_id=plan.patient_id,
        rating=2,
        note="By hand",
        recorded_by=clinician,
    )
    item = {"objective": objective, "goal": objective.goal, "problem": objective.goal.problem}
    before = snapshot(plan)

    with pytest.raises(ValidationError, match="progress recorded"):
        services.item_remove(item=item[kind], user=clinician)

    assert snapshot(plan) == before
    assert ProgressEntry.objects.count() == 1


def test_removing_a_problem_removes_what_hangs_under_it(episode, make_plan, clinician):
    plan = make_plan(episode)
    services.item_remove(item=plan.problems.get(), user=clinician)
    plan.refresh_from_db()
    assert plan.revision == 5
    assert [m.objects.count() for m in (Problem, Goal, Objective, Intervention)] == [0, 0, 0, 0]
