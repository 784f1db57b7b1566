"""Permission-aware QuerySets for groups and sessions: who may open what, in one place."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from iop.accounts.roles import Role
from patients.models import Patient, Program
from sessions.days import day_range, local_midnight


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


class TherapySessionQuerySet(models.QuerySet):
    def for_user(self, user):
        """Sessions a user may open: those they run or whose patient they may open; for a
        supervisor also their programs' group sessions (a clinical director: all)."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.has_role(Role.DIRECTOR):
            return self
        if user.has_role(Role.SUPERVISOR, Role.CLINICIAN):
            return self.filter(pk__in=self._visible_ids(user))
        return self.none()

    def _visible_ids(self, user):
        """The ids of the sessions a supervisor or clinician may open, as a UNION of indexed
        lookups: the sessions they run (session-clinician links by user), those of their
        patients (by patient) and, for a supervisor, their programs' groups' (by group). An OR
        of the three across the clinician join scanned every link and needed DISTINCT."""
        run = self.model.clinicians.through.objects.filter(user=user).values("therapysession_id")
        mine = Patient.objects.for_user(user).values("pk")
        theirs = self.model.objects.filter(patient__in=mine).order_by().values("pk")
        ids = run.union(theirs, all=True)
        if user.has_role(Role.SUPERVISOR):
            programs = Program.objects.supervised_by(user).values("pk")
            grouped = self.model.objects.filter(group__program__in=programs)
            ids = ids.union(grouped.order_by().values("pk"), all=True)
        return ids

    def in_programs_of(self, user):
        """Sessions of the programs `user` supervises: a group's program, or the episode's
        for an individual or family session (all for a clinical director)."""
        if user.has_role(Role.DIRECTOR):
            return self
        programs = Program.objects.supervised_by(user).values("pk")
        return self.filter(
            Q(group__program__in=programs) | Q(group__isnull=True, episode__program__in=programs)
        )

    def on_day(self, day):
        """Sessions starting on this local day (an indexed range, see `sessions.days`)."""
        return self.between_days(day, day)

    def between_days(self, first=None, last=None):
        """Sessions starting from local day `first` to local day `last`, both included (either
        may be None: no bound)."""
        queryset = self
        if first is not None:
            queryset = queryset.filter(starts_at__gte=local_midnight(first))
        if last is not None:
            queryset = queryset.filter(starts_at__lt=day_range(last)[1])
        return queryset
