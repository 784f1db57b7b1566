"""The weekly draw: for each program whose screening settings say *draw each week's screens
automatically*, a daily job orders the coming week's screens of every admitted episode, as a
clinician pressing *Schedule* would, but by no one (`user` None; its audit events carry the
job's task id).

Random schedules draw whole weeks, so the program's share applies to seven days: an episode's
next period starts tomorrow, once no draw covers tomorrow, and ends at the latest six days later
(or the day before a draw already made for later days). A repeat run finds tomorrow covered and
draws nothing. Fixed schedules order each fixed weekday of the coming seven days not yet
ordered, so a repeat run orders nothing either.
"""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from patients.models import Episode
from screens.models import ScreenDraw, ScreeningSettings
from screens.services.orders import episode_screens_schedule, settings_for

logger = logging.getLogger(__name__)

WEEK_DAYS = 7


def weekly_draw(*, today=None, context=None):
    """Order the coming week's screens of each admitted episode of the programs drawing
    automatically; one failing episode is logged and counted, never stops the others. Returns
    {"episodes", "scheduled", "orders", "skipped", "errors"}."""
    today = today or timezone.localdate()
    programs = ScreeningSettings.objects.filter(auto_weekly_draw=True).values("program_id")
    episodes = Episode.objects.filter(
        status=Episode.Status.ACTIVE, program_id__in=programs
    ).order_by("pk")
    counts = dict.fromkeys(("episodes", "scheduled", "orders", "skipped", "errors"), 0)
    for episode_id in episodes.values_list("pk", flat=True):
        counts["episodes"] += 1
        try:
            orders = _episode_week(episode_id, today + timedelta(days=1), context)
        except ValidationError as error:
            logger.info("weekly draw: episode %s skipped: %s", episode_id, error.messages)
            orders = []
        except Exception:
            logger.exception("weekly draw: episode %s failed", episode_id)
            counts["errors"] += 1
            continue
        if orders:
            counts["scheduled"] += 1
            counts["orders"] += len(orders)
        else:
            counts["skipped"] += 1
    return counts


@transaction.atomic
def _episode_week(episode_id, first_day, context):
    """The coming week's new orders of one episode (none when already covered); the episode's
    row is locked, so two runs at once do not both draw it."""
    episode = (
        Episode.objects.select_for_update(of=("self",))
        .select_related("program", "patient")
        .filter(pk=episode_id, status=Episode.Status.ACTIVE)
        .first()
    )
    if episode is None:
        return []
    if episode.admission_date and episode.admission_date > first_day:
        first_day = episode.admission_date
    last_day = first_day + timedelta(days=WEEK_DAYS - 1)
    if settings_for(episode.program).schedule == ScreeningSettings.Schedule.RANDOM:
        draws = ScreenDraw.objects.filter(episode=episode)
        if draws.filter(first_day__lte=first_day, last_day__gte=first_day).exists():
            return []
        later = draws.filter(first_day__gt=first_day).aggregate(first=Min("first_day"))["first"]
        if later and later <= last_day:
            last_day = later - timedelta(days=1)
    return episode_screens_schedule(
        episode=episode, first_day=first_day, last_day=last_day, user=None, context=context
    )
