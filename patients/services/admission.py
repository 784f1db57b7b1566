"""The admission rule (CLINICAL.md, "Admission and discharge") and what satisfies it.

Admission needs: a completed intake; a consent to treatment in force; for SUD care a Part 2
consent in force or the patient's refusal recorded with the reason; the diagnoses and level of
care confirmed by a clinician or supervisor (intake coordinators prepare them). Every missing
piece is named, each under its own key, in one ValidationError.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from patients.models import Consent, Episode, IntakeAssessment

UPDATE = AuditEvent.Action.UPDATE

MISSING = {
    "intake": "Complete the intake assessment.",
    "primary_clinician": "Assign a primary clinician before admitting.",
    "consent_to_treatment": "Record the patient's consent to treatment (none is in force).",
    "part2_consent": (
        "SUD care: record a 42 CFR Part 2 consent, or the patient's refusal with the reason."
    ),
    "confirmation": (
        "A clinician or supervisor must confirm the diagnoses and level of care "
        "(intake coordinators prepare them)."
    ),
}


def admission_missing(episode, assessment=None, *, completing=False, consent_kinds=None):
    """{key: message} for each part of the admission rule the episode does not meet yet.

    `completing`: the intake is being completed in the same step, so it is not asked for.
    `consent_kinds`: the kinds of the patient's consents in force, when already read (a list
    reads them for a page at once with `Consent.objects.kinds_in_force`).
    """
    if assessment is None:
        assessment = IntakeAssessment.objects.filter(episode=episode).first()
    missing = []
    if not completing and (assessment is None or not assessment.is_completed):
        missing.append("intake")
    if episode.primary_clinician_id is None:
        missing.append("primary_clinician")
    if consent_kinds is None:
        consent_kinds = Consent.objects.kinds_in_force([episode.patient_id])[episode.patient_id]
    if Consent.Kind.TREATMENT not in consent_kinds:
        missing.append("consent_to_treatment")
    if (
        episode.is_sud
        and not episode.part2_refusal_reason
        and Consent.Kind.PART2 not in consent_kinds
    ):
        missing.append("part2_consent")
    if assessment is None or not assessment.is_confirmed:
        missing.append("confirmation")
    return {key: MISSING[key] for key in missing}


def check_admission(episode, assessment=None, *, completing=False, sections=()):
    """Raise one ValidationError naming everything admission still needs (and `sections`,
    the intake's unfinished sections, under "sections")."""
    errors = {}
    if sections:
        errors["sections"] = (
            "Complete these sections first: " + ", ".join(s.title for s in sections) + "."
        )
    errors.update(admission_missing(episode, assessment, completing=completing))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def intake_confirm(*, assessment, user, context=None):
    """A clinician or supervisor confirms the intake's diagnoses and level of care."""
    if not user.has_role(*Role.CLINICAL):
        raise ValidationError(
            "Only a clinician or supervisor can confirm the diagnoses and level of care."
        )
    assessment = IntakeAssessment.objects.select_for_update().get(pk=assessment.pk)
    errors = {}
    if not assessment.diagnoses:
        errors["diagnoses"] = "There are no diagnoses to confirm yet."
    if not assessment.recommended_level_of_care:
        errors["recommended_level_of_care"] = "There is no level of care to confirm yet."
    if errors:
        raise ValidationError(errors)
    assessment.confirmed_by, assessment.confirmed_at = user, timezone.now()
    assessment.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    codes = ", ".join(d.get("code", "") for d in assessment.diagnoses)
    audit_change(
        UPDATE,
        assessment,
        user=user,
        context=context,
        detail=f"confirmed: {codes}; {assessment.recommended_level_of_care}"[:300],
    )
    return assessment


def clear_confirmation_if_changed(assessment, before):
    """After an edit: a change to what was confirmed needs a new confirmation."""
    if assessment.confirmed_at is None:
        return
    if any(getattr(assessment, f) != before[f] for f in IntakeAssessment.CONFIRMED_FIELDS):
        assessment.confirmed_by = assessment.confirmed_at = None


@transaction.atomic
def part2_refusal_record(*, episode, reason, user, context=None):
    """Record that the patient declines a Part 2 consent, and why: for SUD care, or for an
    admitted episode about to be marked SUD (which needs the consent or this refusal first)."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if not (episode.is_sud or episode.status == Episode.Status.ACTIVE):
        raise ValidationError("Only SUD care asks for a Part 2 consent.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Record why the patient declines the Part 2 consent."})
    episode.part2_refusal_reason = reason
    episode.part2_refusal_at = timezone.now()
    episode.part2_refusal_by = user
    episode.save(
        update_fields=["part2_refusal_reason", "part2_refusal_at", "part2_refusal_by", "updated_at"]
    )
    audit_change(UPDATE, episode, user=user, context=context, detail="Part 2 consent declined")
    return episode
