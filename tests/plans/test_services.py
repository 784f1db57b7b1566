"""The plans service layer: plan versions, edit refusals, signing, reviews and their due dates,
discharge with aftercare, stale-save refusal, measure-tied objectives, safety plans, audit."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from iop.audit.models import AuditEvent
from patients import services as patient_services
from patients.models import Alert, Episode, Program
from plans import services
from plans.models import (
    AftercarePlan,
    Goal,
    Intervention,
    NotADraftError,
    Objective,
    PlanReview,
    Problem,
    ProgressEntry,
    SafetyPlan,
    StaleEditError,
    TreatmentPlan,
    review_due_after,
)

NY = ZoneInfo("America/New_York")  # settings.TIME_ZONE

AFTERCARE = {
    "step_down_level": "OP",
    "follow_up_appointments": "Dr Lee, Riverside Clinic, 22 April 2025 at 10:00",
    "support_groups": "SMART Recovery, Thursday evenings",
    "relapse_prevention": "Daily mood log; call my sister when sleep slips two nights running.",
    "medications": "Sertraline 100 mg daily",
    "crisis_resources": "988 Suicide & Crisis Lifeline: call or text 988",
}


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=NY)


def travel(moment):
    return time_machine.travel(moment, tick=False)


def phq9(patient, user, total, when):
    """A real PHQ-9 result with the given total (item 9 answered 0, so no risk alert)."""
    answers = [min(3, max(0, total - 3 * i)) for i in range(8)] + [0]
    assert sum(answers) == total
    response = patient_services.measure_record(
        patient=patient,
        instrument_code="PHQ9",
        responses=answers,
        user=user,
        administered_at=when,
    )
    assert response.total_score == total
    return response


def activate(plan, user, name="Pat Doe"):
    return services.plan_activate(plan=plan, user=user, patient_ack_name=name)


def objective_of(plan):
    return Objective.objects.get(goal__problem__plan=plan)


def tree(plan):
    """The plan's content, without primary keys, in display order."""

    def interventions(o):
        return [
            (i.position, i.modality, i.description, i.frequency, i.responsible_id)
            for i in o.interventions.all()
        ]

    def objectives(g):
        return [
            (o.position, o.description, o.target_date, o.measure_instrument, o.measure_target)
            + (o.lineage, interventions(o))
            for o in g.objectives.all()
        ]

    def goals(p):
        return [
            (g.position, g.client_words, g.target_date, g.status, objectives(g))
            for g in p.goals.all()
        ]

    return [
        (p.position, p.description, p.diagnosis_code, goals(p))
        for p in Problem.objects.filter(plan=plan)
    ]


def snapshot(plan):
    """Everything a user could see change about a plan."""
    row = TreatmentPlan.objects.values(
        "status",
        "summary",
        "revision",
        "updated_at",
        "updated_by",
        "signed_by",
        "next_review_due",
        "ended_at",
    ).get(pk=plan.pk)
    counts = [m.objects.count() for m in (Problem, Goal, Objective, Intervention)]
    return row, tree(plan), counts


@pytest.fixture
def fortnightly(db):
    return Program.objects.create(name="Adolescent IOP", track="adolescent", review_cadence_days=14)


@pytest.fixture
def signed_versions(episode, make_plan, clinician):
    """v1 superseded by v2, which is active."""
    v1 = activate(make_plan(episode), clinician)
    v2 = services.plan_revise(plan=v1, user=clinician)
    services.plan_update(plan=v2, data={"summary": "Revised"}, user=clinician)
    v2 = activate(v2, clinician)
    v1.refresh_from_db()
    assert (v1.status, v2.status) == ("superseded", "active")
    return {"superseded": v1, "active": v2}


