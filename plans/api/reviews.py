"""The plans API's progress entries and plan reviews (the module docstring of
plans/api/views.py holds for them: clinical, scoped through `Patient.objects.for_user`, every
write through `plans.services`)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action

from iop.api.pagination import CursorPagination
from iop.api.rows import CountedValues, values_of
from iop.api.viewsets import IOPViewSet, ShapedListModelMixin
from iop.ids import in_ids
from patients.api.serializers import user_ref_columns
from patients.querysets import ways_in
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
    ShapedListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
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
        if self.action == "list":  # read as values: `paginate_queryset`
            return reviews.select_related(None).prefetch_related(None)
        return reviews

    def list_source(self, queryset):
        """A page's rows as plain values, with their users' names (`user_ref_columns`): 200
        reviews and their users built as instances cost more CPU than the page's SQL. The
        count is of the reviews alone (`CountedValues`)."""
        users = user_ref_columns("opened_by", "completed_by")
        return CountedValues(values_of(queryset, s.ReviewSerializer, **users), counted=queryset)

    def paginate_queryset(self, queryset):
        """The page (`list_source`), each review's progress entries as values too
        (`progress_entries`, in the entries' own order), read in one query for the page (its
        ids one parameter, `in_ids`: as 200 placeholders, Django prepared each id)."""
        page = super().paginate_queryset(queryset)
        if not page:  # none, or empty: no entries to read (no query)
            return page
        entries = ProgressEntry.objects.filter(in_ids("review_id", [row["id"] for row in page]))
        by_review = {row["id"]: [] for row in page}
        for entry in values_of(
            entries, s.ProgressEntrySerializer, **user_ref_columns("recorded_by")
        ):
            by_review[entry["review"]].append(entry)
        for row in page:
            row["progress_entries"] = by_review[row["id"]]
        return page

    def shown_patient_ids(self, objects, rows):
        if self.action != "list":
            return super().shown_patient_ids(objects, rows)
        return [row["patient"] for row in objects]

    def readable_patients(self):
        if self.action == "list":
            return ways_in(self.request.user, now=self.now)
        return super().readable_patients()

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
