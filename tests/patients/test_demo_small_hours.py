"""The demo loaded in the small hours: every admitted patient's first scores are on or after
the day of admission (the intake's), as the discharge summary and the outcome report read them.
Loaded at 01:00 New York time, a score drawn a few hours back fell on the day before."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.db.models import Min
from django.utils import timezone

from patients.models import Episode, MeasureResponse


def test_first_scores_are_never_before_admission_when_loaded_at_1am(db, settings):
    settings.DEBUG = True
    with time_machine.travel(datetime(2026, 11, 27, 1, 0, tzinfo=ZoneInfo("America/New_York"))):
        call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    admitted = Episode.objects.exclude(admission_date=None)
    assert admitted.count() >= 8
    for episode in admitted:
        first = MeasureResponse.objects.filter(patient_id=episode.patient_id).aggregate(
            first=Min("administered_at")
        )["first"]
        assert first is not None
        assert timezone.localdate(first) >= episode.admission_date, episode.patient