# --- 1. version lifecycle ---------------------------------------------------------------------


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
    with travel(at(2025, 3, 5, 15)):
        plan = services.plan_activate(
            plan=make_plan(episode),
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
            "target_date": date(2025, 6, 1),
            "status": "in_progress",
        },
    )
    objective = services.objective_add(
        goal=goal,
        user=clinician,
        data={"description": "6 hours' sleep 5 nights a week", "target_date": date(2025, 5, 1)},
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
    assert v2.next_review_due == date(2025, 4, 19)  # 20 March + 30, not v1's 2 April
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


# --- 2. a signed version is never edited ------------------------------------------------------


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


# --- 3. activation rules -----------------------------------------------------------------------


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


# --- 4. reviews and their due dates ---------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "cadence", "not_before", "due"),
    [
        (date(2025, 3, 5), 30, None, date(2025, 4, 4)),
        (date(2025, 3, 5), 14, None, date(2025, 3, 19)),
        (date(2024, 2, 15), 14, None, date(2024, 2, 29)),  # leap year
        (date(2025, 12, 20), 30, None, date(2026, 1, 19)),
        # reviewed on time: the next date follows the previous due date, not the review
        (date(2025, 4, 4), 30, date(2025, 4, 1), date(2025, 5, 4)),
        (date(2025, 3, 19), 14, date(2025, 3, 25), date(2025, 4, 2)),
        # reviewed so late that previous due + cadence has passed: a full cadence from the review
        (date(2025, 4, 4), 30, date(2025, 5, 10), date(2025, 6, 9)),
        (date(2025, 3, 19), 14, date(2025, 4, 10), date(2025, 4, 24)),
        # ... or falls on the review day itself
        (date(2025, 3, 5), 14, date(2025, 3, 19), date(2025, 4, 2)),
    ],
)
def test_review_due_after(anchor, cadence, not_before, due):
    assert review_due_after(anchor, cadence, not_before=not_before) == due


def test_reviews_every_fourteen_days_through_the_services(
    make_episode, make_plan, clinician, fortnightly
):
    with travel(at(2025, 3, 3)) as traveller:
        episode = make_episode(clinician=clinician, program_=fortnightly)
        plan = activate(make_plan(episode), clinician)
        assert plan.next_review_due == date(2025, 3, 17)  # 3 March + 14

        traveller.move_to(at(2025, 3, 14))  # opened and completed ahead of the due date
        first = services.review_open(plan=plan, user=clinician)
        assert (first.due_date, first.period_start) == (date(2025, 3, 17), date(2025, 3, 3))
        services.review_complete(
            review=first, decision="continue", summary=" Attends every group. ", user=clinician
        )
        plan.refresh_from_db()
        assert plan.next_review_due == date(2025, 3, 31)  # 17 March + 14, not 14 March + 14

        traveller.move_to(at(2025, 3, 28))
        second = services.review_open(plan=plan, user=clinician)
        assert (second.due_date, second.period_start) == (date(2025, 3, 31), date(2025, 3, 14))
        traveller.move_to(at(2025, 4, 20))  # 31 March + 14 = 14 April has passed
        services.review_complete(review=second, decision="revise", summary="Late", user=clinician)
        plan.refresh_from_db()
        assert plan.next_review_due == date(2025, 5, 4)  # 20 April + 14

    first.refresh_from_db()
    assert first.status == "completed"
    assert (first.decision, first.summary) == ("continue", "Attends every group.")
    assert (first.completed_by, first.completed_at) == (clinician, at(2025, 3, 14))
    assert PlanReview.objects.filter(plan=plan).count() == 2


@pytest.mark.parametrize(
    ("completed_on", "next_due"),
    [
        (date(2025, 3, 31), date(2025, 5, 2)),  # on time: 2 April + 30
        (date(2025, 4, 20), date(2025, 5, 2)),  # late, but 2 May is still ahead
        (date(2025, 5, 10), date(2025, 6, 9)),  # 2 May has passed: 10 May + 30
    ],
)
def test_reviews_every_thirty_days_through_the_services(
    make_episode, make_plan, clinician, completed_on, next_due
):
    with travel(at(2025, 3, 3)) as traveller:
        episode = make_episode(clinician=clinician)
        plan = activate(make_plan(episode), clinician)
        assert plan.next_review_due == date(2025, 4, 2)
        traveller.move_to(at(2025, 3, 30))
        review = services.review_open(plan=plan, user=clinician)
        traveller.move_to(at(completed_on.year, completed_on.month, completed_on.day))
        services.review_complete(review=review, decision="continue", summary="OK", user=clinician)

    plan.refresh_from_db()
    assert review.due_date == date(2025, 4, 2)
    assert plan.next_review_due == next_due


