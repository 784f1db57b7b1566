"""The billing API's shapes. They check types and lengths only; every rule (dates in order,
one primary, codes, who may write) is the services'."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.models import Authorization, Coverage, Payer
from iop.api import strict
from patients.models import Episode, Patient


@extend_schema_field(OpenApiTypes.INT)
class BillingEpisodeField(serializers.PrimaryKeyRelatedField):
    """An episode of a patient whose billing records the user may read; any other id reads as
    "does not exist"."""

    def get_queryset(self):
        readable = Patient.objects.for_billing(self.context["request"].user).values("pk")
        return Episode.objects.filter(patient__in=readable)


@extend_schema_field(OpenApiTypes.INT)
class BillingCoverageField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Coverage.objects.for_user(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class ActivePayerField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Payer.objects.all()


class PayerSerializer(strict.ModelSerializer):
    class Meta:
        model = Payer
        fields = ["id", "name", "payer_id", "kind", "active"]
        read_only_fields = ["id"]
        extra_kwargs = {"name": {"validators": []}}


class CoverageSerializer(strict.ModelSerializer):
    """POST adds a coverage to an episode; PATCH changes the fields given. `has_card`: a
    scanned card is stored (uploaded and viewed on the chart's Billing tab)."""

    episode = BillingEpisodeField()
    payer = ActivePayerField(required=False, allow_null=True)
    patient = serializers.IntegerField(source="episode.patient_id", read_only=True)
    payer_name = serializers.CharField(source="payer.name", read_only=True, default="")
    has_card = serializers.SerializerMethodField()

    class Meta:
        model = Coverage
        fields = [
            "id",
            "episode",
            "patient",
            "self_pay",
            "payer",
            "payer_name",
            "plan_name",
            "member_id",
            "group_id",
            "subscriber_name",
            "subscriber_relationship",
            "priority",
            "effective_from",
            "effective_to",
            "has_card",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "patient", "payer_name", "has_card", "created_at", "updated_at"]

    def get_has_card(self, coverage) -> bool:
        return bool(coverage.card)


class CoverageUpdateSerializer(CoverageSerializer):
    class Meta(CoverageSerializer.Meta):
        read_only_fields = [*CoverageSerializer.Meta.read_only_fields, "episode"]


class BurnDownSerializer(serializers.Serializer):
    used = serializers.IntegerField()
    authorized = serializers.IntegerField()
    remaining = serializers.IntegerField()
    percent = serializers.IntegerField()
    low = serializers.BooleanField()
    counted = serializers.ListField(child=serializers.DateField())


class AuthorizationSerializer(strict.ModelSerializer):
    """POST adds an authorization to an episode; PATCH changes the fields given (an extension
    too). `burn_down`: what attendance has used (approved authorizations; null otherwise).
    `service_codes`: e.g. "S9480" or "90853, 90837"."""

    episode = BillingEpisodeField()
    coverage = BillingCoverageField()
    patient = serializers.IntegerField(source="episode.patient_id", read_only=True)
    burn_down = serializers.SerializerMethodField()

    class Meta:
        model = Authorization
        fields = [
            "id",
            "episode",
            "patient",
            "coverage",
            "level_of_care",
            "service_codes",
            "unit",
            "number_authorized",
            "used_before",
            "first_date",
            "last_date",
            "reference_number",
            "status",
            "next_review_date",
            "burn_down",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "patient", "burn_down", "created_at", "updated_at"]

    @extend_schema_field(BurnDownSerializer(allow_null=True))
    def get_burn_down(self, authorization):
        burn = self.context.get("burndowns", {}).get(authorization.pk)
        return BurnDownSerializer(burn).data if burn is not None else None


class AuthorizationUpdateSerializer(AuthorizationSerializer):
    class Meta(AuthorizationSerializer.Meta):
        read_only_fields = [*AuthorizationSerializer.Meta.read_only_fields, "episode"]
