"""Claim lines and their exports (issue 18; CLINICAL.md, *Billing codes*).

A claim line is one billable service or per-diem day of one patient, built from signed notes by
`billing.claims.build` with the codes `sessions.billing` suggests. A line the record does not
support yet (note unsigned, attendance corrected after signing, no authorization) is kept as
HELD with its reasons; lines are rebuilt freely until exported. An export (`ClaimExport`) keeps
its CSV as written, so downloading it again gives the same file; an exported line never changes
again except to be voided, and a voided line's service is issued again as a new line
(`replaces`), which the next export carries.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ClaimExport(models.Model):
    """One CSV export of issued lines: who, when, for what, and the file itself."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    first_date = models.DateField()
    last_date = models.DateField()
    program = models.ForeignKey(
        "patients.Program", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    line_count = models.PositiveIntegerField()
    csv = models.TextField(help_text="The file as exported (downloaded again byte for byte).")
    csv_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_date__gte=models.F("first_date")),
                name="claim_export_dates_ordered",
            ),
        ]

    def __str__(self):
        return (
            f"Claim export #{self.pk}: {self.line_count} lines, {self.first_date}–{self.last_date}"
        )

    @property
    def filename(self):
        return f"claim-lines-export-{self.pk}-{self.first_date}-{self.last_date}.csv"


class ClaimLine(models.Model):
    class Status(models.TextChoices):
        HELD = "held", "Held"
        ISSUED = "issued", "Issued"
        EXPORTED = "exported", "Exported"
        VOIDED = "voided", "Voided"

    # Who the line is for and what it bills.
    episode = models.ForeignKey(
        "patients.Episode", on_delete=models.PROTECT, related_name="claim_lines"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="claim_lines"
    )
    session = models.ForeignKey(
        "therapy_sessions.TherapySession",
        on_delete=models.PROTECT,
        related_name="claim_lines",
        help_text="The session billed (for a per diem, the day's first session, which carries it).",
    )
    service_date = models.DateField()
    code = models.CharField(max_length=5)
    description = models.CharField(max_length=120)
    modifiers = models.CharField(max_length=11, blank=True)
    units = models.PositiveSmallIntegerField(default=1)
    place_of_service = models.CharField(max_length=2)
    diagnosis_codes = models.JSONField(
        default=list, blank=True, help_text="ICD-10-CM codes in pointer order (A, B, C, D)."
    )
    per_diem = models.BooleanField(default=False)
    bundled = models.JSONField(
        default=list, blank=True, help_text="A per diem's component codes (not billed)."
    )
    basis = models.CharField(
        max_length=120, blank=True, help_text="e.g. per-diem threshold not met"
    )
    rendering = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who signed the note.",
    )
    supervising = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who co-signed it (a trainee's note).",
    )
    authorization = models.ForeignKey(
        "billing.Authorization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claim_lines",
    )
    authorization_reference = models.CharField(max_length=60, blank=True)
    coverage = models.ForeignKey(
        "billing.Coverage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payer_name = models.CharField(max_length=120, blank=True)
    member_id = models.CharField(max_length=60, blank=True)
    # Where it stands.
    status = models.CharField(max_length=8, choices=Status.choices)
    held_reasons = models.JSONField(default=list, blank=True)
    export = models.ForeignKey(
        ClaimExport, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        help_text="The voided line this one issues again.",
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["service_date", "patient_id", "code", "pk"]
        constraints = [
            # One live line per patient, session and code: rebuilding never doubles a service.
            models.UniqueConstraint(
                fields=["patient", "session", "code"],
                condition=~Q(status="voided"),
                name="claim_line_once_per_service",
            ),
            models.CheckConstraint(
                condition=Q(units__gte=1) & Q(units__lte=99), name="claim_line_units_plausible"
            ),
            models.CheckConstraint(
                condition=~Q(status="exported") | Q(export__isnull=False),
                name="claim_line_exported_has_export",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "service_date"], name="claim_line_status_date"),
            models.Index(fields=["patient", "service_date"], name="claim_line_patient_date"),
        ]

    def __str__(self):
        return f"{self.code} on {self.service_date} ({self.get_status_display().lower()})"

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def diagnosis_pointers(self):
        """ "A", "AB", ... up to four: the line points at the claim's diagnoses in order."""
        return "ABCD"[: min(4, len(self.diagnosis_codes))]
