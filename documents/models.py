"""The discharge summary (CLINICAL.md, *Admission and discharge*): written once per discharged
episode from the record, with the clinician's narrative, and signed by the primary clinician.

While a draft it reads the record afresh each time; signing freezes what the record said
(`record`) with the narrative, and the content hash covers both (as a note's does), so a later
correction of the record never changes a signed summary.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from iop.errors import ConflictError
from iop.hashing import content_sha256
from patients.models import Episode, Patient
from patients.querysets import PatientScopedQuerySet

TEXT_LIMIT = 20_000


class SignedSummaryError(ConflictError):
    """A signed discharge summary is never changed. The API answers 409."""


class StaleSummaryError(ConflictError):
    """Someone saved the draft after this editor loaded it."""


class DischargeSummary(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"

    episode = models.OneToOneField(
        Episode, on_delete=models.PROTECT, related_name="discharge_summary"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    narrative = models.TextField(
        "course of treatment", blank=True, help_text="Presentation, course and response."
    )
    medications = models.TextField("medications at discharge", blank=True)
    referrals = models.TextField("aftercare referrals", blank=True)
    record = models.JSONField(
        default=dict, blank=True, help_text="What the record said when the summary was signed."
    )
    revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)

    objects = PatientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "discharge summaries"

    def __str__(self):
        return f"Discharge summary ({self.get_status_display()}) for {self.patient}"

    def get_absolute_url(self):
        return reverse("documents:discharge-summary", args=[self.patient_id, self.episode_id])

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def is_signed(self):
        return self.status == self.Status.SIGNED

    def canonical_content(self):
        """What the signature covers: the record as signed and the clinician's text."""
        return {
            "summary": self.pk,
            "episode": self.episode_id,
            "narrative": self.narrative,
            "medications": self.medications,
            "referrals": self.referrals,
            "record": self.record,
        }

    def compute_hash(self):
        return content_sha256(self.canonical_content())
