"""The claim lines API: the lines of the programs the caller works with (billing staff, and
supervisors for their programs), building a range, voiding a line; exports with their file.
The rules are the pages' (`billing.claims`); no line carries note text."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from billing.claim_models import ClaimExport, ClaimLine
from billing.claims import selectors
from billing.claims.build import claims_build
from billing.claims.export import claim_line_void, claims_export
from iop.accounts.roles import Role
from iop.api import strict
from iop.api.filters import FilterSet, IdFilter
from iop.api.viewsets import IOPViewSet
from patients.api.serializers import UserRefSerializer
from patients.models import Program

CLAIM_ROLES = (Role.BILLER, Role.SUPERVISOR)


class ClaimLineSerializer(strict.ModelSerializer):
    rendering = UserRefSerializer(read_only=True, allow_null=True)
    supervising = UserRefSerializer(read_only=True, allow_null=True)
    diagnosis_pointers = serializers.CharField(read_only=True)
    patient_name = serializers.SerializerMethodField()
    mrn = serializers.CharField(source="patient.mrn", read_only=True)

    class Meta:
        model = ClaimLine
        fields = [
            "id",
            "patient",
            "patient_name",
            "mrn",
            "episode",
            "session",
            "service_date",
            "code",
            "description",
            "modifiers",
            "units",
            "place_of_service",
            "diagnosis_codes",
            "diagnosis_pointers",
            "per_diem",
            "bundled",
            "basis",
            "rendering",
            "supervising",
            "authorization",
            "authorization_reference",
            "payer_name",
            "member_id",
            "status",
            "held_reasons",
            "export",
            "replaces",
            "voided_at",
            "void_reason",
        ]
        read_only_fields = fields

    def get_patient_name(self, line) -> str:
        return f"{line.patient.legal_last_name}, {line.patient.legal_first_name}"


class ClaimExportSerializer(strict.ModelSerializer):
    created_by = UserRefSerializer(read_only=True)

    class Meta:
        model = ClaimExport
        fields = [
            "id",
            "created_by",
            "created_at",
            "first_date",
            "last_date",
            "program",
            "line_count",
            "csv_sha256",
            "csv",
        ]
        read_only_fields = fields


class RangeSerializer(strict.Serializer):
    first_date = serializers.DateField()
    last_date = serializers.DateField()
    program = serializers.PrimaryKeyRelatedField(
        queryset=Program.objects.all(), required=False, allow_null=True
    )


class BuildResultSerializer(strict.Serializer):
    issued = serializers.IntegerField()
    held = serializers.IntegerField()
    exported_kept = serializers.IntegerField()


class VoidSerializer(strict.Serializer):
    reason = serializers.CharField(max_length=500)


class ClaimLineFilter(FilterSet):
    first_date = django_filters.DateFilter(field_name="service_date", lookup_expr="gte")
    last_date = django_filters.DateFilter(field_name="service_date", lookup_expr="lte")
    program = IdFilter(field_name="episode__program")

    class Meta:
        model = ClaimLine
        fields = ["first_date", "last_date", "program", "patient", "status", "code", "export"]


class ClaimLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, IOPViewSet):
    """Claim lines. `?first_date=`, `?last_date=` (dates of service), `?program=`,
    `?patient=`, `?status=` (held, issued, exported, voided), `?code=`, `?export=`."""

    allowed_roles = CLAIM_ROLES
    serializer_class = ClaimLineSerializer
    filterset_class = ClaimLineFilter
    queryset = ClaimLine.objects.none()
    part2_paths = ("patient",)

    def get_queryset(self):
        return selectors.lines_for(self.request.user)

    @extend_schema(request=RangeSerializer, responses=BuildResultSerializer)
    @action(detail=False, methods=["post"])
    def build(self, request):
        """Build (or rebuild) the lines of a range of dates of service from signed notes."""
        payload = RangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        result = claims_build(
            user=request.user, **payload.validated_data, context=self.audit_context
        )
        return Response(BuildResultSerializer(result).data, status=status.HTTP_200_OK)

    @extend_schema(request=VoidSerializer, responses=ClaimLineSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        """Void an issued or exported line, with the reason (the next build issues it again)."""
        line = self.get_object()
        payload = VoidSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        claim_line_void(
            line=line, user=request.user, context=self.audit_context, **payload.validated_data
        )
        return self.respond(ClaimLineSerializer, self.get_queryset().get(pk=line.pk))


class ClaimExportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """Exports of claim lines, each with its CSV as written. POST a range to export the issued
    lines not exported yet."""

    allowed_roles = CLAIM_ROLES
    serializer_class = ClaimExportSerializer
    queryset = ClaimExport.objects.none()
    part2_paths = ("lines__patient",)

    def get_queryset(self):
        return selectors.exports_for(self.request.user)

    def shown_patient_ids(self, objects, rows):
        return list(
            ClaimLine.objects.filter(export__in=objects).values_list("patient_id", flat=True)
        )

    @extend_schema(request=RangeSerializer, responses={201: ClaimExportSerializer})
    def create(self, request, *args, **kwargs):
        payload = RangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        batch = claims_export(
            user=request.user, **payload.validated_data, context=self.audit_context
        )
        return self.respond(ClaimExportSerializer, batch, status.HTTP_201_CREATED)