def test_review_open_is_idempotent_and_keeps_what_was_known_then(
    episode, make_plan, clinician, clinician2
):
    plan = activate(make_plan(episode), clinician)

    first = services.review_open(plan=plan, user=clinician)
    phq9(episode.patient, clinician, 12, first.opened_at)
    again = services.review_open(plan=plan, user=clinician2)

    assert again.pk == first.pk
    assert PlanReview.objects.filter(plan=plan).count() == 1
    again.refresh_from_db()
    assert again.opened_by == clinician
    assert again.prefill == first.prefill
    assert AuditEvent.objects.filter(object_type="plans.planreview", action="create").count() == 1


def test_only_an_active_plan_is_reviewed(episode, make_plan, clinician):
    draft = make_plan(episode)
    with pytest.raises(ValidationError, match="Only an active plan"):
        services.review_open(plan=draft, user=clinician)
    assert not PlanReview.objects.exists()


def test_review_prefill_has_measure_trends_and_objective_progress(
    make_episode, make_plan, clinician
):
    with travel(at(2025, 3, 3)) as traveller:
        episode = make_episode(clinician=clinician)
        patient = episode.patient
        phq9(patient, clinician, 18, at(2025, 3, 1))  # at intake, before the period
        patient_services.measure_record(
            patient=patient,
            instrument_code="GAD7",
            responses=[1, 1, 1, 1, 1, 1, 1],
            user=clinician,
            administered_at=at(2025, 3, 1),
        )  # GAD-7 only before the period: no GAD-7 trend
        plan = activate(make_plan(episode), clinician)
        objective = objective_of(plan)
        traveller.move_to(at(2025, 3, 28))
        phq9(patient, clinician, 14, at(2025, 3, 17))
        phq9(patient, clinician, 11, at(2025, 3, 28, 9))
        services.progress_record(
            objective=objective, rating=1, user=clinician, recorded_at=at(2025, 2, 28)
        )  # before the period: not counted
        services.progress_record(
            objective=objective,
            rating=2,
            user=clinician,
            session_ref=101,
            recorded_at=at(2025, 3, 10),
        )
        services.progress_record(
            objective=objective,
            rating=3,
            user=clinician,
            session_ref=102,
            recorded_at=at(2025, 3, 24),
        )
        services.progress_record(
            objective=objective,
            rating=3,
            user=clinician,
            session_ref=102,
            recorded_at=at(2025, 3, 25),
        )
        traveller.move_to(at(2025, 3, 30))
        review = services.review_open(plan=plan, user=clinician)

    review.refresh_from_db()
    prefill = review.prefill
    assert prefill["period_start"] == "2025-03-03"
    assert prefill["measures"] == [
        {
            "instrument": "PHQ9",
            "name": "PHQ-9",
            "from": 18,
            "to": 11,
            "change": -7,
            "count": 2,
            "latest_severity": "moderate",
            "results": [
                {"date": "2025-03-17", "total": 14, "severity": "moderate"},
                {"date": "2025-03-28", "total": 11, "severity": "moderate"},
            ],
        }
    ]
    assert prefill["objectives"] == [
        {
            "objective": objective.pk,
            "description": "Mood improves as measured by PHQ-9",
            "entries": 3,
            "sessions": 2,
            "latest_rating": "Significant progress",
            "measure": {
                "instrument": "PHQ-9",
                "target": 10,
                "baseline": 14,  # the first result since admission on 3 March
                "latest": 11,
                "change": -3,
                "met": False,
                "state": "not yet met",
            },
        }
    ]


def test_review_complete_needs_a_decision_and_a_summary(episode, make_plan, clinician):
    plan = activate(make_plan(episode), clinician)
    review = services.review_open(plan=plan, user=clinician)
    due = plan.next_review_due

    with pytest.raises(ValidationError) as error:
        services.review_complete(
            review=review,
            decision="",
            summary="   ",
            user=clinician,
            ratings={objective_of(plan).pk: (3, "Better")},
        )

    assert set(error.value.message_dict) == {"decision", "summary"}
    review.refresh_from_db()
    plan.refresh_from_db()
    assert review.status == "open" and review.completed_at is None
    assert plan.next_review_due == due
    assert not ProgressEntry.objects.exists()


