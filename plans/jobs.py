"""Plan jobs: open reviews ahead of their due date, flag overdue ones, and flag episodes whose
initial plan is late.

Idempotent: a review is unique per plan and due date, an alert per dedupe key.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from patients.models import Alert, Episode
from patients.services import alert_raise
from plans.models import PlanReview, TreatmentPlan, initial_plan_due
from plans.services import review_open


def reviews_open_due(*, today=None):
    """Open the review of every active plan due within REVIEW_OPEN_DAYS_AHEAD days and alert
    the primary clinician. Returns {"opened", "alerts"}."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.REVIEW_OPEN_DAYS_AHEAD)
    counts = {"opened": 0, "alerts": 0}
    plans = TreatmentPlan.objects.filter(
        status=TreatmentPlan.Status.ACTIVE, next_review_due__lte=horizon
    ).select_related("episode__primary_clinician", "patient")
    for plan in plans:
        existed = PlanReview.objects.filter(plan=plan, due_date=plan.next_review_due).exists()
        review = review_open(plan=plan)
        counts["opened"] += not existed
        key = f"review_due:{plan.pk}:{review.due_date.isoformat()}"
        if Alert.objects.filter(dedupe_key=key).exists():
            continue
        alert_raise(
            patient=plan.patient,
            episode=plan.episode,
            kind=Alert.Kind.REVIEW_DUE,
            title=f"Plan review due {review.due_date:%-d %b %Y}",
            detail="The review is open and pre-filled with measures and progress since the "
            "last one.",
            dedupe_key=key,
            action_url=review.get_absolute_url(),
            source=review,
        )
        counts["alerts"] += 1
    return counts


def reviews_flag_overdue(*, today=None):
    """Alert on active plans whose review date has passed without a completed review.

    The supervisors of the patient's program see these in their queue; the primary clinician
    is assigned. Returns {"overdue", "alerts"}."""
    today = today or timezone.localdate()
    counts = {"overdue": 0, "alerts": 0}
    for plan in TreatmentPlan.objects.filter(
        status=TreatmentPlan.Status.ACTIVE, next_review_due__lt=today
    ).select_related("episode__primary_clinician", "patient"):
        counts["overdue"] += 1
        key = f"review_overdue:{plan.pk}:{plan.next_review_due.isoformat()}"
        if Alert.objects.filter(dedupe_key=key).exists():
            continue
        review = PlanReview.objects.filter(plan=plan, status=PlanReview.Status.OPEN).first()
        alert_raise(
            patient=plan.patient,
            episode=plan.episode,
            kind=Alert.Kind.REVIEW_OVERDUE,
            title=f"Plan review overdue since {plan.next_review_due:%-d %b %Y}",
            detail="Flagged for supervisors: the plan has not been reviewed on time.",
            priority=Alert.Priority.HIGH,
            dedupe_key=key,
            action_url=review.get_absolute_url() if review else plan.get_absolute_url(),
        )
        counts["alerts"] += 1
    return counts


def initial_plans_flag_late(*, today=None):
    """One alert per active episode whose initial plan is late: admitted more than the
    program's `initial_plan_days` ago with no plan in force. Alerts of episodes whose plan has
    since been signed are closed. Returns {"late", "alerts", "resolved"}."""
    today = today or timezone.localdate()
    counts = {"late": 0, "alerts": 0, "resolved": 0}
    with_plan = TreatmentPlan.objects.active().values("episode_id")
    episodes = (
        Episode.objects.filter(status=Episode.Status.ACTIVE, admission_date__isnull=False)
        .exclude(pk__in=with_plan)
        .select_related("program", "patient", "primary_clinician")
    )
    for episode in episodes:
        due = initial_plan_due(episode)
        if due >= today:
            continue
        counts["late"] += 1
        key = f"initial_plan_late:{episode.pk}"
        if Alert.objects.filter(dedupe_key=key).exists():
            continue
        alert_raise(
            patient=episode.patient,
            episode=episode,
            kind=Alert.Kind.INITIAL_PLAN_LATE,
            title=f"Initial treatment plan late: due {due:%-d %b %Y}",
            detail=f"Admitted {episode.admission_date:%-d %b %Y}; the program expects the "
            f"initial plan within {episode.program.initial_plan_days} days.",
            priority=Alert.Priority.HIGH,
            assigned_to=episode.primary_clinician,
            dedupe_key=key,
            action_url=reverse("plans:patient-plan", args=[episode.patient_id]),
        )
        counts["alerts"] += 1
    counts["resolved"] = Alert.objects.filter(
        kind=Alert.Kind.INITIAL_PLAN_LATE,
        status=Alert.Status.OPEN,
        episode_id__in=with_plan,
    ).update(
        status=Alert.Status.CLOSED,
        closed_at=timezone.now(),
        action_taken="Closed automatically: the plan was signed.",
    )
    return counts
