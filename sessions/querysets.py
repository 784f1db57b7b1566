"""Permission-aware QuerySets for groups and sessions: who may open what, in one place."""

from django.db import models
from django.db.models import Q

from iop.accounts.roles import Role
from patients.models import Patient, Program


class TherapyGroupQuerySet(models.QuerySet):
    def for_user(self, user):
        """Groups a user runs or oversees: a clinical director all; a supervisor those of
        their programs and those they facilitate; a clinician those they facilitate."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.has_role(Role.DIRECTOR):
            return self
        if user.has_role(Role.SUPERVISOR):
            programs = Program.objects.supervised_by(user).values("pk")
            return self.filter(Q(program__in=programs) | Q(facilitators=user)).distinct()
        if user.has_role(Role.CLINICIAN):
            return self.filter(facilitators=user)
        return self.none()


class TherapySessionQuerySet(models.QuerySet):
    def for_user(self, user):
        """Sessions a user may open: those they run or whose patient they may open; for a
        supervisor also their programs' group sessions (a clinical director: all)."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.has_role(Role.DIRECTOR):
            return self
        if user.has_role(Role.SUPERVISOR, Role.CLINICIAN):
            mine = Patient.objects.for_user(user).values("pk")
            visible = Q(clinicians=user) | Q(patient__in=mine)
            if user.has_role(Role.SUPERVISOR):
                visible |= Q(group__program__in=Program.objects.supervised_by(user).values("pk"))
            return self.filter(visible).distinct()
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
        the notes still to write. A group nobody came to has no note to write."""
        from sessions.models import Attendance, ProgressNote

        attended = Attendance.objects.filter(
            session=models.OuterRef("pk"), status__in=Attendance.ATTENDED
        )
        return (
            self.filter(status=self.model.Status.COMPLETED)
            .filter(Q(note__isnull=True) | Q(note__status=ProgressNote.Status.DRAFT))
            .filter(models.Exists(attended))
        )

    def on_day(self, day):
        return self.filter(starts_at__date=day)
