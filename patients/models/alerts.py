from django.conf import settings
from django.db import models
from django.utils import timezone

from iop.accounts.roles import Role
from patients.querysets import PatientScopedQuerySet, supervised_programs


class AlertQuerySet(PatientScopedQuerySet):
    def open(self):
        return self.filter(status=Alert.Status.OPEN)

    def for_worklist(self, user, *, now=None):
        """Open alerts for a user's work queue: risk first, then newest.

        Clinicians: alerts on their caseload. Supervisors: alerts about the patients of
        their programs (and their own caseload). Clinical directors: every open alert, so an
        alert with no patient (an unsigned group note) or of a program without a supervisor
        reaches a director.
        """
        if not user.has_role(*Role.CLINICAL):
            return self.none()
        if user.has_role(Role.DIRECTOR):
            qs = self.open()
        else:
            # Their patients' alerts, and staff alerts (no patient) assigned to them or, for
            # a supervisor, raised in a program they supervise.
            from patients.models import Patient

            # Their patients: checked for each open alert's own patient (one indexed lookup
            # each), never by listing every patient they may open, nor every alert.
            theirs = Patient.objects.for_user(user, now=now).filter(
                pk=models.OuterRef("patient_id")
            )
            mine = models.Q(models.Exists(theirs)) | models.Q(
                patient__isnull=True, assigned_to=user
            )
            if user.has_role(Role.SUPERVISOR):
                mine |= models.Q(patient__isnull=True, program__in=supervised_programs(user))
            qs = self.open().filter(mine)
        # An emergency access alert is each supervisor's own (one per supervisor): never
        # another's queue, nor the queue of the clinician who broke the glass.
        qs = qs.exclude(models.Q(kind=Alert.Kind.EMERGENCY_ACCESS) & ~models.Q(assigned_to=user))
        return qs.order_by("-priority", "-raised_at")


class Alert(models.Model):
    """A work-queue item about a patient. Risk alerts close only with an acknowledgement."""

    class Kind(models.TextChoices):
        RISK = "risk", "Risk"
        REVIEW_DUE = "review_due", "Plan review due"
        REVIEW_OVERDUE = "review_overdue", "Plan review overdue"
        NOTE_UNSIGNED = "note_unsigned", "Note unsigned"
        LOW_ATTENDANCE = "low_attendance", "Below weekly hours"
        NO_SHOWS = "no_shows", "Repeated no-shows"
        MEASURE_DUE = "measure_due", "Measure due"
        INITIAL_PLAN_LATE = "initial_plan_late", "Initial plan late"
        EMERGENCY_ACCESS = "emergency_access", "Emergency access"
        UNEXPECTED_SCREEN = "unexpected_screen", "Unexpected drug screen"
        # Raised by the billing app (issue 18).
        AUTH_LOW = "auth_low", "Authorization 80 % used"
        AUTH_ENDING = "auth_ending", "Authorization ending"
        AUTH_REVIEW_DUE = "auth_review_due", "Concurrent review due"

    class Priority(models.IntegerChoices):
        ROUTINE = 1, "Routine"
        HIGH = 2, "High"
        URGENT = 3, "Urgent"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    patient = models.ForeignKey(
        "patients.Patient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
        help_text="Empty for staff alerts not about one patient (e.g. an unsigned group note).",
    )
    episode = models.ForeignKey(
        "patients.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    program = models.ForeignKey(
        "patients.Program",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose supervisors see it: the episode's program, or a group's for an alert "
        "with no patient. Empty: the clinical directors.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.ROUTINE)
    risk_level = models.CharField(
        max_length=10, blank=True, help_text="For risk alerts: moderate or high."
    )
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    action_url = models.CharField(max_length=300, blank=True, help_text="Where to act on it.")
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    # Makes raising idempotent: the same event never raises a second alert.
    dedupe_key = models.CharField(max_length=120, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_alerts",
    )
    raised_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    action_taken = models.TextField(blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="alert_dedupe_key_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "patient"]),
            # A chart's alerts, newest first, a page at a time (not a backward walk of
            # everyone's alerts by raised_at until this patient's turn up).
            models.Index(fields=["patient", "-raised_at", "-id"], name="alert_patient_recent"),
            # Work queues and the API list: the alerts of one status, risk first, then newest.
            models.Index(fields=["status", "-priority", "-raised_at", "-id"], name="alert_queue"),
            # The API list over every status, in the same order: a supervisor's page walks it,
            # testing each alert's patient, instead of joining and sorting half of all alerts.
            models.Index(fields=["-priority", "-raised_at", "-id"], name="alert_by_priority"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def needs_acknowledgement(self):
        return self.kind == self.Kind.RISK
