"""Today's data: a clinician's day (`today_for`) and the worklists it opens onto (notes to
write, notes waiting for a co-signature, alerts, patients below their hours).

Today shows the first rows of each worklist with its true count; each has a paginated page of
its own listing every row. Nothing is cut without the page saying so, and every read is bounded
whatever the size of the program or the length of its history: today's sessions, the notes to
write of the last `NOTES_WINDOW_DAYS` days (older ones are on their page, and the documentation
job has raised an alert for each), the first `TODAY_ROWS` of the other lists. The notes page
lists `NOTES_PAGE_DAYS` days and links the older ones, on a page read only when opened.

Its lists are read together (`iop.together`): a round trip for the first read of every one
(the sessions, alerts, notes to write and co-sign, the hours' facts, intakes, summaries and the
other apps' sections), one for the sessions' marks with the hours' minutes and what the lists
show of their rows' relations (`today_rows`, by id) and the alerts' safety plans, one for the
rosters drawn; then one for what the page needs of the patients it shows (Part 2, the audit's
emergency grants, this week's hours of those below theirs shown).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from iop.accounts.roles import Role
from iop.ids import in_ids, read_by_ids
from iop.paging import counted_rows
from iop.shapes import shape
from iop.together import gather, run, run_together
from patients import extensions
from patients.access import read_grants_in_force
from patients.models import Alert, Episode
from patients.part2 import read_part2_patient_ids
from patients.selectors import read_current_risks
from plans.selectors import safety_plan_facts, safety_plans_needed
from sessions.days import day_range
from sessions.models import Attendance, NoteEntry, ProgressNote, TherapySession
from sessions.selectors import read_sessions_with_rosters
from sessions.services import attendance_opens_at, attendance_refusal
from sessions.services.roster_marks import read_roster_marks
from sessions.services.shortfall import BelowHours, facts_of
from sessions.today_rows import (
    read_alert_relations,
    read_cosign_relations,
    read_intake_relations,
    read_note_relations,
    read_session_relations,
    read_summary_relations,
)

# Notes of sessions this recent are listed on Today. Finding older unsigned ones means checking
# every session the clinician ever ran, so Today links their page instead of counting them (the
# documentation job has alerted about each already).
NOTES_WINDOW_DAYS = 14
# How many rows of a worklist Today shows before "showing 10 of 57 — see all".
TODAY_ROWS = 10
# The notes-to-write page lists the sessions of this many days; the older ones are on a page of
# their own (`older_notes_to_write`), read only when asked for: finding them means checking every
# session the clinician ever ran.
NOTES_PAGE_DAYS = 90


# The columns Today's lists show (their notes, intakes and summaries have long texts Today
# never shows; `today_rows` the sessions'); `tests/sessions/test_today_render.py` holds the page
# to reading no more.
INTAKE_SHOWN = ("recommended_level_of_care", "episode__patient", "episode__program")
SUMMARY_SHOWN = ("created_at", "patient", "episode__program")


@dataclass
class Excerpt:
    """The first rows of a list and how many it holds in all."""

    rows: list
    total: int

    @property
    def more(self):
        return self.total > len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __bool__(self):
        return self.total > 0


def read_excerpt(queryset, size=TODAY_ROWS):
    """The first `size` rows of a QuerySet and its count: one query, whatever its size
    (`extensions.head_and_count`), as a reader (`iop.together`)."""
    return Excerpt(*(yield from extensions.read_head_and_count(queryset, size)))


def _no_excerpt():
    """A reader of an empty list (`Excerpt([], 0)`), reading nothing."""
    return Excerpt([], 0)
    yield  # a generator: a reader  # pragma: no cover


def read_head_excerpt(headed, relations=None):
    """`read_excerpt` of a QuerySet already made by `extensions.head` (a shape's); then, if
    given, `relations` of its rows (a reader of what they show of their relations, read by id
    in the next turn: `today_rows`)."""
    excerpt = Excerpt(*(yield from extensions.read_head(headed)))
    if relations and excerpt.rows:
        yield from relations(excerpt.rows)
    return excerpt


def mark_missing_safety_plans(alerts):
    """Flag risk alerts whose patient needs a safety plan and has none: the one rule of
    `plans.selectors.safety_plans_needed` (the latest C-SSRS or clinician assessment, never
    the alert's own level). At most three queries, however many alerts; one when the alerts
    were read with their patients' facts (`plan_facts`)."""
    return run(read_missing_safety_plans(alerts))


def read_missing_safety_plans(alerts):
    """`mark_missing_safety_plans` as a reader (`iop.together`): with the facts read with the
    alerts (`plan_facts`), the patients' current risks are its one read, taken in the turn
    after the alerts (Today: with what they show of their relations)."""
    at_risk = [a for a in alerts if a.kind == Alert.Kind.RISK and a.patient_id]
    ids = {a.patient_id for a in at_risk}
    facts = {}
    if at_risk and hasattr(at_risk[0], "has_safety_plan"):  # read with the rows (`plan_facts`)
        covered = {a.patient_id for a in at_risk if a.has_safety_plan}
        risks = {}
        if ids - covered:
            risks = yield from read_current_risks(ids - covered)
        facts = {
            "covered": covered,
            "plan_alert_at": {a.patient_id: a.plan_alert_at for a in at_risk},
            "risks": risks,
        }
    needed = safety_plans_needed(ids, **facts) if ids else set()
    for alert in alerts:
        alert.safety_plan_missing = alert.kind == Alert.Kind.RISK and alert.patient_id in needed
    return alerts


def read_alert_rows(alerts):
    """A reader of what Today's alerts show beyond their own columns: their relations
    (`today_rows`) and whether a safety plan is missing, in one turn."""
    yield from gather(read_alert_relations(alerts), read_missing_safety_plans(alerts))


def plan_facts(alerts):
    """Alerts (a QuerySet) with what `mark_missing_safety_plans` asks of their patients, read
    in the same query: whether the patient has an active safety plan and their newest
    `plans.selectors.plan_alerts` (two fewer queries)."""
    return alerts.annotate(**safety_plan_facts())


def worklist_alerts(user, *, now=None):
    """The user's open alerts, risk first, then newest (`Alert.objects.for_worklist`)."""
    return Alert.objects.for_worklist(user, now=now).select_related("patient", "assigned_to")


def notes_window_start(now=None):
    return (now or timezone.now()) - timedelta(days=NOTES_WINDOW_DAYS)


def notes_to_write(user, *, now=None):
    """The user's sessions, up to now, still needing a note (none, or a draft), oldest first;
    medication-management visits only for a prescriber.
    Today lists those of the last `NOTES_WINDOW_DAYS` days (`recent_notes_to_write`)."""
    now = now or timezone.now()
    sessions = TherapySession.objects.filter(clinicians=user, starts_at__lt=now)
    if not user.prescriber_credential:
        # A medication-management visit's note is its prescriber's (services.notes).
        sessions = sessions.exclude(kind=TherapySession.Kind.MED_MGMT)
    return (
        sessions.needing_note()
        .select_related("group", "patient", "note")
        .order_by("starts_at", "pk")
    )


def notes_page_start(now=None):
    return (now or timezone.now()) - timedelta(days=NOTES_PAGE_DAYS)


def notes_to_write_since(user, start, *, now=None):
    """`notes_to_write` of the sessions from `start` on: an indexed range of start times."""
    return notes_to_write(user, now=now).filter(starts_at__gte=start)


def older_notes_to_write(user, *, now=None, before=None):
    """`notes_to_write` of the sessions before the notes page's `NOTES_PAGE_DAYS` days (or
    `before`, its start when already known).
    Read from the user's sessions without a finished note (two indexes, a few hundred ids of
    thousands): joining every completed session before the page's days to the user's read most
    of the sessions table (at scale 133 -> 34 ms). The anti-join is index-only once the notes'
    pages are all-visible (vacuumed); on a copy never vacuumed PostgreSQL keeps the old plan."""
    finished = ProgressNote.objects.filter(session=OuterRef("therapysession_id")).exclude(
        status=ProgressNote.Status.DRAFT
    )
    unfinished = TherapySession.clinicians.through.objects.filter(~Exists(finished), user=user)
    return (
        notes_to_write(user, now=now)
        .filter(starts_at__lt=before or notes_page_start(now))
        .filter(pk__in=unfinished.values("therapysession_id"))
    )


def recent_notes_to_write(user, *, now=None):
    """`notes_to_write` of the sessions of the last `NOTES_WINDOW_DAYS` days: bounded."""
    return notes_to_write_since(user, notes_window_start(now), now=now)


def cosign_queue(user):
    """Trainees' signed notes waiting for a supervisor of their session's program, by session
    date, oldest first (every program's for a clinical director; none for anyone else)."""
    if not user.has_role(Role.SUPERVISOR):
        return ProgressNote.objects.none()
    sessions = TherapySession.objects.in_programs_of(user).values("pk")
    return (
        ProgressNote.objects.filter(status=ProgressNote.Status.AWAITING_COSIGN)
        .filter(session__in=sessions)
        .select_related("session__group", "session__patient", "author")
        .order_by("session__starts_at", "pk")
    )


def group_cosign(notes):
    """Notes waiting for a co-signature grouped by session date (local, oldest first), then by
    author (in order of their first note): [(date, [(author, [notes])])]."""
    days = {}
    for note in notes:
        day = timezone.localdate(note.session.starts_at)
        days.setdefault(day, {}).setdefault(note.author_id, (note.author, []))[1].append(note)
    return [(day, list(authors.values())) for day, authors in sorted(days.items())]


def below_hours(user, *, today=None):
    """Caseload patients whose last full week was below the minimum of their level of care,
    each with that week and the week in progress (labelled so, never judged): every one, the
    largest shortfall first, then by name. Judged, counted and sliced in the database
    (`shortfall.BelowHours`): a count and one query for the rows shown, however long."""

    def facts(monday, sunday):
        return _below_hours_facts(user, monday, sunday)

    return BelowHours(today=today, facts=facts)


def _active_on_caseload(user):
    return Episode.objects.on_caseload_of(user).filter(status=Episode.Status.ACTIVE)


@shape
def _below_hours_facts(user, monday, sunday):
    """`shortfall.facts_of` the user's active caseload: a shape (every Today reads it)."""
    return facts_of(_active_on_caseload(user), monday, sunday)


def intakes_to_confirm(user):
    """Intakes of the clinician's future patients (they are its primary clinician) with
    diagnoses and a level of care prepared and not yet confirmed: admission waits for them."""
    from patients.models import IntakeAssessment

    return (
        IntakeAssessment.objects.filter(
            episode__status=Episode.Status.INTAKE,
            episode__primary_clinician=user,
            status=IntakeAssessment.Status.DRAFT,
            confirmed_at__isnull=True,
        )
        .exclude(diagnoses=[])
        .exclude(recommended_level_of_care="")
        .select_related("episode__patient", "episode__program")
        .order_by("updated_at", "pk")
    )


def read_todays_sessions(user, now):
    """The user's sessions today, each with its roster's size and marks (`roster_marks`).
    A session that is over with everyone's attendance taken folds to its summary line
    (`folded`); one whose attendance is not open yet (`attendance_refusal`: its buttons
    would all be disabled) to a line saying when it opens (`waiting`). Neither names anyone,
    so only the others read their roster's episodes, patients and records (`rows`).
    A reader (`iop.together`): the sessions, their marks, then the rosters drawn."""
    start, end = day_range(timezone.localdate(now))
    (sessions,) = yield (todays_sessions(user, start, end),)
    # Their group, episode (with its patient) and note read by id with the marks (the marks
    # read an episode's discharge date: the rows come first).
    _, marks = yield from gather(read_session_relations(sessions), read_roster_marks(sessions))
    for session in sessions:
        rows = marks[session.pk]
        session.roster_size = len(rows)
        session.marked = sum(status is not None for _, status in rows)
        session.attended = sum(status in Attendance.ATTENDED for _, status in rows)
        session.folded = session.ends_at <= now and session.marked == session.roster_size
        session.opens_at = attendance_opens_at(session)
        session.waiting = not session.folded and bool(attendance_refusal(session, now=now))
    drawn = [s for s in sessions if not (s.folded or s.waiting)]
    if drawn:
        yield from read_sessions_with_rosters(drawn)
    return sessions


# Today's reads, built and compiled once per process per kind of user (`iop.shapes`): building
# and compiling them was a third of the page's CPU.


@shape
def todays_sessions(user, start, end):
    """The user's sessions starting from `start` to before `end` (today's local day), but the
    cancelled; what Today's lines show of their relations is read apart
    (`read_session_relations`)."""
    return TherapySession.objects.filter(
        clinicians=user, starts_at__gte=start, starts_at__lt=end
    ).exclude(status=TherapySession.Status.CANCELLED)


@shape
def alerts_head(user, now):
    """The first open alerts of the user's worklist, with the count of all (who may open a
    patient depends on the time: an emergency grant is in force for its minutes); their own
    columns only (`today_rows.read_alert_relations` reads their patients' and assignees')."""
    alerts = worklist_alerts(user, now=now).select_related(None)
    return extensions.head(plan_facts(alerts), TODAY_ROWS)


def read_notes_to_write_head(user, since, now):
    """A reader of Today's notes to write (`notes_to_write_head`), then their group, patient
    and note, each read by id in the next turn (joined to the filter's ids, the three took
    ~0.7 ms of the statement's planning)."""
    (sessions,) = yield (notes_to_write_head(user, since, now),)
    yield from read_note_relations(sessions)
    return sessions


@shape
def notes_to_write_head(user, since, now):
    sessions = notes_to_write_since(user, since, now=now).select_related(None)
    return read_by_ids(sessions).only("kind", "starts_at", "group", "patient")


# The notes-to-write pages read the ids of every session of their list, then their page's rows
# by id (`views.day.page_by_ids`): both shapes.


@shape
def notes_to_write_ids(user, since, now):
    return notes_to_write_since(user, since, now=now).values_list("pk", flat=True)


@shape
def notes_to_write_rows(user, since, now, ids):
    return notes_to_write_since(user, since, now=now).filter(in_ids("pk", ids))


@shape
def older_notes_to_write_ids(user, before, now):
    return older_notes_to_write(user, now=now, before=before).values_list("pk", flat=True)


@shape
def older_notes_to_write_rows(user, before, now, ids):
    return older_notes_to_write(user, now=now, before=before).filter(in_ids("pk", ids))


@shape(key=("start", "size"))
def cosign_page_rows(user, start, size):
    """A page of the co-signature queue with its length (`iop.paging.counted_rows`)."""
    return counted_rows(cosign_queue(user), start, size)


@shape
def cosign_attendee_ids(note_ids):
    """The attendees' patient ids of these (group) notes: their Part 2 notice."""
    return NoteEntry.objects.filter(in_ids("note_id", note_ids)).values_list(
        "patient_id", flat=True
    )


@shape
def cosign_head(user):
    """The first notes of the co-signature queue with their session's start (their order),
    the count of all."""
    notes = read_by_ids(cosign_queue(user).select_related(None).select_related("session"))
    shown = notes.only("session__starts_at", "session__group", "session__patient", "author")
    return extensions.head(shown, TODAY_ROWS)


@shape
def intakes_head(user):
    intakes = intakes_to_confirm(user).select_related(None).select_related("episode")
    return extensions.head(intakes.only(*INTAKE_SHOWN), TODAY_ROWS)


@shape
def summaries_head(user):
    from documents.selectors import summaries_to_sign  # documents reads sessions' models

    summaries = summaries_to_sign(user).select_related(None).select_related("episode")
    return extensions.head(summaries.only(*SUMMARY_SHOWN), TODAY_ROWS)


def today_for(user):
    """A clinician's day: their sessions with attendance sheets, alerts, notes to write and
    sign, patients below their hours; supervisors also get the notes awaiting co-signature;
    with the patients it shows (`shown_patient_ids`, for the audit) and whether any is under
    Part 2 (`is_part2`). Other roles get only what the page needs to greet them."""
    clinical = user.has_role(*Role.CLINICAL)
    context = {
        "is_clinical": clinical,
        "is_intake": user.has_role(Role.INTAKE),
        "is_admin": user.has_role(Role.ADMIN),
        "is_supervisor": user.has_role(Role.SUPERVISOR),
        "has_role": bool(user.roles),
    }
    if not clinical:
        return context
    now = timezone.now()
    below = below_hours(user)
    # Every list's reads taken together: the first of each in one round trip, then the
    # sessions' marks with the hours' minutes, then the rosters drawn (`iop.together`).
    sessions, alerts, to_write, cosign, _, to_confirm, summaries, *sections = run_together(
        read_todays_sessions(user, now),
        read_head_excerpt(alerts_head(user, now), read_alert_rows),
        read_notes_to_write_head(user, notes_window_start(now), now),
        # Only a supervisor co-signs: nobody else's queue is read (or built).
        read_head_excerpt(cosign_head(user), read_cosign_relations)
        if context["is_supervisor"]
        else _no_excerpt(),
        below.read(),
        read_head_excerpt(intakes_head(user), read_intake_relations),
        read_head_excerpt(summaries_head(user), read_summary_relations),
        *(section(user) for section in extensions.today_sections),
    )
    context.update(
        sessions=sessions,
        alerts=alerts,
        to_write=to_write,
        notes_window_start=notes_window_start(now),
        cosign=cosign,
        cosign_groups=group_cosign(cosign.rows),
        sections=[s for s in sections if s],
        to_confirm=to_confirm,
        to_sign_summaries=summaries,
    )
    # The patients shown, whose Part 2 notice and audit the page needs, read in a last turn
    # with the emergency grants the audit's marks read when it names a patient
    # (`patients.access`) and this week's hours of the patients below theirs shown.
    head = below.judged[:TODAY_ROWS]
    shown = today_patient_ids(context, below.patient_ids(head))
    marks = [read_grants_in_force(user)] if shown else []
    protected, *_ = run_together(read_part2_patient_ids(shown), below.read_this_week(head), *marks)
    context.update(
        below=Excerpt(below.rows(head), below.count()),
        is_part2=bool(protected),
        shown_patient_ids=shown,
    )
    return context


def today_patient_ids(day, below):
    """The patients Today (`today_for`'s lists) shows: its sessions' rosters and patients,
    the alerts, the notes to write or co-sign, and `below` (the ids of the patients below
    their hours shown)."""
    # A folded or waiting session names no one: its line says how many attend.
    ids = {
        episode.patient_id
        for session in day["sessions"]
        if not (session.folded or session.waiting)
        for episode, _ in session.rows
    }
    ids.update(session.patient_id for session in day["sessions"])
    ids.update(alert.patient_id for alert in day["alerts"])
    ids.update(session.patient_id for session in day["to_write"])
    ids.update(note.session.patient_id for note in day["cosign"])
    ids.update(below)
    ids.update(row.patient_id for section in day["sections"] for row in section.rows)
    ids.update(assessment.episode.patient_id for assessment in day["to_confirm"])
    ids.update(summary.patient_id for summary in day["to_sign_summaries"])
    ids.discard(None)
    return sorted(ids)
