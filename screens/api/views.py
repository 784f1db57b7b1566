"""The screens API: orders with their results nested, with the rules of the chart's pages (the
services'). Clinicians and supervisors read what the chart shows them; the care team and
supervisors write; intake coordinators and admins get 403. SUD patients' screens are Part 2
records: an external integration never reads them (`IOPViewSet`)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from iop.api.viewsets import IOPViewSet
from screens import services
from screens.api import serializers as s
from screens.models import ScreenOrder, ScreenResult


class ScreenOrderViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """Drug screens with their results. `?patient=<id>`, `?status=`, `?due_date=YYYY-MM-DD`."""

    serializer_class = s.ScreenOrderSerializer
    queryset = ScreenOrder.objects.all()
    patient_path = "patient"
    filterset_fields = ["patient", "episode", "status", "due_date", "reason"]
    conflict_actions = ("collect", "results", "close")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("draw", "ordered_by", "collected_by")
            .prefetch_related(
                Prefetch(
                    "results", ScreenResult.objects.select_related("entered_by").order_by("analyte")
                )
            )
            .order_by("-due_date", "-pk")
        )

    def present(self, order, status_code=status.HTTP_200_OK):
        return self.respond(
            s.ScreenOrderSerializer, self.get_queryset().get(pk=order.pk), status_code
        )

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        order = services.order_create(
            patient=data["patient"],
            due_date=data["due_date"],
            reason=data.get("reason", ScreenOrder.Reason.CLINICAL),
            testing=data.get("testing"),
            observed=data.get("observed", False),
            user=request.user,
            context=self.audit_context,
        )
        return self.present(order, status.HTTP_201_CREATED)

    @extend_schema(request=s.ScheduleSerializer, responses=s.ScreenOrderSerializer(many=True))
    @action(detail=False, methods=["post"])
    def schedule(self, request):
        """Order a period's screens by the program's schedule (a random draw, recorded with its
        seed, or the fixed weekdays)."""
        payload = s.ScheduleSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        orders = services.screens_schedule(
            **payload.validated_data, user=request.user, context=self.audit_context
        )
        fresh = self.get_queryset().filter(pk__in=[o.pk for o in orders])
        data = s.ScreenOrderSerializer(fresh, many=True, context=self.get_serializer_context())
        return Response(data.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CollectSerializer, responses=s.ScreenOrderSerializer)
    @action(detail=True, methods=["post"])
    def collect(self, request, pk=None):
        order = self.get_object()
        payload = s.CollectSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        order = services.order_collect(
            order=order,
            collected_at=data["collected_at"],
            observed=data["observed"],
            temperature_c=data.get("temperature_c"),
            note=data.get("note", ""),
            user=request.user,
            context=self.audit_context,
        )
        return self.present(order)

    @extend_schema(request=s.ResultsSerializer, responses=s.ScreenOrderSerializer)
    @action(detail=True, methods=["post"])
    def results(self, request, pk=None):
        order = self.get_object()
        payload = s.ResultsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.results_record(
            order=order,
            values=dict(payload.validated_data["results"]),
            user=request.user,
            context=self.audit_context,
        )
        return self.present(order)

    @extend_schema(request=s.CloseSerializer, responses=s.ScreenOrderSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Record the screen as refused or missed, with why."""
        order = self.get_object()
        payload = s.CloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = services.order_close(
            order=order, **payload.validated_data, user=request.user, context=self.audit_context
        )
        return self.present(order)
