"""The one base for every API viewset: roles, audited reads, patient scoping, audit context.

`allowed_roles` opens a viewset to roles (deny by default, `HasRequiredRole`); `action_roles`
narrows single actions before the body is read. `patient_path` scopes the QuerySet to the
patients the caller may open (`Patient.objects.for_user`), so an object of a patient off the
caller's care team is a 404. Nothing is PUT. A query parameter given twice is a 400 (none
takes a list; otherwise the last one would silently win). `conflict_actions` names the actions
whose services refuse a signed or stale record with 409 (the schema documents it there). A
list records on the audit trail one event per patient on the page it answers
(`shown_patient_ids`), in one statement.

42 CFR Part 2 (`patients.part2`): an account marked as an external integration reads only,
and never a SUD patient's records, whatever the endpoint: its lists leave them out and a
detail of one is refused (403, audited). `part2_paths` name how a viewset's rows reach their
patients (`patient_path` by default); a viewset that names none is closed to integrations.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.db.models.lookups import In
from django.utils import timezone
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from iop.accounts.roles import Role
from iop.api.shaped import ShapedSource, shaped_source
from iop.audit.mixins import AuditedViewSetMixin
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record
from patients.models import Patient
from patients.part2 import Part2Refused, only_part2, withholds_part2, without_part2
from patients.querysets import IsTrue

INTEGRATION_READS_ONLY = "An external integration account reads only."
INTEGRATION_CLOSED = "This endpoint is not open to external integration accounts."
# How many left-out rows an integration's list counts for its audit event: counting every one
# would read the whole list (every page of it) on each request; past this many the event says
# "more than" (the list was shortened by at least that many).
PART2_COUNT_LIMIT = 100


class IOPViewSet(AuditedViewSetMixin, viewsets.GenericViewSet):
    allowed_roles = Role.CLINICAL
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Narrower roles for some actions, checked before the body is read: {action: roles}.
    action_roles = {}
    # The lookup from this viewset's model to its Patient; None: the viewset scopes itself.
    patient_path = None
    # Every lookup from this viewset's model to a patient its answer shows, for the Part 2
    # rule of external integrations; None: (patient_path,).
    part2_paths = None
    # A list read in an order an index gives (the model's ordering): the patient test is a
    # filter on each row (`IsTrue`), so PostgreSQL walks the index and stops when the page is
    # full, instead of joining every visible row and sorting them all.
    list_by_index = False
    # Actions that may answer 409 (ConflictError from the service): documented in the schema.
    conflict_actions = ()
    # The request's time (`initial`); None (the clock's) for a view not dispatched (the schema).
    now = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # The request's time: who may open a patient depends on it (an emergency grant is in
        # force for its minutes), and a shaped list is built with it as a value.
        self.now = timezone.now()
        repeated = [key for key, values in request.query_params.lists() if len(values) > 1]
        if repeated:
            raise serializers.ValidationError(
                dict.fromkeys(repeated, ["Give this parameter once."])
            )
        roles = self.action_roles.get(self.action)
        if roles and not request.user.has_role(*roles):
            raise PermissionDenied("Your role does not allow this.")
        if withholds_part2(request.user):
            if request.method not in SAFE_METHODS:
                raise PermissionDenied(INTEGRATION_READS_ONLY)
            if not self.part2_lookups():
                raise PermissionDenied(INTEGRATION_CLOSED)

    def paginate_queryset(self, queryset):
        """The page of `list_source(queryset)`, or of a shaped list's rows."""
        source = queryset if isinstance(queryset, ShapedSource) else self.list_source(queryset)
        return super().paginate_queryset(source)

    def list_source(self, queryset):
        """What the paginator pages for the list of `queryset`: itself, or its page's values
        with what is counted (`iop.api.rows.CountedValues`, `iop.api.counted.page_values`)."""
        return queryset

    def part2_lookups(self):
        if self.part2_paths is not None:
            return tuple(self.part2_paths)
        return (self.patient_path,) if self.patient_path else ()

    def filter_queryset(self, queryset):
        """For an external integration, a list leaves out the rows of SUD patients (one
        audit event says how many, up to PART2_COUNT_LIMIT, never whose); a detail is
        checked in `get_object`."""
        queryset = super().filter_queryset(queryset)
        if self.detail or not withholds_part2(self.request.user):
            return queryset
        kept = without_part2(queryset, self.part2_lookups())
        left_out = only_part2(queryset, self.part2_lookups()).order_by().values("pk")
        withheld = len(left_out[: PART2_COUNT_LIMIT + 1])
        if withheld and not getattr(self, "_part2_withheld_audited", False):
            self._part2_withheld_audited = True
            how_many = (
                f"more than {PART2_COUNT_LIMIT} records (not counted further)"
                if withheld > PART2_COUNT_LIMIT
                else f"{withheld} record(s)"
            )
            audit_record(
                action=AuditEvent.Action.DENIED,
                outcome=AuditEvent.Outcome.DENIED,
                context=self.audit_context,
                object_type=f"{queryset.model._meta.label_lower} list",
                detail=f"42 CFR Part 2: {how_many} of SUD patients left out "
                "for an external integration",
            )
        return kept

    def get_object(self):
        obj = super().get_object()
        if withholds_part2(self.request.user):
            rows = type(obj)._base_manager.filter(pk=obj.pk)
            if not without_part2(rows, self.part2_lookups()).exists():
                # The refusal middleware records the 403 with this reason (and the patient).
                self.request._request.audit_refusal_reason = "42 CFR Part 2"
                raise Part2Refused()
        return obj

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.patient_path is None:
            return queryset
        return self.scope_to_patients(queryset, self.readable_patients())

    def readable_patients(self):
        """The patients the caller may open (`Patient.objects.for_user`), a subquery of ids:
        what `scope_to_patients` narrows the rows to."""
        return Patient.objects.for_user(self.request.user, now=self.now).values("pk")

    def scope_to_patients(self, queryset, readable):
        """`queryset` narrowed to the rows whose patient is in `readable` (a subquery)."""
        if self.list_by_index and self.action == "list":
            return queryset.filter(IsTrue(In(F(self.patient_path), readable)))
        return queryset.filter(**{f"{self.patient_path}__in": readable})

    def shown_patient_ids(self, objects, rows):
        """The patients on a list's page: each object's `audit_patient_id`, or, for objects
        that hold no patient of their own, one query through `patient_path` for the whole
        page (the plan item lists read it with their rows instead: `ItemViewSet`)."""
        if not objects or hasattr(type(objects[0]), "audit_patient_id") or not self.patient_path:
            return super().shown_patient_ids(objects, rows)
        pks = [obj.pk for obj in objects]
        model = type(objects[0])
        # Unordered: the audit trail sorts them, and a model's default order may join more
        # (an objective's, up to the plan's episode).
        rows = model._base_manager.filter(pk__in=pks).order_by()
        return list(rows.values_list(self.patient_path, flat=True))

    def respond(self, serializer_class, obj, status_code=status.HTTP_200_OK):
        context = self.get_serializer_context()
        return Response(serializer_class(obj, context=context).data, status=status_code)


class ShapedListModelMixin(mixins.ListModelMixin):
    """DRF's list, its page and count read by shapes built from the viewset when the list is
    plain (`iop.api.shaped`): the viewset's list reads the time as `self.now`, never the
    clock."""

    def list(self, request, *args, **kwargs):
        source = shaped_source(self)
        queryset = self.filter_queryset(self.get_queryset()) if source is None else source
        page = self.paginate_queryset(queryset)
        if page is not None:
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return Response(self.get_serializer(queryset, many=True).data)
