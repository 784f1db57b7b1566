"""What the sessions service tests share: the days of November 2026 they run on, local
times, and booking."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone

from sessions import services as ss
from sessions.models import TherapySession

NY = ZoneInfo("America/New_York")
MON_2, MON_9, WED_11, MON_16 = (date(2026, 11, d) for d in (2, 9, 11, 16))


def at(day, hour, minute=0):
    """A timezone-aware local (New York) time."""
    return datetime.combine(day, time(hour, minute), tzinfo=NY)


def group_session(group, day):
    return TherapySession.objects.get(group=group, starts_at=at(day, 9))


def book(user, *, starts_at, minutes=50, clinicians=None, episode=None, kind="individual", **kw):
    return ss.session_schedule(
        kind=kind,
        starts_at=starts_at,
        duration_minutes=minutes,
        clinicians=clinicians or [user],
        user=user,
        episode=episode,
        **kw,
    )


def local_starts(sessions):
    return [timezone.localtime(s.starts_at).strftime("%a %d %b %H:%M") for s in sessions]


def mark_all(sessions_and_marks, episode, user):
    for session, status, minutes in sessions_and_marks:
        ss.attendance_mark(
            session=session, episode=episode, status=status, minutes=minutes, user=user
        )
