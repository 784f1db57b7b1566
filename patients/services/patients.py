"""Registering patients and referrals; moving episodes through the workflow."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from iop.errors import ConflictError
from iop.validation import dates_in_order, not_in_future, plausible_date_of_birth
from patients import extensions
from patients.access import cares_for_episode, routine_access_level
from patients.models import Episode, LevelOfCareChange, Patient
from patients.services.admission import admission_missing, check_admission
from patients.services.programs import require_program_supervisor

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


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
    """A date of birth is plausible: from 1900 and not in the future (`iop.validation`).

    The services enforce it; the patient form and serializer call it too, so that a user sees
    this error together with the others on the page or in the API's answer.
    """
    plausible_date_of_birth(day)


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


class StalePatientError(ConflictError):
    """Someone saved the patient's details after this editor loaded them."""


CONTACT_FIELDS = ("phone", "email", "preferred_contact_channel")
PHONE_FIELDS = ("phone", "emergency_contact_phone")
PHONE_CHARACTERS = set("0123456789 +-().x")


def check_contact_channel(channel, *, phone, email):
    """{field: message} for a preferred contact channel without the detail it needs."""
    if channel == Patient.ContactChannel.EMAIL and not email:
        return {"email": "Add an e-mail address, or choose another contact channel."}
    if channel in (Patient.ContactChannel.SMS, Patient.ContactChannel.PHONE) and not phone:
        return {"phone": "Add a phone number, or choose another contact channel."}
    return {}


def check_phone(number):
    """A plausible phone number: digits (7 to 15) with spaces, +, -, brackets or an x."""
    if not number:
        return None
    digits = sum(c.isdigit() for c in number)
    if not set(number) <= PHONE_CHARACTERS or not 7 <= digits <= 15:
        return "Enter a phone number of 7 to 15 digits (spaces, +, - and brackets allowed)."
    return None


def may_edit_details(user, patient):
    """Whether `user` changes this patient's details: who opens the chart as care team,
    supervisor or intake coordinator (not only under emergency access, which is for reading)."""
    return routine_access_level(user, patient) is not None


@transaction.atomic
def patient_update(*, patient, user, data, revision=None, context=None):
    """Change a patient's details. `revision`: the one the editor loaded; a save made from an
    older copy is refused (StalePatientError), keeping the other person's change. The audit
    event names the fields changed (never their values)."""
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if not may_edit_details(user, patient):
        raise PermissionDenied("You cannot change this patient's details.")
    if revision not in (None, "") and int(revision) != patient.revision:
        who = patient.updated_by.display_name if patient.updated_by else "Someone else"
        when = timezone.localtime(patient.updated_at) if patient.updated_at else None
        at = f" at {when:%H:%M on %-d %b}" if when else ""
        raise StalePatientError(
            f"{who} changed these details{at} after you opened them. Your changes were not "
            "saved; they are kept below. Compare with the current details, then save again."
        )
    changed = sorted(field for field, value in data.items() if getattr(patient, field) != value)
    if not changed:
        return patient
    for field in changed:
        setattr(patient, field, data[field])
    errors = {}
    for field in PHONE_FIELDS:
        message = field in changed and check_phone(getattr(patient, field))
        if message:
            errors[field] = message
    if set(changed) & set(CONTACT_FIELDS):
        errors.update(
            check_contact_channel(
                patient.preferred_contact_channel, phone=patient.phone, email=patient.email
            )
        )
    if errors:
        raise ValidationError(errors)
    _validate_patient(patient)
    patient.revision += 1
    patient.updated_at, patient.updated_by = timezone.now(), user
    patient.save()
    audit_change(UPDATE, patient, user=user, context=context, detail=", ".join(changed)[:300])
    return patient


