"""Plan reviews: due dates by cadence, opening once with what was known then, the prefill
(measure trends, objective progress) and completing a review."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from iop.audit.models import AuditEvent
from patients import services as patient_services
from plans import services
from plans.models import Goal, Objective, PlanReview, ProgressEntry, review_due_after
from tests.plans.helpers import activate, at, objective_of, phq9, travel

# --- reviews and their due dates ---------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "cadence", "due"),
    [
        (date(2025, 3, 5), 30, date(2025, 4, 4)),
        (date(2025, 3, 5), 14, date(2025, 3, 19)),
        (date(2024, 2, 15), 14, date(2024, 2, 29)),  # leap year
        (date(2025, 12, 20), 30, date(2026, 1, 19)),
        # the anchor is the day the review was completed, whatever its due date was:
        (date(2026, 11, 10), 30, date(2026, 12, 10)),  # due 1 Nov, completed late on 10 Nov
        (date(2026, 10, 25), 30, date(2026, 11, 24)),  # due 1 Nov, completed early on 25 Oct
    ],
)
def test_review_due_after(anchor, cadence, due):
    assert review_due_after(anchor, cadence) == due


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
        # Completed early: due 14 days after the review (14 March), not after 17 March.
        assert plan.next_review_due == date(2025, 3, 28)

        traveller.move_to(at(2025, 3, 26))
        second = services.review_open(plan=plan, user=clinician)
        assert (second.due_date, second.period_start) == (date(2025, 3, 28), date(2025, 3, 14))
        traveller.move_to(at(2025, 4, 20))  # completed late
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
        (date(2025, 3, 31), date(2025, 4, 30)),  # two days early: 31 March + 30
        (date(2025, 4, 2), date(2025, 5, 2)),  # on the due date
        (date(2025, 4, 20), date(2025, 5, 20)),  # late: 20 April + 30, not 2 May
        (date(2025, 5, 10), date(2025, 6, 9)),
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
