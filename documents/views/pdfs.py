"""The PDF downloads: each opens to whoever may read the page it comes from (the same lookups,
404 otherwise) and is recorded as an export (`documents.services.document_export`)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View

from documents.pdf.frame import filename
from documents.pdf.notes import note_pdf
from documents.pdf.plans import aftercare_pdf, safety_plan_pdf, treatment_plan_pdf
from documents.services import document_export
from iop.audit.context import AuditContext
from iop.audit.refusals import note_refused_target
from patients.access import get_patient_for_user
from patients.models import Patient
from plans.models import AftercarePlan, SafetyPlan, TreatmentPlan
from sessions.models import ProgressNote


def pdf_response(data, name):
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class PdfView(LoginRequiredMixin, View):
    """A document of the chart's clinical part (closed to intake coordinators: 404)."""

    what = ""

    def patient_for(self, pk):
        note_refused_target(self.request, Patient, pk)
        return get_patient_for_user(self.request.user, pk, clinical=True)

    def get_document(self):
        """(patient, record, pdf bytes, file name)."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        patient, record, data, name = self.get_document()
        document_export(
            obj=record,
            patient=patient,
            what=self.what,
            user=request.user,
            emergency=getattr(patient, "emergency_access", None) is not None,
            context=AuditContext.from_request(request),
        )
        return pdf_response(data, name)


class NotePdf(PdfView):
    """A session's note as this patient's record: the shared part and their own part only. A
    draft is for the session's clinicians (who read it on the session page), watermarked."""

    what = "progress note"

    def get_document(self):
        pk = self.kwargs["pk"]
        note_refused_target(self.request, Patient, pk)
        note = get_object_or_404(
            ProgressNote.objects.filter(
                session_id=self.kwargs["session_pk"], entries__patient_id=pk
            ).select_related(
                "session__group", "session__patient", "author", "signed_by", "cosigned_by"
            )
        )
        if note.session.is_run_by(self.request.user):
            # Those who run the session read every attendee's part on its page (whether or
            # not the attendee is on their caseload): each attendee's PDF is theirs to print.
            patient = Patient.objects.get(pk=pk)
        else:
            patient = self.patient_for(pk)
            if not note.is_locked:
                raise Http404("The note is a draft: it is read on the session page.")
        data, _ = note_pdf(note, patient)
        date = f"{timezone.localtime(note.session.starts_at):%Y%m%d}"
        return patient, note, data, filename("note", patient, f"-{date}-{note.session_id}")


class PlanPdf(PdfView):
    what = "treatment plan"

    def get_document(self):
        plan = get_object_or_404(
            TreatmentPlan.objects.select_related("episode__program", "patient", "signed_by"),
            pk=self.kwargs["plan_pk"],
        )
        patient = self.patient_for(plan.patient_id)
        data, _ = treatment_plan_pdf(plan)
        return patient, plan, data, filename("plan", patient, f"-v{plan.version}")


class SafetyPlanPdf(PdfView):
    what = "safety plan"

    def get_document(self):
        patient = self.patient_for(self.kwargs["pk"])
        plan = get_object_or_404(
            SafetyPlan.objects.select_related("patient", "signed_by"),
            pk=self.kwargs["plan_pk"],
            patient=patient,
        )
        data, _ = safety_plan_pdf(plan)
        return patient, plan, data, filename("safety-plan", patient, f"-v{plan.version}")


class AftercarePdf(PdfView):
    what = "aftercare plan"

    def get_document(self):
        patient = self.patient_for(self.kwargs["pk"])
        aftercare = get_object_or_404(
            AftercarePlan.objects.select_related("episode__program", "patient", "created_by"),
            episode_id=self.kwargs["episode_pk"],
            patient=patient,
        )
        data, _ = aftercare_pdf(aftercare)
        return patient, aftercare, data, filename("aftercare", patient, f"-{aftercare.episode_id}")
