"""Serializers for the plans API. Every write goes through `plans.services`.

What a serializer shows beyond the row (the plan's current revision on each item, an objective's
progress entries and measure progress) is attached to the objects by the views in a fixed number
of queries; the fallbacks here only keep a stray use correct, not fast.
"""

from functools import partial

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iop.api import strict
from iop.api.rows import RowsListSerializer
from patients.api.serializers import ClinicianField, UserRefSerializer, user_ref_of
from patients.models import Episode, Patient
from plans.models import (
    Goal,
    Intervention,
    Objective,
    PlanReview,
    Problem,
    ProgressEntry,
    TreatmentPlan,
)
from plans.selectors import plan_of


class ScopedField(serializers.PrimaryKeyRelatedField):
    """An id of an object whose patient the caller may open; any other id "does not exist"."""

    def __init__(self, *, model, patient_path, **kwargs):
        self.model, self.patient_path = model, patient_path
        super().__init__(**kwargs)

    def get_queryset(self):
        user = self.context["request"].user
        return self.model.objects.filter(
            **{f"{self.patient_path}__in": Patient.objects.for_user(user).values("pk")}
        )


REVISION_HELP = (
    "Write: the plan's revision the client last saw (optional); if someone saved the draft since, "
    "the change is refused with 409. Read: the plan's revision now."
)


class PlanRevisionField(serializers.IntegerField):
    """On an item of a plan: the plan's revision (sent back to guard against a stale save)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", REVISION_HELP)
        super().__init__(required=False, allow_null=True, min_value=0, **kwargs)

    def get_attribute(self, instance):
        revision = getattr(instance, "plan_revision", None)
        return plan_of(instance).revision if revision is None else revision


class InterventionSerializer(strict.ModelSerializer):
    objective = ScopedField(model=Objective, patient_path="goal__problem__plan__patient")
    responsible = ClinicianField(help_text="The responsible clinician or supervisor.")
    revision = PlanRevisionField()

    class Meta:
        model = Intervention
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "objective",
            "position",
            "modality",
            "description",
            "frequency",
            "responsible",
            "revision",
        ]
        read_only_fields = ["position"]


class ProgressEntrySerializer(strict.ModelSerializer):
    objective = ScopedField(model=Objective, patient_path="goal__problem__plan__patient")
    recorded_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ProgressEntry
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "objective",
            "lineage",
            "patient",
            "rating",
            "note",
            "session_ref",
            "review",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["lineage", "patient", "review", "recorded_at"]
        validators = []  # writes go through the services, which check uniqueness themselves

    # A review list's entries (`RowsListSerializer`): plain values (`ReviewViewSet`).
    value_getters = {"recorded_by": "recorded_by_of"}

    recorded_by_of = partial(user_ref_of, path="recorded_by")


class MeasureProgressSerializer(strict.Serializer):
    """Progress on a measure-tied objective, read from the patient's real results."""

    instrument = serializers.CharField(help_text="The instrument's name, e.g. PHQ-9.")
    target = serializers.IntegerField(help_text="Met when the latest total is below this.")
    baseline = serializers.IntegerField(
        allow_null=True, help_text="The first total since admission (or the last before it)."
    )
    latest = serializers.IntegerField(allow_null=True)
    latest_at = serializers.DateTimeField(allow_null=True)
    change = serializers.IntegerField(allow_null=True, help_text="Latest minus baseline.")
    met = serializers.BooleanField()
    state = serializers.CharField(
        help_text="met, not yet met, not met by the target date, or no results yet."
    )


class TargetProgressSerializer(strict.Serializer):
    """Progress on an objective's other target (e.g. negative drug screens for N weeks)."""

    label = serializers.CharField()
    weeks = serializers.IntegerField(help_text="Clean weeks so far.")
    target = serializers.IntegerField(help_text="Met at this many clean weeks.")
    since = serializers.CharField(help_text="The first clean screen of the run, or blank.")
    screens = serializers.IntegerField(help_text="Clean screens in the run.")
    met = serializers.BooleanField()
    state = serializers.CharField()
    reset = serializers.CharField(help_text="What last started the count again, or blank.")


