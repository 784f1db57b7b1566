"""The intake assessment: started, saved step by step, completed (which admits)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from patients import icd10
from patients.models import Alert, Episode, IntakeAssessment
from patients.models.intake import ICD10_CODE, steps_for
from patients.services.admission import check_admission, clear_confirmation_if_changed
from patients.services.measures import alert_raise
from patients.services.patients import episode_transition

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


def parse_diagnoses(text):
    """'F33.1 Major depressive disorder, recurrent' per line → list of {code, description}."""
    diagnoses, bad = [], []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        code, _, description = line.partition(" ")
        code = code.upper().rstrip(",:;-")
        if not ICD10_CODE.match(code):
            bad.append(code)
            continue
        diagnoses.append({"code": code, "description": description.strip(" -–:")})
    if bad:
        raise ValidationError(
            {
                "diagnoses": f"Not an ICD-10 code: {', '.join(bad)}. "
                "Use e.g. F33.1 then a description."
            }
        )
    return diagnoses_check(diagnoses)


def diagnoses_check(diagnoses):
    """Every diagnosis's code is in the bundled ICD-10-CM list (patients.icd10), billable (a
    category with subcodes is not); one left without a description takes the official one."""
    unknown = [d["code"] for d in diagnoses if icd10.description(d["code"]) is None]
    if unknown:
        raise ValidationError(
            {
                "diagnoses": f"Not a billable ICD-10-CM code in the list: {', '.join(unknown)}. "
                "Search the list by code or words and pick the full code (e.g. F33.1, not F33)."
            }
        )
    return [
        {
            "code": icd10.normalize(d["code"]),
            "description": d.get("description") or icd10.description(d["code"]),
        }
        for d in diagnoses
    ]


@transaction.atomic
def intake_start(*, episode, user, context=None):
    """Open (or return) the episode's intake assessment; a referral moves to `intake`."""
    assessment = IntakeAssessment.objects.filter(episode=episode).first()
    if assessment is not None:
        return assessment
    if episode.status == Episode.Status.REFERRED:
        episode = episode_transition(
            episode=episode, to_status=Episode.Status.INTAKE, user=user, context=context
        )
    elif episode.status != Episode.Status.INTAKE:
        raise ValidationError("Intake can only start for a referral.")
    assessment = IntakeAssessment.objects.create(
        episode=episode, patient_id=episode.patient_id, started_by=user
    )
    audit_change(CREATE, assessment, user=user, context=context)
    return assessment


@transaction.atomic
def intake_save_step(*, assessment, step, data, user, context=None, advance=True):
    """Save one step's answers as a draft and remember where the coordinator is: the next step
    when they move on (`advance`), this one when it saves itself while they type."""
    if assessment.is_completed:
        raise ValidationError("This intake is completed and can no longer be changed.")
    episode = assessment.episode
    if "diagnoses" in data:
        data = {**data, "diagnoses": diagnoses_check(data["diagnoses"])}
    before = {f: getattr(assessment, f) for f in IntakeAssessment.CONFIRMED_FIELDS}
    for field in step.fields:
        if field not in data:
            continue
        if field == "primary_clinician":
            clinician = data[field]
            if clinician is not None and not clinician.has_role(*Role.CLINICAL):
                raise ValidationError({"primary_clinician": "Choose a clinician or supervisor."})
            episode.primary_clinician = clinician
            episode.save(update_fields=["primary_clinician", "updated_at"])
        else:
            setattr(assessment, field, data[field])
    clear_confirmation_if_changed(assessment, before)
    slugs = [s.slug for s in steps_for(episode)]
    position = slugs.index(step.slug) + (1 if advance else 0)
    assessment.current_step = slugs[min(position, len(slugs) - 1)]
    assessment.save()
    detail = f"step {step.slug}" if advance else f"step {step.slug} (autosave)"
    audit_change(UPDATE, assessment, user=user, context=context, detail=detail)
    return assessment


@transaction.atomic
def intake_update(*, assessment, data, user, context=None):
    """Save any of the assessment's sections at once (the API's draft save)."""
    assessment = IntakeAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_completed:
        raise ValidationError("This intake is completed and can no longer be changed.")
    clinician = data.pop("primary_clinician", None)
    before = {f: getattr(assessment, f) for f in IntakeAssessment.CONFIRMED_FIELDS}
    if "diagnoses" in data:
        data["diagnoses"] = diagnoses_check(data["diagnoses"])
    for field, value in data.items():
        setattr(assessment, field, value)
    clear_confirmation_if_changed(assessment, before)
    assessment.full_clean(exclude=["episode", "patient"])
    assessment.save()
    if clinician is not None:
        if not clinician.has_role(*Role.CLINICAL):
            raise ValidationError({"primary_clinician": "Choose a clinician or supervisor."})
        Episode.objects.filter(pk=assessment.episode_id).update(primary_clinician=clinician)
    changed = sorted([*data, *(["primary_clinician"] if clinician else [])])
    audit_change(UPDATE, assessment, user=user, context=context, detail=", ".join(changed)[:300])
    return assessment


@transaction.atomic
def intake_complete(*, assessment, user, context=None):
    """Complete the intake: every required section filled; the episode becomes active."""
    assessment = IntakeAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_completed:
        raise ValidationError("This intake is already completed.")
    # Completing admits: the sections and the whole admission rule, every gap named at once.
    check_admission(
        assessment.episode,
        assessment,
        completing=True,
        sections=assessment.missing_sections(),
    )
    assessment.status = IntakeAssessment.Status.COMPLETED
    assessment.completed_by = user
    assessment.completed_at = timezone.now()
    assessment.save()
    audit_change(UPDATE, assessment, user=user, context=context, detail="completed")
    episode = assessment.episode
    if episode.primary_clinician_id:
        episode.care_team.add(episode.primary_clinician_id)
    episode_transition(
        episode=episode,
        to_status=Episode.Status.ACTIVE,
        user=user,
        context=context,
        level_of_care=assessment.recommended_level_of_care,
    )
    if assessment.risk_level == IntakeAssessment.RiskLevel.HIGH:
        alert_raise(
            patient=episode.patient,
            episode=episode,
            kind=Alert.Kind.RISK,
            title="Intake risk assessment: high risk",
            detail=(
                "Same-day follow-up: give a C-SSRS screener or record a clinician's risk "
                "assessment today, and review or create the safety plan."
            ),
            priority=Alert.Priority.URGENT,
            source=assessment,
            dedupe_key=f"risk:intake:{assessment.pk}",
            action_url=reverse("patients:risk", args=[episode.patient_id]),
            user=user,
            context=context,
        )
    return assessment
