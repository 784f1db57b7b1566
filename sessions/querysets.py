"""Permission-aware QuerySets for groups and sessions: who may open what, in one place."""

from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from iop.accounts.roles import Role
from iop.ids import id_set, in_ids
from patients.models import Patient, Program
from patients.querysets import ALL_PATIENTS, supervises, visible_patient_ids
from sessions.days import in_days


class TherapyGroupQuerySet(models.QuerySet):
    def for_user(self, user):
        """Groups a user runs or oversees: a clinical director all; a supervisor those of
        their programs and those they facilitate; a clinician those they facilitate."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.has_role(Role.DIRECTOR):
            return self
        if user.has_role(Role.SUPERVISOR):
            # Two indexed lookups joined by UNION: an OR across the facilitator join needed
            # DISTINCT over every group-facilitator link.
            programs = Program.objects.supervised_by(user).values("pk")
            theirs = self.model.objects.filter(program__in=programs).order_by().values("pk")
            facilitated = self.model.facilitators.through.objects.filter(user=user)
            return self.filter(pk__in=theirs.union(facilitated.values("therapygroup_id")))
        if user.has_role(Role.CLINICIAN):
            return self.filter(facilitators=user)
        return self.none()


class GroupEnrollmentQuerySet(models.QuerySet):
    def current(self):
        """Enrolments not ended before today (those starting later included)."""
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()))


def session_visibility(user, via=None, *, evaluated=False, sets=None, by_session_id=False):
    """The condition for the sessions `user` may open (`TherapySessionQuerySet.for_user`): for
    a clinician or supervisor those they run, those of their patients and, for a supervisor,
    their programs' group sessions; for a clinical director all; for anyone else none. On the
    sessions themselves, or with `via` (e.g. "session") on rows that point at one.

    Each part is tested on each row through an index (the user's session-clinician links,
    their patients, their programs' groups): an OR across the clinician join instead scanned
    every link and needed DISTINCT over the whole visible set. `evaluated` reads the patients
    first (a small query) and sends them as a list, and tests "runs it" as one probe
    of the (session, clinician) index per row (`RUNS`), so the planner reads a list's page in
    index order, stopping when it is full (as subqueries it guessed most rows would match,
    and sorted them all; the ids of every session a clinician ever ran, thousands, as a list
    cost more to send and plan than the page; the patients go as one array, see `id_set`,
    the groups as a subquery hashed once). `sets`: those of `visible_session_sets`, already read.

    `by_session_id` (with `via` and `evaluated` sets): each part a set of session ids, built
    once (the user's session-clinician links; the sessions of their patients, of their groups)
    and hashed, tested on the row's own `<via>_id` without reading its session. For a
    clinician's list of notes newest first: ~2,500 notes walked to find the 200 they may
    open, each one's session read and probed (~10 buffers a note) where a hash lookup of its
    session id does (the sets: ~5,000 links and ~8,000 sessions, 1,300 buffers). Not for a
    supervisor: their patients' sessions are half of all."""
    prefix = f"{via}__" if via else ""
    if not (user and user.is_authenticated and user.is_active):
        return Q(**{f"{prefix}pk__in": []})
    if user.has_role(Role.DIRECTOR):
        return Q()
    if not user.has_role(Role.SUPERVISOR, Role.CLINICIAN):
        return Q(**{f"{prefix}pk__in": []})
    run, patients, groups = sets or visible_session_sets(user, evaluated=evaluated)
    if by_session_id:
        return _by_session_id(user, f"{via}_id", patients, groups)
    if run is RUNS:
        visible = Q(runs(user, f"{via}_id" if via else "pk"))
    else:
        visible = Q(**{f"{prefix}pk__in": run})
    patients, groups = id_set(patients), id_set(groups)
    visible |= Q(**{f"{prefix}patient__in": patients})
    if groups is not None:
        visible |= Q(**{f"{prefix}group__in": groups})
    return visible


def _by_session_id(user, field, patients, groups):
    """`session_visibility`'s parts as sets of session ids tested on `field` (see there)."""
    from sessions.models import TherapySession

    links = TherapySession.clinicians.through.objects.filter(user=user)
    visible = Q(**{f"{field}__in": links.values("therapysession_id")})
    theirs = TherapySession.objects.filter(in_ids("patient_id", patients))
    visible |= Q(**{f"{field}__in": theirs.values("pk")})
    if groups is not None:
        of_groups = TherapySession.objects.filter(group__in=id_set(groups))
        visible |= Q(**{f"{field}__in": of_groups.values("pk")})
    return visible


# In `visible_session_sets`' answer: the sessions the user runs are tested row by row
# (`runs`), not read as a list.
RUNS = object()


def runs(user, session_ref="pk"):
    """Whether `user` is a clinician of the session at `session_ref` (an outer reference): one
    probe of the (session, clinician) unique index."""
    from sessions.models import TherapySession

    links = TherapySession.clinicians.through.objects.filter(
        therapysession_id=models.OuterRef(session_ref), user=user
    )
    return models.Exists(links)


def supervised_groups(user):
    """The ids of the groups of the programs `user` supervises (a subquery), or None for a
    user who is not a supervisor: the groups whose sessions supervision opens."""
    from sessions.models import TherapyGroup

    if not user.has_role(Role.SUPERVISOR):
        return None
    programs = Program.objects.supervised_by(user).values("pk")
    return TherapyGroup.objects.filter(program__in=programs).order_by().values_list("pk", flat=True)


def visible_session_sets(user, *, evaluated=False, now=None):
    """(ids of the sessions a clinician or supervisor runs, of the patients they may open, of
    the groups of the programs they supervise or None), as subqueries or, `evaluated`, the
    patients as a list and the first as `RUNS` (see `session_visibility`). The groups stay a
    subquery: a supervisor's few dozen, hashed once in the list's own query, where reading
    them first cost a query of its own. `now`: the time emergency grants are in force at (by
    default the time of the call)."""
    from sessions.models import TherapySession

    patients = None
    if evaluated:
        visible = visible_patient_ids(user, now=now)
        if visible is not ALL_PATIENTS and visible is not None:
            # Read from the union of the ways in itself (its ids are patients'), not joined to
            # every patient row as `for_user` does: 2.1-2.4 -> 1.5-1.7 ms for a supervisor.
            patients = visible.values_list("patient_id")
    if patients is None:
        # A set of ids: unordered (the patients' order by name sorted 300-2,500 for nothing).
        patients = Patient.objects.for_user(user, now=now).order_by()
        patients = patients.values_list("pk", flat=not evaluated)
    if evaluated:
        # Rows unpacked here: a flat list resumes Django's generator for each of a
        # supervisor's ~1,400 ids.
        return (RUNS, [pk for (pk,) in patients], supervised_groups(user))
    links = TherapySession.clinicians.through.objects.filter(user=user)
    return (
        links.values_list("therapysession_id", flat=True),
        patients,
        supervised_groups(user),
    )


def in_id_set(field, ids):
    """`field__in=id_set(ids)` for a correlated subquery (e.g. a note's parts for one of a
    user's patients), `field` a NOT NULL column. Alone, PostgreSQL made the IN a join inside
    the subquery, and for a clinician hashed the set again per outer row (a notes page
    38 -> 250 ms); ORed with `field IS NULL` (never true) it stays a subplan, hashed once.
    As a literal list a supervisor's 2,500 patients cost 16 ms of planning (the notes list)."""
    ids = id_set(ids)
    if isinstance(ids, RawSQL):
        return Q(**{f"{field}__in": ids}) | Q(**{f"{field}__isnull": True})
    return Q(**{f"{field}__in": ids})


class TherapySessionQuerySet(models.QuerySet):
    def for_user(self, user, *, evaluated=False):
        """Sessions a user may open: those they run or whose patient they may open; for a
        supervisor also their programs' group sessions (a clinical director: all).
        `evaluated`: for a list read in an indexed order (see `session_visibility`)."""
        return self._visible(user, lambda: session_visibility(user, evaluated=evaluated))

    def for_user_by_row(self, user, *, now=None):
        """`for_user` for a lookup of one session (or a few): each part tested on the row
        through an index, the sessions the user runs as one probe of the (session, clinician)
        index (`runs`) and their patients only for a session that has one, instead of building
        the whole visible set (every session they ever ran, every patient of their programs)
        to test one row: a supervisor's group session page at scale, 13-44 ms -> 0.5 ms.
        `now`: the time emergency grants are in force at (by default the time of the call)."""

        def by_row():
            _, patients, groups = visible_session_sets(user, now=now)
            visible = Q(runs(user)) | (Q(patient__isnull=False) & Q(patient__in=patients))
            return visible | Q(group__in=groups) if groups is not None else visible

        return self._visible(user, by_row)

    def get_for_user(self, user, pk):
        """The session `pk` if `user` may open it (`for_user`), else None, read with what this
        queryset selects and prefetches. A session they run (among its clinicians) or a group
        of a program they supervise is shown to be theirs by the row itself, without building
        the visibility filter (a third of a group session page's work, issue 14); any other is
        tested with `for_user_by_row`: one query more. Read unordered (one row): Django 5.2
        hashes every selected column of an ordered query, the joined ones each built afresh
        (a session page's ~110, 0.3-0.4 ms)."""
        return self.visible_row(user, next(iter(self.filter(pk=pk).order_by()), None))

    def visible_row(self, user, session):
        """`session` (read by the caller, with what it needs) if `user` may open it, else
        None: `get_for_user`'s tests of a session read another way (a shape's)."""
        if session is None or not (user and user.is_authenticated and user.is_active):
            return None
        if user.has_role(Role.DIRECTOR):
            return session
        if not user.has_role(Role.SUPERVISOR, Role.CLINICIAN):
            return None
        if any(c.pk == user.pk for c in session.clinicians.all()):
            return session
        if session.group_id and supervises(user, session.group.program_id):
            return session
        visible = self.model.objects.for_user_by_row(user).filter(pk=session.pk).exists()
        return session if visible else None

    def _visible(self, user, visibility):
        """The roles' gate, once for both forms: none for the inactive and the non-clinical,
        all for a director, else the filter `visibility()` builds."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.has_role(Role.DIRECTOR):
            return self
        if user.has_role(Role.SUPERVISOR, Role.CLINICIAN):
            return self.filter(visibility())
        return self.none()

    def in_programs_of(self, user):
        """Sessions of the programs `user` supervises: a group's program, or the episode's
        for an individual or family session (all for a clinical director)."""
        if user.has_role(Role.DIRECTOR):
            return self
        programs = Program.objects.supervised_by(user).values("pk")
        return self.filter(
            Q(group__program__in=programs) | Q(group__isnull=True, episode__program__in=programs)
        )

    def needing_note(self):
        """Completed sessions someone attended whose note is not signed yet (none, or a draft):
        the notes still to write. A group nobody came to has no note to write.
        "No finished note" is an anti-join on the finished notes' partial index (index-only):
        tested before the attendance, it drops most sessions for two buffers each, where
        joining every note and filtering its status read the note's row (issue 14)."""
        from sessions.models import Attendance, ProgressNote

        attended = Attendance.objects.filter(
            session=models.OuterRef("pk"), status__in=Attendance.ATTENDED
        )
        finished = ProgressNote.objects.filter(session=models.OuterRef("pk")).exclude(
            status=ProgressNote.Status.DRAFT
        )
        return (
            self.filter(status=self.model.Status.COMPLETED)
            .filter(~models.Exists(finished))
            .filter(models.Exists(attended))
        )

    def on_day(self, day):
        """Sessions starting on this local day (an indexed range, see `sessions.days`)."""
        return self.between_days(day, day)

    def between_days(self, first=None, last=None):
        """Sessions starting from local day `first` to local day `last`, both included (either
        may be None: no bound)."""
        return self.filter(in_days("starts_at", first, last))
