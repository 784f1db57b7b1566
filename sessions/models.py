"""Therapy groups and schedules, therapy sessions, attendance, progress notes and addenda.

App label `therapy_sessions`; the main model is `TherapySession`.
"""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from iop.errors import ConflictError
from iop.hashing import content_sha256
from iop.validation import capped_add
from patients.models import Episode, Patient, Program
from patients.querysets import PatientScopedQuerySet
from sessions.hashing import addendum_hash
from sessions.querysets import GroupEnrollmentQuerySet, TherapyGroupQuerySet, TherapySessionQuerySet

TELEHEALTH_POS = [
    ("02", "02 telehealth, not at home"),
    ("10", "10 telehealth at the patient's home"),
]
TELEHEALTH_MODIFIERS = [("95", "95 synchronous audio-video"), ("93", "93 audio-only")]


def not_counted(prefix=""):
    """Sessions whose attendance is no hours: cancelled, or family therapy without the patient.
    `prefix` reaches the session through a relation ("session__" from attendance)."""
    return Q(**{f"{prefix}status": "cancelled"}) | Q(
        **{f"{prefix}kind": "family", f"{prefix}patient_present": False}
    )


NOT_COUNTED = not_counted()


class SignedNoteError(ConflictError):
    """A signed note is never edited; only addenda are added. The API answers 409."""


class StaleNoteError(ConflictError):
    """Someone saved the note after this editor loaded it."""


class TherapyGroup(models.Model):
    class Kind(models.TextChoices):
        PROCESS = "process", "Process group"
        DBT = "dbt_skills", "DBT skills"
        PSYCHOED = "psychoeducation", "Psychoeducation"
        RELAPSE = "relapse_prevention", "Relapse prevention"
        FAMILY = "family", "Family group"

    WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    EARLIEST, LATEST = time(6, 0), time(22, 0)

    name = models.CharField(max_length=120, unique=True)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="groups")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_groups"
    )
    schedule_days = models.JSONField(
        default=list, help_text="Weekdays it meets, 0 = Monday … 6 = Sunday, e.g. [0, 2, 4]."
    )
    start_time = models.TimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=180)
    capacity = models.PositiveSmallIntegerField(default=12)
    location = models.CharField(max_length=120, blank=True)
    delivery = models.CharField(
        max_length=12,
        default="in_person",
        choices=[("in_person", "In person"), ("telehealth", "Telehealth")],
    )
    # A telehealth group's place of service and modifier, copied onto each session it meets.
    place_of_service = models.CharField(max_length=2, blank=True, choices=TELEHEALTH_POS)
    telehealth_modifier = models.CharField(max_length=2, blank=True, choices=TELEHEALTH_MODIFIERS)
    is_active = models.BooleanField(default=True)

    objects = TherapyGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        days = self.schedule_days
        if not (isinstance(days, list) and days and all(d in range(7) for d in days)):
            errors["schedule_days"] = "Tick the days the group meets (0 = Mon … 6 = Sun)."
        elif len(set(days)) != len(days):
            errors["schedule_days"] = "Each day once."
        if self.start_time is not None and not self.EARLIEST <= self.start_time <= self.LATEST:
            errors["start_time"] = "Start between 06:00 and 22:00."
        if not 15 <= (self.duration_minutes or 0) <= 600:
            errors["duration_minutes"] = "Give a duration between 15 and 600 minutes."
        if not 1 <= (self.capacity or 0) <= 40:
            errors["capacity"] = "Give a capacity between 1 and 40."
        recorded = self.place_of_service and self.telehealth_modifier
        if self.delivery == "telehealth" and not recorded:
            errors["place_of_service"] = (
                "A telehealth group records its place of service and modifier."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def schedule_label(self):
        days = ", ".join(self.WEEKDAYS[d] for d in sorted(self.schedule_days))
        return f"{days} {self.start_time:%H:%M}, {self.duration_minutes} min"


class GroupEnrollment(models.Model):
    group = models.ForeignKey(TherapyGroup, on_delete=models.CASCADE, related_name="enrollments")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="enrollments")
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)

    objects = GroupEnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["group", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "episode"],
                condition=Q(end_date__isnull=True),
                name="one_open_enrollment",
            ),
        ]

    def __str__(self):
        return f"{self.episode.patient} in {self.group}"

    @property
    def audit_patient_id(self):
        return self.episode.patient_id


