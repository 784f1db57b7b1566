from django.contrib import admin
from django.utils import timezone

from iop.jobs.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ("job", "started_at", "duration_display", "outcome", "counts", "age")
    list_filter = ("job", "outcome")
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
