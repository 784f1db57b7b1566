"""The medication list (CLINICAL.md, *Medications and psychiatric monitoring*): one row per
medication a patient takes or took, a history row for every change, and reconciliations
(admission, medication-management visit, discharge) signed with a content hash.

A medication is active until it has a stop date. Its fields change only through
`medications.services`, which writes a `MedicationChange` (who, when, each field's old and new
value) with the audit event; change rows are never edited or deleted."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from iop.errors import ConflictError
from iop.hashing import content_sha256
from patients.models import Episode, Patient
from patients.querysets import PatientScopedQuerySet

TEXT_LIMIT = 2_000


class SignedReconciliationError(ConflictError):
    """A signed reconciliation is never changed. The API answers 409."""


class AppendOnlyError(Exception):
    """A medication's history is never rewritten."""


class Medication(models.Model):
    class Route(models.TextChoices):
        ORAL = "oral", "Oral"
        SUBLINGUAL = "sublingual", "Sublingual"
        BUCCAL = "buccal", "Buccal"
        INTRAMUSCULAR = "im", "Intramuscular injection"
        SUBCUTANEOUS = "subcutaneous", "Subcutaneous injection"
        INTRAVENOUS = "iv", "Intravenous"
        TRANSDERMAL = "transdermal", "Transdermal patch"
        NASAL = "nasal", "Nasal"
        INHALED = "inhaled", "Inhaled"
        TOPICAL = "topical", "Topical"
        RECTAL = "rectal", "Rectal"
        OTHER = "other", "Other"

    class AddictionTreatment(models.TextChoices):
        NONE = "", "—"
        MOUD = "moud", "MOUD (opioid use disorder)"
        MAUD = "maud", "MAUD (alcohol use disorder)"
        BOTH = "moud_maud", "MOUD and MAUD"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(
        Episode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The episode the entry was recorded in (Part 2 follows the patient).",
    )
    name = models.CharField(max_length=200)
    rxnorm_code = models.CharField("RxNorm code (RxCUI)", max_length=12, blank=True)
    strength = models.CharField(max_length=60, blank=True, help_text="e.g. 8 mg/2 mg")
    dose = models.CharField(max_length=60, help_text="e.g. 1 film")
    route = models.CharField(max_length=15, choices=Route.choices)
    frequency = models.CharField(max_length=60, help_text="e.g. once daily")
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A prescriber of the program…",
    )
    prescriber_name = models.CharField(
        "outside prescriber", max_length=200, blank=True, help_text="…or one outside it."
    )
    start_date = models.DateField(null=True, blank=True)
    stop_date = models.DateField(null=True, blank=True)
    stop_reason = models.CharField(max_length=200, blank=True)
    reason = models.TextField("reason (indication)", blank=True)
    addiction_treatment = models.CharField(
        "MOUD/MAUD",
        max_length=10,
        choices=AddictionTreatment.choices,
        blank=True,
        help_text="A medication for opioid or alcohol use disorder (it changes what a drug "
        "screen is expected to show).",
    )
    revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["patient", "stop_date"], name="medication_patient_stop")]
        constraints = [
            models.CheckConstraint(
                name="medication_one_prescriber",
                condition=(
                    models.Q(prescriber__isnull=False, prescriber_name="")
                    | (models.Q(prescriber__isnull=True) & ~models.Q(prescriber_name=""))
                ),
            ),
            models.CheckConstraint(
                name="medication_stop_after_start",
                condition=models.Q(start_date__isnull=True)
                | models.Q(stop_date__isnull=True)
                | models.Q(stop_date__gte=models.F("start_date")),
            ),
        ]

    def __str__(self):
        return " ".join(part for part in (self.name, self.strength) if part)

    def get_absolute_url(self):
        return reverse("medications:chart", args=[self.patient_id])

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def is_active(self):
        return self.stop_date is None

    @property
    def prescriber_display(self):
        if self.prescriber_id:
            return self.prescriber.display_name
        return f"{self.prescriber_name} (outside)"

    def state(self):
        """The entry as a reconciliation freezes it (JSON)."""
        return {
            "name": self.name,
            "rxnorm_code": self.rxnorm_code,
            "strength": self.strength,
            "dose": self.dose,
            "route": self.route,
            "frequency": self.frequency,
            "prescriber": self.prescriber_id,
            "prescriber_name": self.prescriber_name,
            "start_date": str(self.start_date) if self.start_date else None,
            "stop_date": str(self.stop_date) if self.stop_date else None,
            "reason": self.reason,
            "addiction_treatment": self.addiction_treatment,
        }