class ObjectiveSerializer(strict.ModelSerializer):
    goal = ScopedField(model=Goal, patient_path="problem__plan__patient")
    target_options = serializers.ListField(
        child=serializers.CharField(max_length=10),
        required=False,
        max_length=30,
        help_text="Codes the other target is narrowed to (drug screens: analytes); empty: all.",
    )
    target_progress = serializers.SerializerMethodField(
        help_text="For an objective with another target, in the plan and on one objective."
    )
    interventions = InterventionSerializer(many=True, read_only=True)
    measure_progress = serializers.SerializerMethodField(
        help_text="For an objective tied to a measure, in the plan and on one objective; null "
        "in lists and for objectives without a measure."
    )
    progress = serializers.SerializerMethodField(
        help_text="Progress entries on this objective across plan versions, newest first."
    )
    measure_label = serializers.CharField(read_only=True)
    revision = PlanRevisionField()

    class Meta:
        model = Objective
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "goal",
            "lineage",
            "position",
            "description",
            "target_date",
            "measure_instrument",
            "measure_target",
            "measure_label",
            "measure_progress",
            "target_kind",
            "target_weeks",
            "target_options",
            "target_progress",
            "progress",
            "interventions",
            "revision",
        ]
        read_only_fields = ["lineage", "position"]

    @extend_schema_field(MeasureProgressSerializer(allow_null=True))
    def get_measure_progress(self, obj):
        progress = getattr(obj, "measured", None)
        return MeasureProgressSerializer(progress).data if progress else None

    @extend_schema_field(TargetProgressSerializer(allow_null=True))
    def get_target_progress(self, obj):
        progress = getattr(obj, "targeted", None)
        return TargetProgressSerializer(progress).data if progress else None

    @extend_schema_field(ProgressEntrySerializer(many=True))
    def get_progress(self, obj):
        entries = getattr(obj, "progress_entries", None)
        if entries is None:
            entries = ProgressEntry.objects.filter(lineage=obj.lineage).select_related(
                "recorded_by"
            )
        return ProgressEntrySerializer(entries, many=True, context=self.context).data


class GoalSerializer(strict.ModelSerializer):
    problem = ScopedField(model=Problem, patient_path="plan__patient")
    objectives = ObjectiveSerializer(many=True, read_only=True)
    revision = PlanRevisionField()

    class Meta:
        model = Goal
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "problem",
            "position",
            "client_words",
            "target_date",
            "status",
            "objectives",
            "revision",
        ]
        read_only_fields = ["position"]


class ProblemSerializer(strict.ModelSerializer):
    plan = ScopedField(model=TreatmentPlan, patient_path="patient")
    goals = GoalSerializer(many=True, read_only=True)
    revision = PlanRevisionField()

    class Meta:
        model = Problem
        list_serializer_class = RowsListSerializer
        fields = ["id", "plan", "position", "description", "diagnosis_code", "goals", "revision"]
        read_only_fields = ["position"]
        extra_kwargs = {
            "diagnosis_code": {"help_text": "One of the intake assessment's ICD-10 diagnoses."}
        }


CHILD_IDS_HELP = (
    "In a list, the ids of the {children} under it, in order (the item itself, or the plan, "
    "carries the whole tree; the {children}' own list gives them flat)."
)


def child_ids(children):
    """A list row's items one level down, as ids: lists are flat, one level per endpoint."""
    return serializers.ListField(
        child=serializers.IntegerField(),
        source="child_ids",  # set by the list's page (`ItemViewSet.paginate_queryset`)
        read_only=True,
        help_text=CHILD_IDS_HELP.format(children=children),
    )


class ObjectiveListSerializer(ObjectiveSerializer):
    """An objective in a list: its interventions as ids, without its progress (read one
    objective, or `progress/?lineage=`, for those)."""

    interventions = child_ids("interventions")

    class Meta(ObjectiveSerializer.Meta):
        fields = [
            f
            for f in ObjectiveSerializer.Meta.fields
            if f not in ("measure_progress", "target_progress", "progress")
        ]


class GoalListSerializer(GoalSerializer):
    """A goal in a list: its objectives as ids."""

    objectives = child_ids("objectives")


