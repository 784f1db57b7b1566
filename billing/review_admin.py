"""Read-only admin pages for utilization reviews and UR packets: a review changes an
authorization only through `billing.services.reviews` (audited there), and a packet is a
disclosure, append-only. Only superusers see them (no role holds these permissions); the
packet's justification is clinical text, like the disclosures' admin shows superusers."""

from django.contrib import admin

from billing.review_models import UrPacket, UtilizationReview
from iop.audit.admin_mixins import AuditedModelAdmin


class ReadOnlyAdmin(AuditedModelAdmin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UtilizationReview)
class UtilizationReviewAdmin(ReadOnlyAdmin):
    list_display = ["review_date", "authorization", "kind", "outcome", "granted", "recorded_by"]
    list_filter = ["kind", "outcome"]
    list_select_related = ["authorization", "recorded_by"]
    search_fields = ["authorization__episode__patient__mrn", "authorization__reference_number"]
    raw_id_fields = ["authorization", "recorded_by"]


@admin.register(UrPacket)
class UrPacketAdmin(ReadOnlyAdmin):
    list_display = ["prepared_at", "authorization", "disclosure", "prepared_by"]
    list_select_related = ["authorization", "disclosure", "prepared_by"]
    search_fields = ["authorization__episode__patient__mrn", "authorization__reference_number"]
    raw_id_fields = ["authorization", "disclosure", "prepared_by"]