def test_review_complete_records_progress_for_rated_objectives(episode, make_plan, clinician):
    draft = make_plan(episode)
    goal = Goal.objects.get(problem__plan=draft)
    unrated = services.objective_add(
        goal=goal,
        user=clinician,
        data={"description": "Attends 3 groups a week", "target_date": date(2027, 1, 31)},
    )
    plan = activate(draft, clinician)
    rated = Objective.objects.get(goal__problem__plan=plan, measure_instrument="PHQ9")
    review = services.review_open(plan=plan, user=clinician)

    services.review_complete(
        review=review,
        decision="continue",
        summary="Mood lifting.",
        user=clinician,
        ratings={rated.pk: (3, " Uses thought records daily. ")},
    )

    entry = ProgressEntry.objects.get()
    assert entry.review == review
    assert entry.objective == rated
    assert entry.lineage == rated.lineage
    assert entry.patient_id == episode.patient_id
    assert (entry.rating, entry.note) == (3, "Uses thought records daily.")
    assert entry.recorded_by == clinician
    assert not ProgressEntry.objects.filter(objective=unrated).exists()
    assert list(review.progress.all()) == [entry]


def test_review_complete_refusals(episode, make_episode, make_plan, clinician, intake):
    plan = activate(make_plan(episode), clinician)
    other = activate(make_plan(make_episode(clinician=clinician)), clinician)
    review = services.review_open(plan=plan, user=clinician)

    with pytest.raises(ValidationError) as error:
        services.review_complete(
            review=review,
            decision="continue",
            summary="OK",
            user=clinician,
            ratings={objective_of(other).pk: (2, "")},
        )
    assert set(error.value.message_dict) == {"ratings"}

    with pytest.raises(ValidationError, match="Only a clinician or supervisor"):
        services.review_complete(review=review, decision="continue", summary="OK", user=intake)

    with pytest.raises(ValidationError) as error:
        services.review_complete(
            review=review,
            decision="continue",
            summary="OK",
            user=clinician,
            ratings={objective_of(plan).pk: (7, "")},
        )
    assert set(error.value.message_dict) == {"rating"}
    review.refresh_from_db()
    assert review.status == "open"

    services.review_complete(review=review, decision="continue", summary="OK", user=clinician)
    with pytest.raises(ValidationError, match="already completed"):
        services.review_complete(review=review, decision="revise", summary="x", user=clinician)
    assert not ProgressEntry.objects.exists()


# --- 5. discharge needs an aftercare plan ----------------------------------------------------


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


# --- 6. a stale save is refused -----------------------------------------------------------------


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


# --- 7. objectives tied to a measure --------------------------------------------------------


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


# --- 8. safety plans ---------------------------------------------------------------------------


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


def test_safety_plan_activation_needs_its_core_sections_and_the_acknowledgement(patient, clinician):
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
        "patient_ack_name",
    }
    plan.refresh_from_db()
    assert (plan.status, plan.signed_by) == ("draft", None)


def test_a_safety_plan_with_the_four_core_sections_can_be_signed(patient, clinician):
    plan = services.safety_plan_start(patient=patient, user=clinician)
    services.safety_plan_update(
        plan=plan,
        user=clinician,
        data={"warning_signs": "a", "coping_strategies": "b", "help_contacts": "c"},
    )  # professional_contacts keeps its 988 default
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


def test_a_closed_or_low_risk_alert_needs_no_safety_plan(patient, clinician):
    alert = raise_moderate_risk(patient, clinician)
    patient_services.alert_close(alert=alert, user=clinician, action_taken="Risk assessed")
    assert services.safety_plan_needed(patient) is False

    patient_services.alert_raise(
        patient=patient, kind="risk", title="Passive wish to be dead", risk_level="low"
    )
    assert services.safety_plan_needed(patient) is False


# --- 9. audit ------------------------------------------------------------------------------------


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


def test_safety_plan_activation_is_audited(patient, clinician):
    plan = services.safety_plan_start(patient=patient, user=clinician)
    services.safety_plan_update(plan=plan, data=SAFETY, user=clinician)
    services.safety_plan_activate(plan=plan, user=clinician, patient_ack_name="Pat")
    event = AuditEvent.objects.get(object_type="plans.safetyplan", detail="signed and activated")
    assert (event.action, event.patient_id) == ("update", patient.pk)


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
