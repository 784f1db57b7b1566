"""The safety plan and aftercare plan API (kept apart from `plans.api.views`, which re-exports
it, to keep that module short)."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action

from iop.api.rows import CountedValues, values_of
from iop.api.viewsets import IOPViewSet, ShapedListModelMixin
from patients.api.serializers import user_ref_columns
from plans import services
from plans.api import safety_serializers as s
from plans.models import (
    AftercarePlan,
    SafetyPlan,
)

REVISION_PARAM = OpenApiParameter(
    "revision",
    int,
    required=False,
    description="The plan's revision the client last saw; if someone saved the draft since, "
    "the removal is refused with 409.",
)


class SafetyPlanViewSet(
    ShapedListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """Stanley–Brown safety plans, versioned like treatment plans. POST {patient} starts (or
    returns) the draft, pre-filled from the active version; PATCH edits the draft's sections;
    `activate` signs it with the patient's acknowledgement."""

    queryset = SafetyPlan.objects.select_related("signed_by").order_by("patient", "-version")
    serializer_class = s.SafetyPlanSerializer
    patient_path = "patient"
    filterset_fields = ["patient", "episode", "status"]
    conflict_actions = ("create", "partial_update", "activate")

    def perform_create(self, serializer):
        serializer.instance = services.safety_plan_start(
            patient=serializer.validated_data["patient"],
            user=self.request.user,
            context=self.audit_context,
        )

    @extend_schema(request=s.SafetyPlanUpdateSerializer, responses=s.SafetyPlanSerializer)
    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        payload = s.SafetyPlanUpdateSerializer(plan, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        plan = services.safety_plan_update(
            plan=plan,
            data=data,
            revision=data.pop("revision", None),
            user=request.user,
            context=self.audit_context,
        )
        return self.respond(s.SafetyPlanSerializer, plan)

    @extend_schema(request=s.SafetyActivateSerializer, responses=s.SafetyPlanSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Sign the draft; the active version it replaces is superseded."""
        payload = s.SafetyActivateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plan = services.safety_plan_activate(
            plan=self.get_object(),
            user=request.user,
            context=self.audit_context,
            **payload.validated_data,
        )
        return self.respond(s.SafetyPlanSerializer, plan)


class AftercareViewSet(
    ShapedListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """Aftercare (discharge) plans, one per episode: required before the episode is discharged
    through `episodes/{id}/transition/`. POST for an episode that has one updates it."""

    queryset = AftercarePlan.objects.select_related("created_by").order_by("-updated_at", "-pk")
    serializer_class = s.AftercareSerializer
    patient_path = "patient"
    filterset_fields = ["episode", "patient", "step_down_level"]

    def get_queryset(self):
        plans = super().get_queryset()
        if self.action == "list":  # read as values: `paginate_queryset`
            return plans.select_related(None)
        return plans

    def list_source(self, queryset):
        """A page's rows as plain values, with their authors' names (`user_ref_columns`): 200
        plans and their authors built as instances cost more CPU than the page's SQL. The
        count is of the plans alone (`CountedValues`)."""
        rows = values_of(queryset, s.AftercareSerializer, **user_ref_columns("created_by"))
        return CountedValues(rows, counted=queryset)

    def shown_patient_ids(self, objects, rows):
        if self.action != "list":
            return super().shown_patient_ids(objects, rows)
        return [row["patient"] for row in objects]

    @extend_schema(responses={201: s.AftercareSerializer, 200: s.AftercareSerializer})
    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        episode = data.pop("episode")
        created = not AftercarePlan.objects.filter(episode=episode).exists()
        aftercare = services.aftercare_save(
            episode=episode, data=data, user=request.user, context=self.audit_context
        )
        return self.respond(
            s.AftercareSerializer,
            aftercare,
            status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def partial_update(self, request, *args, **kwargs):
        aftercare = self.get_object()
        payload = self.get_serializer(aftercare, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if "episode" in data and data.pop("episode") != aftercare.episode:
            raise ValidationError({"episode": "An aftercare plan stays with its episode."})
        aftercare = services.aftercare_save(
            episode=aftercare.episode, data=data, user=request.user, context=self.audit_context
        )
        return self.respond(s.AftercareSerializer, aftercare)
