"""Permission-aware reads: the one way to fetch patient data for a user (DESIGN.md, roles)."""

from django.db import models

from iop.accounts.roles import Role


def _on_care_team(user, prefix=""):
    return models.Q(**{f"{prefix}primary_clinician": user}) | models.Q(
        **{f"{prefix}care_team": user}
    )


def _in_emergency_access(user):
    """Whether `user` holds an emergency access grant in force on the patient (break the
    glass, patients/models/emergency.py): one EXISTS, checked by time."""
    from patients.models import EmergencyAccess

    grants = EmergencyAccess.objects.active().filter(user=user, patient=models.OuterRef("pk"))
    return models.Exists(grants)


class PatientQuerySet(models.QuerySet):
    def for_user(self, user):
        """Patients this user may open at all. What they may read inside is `access_for`.

        Supervisors and intake coordinators: every patient (intake sees demographics,
        consents, screenings and intake only). Clinicians: patients whose care team they are
        on, through any episode, and those they hold emergency access to (for its minutes).
        Admins work in the Django admin, not on charts.
        """
        from patients.models import Episode

        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.has_role(Role.SUPERVISOR, Role.INTAKE):
            return self
        if user.has_role(Role.CLINICIAN):
            team = Episode.objects.filter(_on_care_team(user), patient=models.OuterRef("pk"))
            return self.filter(models.Exists(team) | _in_emergency_access(user))
        return self.none()

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
    def for_user(self, user):
        from patients.models import Patient

        return self.filter(patient__in=Patient.objects.for_user(user).values("pk"))

    def on_caseload_of(self, user):
        """The episodes on this user's caseload: every one a supervisor may open; for anyone
        else, those whose care team they are on (as primary clinician or member)."""
        episodes = self.for_user(user)
        if user.has_role(Role.SUPERVISOR):
            return episodes
        return episodes.filter(_on_care_team(user)).distinct()

    def open(self):
        return self.filter(status__in=self.model.OPEN_STATUSES)


class PatientScopedQuerySet(models.QuerySet):
    """For records that hang off a patient (measures, consents, alerts, assessments)."""

    def for_user(self, user):
        from patients.models import Patient

        return self.filter(patient__in=Patient.objects.for_user(user).values("pk"))
