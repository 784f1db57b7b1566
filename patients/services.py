"""Every write to patient data: validated, atomic, audited (STYLE.md, "services")."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from patients import extensions
from patients.instruments import InstrumentError, get_instrument
from patients.models import (
    Alert,
    Consent,
    Episode,
    IntakeAssessment,
    LevelOfCareChange,
    MeasureAnswer,
    MeasureResponse,
    Patient,
)
from patients.models.intake import ICD10_CODE, steps_for

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


# --- patients and episodes -------------------------------------------------------------


@transaction.atomic
def referral_register(*, user, patient_data, episode_data, context=None):
    """Register a referral: a new patient (or an existing one) and an episode in `referred`."""
    if isinstance(patient_data, Patient):
        patient = patient_data
    else:
        patient = patient_create(user=user, data=patient_data, context=context)
    care_team = episode_data.pop("care_team", [])
    episode = Episode(patient=patient, status=Episode.Status.REFERRED, **episode_data)
    episode.full_clean(validate_constraints=False)
    if Episode.objects.open().filter(patient=patient).exists():
        raise ValidationError(
            f"{patient.display_name} already has an open episode; discharge or decline it first."
        )
    episode.save()
    if care_team:
        episode.care_team.set(care_team)
    audit_change(CREATE, episode, user=user, context=context)
    return episode


def check_date_of_birth(day):
    """A date of birth may not be in the future.

    The services enforce it; the patient form and serializer call it too, so that a user sees
    this error together with the others on the page or in the API's answer.
    """
    if day > timezone.localdate():
        raise ValidationError("The date of birth is in the future.", code="future")


def _validate_patient(patient):
    errors = {}
    try:
        patient.full_clean()
    except ValidationError as error:
        errors = error.message_dict
    if patient.date_of_birth and "date_of_birth" not in errors:
        try:
            check_date_of_birth(patient.date_of_birth)
        except ValidationError as error:
            errors["date_of_birth"] = error.messages
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def patient_create(*, user, data, context=None):
    """Register a patient with a newly drawn MRN."""
    patient = Patient(**data, created_by=user)
    _validate_patient(patient)
    for _ in range(5):  # a clash of random MRNs is rare; draw again
        try:
            with transaction.atomic():
                patient.save()
            break
        except IntegrityError:
            patient.mrn = Patient._meta.get_field("mrn").default()
    audit_change(CREATE, patient, user=user, context=context)
    return patient


@transaction.atomic
def patient_update(*, patient, user, data, context=None):
    """Change a patient's details; the date of birth may not be in the future."""
    for field, value in data.items():
        setattr(patient, field, value)
    _validate_patient(patient)
    patient.save()
    audit_change(UPDATE, patient, user=user, context=context, detail=", ".join(sorted(data))[:300])
    return patient


