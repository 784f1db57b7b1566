"""The discharge summary page (prepare, edit, sign) and its PDF."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from documents import services
from documents.forms import DischargeSummaryForm
from documents.models import DischargeSummary
from documents.pdf.frame import filename
from documents.pdf.summary import summary_pdf
from documents.selectors import summary_record
from documents.views.pdfs import PdfView
from iop.errors import ConflictError, add_service_error, error_text
from patients.models import Episode
from patients.views.mixins import ChartMixin


def discharged_episode(patient, pk):
    return get_object_or_404(
        Episode.objects.select_related("program", "primary_clinician"),
        pk=pk,
        patient=patient,
        status=Episode.Status.DISCHARGED,
    )


class DischargeSummaryPage(ChartMixin, TemplateView):
    template_name = "documents/discharge_summary.html"
    clinical_only = True
    tab = "plan"

    def setup_summary(self):
        patient = self.setup_patient()
        self.episode = discharged_episode(patient, self.kwargs["episode_pk"])
        self.summary = (
            DischargeSummary.objects.filter(episode=self.episode)
            .select_related("signed_by", "updated_by")
            .first()
        )
        if self.summary is not None:
            self.object = self.summary
        return self.summary

    def get_context_data(self, form=None, **kwargs):
        summary = self.setup_summary()
        context = super().get_context_data(**kwargs)
        record = summary.record if summary and summary.is_signed else summary_record(self.episode)
        if summary is not None and not summary.is_signed and form is None:
            form = DischargeSummaryForm(instance=summary, initial={"revision": summary.revision})
        context.update(
            summary=summary,
            discharge_episode=self.episode,
            record=record,
            form=form,
            signer=self.episode.primary_clinician,
            may_sign=self.episode.primary_clinician_id == self.request.user.pk,
            may_write=not context["emergency_access"],
        )
        return context

    @staticmethod
    def refused(form, error):
        if isinstance(error, PermissionDenied):
            form.add_error(None, str(error))
        else:
            add_service_error(form, error)

    def post(self, request, pk, episode_pk):
        summary = self.setup_summary()
        try:
            if summary is None:
                services.discharge_summary_prepare(
                    episode=self.episode, user=request.user, context=self.audit_context
                )
                messages.success(request, "Discharge summary prepared from the record.")
                return redirect(request.path)
        except (ValidationError, ConflictError, PermissionDenied) as error:
            messages.error(request, error_text(error))
            return redirect(request.path)
        form = DischargeSummaryForm(request.POST, instance=summary)
        signing = "sign" in request.POST
        if form.is_valid():
            try:
                summary = services.discharge_summary_update(
                    summary=summary,
                    data=form.cleaned_data,
                    revision=form.cleaned_data["revision"],
                    user=request.user,
                    context=self.audit_context,
                )
            except (ValidationError, ConflictError, PermissionDenied) as error:
                self.refused(form, error)
            else:
                if signing:
                    try:
                        services.discharge_summary_sign(
                            summary=summary, user=request.user, context=self.audit_context
                        )
                    except (ValidationError, ConflictError, PermissionDenied) as error:
                        # The text was saved: carry on from the draft's new revision.
                        data = request.POST.copy()
                        data["revision"] = summary.revision
                        form = DischargeSummaryForm(data, instance=summary)
                        form.is_valid()
                        self.refused(form, error)
                        messages.info(request, "The draft was saved, but not signed.")
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, "Discharge summary signed." if signing else "Draft saved.")
        return redirect(request.path)


class DischargeSummaryPdf(PdfView):
    what = "discharge summary"

    def get_document(self):
        patient = self.patient_for(self.kwargs["pk"])
        episode = discharged_episode(patient, self.kwargs["episode_pk"])
        summary = get_object_or_404(
            DischargeSummary.objects.select_related("patient", "signed_by"), episode=episode
        )
        record = summary.record if summary.is_signed else summary_record(episode)
        data, _ = summary_pdf(summary, record)
        return patient, summary, data, filename("discharge-summary", patient, f"-{episode.pk}")
