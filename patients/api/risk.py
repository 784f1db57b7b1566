"""Clinician risk assessments over the API: list and record (clinicians and supervisors)."""

from rest_framework import mixins

from iop.accounts.roles import Role
from iop.api import strict
from iop.api.viewsets import IOPViewSet
from patients import services
from patients.api.serializers import ScopedPatientField, UserRefSerializer
from patients.models import RiskAssessment


class RiskAssessmentSerializer(strict.ModelSerializer):
    """Saved signed by the caller; `level` none, low, moderate or high; `rationale` required."""

    patient = ScopedPatientField()
    signed_by = UserRefSerializer(read_only=True)

    class Meta:
        model = RiskAssessment
        fields = ["id", "patient", "episode", "level", "rationale", "signed_by", "signed_at"]
        read_only_fields = ["id", "episode", "signed_by", "signed_at"]


class RiskAssessmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """A clinician's risk assessment. Moderate or high raises a risk alert and requires a
    safety plan; with the C-SSRS it sets the patient's risk level (PHQ-9 item 9 never does)."""

    allowed_roles = Role.CLINICAL
    serializer_class = RiskAssessmentSerializer
    queryset = RiskAssessment.objects.all()
    patient_path = "patient"
    filterset_fields = ["patient", "level"]

    def get_queryset(self):
        return super().get_queryset().select_related("signed_by").order_by("-signed_at", "-pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.risk_assessment_record(
            patient=data["patient"],
            level=data["level"],
            rationale=data["rationale"],
            user=self.request.user,
            context=self.audit_context,
        )
