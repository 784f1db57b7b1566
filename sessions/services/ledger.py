"""The hours ledger: each week's attended hours of an episode against the minimum of its
level of care (CLINICAL.md, "Levels of care and hours"), for many episodes in a fixed number of
queries, or one episode's (the chart's Sessions tab) read by shapes in one round trip."""

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from iop.shapes import shape
from iop.together import read_together
from sessions.models import StepDown
from sessions.services import levels
from sessions.services.scheduling import week_start
from sessions.services.shortfall import weekly_minutes


def hours_ledger(episodes, *, weeks=8, today=None):
    """{episode id: [week rows, oldest first]} for the last `weeks` weeks including this one.

    A row: week start, minutes and hours attended; the levels of care in force that week, the
    level judged against and its minimum (None for OP: no minimum, see `levels`); whether it is
    met, whether the week is a recorded step-down, whether it is the current week (in progress:
    never judged), whether the patient was admitted during it (not judged either), `judged`
    (whether the week is held against a minimum at all: the reports' weeks counted), `below`
    (the week is judged and under the minimum: the one thing that alerts; the discharge week is
    not judged, and no week before the admission week or after the discharge week is listed),
    `php_hint` (an IOP
    week over 19 h) and `status`, the label every page shows. Three queries for any number of
    episodes (their patient and program are expected to be loaded with them).
    """
    today = today or timezone.localdate()
    episodes = list(episodes)
    first, since, until, tz = _window(today, weeks)
    # By id: a lookup given model instances prepares each one again (a caseload page: most
    # of the column's time, none of its SQL).
    ids = [episode.pk for episode in episodes]
    minutes = list(weekly_minutes(ids, since, until, tz))
    steps = list(StepDown.objects.filter(episode_id__in=ids, ends_on__gte=first).order_by())
    return _ledger(episodes, today, first, minutes, steps, levels.level_changes(ids))


def episode_hours_ledger(episode, *, weeks=8, today=None):
    """`hours_ledger`'s rows of one episode (the chart's Sessions tab): its three reads each a
    shape, read in one round trip (`iop.together`)."""
    today = today or timezone.localdate()
    first, since, until, _ = _window(today, weeks)
    minutes, steps, changes = read_together(
        [
            _episode_minutes(episode.pk, since, until),
            _episode_step_downs(episode.pk, first),
            _episode_level_changes(episode.pk),
        ]
    )
    return _ledger([episode], today, first, minutes, steps, {episode.pk: changes})[episode.pk]


def _window(today, weeks):
    """(the first week's Monday, its start and the end of this week as aware datetimes, the
    time zone) of the last `weeks` weeks including this one."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    tz = timezone.get_current_timezone()
    since = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    # The weeks listed end with this one: bounded on both sides, the sessions of those weeks
    # are found by their start (and no order is asked for, so no patient is joined to sort).
    until = datetime.combine(week_start(today) + timedelta(weeks=1), datetime.min.time(), tzinfo=tz)
    return first, since, until, tz


@shape
def _episode_minutes(episode_id, since, until):
    # The time zone is the site's (TIME_ZONE; none is activated per request): the same for
    # every call, as the shape requires.
    return weekly_minutes(episode_id, since, until, timezone.get_current_timezone())


@shape
def _episode_step_downs(episode_id, first):
    return StepDown.objects.filter(episode_id=episode_id, ends_on__gte=first).order_by()


@shape
def _episode_level_changes(episode_id):
    return levels.episode_level_changes(episode_id)


def _ledger(episodes, today, first, weekly, step_downs, changes):
    """`hours_ledger`'s answer from its reads: `weekly` (`weekly_minutes`' rows), the step-downs
    and {episode id: level changes, oldest first}."""
    minutes = defaultdict(int)
    for episode_id, week, mins in weekly:
        minutes[(episode_id, week.date() if isinstance(week, datetime) else week)] += mins
    steps = defaultdict(list)
    for step in step_downs:
        steps[step.episode_id].append(step)
    ledger = {}
    for episode in episodes:
        start = max(first, week_start(episode.admission_date)) if episode.admission_date else first
        last = week_start(today)
        if episode.discharge_date:
            last = min(last, week_start(episode.discharge_date))  # none after the discharge week
        rows = []
        week = start
        while week <= last:
            step_down = any(
                s.starts_on <= week + timedelta(days=6) and s.ends_on >= week
                for s in steps[episode.pk]
            )
            row = _ledger_row(
                episode, changes[episode.pk], week, minutes[(episode.pk, week)], today, step_down
            )
            rows.append(row)
            week += timedelta(weeks=1)
        ledger[episode.pk] = rows
    return ledger


def _ledger_row(episode, changes, week, total, today, step_down):
    hours = (Decimal(total) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    in_force, level, minimum = levels.week_standard(episode, changes, week)
    current = week == week_start(today)
    partial = bool(episode.admission_date and episode.admission_date > week)
    ending = bool(episode.discharge_date and week_start(episode.discharge_date) == week)
    met = minimum is None or Decimal(total) >= minimum * 60
    # Judged against its minimum: a week with one, over, not a step-down, and the patient in
    # care all of it (the admission and the discharge weeks are not judged).
    judged = minimum is not None and not (step_down or current or partial or ending)
    below = judged and not met
    php_hint = level == levels.Level.IOP and Decimal(total) > levels.IOP_MAXIMUM * 60
    if ending and not met:
        status = "discharged mid-week"
    elif current:
        status = "in progress"
    elif step_down:
        status = "planned step-down"
    elif minimum is None:
        status = "no minimum"
    elif partial and not met:
        status = "admitted mid-week"
    else:
        status = "met" if met else "below"
    return {
        "week": week,
        "minutes": total,
        "hours": hours,
        "levels": in_force,
        "level": level,
        "minimum": minimum,
        "met": met,
        "judged": judged,
        "step_down": step_down,
        "current": current,
        "in_progress": current,
        "partial": partial,
        "below": below,
        "php_hint": php_hint,
        "status": status,
    }
