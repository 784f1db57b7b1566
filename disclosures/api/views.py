from rest_framework import mixins

from disclosures import services
from disclosures.api import serializers as s
from disclosures.models import Disclosure, RightsRequest
from iop.accounts.roles import Role
from iop.api.pagination import CursorPagination
from iop.api.viewsets import IOPViewSet


class DisclosureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, IOPViewSet):
    """The accounting of disclosures (read-only: releases are made from the chart, where the
    consent rule and the packet are). `?patient=<id>`."""

    serializer_class = s.DisclosureSerializer
    queryset = Disclosure.objects.all()
    patient_path = "patient"
    filterset_fields = ["patient", "purpose", "is_part2"]
    # The accounting only grows: newest first, a page at a time by cursor.
    pagination_class = CursorPagination
    cursor_ordering = ("-disclosed_at", "-pk")

    def get_queryset(self):
        return super().get_queryset().defer("packet").select_related("disclosed_by")


class RightsRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """Patients' rights requests: recorded here or on the chart, answered on the chart."""

    allowed_roles = (Role.SUPERVISOR, Role.CLINICIAN, Role.INTAKE)
    serializer_class = s.RightsRequestSerializer
    queryset = RightsRequest.objects.all()
    patient_path = "patient"
    filterset_fields = ["patient", "kind", "status"]

    def get_queryset(self):
        return super().get_queryset().select_related("recorded_by", "handled_by")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.rights_request_record(
            patient=data["patient"],
            user=self.request.user,
            kind=data["kind"],
            received_on=data.get("received_on"),
            details=data.get("details", ""),
            context=self.audit_context,
        )