class TherapySession(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        GROUP = "group", "Group"
        FAMILY = "family", "Family"
        INTAKE_EVAL = "intake_evaluation", "Intake evaluation"
        MED_MGMT = "medication_management", "Medication management"
        WORKSHOP = "workshop", "Psychoeducation workshop"

    class Delivery(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        TELEHEALTH = "telehealth", "Telehealth"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "No-show"

    kind = models.CharField(max_length=25, choices=Kind.choices)
    delivery = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.IN_PERSON)
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(default=50)
    location = models.CharField(max_length=120, blank=True)
    telehealth_link = models.URLField(blank=True)
    TOPIC_MAX = 200
    topic = models.CharField(
        max_length=TOPIC_MAX,
        blank=True,
        default="",
        db_default="",  # bulk loads (iop.scale) name their columns and leave it out
        help_text="What the session is about (e.g. a skills group's skill): the note starts "
        "from it.",
    )
    group = models.ForeignKey(
        TherapyGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    clinicians = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="therapy_sessions")
    episode = models.ForeignKey(
        Episode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
        help_text="The patient's episode, for sessions that are not groups.",
    )
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    patient_present = models.BooleanField(
        null=True, blank=True, help_text="Family sessions: was the patient there?"
    )
    POS = TELEHEALTH_POS
    place_of_service = models.CharField(max_length=2, choices=POS, blank=True)
    MODIFIERS = TELEHEALTH_MODIFIERS
    telehealth_modifier = models.CharField(max_length=2, choices=MODIFIERS, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Sessions booked together as one recurring appointment share it (services.recurrence).
    series = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    # Why it was cancelled, by whom and when (services.session_cancel); never in the audit
    # trail, which holds no free text.
    cancel_reason = models.CharField(max_length=500, blank=True, default="", db_default="")
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = TherapySessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "starts_at"], name="one_session_per_slot"),
        ]
        indexes = [
            # The weeks' few sessions that count no hours (~120 of a program's 4,000 in two
            # weeks), from the index alone: the weekly hours leave out their attendance by this.
            models.Index(
                fields=["starts_at"],
                include=["id"],
                condition=NOT_COUNTED,
                name="session_not_counted",
            ),
            # The completed sessions of a span of days, from the index alone: the notes to
            # write (Today's 14 days, the notes page's 90) join them to the clinician's own.
            # At scale Today's read of them went from 526 heap pages to 24 index pages.
            models.Index(
                fields=["starts_at"],
                include=["id", "kind"],
                condition=Q(status="completed"),
                name="session_completed_by_start",
            ),
        ]

    def __str__(self):
        who = self.group.name if self.group_id else (self.patient or "")
        return (
            f"{self.get_kind_display()} {who} {timezone.localtime(self.starts_at):%a %d %b %H:%M}"
        )

    def get_absolute_url(self):
        return reverse("sessions:session", args=[self.pk])

    @property
    def ends_at(self):
        return capped_add(self.starts_at, timezone.timedelta(minutes=self.duration_minutes))

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def is_group(self):
        return self.kind == self.Kind.GROUP

    @property
    def without_patient(self):
        """Family therapy without the patient (90846): no attendance, no hours."""
        return self.kind == self.Kind.FAMILY and self.patient_present is False

    @property
    def owning_program_id(self):
        """The program the session belongs to: its group's, else its episode's."""
        if self.group_id:
            return self.group.program_id
        return self.episode.program_id if self.episode_id else None

    def is_run_by(self, user, *, clinician=None):
        """Who takes attendance and writes the note: its clinicians, and a supervisor of its
        program (a clinical director: of any). `clinician`: whether `user` is one of its
        clinicians, when read already."""
        from patients.querysets import supervises

        if supervises(user, self.owning_program_id):
            return True
        if clinician is not None:
            return clinician
        return any(c.pk == user.pk for c in self.clinicians.all())


