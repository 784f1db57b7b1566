from django.conf import settings
from django.db import models
from django.utils import timezone

from patients.querysets import PatientScopedQuerySet, is_director, supervised_programs

# What a supervisor's review may change on a grant; the grant itself is never edited.
REVIEW_FIELDS = frozenset({"review_status", "reviewed_by", "reviewed_at", "review_note"})


class EmergencyAccessError(Exception):
    """Raised on an attempt to change or remove a grant other than by its review."""


class EmergencyAccessQuerySet(PatientScopedQuerySet):
    def active(self, at=None):
        """Grants in force now (or at `at`): the check is by time, so no job ends them."""
        at = at or timezone.now()
        return self.filter(started_at__lte=at, ends_at__gt=at)

    def for_reviewer(self, user):
        """The grants `user` reviews: those to patients of the programs they supervise (every
        one for a clinical director). Not through the care team or an emergency grant of
        their own: a supervisor who broke the glass into another program's chart reviews
        nothing there (the alert goes to that program's supervisors)."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if is_director(user):
            return self
        from patients.models import Episode

        episodes = Episode.objects.filter(
            program__in=supervised_programs(user), patient=models.OuterRef("patient")
        )
        return self.filter(models.Exists(episodes))

    def update(self, **kwargs):
        if set(kwargs) - REVIEW_FIELDS:
            raise EmergencyAccessError("An emergency access grant is never edited.")
        return super().update(**kwargs)

    def delete(self):
        raise EmergencyAccessError("An emergency access grant is never deleted.")


class EmergencyAccess(models.Model):
    """Break the glass: a clinician off the care team opened this chart in an emergency.

    Opens the chart for `settings.EMERGENCY_ACCESS_MINUTES` from `started_at` (until
    `ends_at`); every audit event of the user on this patient meanwhile is marked
    "emergency access". A supervisor reviews it afterwards (`emergency_access_review`).
    """

    class Review(models.TextChoices):
        PENDING = "pending", "Pending review"
        REVIEWED = "reviewed", "Reviewed: appropriate"
        CONCERN = "concern", "Concern raised"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    reason = models.TextField(max_length=1000)
    started_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    review_status = models.CharField(
        max_length=10, choices=Review.choices, default=Review.PENDING, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = "emergency access"
        verbose_name_plural = "emergency accesses"
        indexes = [
            models.Index(fields=["user", "patient", "ends_at"], name="emergency_user_patient_end")
        ]

    def __str__(self):
        return f"Emergency access by {self.user} from {self.started_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if not self._state.adding and (not fields or set(fields) - REVIEW_FIELDS):
            raise EmergencyAccessError("An emergency access grant is never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise EmergencyAccessError("An emergency access grant is never deleted.")

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def is_active(self):
        return self.started_at <= timezone.now() < self.ends_at

    @property
    def is_reviewed(self):
        return self.review_status != self.Review.PENDING
