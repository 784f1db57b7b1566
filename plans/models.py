"""Treatment plans (problem → goal → objective → intervention), reviews, safety and aftercare plans.

A treatment plan and a safety plan are versioned documents: `draft → active → superseded`, or
`closed` at discharge. Only a draft is ever edited; every edit of a draft bumps its `revision`,
which the editor sends back so a stale save is refused instead of overwriting someone else's.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from iop.errors import ConflictError
from iop.validation import capped_add
from patients.instruments import INSTRUMENTS
from patients.models import Episode, Patient
from patients.querysets import PatientScopedQuerySet

SCORED_INSTRUMENTS = [(code, i.name) for code, i in INSTRUMENTS.items() if i.min_total is not None]


class NotADraftError(ConflictError):
    """A change was attempted on a signed (non-draft) version. The API answers 409."""


class StaleEditError(ConflictError):
    """Someone else saved the draft since this editor loaded it."""


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    SUPERSEDED = "superseded", "Superseded"
    CLOSED = "closed", "Closed"


class VersionedDocumentQuerySet(PatientScopedQuerySet):
    def active(self):
        """The signed version in force (one per episode for plans, per patient for safety)."""
        return self.filter(status=DocumentStatus.ACTIVE)

    def drafts(self):
        return self.filter(status=DocumentStatus.DRAFT)


class VersionedDocument(models.Model):
    """What treatment plans and safety plans share: version, status, signature, acknowledgement."""

    Status = DocumentStatus

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT, db_index=True
    )
    revision = models.PositiveIntegerField(
        default=0, help_text="Bumped on every edit of the draft; guards against stale saves."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the content as signed (plans.signatures)."
    )
    patient_ack_name = models.CharField("acknowledged by (patient)", max_length=120, blank=True)
    patient_ack_at = models.DateTimeField("acknowledged at", null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Superseded or closed at.")

    objects = VersionedDocumentQuerySet.as_manager()

    # The field whose versions are numbered together: one active and one draft per value.
    versioned_within = ""

    class Meta:
        abstract = True

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def is_draft(self):
        return self.status == DocumentStatus.DRAFT

    def supersede_active(self, now):
        """Supersede the active version this one replaces (locking it first); returns it, or
        None when there is none. Called while activating this version."""
        scope = {self.versioned_within: getattr(self, self.versioned_within)}
        previous = type(self).objects.select_for_update().filter(**scope).active().first()
        if previous is not None:
            previous.status = DocumentStatus.SUPERSEDED
            previous.ended_at = now
            previous.save(update_fields=["status", "ended_at", "updated_at"])
        return previous


class TreatmentPlan(VersionedDocument):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="treatment_plans")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="treatment_plans")
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions"
    )
    summary = models.TextField(
        "clinical summary",
        blank=True,
        help_text="Formulation: strengths, needs, abilities and preferences in brief.",
    )
    next_review_due = models.DateField(null=True, blank=True, db_index=True)
    close_reason = models.CharField(max_length=200, blank=True)

    versioned_within = "episode_id"

    class Meta:
        ordering = ["episode", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "version"], name="plan_version_unique"),
            models.UniqueConstraint(
                fields=["episode"],
                condition=Q(status=DocumentStatus.ACTIVE),
                name="one_active_plan",
            ),
            models.UniqueConstraint(
                fields=["episode"], condition=Q(status=DocumentStatus.DRAFT), name="one_draft_plan"
            ),
        ]

    def __str__(self):
        return f"Treatment plan v{self.version} ({self.get_status_display()}) for {self.patient}"

    def get_absolute_url(self):
        return reverse("plans:plan", args=[self.pk])


class Problem(models.Model):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="problems")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.TextField()
    diagnosis_code = models.CharField(
        "linked diagnosis",
        max_length=10,
        blank=True,
        help_text="An ICD-10 code from the intake assessment.",
    )

    class Meta:
        ordering = ["plan", "position", "pk"]

    def __str__(self):
        return self.description[:60]


QUOTE_PAIRS = {'"': '"', "“": "”", "„": "“", "'": "'", "‘": "’", "«": "»"}


def unquoted(text):
    """`text` stripped, without a pair of quotation marks wrapped around all of it."""
    text = (text or "").strip()
    while len(text) >= 2 and QUOTE_PAIRS.get(text[0]) == text[-1]:
        inner = text[1:-1]
        if any(mark in inner for mark in (text[0], text[-1])):
            break  # "a" and "b": the marks quote parts, not the whole
        text = inner.strip()
    return text


class Goal(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        ACHIEVED = "achieved", "Achieved"
        PARTIAL = "partial", "Partially achieved"
        REVISED = "revised", "Revised"
        DISCONTINUED = "discontinued", "Discontinued"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(default=0)
    client_words = models.TextField("goal, in the client's words")
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.NOT_STARTED)

    class Meta:
        ordering = ["problem", "position", "pk"]

    def __str__(self):
        return self.client_words[:60]

    @property
    def words(self):
        """The client's words without quotation marks around them (pages add their own)."""
        return unquoted(self.client_words)


