from rest_framework import serializers

from disclosures.models import Disclosure, RightsRequest
from iop.accounts.roles import Role
from iop.api import strict
from patients.api.serializers import ScopedPatientField, UserRefSerializer


class DisclosureSerializer(strict.ModelSerializer):
    """A line of the accounting (the packet itself is downloaded from the chart)."""

    disclosed_by = UserRefSerializer(read_only=True)
    what = serializers.CharField(read_only=True)

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "patient",
            "episode",
            "disclosed_at",
            "disclosed_by",
            "recipient_kind",
            "recipient_name",
            "recipient_address",
            "recipient_contact",
            "purpose",
            "purpose_note",
            "sections",
            "what",
            "notes_from",
            "notes_to",
            "is_part2",
            "consent",
            "counseling_consent",
            "consent_statement",
            "packet_sha256",
            "packet_pages",
        ]
        read_only_fields = fields


class RightsRequestSerializer(strict.ModelSerializer):
    """The request's details are for the care team and supervisors, as on the chart: intake
    coordinators record them but read the request without them."""

    patient = ScopedPatientField()
    recorded_by = UserRefSerializer(read_only=True)
    handled_by = UserRefSerializer(read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = RightsRequest
        fields = [
            "id",
            "patient",
            "kind",
            "details",
            "received_on",
            "due_on",
            "overdue",
            "status",
            "outcome",
            "outcome_reason",
            "answered_on",
            "recorded_by",
            "handled_by",
        ]
        extra_kwargs = {"details": {"max_length": 2000}}
        read_only_fields = [
            "due_on",
            "status",
            "outcome",
            "outcome_reason",
            "answered_on",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = self.context["request"].user
        if not user.has_role(*Role.CLINICAL):
            data.pop("details", None)
        return data
