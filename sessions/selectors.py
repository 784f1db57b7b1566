"""Reads of sessions data that more than one page or endpoint needs: one home each.

The roster with attendance and billing is read here once and rendered twice (the session page
and the API's session detail); the Today page's data is `sessions.today.today_for(user)`.
"""

from collections import defaultdict

from django.db.models import Exists, OuterRef
from django.utils import timezone

from iop.accounts.roles import Role
from iop.shapes import shape
from iop.together import run
from iop.validation import LARGEST_ID
from patients import extensions
from patients.models import Episode, Patient
from patients.models.patients import display_name
from patients.selectors import user_refs_by
from sessions.billing import (
    BUNDLED_KINDS,
    NEW_PATIENT_YEARS,
    PER_DIEM,
    per_diem_minutes,
    service_code,
    suggest,
    telehealth_label,
)
from sessions.models import (
    Addendum,
    Attendance,
    GroupEnrollment,
    NoteEntry,
    ProgressNote,
    TherapyGroup,
    TherapySession,
)
from sessions.services import (
    attendance_refusal,
    day_attendance,
    session_roster,
)
from sessions.services.attendance import read_session_rosters
from sessions.services.levels import level_changes, level_on


def sessions_with_rosters(sessions, *, billing=False):
    """Attach each session's roster and attendance: `session.rows`, a list of (episode,
    attendance or None) in name order, `session.marked` and `session.unmarked` (how many are
    and are not marked yet), `session.attendance_refusal` (why none can be taken now). With
    `billing`, also `session.billing`: (episode, suggested codes) for each attendee whose
    attendance was taken (the per-diem code needs each patient's whole day). A fixed number
    of queries per call, however many attend."""
    return run(read_sessions_with_rosters(sessions, billing=billing))


def read_sessions_with_rosters(sessions, *, billing=False):
    """`sessions_with_rosters` as a reader (`iop.together`): the rosters' reads in one turn
    (the billing's after them, on their own; only the billing reads the programs)."""
    sessions = list(sessions)
    rosters = yield from read_session_rosters(sessions, billing=billing)
    for session in sessions:
        session.rows = rosters[session.pk]
        session.marked = sum(record is not None for _, record in session.rows)
        session.unmarked = len(session.rows) - session.marked
        # Drawn as disabled buttons with this reason: the service refuses by the same rule.
        session.attendance_refusal = attendance_refusal(session)
    if billing:
        _attach_billing(sessions)
    return sessions


def _attach_billing(sessions):
    """`session.billing_rows`: (episode, Suggestion) per attendee (and for family therapy
    without the patient, the session's patient, who needs no attendance); `session.billing`:
    (episode, billable codes). Each patient's day is read once: the per diem needs its
    minutes, its components and its first billable session (which carries the one line)."""
    by_day = defaultdict(list)
    for session in sessions:
        by_day[timezone.localtime(session.starts_at).date()].append(session)
    first_visits = _first_medication_visits(sessions)
    psychotherapy = _psychotherapy_minutes(sessions)
    by_prescriber = _evaluations_by_prescribers(sessions)
    # The level in force on the day chooses the per-diem code (per-diem programs only).
    changes = level_changes(
        {e.pk for s in sessions for e, _ in s.rows if e.program.billing_mode == PER_DIEM}
    )
    per_diem_patients = {
        e.patient_id for s in sessions for e, _ in s.rows if e.program.billing_mode == PER_DIEM
    }
    for day, on_day in by_day.items():
        # Only a per diem reads the patient's day (`suggest`): not read for anyone else.
        bundled = {
            e.patient_id for s in on_day if s.kind in BUNDLED_KINDS for e, _ in s.rows
        } & per_diem_patients
        records = day_attendance(bundled, day) if bundled else {}
        family = _family_without_patient(
            {e.patient_id for s in on_day for e, _ in s.rows} & per_diem_patients, day
        )
        for session in on_day:
            session.billing_rows = []
            for episode, record in session.rows:
                if record is None and not session.without_patient:
                    continue
                day_records = records.get(episode.patient_id, [])
                components = [
                    (r.session_id, service_code(r.session, r))
                    for r in day_records
                    if r.session.kind in BUNDLED_KINDS
                ]
                components = [(pk, code) for pk, code in components if code]
                suggestion = suggest(
                    session,
                    record,
                    episode=episode,
                    day_minutes=per_diem_minutes(day_records),
                    # Family therapy without the patient is part of the day's bundle too,
                    # though it needs no attendance and adds no minutes.
                    day_codes=[code for _, code in components] + family[episode.patient_id],
                    anchor=bool(components) and components[0][0] == session.pk,
                    first_visit=first_visits.get((session.pk, episode.patient_id), False),
                    level=level_on(episode, changes[episode.pk], day),
                    psychotherapy_minutes=psychotherapy.get(session.pk),
                    by_prescriber=session.pk in by_prescriber,
                )
                session.billing_rows.append((episode, suggestion))
            session.billing = [(e, suggestion.billable) for e, suggestion in session.billing_rows]
            session.telehealth_billing = telehealth_label(session)
    _attach_attendance_flags(sessions)