class ProblemListSerializer(ProblemSerializer):
    """A problem in a list: its goals as ids."""

    goals = child_ids("goals")


class PlanSerializer(strict.ModelSerializer):
    """A plan version with its problems → goals → objectives → interventions."""

    episode = ScopedField(model=Episode, patient_path="patient")
    problems = serializers.SerializerMethodField()
    signed_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = TreatmentPlan
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "patient",
            "episode",
            "version",
            "status",
            "revision",
            "previous",
            "summary",
            "signed_by",
            "signed_at",
            "content_hash",
            "patient_ack_name",
            "patient_ack_at",
            "activated_at",
            "next_review_due",
            "ended_at",
            "close_reason",
            "problems",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [f for f in fields if f != "episode"]
        validators = []  # writes go through the services, which check uniqueness themselves

    @extend_schema_field(ProblemSerializer(many=True))
    def get_problems(self, obj):
        problems = getattr(obj, "tree", None)
        if problems is None:
            problems = obj.problems.prefetch_related("goals__objectives__interventions")
        return ProblemSerializer(problems, many=True, context=self.context).data


class PlanListSerializer(PlanSerializer):
    """A plan version without its content: GET the plan for its problems."""

    class Meta(PlanSerializer.Meta):
        fields = [f for f in PlanSerializer.Meta.fields if f != "problems"]

    # A list's rows (`RowsListSerializer`): a page of values (`PlanViewSet`).
    value_getters = {"signed_by": "signed_by_of"}

    signed_by_of = partial(user_ref_of, path="signed_by")


class PlanUpdateSerializer(strict.ModelSerializer):
    """What may change on a draft plan itself; its items have their own endpoints."""

    revision = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, help_text=REVISION_HELP
    )

    class Meta:
        model = TreatmentPlan
        fields = ["summary", "revision"]


class ActivateSerializer(strict.Serializer):
    patient_ack_name = serializers.CharField(
        allow_blank=True, help_text="The name of the patient acknowledging the plan."
    )
    patient_ack_at = serializers.DateTimeField(
        required=False, help_text="When the patient acknowledged it; now if left out."
    )
    revision = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, help_text=REVISION_HELP
    )


class ReviewSerializer(strict.ModelSerializer):
    plan = ScopedField(model=TreatmentPlan, patient_path="patient")
    opened_by = UserRefSerializer(read_only=True, allow_null=True)
    completed_by = UserRefSerializer(read_only=True, allow_null=True)
    progress = ProgressEntrySerializer(many=True, read_only=True)
    # Blank until the review is completed (read-only fields lose the model's blank otherwise).
    decision = serializers.ChoiceField(
        choices=PlanReview.Decision.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = PlanReview
        list_serializer_class = RowsListSerializer
        fields = [
            "id",
            "plan",
            "patient",
            "due_date",
            "status",
            "period_start",
            "prefill",
            "decision",
            "summary",
            "opened_at",
            "opened_by",
            "completed_at",
            "completed_by",
            "progress",
        ]
        read_only_fields = [f for f in fields if f != "plan"]
        validators = []  # writes go through the services, which check uniqueness themselves

    # A list's page of values (`ReviewViewSet`): the users' names and the entries with it.
    value_getters = {
        "opened_by": "opened_by_of",
        "completed_by": "completed_by_of",
        "progress": "progress_values_of",
    }

    opened_by_of = partial(user_ref_of, path="opened_by")
    completed_by_of = partial(user_ref_of, path="completed_by")

    def progress_values_of(self, row):
        entries = row["progress_entries"]  # most reviews have none: no list serializer asked
        return self.fields["progress"].to_representation(entries) if entries else []


class RatingSerializer(strict.Serializer):
    objective = serializers.IntegerField(help_text="An objective of the reviewed plan.")
    rating = serializers.ChoiceField(choices=ProgressEntry.Rating.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CompleteReviewSerializer(strict.Serializer):
    decision = serializers.ChoiceField(choices=PlanReview.Decision.choices)
    summary = serializers.CharField(help_text="Progress since the last review.")
    ratings = RatingSerializer(many=True, required=False)
