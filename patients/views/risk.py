"""A clinician's risk assessment on the chart: the history, and the form that records one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView

from iop.errors import add_service_error
from patients import services
from patients.forms import RiskAssessmentForm
from patients.models import RiskAssessment
from patients.views.mixins import ChartMixin


class RiskAssessmentPage(ChartMixin, FormView):
    """Past assessments, newest first, and a form to record one (signed as it is saved)."""

    template_name = "patients/risk_assessments.html"
    form_class = RiskAssessmentForm
    clinical_only = True
    tab = "alerts"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["assessments"] = RiskAssessment.objects.filter(patient=self.patient).select_related(
            "signed_by"
        )
        return context

    def form_valid(self, form):
        patient = self.setup_patient()
        try:
            assessment = services.risk_assessment_record(
                patient=patient,
                level=form.cleaned_data["level"],
                rationale=form.cleaned_data["rationale"],
                user=self.request.user,
                context=self.audit_context,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        text = f"Risk assessment signed: {assessment.get_level_display().lower()} risk."
        if assessment.requires_safety_plan:
            messages.warning(
                self.request, text + " A risk alert was raised and a safety plan is required."
            )
        else:
            messages.success(self.request, text)
        return redirect("patients:risk", pk=patient.pk)