def _attach_attendance_flags(sessions):
    """Each suggestion's `flags`: what other apps say about that attendance (billing: a day
    outside any approved authorization), asked once for all the sessions' attendees."""
    rows = [
        (session, episode, timezone.localtime(session.starts_at).date())
        for session in sessions
        for episode, suggestion in session.billing_rows
        if suggestion.billable or suggestion.bundled
    ]
    flags = defaultdict(list)
    for provider in extensions.attendance_flags if rows else ():
        for key, texts in provider(rows).items():
            flags[key].extend(texts)
    for session in sessions:
        for episode, suggestion in session.billing_rows:
            suggestion.flags = flags.get((session.pk, episode.pk), [])


def _family_without_patient(patient_ids, day):
    """{patient id: [(code, label)]} of that day's family therapy held without the patient
    (90846): listed among a per-diem day's components. One query, only for per-diem patients."""
    codes = defaultdict(list)
    if not patient_ids:
        return codes
    for session in (
        TherapySession.objects.on_day(day)
        .filter(
            kind=TherapySession.Kind.FAMILY,
            patient_present=False,
            patient_id__in=patient_ids,
        )
        .exclude(status=TherapySession.Status.CANCELLED)
        .order_by("starts_at")
    ):
        code = service_code(session)
        if code:
            codes[session.patient_id].append(code)
    return codes


def years_before(moment, years):
    """The same date `years` earlier (28 February for a 29 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def _first_medication_visits(sessions):
    """{(session id, patient id): True} where a medication-management visit is a new patient's
    (new-patient E/M codes): the patient attended no other medication-management visit of the
    same program in the NEW_PATIENT_YEARS before it. One query, only when needed."""
    visits = [s for s in sessions if s.kind == TherapySession.Kind.MED_MGMT]
    if not visits:
        return {}
    patients = {e.patient_id for s in visits for e, _ in s.rows}
    since = years_before(min(s.starts_at for s in visits), NEW_PATIENT_YEARS)
    earlier = defaultdict(list)
    for patient_id, program_id, session_id, starts_at in (
        Attendance.objects.filter(
            patient_id__in=patients,
            session__kind=TherapySession.Kind.MED_MGMT,
            session__starts_at__gte=since,
            status__in=Attendance.ATTENDED,
        )
        .exclude(session__status=TherapySession.Status.CANCELLED)
        .values_list("patient_id", "episode__program_id", "session_id", "session__starts_at")
    ):
        earlier[patient_id, program_id].append((starts_at, session_id))

    def is_new(session, episode):
        window = years_before(session.starts_at, NEW_PATIENT_YEARS)
        return not any(
            window <= starts_at < session.starts_at and pk != session.pk
            for starts_at, pk in earlier[episode.patient_id, episode.program_id]
        )

    return {(s.pk, e.patient_id): is_new(s, e) for s in visits for e, _ in s.rows}


def _psychotherapy_minutes(sessions):
    """{session id: psychotherapy minutes} its medication-management note records. One query,
    only when there is a visit."""
    visits = [s.pk for s in sessions if s.kind == TherapySession.Kind.MED_MGMT]
    if not visits:
        return {}
    return dict(
        ProgressNote.objects.filter(
            session_id__in=visits, psychotherapy_minutes__isnull=False
        ).values_list("session_id", "psychotherapy_minutes")
    )


def _evaluations_by_prescribers(sessions):
    """{session id} of intake evaluations a prescriber took part in (90792). One query, only
    when there is an evaluation."""
    evaluations = [s.pk for s in sessions if s.kind == TherapySession.Kind.INTAKE_EVAL]
    if not evaluations:
        return set()
    return set(
        TherapySession.clinicians.through.objects.filter(therapysession_id__in=evaluations)
        .exclude(user__prescriber_credential="")
        .values_list("therapysession_id", flat=True)
    )


def session_with_roster(session):
    """One session's roster, attendance and billing (see `sessions_with_rosters`)."""
    return sessions_with_rosters([session], billing=True)[0]


