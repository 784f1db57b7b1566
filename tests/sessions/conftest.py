from tests.plans.conftest import *  # noqa: F403, I001

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sessions import services as session_services
from sessions.models import TherapyGroup, TherapySession

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def day_group(program, clinician):
    """A group meeting every day at 09:00 for 180 minutes, facilitated by `clinician`."""
    group = TherapyGroup.objects.create(
        name="Morning group",
        program=program,
        kind="process",
        schedule_days=list(range(7)),
        start_time=time(9),
        duration_minutes=180,
    )
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


# --- a Mon/Wed/Fri group, on a stopped clock -------------------------------------------------


@pytest.fixture
def clock(time_machine):
    """The clock stopped at Monday 2 November 2026, 08:00 New York time; move it with
    `clock.move_to(...)`. Episodes made after it are admitted that day."""
    time_machine.move_to(datetime(2026, 11, 2, 8, 0, tzinfo=NEW_YORK), tick=False)
    return time_machine


@pytest.fixture
def group(program, clinician):
    """A process group meeting Mon/Wed/Fri at 09:00 for 180 minutes, `clinician` facilitating."""
    group = TherapyGroup.objects.create(
        name="MWF process group",
        program=program,
        kind="process",
        schedule_days=[0, 2, 4],
        start_time=time(9),
        duration_minutes=180,
        location="Room 2",
    )
    group.facilitators.set([clinician])
    return group


@pytest.fixture
def enroll(clock, group, make_episode, clinician):
    """Enrol an episode (a new active one on `clinician`'s caseload unless given) in `group`
    through the service, from Monday 2 November 2026 unless told otherwise."""

    def make(episode=None, *, start_date=date(2026, 11, 2), last_name=None):
        episode = episode or make_episode(clinician=clinician, last_name=last_name)
        session_services.group_enroll(
            group=group, episode=episode, user=clinician, start_date=start_date
        )
        return episode

    return make