class Objective(models.Model):
    """Measurable and time-bound; optionally "<instrument> total below <target> by <date>"."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    lineage = models.UUIDField(
        default=uuid.uuid4,
        db_index=True,
        help_text="The same objective across plan versions; progress entries follow it.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    description = models.TextField()
    target_date = models.DateField()
    measure_instrument = models.CharField(
        "measured by", max_length=10, choices=SCORED_INSTRUMENTS, blank=True
    )
    measure_target = models.PositiveSmallIntegerField("target: total below", null=True, blank=True)
    # Another kind of target an app registers (`patients.extensions.objective_targets`).
    target_kind = models.CharField("other target", max_length=20, blank=True)
    target_weeks = models.PositiveSmallIntegerField(
        "for weeks", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    target_options = models.JSONField("of", default=list, blank=True)

    class Meta:
        ordering = ["goal", "position", "pk"]

    def __str__(self):
        return self.description[:60]

    @property
    def measure_label(self):
        if not self.measure_instrument:
            return ""
        name = INSTRUMENTS[self.measure_instrument].name
        return f"{name} below {self.measure_target} by {self.target_date:%-d %b %Y}"


class Intervention(models.Model):
    class Modality(models.TextChoices):
        CBT = "cbt", "CBT"
        DBT = "dbt_skills", "DBT skills"
        MI = "mi", "Motivational interviewing"
        PSYCHOED = "psychoeducation", "Psychoeducation"
        MINDFULNESS = "mindfulness", "Mindfulness"
        FAMILY = "family_therapy", "Family therapy"
        RELAPSE = "relapse_prevention", "Relapse prevention"
        MEDS = "medication_management", "Medication management"
        PEER = "peer_support", "Peer support"
        CASE = "case_management", "Case management"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="interventions")
    position = models.PositiveSmallIntegerField(default=0)
    modality = models.CharField(max_length=25, choices=Modality.choices)
    description = models.TextField(blank=True)
    frequency = models.CharField(max_length=80, help_text="e.g. 3 groups a week")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="responsible staff",
    )

    class Meta:
        ordering = ["objective", "position", "pk"]

    def __str__(self):
        return f"{self.get_modality_display()}, {self.frequency}"


class ProgressEntry(models.Model):
    """Progress on an objective: from a session note, a review, or by hand."""

    class Rating(models.IntegerChoices):
        NONE = 0, "No progress"
        MINIMAL = 1, "Minimal progress"
        SOME = 2, "Some progress"
        SIGNIFICANT = 3, "Significant progress"
        MET = 4, "Objective met"

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="progress")
    lineage = models.UUIDField(db_index=True)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    note = models.TextField(blank=True)
    session_ref = models.PositiveIntegerField(
        null=True, blank=True, help_text="The therapy session it was written from, if any."
    )
    review = models.ForeignKey(
        "PlanReview", null=True, blank=True, on_delete=models.PROTECT, related_name="progress"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = PatientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name_plural = "progress entries"

    def __str__(self):
        return f"{self.get_rating_display()} on {self.objective}"

    @property
    def audit_patient_id(self):
        return self.patient_id


class PlanReview(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"

    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue the plan"
        REVISE = "revise", "Revise the plan"
        STEP_DOWN = "step_down", "Step down the level of care"
        DISCHARGE = "discharge", "Discharge"
        HIGHER = "higher", "Higher level of care"

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="reviews")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="plan_reviews")
    due_date = models.DateField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    period_start = models.DateField(help_text="Since the last review, or the plan's activation.")
    prefill = models.JSONField(
        default=dict, blank=True, help_text="What the system knew when the review was opened."
    )
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    summary = models.TextField(blank=True)
    # What the reviewer has typed so far (decision, summary, ratings, comments), autosaved
    # while the review is open; `revision` refuses a save made from a stale copy.
    draft = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PatientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-due_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "due_date"], name="one_review_per_due_date"),
        ]

    def __str__(self):
        return f"Review due {self.due_date} of {self.plan}"

    def get_absolute_url(self):
        return reverse("plans:review", args=[self.pk])

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class SafetyPlan(VersionedDocument):
    """Stanley–Brown safety plan (CLINICAL.md), versioned like the treatment plan."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="safety_plans")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="safety_plans")
    warning_signs = models.TextField("1. Warning signs", blank=True)
    coping_strategies = models.TextField("2. Internal coping strategies", blank=True)
    distractions = models.TextField(
        "3. People and social settings that provide distraction", blank=True
    )
    help_contacts = models.TextField("4. People I can ask for help", blank=True)
    professional_contacts = models.TextField(
        "5. Professionals and agencies to contact in a crisis",
        blank=True,
        default="988 Suicide & Crisis Lifeline: call or text 988\nEmergency: 911",
    )
    environment_safety = models.TextField("6. Making the environment safe", blank=True)
    reasons_for_living = models.TextField("Reasons for living", blank=True)

    versioned_within = "patient_id"

    SECTIONS = (
        "warning_signs",
        "coping_strategies",
        "distractions",
        "help_contacts",
        "professional_contacts",
        "environment_safety",
        "reasons_for_living",
    )

    class Meta:
        ordering = ["patient", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "version"], name="safety_version_unique"),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status=DocumentStatus.ACTIVE),
                name="one_active_safety_plan",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status=DocumentStatus.DRAFT),
                name="one_draft_safety_plan",
            ),
        ]

    def __str__(self):
        return f"Safety plan v{self.version} ({self.get_status_display()}) for {self.patient}"

    def get_absolute_url(self):
        return reverse("plans:safety", args=[self.patient_id])