@transaction.atomic
def episode_update(*, episode, user, data, context=None):
    """Change an episode's referral details, primary clinician or Part 2 flag."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if not user.has_role(Role.SUPERVISOR) and episode.status not in (
        Episode.Status.REFERRED,
        Episode.Status.INTAKE,
    ):
        raise ValidationError(
            "Once a patient is admitted, only a supervisor changes the episode's clinician, "
            "referral details or Part 2 flag."
        )
    clinician = data.get("primary_clinician")
    if clinician is not None and not clinician.has_role(*Role.CLINICAL):
        raise ValidationError({"primary_clinician": "Choose a clinician or supervisor."})
    for field, value in data.items():
        setattr(episode, field, value)
    episode.full_clean(validate_constraints=False)
    episode.save()
    if clinician is not None and episode.status == Episode.Status.ACTIVE:
        episode.care_team.add(clinician)
    audit_change(UPDATE, episode, user=user, context=context, detail=", ".join(sorted(data))[:300])
    return episode


@transaction.atomic
def episode_transition(*, episode, to_status, user, context=None, **details):
    """Move an episode along referred → intake → active → discharged (or declined).

    Refuses moves the workflow does not allow, saying why. `details` carries what a move
    needs: `decline_reason`, or `discharge_reason` and `discharge_date`.
    """
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if not episode.can_move_to(to_status):
        allowed = ", ".join(
            sorted(Episode.Status(s).label for s in episode.TRANSITIONS[episode.status])
        )
        raise ValidationError(
            f"An episode that is {episode.get_status_display().lower()} cannot become "
            f"{Episode.Status(to_status).label.lower()}"
            + (f"; it can become: {allowed}." if allowed else "; it is closed.")
        )
    today = timezone.localdate()
    if to_status == Episode.Status.DECLINED:
        if not details.get("decline_reason", "").strip():
            raise ValidationError({"decline_reason": "Say why the referral was declined."})
        episode.decline_reason = details["decline_reason"].strip()
    elif to_status == Episode.Status.ACTIVE:
        if episode.primary_clinician_id is None:
            raise ValidationError(
                {"primary_clinician": "Assign a primary clinician before admitting."}
            )
        episode.admission_date = details.get("admission_date") or today
        episode.level_of_care = details.get("level_of_care") or episode.level_of_care
    elif to_status == Episode.Status.DISCHARGED:
        reason = details.get("discharge_reason", "")
        if reason not in Episode.DischargeReason.values:
            raise ValidationError({"discharge_reason": "Choose a discharge reason."})
        for guard in extensions.discharge_guards:
            guard(episode)
        episode.discharge_reason = reason
        episode.discharge_date = details.get("discharge_date") or today
    episode.status = to_status
    episode.save()
    audit_change(UPDATE, episode, user=user, context=context, detail=f"status → {to_status}")
    if to_status == Episode.Status.DISCHARGED:
        for hook in extensions.discharge_hooks:
            hook(episode, user, context)
    return episode


@transaction.atomic
def episode_change_level_of_care(
    *, episode, to_level, reason, user, effective_date=None, context=None
):
    if episode.status != Episode.Status.ACTIVE:
        raise ValidationError("Only an active episode changes level of care.")
    if to_level == episode.level_of_care:
        raise ValidationError({"to_level": f"The episode is already at {to_level}."})
    if not reason.strip():
        raise ValidationError({"reason": "Give the clinical reason for the change."})
    change = LevelOfCareChange.objects.create(
        episode=episode,
        from_level=episode.level_of_care,
        to_level=to_level,
        reason=reason.strip(),
        changed_by=user,
        effective_date=effective_date or timezone.localdate(),
    )
    episode.level_of_care = to_level
    episode.save(update_fields=["level_of_care", "updated_at"])
    audit_change(
        UPDATE,
        episode,
        user=user,
        context=context,
        detail=f"level of care {change.from_level} → {to_level}",
    )
    return change


# --- intake assessment -----------------------------------------------------------------


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
    return diagnoses


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
def intake_save_step(*, assessment, step, data, user, context=None):
    """Save one step's answers as a draft and remember where the coordinator is."""
    if assessment.is_completed:
        raise ValidationError("This intake is completed and can no longer be changed.")
    episode = assessment.episode
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
    slugs = [s.slug for s in steps_for(episode)]
    position = slugs.index(step.slug)
    assessment.current_step = slugs[min(position + 1, len(slugs) - 1)]
    assessment.save()
    audit_change(UPDATE, assessment, user=user, context=context, detail=f"step {step.slug}")
    return assessment