@transaction.atomic
def episode_update(*, episode, user, data, context=None):
    """Change an episode's referral details, primary clinician, and before admission its
    program and Part 2 flag.

    Once the patient is admitted, only a supervisor of the episode's program (or a clinical
    director) changes it; its Part 2 flag and program then change only with a reason
    (services.episode_part2_set, services.episode_program_change).
    """
    episode = Episode.objects.select_for_update().select_related("program").get(pk=episode.pk)
    admitted = episode.status not in (Episode.Status.REFERRED, Episode.Status.INTAKE)
    if admitted:
        require_program_supervisor(user, episode, "the clinician or referral details")
        moved = {
            field: f"The {what} of an admitted episode changes with a reason: use the "
            f"episode's {what} page (or POST …/{path}/)."
            for field, what, path in (
                ("is_sud", "Part 2 flag", "part2"),
                ("program", "program", "program"),
            )
            if field in data and data[field] != getattr(episode, field)
        }
        if moved:
            raise ValidationError(moved)
    clinician = data.get("primary_clinician")
    if clinician is not None and not clinician.has_role(*Role.CLINICAL):
        raise ValidationError({"primary_clinician": "Choose a clinician or supervisor."})
    becomes_sud = bool(data.get("is_sud")) and not episode.is_sud
    for field, value in data.items():
        setattr(episode, field, value)
    if becomes_sud and episode.status == Episode.Status.ACTIVE:
        check_part2(episode)
    episode.full_clean(validate_constraints=False)
    episode.save()
    if clinician is not None and episode.status == Episode.Status.ACTIVE:
        episode.care_team.add(clinician)
    audit_change(UPDATE, episode, user=user, context=context, detail=", ".join(sorted(data))[:300])
    return episode


def check_part2(episode):
    """The Part 2 part of the admission rule, for an admitted episode becoming SUD care: a
    Part 2 consent in force or the patient's recorded refusal (CLINICAL.md)."""
    if "part2_consent" in admission_missing(episode):
        raise ValidationError(
            {
                "is_sud": "SUD care needs a 42 CFR Part 2 consent in force, or the patient's "
                "refusal recorded with the reason, before this admitted episode is marked SUD."
            }
        )


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
        check_admission(episode)
        episode.admission_date = details.get("admission_date") or today
        episode.level_of_care = details.get("level_of_care") or episode.level_of_care
    elif to_status == Episode.Status.DISCHARGED:
        reason = details.get("discharge_reason", "")
        if reason not in Episode.DischargeReason.values:
            raise ValidationError({"discharge_reason": "Choose a discharge reason."})
        episode.discharge_reason = reason
        episode.discharge_date = details.get("discharge_date") or today
        for guard in extensions.discharge_guards:
            guard(episode)  # it sees the discharge date asked for
    episode.clean()  # the dates (Episode.clean)
    episode.status = to_status
    episode.save()
    audit_change(UPDATE, episode, user=user, context=context, detail=f"status → {to_status}")
    if to_status == Episode.Status.DISCHARGED:
        for hook in extensions.discharge_hooks:
            hook(episode, user, context)
    return episode


def require_cares_for_episode(user, episode, doing):
    """Refuse (PermissionDenied) anyone but a clinician on the episode's care team or a
    supervisor of its program (patients.access.cares_for_episode)."""
    if not cares_for_episode(user, episode):
        raise PermissionDenied(
            f"Only a clinician on the patient's care team or a supervisor of {episode.program} "
            f"{doing}."
        )


REASON_MAX = 2000


@transaction.atomic
def episode_change_level_of_care(
    *, episode, to_level, reason, user, effective_date=None, context=None
):
    """Move an active episode to PHP, IOP or OP from `effective_date` (today by default; not
    ahead, not before the admission or the last change), with the clinical reason."""
    episode = Episode.objects.select_for_update().select_related("program").get(pk=episode.pk)
    if episode.status != Episode.Status.ACTIVE:
        raise ValidationError("Only an active episode changes level of care.")
    require_cares_for_episode(user, episode, "changes the level of care")
    if to_level not in Episode.LevelOfCare.values:
        raise ValidationError({"to_level": "Choose PHP, IOP or OP."})
    if to_level == episode.level_of_care:
        raise ValidationError({"to_level": f"The episode is already at {to_level}."})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the clinical reason for the change."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {REASON_MAX} characters."})
    last = episode.level_changes.order_by("-effective_date", "-pk").first()
    if last is not None and effective_date is not None:
        dates_in_order(
            last.effective_date,
            effective_date,
            field="effective_date",
            message="The effective date is before the last change "
            f"({last.effective_date:%-d %b %Y}, {last.from_level} → {last.to_level}).",
        )
    # The episode's level is what is in force now (headers, caseload, billing): a change is
    # recorded when it takes effect, not ahead (a short planned dip is a step-down instead).
    not_in_future(effective_date, field="effective_date", what="The effective date")
    dates_in_order(
        episode.admission_date,
        effective_date,
        field="effective_date",
        message="The effective date is before the admission.",
    )
    change = LevelOfCareChange.objects.create(
        episode=episode,
        from_level=episode.level_of_care,
        to_level=to_level,
        reason=reason,
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
