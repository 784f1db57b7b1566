"""The next review is due the cadence after the review was *completed*; the initial plan is due
the program's `initial_plan_days` after admission, shown on the chart and caseload, and alerts
once when late. Hand-worked dates in October–November 2026."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iop.jobs.registry import run_job
from patients.models import Alert, Episode
from plans import services
from plans.jobs import initial_plans_flag_late
from tests.factories import ProgramFactory
from tests.plans.helpers import activate, at, travel

# --- the next review after a completed one ----------------------------------------------------


@pytest.mark.parametrize(
    ("completed_on", "next_due"),
    [
        (date(2026, 11, 10), date(2026, 12, 10)),  # due 1 Nov, done late on 10 Nov
        (date(2026, 10, 25), date(2026, 11, 24)),  # due 1 Nov, done early on 25 Oct
        (date(2026, 11, 1), date(2026, 12, 1)),  # on the day
    ],
)
def test_the_next_review_is_due_30_days_after_the_review_was_completed(
    make_episode, make_plan, clinician, completed_on, next_due
):
    with travel(at(2026, 10, 2)) as traveller:
        plan = activate(make_plan(make_episode(clinician=clinician)), clinician)
        assert plan.next_review_due == date(2026, 11, 1)  # 2 Oct + 30
        traveller.move_to(at(2026, 10, 24))
        review = services.review_open(plan=plan, user=clinician)
        traveller.move_to(at(completed_on.year, completed_on.month, completed_on.day))
        services.review_complete(review=review, decision="continue", summary="OK", user=clinician)
    plan.refresh_from_db()
    assert review.due_date == date(2026, 11, 1)
    assert plan.next_review_due == next_due


def test_a_revision_after_the_review_keeps_the_review_based_date(
    make_episode, make_plan, clinician
):
    with travel(at(2026, 10, 2)) as traveller:
        plan = activate(make_plan(make_episode(clinician=clinician)), clinician)
        traveller.move_to(at(2026, 11, 10))
        review = services.review_open(plan=plan, user=clinician)
        services.review_complete(review=review, decision="revise", summary="Adjust", user=clinician)
        traveller.move_to(at(2026, 11, 16))  # the revision is signed six days later
        v2 = services.plan_revise(plan=plan, user=clinician)
        v2 = activate(v2, clinician)
    # 10 Nov + 30, not 16 Nov + 30: at most the cadence after the completed review.
    assert v2.next_review_due == date(2026, 12, 10)


# --- the initial plan -----------------------------------------------------------------------


@pytest.fixture
def admitted(make_episode, clinician):
    """An episode admitted on Monday 2 November 2026 (the program's default: 3 days, due 5 Nov)."""
    with travel(at(2026, 11, 2)):
        return make_episode(clinician=clinician)


def run_on(day):
    with travel(at(2026, 11, day)):
        return initial_plans_flag_late()


def test_the_initial_plan_alerts_the_day_after_it_was_due_and_once(admitted, clinician):
    assert admitted.program.initial_plan_days == 3
    assert run_on(5) == {"late": 0, "alerts": 0, "resolved": 0}  # due today: not late
    assert not Alert.objects.exists()
    assert run_on(6) == {"late": 1, "alerts": 1, "resolved": 0}
    alert = Alert.objects.get()
    assert (alert.kind, alert.title) == (
        "initial_plan_late",
        "Initial treatment plan late: due 5 Nov 2026",
    )
    assert alert.detail == (
        "Admitted 2 Nov 2026; the program expects the initial plan within 3 days."
    )
    assert (alert.episode, alert.assigned_to, alert.status) == (admitted, clinician, "open")
    assert alert.action_url == reverse("plans:patient-plan", args=[admitted.patient_id])
    assert run_on(9) == {"late": 1, "alerts": 0, "resolved": 0}  # deduplicated
    assert Alert.objects.count() == 1


def test_a_draft_is_not_a_plan_and_signing_closes_the_alert(admitted, make_plan, clinician):
    draft = make_plan(admitted)
    assert run_on(6)["alerts"] == 1
    with travel(at(2026, 11, 7)):
        activate(draft, clinician)
    assert run_on(7) == {"late": 0, "alerts": 0, "resolved": 1}
    alert = Alert.objects.get()
    assert (alert.status, alert.action_taken) == (
        "closed",
        "Closed automatically: the plan was signed.",
    )


def test_a_plan_signed_in_time_never_alerts(admitted, make_plan, clinician):
    with travel(at(2026, 11, 5)):
        activate(make_plan(admitted), clinician)
    assert run_on(20) == {"late": 0, "alerts": 0, "resolved": 0}


def test_the_program_setting_sets_the_due_date(make_episode, clinician):
    fast = ProgramFactory(name="Next-day IOP", initial_plan_days=1)
    with travel(at(2026, 11, 2)):
        make_episode(clinician=clinician, program_=fast)
    assert run_on(3)["late"] == 0  # due 3 Nov
    assert run_on(4)["alerts"] == 1
    assert Alert.objects.get().title == "Initial treatment plan late: due 3 Nov 2026"


def test_only_active_episodes_are_judged(admitted, clinician):
    Episode.objects.filter(pk=admitted.pk).update(
        status="discharged", discharge_date=date(2026, 11, 4), discharge_reason="transferred"
    )
    assert run_on(10)["late"] == 0


def test_the_program_setting_is_one_to_thirty_days(db):
    program = ProgramFactory(name="Slow IOP", initial_plan_days=0)
    with pytest.raises(ValidationError) as refusal:
        program.full_clean()
    assert "initial_plan_days" in refusal.value.message_dict


def test_the_job_runs_from_the_one_registry(admitted):
    with travel(at(2026, 11, 6)):
        counts = run_job("initial_plans")
    assert (counts["late"], counts["alerts"]) == (1, 1)


# --- pages ----------------------------------------------------------------------------------


def test_the_chart_and_caseload_show_the_initial_plan_due_then_late(client, admitted, clinician):
    chart = reverse("patients:chart", args=[admitted.patient_id])
    with travel(at(2026, 11, 5)):
        client.force_login(clinician)
        html = client.get(chart).content.decode()
        assert "due 5 Nov 2026" in html and "due 5 Nov 2026 (late)" not in html
        caseload = client.get(reverse("patients:caseload")).content.decode()
        assert "initial plan due 5 Nov 2026" in caseload
    with travel(at(2026, 11, 6)):
        client.force_login(clinician)  # a day later: a new session
        assert "due 5 Nov 2026 (late)" in client.get(chart).content.decode()
        caseload = client.get(reverse("patients:caseload")).content.decode()
        assert "initial plan due 5 Nov 2026 (late)" in caseload
