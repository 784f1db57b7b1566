from django.contrib import admin
from django.utils import timezone

from iop.jobs.models import JobRun, PendingTask

HEARTBEAT = "heartbeat"


class HeartbeatFilter(admin.SimpleListFilter):
    """The heartbeat runs every minute: shown, it buries the runs an admin comes to read. Hidden
    unless asked for (or the list is filtered to the heartbeat job itself)."""

    title = "heartbeats"
    parameter_name = "heartbeats"

    def lookups(self, request, model_admin):
        return [("shown", "Shown")]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Hidden",
        }
        yield from list(super().choices(changelist))[1:]

    def queryset(self, request, queryset):
        if self.value() == "shown" or request.GET.get("job__exact") == HEARTBEAT:
            return queryset
        return queryset.exclude(job=HEARTBEAT)


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ("job", "started_at", "duration_display", "outcome", "counts", "age")
    list_filter = (HeartbeatFilter, "job", "outcome")
    search_fields = ("job", "task_id")
    date_hierarchy = "started_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.display(description="duration")
    def duration_display(self, obj):
        d = obj.duration
        return "running" if d is None else f"{d.total_seconds():.1f} s"

    @admin.display(description="ago")
    def age(self, obj):
        seconds = int((timezone.now() - obj.started_at).total_seconds())
        if seconds < 120:
            return f"{seconds} s"
        if seconds < 7200:
            return f"{seconds // 60} min"
        return f"{seconds // 3600} h"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PendingTask)
class PendingTaskAdmin(admin.ModelAdmin):
    """Tasks the broker has not taken yet: normally empty; rows pile up while it is down and
    leave once the `pending_tasks` job has published them."""

    list_display = ("task", "created_at", "attempts", "last_attempt_at", "last_error")
    list_filter = ("task",)
    search_fields = ("task", "task_id")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
