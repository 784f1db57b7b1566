"""Discharge with the aftercare plan: saving both closes the treatment plan."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import TemplateView

from iop.errors import ConflictError, add_service_error
from patients.models import Episode
from plans import services
from plans.forms import DischargeForm
from plans.models import AftercarePlan
from plans.views.plan import PlanChartMixin


class Discharge(PlanChartMixin, TemplateView):
    """Discharge with the aftercare plan: saving both closes the treatment plan."""

    template_name = "plans/discharge.html"

    def setup_episode(self):
        patient = self.setup_patient()
        self.episode = patient.episodes.filter(status=Episode.Status.ACTIVE).first()
        return self.episode

    def get_context_data(self, form=None, **kwargs):
        episode = self.setup_episode()
        context = super().get_context_data(**kwargs)
        if form is None and episode is not None:
            aftercare = (
                getattr(episode, "aftercare", None) if hasattr(episode, "aftercare") else None
            )
            form = DischargeForm(
                instance=aftercare,
                initial={
                    "step_down_level": AftercarePlan.StepDown.OP,
                    "discharge_date": timezone.localdate(),
                },
            )
        context.update(discharge_form=form, active_episode=episode)
        return context

    def post(self, request, pk):
        episode = self.setup_episode()
        if episode is None:
            messages.error(request, "There is no active episode to discharge.")
            return redirect("plans:patient-plan", pk=self.patient.pk)
        form = DischargeForm(request.POST)
        if form.is_valid():
            try:
                services.episode_discharge(
                    episode=episode,
                    aftercare=form.aftercare_data(),
                    reason=form.cleaned_data["reason"],
                    discharge_date=form.cleaned_data["discharge_date"],
                    user=request.user,
                    context=self.audit_context,
                )
            except (ValidationError, ConflictError) as error:
                add_service_error(form, error)
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request,
            f"{self.patient.display_name} discharged; the aftercare plan "
            "is recorded and the treatment plan is closed.",
        )
        return redirect("patients:chart", pk=self.patient.pk)
