"""A clinician's risk assessment: the level that (with the C-SSRS) sets the patient's risk."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from patients.models import Alert, RiskAssessment
from patients.services.measures import alert_raise


@transaction.atomic
def risk_assessment_record(*, patient, level, rationale, user, episode=None, context=None):
    """Record a clinician's risk assessment, signed by `user` as it is saved.

    Moderate or high raises a risk alert (once per assessment) and, while no safety plan is
    active, makes one required. Only clinicians and supervisors assess risk.
    """
    if not user.has_role(*Role.CLINICAL):
        raise ValidationError("Only a clinician or supervisor can record a risk assessment.")
    errors = {}
    if level not in RiskAssessment.Level.values:
        errors["level"] = "Choose a level: none, low, moderate or high."
    rationale = (rationale or "").strip()
    if not rationale:
        errors["rationale"] = "Give the rationale for the level (what was asked and seen)."
    if errors:
        raise ValidationError(errors)
    if episode is None:
        episode = patient.episodes.open().first() or patient.episodes.first()
    assessment = RiskAssessment.objects.create(
        patient=patient,
        episode=episode,
        level=level,
        rationale=rationale,
        signed_by=user,
        signed_at=timezone.now(),
    )
    audit_change(AuditEvent.Action.CREATE, assessment, user=user, context=context, detail="signed")
    if assessment.requires_safety_plan:
        alert_raise(
            patient=patient,
            episode=episode,
            kind=Alert.Kind.RISK,
            title=f"Clinician risk assessment: {assessment.get_level_display().lower()} risk",
            detail="A safety plan is required: review or create it.",
            priority=Alert.Priority.URGENT,
            risk_level=level,
            source=assessment,
            dedupe_key=f"risk:assessment:{assessment.pk}",
            user=user,
            context=context,
        )
    return assessment
