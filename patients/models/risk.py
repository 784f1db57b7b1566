"""A clinician's own risk assessment: a level and the reasons for it, saved signed."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from patients.querysets import PatientScopedQuerySet


class RiskLevel(models.TextChoices):
    NONE = "none", "None"
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


# Levels that raise a risk alert and require a safety plan (CLINICAL.md, C-SSRS).
SAFETY_PLAN_LEVELS = (RiskLevel.MODERATE, RiskLevel.HIGH)


class RiskAssessment(models.Model):
    """A clinician's risk assessment (e.g. after a PHQ-9 item 9 screen). Saved signed: the
    signer is the clinician who records it. Never edited; a new assessment supersedes it."""

    Level = RiskLevel

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="risk_assessments"
    )
    episode = models.ForeignKey(
        "patients.Episode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_assessments",
    )
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    rationale = models.TextField(help_text="What the level rests on (what was asked and seen).")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    objects = PatientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-pk"]

    def __str__(self):
        return f"Risk assessment: {self.get_level_display()} ({self.signed_at:%Y-%m-%d})"

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def requires_safety_plan(self):
        return self.level in SAFETY_PLAN_LEVELS
