"""Planned short step-downs below the weekly minimum (CLINICAL.md: still IOP, recorded as a
step-down, not as non-attendance).

Kept apart from `sessions.models` (which re-exports it) to keep that module short.
"""

from django.conf import settings
from django.db import models


class StepDown(models.Model):
    """A planned short step-down below the weekly minimum: still IOP, not non-attendance."""

    episode = models.ForeignKey(
        "patients.Episode", on_delete=models.PROTECT, related_name="step_downs"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["episode", "starts_on"]

    def __str__(self):
        return f"Step-down {self.starts_on}–{self.ends_on} ({self.episode.patient})"

    @property
    def audit_patient_id(self):
        return self.episode.patient_id