class AftercarePlan(models.Model):
    """The transition plan written before discharge; required to discharge an episode."""

    class StepDown(models.TextChoices):
        IOP = "IOP", "IOP"
        OP = "OP", "Standard outpatient (OP)"
        PHP = "PHP", "Partial hospitalization (PHP)"
        INPATIENT = "inpatient", "Inpatient / residential"
        COMMUNITY = "community", "Community supports only"

    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="aftercare")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="aftercare_plans")
    step_down_level = models.CharField(
        "step-down level of care", max_length=10, choices=StepDown.choices
    )
    follow_up_appointments = models.TextField(
        help_text="Who, where and when: the first appointment after discharge."
    )
    support_groups = models.TextField(blank=True)
    relapse_prevention = models.TextField("relapse-prevention plan")
    medications = models.TextField(blank=True)
    crisis_resources = models.TextField(
        default="988 Suicide & Crisis Lifeline: call or text 988\nEmergency: 911"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientScopedQuerySet.as_manager()

    REQUIRED = (
        "step_down_level",
        "follow_up_appointments",
        "relapse_prevention",
        "crisis_resources",
    )

    def __str__(self):
        return f"Aftercare plan for {self.patient}"

    @property
    def audit_patient_id(self):
        return self.patient_id

    def missing(self):
        return [
            self._meta.get_field(name).verbose_name
            for name in self.REQUIRED
            if not str(getattr(self, name) or "").strip()
        ]


def review_due_after(anchor, cadence_days):
    """The next review date: `cadence_days` after the anchor, the day the plan was activated or
    the day the last review was *completed* (never the previous due date: a review done late,
    or early, is followed by the next within the cadence of when it was actually done)."""
    return capped_add(anchor, timedelta(days=cadence_days))


def initial_plan_due(episode):
    """The date the first treatment plan is due: the program's `initial_plan_days` after
    admission (None before admission)."""
    if episode.admission_date is None:
        return None
    return capped_add(episode.admission_date, timedelta(days=episode.program.initial_plan_days))


# The plan libraries' model lives in its own module; imported here so Django loads it.
from plans.library import LibraryEntry  # noqa: E402, F401
