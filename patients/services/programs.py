"""Programs and their supervisors; an admitted episode's Part 2 flag and program.

Once a patient is admitted, whether the episode is SUD care (42 CFR Part 2) and which program
it belongs to decide who may read the record and what may leave it: only a supervisor of the
episode's program (or a clinical director) changes them, with a reason kept in an
`EpisodeChange` and an audit event (no free text in the trail). Before admission, intake
coordinators set both on the referral as before (services.episode_update).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change, audit_record
from patients import extensions
from patients.models import Episode, EpisodeChange, Program
from patients.querysets import supervises

UPDATE = AuditEvent.Action.UPDATE
ADMITTED = (Episode.Status.ACTIVE, Episode.Status.DISCHARGED)


def is_admitted(episode):
    return episode.status in ADMITTED


def require_program_supervisor(user, episode, what):
    """Refuse (PermissionDenied) anyone but a supervisor of the episode's program or a
    clinical director."""
    if not supervises(user, episode.program_id):
        raise PermissionDenied(
            f"Only a supervisor of {episode.program} (or a clinical director) changes {what} "
            "of an admitted episode."
        )


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the change."})
    return reason


def _record(*, episode, field, old, new, reason, user, context):
    change = EpisodeChange.objects.create(
        episode=episode,
        field=field,
        old_value=old,
        new_value=new,
        reason=reason,
        changed_by=user,
    )
    audit_change(
        UPDATE,
        episode,
        user=user,
        context=context,
        detail=f"{field} {old} → {new} (episode change {change.pk}, reason recorded)",
    )
    return change


@transaction.atomic
def episode_part2_set(*, episode, is_sud, reason, user, context=None):
    """Mark an episode as SUD care (42 CFR Part 2) or not, with the reason. Becoming SUD care
    while active needs a Part 2 consent in force or the patient's recorded refusal."""
    from patients.services.patients import check_part2

    episode = Episode.objects.select_for_update().select_related("program").get(pk=episode.pk)
    require_program_supervisor(user, episode, "the Part 2 flag")
    reason = _reason(reason)
    is_sud = bool(is_sud)
    if is_sud == episode.is_sud:
        state = "already" if is_sud else "already not"
        raise ValidationError({"is_sud": f"The episode is {state} marked as SUD care."})
    episode.is_sud = is_sud
    if is_sud and episode.status == Episode.Status.ACTIVE:
        check_part2(episode)
    episode.save(update_fields=["is_sud", "updated_at"])
    return _record(
        episode=episode,
        field=EpisodeChange.Field.IS_SUD,
        old="SUD" if not is_sud else "not SUD",
        new="SUD" if is_sud else "not SUD",
        reason=reason,
        user=user,
        context=context,
    )


@transaction.atomic
def episode_program_change(*, episode, program, reason, user, context=None):
    """Move an episode to another (active) program, with the reason. The episode's group
    enrolments must be ended first (sessions' guard): a group belongs to one program."""
    episode = Episode.objects.select_for_update().select_related("program").get(pk=episode.pk)
    require_program_supervisor(user, episode, "the program")
    reason = _reason(reason)
    if program is None or not Program.objects.filter(pk=program.pk, is_active=True).exists():
        raise ValidationError({"program": "Choose an active program."})
    if program.pk == episode.program_id:
        raise ValidationError({"program": f"The episode is already in {program}."})
    for guard in extensions.program_change_guards:
        guard(episode, program)
    old = episode.program
    episode.program = program
    episode.save(update_fields=["program", "updated_at"])
    return _record(
        episode=episode,
        field=EpisodeChange.Field.PROGRAM,
        old=old.name[:120],
        new=program.name[:120],
        reason=reason,
        user=user,
        context=context,
    )


def _codes(diagnoses):
    return ", ".join(d["code"] for d in diagnoses)[:120]


