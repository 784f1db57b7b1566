"""The demo loaded on a day Casey runs an afternoon group (Mon, Wed, Fri 13:00-16:00): Avery's
individual session today, her family session next week and her Thursday series are all there,
each at an hour neither has a group. The family session was booked at 15:00 a week ahead and,
refused as a clash with the group, silently left out of every demo loaded on those days."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.utils import timezone

from sessions.models import TherapySession


def test_avery_sessions_are_all_booked_when_loaded_on_a_monday(db, settings):
    settings.DEBUG = True
    monday = datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("America/New_York"))
    with time_machine.travel(monday):
        call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    avery = TherapySession.objects.filter(patient__legal_last_name="Nguyen", group=None)
    starts = {
        kind: sorted(timezone.localtime(s.starts_at) for s in avery.filter(kind=kind))
        for kind in ("individual", "family")
    }
    assert [s.date() for s in starts["family"]] == [monday.date() + timedelta(days=7)]
    assert starts["individual"][0].date() == monday.date()
    assert [s.weekday() for s in starts["individual"][1:]] == [3, 3, 3, 3]
    # Nothing of Casey's overlaps: no session booked on top of a group she runs.
    casey = list(TherapySession.objects.filter(clinicians__username="clinician"))
    for a in casey:
        for b in casey:
            if a.pk < b.pk:
                assert not (a.starts_at < b.ends_at and b.starts_at < a.ends_at), (a, b)
