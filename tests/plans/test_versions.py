"""Plan versions: a version-one draft once, revisions prefilled from the active plan, one active
and one draft per episode, and a signed version never edited."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from iop.audit.models import AuditEvent
from plans import services
from plans.models import Goal, Intervention, NotADraftError, Objective, TreatmentPlan
from tests.plans.helpers import activate, at, objective_of, snapshot, travel, tree

# --- version lifecycle ---------------------------------------------------------------------


def test_plan_start_makes_a_version_one_draft_once(episode, clinician):
    plan = services.plan_start(episode=episode, user=clinician)

    assert (plan.version, plan.status, plan.revision) == (1, "draft", 0)
    assert plan.patient_id == episode.patient_id
    assert plan.previous is None
    assert plan.created_by == clinician
    assert plan.signed_by is None and plan.next_review_due is None
    assert services.plan_start(episode=episode, user=clinician).pk == plan.pk
    assert TreatmentPlan.objects.filter(episode=episode).count() == 1


def test_plan_start_needs_an_admitted_episode(make_episode, clinician):
    episode = make_episode(clinician=clinician, status="intake")

    with pytest.raises(ValidationError, match="admitted"):
        services.plan_start(episode=episode, user=clinician)
    assert not TreatmentPlan.objects.exists()


def test_every_edit_of_a_draft_bumps_its_revision(episode, make_plan, clinician2):
    plan = make_plan(episode)  # problem, goal, objective, intervention: four edits
    assert plan.revision == 4

    services.plan_update(plan=plan, data={"summary": "Formulation"}, user=clinician2)
    plan.refresh_from_db()
    assert (plan.revision, plan.summary, plan.updated_by) == (5, "Formulation", clinician2)


def test_activation_signs_and_schedules_the_review_after_the_default_cadence(
    make_episode, make_plan, clinician
):
    with travel(at(2025, 3, 3)) as traveller:
        episode = make_episode(clinician=clinician)
        plan = make_plan(episode)
        # 22:30 in New York is already 6 March in UTC: the review date follows the local date.
        traveller.move_to(at(2025, 3, 5, 22, 30))
        activate(plan, clinician, name="  Pat Doe ")

    plan.refresh_from_db()
    assert episode.program.review_cadence_days == 30
    assert plan.status == "active"
    assert plan.signed_by == clinician
    assert plan.signed_at == plan.activated_at == plan.patient_ack_at == at(2025, 3, 5, 22, 30)
    assert plan.patient_ack_name == "Pat Doe"
    assert plan.next_review_due == date(2025, 4, 4)  # 5 March + 30 days
    assert plan.ended_at is None


def test_activation_keeps_an_earlier_acknowledgement_time(episode, make_plan, clinician):
    with travel(at(2025, 3, 5, 8)):
        draft = make_plan(episode)
    with travel(at(2025, 3, 5, 15)):
        plan = services.plan_activate(
            plan=draft,
            user=clinician,
            patient_ack_name="Pat Doe",
            patient_ack_at=at(2025, 3, 5, 9),
        )
    assert plan.patient_ack_at == at(2025, 3, 5, 9)
    assert plan.signed_at == at(2025, 3, 5, 15)


def test_revising_the_active_plan_makes_a_prefilled_draft(
    episode, make_plan, clinician, clinician2
):
    v1 = make_plan(episode)
    services.plan_update(plan=v1, data={"summary": "Supportive sister."}, user=clinician)
    problem = services.problem_add(plan=v1, data={"description": "Poor sleep"}, user=clinician)
    goal = services.goal_add(
        problem=problem,
        user=clinician,
        data={
            "client_words": "Sleep through the night",
            "target_date": date(2027, 6, 1),
            "status": "in_progress",
        },
    )
    objective = services.objective_add(
        goal=goal,
        user=clinician,
        data={"description": "6 hours' sleep 5 nights a week", "target_date": date(2027, 5, 1)},
    )
    services.intervention_add(
        objective=objective,
        user=clinician,
        data={"modality": "psychoeducation", "frequency": "weekly", "responsible": clinician2},
    )
    v1 = activate(v1, clinician)
    before = tree(v1)

    v2 = services.plan_revise(plan=v1, user=clinician)

    assert (v2.version, v2.status, v2.previous_id) == (2, "draft", v1.pk)
    assert v2.summary == "Supportive sister."
    assert v2.signed_by is None and v2.next_review_due is None
    assert tree(v2) == before  # same content, objectives keep their lineage
    old = {o.lineage: o.pk for o in Objective.objects.filter(goal__problem__plan=v1)}
    new = {o.lineage: o.pk for o in Objective.objects.filter(goal__problem__plan=v2)}
    assert old.keys() == new.keys() and len(old) == 2
    assert not set(old.values()) & set(new.values())  # copies, not the same rows
    v1.refresh_from_db()
    assert v1.status == "active"
    assert tree(v1) == before
    # plan_start on an episode with an active plan and no draft revises it too
    assert services.plan_start(episode=episode, user=clinician).pk == v2.pk
    assert services.plan_revise(plan=v1, user=clinician).pk == v2.pk


def test_plan_start_revises_the_active_plan_when_there_is_no_draft(episode, make_plan, clinician):
    v1 = activate(make_plan(episode), clinician)

    v2 = services.plan_start(episode=episode, user=clinician)

    assert (v2.version, v2.status, v2.previous_id) == (2, "draft", v1.pk)
    assert tree(v2) == tree(v1)


def test_activating_the_revision_supersedes_the_old_version(make_episode, make_plan, clinician):
    with travel(at(2025, 3, 3)) as traveller:
        episode = make_episode(clinician=clinician)
        v1 = activate(make_plan(episode), clinician)
        assert v1.next_review_due == date(2025, 4, 2)
        traveller.move_to(at(2025, 3, 20, 11))
        v2 = services.plan_revise(plan=v1, user=clinician)
        services.plan_update(plan=v2, data={"summary": "Adds sleep work"}, user=clinician)
        activate(v2, clinician)

    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.status == "superseded"
    assert v1.ended_at == at(2025, 3, 20, 11)
    assert v2.status == "active"
    assert v2.activated_at == at(2025, 3, 20, 11)
    # v1's review was due 2 April: signing a revision on 20 March does not push it back to
    # 19 April (20 March + 30).
    assert v2.next_review_due == date(2025, 4, 2)
    assert dict(TreatmentPlan.objects.filter(episode=episode).values_list("version", "status")) == {
        1: "superseded",
        2: "active",
    }


def test_one_active_and_one_draft_per_episode(episode, make_plan, clinician):
    v1 = activate(make_plan(episode), clinician)
    v2 = services.plan_revise(plan=v1, user=clinician)
    v2 = activate(v2, clinician)
    v3 = services.plan_start(episode=episode, user=clinician)

    assert v3.version == 3
    assert services.plan_start(episode=episode, user=clinician).pk == v3.pk
    statuses = list(
        TreatmentPlan.objects.filter(episode=episode).order_by("version").values_list("status")
    )
    assert statuses == [("superseded",), ("active",), ("draft",)]
    for status in ("active", "draft"):
        with pytest.raises(IntegrityError), transaction.atomic():
            TreatmentPlan.objects.create(
                episode=episode, patient=episode.patient, version=4, status=status
            )


def test_only_the_active_plan_can_be_revised(signed_versions, clinician):
    with pytest.raises(NotADraftError):
        services.plan_revise(plan=signed_versions["superseded"], user=clinician)
    draft = services.plan_start(episode=signed_versions["active"].episode, user=clinician)
    with pytest.raises(NotADraftError):
        services.plan_revise(plan=draft, user=clinician)
    assert TreatmentPlan.objects.count() == 3


# --- a signed version is never edited ------------------------------------------------------


EDITS = {
    "plan_update": lambda plan, user: services.plan_update(
        plan=plan, data={"summary": "Changed"}, user=user
    ),
    "problem_add": lambda plan, user: services.problem_add(
        plan=plan, data={"description": "Another problem"}, user=user
    ),
    "goal_add": lambda plan, user: services.goal_add(
        problem=plan.problems.get(), data={"client_words": "Another goal"}, user=user
    ),
    "objective_add": lambda plan, user: services.objective_add(
        goal=Goal.objects.get(problem__plan=plan),
        user=user,
        data={"description": "Another", "target_date": date(2027, 1, 1)},
    ),
    "intervention_add": lambda plan, user: services.intervention_add(
        objective=objective_of(plan),
        user=user,
        data={"modality": "mi", "frequency": "weekly", "responsible": user},
    ),
    "item_update problem": lambda plan, user: services.item_update(
        item=plan.problems.get(), data={"description": "Changed"}, user=user
    ),
    "item_update goal": lambda plan, user: services.item_update(
        item=Goal.objects.get(problem__plan=plan), data={"status": "achieved"}, user=user
    ),
    "item_update objective": lambda plan, user: services.item_update(
        item=objective_of(plan), data={"description": "Changed"}, user=user
    ),
    "item_update intervention": lambda plan, user: services.item_update(
        item=Intervention.objects.get(objective__goal__problem__plan=plan),
        data={"frequency": "daily"},
        user=user,
    ),
    "item_remove problem": lambda plan, user: services.item_remove(
        item=plan.problems.get(), user=user
    ),
    "item_remove goal": lambda plan, user: services.item_remove(
        item=Goal.objects.get(problem__plan=plan), user=user
    ),
    "item_remove intervention": lambda plan, user: services.item_remove(
        item=Intervention.objects.get(objective__goal__problem__plan=plan), user=user
    ),
}


@pytest.mark.parametrize("state", ["active", "superseded"])
@pytest.mark.parametrize("edit", list(EDITS))
def test_a_signed_version_is_never_edited(signed_versions, clinician, state, edit):
    plan = signed_versions[state]
    before = snapshot(plan)
    events = AuditEvent.objects.count()

    with pytest.raises(NotADraftError, match=f"Version {plan.version} is {state}"):
        EDITS[edit](plan, clinician)

    assert snapshot(plan) == before
    assert AuditEvent.objects.count() == events


def test_the_draft_beside_the_signed_versions_is_editable(signed_versions, clinician):
    draft = services.plan_start(episode=signed_versions["active"].episode, user=clinician)
    for edit in ("plan_update", "item_update goal", "item_update intervention", "problem_add"):
        EDITS[edit](draft, clinician)

    draft.refresh_from_db()
    assert draft.summary == "Changed"
    assert list(draft.problems.values_list("description", flat=True)) == [
        "Low mood most days; not working",
        "Another problem",
    ]
    assert Goal.objects.get(problem__plan=draft).status == "achieved"
    active = signed_versions["active"]
    assert Goal.objects.get(problem__plan=active).status == "not_started"
    assert Intervention.objects.get(objective__goal__problem__plan=active).frequency == (
        "3 groups a week"
    )
