"""Utilization reviews (CLINICAL.md, *Authorizations and utilization review*): the payer's
decision at a concurrent or retrospective review, which extends the authorization when it
grants more (`billing.services.reviews`), and the UR packets prepared for the payer, each a
disclosure recorded by the disclosures app (its accounting holds the packet itself).

Imported at the end of `billing.models`, so Django registers these models with the app."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from billing.models import MAX_AUTHORIZED, Authorization


class UtilizationReview(models.Model):
    """What the payer's reviewer decided for an authorization on one review."""

    class Kind(models.TextChoices):
        CONCURRENT = "concurrent", "Concurrent (continued stay)"
        RETROSPECTIVE = "retrospective", "Retrospective"

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        PARTIAL = "partial", "Partially approved"
        DENIED = "denied", "Denied"
        PENDED = "pended", "Pended (more information asked)"

    EXTENDING = (Outcome.APPROVED, Outcome.PARTIAL)

    authorization = models.ForeignKey(
        Authorization, on_delete=models.PROTECT, related_name="reviews"
    )
    review_date = models.DateField()
    kind = models.CharField(max_length=13, choices=Kind.choices, default=Kind.CONCURRENT)
    reviewer_name = models.CharField("reviewer at the payer", max_length=120)
    reviewer_phone = models.CharField("reviewer's phone", max_length=30, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    granted = models.PositiveSmallIntegerField(
        "days or units granted",
        default=0,
        validators=[MaxValueValidator(MAX_AUTHORIZED)],
        help_text="Added to the authorization when approved or partially approved.",
    )
    new_last_date = models.DateField(
        "new last authorized date",
        null=True,
        blank=True,
        help_text="The authorization's last date after this review (approved: required).",
    )
    next_review_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # What the authorization said before this review extended it (the audit trail's "before").
    previous_number = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    previous_last_date = models.DateField(null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["authorization", "-review_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_review_date__isnull=True)
                | models.Q(next_review_date__gte=models.F("review_date")),
                name="review_next_after_review",
            ),
        ]
        indexes = [models.Index(fields=["authorization", "review_date"])]

    def __str__(self):
        return f"{self.get_kind_display()} review {self.review_date}: {self.get_outcome_display()}"

    @property
    def audit_patient_id(self):
        return self.authorization.episode.patient_id

    @property
    def extends(self):
        return self.outcome in self.EXTENDING


class UrPacket(models.Model):
    """A utilization-review packet sent to the payer: the clinician's justification for
    continued stay and the period it covers; its PDF, recipient and consent are the
    disclosure's (append-only, in the accounting of disclosures)."""

    authorization = models.ForeignKey(
        Authorization, on_delete=models.PROTECT, related_name="ur_packets"
    )
    disclosure = models.OneToOneField(
        "disclosures.Disclosure", on_delete=models.PROTECT, related_name="ur_packet"
    )
    period_from = models.DateField(help_text="The last review's date, or the admission.")
    period_to = models.DateField()
    justification = models.TextField(help_text="The clinician's case for continued stay.")
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["authorization", "-prepared_at", "-pk"]
        verbose_name = "UR packet"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")),
                name="ur_packet_period_ordered",
            ),
        ]

    def __str__(self):
        return f"UR packet {self.prepared_at:%Y-%m-%d} for authorization {self.authorization_id}"

    @property
    def audit_patient_id(self):
        return self.authorization.episode.patient_id