def readable_patient_ids(user, patient_ids):
    """Of these patients, those whose part of a group note this user may read without running
    the session: the clinical roles' own patients (care team), never intake's or admins'."""
    if not user.has_role(*Role.CLINICAL):
        return set()
    return set(
        Patient.objects.for_user(user).filter(pk__in=patient_ids).values_list("pk", flat=True)
    )


def note_entries_for(note, user, *, runner=None, patient=None):
    """The individualized parts of a note this user may read: every part for the session's
    clinicians (and supervisors); for a clinician on an attendee's care team, only their own
    patients' parts (the other attendees are not named). `runner`: whether `user` runs the
    session (`is_run_by`), when the caller knows already. `patient`: that patient's part only
    (the chart's note), read alone, the patient given rather than read again."""
    return run(read_note_entries_for(note, user, runner=runner, patient=patient))


def read_note_entries_for(note, user, *, runner=None, patient=None):
    """`note_entries_for` as a reader (`iop.together`). With `patient`, their part and whether
    the user may read it are read together, each a shape (the chart's note)."""
    if runner is None:
        runner = note.session.is_run_by(user)
    if patient is None:
        (entries,) = yield (note.entries.select_related("patient"),)
        if runner:
            return entries
        readable = readable_patient_ids(user, [e.patient_id for e in entries])
        return [e for e in entries if e.patient_id in readable]
    tested = not runner and user.has_role(*Role.CLINICAL)  # readable_patient_ids' first test
    reads = (_readable_patient(user, patient.pk, timezone.now()),) if tested else ()
    entries, *readable = yield (_patient_entries(note.pk, patient.pk), *reads)
    for entry in entries:
        entry.patient = patient
    if runner:
        return entries
    return entries if readable and patient.pk in readable[0] else []


@shape
def _patient_entries(note_id, patient_id):
    return NoteEntry.objects.filter(note=note_id, patient=patient_id)


@shape
def _readable_patient(user, patient_id, now):
    """`readable_patient_ids` of one patient, at `now` (an emergency grant's minutes)."""
    return (
        Patient.objects.for_user(user, now=now).filter(pk=patient_id).values_list("pk", flat=True)
    )


@shape
def chart_note(session_id, patient_id, user):
    """The note of the session holding a part for the patient, with what the chart shows of
    it, and whether `user` is one of the session's clinicians (`user_is_clinician`, for
    `is_run_by`): a shape, read by the chart's note page."""
    clinician = TherapySession.clinicians.through.objects.filter(
        therapysession_id=OuterRef("session_id"), user=user
    )
    return (
        ProgressNote.objects.filter(session_id=session_id, entries__patient=patient_id)
        .select_related(
            "session__group",
            "session__episode",  # its program: whether a supervisor runs it
            "author",
            "signed_by",
            "cosigned_by",
        )
        .annotate(user_is_clinician=Exists(clinician))
    )


@shape
def note_addenda(note_id):
    """The note's addenda with their authors, oldest first."""
    return Addendum.objects.filter(note=note_id).select_related("author")


def roster_episode(session, episode_id):
    """The episode `episode_id` names on this session's roster, or one that was (enrolled in
    the group, or the session's own patient) so the service can say why it no longer is
    (discharged); None for any other id, so a page or the API never tells whose an id is."""
    if not isinstance(episode_id, int) or not 0 < episode_id <= LARGEST_ID:
        return None
    episode = next((e for e in session_roster(session) if e.pk == episode_id), None)
    if episode is not None:
        return episode
    was_expected = session.episode_id == episode_id or (
        session.group_id
        and GroupEnrollment.objects.filter(group=session.group_id, episode=episode_id).exists()
    )
    if not was_expected:
        return None
    return Episode.objects.select_related("patient").get(pk=episode_id)


