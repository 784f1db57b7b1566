"""A group's settings: its weekly schedule (days, start time, duration), place and
facilitators, changed by a supervisor of its program (or an admin in the Django admin), and
the group's future sessions brought in line with them."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record
from patients.querysets import supervises
from sessions.models import Attendance, TherapyGroup, TherapySession
from sessions.services.scheduling import group_schedule_generate, group_slots, session_cancel

SETTINGS_FIELDS = ("schedule_days", "start_time", "duration_minutes", "location", "capacity")


def can_edit_group(user, group):
    """A supervisor of the group's program (a clinical director: any), or an admin with the
    Django admin's change permission."""
    return supervises(user, group.program_id) or (
        user.is_staff and user.has_perm("therapy_sessions.change_therapygroup")
    )


def facilitators_check(facilitators):
    """Refuse anyone but active clinical staff (clinicians and supervisors) as facilitators."""
    facilitators = list(facilitators)
    if not facilitators:
        raise ValidationError({"facilitators": "Choose at least one facilitator."})
    wrong = [u for u in facilitators if not (u.is_active and u.has_role(*Role.CLINICAL))]
    if wrong:
        names = ", ".join(sorted(u.display_name for u in wrong))
        raise ValidationError(
            {"facilitators": f"Facilitators are clinicians or supervisors; not {names}."}
        )


@transaction.atomic
def group_settings_update(*, group, user, data, facilitators=None, context=None):
    """Change a group's schedule, place or capacity (`data`, fields of SETTINGS_FIELDS) and
    its facilitators; its future sessions follow (see `group_sessions_follow`)."""
    if not can_edit_group(user, group):
        raise PermissionDenied(
            f"Only a supervisor of {group.program} (or a clinical director) changes its groups."
        )
    group = TherapyGroup.objects.select_for_update().get(pk=group.pk)
    unknown = set(data) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(f"Not a group setting: {', '.join(sorted(unknown))}.")
    before = {name: getattr(group, name) for name in SETTINGS_FIELDS}
    for name, value in data.items():
        setattr(group, name, value)
    if isinstance(group.schedule_days, list):
        group.schedule_days = sorted(group.schedule_days)
    group.full_clean(exclude=["facilitators"])
    if facilitators is not None:
        facilitators_check(facilitators)
    group.save()
    changed = [name for name in SETTINGS_FIELDS if getattr(group, name) != before[name]]
    if facilitators is not None and set(facilitators) != set(group.facilitators.all()):
        group.facilitators.set(facilitators)
        changed.append("facilitators")
    cancelled = group_sessions_follow(group=group, user=user, context=context) if changed else 0
    if changed:
        audit_record(
            action=AuditEvent.Action.UPDATE,
            context=context,
            user=user,
            object_type="therapy_sessions.therapygroup",
            object_id=str(group.pk),
            detail=f"settings changed: {', '.join(changed)}; {cancelled} future sessions "
            "off the new schedule cancelled",
        )
    return group


def group_sessions_follow(*, group, user, context=None):
    """After a change of schedule or facilitators: the group's future scheduled sessions that
    no longer fall on the schedule (and have no attendance) are cancelled, the others take the
    new duration, place and facilitators, and the coming weeks are generated again. Returns
    how many were cancelled."""
    now = timezone.now()
    attended = Attendance.objects.filter(session=OuterRef("pk"))
    future = list(
        group.sessions.filter(status=TherapySession.Status.SCHEDULED, starts_at__gt=now)
        .annotate(has_attendance=Exists(attended))
        .order_by("starts_at")
    )
    facilitators = list(group.facilitators.all())
    cancelled = 0
    if future:
        first = timezone.localtime(future[0].starts_at).date()
        last = timezone.localtime(future[-1].starts_at).date()
        slots = set(group_slots(group, first, last))
        for session in future:
            if session.starts_at not in slots:
                if not session.has_attendance:
                    session_cancel(
                        session=session,
                        user=user,
                        reason="The group's schedule changed.",
                        context=context,
                    )
                    cancelled += 1
                continue
            session.duration_minutes = group.duration_minutes
            session.location = group.location
            session.save(update_fields=["duration_minutes", "location"])
            session.clinicians.set(facilitators)
    if group.is_active:
        group_schedule_generate(weeks=settings.GROUP_SCHEDULE_WEEKS, group=group, user=user)
    return cancelled
