"""The plans API: clinical (supervisors and the care team); the same rules as the pages.

Plan content is clinical: intake coordinators and admins get 403, and every QuerySet is scoped
through `Patient.objects.for_user`, so a clinician off the care team gets 404 (and an id of such
an object in a body "does not exist"). Every write goes through `plans.services`: a change to a
signed (non-draft) version answers 409 (`NotADraftError`), and so does one sent with a stale
`revision` (`StaleEditError`); a service's ValidationError is a 400 with field errors. Nothing is
PUT; only an item of a draft is deleted. Reads are audited by `AuditedViewSetMixin`.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, Subquery
from django.db.models.lookups import In
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from iop.accounts.roles import Role
from iop.api.counted import page_values
from iop.api.filters import FilterSet, IdFilter
from iop.api.pagination import CursorPagination
from iop.api.rows import values_of
from iop.api.viewsets import IOPViewSet, ShapedListModelMixin
from iop.ids import in_ids
from patients.api.serializers import user_ref_columns
from patients.querysets import IsTrue, ways_in
from plans import services
from plans.api import serializers as s
from plans.models import (
    Goal,
    Intervention,
    Objective,
    Problem,
    TreatmentPlan,
)
from plans.selectors import decorate_items, plan_of, plan_tree

REVISION_PARAM = OpenApiParameter(
    "revision",
    int,
    required=False,
    description="The plan's revision the client last saw; if someone saved the draft since, "
    "the removal is refused with 409.",
)


def plan_filterset(model, plan_path, fields):
    """A FilterSet with a `plan` filter for an item that hangs off a plan through `plan_path`."""
    attrs = {
        "plan": IdFilter(field_name=plan_path, help_text="A treatment plan's id."),
        "Meta": type("Meta", (), {"model": model, "fields": fields}),
    }
    return type(f"{model.__name__}FilterSet", (FilterSet,), attrs)


def optional_revision(value):
    """A `revision` query parameter: an integer, or None when left out."""
    if value in (None, ""):
        return None
    try:
        return serializers.IntegerField(min_value=0).run_validation(value)
    except serializers.ValidationError as exc:
        raise serializers.ValidationError({"revision": exc.detail}) from exc


class PlanViewSet(ShapedListModelMixin, IOPViewSet):
    """Treatment plan versions: `draft → active → superseded`, or `closed` at discharge.

    POST {episode} starts the episode's plan (or returns its draft, or revises the active
    plan); PATCH changes the draft's summary; `activate` signs the draft with the patient's
    acknowledgement; `revise` makes a new draft from the active plan. A list shows the versions;
    a plan's problems → goals → objectives → interventions come with GET of one plan.
    """

    queryset = TreatmentPlan.objects.select_related("signed_by", "episode").order_by(
        "episode", "-version"
    )
    serializer_class = s.PlanSerializer
    patient_path = "patient"
    filterset_fields = ["patient", "episode", "status"]
    conflict_actions = ("create", "partial_update", "activate", "revise")

    def get_queryset(self):
        plans = super().get_queryset()
        if self.action == "list":
            # Read as values (`paginate_queryset`), where "episode" names the selected id:
            # the episode's own order (`Episode.Meta.ordering`) is spelled out.
            return plans.select_related(None).order_by(
                "-episode__referral_date", "-episode__pk", "-version"
            )
        return plans

    def list_source(self, queryset):
        """A page's rows as plain values, with the signer's names (`user_ref_columns`): 200
        plans and their signers built as instances cost more CPU than the page's SQL. The
        count is of the plans alone, or, for a clinician, with the page (`page_values`)."""
        rows = values_of(queryset, s.PlanListSerializer, **user_ref_columns("signed_by"))
        return page_values(self, rows, counted=queryset)

    def shown_patient_ids(self, objects, rows):
        if self.action != "list":
            return super().shown_patient_ids(objects, rows)
        return [row["patient"] for row in objects]

    def walks_episodes(self):
        """A supervisor's list (about half of every plan) walks the episodes in its order
        (`episode_referral_order`) testing each one's patient, the plan's own (the services
        copy it), and stops when the page is full: testing the plan's joined and sorted
        ~6,400 visible plans. A clinician's few patients are found faster by that join."""
        return self.action == "list" and self.request.user.has_role(Role.SUPERVISOR)

    def readable_patients(self):
        if self.walks_episodes():
            # The ways in themselves, not the patient rows they lead to (`ways_in`). Not for a
            # clinician: their page then read every plan (a hash join) instead of their
            # patients' plans by index, twice the time for 500 buffers fewer.
            return ways_in(self.request.user, now=self.now).order_by()
        return super().readable_patients()

    def scope_to_patients(self, queryset, readable):
        if self.walks_episodes():
            return queryset.filter(IsTrue(In(F("episode__patient"), readable)))
        return super().scope_to_patients(queryset, readable)

    def get_serializer_class(self):
        return s.PlanListSerializer if self.action == "list" else s.PlanSerializer

    @staticmethod
    def with_tree(plan):
        """The plan with its problems → goals → objectives → interventions attached."""
        plan.tree = plan_tree(plan)
        return plan

    def present(self, plan, status_code=status.HTTP_200_OK):
        return self.respond(s.PlanSerializer, self.with_tree(plan), status_code)

    def retrieve(self, request, *args, **kwargs):
        return self.present(self.get_object())

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plan = services.plan_start(
            episode=payload.validated_data["episode"], user=request.user, context=self.audit_context
        )
        return self.present(plan, status.HTTP_201_CREATED)

    @extend_schema(request=s.PlanUpdateSerializer, responses=s.PlanSerializer)
    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        payload = s.PlanUpdateSerializer(plan, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        plan = services.plan_update(
            plan=plan,
            data=data,
            revision=data.pop("revision", None),
            user=request.user,
            context=self.audit_context,
        )
        return self.present(plan)

    @extend_schema(request=s.ActivateSerializer, responses=s.PlanSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Sign the draft: it needs a goal and the patient's acknowledgement. The plan it
        revises is superseded and the next review is scheduled."""
        payload = s.ActivateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plan = services.plan_activate(
            plan=self.get_object(),
            user=request.user,
            context=self.audit_context,
            **payload.validated_data,
        )
        return self.present(plan)

    @extend_schema(request=None, responses={201: s.PlanSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """A new draft version pre-filled from the active plan (or the draft already open)."""
        draft = services.plan_revise(
            plan=self.get_object(), user=request.user, context=self.audit_context
        )
        return self.present(draft, status.HTTP_201_CREATED)


class ItemViewSet(mixins.ListModelMixin, IOPViewSet):
    """Shared by problems, goals, objectives and interventions: only a draft's items change.

    Each write takes the plan's `revision` the client last saw (in the body; for DELETE as a
    query parameter) and each answer carries the plan's revision after it.

    A list is flat: each row carries the items one level under it as ids (the item itself and
    the plan carry the tree), by parent then position, a page at a time with a cursor.
    """

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    parent = ""
    conflict_actions = ("create", "partial_update", "destroy")
    pagination_class = CursorPagination
    # The list's serializer (children as ids) and what it reads: the path to the plan's
    # revision (the one column of the plan a row shows, over the joins the patient filter
    # makes anyway) and (name, QuerySet) of the children's ids (ordered here: their default
    # order joins up to the episode).
    list_serializer_class = None
    revision_path = ""
    list_children = None

    def get_serializer_class(self):
        if self.action == "list" and self.list_serializer_class:
            return self.list_serializer_class
        return super().get_serializer_class()

    def walks_rows(self):
        """A supervisor's list (their programs' patients: about half of every plan) is read
        in the index's (parent, position, id) order, each row's patient and plan revision
        read through its parent by primary keys (`parent_value`), until the page is full;
        joining every item up to its plan to test the patient first, then sorting, cost
        45 ms for a page of 200 objectives. A clinician's few patients are found faster
        the other way (the join), as a row walk would pass over most items to fill a page."""
        return self.action == "list" and self.request.user.has_role(Role.SUPERVISOR)

    def parent_value(self, path):
        """The value at `path` (from this model) of each row, read from the parent row: a
        subquery by the parent's primary key."""
        parent = self.queryset.model._meta.get_field(self.parent)
        rest = path.split("__", 1)[1]
        rows = parent.related_model._base_manager.filter(pk=OuterRef(parent.attname))
        return Subquery(rows.order_by().values(rest)[:1])

    def scope_to_patients(self, queryset, readable):
        if self.walks_rows():
            patient = self.parent_value(self.patient_path)
            return queryset.filter(IsTrue(In(patient, readable.order_by())))
        return super().scope_to_patients(queryset, readable)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            return queryset
        # Ordered by the parent's id (not the parent, whose default order joins the plan's
        # episode): the cursor walks the (parent, position, id) order without a sort of
        # every visible item. The row's patient, for the audit trail, is read the way its
        # plan's revision is (`shown_patient_ids`), not by a query of its own for the page's ids.
        queryset = queryset.select_related(None).prefetch_related(None)
        read = self.parent_value if self.walks_rows() else F
        queryset = queryset.annotate(
            plan_revision=read(self.revision_path), shown_patient_id=read(self.patient_path)
        )
        return queryset.order_by(*self.cursor_ordering)

    def shown_patient_ids(self, objects, rows):
        if self.action != "list":
            return super().shown_patient_ids(objects, rows)
        return [row.shown_patient_id for row in objects]

    def paginate_queryset(self, queryset):
        """A list's page, each row with `child_ids`: its children's ids in order, read as
        values in one query for the page (its ids one parameter, `in_ids`; no model instance
        per child)."""
        page = super().paginate_queryset(queryset)
        if page and self.list_children:  # an empty page reads no children (no query)
            name, children = self.list_children
            parent_id = queryset.model._meta.get_field(name).field.attname
            ids = defaultdict(list)
            for parent, pk in (
                children.filter(in_ids(parent_id, [row.pk for row in page]))
                .order_by("position", "pk")
                .values_list(parent_id, "pk")
            ):
                ids[parent].append(pk)
            for row in page:
                row.child_ids = ids[row.pk]
        return page

    def add(self, parent, data, revision):
        raise NotImplementedError

    def get_object(self):
        item = super().get_object()
        # Items hold no patient of their own; the audit trail records the plan's.
        item.audit_patient_id = plan_of(item).patient_id
        return item

    def present(self, item, status_code=status.HTTP_200_OK, *, reload=True):
        if reload:  # after a write: the item as stored, with the plan's new revision
            item = self.get_queryset().get(pk=item.pk)
        decorate_items([item], measures=True)
        return self.respond(self.get_serializer_class(), item, status_code)

    def retrieve(self, request, *args, **kwargs):
        return self.present(self.get_object(), reload=False)

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        revision = data.pop("revision", None)
        item = self.add(data.pop(self.parent), data, revision)
        return self.present(item, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        payload = self.get_serializer(item, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        revision = data.pop("revision", None)
        if self.parent in data and data.pop(self.parent) != getattr(item, self.parent):
            raise ValidationError(
                {
                    self.parent: "An item stays where it is; remove it and add "
                    "it again where it belongs."
                }
            )
        item = services.item_update(
            item=item, data=data, revision=revision, user=request.user, context=self.audit_context
        )
        return self.present(item)

    @extend_schema(parameters=[REVISION_PARAM], responses={204: None})
    def destroy(self, request, *args, **kwargs):
        """Remove the item, and what hangs under it, from a draft."""
        item = self.get_object()
        revision = optional_revision(request.query_params.get("revision"))
        services.item_remove(
            item=item, revision=revision, user=request.user, context=self.audit_context
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProblemViewSet(ItemViewSet):
    """Problems of a plan, with their goals → objectives → interventions."""

    queryset = (
        Problem.objects.select_related("plan__episode")
        .prefetch_related("goals__objectives__interventions")
        .order_by("plan", "position", "pk")
    )
    serializer_class = s.ProblemSerializer
    patient_path = "plan__patient"
    parent = "plan"
    list_serializer_class = s.ProblemListSerializer
    revision_path = "plan__revision"
    list_children = ("goals", Goal.objects.only("pk", "problem_id"))
    cursor_ordering = ("plan_id", "position", "pk")
    filterset_fields = ["plan"]

    def add(self, parent, data, revision):
        return services.problem_add(
            plan=parent,
            data=data,
            revision=revision,
            user=self.request.user,
            context=self.audit_context,
        )


class GoalViewSet(ItemViewSet):
    """Goals, in the client's words, with their objectives → interventions."""

    queryset = (
        Goal.objects.select_related("problem__plan__episode")
        .prefetch_related("objectives__interventions")
        .order_by("problem", "position", "pk")
    )
    serializer_class = s.GoalSerializer
    patient_path = "problem__plan__patient"
    parent = "problem"
    list_serializer_class = s.GoalListSerializer
    revision_path = "problem__plan__revision"
    list_children = ("objectives", Objective.objects.only("pk", "goal_id"))
    cursor_ordering = ("problem_id", "position", "pk")
    filterset_class = plan_filterset(Goal, "problem__plan", ["problem", "status"])

    def add(self, parent, data, revision):
        return services.goal_add(
            problem=parent,
            data=data,
            revision=revision,
            user=self.request.user,
            context=self.audit_context,
        )


class ObjectiveViewSet(ItemViewSet):
    """Measurable, time-bound objectives, with their progress entries and (one objective at a
    time) the progress read from the measure they are tied to."""

    queryset = (
        Objective.objects.select_related("goal__problem__plan__episode")
        .prefetch_related("interventions")
        .order_by("goal", "position", "pk")
    )
    serializer_class = s.ObjectiveSerializer
    patient_path = "goal__problem__plan__patient"
    parent = "goal"
    list_serializer_class = s.ObjectiveListSerializer
    revision_path = "goal__problem__plan__revision"
    list_children = ("interventions", Intervention.objects.only("pk", "objective_id"))
    cursor_ordering = ("goal_id", "position", "pk")
    filterset_class = plan_filterset(
        Objective, "goal__problem__plan", ["goal", "measure_instrument", "lineage"]
    )

    def add(self, parent, data, revision):
        return services.objective_add(
            goal=parent,
            data=data,
            revision=revision,
            user=self.request.user,
            context=self.audit_context,
        )


class InterventionViewSet(ItemViewSet):
    """Interventions: a modality, a frequency and the responsible staff member."""

    queryset = Intervention.objects.select_related("objective__goal__problem__plan").order_by(
        "objective", "position", "pk"
    )
    serializer_class = s.InterventionSerializer
    patient_path = "objective__goal__problem__plan__patient"
    parent = "objective"
    revision_path = "objective__goal__problem__plan__revision"
    cursor_ordering = ("objective_id", "position", "pk")
    filterset_class = plan_filterset(
        Intervention, "objective__goal__problem__plan", ["objective", "modality", "responsible"]
    )

    def add(self, parent, data, revision):
        return services.intervention_add(
            objective=parent,
            data=data,
            revision=revision,
            user=self.request.user,
            context=self.audit_context,
        )


from plans.api.reviews import ProgressViewSet as ProgressViewSet  # noqa: E402
from plans.api.reviews import ReviewViewSet as ReviewViewSet  # noqa: E402
from plans.api.safety import AftercareViewSet as AftercareViewSet  # noqa: E402
from plans.api.safety import SafetyPlanViewSet as SafetyPlanViewSet  # noqa: E402
