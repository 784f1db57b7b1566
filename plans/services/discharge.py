"""Aftercare plans and discharge: the aftercare plan is required, and discharge closes the
episode's treatment plans."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iop.audit.services import audit_change
from patients import services as patient_services
from patients.models import Episode
from plans.models import AftercarePlan, PlanReview, TreatmentPlan
from plans.services.drafts import CREATE, UPDATE, require_clinical


def close_plans_on_discharge(episode, user, context=None):
    """Discharge hook: the episode's active and draft plans close with the discharge reason."""
    reason = f"Discharged: {episode.get_discharge_reason_display()}"
    now = timezone.now()
    for plan in TreatmentPlan.objects.filter(
        episode=episode, status__in=[TreatmentPlan.Status.ACTIVE, TreatmentPlan.Status.DRAFT]
    ):
        plan.status = TreatmentPlan.Status.CLOSED
        plan.ended_at = now
        plan.close_reason = reason
        plan.next_review_due = None
        plan.save()
        PlanReview.objects.filter(plan=plan, status=PlanReview.Status.OPEN).delete()
        audit_change(UPDATE, plan, user=user, context=context, detail="closed at discharge")


def require_aftercare(episode):
    """Discharge guard: an episode is discharged only with a complete aftercare plan."""
    aftercare = AftercarePlan.objects.filter(episode=episode).first()
    if aftercare is None:
        raise ValidationError(
            {
                "aftercare": "Write the aftercare plan before discharging (step-down care, "
                "follow-up, relapse prevention, crisis resources)."
            }
        )
    missing = aftercare.missing()
    if missing:
        raise ValidationError(
            {"aftercare": "The aftercare plan is missing: " + ", ".join(missing) + "."}
        )


@transaction.atomic
def aftercare_save(*, episode, data, user, context=None):
    require_clinical(user, "write aftercare plans")
    if episode.status != Episode.Status.ACTIVE:
        raise ValidationError("Aftercare is planned for an active episode.")
    aftercare = AftercarePlan.objects.filter(episode=episode).first()
    created = aftercare is None
    if created:
        aftercare = AftercarePlan(episode=episode, patient_id=episode.patient_id, created_by=user)
    for field, value in data.items():
        setattr(aftercare, field, value)
    aftercare.full_clean()
    aftercare.save()
    audit_change(CREATE if created else UPDATE, aftercare, user=user, context=context)
    return aftercare


@transaction.atomic
def episode_discharge(*, episode, aftercare, reason, user, discharge_date=None, context=None):
    """Save the aftercare plan and discharge: the plan closes and the reason is recorded."""
    require_clinical(user, "discharge patients")
    aftercare_save(episode=episode, data=aftercare, user=user, context=context)
    return patient_services.episode_transition(
        episode=episode,
        to_status=Episode.Status.DISCHARGED,
        user=user,
        context=context,
        discharge_reason=reason,
        discharge_date=discharge_date,
    )