# --- group enrolment --------------------------------------------------------------------------


def manageable_episode_ids(user, episodes):
    """The ids among `episodes` whose enrolments `user` may change (sessions.services.
    may_manage_enrolment, for a list at once): one query, whatever the list's length."""
    from django.db.models import Q

    from patients.querysets import supervises

    episodes = list(episodes)
    mine = {e.pk for e in episodes if supervises(user, e.program_id)}
    rest = [e.pk for e in episodes if e.pk not in mine]
    if rest and user.has_role(*Role.CLINICAL):
        mine |= set(
            Episode.objects.filter(pk__in=rest)
            .filter(Q(primary_clinician=user) | Q(care_team=user))
            .values_list("pk", flat=True)
        )
    return mine


def enrolment_candidates(user, group, *, for_choices=False):
    """The active episodes of the group's program that `user` may enrol and that are not in the
    group already, by name. `for_choices`: with only the columns the enrol form's list shows
    (each patient's names and MRN: every column of both tables cost 3 ms more for 82
    episodes); a posted choice is read whole, for the service."""
    from django.db.models import Q

    from patients.querysets import supervises

    episodes = Episode.objects.filter(status=Episode.Status.ACTIVE, program_id=group.program_id)
    if not supervises(user, group.program_id):
        if not user.has_role(*Role.CLINICAL):
            return Episode.objects.none()
        mine = Episode.objects.filter(Q(primary_clinician=user) | Q(care_team=user))
        episodes = episodes.filter(pk__in=mine.values("pk"))
    in_group = GroupEnrollment.objects.current().filter(group=group).values("episode_id")
    episodes = (
        episodes.exclude(pk__in=in_group)
        .select_related("patient")
        .order_by("patient__legal_last_name", "patient__legal_first_name", "pk")
    )
    if for_choices:
        names = ("preferred_name", "legal_first_name", "legal_last_name", "mrn")
        episodes = episodes.only(*(f"patient__{name}" for name in names))
    return episodes


def groups_open_to(episode):
    """The active groups of the episode's program it is not in, each with `enrolled`: how many
    places are taken today (capacity minus it is what is left)."""
    from django.db.models import Count, Q

    from sessions.models import TherapyGroup

    today = timezone.localdate()
    in_force = Q(enrollments__end_date__isnull=True) | Q(enrollments__end_date__gte=today)
    current = GroupEnrollment.objects.current().filter(episode=episode).values("group_id")
    return (
        TherapyGroup.objects.filter(program_id=episode.program_id, is_active=True)
        .exclude(pk__in=current)
        .annotate(enrolled=Count("enrollments", filter=in_force))
        .order_by("name")
    )


def attach_current_enrollments(groups):
    """Each group's current enrolments as the API shows them (`EnrollmentSerializer`'s
    fields) in `group.current_enrollments`, with the patient's id beside each for the audit
    trail: one query of plain values for all the groups, no episode or patient rows built."""
    groups = list(groups)
    by_group = {group.pk: [] for group in groups}
    rows = (
        GroupEnrollment.objects.current()
        .filter(group__in=list(by_group))
        .values_list(
            "group_id",
            "episode_id",
            "start_date",
            "end_date",
            "episode__patient_id",
            "episode__patient__preferred_name",
            "episode__patient__legal_first_name",
            "episode__patient__legal_last_name",
        )
    )
    for group_id, episode_id, start, end, patient_id, *names in rows:
        entry = {
            "episode": episode_id,
            "patient": display_name(*names),
            "start_date": start.isoformat(),
            "end_date": end.isoformat() if end is not None else None,
        }
        by_group[group_id].append((patient_id, entry))
    for group in groups:
        group.current_enrollments = by_group[group.pk]
    return groups


def attach_facilitator_refs(groups):
    """Each group's facilitators as the API shows them (`UserRefSerializer`, in the users'
    order) in `group.facilitator_refs`: one query of plain values for all the groups, not a
    user row and a related manager built per group."""
    groups = list(groups)
    links = TherapyGroup.facilitators.through.objects.filter(
        therapygroup_id__in=[g.pk for g in groups]
    )
    refs = user_refs_by(links, "therapygroup_id")
    for group in groups:
        group.facilitator_refs = refs.get(group.pk, [])
    return groups
