"""Last week's hours judged for a whole caseload at once, for the lists that show only some of
the patients below their minimum (Today, "below their hours"): counted in full, ordered, and
only the rows shown loaded as records.

The rule is the hours ledger's (`ledger.hours_ledger`, `levels`; CLINICAL.md, "Levels of
care and hours") for the one week the lists judge, the last full week. The database reads
the facts the rule needs as plain values, one row per episode (level, admission and discharge
dates, track, the program's minimum, a step-down in the week) with their level changes (a
row each, in the same read); then, by the episodes' and patients' ids, each episode's
attended minutes of that week (one grouped query over the week's counted sessions) and each
patient's date of birth and names. The rule (`levels`) then judges ~300 tuples, not ~300
episodes with their patients and programs and a ledger of rows each. The page's rows are
built from those same values, with this week's minutes read for the rows shown only.

`tests/sessions/test_hours_in_the_database.py` holds it to the ledger's judgement.
"""

from collections import defaultdict, namedtuple
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.db import router
from django.db.models import Exists, OuterRef, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from iop.ids import id_set, in_ids
from iop.shapes import shape
from iop.together import gather, run
from patients.models import Episode, Patient
from sessions.models import NOT_COUNTED, Attendance, StepDown, TherapySession
from sessions.services import levels
from sessions.services.scheduling import week_start

FACTS = (
    "pk",
    "level_of_care",
    "admission_date",
    "discharge_date",
    "program__track",
    "program__minimum_weekly_hours",
    "patient_id",
    "stepped_down",
)
# A row shows its patient's name and links to their chart: the episode and patient records
# of a row hold only these (as `.only()` would read them), from the rows of FACTS and
# PATIENT_FACTS; in the models' field order, as `Model.from_db` takes them.
SHOWN_EPISODE = ("id", "patient_id")
# What the rule (`levels.levels_in_week`) reads of a level change, in the order it sorts them.
LEVEL_CHANGE = ("effective_date", "pk", "from_level", "to_level")
LevelChange = namedtuple("LevelChange", LEVEL_CHANGE)
SHOWN_PATIENT = ("id", "legal_first_name", "legal_last_name", "preferred_name")
# What the rule (the age) and the rows (the order and names) read of a patient, read by id:
# joined to the facts, PostgreSQL hashed every patient of the program to find the caseload's.
PATIENT_FACTS = (*SHOWN_PATIENT, "date_of_birth")


