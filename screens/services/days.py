"""The days a random draw picks from: the episode's attendance days — the days it has a session
(its own, or one of a group it is enrolled in on that day), not cancelled — or, when nothing is
scheduled for the period yet, the program's weekdays."""

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from sessions.models import GroupEnrollment, TherapySession


def attendance_days(episode, first_day, last_day):
    """The sorted dates in [first_day, last_day] with a session of the episode (two queries)."""
    enrollments = list(GroupEnrollment.objects.filter(episode=episode))
    zone = timezone.get_current_timezone()
    starts = datetime.combine(first_day, time.min, tzinfo=zone)
    ends = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone)
    sessions = (
        TherapySession.objects.filter(starts_at__gte=starts, starts_at__lt=ends)
        .filter(Q(episode=episode) | Q(group_id__in={e.group_id for e in enrollments}))
        .exclude(status=TherapySession.Status.CANCELLED)
        .values_list("starts_at", "group_id", "episode_id")
    )
    days = set()
    for starts_at, group_id, episode_id in sessions:
        day = timezone.localtime(starts_at).date()
        if episode_id == episode.pk or any(
            e.group_id == group_id
            and e.start_date <= day
            and (e.end_date is None or e.end_date >= day)
            for e in enrollments
        ):
            days.add(day)
    return sorted(days)


def candidate_days(episode, first_day, last_day, program_weekdays):
    days = attendance_days(episode, first_day, last_day)
    if days:
        return days
    period = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    return [d for d in period if d.weekday() in program_weekdays]
