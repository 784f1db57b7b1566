"""Permission-aware reads: the one way to fetch patient data for a user (DESIGN.md, roles)."""

from django.db import models
from django.db.models.lookups import In
from django.utils import timezone

from iop.accounts.roles import Role
from iop.ids import InArray
from iop.together import run


def is_director(user):
    """A clinical director: a supervisor of every program (iop.accounts.roles)."""
    return user.has_role(Role.DIRECTOR)


class ProgramQuerySet(models.QuerySet):
    def supervised_by(self, user):
        """The programs this user supervises: every one for a clinical director; those listing
        them as a supervisor for a supervisor; none for anyone else."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if is_director(user):
            return self
        if user.has_role(Role.SUPERVISOR):
            return self.filter(supervisors=user)
        return self.none()


def supervised_program_ids(user):
    """The ids of the programs `user` supervises, read once per user object (a request's)."""
    return run(read_supervised_program_ids(user))


def read_supervised_program_ids(user):
    """`supervised_program_ids` as a reader (`iop.together`)."""
    from patients.models import Program

    if not hasattr(user, "_supervised_program_ids"):
        (ids,) = yield (Program.objects.supervised_by(user).values_list("pk", flat=True),)
        user._supervised_program_ids = frozenset(ids)
    return user._supervised_program_ids


def supervises(user, program_id):
    """Whether `user` supervises the program `program_id` (a director supervises them all)."""
    if program_id is None or not user.has_role(Role.SUPERVISOR):
        return False
    return is_director(user) or program_id in supervised_program_ids(user)


def supervised_programs(user):
    """The programs `user` supervises, as a subquery of ids."""
    from patients.models import Program

    return Program.objects.supervised_by(user).values("pk")


ALL_PATIENTS = object()


def row_access_tests(user, *, now=None):
    """{annotation: test of a patient row} of what `patients.access` asks about `user` and a
    patient, each one probe of an index: `access_on_care_team` (primary clinician or member of
    an episode's team), `access_supervised` (an episode of a program they supervise; not for a
    clinical director, who supervises every one), and `access_grant_starts` and
    `access_grant_ends`: the window of their emergency access grant that ends last, of those
    not yet ended (None when there is none: then none is in force either)."""
    from patients.models import EmergencyAccess, Episode

    tests = {}
    if user.has_role(*Role.CLINICAL):
        episodes = Episode.objects.filter(patient=models.OuterRef("pk"))
        team = models.Q(primary_clinician=user) | models.Q(care_team=user)
        tests["access_on_care_team"] = models.Exists(episodes.filter(team))
        unended = EmergencyAccess.objects.filter(
            user=user, patient=models.OuterRef("pk"), ends_at__gt=now or timezone.now()
        ).order_by("-ends_at")
        tests["access_grant_starts"] = models.Subquery(unended.values("started_at")[:1])
        tests["access_grant_ends"] = models.Subquery(unended.values("ends_at")[:1])
        if user.has_role(Role.SUPERVISOR) and not is_director(user):
            supervised = episodes.filter(program__supervisors=user)  # Program.supervised_by
            tests["access_supervised"] = models.Exists(supervised)
    return tests


def emergency_grant_in_force(user):
    """Whether `user` holds an emergency access grant in force on the patient row."""
    from patients.models import EmergencyAccess

    grants = EmergencyAccess.objects.active().filter(user=user, patient=models.OuterRef("pk"))
    return models.Exists(grants)


def visible_patient_ids(user, *, now=None):
    """The patients `user` may open (see `PatientQuerySet.for_user`): `ALL_PATIENTS`, None
    (none), or a subquery of their ids.

    The subquery is a UNION of indexed lookups (episodes by primary clinician, care-team links
    by user, emergency grants by user, a supervisor's programs' episodes by program), which
    PostgreSQL reads once and hashes; a per-patient EXISTS joined by OR made it walk every
    patient of a 5,000-patient program for each list (issue 14)."""
    from patients.models import EmergencyAccess, Episode

    if not (user and user.is_authenticated and user.is_active):
        return None
    if user.has_role(Role.DIRECTOR, Role.INTAKE):
        return ALL_PATIENTS
    if not user.has_role(Role.SUPERVISOR, Role.CLINICIAN):
        return None
    team = Episode.care_team.through.objects.filter(user=user)
    parts = [
        Episode.objects.filter(primary_clinician=user).order_by().values("patient_id"),
        team.order_by().values("episode__patient_id"),
        EmergencyAccess.objects.active(at=now).filter(user=user).order_by().values("patient_id"),
    ]
    if user.has_role(Role.SUPERVISOR):
        # Any episode, not only the open one: the supervisor answers for the care their
        # program gave (late co-signatures, reviews, discharged patients' outcomes), as a
        # clinician keeps the patients of their past care teams.
        programs = Episode.objects.filter(program__in=supervised_programs(user))
        parts.append(programs.order_by().values("patient_id"))
    first, *rest = parts
    return first.union(*rest)


def ways_in(user, *, now=None):
    """For a list's filter on its rows' patient: the ways in themselves
    (`visible_patient_ids`, a union of ids), not the patient rows they lead to, where the user
    has some (the patients they may open, `for_user`, otherwise): joined to the patients'
    primary key, each of a list's two queries (its count, its page) scanned and hashed every
    patient once more. (Measure before using it: for a clinician's few patients PostgreSQL
    may then read every row of the list's table rather than probe an index per patient.)"""
    from patients.models import Patient

    visible = visible_patient_ids(user, now=now)
    if visible is ALL_PATIENTS or visible is None:
        return Patient.objects.for_user(user, now=now).values("pk")
    return visible


class PatientQuerySet(models.QuerySet):
    def for_user(self, user, *, now=None):
        """Patients this user may open at all (at `now`, by default the time of the call: an
        emergency grant is in force for its minutes). What they may read inside is
        `access_for`.

        Clinical directors and intake coordinators: every patient (intake sees demographics,
        consents, screenings and intake only). Supervisors: patients with an episode (any,
        open or closed) in a program they supervise, and those whose care team they are on.
        Clinicians: patients whose care team they are on, through any episode. Supervisors and
        clinicians also open those they hold emergency access to (for its minutes). Admins work
        in the Django admin, not on charts.
        """
        visible = visible_patient_ids(user, now=now)
        if visible is ALL_PATIENTS:
            return self
        return self.filter(pk__in=visible) if visible is not None else self.none()

    def for_user_by_row(self, user):
        """`for_user` for one patient's chart (or a few): each way in tested on the row through
        an index instead of building every patient the user may open (a supervisor's programs'
        thousands) to test one. What the tests found stays on each patient (`row_access_tests`),
        so that `patients.access` needs no further query to tell how much of it they read."""
        patients = self.with_access_tests(user)
        if not (user and user.is_authenticated and user.is_active):
            return patients
        if user.has_role(Role.DIRECTOR, Role.INTAKE):
            return patients
        if not user.has_role(Role.SUPERVISOR, Role.CLINICIAN):
            return self.none()
        ways = models.Q(access_on_care_team=True) | models.Q(emergency_grant_in_force(user))
        if "access_supervised" in patients.query.annotations:
            ways |= models.Q(access_supervised=True)
        return patients.filter(ways)

    def with_access_tests(self, user, *, now=None):
        """The rows with `row_access_tests` on each, none left out (none at all for a user
        signed out or inactive): for `patients.access.get_patient_for_user`, whose access
        level from those tests refuses whoever `for_user_by_row` would leave out, so that
        one chart's read does not build and compile every test a second time as a filter
        (about 3 ms of a supervisor's chart tab)."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        tests = row_access_tests(user, now=now)
        return self.annotate(access_tested_for=models.Value(user.pk), **tests)

    def for_billing(self, user):
        """Patients whose billing records (coverage, authorizations, claim lines) `user` may
        read: every patient for a biller, who reads their demographics and billing records
        only, never clinical content (`patients.access.Access.BILLING`; `for_user` gives a
        biller none, so no other page or endpoint opens to them); for anyone else the
        patients `for_user` opens."""
        if user and user.is_authenticated and user.is_active and user.has_role(Role.BILLER):
            return self
        return self.for_user(user)

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        query = models.Q(mrn__iexact=text)
        for word in text.split():
            query |= (
                models.Q(legal_first_name__icontains=word)
                | models.Q(legal_last_name__icontains=word)
                | models.Q(preferred_name__icontains=word)
            )
        return self.filter(query)


class EpisodeQuerySet(models.QuerySet):
    def for_user(self, user, *, ordered=False, now=None):
        """`ordered`: for a list read through an index (`PatientScopedQuerySet.for_user`): a
        supervisor's 200 newest episodes by referral, walked in the `episode_referral_order`
        index until the page is full, not their 2,500 joined and sorted (2.0 ms, was 8.2, the
        medians of 25 EXPLAIN ANALYZE). `now`: as `PatientQuerySet.for_user`'s."""
        visible = visible_patient_ids(user, now=now)
        if visible is ALL_PATIENTS:
            return self
        if visible is None:
            return self.none()
        if ordered:
            return self.filter(IsTrue(In(models.F("patient_id"), visible)))
        return self.filter(patient__in=visible)

    def on_caseload_of(self, user):
        """The episodes on this user's caseload: those whose care team they are on (as primary
        clinician or member), and for a supervisor every episode of their programs (all of
        them for a clinical director); none for other roles.

        Every one is an episode of a patient `for_user` lets them open, so that rule is not
        applied again: the caseload is one indexed filter on episodes, no DISTINCT, no
        per-patient EXISTS.

        A clinician's is their episodes' ids as one array (`iop.ids.InArray`: those they are
        primary clinician of and those whose care team they are on, read first), its episodes
        then fetched by id: tested as `primary_clinician = me OR id IN (team)` on every open
        episode, PostgreSQL guessed ten times the rows and hash-joined every patient to them
        (the caseload's statement 5.3 -> 2.6 ms, Today's hours' facts 2.6 -> 1.4, medians of 15
        EXPLAIN ANALYZE). A supervisor's, most of their programs' open episodes, keeps the test
        (no gain that way)."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if not user.has_role(*Role.CLINICAL):
            return self.none()
        if is_director(user):
            return self
        team = self.model.care_team.through.objects.filter(user=user).values("episode_id")
        if user.has_role(Role.SUPERVISOR):
            mine = models.Q(primary_clinician=user) | models.Q(pk__in=team)
            return self.filter(mine | models.Q(program__in=supervised_programs(user)))
        primary = self.model._base_manager.filter(primary_clinician=user).order_by().values("pk")
        return self.filter(InArray(models.F("pk"), primary.union(team, all=True)))

    def in_intake_queue_of(self, user):
        """Referrals waiting and intakes in progress: every one for intake coordinators; a
        supervisor's view of the queue holds their programs' only. Every patient of a program
        they supervise is one they may open (`visible_patient_ids`), so that rule is not
        applied again: the supervisor's queue is one indexed filter on its programs (planning
        the two together took longer than running them, issue 14)."""
        episodes = self.filter(status__in=[self.model.Status.REFERRED, self.model.Status.INTAKE])
        if user.has_role(Role.INTAKE) or is_director(user):
            return episodes.for_user(user)
        return episodes.in_programs_of(user)

    def in_programs_of(self, user):
        """The episodes of the programs `user` supervises (all for a director; none for a
        user who supervises none)."""
        if is_director(user):
            return self
        return self.filter(program__in=supervised_programs(user))

    def open(self):
        return self.filter(status__in=self.model.OPEN_STATUSES)


class PatientScopedQuerySet(models.QuerySet):
    """For records that hang off a patient (measures, consents, alerts, assessments)."""

    def for_user(self, user, *, ordered=False, now=None):
        """`ordered`: for a list read newest first through an index (the API's measures): the
        visibility test stays a filter on each row read in index order, so the page stops when
        full. As a plain IN, PostgreSQL joined the visible patients to every row and sorted
        them all (a supervisor's 200 newest measures: 113 ms -> 9 ms; a clinician's: 38 -> 7).
        `now`: as `PatientQuerySet.for_user`'s."""
        visible = visible_patient_ids(user, now=now)
        if visible is ALL_PATIENTS:
            return self
        if visible is None:
            return self.none()
        if ordered:
            return self.filter(IsTrue(In(models.F("patient_id"), visible)))
        return self.filter(patient__in=visible)


class IsTrue(models.Func):
    """`(condition) IS TRUE`: the same rows as the condition; an IN (subquery) wrapped so is
    tested row by row (a hashed subplan), not turned into a join."""

    template = "(%(expressions)s) IS TRUE"
    output_field = models.BooleanField()
