"""The weekly hours minimum of each level of care (CLINICAL.md, "Levels of care and hours").

The minimum follows the episode's level of care *in force that week*, rebuilt from its recorded
level changes: PHP 20 h, IOP 9 h (6 h for an adolescent), OP none. A week in which the level
changed is judged against the lowest minimum in force during it (a step-down on Wednesday is not
a missed IOP week; a step-up on Wednesday is not a missed PHP week).

Adolescent: the patient is under 18 on the week's Monday, or the program's track is
"adolescent". The age is the patient's own fact; the track covers a young adult who stays in an
adolescent program (whose schedule offers six hours) past their 18th birthday. A program's
explicit `minimum_weekly_hours` replaces the IOP minimum (it was, and stays, the program's IOP
setting); it never applies to PHP or OP.
"""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from iop.ids import in_ids
from iop.shapes import shape
from patients.models import Episode, LevelOfCareChange, Program

Level = Episode.LevelOfCare
PHP_MINIMUM = Decimal(20)
IOP_MINIMUM = Decimal(9)
IOP_ADOLESCENT_MINIMUM = Decimal(6)
# Above this many hours an IOP week suggests PHP may fit.
IOP_MAXIMUM = Decimal(19)


def level_changes(episodes):
    """{episode id: [LevelOfCareChange, oldest first]} in one query."""
    return changes_by_episode(level_changes_of(episodes))


def level_changes_of(episodes):
    """The episodes' level changes, oldest first (a QuerySet: `level_changes` reads it; a page
    reading several things at once reads it with them, `iop.together`). Given ids (a list or
    a set), a shape (`iop.shapes`)."""
    if isinstance(episodes, list | set | frozenset) and all(type(e) is int for e in episodes):
        return _changes_of(sorted(episodes))
    return LevelOfCareChange.objects.filter(episode__in=episodes).order_by("effective_date", "pk")


@shape
def _changes_of(episode_ids):
    if not episode_ids:  # nothing to read (nor to send)
        return LevelOfCareChange.objects.none()
    return LevelOfCareChange.objects.filter(in_ids("episode_id", episode_ids)).order_by(
        "effective_date", "pk"
    )


def changes_by_episode(changes):
    """`level_changes`' answer from the rows of `level_changes_of`."""
    grouped = defaultdict(list)
    for change in changes:
        grouped[change.episode_id].append(change)
    return grouped


def level_on(episode, changes, day):
    """The level of care in force on `day`, from the episode's level changes (oldest first)."""
    before = [c for c in changes if c.effective_date <= day]
    if before:
        return before[-1].to_level
    return changes[0].from_level if changes else episode.level_of_care


def levels_in_week(episode, changes, week):
    """The levels in force during the week starting `week`, in order (usually one)."""
    levels = [level_on(episode, changes, week)]
    for change in changes:
        within = week < change.effective_date <= week + timedelta(days=6)
        if within and change.to_level != levels[-1]:
            levels.append(change.to_level)
    return levels


def is_adolescent(episode, week):
    return adolescent_on(episode.patient.date_of_birth, episode.program.track, week)


def adolescent_on(date_of_birth, track, week):
    """Under 18 on the week's Monday, or in an adolescent-track program."""
    age = week.year - date_of_birth.year
    age -= (week.month, week.day) < (date_of_birth.month, date_of_birth.day)
    return age < 18 or track == Program.Track.ADOLESCENT


def minimum_of(level, *, adolescent, program_minimum):
    """The weekly minimum in hours for `level`, or None (OP: no minimum)."""
    if level == Level.PHP:
        return PHP_MINIMUM
    if level == Level.IOP:
        if program_minimum is not None:
            return program_minimum
        return IOP_ADOLESCENT_MINIMUM if adolescent else IOP_MINIMUM
    return None


def level_minimum(level, episode, week):
    """The weekly minimum in hours for `level` that week, or None (OP: no minimum)."""
    return minimum_of(
        level,
        adolescent=level == Level.IOP and is_adolescent(episode, week),
        program_minimum=episode.program.minimum_weekly_hours,
    )


def judged_level(levels, minimum):
    """(the level judged against, its minimum or None) among the `levels` in force in a week
    (in order): the lowest minimum, OP (none) first; on a tie the earlier level."""
    if len(levels) == 1:  # one level all week (most weeks)
        return levels[0], minimum(levels[0])
    judged = min(
        levels,
        key=lambda level: (-1 if minimum(level) is None else 0, minimum(level) or 0),
    )
    return judged, minimum(judged)


def week_standard(episode, changes, week):
    """(levels in force, the level judged against, its minimum or None) for one week."""
    levels = levels_in_week(episode, changes, week)
    minimums = {level: level_minimum(level, episode, week) for level in levels}
    return (levels, *judged_level(levels, minimums.__getitem__))
