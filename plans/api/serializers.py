"""Serializers for the plans API. Every write goes through `plans.services`."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from patients.api.serializers import ClinicianField, UserRefSerializer
from patients.models import Episode, Patient
from plans.models import (
    AftercarePlan,
    Goal,
    Intervention,
    Objective,
    PlanReview,
    Problem,
    ProgressEntry,
    SafetyPlan,
    TreatmentPlan,
)


class ScopedField(serializers.PrimaryKeyRelatedField):
    """An id of an object whose patient the caller may read clinically."""

    def __init__(self, *, model, patient_path, **kwargs):
        self.model, self.patient_path = model, patient_path
        super().__init__(**kwargs)

    def get_queryset(self):
        user = self.context["request"].user
        return self.model.objects.filter(
            **{f"{self.patient_path}__in": Patient.objects.for_user(user).values("pk")}
        )


class InterventionSerializer(serializers.ModelSerializer):
    objective = ScopedField(model=Objective, patient_path="goal__problem__plan__patient")
    responsible = ClinicianField()
    revision = serializers.IntegerField(write_only=True, required=False, allow_null=True)

    class Meta:
        model = Intervention
        fields = ["id", "objective", "position", "modality", "description", "frequency",
                  "responsible", "revision"]  # fmt: skip
        read_only_fields = ["position"]


class ProgressEntrySerializer(serializers.ModelSerializer):
    objective = ScopedField(model=Objective, patient_path="goal__problem__plan__patient")
    recorded_by = UserRefSerializer(read_only=True)

    class Meta:
        model = ProgressEntry
        fields = ["id", "objective", "rating", "note", "session_ref", "review", "recorded_by",
                  "recorded_at"]  # fmt: skip
        read_only_fields = ["review", "recorded_at"]


class ObjectiveSerializer(serializers.ModelSerializer):
    goal = ScopedField(model=Goal, patient_path="problem__plan__patient")
    interventions = InterventionSerializer(many=True, read_only=True)
    measure_progress = serializers.SerializerMethodField()
    revision = serializers.IntegerField(write_only=True, required=False, allow_null=True)

    class Meta:
        model = Objective
        fields = ["id", "goal", "lineage", "position", "description", "target_date",
                  "measure_instrument", "measure_target", "measure_progress", "interventions",
                  "revision"]  # fmt: skip
        read_only_fields = ["lineage", "position"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_measure_progress(self, obj):
        """Read from the patient's real measure results (plans.services.measure_progress)."""
        progress = getattr(obj, "measured", None)
        if progress is None:
            return None
        return {k: v for k, v in progress.items() if k != "points"}


class GoalSerializer(serializers.ModelSerializer):
    problem = ScopedField(model=Problem, patient_path="plan__patient")
    objectives = ObjectiveSerializer(many=True, read_only=True)
    revision = serializers.IntegerField(write_only=True, required=False, allow_null=True)

    class Meta:
        model = Goal
        fields = ["id", "problem", "position", "client_words", "target_date", "status",
                  "objectives", "revision"]  # fmt: skip
        read_only_fields = ["position"]


class ProblemSerializer(serializers.ModelSerializer):
    plan = ScopedField(model=TreatmentPlan, patient_path="patient")
    goals = GoalSerializer(many=True, read_only=True)
    revision = serializers.IntegerField(write_only=True, required=False, allow_null=True)

    class Meta:
        model = Problem
        fields = ["id", "plan", "position", "description", "diagnosis_code", "goals",
                  "revision"]  # fmt: skip
        read_only_fields = ["position"]


class PlanSerializer(serializers.ModelSerializer):
    episode = ScopedField(model=Episode, patient_path="patient")
    problems = serializers.SerializerMethodField()
    signed_by = UserRefSerializer(read_only=True)

    class Meta:
        model = TreatmentPlan
        fields = ["id", "patient", "episode", "version", "status", "revision", "previous",
                  "summary", "signed_by", "signed_at", "patient_ack_name", "patient_ack_at",
                  "activated_at", "next_review_due", "ended_at", "close_reason", "problems",
                  "created_at", "updated_at"]  # fmt: skip
        read_only_fields = [f for f in fields if f not in ("episode", "summary", "revision")]
        extra_kwargs = {"revision": {"required": False}}

    @extend_schema_field(ProblemSerializer(many=True))
    def get_problems(self, obj):
        problems = getattr(obj, "tree", None)
        if problems is None:
            return []
        return ProblemSerializer(problems, many=True, context=self.context).data


class PlanListSerializer(PlanSerializer):
    class Meta(PlanSerializer.Meta):
        fields = [f for f in PlanSerializer.Meta.fields if f != "problems"]


class ActivateSerializer(serializers.Serializer):
    patient_ack_name = serializers.CharField(allow_blank=True)
    patient_ack_at = serializers.DateTimeField(required=False)
    revision = serializers.IntegerField(required=False, allow_null=True)


class ReviewSerializer(serializers.ModelSerializer):
    plan = ScopedField(model=TreatmentPlan, patient_path="patient")
    completed_by = UserRefSerializer(read_only=True)
    progress = ProgressEntrySerializer(many=True, read_only=True)

    class Meta:
        model = PlanReview
        fields = ["id", "plan", "patient", "due_date", "status", "period_start", "prefill",
                  "decision", "summary", "opened_at", "completed_at", "completed_by",
                  "progress"]  # fmt: skip
        read_only_fields = [f for f in fields if f != "plan"]


class RatingSerializer(serializers.Serializer):
    objective = serializers.IntegerField()
    rating = serializers.ChoiceField(choices=ProgressEntry.Rating.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CompleteReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=PlanReview.Decision.choices)
    summary = serializers.CharField()
    ratings = RatingSerializer(many=True, required=False)


class SafetyPlanSerializer(serializers.ModelSerializer):
    patient = ScopedField(model=Patient, patient_path="pk")
    signed_by = UserRefSerializer(read_only=True)

    class Meta:
        model = SafetyPlan
        fields = ["id", "patient", "episode", "version", "status", "revision",
                  *SafetyPlan.SECTIONS, "signed_by", "signed_at", "patient_ack_name",
                  "patient_ack_at", "ended_at"]  # fmt: skip
        read_only_fields = ["episode", "version", "status", "signed_by", "signed_at",
                            "patient_ack_name", "patient_ack_at", "ended_at"]  # fmt: skip
        extra_kwargs = {"revision": {"required": False}}


class SafetyActivateSerializer(serializers.Serializer):
    patient_ack_name = serializers.CharField(allow_blank=True)
    revision = serializers.IntegerField(required=False, allow_null=True)


class AftercareSerializer(serializers.ModelSerializer):
    episode = ScopedField(model=Episode, patient_path="patient")

    class Meta:
        model = AftercarePlan
        fields = ["id", "episode", "patient", "step_down_level", "follow_up_appointments",
                  "support_groups", "relapse_prevention", "medications", "crisis_resources",
                  "updated_at"]  # fmt: skip
        read_only_fields = ["patient", "updated_at"]
