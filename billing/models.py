"""Payers, coverage per episode and payers' authorizations (CLINICAL.md, *Authorizations and
utilization review*).

Rows change only through `billing.services`, which validate and audit every change. What an
authorization has used is not stored: it is counted from attendance (`billing.burndown`).
"""

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from billing.querysets import AuthorizationQuerySet, CoverageQuerySet, PayerQuerySet
from patients.models import Episode

MAX_AUTHORIZED = 999  # days or units on one authorization: anything more is a typing slip


def card_upload_path(coverage, filename):
    """An unguessable name under MEDIA_ROOT/coverage-cards/ (never served as a static file):
    the uploaded name is not kept in the path, only its checked extension."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"coverage-cards/{secrets.token_urlsafe(24)}{suffix}"


class Payer(models.Model):
    """An insurer or program that pays for care; admins keep the list."""

    class Kind(models.TextChoices):
        COMMERCIAL = "commercial", "Commercial"
        MEDICAID = "medicaid", "Medicaid"
        MEDICARE = "medicare", "Medicare"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120)
    payer_id = models.CharField(
        "payer id", max_length=20, blank=True, help_text="The electronic (EDI) payer id."
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COMMERCIAL)
    active = models.BooleanField(
        default=True, help_text="Inactive payers stay on past coverage but are not offered."
    )

    objects = PayerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="payer_name_unique_ci"),
        ]

    def __str__(self):
        return self.name


class Coverage(models.Model):
    """Who pays for an episode's care over a period: a payer's plan (primary or secondary) or
    self-pay. A scanned card may be attached (`card`, served by `billing.views.cards`)."""

    class Priority(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"

    class Relationship(models.TextChoices):
        SELF = "self", "Self"
        SPOUSE = "spouse", "Spouse or partner"
        CHILD = "child", "Child"
        OTHER = "other", "Other"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="coverages")
    self_pay = models.BooleanField(default=False, help_text="The patient pays; no payer.")
    payer = models.ForeignKey(
        Payer, null=True, blank=True, on_delete=models.PROTECT, related_name="coverages"
    )
    plan_name = models.CharField(max_length=120, blank=True)
    member_id = models.CharField("member id", max_length=60, blank=True)
    group_id = models.CharField("group id", max_length=60, blank=True)
    subscriber_name = models.CharField(max_length=120, blank=True)
    subscriber_relationship = models.CharField(
        max_length=10, choices=Relationship.choices, default=Relationship.SELF
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.PRIMARY)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True, help_text="Empty: still in force.")
    card = models.FileField(upload_to=card_upload_path, blank=True, max_length=200)
    card_content_type = models.CharField(max_length=40, blank=True)
    card_uploaded_at = models.DateTimeField(null=True, blank=True)
    card_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CoverageQuerySet.as_manager()

    class Meta:
        ordering = ["episode", "priority", "-effective_from", "pk"]
        verbose_name_plural = "coverage"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="coverage_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(self_pay=True, payer__isnull=True)
                | models.Q(self_pay=False, payer__isnull=False),
                name="coverage_payer_or_self_pay",
            ),
        ]
        indexes = [models.Index(fields=["episode", "effective_from"])]

    def __str__(self):
        who = "Self-pay" if self.self_pay else str(self.payer)
        return f"{who} ({self.get_priority_display().lower()}) from {self.effective_from}"

    @property
    def audit_patient_id(self):
        return self.episode.patient_id

    def in_force_on(self, day):
        ended = self.effective_to is not None and day > self.effective_to
        return self.effective_from <= day and not ended


class Authorization(models.Model):
    """A payer's authorization of care for an episode: per-diem days or units of given service
    codes from `first_date` to `last_date`. Attendance burns it down (`billing.burndown`);
    `used_before` counts what was used before the program recorded attendance here (e.g. an
    authorization carried over from another system)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        EXPIRED = "expired", "Expired"

    class Unit(models.TextChoices):
        DAYS = "days", "Per-diem days"
        UNITS = "units", "Units of service"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="authorizations")
    coverage = models.ForeignKey(Coverage, on_delete=models.PROTECT, related_name="authorizations")
    level_of_care = models.CharField(
        max_length=3, choices=Episode.LevelOfCare.choices, default=Episode.LevelOfCare.IOP
    )
    service_codes = models.CharField(
        max_length=200,
        help_text="The codes it covers, separated by commas or spaces, e.g. S9480 or 90853, 90837.",
    )
    unit = models.CharField(max_length=5, choices=Unit.choices, default=Unit.DAYS)
    number_authorized = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_AUTHORIZED)]
    )
    used_before = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(MAX_AUTHORIZED)],
        help_text="Days or units used before attendance was recorded here.",
    )
    first_date = models.DateField()
    last_date = models.DateField()
    reference_number = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    next_review_date = models.DateField(
        null=True, blank=True, help_text="When the payer's concurrent review is due."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AuthorizationQuerySet.as_manager()

    class Meta:
        ordering = ["episode", "-first_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_date__gte=models.F("first_date")),
                name="authorization_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(number_authorized__gte=1), name="authorization_number_positive"
            ),
        ]
        indexes = [models.Index(fields=["episode", "status", "first_date"])]

    def __str__(self):
        ref = self.reference_number or "no reference"
        return (
            f"{self.number_authorized} {self.get_unit_display().lower()} "
            f"{self.first_date}–{self.last_date} ({ref})"
        )

    @property
    def audit_patient_id(self):
        return self.episode.patient_id

    @property
    def codes(self):
        """The covered codes as a list, e.g. ["90853", "90837"]."""
        return [c for c in self.service_codes.replace(",", " ").split() if c]

    def covers_day(self, day):
        return self.first_date <= day <= self.last_date


# Claim lines and exports live in their own module (this one holds payers, coverage and
# authorizations); importing them here registers them with the app.
from billing.claim_models import ClaimExport, ClaimLine  # noqa: E402, F401

# Utilization reviews and UR packets live in their own module (registered here).
from billing.review_models import UrPacket, UtilizationReview  # noqa: E402, F401
