"""Reminder deliveries: kept apart from `sessions/models.py` (which re-exports the model) so
that module stays small; the outbox of the reminder job (`sessions/reminders.py`)."""

from django.db import models
from django.utils import timezone

from patients.models import Patient
from patients.querysets import PatientScopedQuerySet
from sessions.models import TherapySession


class ReminderDelivery(models.Model):
    """One reminder to one patient for one session at one lead time: made at most once (the
    unique constraint), sent once (claimed by one worker; the delivery id is the message's
    idempotency key). A rescheduled session gets new rows for its new start time.

    `claimed`: in a worker's batch, not yet handed to a backend. `sending`: the backend is being
    called (committed just before the call; `sent` is committed just after), so a worker that
    dies leaves at most one row whose message may or may not have gone out."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CLAIMED = "claimed", "Claimed"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        SMS = "sms", "Text message"

    session = models.ForeignKey(TherapySession, on_delete=models.CASCADE, related_name="reminders")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="reminders")
    lead_hours = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField(help_text="The session time this reminder is for.")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=254)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Calls of the messaging backend for this reminder."
    )
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the claim was taken or last renewed (each send)."
    )
    claimed_by = models.CharField(max_length=120, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    audit_pending = models.BooleanField(
        default=False,
        help_text="Sent; its audit event is written with the rest of its batch (or, if its run "
        "died first, by the next run).",
    )
    last_error = models.TextField(blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PatientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["next_attempt_at", "pk"]
        verbose_name_plural = "reminder deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "patient", "lead_hours", "starts_at"],
                name="one_reminder_per_session_patient_lead",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(audit_pending=True),
                name="reminder_audit_pending",
            ),
        ]

    def __str__(self):
        return f"{self.lead_hours} h reminder to {self.patient} ({self.get_status_display()})"

    @property
    def audit_patient_id(self):
        return self.patient_id
