"""Signing a treatment plan into force, and revising the plan in force into a new draft."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from iop.audit.services import audit_change
from plans.models import Goal, NotADraftError, PlanReview, TreatmentPlan, review_due_after
from plans.services.drafts import CREATE, UPDATE, lock_draft, require_clinical
from plans.signatures import plan_hash


@transaction.atomic
def plan_activate(
    *, plan, user, patient_ack_name, patient_ack_at=None, revision=None, context=None
):
    """Sign and activate a draft: it needs a goal, the clinician's signature and the patient's
    acknowledgement. The plan it revises is superseded; the next review is due the cadence
    after today, or sooner when the replaced plan's review was due sooner."""
    require_clinical(user, "sign treatment plans")
    plan = lock_draft(plan, revision)
    errors = {}
    if not Goal.objects.filter(problem__plan=plan).exists():
        errors["goals"] = "Add at least one goal before signing."
    if not (patient_ack_name or "").strip():
        errors["patient_ack_name"] = "Record the name of the patient acknowledging the plan."
    now = timezone.now()
    if patient_ack_at and patient_ack_at > now + timezone.timedelta(minutes=5):
        errors["patient_ack_at"] = "The acknowledgement time is in the future."
    elif patient_ack_at and patient_ack_at < plan.created_at.replace(second=0, microsecond=0):
        # The patient acknowledges this version, which did not exist before its draft (to the
        # minute: the sign page takes hours and minutes).
        errors["patient_ack_at"] = (
            "The acknowledgement time is before this version was drafted "
            f"({timezone.localtime(plan.created_at):%d %b %Y %H:%M})."
        )
    if errors:
        raise ValidationError(errors)
    previous = plan.supersede_active(now)
    if previous:
        PlanReview.objects.filter(plan=previous, status=PlanReview.Status.OPEN).update(plan=plan)
        audit_change(
            UPDATE,
            previous,
            user=user,
            context=context,
            detail=f"superseded by version {plan.version}",
        )
    plan.status = TreatmentPlan.Status.ACTIVE
    plan.signed_by = user
    plan.signed_at = now
    plan.patient_ack_name = patient_ack_name.strip()
    plan.patient_ack_at = patient_ack_at or now
    plan.activated_at = now
    plan.updated_by = user
    cadence = plan.episode.program.review_cadence_days
    plan.next_review_due = review_due_after(timezone.localdate(now), cadence)
    # A revision never pushes back the review the plan it replaces was due (at most the
    # cadence after the last completed review or activation).
    if previous and previous.next_review_due:
        plan.next_review_due = min(plan.next_review_due, previous.next_review_due)
    plan.content_hash = plan_hash(plan)
    plan.save()
    audit_change(UPDATE, plan, user=user, context=context, detail="signed and activated")
    return plan


@transaction.atomic
def plan_revise(*, plan, user, context=None):
    """A new draft version, pre-filled from the active plan (objectives keep their lineage)."""
    require_clinical(user, "revise treatment plans")
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != TreatmentPlan.Status.ACTIVE:
        raise NotADraftError("Only the active plan can be revised.")
    existing = TreatmentPlan.objects.filter(episode_id=plan.episode_id).drafts().first()
    if existing:
        return existing
    latest = TreatmentPlan.objects.filter(episode_id=plan.episode_id).aggregate(m=Max("version"))
    draft = TreatmentPlan.objects.create(
        episode_id=plan.episode_id,
        patient_id=plan.patient_id,
        version=latest["m"] + 1,
        previous=plan,
        summary=plan.summary,
        created_by=user,
        updated_by=user,
    )
    for problem in plan.problems.prefetch_related("goals__objectives__interventions"):
        goals = list(problem.goals.all())
        problem.pk, problem.plan = None, draft
        problem.save()
        for goal in goals:
            objectives = list(goal.objectives.all())
            goal.pk, goal.problem = None, problem
            goal.save()
            for objective in objectives:
                interventions = list(objective.interventions.all())
                objective.pk, objective.goal = None, goal
                objective.save()
                for intervention in interventions:
                    intervention.pk, intervention.objective = None, objective
                    intervention.save()
    audit_change(
        CREATE, draft, user=user, context=context, detail=f"revision of version {plan.version}"
    )
    return draft
