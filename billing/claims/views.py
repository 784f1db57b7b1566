"""The claim lines pages of billing staff and supervisors: the lines of a range with their
status and held reasons, building and exporting them, the exports (each downloadable again as
written), voiding a line, and a patient's superbill of a month. Thin: the rules are in
`billing.claims` (build, export, access)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from billing.claim_models import ClaimLine
from billing.claims import selectors
from billing.claims.access import REFUSED, may_use_claims
from billing.claims.build import claims_build
from billing.claims.export import claim_line_void, claims_export
from billing.claims.forms import FilterForm, RangeForm, VoidForm
from billing.claims.superbill import filename, superbill_pdf
from iop.audit.context import AuditContext
from iop.audit.mixins import AuditedViewMixin
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record
from iop.errors import add_service_error
from patients.models import Patient

PER_PAGE = 50


class ClaimsMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_use_claims(request.user):
            raise PermissionDenied(REFUSED)
        return super().dispatch(request, *args, **kwargs)


class ClaimLines(ClaimsMixin, AuditedViewMixin, ListView):
    """The lines of a range (this month by default), filtered by program and status."""

    template_name = "billing/claims/lines.html"
    context_object_name = "lines"
    paginate_by = PER_PAGE
    model = ClaimLine
    range_form = None

    def get_queryset(self):
        self.filters = FilterForm(self.request.GET or None, user=self.request.user)
        first, last = FilterForm.default_range()
        program, status = None, ""
        if self.filters.is_valid():
            data = self.filters.cleaned_data
            first = data["first_date"] or first
            last = data["last_date"] or last
            program, status = data["program"], data["status"]
        self.range = (first, last, program)
        lines = selectors.lines_for(
            self.request.user, first=first, last=last, program=program, status=status
        )
        self.counts = selectors.status_counts(
            selectors.lines_for(self.request.user, first=first, last=last, program=program)
        )
        return lines

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        first, last, program = self.range
        initial = {"first_date": first, "last_date": last, "program": program}
        context.update(
            filters=self.filters,
            range_form=self.range_form
            or RangeForm(initial=initial, user=self.request.user, prefix="range"),
            counts=self.counts,
            first=first,
            last=last,
            query=urlencode([(k, v) for k, v in self.request.GET.items() if k != "page"]),
        )
        return context


class _RangeAction(ClaimsMixin, View):
    """POST a range to a service; on a refusal, the lines page again with the form as typed."""

    def post(self, request):
        form = RangeForm(request.POST, user=request.user, prefix="range")
        if form.is_valid():
            data = form.cleaned_data
            try:
                return self.act(data)
            except ValidationError as error:
                add_service_error(form, error)
        page = ClaimLines.as_view(range_form=form)
        request.method = "GET"
        return page(request)

    def lines_url(self, data):
        query = {
            "first_date": data["first_date"].isoformat(),
            "last_date": data["last_date"].isoformat(),
        }
        if data["program"]:
            query["program"] = data["program"].pk
        return reverse("claims:lines") + "?" + urlencode(query)


class ClaimsBuild(_RangeAction):
    def act(self, data):
        result = claims_build(
            user=self.request.user,
            first_date=data["first_date"],
            last_date=data["last_date"],
            program=data["program"],
            context=AuditContext.from_request(self.request),
        )
        messages.success(
            self.request,
            f"Lines built: {result.issued} issued, {result.held} held"
            + (f", {result.exported_kept} already exported" if result.exported_kept else "")
            + ".",
        )
        return redirect(self.lines_url(data))


class ClaimsExport(_RangeAction):
    def act(self, data):
        batch = claims_export(
            user=self.request.user,
            first_date=data["first_date"],
            last_date=data["last_date"],
            program=data["program"],
            context=AuditContext.from_request(self.request),
        )
        messages.success(self.request, f"Export #{batch.pk}: {batch.line_count} lines.")
        return redirect("claims:export", pk=batch.pk)


class ClaimExports(ClaimsMixin, AuditedViewMixin, ListView):
    template_name = "billing/claims/exports.html"
    context_object_name = "exports"
    paginate_by = PER_PAGE

    def get_queryset(self):
        return selectors.exports_for(self.request.user)

    def shown_patient_ids(self):
        return None  # batches, not patients' data: their lines are shown on the batch's page


class ClaimExportDetail(ClaimsMixin, AuditedViewMixin, DetailView):
    template_name = "billing/claims/export.html"
    context_object_name = "batch"

    def get_queryset(self):
        return selectors.exports_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lines"] = self.object.lines.select_related("patient").order_by(
            "service_date", "patient__legal_last_name", "pk"
        )
        return context


class ClaimExportCsv(ClaimsMixin, View):
    """The batch's file as it was written (the same bytes each time), audited per patient."""

    def get(self, request, pk):
        batch = get_object_or_404(selectors.exports_for(request.user), pk=pk)
        context = AuditContext.from_request(request)
        patients = batch.lines.order_by().values_list("patient_id", flat=True).distinct()
        for patient_id in sorted(set(patients)):
            audit_record(
                action=AuditEvent.Action.EXPORT,
                context=context,
                obj=batch,
                patient_id=patient_id,
                detail="claim export downloaded",
            )
        response = HttpResponse(batch.csv.encode(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{batch.filename}"'
        return response


class ClaimLineVoid(ClaimsMixin, TemplateView):
    template_name = "billing/claims/void.html"

    def line(self):
        return get_object_or_404(selectors.lines_for(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", VoidForm())
        context["line"] = self.line()
        return context

    def post(self, request, pk):
        line = self.line()
        form = VoidForm(request.POST)
        if form.is_valid():
            try:
                claim_line_void(
                    line=line,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    context=AuditContext.from_request(request),
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Line voided: the next build issues the service again.")
                return redirect(
                    reverse("claims:lines")
                    + "?"
                    + urlencode(
                        {
                            "first_date": line.service_date.isoformat(),
                            "last_date": line.service_date.isoformat(),
                        }
                    )
                )
        return self.render_to_response(self.get_context_data(form=form))


class Superbill(ClaimsMixin, View):
    """A patient's superbill of a month (PDF), from the lines issued or exported."""

    def get(self, request, pk, year, month):
        try:
            first = date(year, month, 1)
        except ValueError:
            raise Http404("No such month.") from None
        patient = get_object_or_404(Patient, pk=pk)
        lines = selectors.superbill_lines(request.user, patient, first)
        if not lines.exists():
            raise Http404("No billable line of this patient in that month.")
        data, _ = superbill_pdf(patient, first, lines)
        audit_record(
            action=AuditEvent.Action.EXPORT,
            context=AuditContext.from_request(request),
            obj=patient,
            patient_id=patient.pk,
            detail=f"superbill {first:%Y-%m}",
        )
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename(patient, first)}"'
        return response
