"""Permission-aware QuerySets for groups and sessions: who may open what, in one place."""

from django.db import models
from django.db.models import Q

from iop.accounts.roles import Role
from patients.models import Patient


class TherapyGroupQuerySet(models.QuerySet):
    def for_user(self, user):
        """Groups a user runs: supervisors all; clinicians those they facilitate."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.has_role(Role.SUPERVISOR):
            return self
        if user.has_role(Role.CLINICIAN):
            return self.filter(facilitators=user)
        return self.none()


class TherapySessionQuerySet(models.QuerySet):
    def for_user(self, user):
        """Sessions a user may open: supervisors all; clinicians those they run or whose
        patient is on their caseload."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.has_role(Role.SUPERVISOR):
            return self
        if user.has_role(Role.CLINICIAN):
            mine = Patient.objects.for_user(user).values("pk")
            return self.filter(Q(clinicians=user) | Q(patient__in=mine)).distinct()
        return self.none()

    def on_day(self, day):
        return self.filter(starts_at__date=day)