class MedicationChange(models.Model):
    """One change of an entry: its creation, an edit or its stop; never changed itself."""

    class Kind(models.TextChoices):
        ADDED = "added", "Added"
        CHANGED = "changed", "Changed"
        STOPPED = "stopped", "Stopped"

    medication = models.ForeignKey(Medication, on_delete=models.PROTECT, related_name="changes")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    changes = models.JSONField(
        default=dict, blank=True, help_text='{"field": [old, new]} of each field changed.'
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PatientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [
            models.Index(fields=["patient", "-changed_at"], name="medication_change_patient")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.medication_id} at {self.changed_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("A medication's history is never rewritten.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("A medication's history is never deleted.")

    @property
    def audit_patient_id(self):
        return self.patient_id

    def lines(self, users=None):
        """[(field label, old, new)] for the page; `users`: {id: name} of prescribers named."""
        users = users or {}
        rows = []
        for name, (old, new) in sorted(self.changes.items()):
            try:
                label = Medication._meta.get_field(name).verbose_name
            except Exception:  # a field since removed: its stored name
                label = name.replace("_", " ")
            if name == "prescriber":
                old, new = users.get(old, old), users.get(new, new)
            rows.append(
                (label, "—" if old in (None, "") else old, "—" if new in (None, "") else new)
            )
        return rows


class Reconciliation(models.Model):
    class Occasion(models.TextChoices):
        ADMISSION = "admission", "Admission"
        MEDICATION_VISIT = "medication_visit", "Medication-management visit"
        DISCHARGE = "discharge", "Discharge"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="+")
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    session = models.ForeignKey(
        "therapy_sessions.TherapySession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The medication-management visit it was done at.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    source_text = models.TextField(
        blank=True, help_text="At admission: the medications the intake recorded, as written."
    )
    notes = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)

    objects = PatientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"],
                condition=models.Q(status="draft"),
                name="reconciliation_one_draft_per_episode",
            ),
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(session__isnull=False),
                name="reconciliation_once_per_visit",
            ),
        ]

    def __str__(self):
        return f"{self.get_occasion_display()} reconciliation ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("medications:reconciliation", args=[self.patient_id, self.pk])

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def is_signed(self):
        return self.status == self.Status.SIGNED

    def canonical_content(self, items):
        return {
            "reconciliation": self.pk,
            "episode": self.episode_id,
            "occasion": self.occasion,
            "session": self.session_id,
            "source_text": self.source_text,
            "notes": self.notes,
            "items": [
                {
                    "medication": item.medication_id,
                    "decision": item.decision,
                    "note": item.note,
                    "state": item.state,
                }
                for item in sorted(items, key=lambda item: item.medication_id)
            ],
        }

    def compute_hash(self, items=None):
        items = list(self.items.all()) if items is None else items
        return content_sha256(self.canonical_content(items))


class ReconciliationItem(models.Model):
    class Decision(models.TextChoices):
        UNDECIDED = "", "Not yet reconciled"
        CONTINUED = "continued", "Continued"
        CHANGED = "changed", "Changed"
        STOPPED = "stopped", "Stopped"
        NEW = "new", "New"

    reconciliation = models.ForeignKey(
        Reconciliation, on_delete=models.PROTECT, related_name="items"
    )
    medication = models.ForeignKey(Medication, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    state = models.JSONField(
        default=dict,
        blank=True,
        help_text="The entry as it stood when the reconciliation was signed.",
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reconciliation", "medication"], name="reconciliation_item_once"
            )
        ]

    def __str__(self):
        return f"{self.medication_id}: {self.get_decision_display()}"
