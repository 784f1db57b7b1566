"""Chart pages: the accounting of disclosures (and its print), a release, a packet download,
rights requests and amendments. Thin: the rules are in `disclosures.services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from disclosures import services
from disclosures.forms import AmendmentForm, ReleaseForm, RightsAnswerForm, RightsRequestForm
from disclosures.models import Disclosure, RightsRequest, accounting_since
from iop.errors import add_service_error
from patients.views.mixins import ChartMixin


class NotUnderEmergencyMixin:
    """Releasing, downloading a packet, answering a request or amending a note: for the care
    team and the patient's supervisors, not for a chart opened under emergency access (403;
    the services refuse it too)."""

    def setup_patient(self, pk=None):
        patient = super().setup_patient(pk)
        if getattr(patient, "emergency_access", None) is not None:
            raise PermissionDenied(services.EMERGENCY_REFUSED)
        return patient


def accounting_context(patient):
    return {
        "disclosures": Disclosure.objects.for_accounting(patient)
        .defer("packet")
        .select_related("disclosed_by", "consent", "counseling_consent"),
        "since": accounting_since(),
        "today": timezone.localdate(),
    }


class Accounting(ChartMixin, TemplateView):
    """The Disclosures tab: the accounting of the past 3 years, and the rights requests."""

    template_name = "disclosures/accounting.html"
    tab = "disclosures"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(accounting_context(self.patient))
        context["requests"] = RightsRequest.objects.filter(patient=self.patient).select_related(
            "recorded_by", "handled_by"
        )
        # Releases, packets, answers and amendments: the care team and supervisors only,
        # never under emergency access alone (NotUnderEmergencyMixin).
        context["releases"] = context["clinical"] and not context["emergency_access"]
        return context


class AccountingPrint(ChartMixin, TemplateView):
    """The accounting as a page to print and hand to the patient."""

    template_name = "disclosures/accounting_print.html"
    tab = "disclosures"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(accounting_context(self.patient))
        return context


class ReleaseCreate(NotUnderEmergencyMixin, ChartMixin, FormView):
    template_name = "disclosures/release_form.html"
    form_class = ReleaseForm
    clinical_only = True
    tab = "disclosures"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "patient": self.setup_patient()}

    def get_initial(self):
        return {"recipient_kind": Disclosure.RecipientKind.ORGANISATION}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        episode = data.pop("episode")
        try:
            disclosure = services.release_create(
                patient=self.patient,
                episode=episode,
                user=self.request.user,
                data=data,
                context=self.audit_context,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        n = disclosure.packet_pages
        pages = f"{n} page" if n == 1 else f"{n} pages"
        messages.success(
            self.request,
            f"Released to {disclosure.recipient_name} ({pages}) and recorded in the accounting "
            "of disclosures.",
        )
        return redirect("disclosures:accounting", pk=self.patient.pk)


class PacketDownload(NotUnderEmergencyMixin, ChartMixin, TemplateView):
    """The packet exactly as released, for the care team and supervisors; audited as export."""

    clinical_only = True

    def get(self, request, *args, **kwargs):
        patient = self.setup_patient()
        disclosure = get_object_or_404(Disclosure, pk=kwargs["disclosure_pk"], patient=patient)
        pdf = services.packet_download(
            disclosure=disclosure, user=request.user, context=self.audit_context
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"release-{patient.mrn}-{disclosure.pk}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class RightsRequestCreate(ChartMixin, FormView):
    template_name = "disclosures/rights_form.html"
    form_class = RightsRequestForm
    tab = "disclosures"

    def form_valid(self, form):
        try:
            services.rights_request_record(
                patient=self.setup_patient(),
                user=self.request.user,
                context=self.audit_context,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Request recorded; the answer is due within 30 days.")
        return redirect("disclosures:accounting", pk=self.patient.pk)


class RequestMixin(NotUnderEmergencyMixin, ChartMixin):
    clinical_only = True
    tab = "disclosures"

    def setup_request(self):
        if not hasattr(self, "rights_request"):
            patient = self.setup_patient()
            self.rights_request = get_object_or_404(
                RightsRequest, pk=self.kwargs["request_pk"], patient=patient
            )
        return self.rights_request

    def get_context_data(self, **kwargs):
        return super().get_context_data(rights_request=self.setup_request(), **kwargs)


class RightsRequestAnswer(RequestMixin, FormView):
    template_name = "disclosures/rights_answer.html"
    form_class = RightsAnswerForm

    def form_valid(self, form):
        try:
            services.rights_request_answer(
                request=self.setup_request(),
                user=self.request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["outcome_reason"],
                context=self.audit_context,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Request answered.")
        return redirect("disclosures:accounting", pk=self.patient.pk)


class AmendmentCreate(RequestMixin, FormView):
    template_name = "disclosures/amendment_form.html"
    form_class = AmendmentForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "patient": self.setup_patient()}

    def form_valid(self, form):
        try:
            services.amendment_add(
                request=self.setup_request(),
                note=form.cleaned_data["note"],
                text=form.cleaned_data["text"],
                user=self.request.user,
                context=self.audit_context,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Amendment added to the note as an addendum.")
        return redirect("disclosures:accounting", pk=self.patient.pk)
