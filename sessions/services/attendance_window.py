"""When a session's attendance can be taken: the one rule the service refuses by and the
pages draw their buttons by (disabled, with the reason, when it cannot be taken yet)."""

from datetime import timedelta

from django.utils import timezone

from sessions.models import TherapySession

# Attendance opens this long before the start: a group checks people in as they arrive.
OPENS_BEFORE = timedelta(minutes=30)


def attendance_opens_at(session):
    return session.starts_at - OPENS_BEFORE


def attendance_refusal(session, *, now=None):
    """Why no attendance can be taken at this session now ("" when it can)."""
    if session.status == TherapySession.Status.CANCELLED:
        return "The session was cancelled."
    now = now or timezone.now()
    opens = attendance_opens_at(session)
    if now < opens:
        return (
            f"Attendance opens at {timezone.localtime(opens):%H:%M on %a %-d %b}, half an hour "
            "before the session starts."
        )
    return ""