@transaction.atomic
def intake_update(*, assessment, data, user, context=None):
    """Save any of the assessment's sections at once (the API's draft save)."""
    assessment = IntakeAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_completed:
        raise ValidationError("This intake is completed and can no longer be changed.")
    clinician = data.pop("primary_clinician", None)
    for field, value in data.items():
        setattr(assessment, field, value)
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
    missing = assessment.missing_sections()
    if missing:
        raise ValidationError(
            "Complete these sections first: " + ", ".join(step.title for step in missing) + "."
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
    return assessment


# --- measures and alerts -------------------------------------------------------------


@transaction.atomic
def measure_record(
    *, patient, instrument_code, responses, user, episode=None, administered_at=None, context=None
):
    """Score and store one administration item by item; raise a risk alert when it calls for one.

    Raises ValidationError naming the item for a missing, extra or out-of-range answer, and
    stores nothing then.
    """
    try:
        instrument = get_instrument(instrument_code)
    except KeyError:
        raise ValidationError({"instrument": f"Unknown instrument {instrument_code!r}."}) from None
    if episode is None:
        episode = patient.episodes.open().first() or patient.episodes.first()
    program = episode.program if episode else None
    try:
        answers = instrument.validate(responses)
        score = instrument.score(
            answers, sex=patient.sex, pcl5_cutoff=program.pcl5_cutoff if program else 33
        )
    except InstrumentError as exc:
        raise ValidationError(
            {"responses": [f"{k}: {v}" if k != "responses" else v for k, v in exc.errors.items()]}
        ) from None
    response = MeasureResponse.objects.create(
        patient=patient,
        episode=episode,
        instrument=instrument.code,
        administered_at=administered_at or timezone.now(),
        total_score=score.total,
        severity=score.severity,
        flags=list(score.flags),
        subscores=score.subscores,
        recorded_by=user,
    )
    MeasureAnswer.objects.bulk_create(
        MeasureAnswer(response=response, position=i, item_code=item.code, value=int(answer))
        for i, (item, answer) in enumerate(zip(instrument.items, answers, strict=True), start=1)
    )
    audit_change(CREATE, response, user=user, context=context)
    if response.raises_risk_alert:
        risk_alert_from_measure(response=response, user=user, context=context)
    return response


def risk_alert_from_measure(*, response, user=None, context=None):
    instrument = response.definition
    if response.instrument == "CSSRS":
        level = response.severity
        title = f"C-SSRS screener: {level} suicide risk"
    else:
        level = "high" if "item9_positive" in response.flags else "moderate"
        title = f"{instrument.name} item 9 (thoughts of death or self-harm) answered above 0"
    return alert_raise(
        patient=response.patient,
        episode=response.episode,
        kind=Alert.Kind.RISK,
        title=title,
        detail="Same-day follow-up needed: assess risk and review or create the safety plan.",
        priority=Alert.Priority.URGENT,
        risk_level=level,
        source=response,
        dedupe_key=f"risk:measure:{response.pk}",
        user=user,
        context=context,
    )


def alert_raise(
    *,
    patient,
    kind,
    title,
    episode=None,
    detail="",
    priority=Alert.Priority.ROUTINE,
    risk_level="",
    source=None,
    dedupe_key="",
    assigned_to=None,
    action_url="",
    user=None,
    context=None,
):
    """Raise an alert once. Every app raises its alerts here; a repeated dedupe_key is a no-op.

    Assigned to the episode's primary clinician unless told otherwise; supervisors see every
    open alert in their queue.
    """
    if episode is None and patient is not None:
        episode = patient.episodes.open().first()
    if assigned_to is None and episode is not None:
        assigned_to = episode.primary_clinician
    if dedupe_key:
        existing = Alert.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                patient=patient,
                episode=episode,
                kind=kind,
                title=title[:200],
                detail=detail,
                priority=priority,
                risk_level=risk_level,
                assigned_to=assigned_to,
                source_type=source._meta.label_lower if source is not None else "",
                source_id=str(source.pk) if source is not None else "",
                dedupe_key=dedupe_key,
                action_url=action_url,
            )
    except IntegrityError:
        # Raised concurrently by another process: the constraint kept it to one.
        return Alert.objects.get(dedupe_key=dedupe_key)
    audit_change(CREATE, alert, user=user, context=context)
    return alert


@transaction.atomic
def alert_close(*, alert, user, action_taken="", context=None):
    """Close an alert. A risk alert needs an acknowledgement of what was done."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not alert.is_open:
        raise ValidationError(
            f"This alert was already closed by {alert.closed_by} at "
            f"{timezone.localtime(alert.closed_at):%Y-%m-%d %H:%M}."
        )
    action_taken = (action_taken or "").strip()
    if alert.needs_acknowledgement and not action_taken:
        raise ValidationError(
            {"action_taken": "Record what was done (e.g. risk assessed, safety plan reviewed)."}
        )
    alert.status = Alert.Status.CLOSED
    alert.closed_by = user
    alert.closed_at = timezone.now()
    alert.action_taken = action_taken
    alert.save()
    audit_change(UPDATE, alert, user=user, context=context, detail="acknowledged")
    return alert


# --- consents ------------------------------------------------------------------------


@transaction.atomic
def consent_record(*, patient, user, data, context=None):
    consent = Consent(patient=patient, recorded_by=user, **data)
    errors = {}
    if consent.kind == Consent.Kind.COMMUNICATIONS and not (
        consent.allow_email or consent.allow_sms
    ):
        errors["allow_email"] = "Tick at least one channel the patient agrees to."
    if consent.kind in (Consent.Kind.RELEASE, Consent.Kind.PART2):
        if not consent.recipient.strip():
            errors["recipient"] = "Name who may receive the information."
        if not consent.purpose.strip():
            errors["purpose"] = "State the purpose of the disclosure."
    if consent.kind == Consent.Kind.PART2:
        if not consent.scope.strip():
            errors["scope"] = "Describe how much and what kind of information may be disclosed."
        if not consent.expires_on and not consent.expiry_event.strip():
            errors["expires_on"] = "A Part 2 consent needs an expiry date or an ending event."
    if consent.expires_on and consent.expires_on < timezone.localdate():
        errors["expires_on"] = "The expiry date is in the past."
    if errors:
        raise ValidationError(errors)
    consent.full_clean()
    consent.save()
    audit_change(CREATE, consent, user=user, context=context)
    return consent


@transaction.atomic
def consent_revoke(*, consent, user, note="", context=None):
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_at:
        raise ValidationError("This consent is already revoked.")
    consent.revoked_at = timezone.now()
    consent.revoked_by = user
    consent.revocation_note = note.strip()
    consent.save()
    audit_change(UPDATE, consent, user=user, context=context, detail="revoked")
    return consent
