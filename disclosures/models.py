"""Releases of information (disclosures), and patients' rights requests.

A disclosure is append-only, like the audit trail: the ORM refuses update and delete, and on
PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE (migration 0002). The packet that left
is stored with it, so the exact pages released can be downloaded again.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from iop.audit.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from patients.models import Consent
from patients.querysets import PatientScopedQuerySet

RIGHTS_RESPONSE_DAYS = 30
ACCOUNTING_YEARS = 3


def accounting_since(now=None):
    """The start of the accounting's window: the same moment 3 years ago (28 Feb for 29 Feb)."""
    now = timezone.localtime(now or timezone.now())
    try:
        return now.replace(year=now.year - ACCOUNTING_YEARS)
    except ValueError:
        return now.replace(year=now.year - ACCOUNTING_YEARS, day=28)


class DisclosureQuerySet(AppendOnlyQuerySet, PatientScopedQuerySet):
    def for_accounting(self, patient, *, now=None):
        """The patient's disclosures of the past 3 years, newest first."""
        since = accounting_since(now)
        return self.filter(patient=patient, disclosed_at__gte=since).order_by(
            "-disclosed_at", "-pk"
        )


class Disclosure(AppendOnlyModel):
    class RecipientKind(models.TextChoices):
        PERSON = "person", "A person"
        ORGANISATION = "organisation", "An organisation"
        PATIENT = "patient", "The patient (their own copy)"

    Purpose = Consent.Purpose
    Section = Consent.Covers

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="disclosures"
    )
    episode = models.ForeignKey(
        "patients.Episode", on_delete=models.PROTECT, related_name="disclosures"
    )
    disclosed_at = models.DateTimeField(default=timezone.now, db_index=True)
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recipient_kind = models.CharField(max_length=15, choices=RecipientKind.choices)
    recipient_name = models.CharField(max_length=200)
    recipient_address = models.TextField(blank=True)
    recipient_contact = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    purpose_note = models.CharField(max_length=300, blank=True)
    sections = models.JSONField(default=list, help_text="Consent.Covers values, in packet order.")
    notes_from = models.DateField(null=True, blank=True)
    notes_to = models.DateField(null=True, blank=True)
    is_part2 = models.BooleanField(help_text="An SUD episode's records (42 CFR Part 2).")
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures"
    )
    counseling_consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent_statement = models.TextField(
        help_text="The consent's scope as printed on every page of the packet."
    )
    packet = models.BinaryField(help_text="The PDF released, byte for byte.")
    packet_sha256 = models.CharField(max_length=64)
    packet_pages = models.PositiveSmallIntegerField()

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-disclosed_at", "-pk"]

    def __str__(self):
        return f"Release to {self.recipient_name} on {self.disclosed_at:%Y-%m-%d}"

    def get_absolute_url(self):
        """The packet as released (a QuerySet held this method, where nothing called it)."""
        return reverse("disclosures:packet", args=[self.patient_id, self.pk])

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def section_labels(self):
        return [self.Section(s).label for s in self.sections if s in self.Section.values]

    @property
    def what(self):
        """The sections in words, with the notes' date range."""
        parts = []
        for code in self.sections:
            label = self.Section(code).label
            if code == self.Section.NOTES and self.notes_from and self.notes_to:
                label += f" ({self.notes_from:%-d %b %Y} to {self.notes_to:%-d %b %Y})"
            parts.append(label)
        return ", ".join(parts)

    @property
    def purpose_text(self):
        text = self.get_purpose_display()
        return f"{text}: {self.purpose_note}" if self.purpose_note else text


class RightsRequest(models.Model):
    """A patient's request under their privacy rights, answered within 30 days."""

    class Kind(models.TextChoices):
        ACCESS = "access", "Access to their record"
        AMENDMENT = "amendment", "Amendment of their record"
        RESTRICTION = "restriction", "Restriction of uses or disclosures"
        ACCOUNTING = "accounting", "Accounting of disclosures"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Answered"

    class Outcome(models.TextChoices):
        GRANTED = "granted", "Granted"
        PARTIAL = "partial", "Partially granted"
        DENIED = "denied", "Denied"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="rights_requests"
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    details = models.TextField(blank=True, help_text="What the patient asks for, in brief.")
    received_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    answered_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = PatientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["status", "due_on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} received {self.received_on:%Y-%m-%d}"

    @property
    def audit_patient_id(self):
        return self.patient_id

    def is_overdue(self, today=None):
        return self.status == self.Status.OPEN and self.due_on < (today or timezone.localdate())

    @property
    def overdue(self):
        return self.is_overdue()


class Amendment(models.Model):
    """An addendum to a signed note, made to answer an amendment request: the link lives
    here, above sessions, so sessions never imports this app."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="amendments")
    addendum = models.OneToOneField(
        "therapy_sessions.Addendum", on_delete=models.PROTECT, related_name="amendment"
    )

    def __str__(self):
        return f"Addendum {self.addendum_id} for request {self.request_id}"

    @property
    def audit_patient_id(self):
        return self.request.patient_id
