from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from sessions import services as session_services
from sessions.models import TherapyGroup, TherapySession
from tests.plans.conftest import *  # noqa: F403


@pytest.fixture
def day_group(program, clinician):
    """A group meeting every day at 09:00 for 180 minutes, facilitated by `clinician`."""
    group = TherapyGroup.objects.create(
        name="Morning group", program=program, kind="process", schedule_days=list(range(7)),
        start_time=time(9), duration_minutes=180,
    )  # fmt: skip
    group.facilitators.set([clinician])
    return group


@pytest.fixture
def enrol(day_group, make_episode, clinician):
    def make(count):
        episodes = [make_episode(clinician=clinician) for _ in range(count)]
        for episode in episodes:
            session_services.group_enroll(
                group=day_group,
                episode=episode,
                user=clinician,
                start_date=timezone.localdate() - timedelta(days=14),
            )
        return episodes

    return make


@pytest.fixture
def todays_session(day_group, time_machine):
    """Today's session of the group, with the clock at 10:00 on a fixed day."""
    tz = timezone.get_current_timezone()
    time_machine.move_to(datetime(2026, 11, 18, 10, 0, tzinfo=tz), tick=False)
    session_services.group_schedule_generate(weeks=1, start=timezone.localdate())
    return TherapySession.objects.get(group=day_group, starts_at__date=timezone.localdate())
