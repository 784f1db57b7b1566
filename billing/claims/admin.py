"""Read-only admin pages for claim lines and their exports: lines change only through
`billing.claims` (built, exported, voided; audited there) and an export's file is kept as
written. Only superusers see them (no role holds these permissions); billing staff and
supervisors work in the claim pages."""

from django.contrib import admin

from billing.claim_models import ClaimExport, ClaimLine
from billing.review_admin import ReadOnlyAdmin


@admin.register(ClaimLine)
class ClaimLineAdmin(ReadOnlyAdmin):
    list_display = ["service_date", "patient", "code", "units", "status", "export"]
    list_filter = ["status", "per_diem"]
    list_select_related = ["patient", "export"]
    search_fields = ["patient__mrn", "code", "authorization_reference"]
    raw_id_fields = [
        "episode",
        "patient",
        "session",
        "rendering",
        "supervising",
        "authorization",
        "coverage",
        "export",
        "replaces",
        "voided_by",
    ]


@admin.register(ClaimExport)
class ClaimExportAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_at", "first_date", "last_date", "program", "line_count"]
    list_select_related = ["program", "created_by"]
    raw_id_fields = ["created_by", "program"]
