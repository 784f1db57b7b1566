import re

from django.conf import settings
from django.db import models
from django.utils import timezone

from patients.models.patients import Episode
from patients.querysets import PatientScopedQuerySet

EMPTY = (None, "", [])
ICD10_CODE = re.compile(r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-Z]{1,4})?$")


class IntakeStep:
    def __init__(self, slug, title, fields, required=(), sud_only=False, help_text=""):
        self.slug, self.title, self.fields = slug, title, tuple(fields)
        self.required, self.sud_only, self.help_text = tuple(required), sud_only, help_text


ASAM_FIELDS = tuple(f"asam_d{n}" for n in range(1, 7))

# The intake assessment's steps, in order. `required` fields must be filled to complete.
INTAKE_STEPS = (
    IntakeStep(
        "presenting", "Presenting problem", ["presenting_problem"], required=["presenting_problem"]
    ),
    IntakeStep(
        "history",
        "Psychiatric, medical and medication history",
        ["psychiatric_history", "medical_history", "medications"],
    ),
    IntakeStep("substance-use", "Substance use", ["substance_use"]),
    IntakeStep("trauma", "Trauma", ["trauma_history"]),
    IntakeStep(
        "family-social", "Family, social situation and support", ["family_social", "support_system"]
    ),
    IntakeStep(
        "strengths-goals",
        "Strengths, barriers and goals",
        ["strengths", "barriers", "client_goals"],
        required=["client_goals"],
        help_text="Write the client's goals in their own words.",
    ),
    IntakeStep(
        "risk",
        "Risk assessment",
        ["risk_level", "risk_assessment"],
        required=["risk_level", "risk_assessment"],
    ),
    IntakeStep("diagnoses", "Diagnoses (ICD-10)", ["diagnoses"], required=["diagnoses"]),
    IntakeStep(
        "asam",
        "ASAM dimensions",
        list(ASAM_FIELDS),
        required=list(ASAM_FIELDS),
        sud_only=True,
        help_text="Rate each dimension 0 (no problem) to 4 (severe, needs intensive care).",
    ),
    IntakeStep(
        "recommendation",
        "Recommended level of care",
        ["recommended_level_of_care", "level_of_care_rationale", "primary_clinician"],
        required=["recommended_level_of_care", "level_of_care_rationale", "primary_clinician"],
    ),
)


def steps_for(episode):
    return intake_steps(episode.is_sud)


def intake_steps(is_sud):
    """The intake's steps for an episode of SUD care (`is_sud`) or not."""
    return [s for s in INTAKE_STEPS if not s.sud_only or is_sud]


def missing_steps(steps, value):
    """The steps of `steps` whose required fields are still empty, `value(field)` giving a
    field's value (for "primary_clinician", the episode's): what blocks completion, for an
    assessment (`IntakeAssessment.missing_sections`) or a list's row of its values."""
    missing = []
    for step in steps:
        for field in step.required:
            if value(field) in EMPTY:
                missing.append(step)
                break
    return missing


class IntakeAssessment(models.Model):
    """The intake assessment of one episode; saved as a draft at every step."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"

    class RiskLevel(models.TextChoices):
        NONE = "none", "None identified"
        LOW = "low", "Low"
        MODERATE = "moderate", "Moderate"
        HIGH = "high", "High"

    ASAM_DIMENSIONS = {
        "asam_d1": "1. Acute intoxication and/or withdrawal potential",
        "asam_d2": "2. Biomedical conditions and complications",
        "asam_d3": "3. Emotional, behavioral or cognitive conditions",
        "asam_d4": "4. Readiness to change",
        "asam_d5": "5. Relapse, continued use or continued problem potential",
        "asam_d6": "6. Recovery/living environment",
    }

    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="intake")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="intake_assessments"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    current_step = models.CharField(max_length=30, default=INTAKE_STEPS[0].slug)

    presenting_problem = models.TextField(blank=True)
    psychiatric_history = models.TextField(blank=True)
    medical_history = models.TextField(blank=True)
    medications = models.TextField(blank=True)
    substance_use = models.TextField(blank=True)
    trauma_history = models.TextField(blank=True)
    family_social = models.TextField("family and social situation", blank=True)
    support_system = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    barriers = models.TextField(blank=True)
    client_goals = models.TextField("the client's goals, in their own words", blank=True)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    risk_assessment = models.TextField(blank=True)
    diagnoses = models.JSONField(
        default=list, blank=True, help_text='[{"code": "F33.1", "description": "..."}]'
    )
    asam_d1 = models.PositiveSmallIntegerField(ASAM_DIMENSIONS["asam_d1"], null=True, blank=True)
    asam_d2 = models.PositiveSmallIntegerField(ASAM_DIMENSIONS["asam_d2"], null=True, blank=True)
    asam_d3 = models.PositiveSmallIntegerField(ASAM_DIMENSIONS["asam_d3"], null=True, blank=True)
    asam_d4 = models.PositiveSmallIntegerField(ASAM_DIMENSIONS["asam_d4"], null=True, blank=True)
    asam_d5 = models.PositiveSmallIntegerField(ASAM_DIMENSIONS["asam_d5"], null=True, blank=True)
    asam_d6 = models.PositiveSmallIntegerField(ASAM_DIMENSIONS["asam_d6"], null=True, blank=True)
    recommended_level_of_care = models.CharField(
        max_length=3, choices=Episode.LevelOfCare.choices, blank=True
    )
    level_of_care_rationale = models.TextField(blank=True)

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    # Intake coordinators prepare the diagnoses and level of care; a clinician or supervisor
    # confirms them before admission. Changing either clears the confirmation.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = PatientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        # The API list's order (a supervisor's page walks it: AssessmentViewSet).
        indexes = [
            models.Index(
                models.F("started_at").desc(), models.F("id").desc(), name="assessment_started"
            )
        ]

    def __str__(self):
        return f"Intake assessment for episode {self.episode_id} ({self.get_status_display()})"

    @property
    def audit_patient_id(self):
        return self.patient_id

    # What the clinician's confirmation covers: changing any of these clears it.
    CONFIRMED_FIELDS = ("diagnoses", "recommended_level_of_care")

    @property
    def current_step_title(self):
        """The step the intake stopped at, as the steps name it ("Trauma", not "trauma")."""
        return next((s.title for s in INTAKE_STEPS if s.slug == self.current_step), "Review")

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    @property
    def is_completed(self):
        return self.status == self.Status.COMPLETED

    def _value(self, field):
        return (
            self.episode.primary_clinician_id
            if field == "primary_clinician"
            else getattr(self, field)
        )

    def filled_steps(self):
        """Slugs of the steps that carry answers: every required field filled and, for a step
        with nothing required, at least one field written (an untouched step is not filled)."""
        filled = set()
        for step in steps_for(self.episode):
            values = [self._value(field) for field in step.fields]
            required = [self._value(field) for field in step.required]
            if all(v not in EMPTY for v in required) and any(v not in EMPTY for v in values):
                filled.add(step.slug)
        return filled

    def missing_sections(self):
        """Steps whose required fields are still empty (what blocks completion)."""
        return missing_steps(steps_for(self.episode), self._value)
