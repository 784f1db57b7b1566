"""Enrolling an episode in a therapy group, and ending an enrolment.

Who: a supervisor of the episode's program (or a clinical director), or a clinician on the
episode's care team (primary clinician or member). The rules: an active episode of the group's
program, an active group with a place free, no second enrolment in the same group, dates in
order (from the admission, the end not before the start, nothing after a discharge, nothing
cut off from attendance already taken).
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from patients.access import cares_for_episode
from patients.models import Episode
from sessions.models import Attendance, GroupEnrollment, TherapyGroup

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE
# An enrolment is planned at most this far ahead (a date beyond it is a typing slip).
MAX_DAYS_AHEAD = 366


def may_manage_enrolment(user, episode):
    """Whether `user` enrols this episode in groups and ends its enrolments."""
    return cares_for_episode(user, episode)


def require_may_manage_enrolment(user, episode):
    if not may_manage_enrolment(user, episode):
        raise PermissionDenied(
            "Only a clinician on the patient's care team or a supervisor of "
            f"{episode.program} enrols the patient in groups or ends an enrolment."
        )


def _in_force_from(day):
    """Enrolments not ended before `day` (open, or ending on it or later)."""
    return Q(end_date__isnull=True) | Q(end_date__gte=day)


def _check_day(day, episode, *, field, what):
    if day is None:
        raise ValidationError({field: f"Give the {what}."})
    if episode.admission_date and day < episode.admission_date:
        raise ValidationError(
            {field: f"The {what} is before the admission ({episode.admission_date:%-d %b %Y})."}
        )
    if episode.discharge_date and day > episode.discharge_date:
        raise ValidationError(
            {field: f"The {what} is after the discharge ({episode.discharge_date:%-d %b %Y})."}
        )
    if day > timezone.localdate() + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({field: f"The {what} is more than a year ahead."})


@transaction.atomic
def group_enroll(*, group, episode, user, start_date=None, context=None):
    """Enrol an active episode in a group of its program, from `start_date` (default today)."""
    # The group's row is the lock two enrolments for its last place queue on.
    group = TherapyGroup.objects.select_for_update().get(pk=group.pk)
    episode = Episode.objects.select_related("patient", "program").get(pk=episode.pk)
    if episode.status != Episode.Status.ACTIVE:
        raise ValidationError({"episode": "Only patients in an active episode join groups."})
    require_may_manage_enrolment(user, episode)
    if episode.program_id != group.program_id:
        raise ValidationError({"group": f"{group} belongs to another program."})
    if not group.is_active:
        raise ValidationError({"group": f"{group} no longer meets."})
    start_date = start_date or timezone.localdate()
    _check_day(start_date, episode, field="start_date", what="start date")
    current = group.enrollments.filter(_in_force_from(start_date))
    already = current.filter(episode=episode).order_by("start_date").first()
    if already is not None:
        raise ValidationError(
            {
                "episode": f"{episode.patient.display_name} is already in {group} "
                f"(since {already.start_date:%-d %b %Y})."
            }
        )
    if current.count() >= group.capacity:
        raise ValidationError({"group": f"{group} is full ({group.capacity} places)."})
    try:
        with transaction.atomic():
            enrollment = GroupEnrollment.objects.create(
                group=group, episode=episode, start_date=start_date
            )
    except IntegrityError:
        raise ValidationError(
            {"episode": f"{episode.patient.display_name} is already in {group}."}
        ) from None
    audit_change(
        CREATE, enrollment, user=user, context=context, detail=f"{group} from {start_date}"
    )
    return enrollment


@transaction.atomic
def group_enrollment_end(*, enrollment, end_date, user, context=None):
    """End an enrolment on `end_date` (its last day in the group): not before it started, nor
    before attendance already taken in the group."""
    enrollment = (
        GroupEnrollment.objects.select_for_update()
        .select_related("group", "episode__patient", "episode__program")
        .get(pk=enrollment.pk)
    )
    episode = enrollment.episode
    require_may_manage_enrolment(user, episode)
    if enrollment.end_date is not None and enrollment.end_date < timezone.localdate():
        raise ValidationError(f"This enrolment already ended on {enrollment.end_date:%-d %b %Y}.")
    _check_day(end_date, episode, field="end_date", what="end date")
    if end_date < enrollment.start_date:
        raise ValidationError(
            {
                "end_date": "The end date is before the enrolment started "
                f"({enrollment.start_date:%-d %b %Y})."
            }
        )
    attended_after = (
        Attendance.objects.filter(
            episode=episode,
            session__group=enrollment.group,
            status__in=Attendance.ATTENDED,
            session__starts_at__date__gt=end_date,
        )
        .order_by("-session__starts_at")
        .values_list("session__starts_at", flat=True)
        .first()
    )
    if attended_after is not None:
        raise ValidationError(
            {
                "end_date": f"{episode.patient.display_name} attended {enrollment.group} on "
                f"{timezone.localtime(attended_after):%-d %b %Y}, after this end date."
            }
        )
    enrollment.end_date = end_date
    enrollment.save(update_fields=["end_date"])
    audit_change(
        UPDATE,
        enrollment,
        user=user,
        context=context,
        detail=f"ended {end_date} ({enrollment.group})",
    )
    return enrollment