@transaction.atomic
def episode_diagnoses_set(*, episode, diagnoses, reason, user, context=None):
    """Change an admitted episode's diagnoses (its intake's, locked once the intake completed),
    with the reason. Each code must be in the bundled ICD-10-CM list (`diagnoses_check`)."""
    from patients.models import IntakeAssessment
    from patients.services.intake import diagnoses_check

    episode = Episode.objects.select_for_update().select_related("program").get(pk=episode.pk)
    require_program_supervisor(user, episode, "the diagnoses")
    if episode.status != Episode.Status.ACTIVE:
        raise ValidationError(
            {
                "diagnoses": "Only an active episode's diagnoses change here; before admission "
                "they are part of the intake."
            }
        )
    reason = _reason(reason)
    diagnoses = diagnoses_check(list(diagnoses))
    if not diagnoses:
        raise ValidationError({"diagnoses": "An admitted episode keeps at least one diagnosis."})
    assessment = IntakeAssessment.objects.select_for_update().get(episode=episode)
    if assessment.diagnoses == diagnoses:
        raise ValidationError({"diagnoses": "These are already the episode's diagnoses."})
    old = _codes(assessment.diagnoses)
    assessment.diagnoses = diagnoses
    assessment.save(update_fields=["diagnoses", "updated_at"])
    audit_change(UPDATE, assessment, user=user, context=context, detail="diagnoses")
    return _record(
        episode=episode,
        field=EpisodeChange.Field.DIAGNOSES,
        old=old or "none",
        new=_codes(diagnoses),
        reason=reason,
        user=user,
        context=context,
    )


@transaction.atomic
def program_supervisors_set(*, program, supervisors, user, context=None):
    """Set who supervises `program` (the Django admin's program page). Each must hold the
    supervisor role. Who may read a program's records changes: audited, one event per user
    added or removed (object patients.program)."""
    supervisors = set(supervisors)
    wrong = [s for s in supervisors if not (s.is_active and s.has_role(Role.SUPERVISOR))]
    if wrong:
        names = ", ".join(sorted(s.get_username() for s in wrong))
        raise ValidationError({"supervisors": f"Not an active supervisor: {names}."})
    before = set(program.supervisors.all())
    program.supervisors.set(supervisors)
    for target, what in [(u, "added") for u in supervisors - before] + [
        (u, "removed") for u in before - supervisors
    ]:
        audit_record(
            action=UPDATE,
            context=context,
            user=user,
            object_type="patients.program",
            object_id=str(program.pk),
            detail=f"supervisor {target.get_username()} (user {target.pk}) {what}",
        )
    return program


PROGRAM_SETTINGS = (
    "minimum_weekly_hours",
    "initial_plan_days",
    "review_cadence_days",
    "measure_schedule",
    "reminder_lead_hours",
)


def can_edit_program(user, program):
    """A supervisor of the program (a clinical director: any), or an admin with the Django
    admin's change permission."""
    return supervises(user, program.pk) or (
        user.is_staff and user.has_perm("patients.change_program")
    )


@transaction.atomic
def program_settings_update(*, program, user, data, context=None):
    """Change a program's settings (`data`, fields of PROGRAM_SETTINGS): the weekly minimum,
    the plan deadlines, the measure schedule and the reminder lead times. Lead hours are kept
    once each, longest first; the schedule once per instrument."""
    if not can_edit_program(user, program):
        raise PermissionDenied(
            f"Only a supervisor of {program} (or a clinical director) changes its settings."
        )
    unknown = set(data) - set(PROGRAM_SETTINGS)
    if unknown:
        raise ValidationError(f"Not a program setting: {', '.join(sorted(unknown))}.")
    program = Program.objects.select_for_update().get(pk=program.pk)
    before = {name: getattr(program, name) for name in PROGRAM_SETTINGS}
    for name, value in data.items():
        setattr(program, name, value)
    leads = program.reminder_lead_hours
    if isinstance(leads, list) and all(isinstance(h, int) for h in leads):
        program.reminder_lead_hours = sorted(set(leads), reverse=True)
    program.full_clean(exclude=["supervisors"])
    program.save()
    changed = [name for name in PROGRAM_SETTINGS if getattr(program, name) != before[name]]
    if changed:
        audit_record(
            action=UPDATE,
            context=context,
            user=user,
            object_type="patients.program",
            object_id=str(program.pk),
            detail=f"settings changed: {', '.join(changed)}",
        )
    return program
