"""The plans API: clinical (supervisors and the care team); the same rules as the pages.

A signed (non-draft) version answers 409 to any change (`NotADraftError`), and so does a change
sent with a stale `revision` (`StaleEditError`); service ValidationErrors are 400s.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from iop.accounts.roles import Role
from iop.audit.mixins import AuditedViewSetMixin
from patients.models import Patient
from plans import services
from plans.api import serializers as s
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
from plans.views import plan_tree

CLINICAL = (Role.SUPERVISOR, Role.CLINICIAN)


def readable(user):
    return Patient.objects.for_user(user).values("pk")


def revision_of(data):
    return data.pop("revision", None)


class ClinicalViewSet(AuditedViewSetMixin, viewsets.GenericViewSet):
    allowed_roles = CLINICAL
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    patient_path = "patient"

    def get_queryset(self):
        return self.queryset.filter(**{f"{self.patient_path}__in": readable(self.request.user)})


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, ClinicalViewSet):  # fmt: skip
    """Treatment plan versions. POST {episode} starts (or returns) the draft; `activate` signs
    it with the patient's acknowledgement; `revise` makes a new draft from the active plan."""

    queryset = TreatmentPlan.objects.select_related("signed_by").order_by("episode", "-version")
    serializer_class = s.PlanSerializer
    filterset_fields = ["patient", "episode", "status"]

    def get_serializer_class(self):
        return s.PlanListSerializer if self.action == "list" else s.PlanSerializer

    def get_object(self):
        plan = super().get_object()
        plan.tree = plan_tree(plan)
        return plan

    def perform_create(self, serializer):
        serializer.instance = services.plan_start(
            episode=serializer.validated_data["episode"], user=self.request.user,
            request=self.request,
        )  # fmt: skip
        serializer.instance.tree = plan_tree(serializer.instance)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("episode", None)
        plan = services.plan_update(plan=serializer.instance, data=data,
                                    revision=revision_of(data), user=self.request.user,
                                    request=self.request)  # fmt: skip
        plan.tree = plan_tree(plan)
        serializer.instance = plan

    @extend_schema(request=s.ActivateSerializer, responses=s.PlanSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        payload = s.ActivateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plan = services.plan_activate(plan=self.get_object(), user=request.user,
                                      request=request, **payload.validated_data)  # fmt: skip
        plan.tree = plan_tree(plan)
        return Response(s.PlanSerializer(plan, context={"request": request}).data)

    @extend_schema(request=None, responses={201: s.PlanSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        draft = services.plan_revise(plan=self.get_object(), user=request.user, request=request)
        draft.tree = plan_tree(draft)
        return Response(s.PlanSerializer(draft, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)  # fmt: skip


class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, mixins.DestroyModelMixin, ClinicalViewSet):  # fmt: skip
    """Shared by problems, goals, objectives and interventions: changes go to the draft only.
    DELETE takes the plan's `revision` as a query parameter."""

    parent = ""

    def add(self, parent, data, revision):
        raise NotImplementedError

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        revision = revision_of(data)
        parent = data.pop(self.parent)
        serializer.instance = self.add(parent, data, revision)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        revision = revision_of(data)
        if self.parent in data and data.pop(self.parent) != getattr(
            serializer.instance, self.parent
        ):
            raise ValidationError({self.parent: "An item stays where it is; remove and add it."})
        serializer.instance = services.item_update(item=serializer.instance, data=data,
                                                   revision=revision, user=self.request.user,
                                                   request=self.request)  # fmt: skip

    def perform_destroy(self, instance):
        services.item_remove(item=instance, revision=self.request.query_params.get("revision"),
                             user=self.request.user, request=self.request)  # fmt: skip

    @extend_schema(parameters=[OpenApiParameter("revision", int, required=False)])
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)


class ProblemViewSet(ItemViewSet):
    queryset = Problem.objects.prefetch_related("goals__objectives__interventions")
    serializer_class = s.ProblemSerializer
    patient_path = "plan__patient"
    parent = "plan"
    filterset_fields = ["plan"]

    def add(self, parent, data, revision):
        return services.problem_add(plan=parent, data=data, revision=revision,
                                    user=self.request.user, request=self.request)  # fmt: skip


class GoalViewSet(ItemViewSet):
    queryset = Goal.objects.prefetch_related("objectives__interventions")
    serializer_class = s.GoalSerializer
    patient_path = "problem__plan__patient"
    parent = "problem"
    filterset_fields = ["problem", "status"]

    def add(self, parent, data, revision):
        return services.goal_add(problem=parent, data=data, revision=revision,
                                 user=self.request.user, request=self.request)  # fmt: skip


class ObjectiveViewSet(ItemViewSet):
    queryset = Objective.objects.select_related("goal__problem__plan__episode").prefetch_related(
        "interventions"
    )
    serializer_class = s.ObjectiveSerializer
    patient_path = "goal__problem__plan__patient"
    parent = "goal"
    filterset_fields = ["goal", "measure_instrument"]

    def get_object(self):
        objective = super().get_object()
        plan = objective.goal.problem.plan
        objective.measured = services.measure_progress(plan, [objective]).get(objective.pk)
        return objective

    def add(self, parent, data, revision):
        return services.objective_add(goal=parent, data=data, revision=revision,
                                      user=self.request.user, request=self.request)  # fmt: skip


class InterventionViewSet(ItemViewSet):
    queryset = Intervention.objects.select_related("responsible")
    serializer_class = s.InterventionSerializer
    patient_path = "objective__goal__problem__plan__patient"
    parent = "objective"
    filterset_fields = ["objective", "modality"]

    def add(self, parent, data, revision):
        return services.intervention_add(
            objective=parent,
            data=data,
            revision=revision,
            user=self.request.user,
            request=self.request,
        )


class ProgressViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      ClinicalViewSet):  # fmt: skip
    """Progress entries on objectives (sessions write them from notes; reviews too)."""

    queryset = ProgressEntry.objects.select_related("recorded_by")
    serializer_class = s.ProgressEntrySerializer
    filterset_fields = ["objective", "patient", "lineage"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        objective = data["objective"]
        if objective.goal.problem.plan.status != TreatmentPlan.Status.ACTIVE:
            raise ValidationError({"objective": "Progress is recorded on the active plan."})
        serializer.instance = services.progress_record(
            objective=objective, rating=data["rating"], note=data.get("note", ""),
            session_ref=data.get("session_ref"), user=self.request.user, request=self.request,
        )  # fmt: skip


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    ClinicalViewSet):  # fmt: skip
    """Plan reviews. POST {plan} opens (or returns) the review for the next due date, pre-filled;
    `complete` records ratings per objective and the decision."""

    queryset = PlanReview.objects.select_related("completed_by").prefetch_related("progress")
    serializer_class = s.ReviewSerializer
    filterset_fields = ["plan", "patient", "status"]

    def perform_create(self, serializer):
        serializer.instance = services.review_open(
            plan=serializer.validated_data["plan"], user=self.request.user, request=self.request
        )

    @extend_schema(request=s.CompleteReviewSerializer, responses=s.ReviewSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        payload = s.CompleteReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        review = services.review_complete(
            review=self.get_object(), decision=data["decision"], summary=data["summary"],
            ratings={r["objective"]: (r["rating"], r["comment"]) for r in data.get("ratings", [])},
            user=request.user, request=request,
        )  # fmt: skip
        return Response(s.ReviewSerializer(review, context={"request": request}).data)


class SafetyPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, ClinicalViewSet):  # fmt: skip
    """Stanley–Brown safety plans, versioned. POST {patient} starts (or returns) the draft."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = SafetyPlan.objects.select_related("signed_by")
    serializer_class = s.SafetyPlanSerializer
    filterset_fields = ["patient", "status"]

    def perform_create(self, serializer):
        serializer.instance = services.safety_plan_start(
            patient=serializer.validated_data["patient"], user=self.request.user,
            request=self.request,
        )  # fmt: skip

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("patient", None)
        serializer.instance = services.safety_plan_update(
            plan=serializer.instance, data=data, revision=revision_of(data),
            user=self.request.user, request=self.request,
        )  # fmt: skip

    @extend_schema(request=s.SafetyActivateSerializer, responses=s.SafetyPlanSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        payload = s.SafetyActivateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plan = services.safety_plan_activate(
            plan=self.get_object(), user=request.user, request=request, **payload.validated_data
        )
        return Response(s.SafetyPlanSerializer(plan, context={"request": request}).data)


class AftercareViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       mixins.UpdateModelMixin, ClinicalViewSet):  # fmt: skip
    """Aftercare plans: required before an episode is discharged (episodes/{id}/transition)."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = AftercarePlan.objects.all()
    serializer_class = s.AftercareSerializer
    filterset_fields = ["episode", "patient"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        episode = data.pop("episode")
        serializer.instance = services.aftercare_save(episode=episode, data=data,
                                                      user=self.request.user,
                                                      request=self.request)  # fmt: skip

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("episode", None)
        serializer.instance = services.aftercare_save(episode=serializer.instance.episode,
                                                      data=data, user=self.request.user,
                                                      request=self.request)  # fmt: skip
