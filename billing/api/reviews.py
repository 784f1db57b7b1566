"""The utilization reviews API: reviews (read, and record one: `billing.services.reviews`
extends the authorization) and the UR packets' metadata (read-only: a packet is prepared on
the chart, where the consent is chosen; its PDF stays in the disclosure, downloaded by the
care team and supervisors from the chart). A biller reads both, never a packet's
justification (clinical text)."""

from rest_framework import mixins, serializers

from billing.models import Authorization
from billing.review_models import UrPacket, UtilizationReview
from billing.services.reviews import REVIEW_FIELDS, review_record
from iop.accounts.roles import Role
from iop.api import strict
from iop.api.viewsets import IOPViewSet
from patients.api.serializers import UserRefSerializer

READERS = (*Role.CLINICAL, Role.BILLER)
PATIENT = "authorization__episode__patient"


class ScopedAuthorizationField(serializers.PrimaryKeyRelatedField):
    """An authorization the caller may read; any other id reads as "does not exist"."""

    def get_queryset(self):
        return Authorization.objects.for_user(self.context["request"].user).select_related(
            "episode__patient"
        )


class UtilizationReviewSerializer(strict.ModelSerializer):
    authorization = ScopedAuthorizationField()
    recorded_by = UserRefSerializer(read_only=True)
    granted = serializers.IntegerField(required=False, default=0)

    class Meta:
        model = UtilizationReview
        fields = [
            "id",
            "authorization",
            *REVIEW_FIELDS,
            "previous_number",
            "previous_last_date",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["previous_number", "previous_last_date", "recorded_at"]
        extra_kwargs = {"granted": {"min_value": None, "max_value": None}}

    def validate(self, attrs):
        """Every rule is the service's (field errors, 400): nothing is checked twice here."""
        return attrs


class UrPacketSerializer(strict.ModelSerializer):
    prepared_by = UserRefSerializer(read_only=True)
    recipient = serializers.CharField(source="disclosure.recipient_name", read_only=True)
    consent = serializers.IntegerField(source="disclosure.consent_id", read_only=True)
    pages = serializers.IntegerField(source="disclosure.packet_pages", read_only=True)
    is_part2 = serializers.BooleanField(source="disclosure.is_part2", read_only=True)
    justification = serializers.SerializerMethodField(
        help_text="The clinician's justification; null for a reader who may not read "
        "clinical text (a biller)."
    )

    class Meta:
        model = UrPacket
        fields = [
            "id",
            "authorization",
            "disclosure",
            "period_from",
            "period_to",
            "prepared_by",
            "prepared_at",
            "recipient",
            "consent",
            "pages",
            "is_part2",
            "justification",
        ]
        read_only_fields = fields

    def get_justification(self, packet) -> str | None:
        user = self.context["request"].user
        return packet.justification if user.has_role(*Role.CLINICAL) else None


class UtilizationReviewViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """Utilization reviews of the authorizations the caller may read (`?authorization=<id>`).
    Recording one extends its authorization when approved or partially approved."""

    allowed_roles = READERS
    serializer_class = UtilizationReviewSerializer
    queryset = UtilizationReview.objects.all()
    filterset_fields = ["authorization", "outcome", "kind"]
    part2_paths = (PATIENT,)

    def get_queryset(self):
        readable = Authorization.objects.for_user(self.request.user).values("pk")
        return (
            super()
            .get_queryset()
            .filter(authorization__in=readable)
            .select_related("recorded_by", "authorization__episode")
            .order_by("-review_date", "-pk")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        authorization = data.pop("authorization")
        serializer.instance = review_record(
            authorization=authorization,
            user=self.request.user,
            data=data,
            context=self.audit_context,
        )


class UrPacketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, IOPViewSet):
    """The UR packets sent to payers (metadata; `?authorization=<id>`)."""

    allowed_roles = READERS
    serializer_class = UrPacketSerializer
    queryset = UrPacket.objects.all()
    filterset_fields = ["authorization"]
    part2_paths = (PATIENT,)

    def get_queryset(self):
        readable = Authorization.objects.for_user(self.request.user).values("pk")
        return (
            super()
            .get_queryset()
            .filter(authorization__in=readable)
            .select_related("prepared_by", "disclosure", "authorization__episode")
            .defer("disclosure__packet")
            .order_by("-prepared_at", "-pk")
        )
