"""The plans API's progress entries and plan reviews (the module docstring of
plans/api/views.py holds for them: clinical, scoped through `Patient.objects.for_user`, every
write through `plans.services`)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action

from iop.api.pagination import CursorPagination
from iop.api.viewsets import IOPViewSet
from patients.api.serializers import user_ref_unread
from plans import services
from plans.api import serializers as s
from plans.models import PlanReview, ProgressEntry


class ProgressViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """Progress entries on objectives of the active plan (session notes and reviews write them
    too). Filter by `lineage` for one objective across plan versions."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = ProgressEntry.objects.select_related("recorded_by")
    serializer_class = s.ProgressEntrySerializer
    patient_path = "patient"
    filterset_fields = ["objective", "patient", "lineage", "review"]
    # A list that grows with every note and review: newest first, a page at a time by cursor.
    pagination_class = CursorPagination
    cursor_ordering = ("-recorded_at", "-pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.progress_record(
            objective=data["objective"],
            rating=data["rating"],
            note=data.get("note", ""),
            session_ref=data.get("session_ref"),
            user=self.request.user,
            context=self.audit_context,
        )


class ReviewViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """Plan reviews. POST {plan} opens (or returns) the active plan's review for its next due
    date, pre-filled with what the system knows; `complete` records ratings and the decision."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = PlanReview.objects.select_related("opened_by", "completed_by").prefetch_related(
        Prefetch("progress", ProgressEntry.objects.select_related("recorded_by"))
    )
    serializer_class = s.ReviewSerializer
    patient_path = "patient"
    list_by_index = True  # by due date (PlanReview.Meta.ordering; indexed)
    filterset_fields = ["plan", "patient", "status"]
    conflict_actions = ("create", "complete")

    def get_queryset(self):
        reviews = super().get_queryset()
        if self.action == "list":
            # The users as `UserRefSerializer` reads them; the progress as a plain list.
            entries = ProgressEntry.objects.select_related("recorded_by")
            return (
                reviews.defer(*user_ref_unread("opened_by", "completed_by"))
                .prefetch_related(None)
                .prefetch_related(Prefetch("progress", entries, to_attr="progress_entries"))
            )
        return reviews

    def scope_to_patients(self, queryset, readable):
        # Unordered: the patients' default order made PostgreSQL sort them all by name.
        return super().scope_to_patients(queryset, readable.order_by())

    def perform_create(self, serializer):
        serializer.instance = services.review_open(
            plan=serializer.validated_data["plan"],
            user=self.request.user,
            context=self.audit_context,
        )

    @extend_schema(request=s.CompleteReviewSerializer, responses=s.ReviewSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Record progress per objective, a summary and the decision; the next review is
        scheduled."""
        payload = s.CompleteReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        review = services.review_complete(
            review=self.get_object(),
            decision=data["decision"],
            summary=data["summary"],
            ratings={r["objective"]: (r["rating"], r["comment"]) for r in data.get("ratings", [])},
            user=request.user,
            context=self.audit_context,
        )
        return self.respond(s.ReviewSerializer, review)
