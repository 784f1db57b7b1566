"""Stanley–Brown safety plans: a draft pre-filled from the version in force, edited, signed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from iop.audit.services import audit_change
from plans.models import SafetyPlan
from plans.selectors import current_safety_plan
from plans.services.drafts import CREATE, UPDATE, lock_draft, require_clinical, touch
from plans.signatures import safety_plan_hash


@transaction.atomic
def safety_plan_start(*, patient, user, context=None):
    """The patient's draft safety plan, or a new one pre-filled from the active version."""
    require_clinical(user, "write safety plans")
    draft = SafetyPlan.objects.filter(patient=patient).drafts().first()
    if draft:
        return draft
    episode = patient.episodes.open().first() or patient.episodes.first()
    if episode is None:
        raise ValidationError("The patient has no episode of care.")
    active = current_safety_plan(patient)
    latest = SafetyPlan.objects.filter(patient=patient).aggregate(m=Max("version"))["m"] or 0
    draft = SafetyPlan(
        patient=patient, episode=episode, version=latest + 1, created_by=user, updated_by=user
    )
    if active:
        for name in SafetyPlan.SECTIONS:
            setattr(draft, name, getattr(active, name))
    draft.save()
    audit_change(CREATE, draft, user=user, context=context, detail=f"version {draft.version}")
    return draft


@transaction.atomic
def safety_plan_update(*, plan, data, user, revision=None, context=None):
    plan = lock_draft(plan, revision)
    for name in SafetyPlan.SECTIONS:
        if name in data:
            setattr(plan, name, data[name])
    plan.full_clean(validate_constraints=False)
    plan.save()
    touch(plan, user)
    audit_change(UPDATE, plan, user=user, context=context)
    return plan


@transaction.atomic
def safety_plan_activate(*, plan, user, patient_ack_name, revision=None, context=None):
    require_clinical(user, "sign safety plans")
    plan = lock_draft(plan, revision)
    errors = {
        name: "This section is empty: every section is needed before the plan is signed."
        for name in SafetyPlan.SECTIONS
        if not (getattr(plan, name) or "").strip()
    }
    if errors:
        labels = ", ".join(str(SafetyPlan._meta.get_field(n).verbose_name) for n in errors)
        errors["__all__"] = f"Fill in every section before signing. Empty: {labels}."
    if not (patient_ack_name or "").strip():
        errors["patient_ack_name"] = "Record the name of the patient acknowledging the plan."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    plan.supersede_active(now)
    plan.status = SafetyPlan.Status.ACTIVE
    plan.signed_by, plan.signed_at, plan.activated_at = user, now, now
    plan.patient_ack_name, plan.patient_ack_at = patient_ack_name.strip(), now
    plan.content_hash = safety_plan_hash(plan)
    plan.save()
    audit_change(UPDATE, plan, user=user, context=context, detail="signed and activated")
    return plan
