"""The intake assessments' serializer, and what its list reads of a row.

A list's page is read as plain values (`list_values`, `AssessmentViewSet`): the assessment's
columns, the few of its episode that the sections and the admission rule need, and the
confirming user's names. No assessment, episode or user instance is built for a row (but
the episode and assessment of a row at intake, holding only what the admission rule reads); the
serializer's `value_getters` give the fields that are not plain columns from those values, by the
same rules as the detail's (`missing_steps`, `admission_missing`, `display_name`).
"""

from functools import partial

from django.db.models import F
from rest_framework import serializers

from iop.api import strict
from iop.api.rows import RowsListSerializer, values_of
from patients.api.serializers import (
    ClinicianField,
    UserRefSerializer,
    user_ref_columns,
    user_ref_of,
)
from patients.models import Consent, Episode, IntakeAssessment
from patients.models.intake import ICD10_CODE, intake_steps, missing_steps
from patients.services import admission_missing


class DiagnosisSerializer(strict.Serializer):
    code = serializers.CharField(max_length=10)
    description = serializers.CharField(max_length=300, allow_blank=True, required=False)

    def validate_code(self, value):
        code = value.strip().upper()
        if not ICD10_CODE.match(code):
            raise serializers.ValidationError(f"Not an ICD-10 code: {value}.")
        return code


ASAM = {"min_value": 0, "max_value": 4, "required": False, "allow_null": True}


