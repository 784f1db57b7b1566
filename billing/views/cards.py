"""The scanned insurance card, served only here: to whoever may read the coverage, audited as
a view of the patient's data, with `Content-Disposition` and `nosniff` so a browser never
guesses a type from the content."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views import View

from billing.models import Coverage
from iop.audit.models import AuditEvent
from iop.audit.refusals import note_refused_target
from iop.audit.services import audit_record
from patients.access import get_patient_for_billing
from patients.models import Patient

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


class CardDownload(LoginRequiredMixin, View):
    def get(self, request, pk, coverage_pk):
        note_refused_target(request, Patient, pk)
        patient = get_patient_for_billing(request.user, pk)
        coverage = get_object_or_404(
            Coverage.objects.for_user(request.user), pk=coverage_pk, episode__patient=patient
        )
        if not coverage.card or coverage.card_content_type not in EXTENSIONS:
            raise Http404("No scanned card on this coverage.")
        try:
            handle = coverage.card.open("rb")
        except FileNotFoundError as error:
            raise Http404("The scanned card's file is missing.") from error
        audit_record(
            action=AuditEvent.Action.VIEW,
            request=request,
            obj=coverage,
            patient_id=patient.pk,
            detail="scanned card",
        )
        extension = EXTENSIONS[coverage.card_content_type]
        inline = coverage.card_content_type != "application/pdf"
        response = FileResponse(
            handle,
            content_type=coverage.card_content_type,
            as_attachment=not inline,
            filename=f"coverage-{coverage.pk}-card.{extension}",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
