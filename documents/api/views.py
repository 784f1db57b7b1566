from rest_framework import mixins

from documents.api import serializers as s
from documents.models import DischargeSummary
from iop.api.viewsets import IOPViewSet


class DischargeSummaryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, IOPViewSet):
    """Discharge summaries, read-only (prepared and signed on the chart). `?patient=<id>`."""

    serializer_class = s.DischargeSummarySerializer
    queryset = DischargeSummary.objects.all()
    patient_path = "patient"
    filterset_fields = ["patient", "episode", "status"]

    def get_queryset(self):
        return super().get_queryset().select_related("signed_by").order_by("-created_at", "-pk")
