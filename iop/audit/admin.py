from datetime import datetime, time, timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.dateparse import parse_date

from iop.audit.models import AuditCheckpoint, AuditEvent
from iop.audit.paginators import BoundedCountPaginator
from iop.audit.verification import last_break, last_verification, verification_is_stale


class InputFilter(admin.SimpleListFilter):
    """A list filter with a text box instead of a list of choices."""

    template = "admin/filters/input.html"
    input_type = "text"

    def lookups(self, request, model_admin):
        # A filter with no lookups is hidden; one dummy choice keeps it on the page.
        return (("", ""),)

    def choices(self, changelist):
        query = changelist.get_filters_params()
        yield {
            "parameter_name": self.parameter_name,
            "value": self.value() or "",
            "input_type": self.input_type,
            "hidden": [
                (key, value)
                for key, values in query.items()
                if key != self.parameter_name
                for value in (values if isinstance(values, list) else [values])
            ],
        }


class PatientIdFilter(InputFilter):
    title = "patient id"
    parameter_name = "patient"

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if value.isdigit():
            return queryset.filter(patient_id=int(value))
        return queryset


class UsernameFilter(InputFilter):
    """By the acting user's username (exact), read on the (user, -at) index: the user's id
    is looked up first (a join on the username walked every event by time instead), where a
    list of the users who appear in the trail took a DISTINCT over every event."""

    title = "username"
    parameter_name = "username"

    def queryset(self, request, queryset):
        from django.contrib.auth import get_user_model

        value = (self.value() or "").strip()
        if not value:
            return queryset
        user_ids = list(
            get_user_model().objects.filter(username=value).values_list("pk", flat=True)
        )
        return queryset.filter(user_id__in=user_ids)


class _DateBoundFilter(InputFilter):
    input_type = "date"

    def _bound(self):
        day = parse_date(self.value() or "") if self.value() else None
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.min))


class FromDateFilter(_DateBoundFilter):
    title = "from date"
    parameter_name = "from"

    def queryset(self, request, queryset):
        start = self._bound()
        return queryset.filter(at__gte=start) if start else queryset


class ToDateFilter(_DateBoundFilter):
    title = "to date (inclusive)"
    parameter_name = "to"

    def queryset(self, request, queryset):
        end = self._bound()
        return queryset.filter(at__lt=end + timedelta(days=1)) if end else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "seq",
        "at",
        "username",
        "action",
        "outcome",
        "object_type",
        "object_id",
        "patient_id",
        "ip",
        "request_id",
    )
    list_filter = (
        UsernameFilter,
        PatientIdFilter,
        "action",
        "outcome",
        FromDateFilter,
        ToDateFilter,
    )
    search_fields = ("username", "object_type", "object_id", "request_id", "=ip")
    # No date_hierarchy: its year/month/day links are a DISTINCT over every event (seconds
    # on a trail of millions); the from/to date filters do the same job on the index.
    list_select_related = ("user",)
    list_per_page = 100
    # Counting millions of events for the paginator is most of a page's time: counts stop at
    # BoundedCountPaginator.CAP, and the list says so.
    show_full_result_count = False
    paginator = BoundedCountPaginator
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice, over every event

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """The list, under a banner with the last verification of the hash chain."""
        checkpoint = last_verification()
        extra_context = {
            **(extra_context or {}),
            "verification": checkpoint,
            "earlier_break": last_break() if checkpoint is not None and checkpoint.ok else None,
            "verification_stale": verification_is_stale(checkpoint),
        }
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(admin.ModelAdmin):
    """Each run of `audit_verify`, read-only like the trail itself; whoever may read the
    trail may read its verifications."""

    list_display = ("at", "ok", "verified_seq", "events", "problems", "summary")
    list_filter = ("ok",)
    date_hierarchy = "at"
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("audit.view_auditevent")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
