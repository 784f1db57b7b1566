"""Progress on an objective of the active plan: by hand, from a signed session note, or from a
review."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iop.audit.services import audit_change
from plans.models import ProgressEntry, TreatmentPlan
from plans.services.drafts import CREATE, require_clinical


@transaction.atomic
def progress_record(
    *,
    objective,
    rating,
    user,
    note="",
    session_ref=None,
    review=None,
    recorded_at=None,
    context=None,
):
    require_clinical(user, "record progress")
    plan = objective.goal.problem.plan
    if plan.status != TreatmentPlan.Status.ACTIVE:
        raise ValidationError({"objective": "Progress is recorded on the active plan."})
    if rating not in ProgressEntry.Rating.values:
        raise ValidationError({"rating": "Choose a rating from 0 (no progress) to 4 (met)."})
    entry = ProgressEntry.objects.create(
        objective=objective,
        lineage=objective.lineage,
        patient_id=plan.patient_id,
        rating=rating,
        note=note.strip(),
        session_ref=session_ref,
        review=review,
        recorded_by=user,
        recorded_at=recorded_at or timezone.now(),
    )
    audit_change(CREATE, entry, user=user, context=context)
    return entry
