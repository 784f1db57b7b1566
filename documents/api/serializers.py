from documents.models import DischargeSummary
from iop.api import strict
from patients.api.serializers import UserRefSerializer


class DischargeSummarySerializer(strict.ModelSerializer):
    """A discharge summary: `record` is what the record said when it was signed (empty while it
    is a draft; the chart shows a draft against the record as it is now)."""

    signed_by = UserRefSerializer(read_only=True)

    class Meta:
        model = DischargeSummary
        fields = [
            "id",
            "patient",
            "episode",
            "status",
            "narrative",
            "medications",
            "referrals",
            "record",
            "signed_by",
            "signed_at",
            "content_hash",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