class ProgressNote(models.Model):
    class Format(models.TextChoices):
        SOAP = "SOAP", "SOAP"
        DAP = "DAP", "DAP"
        BIRP = "BIRP", "BIRP"
        MED = "MED", "Medication management"

    SECTIONS = {
        "SOAP": (
            ("subjective", "Subjective"),
            ("objective", "Objective"),
            ("assessment", "Assessment"),
            ("plan", "Plan"),
        ),
        "DAP": (("data", "Data"), ("assessment", "Assessment"), ("plan", "Plan")),
        "BIRP": (
            ("behavior", "Behavior"),
            ("intervention", "Intervention"),
            ("response", "Response"),
            ("plan", "Plan"),
        ),
        # A prescriber's visit note; its risk is each entry's risk re-check, as in every note.
        "MED": (
            ("target_symptoms", "Target symptoms"),
            ("adherence", "Adherence"),
            ("side_effects", "Side effects"),
            ("changes_made", "Changes made"),
            ("plan", "Plan"),
        ),
    }

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_COSIGN = "awaiting_cosign", "Signed, awaiting co-signature"
        SIGNED = "signed", "Signed"

    class Risk(models.TextChoices):
        NONE = "none", "No risk indicated"
        LOW = "low", "Low"
        MODERATE = "moderate", "Moderate"
        HIGH = "high", "High"

    session = models.OneToOneField(TherapySession, on_delete=models.PROTECT, related_name="note")
    format = models.CharField(max_length=4, choices=Format.choices, default=Format.DAP)
    shared = models.JSONField(
        default=dict, blank=True, help_text="Sections written once (for a group: shared part)."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    signed_attendance = models.JSONField(
        null=True,
        blank=True,
        help_text="The attendance the note stated when signed (patient id → [status, minutes]), "
        "covered by the content hash. Empty for notes signed before the hash covered it.",
    )
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)
    psychotherapy_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A medication-management visit's psychotherapy time."
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The API's notes list, newest first.
            models.Index(fields=["-created_at", "-id"], name="note_newest_first"),
            # The co-signature queue and its reminder job: the few notes still waiting.
            models.Index(
                fields=["signed_at"],
                condition=Q(status="awaiting_cosign"),
                name="note_awaiting_cosign",
            ),
            # The older notes to write: which of a clinician's sessions have a finished note.
            models.Index(fields=["session"], condition=~Q(status="draft"), name="note_finished"),
            # The API's notes list filtered to the few not signed yet (?status=draft or
            # awaiting_cosign), newest first: walked through note_newest_first, a clinician's
            # drafts were found after every one of the 178,000 notes (150 ms -> 12 ms).
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(status__in=["draft", "awaiting_cosign"]),
                name="note_unsigned_newest",
            ),
        ]

    def __str__(self):
        return f"{self.format} note for {self.session}"

    def get_absolute_url(self):
        return reverse("sessions:session", args=[self.session_id]) + "#note"

    @property
    def audit_patient_id(self):
        return self.session.patient_id

    @property
    def is_locked(self):
        return self.status != self.Status.DRAFT

    def sections(self):
        return self.SECTIONS[self.format]

    def shared_rows(self):
        return [(label, self.shared.get(key, "")) for key, label in self.sections()]

    def canonical_content(self, entries):
        """The note as signed, in a stable form: what the content hash covers. The attendance it
        stated is part of it for notes signed since the hash covered attendance; a note signed
        before keeps the content (and hash) it was signed with."""
        content = {
            "session": self.session_id,
            "format": self.format,
            "shared": {k: self.shared.get(k, "") for k, _ in self.sections()},
            "entries": [
                {
                    "patient": e.patient_id,
                    "text": e.text,
                    "risk": e.risk_level,
                    "risk_notes": e.risk_notes,
                    "objectives": sorted(str(o) for o in e.objectives_addressed),
                }
                for e in sorted(entries, key=lambda e: e.patient_id)
            ],
        }
        if self.signed_attendance is not None:
            content["attendance"] = self.signed_attendance
        if self.format == self.Format.MED:
            content["psychotherapy_minutes"] = self.psychotherapy_minutes
        return content

    @property
    def is_medication_visit_note(self):
        return self.format == self.Format.MED

    def compute_hash(self, entries):
        return content_sha256(self.canonical_content(entries))


class NoteEntry(models.Model):
    """A patient's individualized part of a note, with the objectives addressed and the risk
    re-check. For an individual session it is the only per-patient part."""

    note = models.ForeignKey(ProgressNote, on_delete=models.CASCADE, related_name="entries")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="note_entries")
    text = models.TextField(blank=True)
    objectives_addressed = models.JSONField(
        default=list, blank=True, help_text="Ids of plan objectives addressed."
    )
    progress_ratings = models.JSONField(
        default=dict, blank=True, help_text="Objective id → progress rating 0–4."
    )
    risk_level = models.CharField(max_length=10, choices=ProgressNote.Risk.choices, blank=True)
    risk_notes = models.TextField(blank=True)

    objects = PatientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["note", "patient"]
        constraints = [
            models.UniqueConstraint(fields=["note", "patient"], name="one_entry_per_patient"),
        ]

    def __str__(self):
        return f"{self.patient} in {self.note}"

    @property
    def audit_patient_id(self):
        return self.patient_id


class Addendum(models.Model):
    note = models.ForeignKey(ProgressNote, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(
        max_length=64, blank=True, help_text="Over its text, author, time and the note's hash."
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "addenda"

    def __str__(self):
        return f"Addendum to {self.note} by {self.author}"

    def compute_hash(self):
        return addendum_hash(self, self.note.content_hash)

    @property
    def audit_patient_id(self):
        return self.note.session.patient_id


# Re-exported here so the app's models load together (see their modules for why they are apart).
from sessions.attendance_models import Attendance as Attendance  # noqa: E402
from sessions.correction_models import AttendanceCorrection as AttendanceCorrection  # noqa: E402
from sessions.family_models import FamilyMember as FamilyMember  # noqa: E402
from sessions.reminder_models import ReminderDelivery as ReminderDelivery  # noqa: E402
from sessions.stepdown_models import StepDown as StepDown  # noqa: E402
