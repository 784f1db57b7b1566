from django.conf import settings
from django.db import models
from django.utils import timezone

from patients.querysets import PatientScopedQuerySet


class ConsentQuerySet(PatientScopedQuerySet):
    def in_force(self, on=None):
        """Signed, not revoked and not expired (on `on`, default today)."""
        day = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=day)
        )

    def kinds_in_force(self, patient_ids):
        """{patient id: the set of consent kinds in force today}, one query for them all
        (every id in `patient_ids` is a key)."""
        kinds = {pk: set() for pk in patient_ids}
        rows = self.filter(patient_id__in=kinds).in_force().values_list("patient_id", "kind")
        for patient_id, kind in rows.order_by():
            kinds[patient_id].add(kind)
        return kinds


class Consent(models.Model):
    class Kind(models.TextChoices):
        TREATMENT = "treatment", "Consent to treatment"
        COMMUNICATIONS = "communications", "Communications (reminders)"
        RELEASE = "release", "Release of information"
        PART2 = "part2", "42 CFR Part 2 disclosure"
        COUNSELING_NOTES = "counseling_notes", "SUD counseling notes (separate Part 2 consent)"

    class Purpose(models.TextChoices):
        """What a release may be for: a consent lists the purposes it allows, a disclosure
        names one (matched exactly, never read from free text)."""

        TREATMENT = "treatment", "Continuing treatment"
        PAYMENT = "payment", "Payment"
        OPERATIONS = "operations", "Health care operations"
        PATIENT_REQUEST = "patient_request", "At the patient's request"
        LEGAL = "legal", "Legal proceeding or court order"
        OTHER = "other", "Other"

    class Covers(models.TextChoices):
        """The parts of the record a consent lets leave the program."""

        PLAN = "plan", "Treatment plan"
        NOTES = "notes", "Progress notes"
        MEASURES = "measures", "Measures (scores)"
        ATTENDANCE = "attendance", "Attendance summary"
        DISCHARGE = "discharge", "Discharge and aftercare summary"

    class State(models.TextChoices):
        ACTIVE = "active", "In force"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consents"
    )
    episode = models.ForeignKey(
        "patients.Episode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    allow_email = models.BooleanField("reminders by e-mail", default=False)
    allow_sms = models.BooleanField("reminders by text message", default=False)
    recipient = models.CharField(max_length=200, blank=True, help_text="Who may receive it.")
    purpose = models.CharField(max_length=300, blank=True)
    purposes = models.JSONField(
        default=list,
        blank=True,
        help_text="Release consents: the purposes it allows (Consent.Purpose values).",
    )
    covers = models.JSONField(
        default=list,
        blank=True,
        help_text="Release consents: the parts of the record it covers (Consent.Covers values).",
    )
    scope = models.TextField(
        blank=True, help_text="What may be disclosed (Part 2: the kind and amount of information)."
    )
    expires_on = models.DateField(null=True, blank=True)
    expiry_event = models.CharField(
        max_length=200, blank=True, help_text="Or an event that ends it, e.g. end of treatment."
    )
    signed_by_name = models.CharField(max_length=120)
    signer_relationship = models.CharField(max_length=60, default="self")
    signed_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_note = models.TextField(blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-pk"]
        indexes = [
            # The API list, newest first: a supervisor's page walks it, testing each consent's
            # patient, instead of joining and sorting a third of all consents.
            models.Index(fields=["-signed_at", "-id"], name="consent_newest"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} signed {self.signed_at:%Y-%m-%d} ({self.state_label})"

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def state(self):
        return consent_state(revoked_at=self.revoked_at, expires_on=self.expires_on)

    @property
    def state_label(self):
        return self.State(self.state).label

    @property
    def is_in_force(self):
        return self.state == self.State.ACTIVE

    @property
    def purpose_labels(self):
        return [self.Purpose(p).label for p in self.purposes if p in self.Purpose.values]

    @property
    def covers_labels(self):
        return [self.Covers(c).label for c in self.covers if c in self.Covers.values]


def consent_state(*, revoked_at, expires_on):
    """A consent's state from its columns (`Consent.state`; also for a list that reads them as
    plain values): revoked, else expired once its day has passed, else in force."""
    if revoked_at:
        return Consent.State.REVOKED
    if expires_on and expires_on < timezone.localdate():
        return Consent.State.EXPIRED
    return Consent.State.ACTIVE
