"""`/api/v1/reports/`: the sections a user has, a section as JSON for the filters given as
query parameters (400 with field errors for bad ones), and a drill-down's patients. Same
rules as the pages (`reports.scope`), closed to external integration accounts (a drill-down
may list SUD patients), audited as the pages are (`reports.audit`)."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from iop.api.viewsets import IOPViewSet
from iop.audit.mixins import AuditedViewSetMixin
from patients.models import Episode, Program
from reports import audit, selectors
from reports.api.serializers import (
    DrillDownSerializer,
    SectionSerializer,
    SectionSummarySerializer,
)
from reports.scope import ReportFilterForm, default_scope

FILTERS = [
    OpenApiParameter(
        "start", OpenApiTypes.DATE, description="First day (default: 90 days before `end`)."
    ),
    OpenApiParameter(
        "end", OpenApiTypes.DATE, description="Last day, not after today (default: today)."
    ),
    OpenApiParameter("program", OpenApiTypes.INT, description="One of the caller's programs."),
    OpenApiParameter("level_of_care", OpenApiTypes.STR, enum=Episode.LevelOfCare.values),
    OpenApiParameter("clinician", OpenApiTypes.INT, description="The primary clinician's id."),
    OpenApiParameter("track", OpenApiTypes.STR, enum=Program.Track.values),
]
SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="A section.")
KEY = OpenApiParameter(
    "key", OpenApiTypes.STR, OpenApiParameter.PATH, description="A figure's drill-down key."
)


def scope_data(scope):
    return {
        "start": scope.start,
        "end": scope.end,
        "program_id": scope.program_id,
        "level_of_care": scope.level_of_care,
        "clinician_id": scope.clinician_id,
        "track": scope.track,
        "description": selectors.scope_in_words(scope),
    }


class ReportViewSet(IOPViewSet):
    """Program and caseload reports: supervisors' programs, clinicians' caseloads."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-z0-9_]+"
    pagination_class = None
    filter_backends = []

    def finalize_response(self, request, response, *args, **kwargs):
        # Each action records its own read (the scope in words; a drill-down per patient):
        # the generic read event of AuditedViewSetMixin would say less, twice.
        return super(AuditedViewSetMixin, self).finalize_response(
            request, response, *args, **kwargs
        )

    def scope(self):
        """The scope of the query parameters; bad filters are a 400 with field errors."""
        params = self.request.query_params
        if not params:
            return default_scope(self.request.user)
        form = ReportFilterForm(params, user=self.request.user)
        if not form.is_valid():
            errors = dict(form.errors)
            if "__all__" in errors:
                errors["non_field_errors"] = errors.pop("__all__")
            raise serializers.ValidationError(errors)
        return form.scope()

    def module(self):
        module = selectors.section_module(self.kwargs["slug"])
        if module is None:
            raise Http404("No such report section.")
        return module

    @extend_schema(responses=SectionSummarySerializer(many=True))
    def list(self, request):
        """The sections of the reports, in the dashboard's order."""
        sections = selectors.available_sections(request.user)
        audit.report_sections_listed(request=request, count=len(sections))
        return Response(SectionSummarySerializer(sections, many=True).data)

    @extend_schema(parameters=[SLUG, *FILTERS], responses=SectionSerializer)
    def retrieve(self, request, slug=None):
        """One section: its figures, tables and charts for the filters given."""
        module = self.module()
        scope = self.scope()
        section = selectors.build_section(module, scope)
        audit.report_viewed(
            request=request,
            scope=scope,
            object_type=audit.SECTION,
            object_id=section.slug,
            what=f"api: section {section.slug}",
        )
        data = {
            "slug": section.slug,
            "title": section.title,
            "scope": scope_data(scope),
            "figures": section.figures,
            "tables": section.tables,
            "charts": section.charts,
            "notes": section.notes,
        }
        return Response(SectionSerializer(data).data)

    @extend_schema(parameters=[SLUG, KEY, *FILTERS], responses=DrillDownSerializer)
    @action(detail=True, url_path=r"drill/(?P<key>.+)", url_name="drill")
    def drill(self, request, slug=None, key=None):
        """The patients behind a figure, table cell or chart point (404 for an unknown key)."""
        module = self.module()
        scope = self.scope()
        drill = selectors.find_drill(module, scope, key)
        if drill is None:
            raise Http404("No such list in this report.")
        audit.report_patients_shown(
            request=request,
            scope=scope,
            object_id=f"{module.SLUG}:{key}",
            what=f"api: drill-down {module.SLUG}:{key}",
            patient_ids=[row.patient_id for row in drill.rows],
        )
        data = {
            "section": module.SLUG,
            "key": drill.key,
            "title": drill.title,
            "scope": scope_data(scope),
            "columns": drill.columns,
            "date_columns": list(drill.date_columns),
            "count": len(drill.rows),
            "rows": drill.rows,
        }
        return Response(DrillDownSerializer(data).data)