class AssessmentSerializer(strict.ModelSerializer):
    episode = serializers.PrimaryKeyRelatedField(queryset=Episode.objects.all())
    diagnoses = DiagnosisSerializer(many=True, required=False)
    asam_d1 = serializers.IntegerField(**ASAM)
    asam_d2 = serializers.IntegerField(**ASAM)
    asam_d3 = serializers.IntegerField(**ASAM)
    asam_d4 = serializers.IntegerField(**ASAM)
    asam_d5 = serializers.IntegerField(**ASAM)
    asam_d6 = serializers.IntegerField(**ASAM)
    primary_clinician = ClinicianField(
        required=False,
        allow_null=True,
        write_only=True,
        help_text="Assigns the episode's primary clinician.",
    )
    missing_sections = serializers.SerializerMethodField()
    confirmed_by = UserRefSerializer(read_only=True, allow_null=True)
    admission_needs = serializers.SerializerMethodField()

    class Meta:
        model = IntakeAssessment
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "episode",
            "patient",
            "status",
            "current_step",
            "presenting_problem",
            "psychiatric_history",
            "medical_history",
            "medications",
            "substance_use",
            "trauma_history",
            "family_social",
            "support_system",
            "strengths",
            "barriers",
            "client_goals",
            "risk_level",
            "risk_assessment",
            "diagnoses",
            "asam_d1",
            "asam_d2",
            "asam_d3",
            "asam_d4",
            "asam_d5",
            "asam_d6",
            "recommended_level_of_care",
            "level_of_care_rationale",
            "primary_clinician",
            "missing_sections",
            "started_at",
            "updated_at",
            "completed_at",
            "confirmed_by",
            "confirmed_at",
            "admission_needs",
        ]
        read_only_fields = [
            "patient",
            "status",
            "current_step",
            "started_at",
            "updated_at",
            "completed_at",
            "confirmed_by",
            "confirmed_at",
        ]

    # A list's rows (`RowsListSerializer`): a page of values (`list_values`).
    value_getters = {
        "diagnoses": "diagnoses_of",
        "missing_sections": "missing_sections_of",
        "confirmed_by": "confirmed_by_of",
        "admission_needs": "admission_needs_of",
    }

    def diagnoses_of(self, row):
        """The stored diagnoses as `DiagnosisSerializer` gives them: the code, then the
        description where one is stored, in that order. Anything but text in them is read
        by DRF, as before."""
        stored = row["diagnoses"]
        shown = []
        for diagnosis in stored or ():
            if type(diagnosis) is not dict or not all(type(v) is str for v in diagnosis.values()):
                return self.fields["diagnoses"].to_representation(stored)
            entry = {"code": diagnosis["code"]}
            if "description" in diagnosis:
                entry["description"] = diagnosis["description"]
            shown.append(entry)
        return shown if stored is not None else None

    def missing_sections_of(self, row):
        """`get_missing_sections` from the row's values (its "primary_clinician" is the
        episode's, as `IntakeAssessment._value` reads it)."""
        steps = missing_steps(intake_steps(row["episode_is_sud"]), row.__getitem__)
        return [step.title for step in steps]

    confirmed_by_of = partial(user_ref_of, path="confirmed_by")

    def admission_needs_of(self, row):
        """`get_admission_needs` from the row's values: the episode and the assessment that
        the admission rule reads are built from them, for an episode at intake only."""
        if row["episode_status"] != Episode.Status.INTAKE:
            return {}
        episode = _holding(
            Episode,
            id=row["episode"],
            patient_id=row["patient"],
            status=row["episode_status"],
            primary_clinician_id=row["primary_clinician"],
            is_sud=row["episode_is_sud"],
            part2_refusal_reason=row["episode_part2_refusal_reason"],
        )
        assessment = _holding(
            IntakeAssessment, status=row["status"], confirmed_at=row["confirmed_at"]
        )
        return admission_missing(
            episode,
            assessment,
            completing=not assessment.is_completed,
            consent_kinds=self._page_consent_kinds(row["patient"]),
        )

    def _page_consent_kinds(self, patient_id):
        """The patient's consent kinds in force, read once for the listed page's patients at
        intake."""
        known = self.context.get("consent_kinds_in_force")
        if known is None:
            page = self.parent.instance if self.parent is not None else ()
            at_intake = {r["patient"] for r in page if r["episode_status"] == Episode.Status.INTAKE}
            known = Consent.objects.kinds_in_force(at_intake | {patient_id})
            self.context["consent_kinds_in_force"] = known
        return known[patient_id]

    def get_missing_sections(self, obj) -> list[str]:
        return [step.title for step in obj.missing_sections()]

    def get_admission_needs(self, obj) -> dict[str, str]:
        """What admission still needs besides the sections (empty once admitted)."""
        if obj.episode.status != Episode.Status.INTAKE:
            return {}
        return admission_missing(obj.episode, obj, completing=not obj.is_completed)

    def validate_episode(self, episode):
        user = self.context["request"].user
        if not Episode.objects.for_user(user).filter(pk=episode.pk).exists():
            raise serializers.ValidationError("No such episode.")
        if self.instance is not None and episode != self.instance.episode:
            raise serializers.ValidationError("An assessment stays with its episode.")
        return episode


def _holding(model, **values):
    """A `model` instance holding `values` (by column attribute name) and nothing else, as
    `.only()` reads one (`Model.from_db`): the admission rule reads these of an intake row's
    episode and assessment. Built with every field's default instead (`Model(**values)`), the
    two cost ~0.1 ms a row, ~3 ms for an intake coordinator's page of 200."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(None, names, [values[name] for name in names])


# A list's row (`AssessmentSerializer.value_getters`): besides the serializer's columns, what the
# sections and the admission rule read of the episode, and the confirming user's names.
ROW_EXPRESSIONS = {
    "primary_clinician": F("episode__primary_clinician"),
    "episode_status": F("episode__status"),
    "episode_is_sud": F("episode__is_sud"),
    "episode_part2_refusal_reason": F("episode__part2_refusal_reason"),
    **user_ref_columns("confirmed_by"),
}


def list_values(assessments):
    """`assessments` read as a list's rows: one dict of plain values each (`value_getters`)."""
    return values_of(assessments, AssessmentSerializer, **ROW_EXPRESSIONS)