def _midnight(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def read_attended_minutes(episode_ids, monday):
    """{episode id: minutes attended} in the week starting `monday`, in sessions that count
    (not cancelled; family therapy only with the patient present), as a reader
    (`iop.together`): one grouped query over `_counted`, by the attendance's copy of its
    session's start. An episode with none is left out."""
    week = _week_minutes(list(episode_ids), _midnight(monday), _midnight(monday + timedelta(7)))
    (rows,) = yield (week,)
    return dict(rows)


def read_patient_facts(patient_ids):
    """{patient id: a row of PATIENT_FACTS} of these patients, as a reader (`iop.together`)."""
    (rows,) = yield (_patient_facts(sorted(set(patient_ids))),)
    return {row[0]: row for row in rows}


@shape
def _patient_facts(patient_ids):
    return Patient.objects.filter(in_ids("pk", patient_ids)).order_by().values_list(*PATIENT_FACTS)


@shape
def _week_minutes(episode_ids, since, until):
    """(episode id, minutes) of the week from `since` to `until` (its midnights), a shape: the
    hours' lists read last week's for every episode, this week's for the rows shown."""
    counted = _counted(id_set(episode_ids), since, until).order_by().values_list("episode_id")
    return counted.annotate(minutes=Sum("minutes_attended"))


def _counted(episodes, since, until):
    """The episodes' attendance from `since` to `until` that counts toward their hours:
    attended, in a session not cancelled and (family therapy) with the patient present. By the
    attendance's copy of its session's start: one range per episode of `attendance_hours`
    (a supervisor's 300 in two weeks: ~6,800 index entries, not the ~33,000 of every
    attendance they ever had), less the weeks' few sessions that count no hours, hashed from
    their own index (`session_not_counted`): no session is looked up row by row."""
    not_counted = TherapySession.objects.filter(
        NOT_COUNTED, pk=OuterRef("session_id"), starts_at__gte=since, starts_at__lt=until
    )
    return Attendance.objects.filter(
        ~Exists(not_counted),
        episode__in=episodes,
        session_starts_at__gte=since,
        session_starts_at__lt=until,
        status__in=Attendance.ATTENDED,
    )


def weekly_minutes(episodes, since, until, tz):
    """(episode id, week, minutes attended) for the episodes' (or their ids') attendance in
    sessions that count (not cancelled; family therapy only with the patient present) from
    `since` to `until`, summed per episode and local week (Monday) in the database: a
    supervisor's 300 patients are ~600 rows, not the ~5,000 attendance rows of their two
    weeks."""
    return (
        _counted(episodes, since, until)
        .annotate(week=TruncWeek("session_starts_at", tzinfo=tz))
        .order_by()  # grouped: the default order would join and sort by patient name
        .values_list("episode_id", "week")
        .annotate(total=Sum("minutes_attended"))
    )


def judge(facts, born, changes, minutes, monday):
    """(minutes, level, minimum in hours) if the episode (`facts`, a row of FACTS; its patient
    born on `born`) was below its minimum in the week starting `monday`, else None: the
    ledger's rule for a past week."""
    (_, level, admitted, discharged, track, program_minimum, _, stepped) = facts
    if stepped or (admitted and admitted > monday):
        return None  # a planned step-down; admitted that week (or not yet)
    if discharged and week_start(discharged) <= monday:
        return None  # the discharge week (or after it)
    in_force = (
        levels.levels_in_week(SimpleNamespace(level_of_care=level), changes, monday)
        if changes
        else (level,)  # no change ever: its level all week (most episodes)
    )
    adolescent = levels.adolescent_on(born, track, monday)
    judged, minimum = levels.judged_level(
        in_force,
        lambda lvl: levels.minimum_of(lvl, adolescent=adolescent, program_minimum=program_minimum),
    )
    if minimum is None or minutes >= minimum * 60:  # an int and an int or a Decimal: exact
        return None
    return minutes, judged, minimum


def hours(minutes):
    """Minutes as hours to a tenth, half up (as the ledger shows them)."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def facts_of(episodes, monday, sunday):
    """The FACTS of each of `episodes` (a QuerySet) for the week `monday` to `sunday`, with its
    level changes in the same read (a row per change; one with NULLs for an episode without
    any): a handful of rows more than episodes, not a query more."""
    step_down = StepDown.objects.filter(
        episode=OuterRef("pk"), starts_on__lte=sunday, ends_on__gte=monday
    )
    read = episodes.annotate(stepped_down=Exists(step_down)).order_by()
    return read.values_list(*FACTS, *(f"level_changes__{f}" for f in LEVEL_CHANGE))


class BelowHours:
    """The episodes of `episodes` (a QuerySet) below their minimum last week, the largest
    shortfall first, then by name, as the lists show them: `(episode, last week, this week)`,
    the weeks as the ledger's rows (week, minutes, hours, level, minimum in hours). Judged
    once with this week's minutes (two queries whatever the caseload: the facts with the
    level changes, then the minutes); a slice's episodes and patients are built from the
    values judged (no further query)."""

    def __init__(self, episodes=None, *, today=None, facts=None):
        # `facts` (monday, sunday) -> the rows of `facts_of` the episodes, read another way (a
        # shape's), in place of `episodes` (a QuerySet).
        self.facts = facts or (lambda monday, sunday: facts_of(episodes, monday, sunday))
        self.db = episodes.db if facts is None else router.db_for_read(Episode)
        self.this_week = week_start(today or timezone.localdate())
        self.monday = self.this_week - timedelta(weeks=1)
        self._judged = None
        self._current = {}  # episode id: this week's minutes so far (`read_this_week`)

    @property
    def judged(self):
        """[(episode id, minutes, level, minimum)], in the lists' order."""
        if self._judged is None:
            run(self.read())
        return self._judged

    def read(self):
        """Judge the episodes, as a reader (`iop.together`): the facts, then last week's
        minutes (this week's are read for the rows shown: `read_this_week`)."""
        if self._judged is None:
            self._judged = yield from self._judge()
        return self._judged

    def read_this_week(self, judged):
        """This week's minutes (so far) of the `judged` rows not read yet, as a reader: a
        page's few, not the caseload's (half the attendance a judgement would read)."""
        missing = [row[0] for row in judged if row[0] not in self._current]
        if missing:
            minutes = yield from read_attended_minutes(missing, self.this_week)
            self._current.update({pk: minutes.get(pk, 0) for pk in missing})

    def _judge(self):
        facts, changes = {}, defaultdict(list)
        (read,) = yield (self.facts(self.monday, self.monday + timedelta(days=6)),)
        for row in read:
            fact, change = row[: len(FACTS)], row[len(FACTS) :]
            facts.setdefault(fact[0], fact)
            if change[1] is not None:  # its pk: NULL for none
                changes[fact[0]].append(LevelChange(*change))
        for episode_changes in changes.values():
            episode_changes.sort()  # oldest first (`levels.level_changes`' order)
        facts = list(facts.values())
        ids = [row[0] for row in facts]
        # By the listed ids, not the subquery: PostgreSQL then knows how few a clinician's
        # caseload holds and reads their attendance by episode, not the whole program's week.
        # Last week's only: this week's are read for the rows shown (`read_this_week`).
        minutes, patients = yield from gather(
            read_attended_minutes(ids, self.monday),
            read_patient_facts(row[6] for row in facts),
        )
        # The episode's pk, its patient's id and first, last and preferred names.
        self._shown = {row[0]: (row[0], *patients[row[6]][:4]) for row in facts}
        rows = []
        for row in facts:
            last_week = minutes.get(row[0], 0)
            patient_id, first, last, _, born = patients[row[6]]
            verdict = judge(row, born, changes[row[0]], last_week, self.monday)
            if verdict:
                total, level, minimum = verdict
                rows.append((minimum * 60 - total, last, first, patient_id, row[0], verdict))
        rows.sort(key=lambda r: (-r[0], r[1], r[2], r[3]))
        return [(r[4], *r[5]) for r in rows]

    def count(self):
        return len(self.judged)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        return self.rows(self.judged[index])

    def patient_ids(self, judged):
        """The patient ids of the `judged` rows (a slice of `judged`), read with the facts."""
        return [self._shown[row[0]][1] for row in judged]

    def rows(self, judged):
        if not judged:
            return []
        run(self.read_this_week(judged))
        current = self._current
        return [
            (
                self._episode(pk),
                {
                    "week": self.monday,
                    "minutes": total,
                    "hours": hours(total),
                    "level": level,
                    "minimum": minimum,
                    "below": True,
                },
                {
                    "week": self.this_week,
                    "minutes": current.get(pk, 0),
                    "hours": hours(current.get(pk, 0)),
                    "in_progress": True,
                },
            )
            for pk, total, level, minimum in judged
        ]

    def _episode(self, pk):
        """The episode `pk` with its patient, holding the columns a row shows (SHOWN_EPISODE,
        SHOWN_PATIENT) as read with the facts: as `.only()` would have read them."""
        pk, patient_id, *names = self._shown[pk]
        db = self.db
        episode = Episode.from_db(db, SHOWN_EPISODE, (pk, patient_id))
        episode.patient = Patient.from_db(db, SHOWN_PATIENT, (patient_id, *names))
        return episode
