"""The hours ledger: each episode's weeks with the minutes attended, judged against the minimum
of the level of care in force (`levels`; CLINICAL.md, "Levels of care and hours"). The chart's
Sessions tab, the caseload's hours column, plan reviews, the reports and the weekly job read it.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from iop.ids import id_set, in_ids
from iop.shapes import shape
from iop.together import read_together
from sessions.models import Attendance, StepDown
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
    episodes, in one round trip on PostgreSQL (their patient and program are expected to be
    loaded with them).
    """
    today = today or timezone.localdate()
    episodes = list(episodes)
    first = week_start(today) - timedelta(weeks=weeks - 1)
    tz = timezone.get_current_timezone()
    since = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    # The weeks listed end with this one: bounded on both sides, the sessions of those weeks
    # are found by their start (and no order is asked for, so no patient is joined to sort).
    until = datetime.combine(week_start(today) + timedelta(weeks=1), datetime.min.time(), tzinfo=tz)
    # By id: a lookup given model instances prepares each one again (a caseload page: most
    # of the column's time, none of its SQL).
    ids = [episode.pk for episode in episodes]
    # Its three reads in one round trip on PostgreSQL (`iop.together`).
    weekly, stepped, changed = read_together(
        (
            _weekly(ids, since, until, tz),
            _step_downs(ids, first),
            levels.level_changes_of(ids),
        )
    )
    minutes = defaultdict(int)
    for episode_id, week, mins in weekly:
        minutes[(episode_id, week.date() if isinstance(week, datetime) else week)] += mins
    steps = defaultdict(list)
    for step in stepped:
        steps[step.episode_id].append(step)
    changes = levels.changes_by_episode(changed)
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


def episode_hours_ledger(episode, *, weeks=8, today=None):
    """`hours_ledger`'s rows of one episode (the chart's Sessions tab)."""
    return hours_ledger([episode], weeks=weeks, today=today)[episode.pk]


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


# The ledger's reads as shapes (`iop.shapes`): the caseload and the chart read them on every
# request, for ids of the page's episodes.


@shape(key=("tz",))
def _weekly(episode_ids, since, until, tz):
    if not episode_ids:  # nothing to read (nor to send)
        return Attendance.objects.none()
    return weekly_minutes(id_set(episode_ids), since, until, tz)


@shape
def _step_downs(episode_ids, first):
    if not episode_ids:
        return StepDown.objects.none()
    return StepDown.objects.filter(in_ids("episode_id", episode_ids), ends_on__gte=first).order_by()
