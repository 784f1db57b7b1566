"""The report pages: the dashboard, drill-down lists, CSV exports and the dashboard's PDF.
Thin: the scope comes from `reports.scope`, the data from `reports.selectors`, the files from
`reports.exports` and `reports.pdf`; every read and export is audited (`reports.audit`)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views import View

from reports import audit, cached, exports, selectors
from reports.links import dashboard_sections, report_query
from reports.pdf import dashboard_pdf
from reports.scope import is_program_view, may_see_reports, scope_from_request

DRILL_PAGE_SIZE = 50
NOT_FOR_ROLE = "Reports are for clinicians and supervisors."
INVALID_FILTERS = "The filters are not valid: "


def deidentified_flag(request):
    """`?deidentified=1`: True; absent, empty or 0: False; anything else: None (a 400)."""
    value = request.GET.get("deidentified", "")
    return {"": False, "0": False, "1": True}.get(value)


def _form_errors(form):
    return "; ".join(
        f"{name}: {' '.join(errors)}" if name != "__all__" else " ".join(errors)
        for name, errors in form.errors.items()
    )


class ReportView(LoginRequiredMixin, View):
    """Open to whoever may see reports (`reports.scope.may_see_reports`): 403 otherwise."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_see_reports(request.user):
            raise PermissionDenied(NOT_FOR_ROLE)
        return super().dispatch(request, *args, **kwargs)

    def section_or_404(self):
        module = selectors.section_module(self.kwargs["slug"])
        if module is None:
            raise Http404("No such report section.")
        return module

    def valid_scope(self):
        """The scope of the request's filters; an export of filters that are not valid is a
        400 (a file must never silently cover another range than the one asked for)."""
        form, scope = scope_from_request(self.request)
        if form.is_bound and not form.is_valid():
            return None, HttpResponseBadRequest(INVALID_FILTERS + _form_errors(form))
        return scope, None


class Dashboard(ReportView):
    def get(self, request):
        form, scope = scope_from_request(request)
        if not form.is_bound:
            form.initial = {"start": scope.start, "end": scope.end}  # the range shown
        computed = cached.dashboard_sections(scope)
        sections = computed.sections
        audit.report_viewed(
            request=request,
            scope=scope,
            object_type=audit.DASHBOARD,
            what=f"dashboard ({len(sections)} sections)",
        )
        return render(
            request,
            "reports/dashboard.html",
            {
                "form": form,
                "scope": scope,
                "scope_words": selectors.scope_in_words(scope),
                "program_view": is_program_view(request.user),
                "sections": dashboard_sections(sections),
                "sections_html": computed.html,  # SafeString, rendered from _sections.html
                "charts": computed.charts,
                "charts_script": computed.charts_script,  # SafeString: json_script's
                "report_query": report_query(scope),
                "computed_at": computed.computed_at,
            },
        )


class DrillDownPage(ReportView):
    def get(self, request, slug, key):
        module = self.section_or_404()
        form, scope = scope_from_request(request)
        drill = selectors.find_drill(module, scope, key)
        if drill is None:
            raise Http404("No such list in this report.")
        page = Paginator(drill.rows, DRILL_PAGE_SIZE).get_page(request.GET.get("page"))
        audit.report_patients_shown(
            request=request,
            scope=scope,
            object_id=f"{slug}:{key}",
            what=f"drill-down {slug}:{key}",
            patient_ids=[row.patient_id for row in page.object_list],
        )
        return render(
            request,
            "reports/drill.html",
            {
                "form": form,
                "module": module,
                "drill": drill,
                "page": page,
                "scope_words": selectors.scope_in_words(scope),
                "report_query": report_query(scope),
                "key": key,
            },
        )


def csv_response(text, name):
    # A byte-order mark: spreadsheet programs then read the file as UTF-8 (names with accents).
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class TableCsv(ReportView):
    def get(self, request, slug, table_key):
        module = self.section_or_404()
        deidentified = deidentified_flag(request)
        if deidentified is None:
            return HttpResponseBadRequest("deidentified: give 1 or 0.")
        scope, refusal = self.valid_scope()
        if refusal:
            return refusal
        table = selectors.find_table(selectors.build_section(module, scope), table_key)
        if table is None:
            raise Http404("No such table in this report.")
        text = exports.table_csv(table, deidentified=deidentified)
        audit.report_exported(
            request=request,
            scope=scope,
            object_type=audit.TABLE,
            object_id=f"{slug}:{table_key}",
            what=f"csv: table {slug}:{table_key}",
            deidentified=deidentified,
            patient_ids=[],
        )
        name = exports.filename(scope, slug, table_key, deidentified=deidentified)
        return csv_response(text, name)


class DrillCsv(ReportView):
    def get(self, request, slug, key):
        module = self.section_or_404()
        deidentified = deidentified_flag(request)
        if deidentified is None:
            return HttpResponseBadRequest("deidentified: give 1 or 0.")
        scope, refusal = self.valid_scope()
        if refusal:
            return refusal
        drill = selectors.find_drill(module, scope, key)
        if drill is None:
            raise Http404("No such list in this report.")
        text = exports.drill_csv(drill, deidentified=deidentified)
        audit.report_exported(
            request=request,
            scope=scope,
            object_type=audit.DRILL,
            object_id=f"{slug}:{key}",
            what=f"csv: drill-down {slug}:{key}",
            deidentified=deidentified,
            patient_ids=[row.patient_id for row in drill.rows],
        )
        return csv_response(text, exports.filename(scope, slug, key, deidentified=deidentified))


class DashboardPdf(ReportView):
    """The dashboard for a board meeting: aggregates only (no patient is named)."""

    def get(self, request):
        scope, refusal = self.valid_scope()
        if refusal:
            return refusal
        sections = selectors.build_sections(scope)
        data = dashboard_pdf(sections, scope)
        audit.report_exported(
            request=request,
            scope=scope,
            object_type=audit.DASHBOARD,
            object_id="dashboard",
            what="pdf: dashboard",
            deidentified=True,
            patient_ids=[],
        )
        response = HttpResponse(data, content_type="application/pdf")
        name = f"report-dashboard-{scope.start:%Y%m%d}-to-{scope.end:%Y%m%d}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
