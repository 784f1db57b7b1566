"""The chart's level of care page: change the level (PHP, IOP, OP) from a date with the reason,
or record a planned short step-down; both histories. Rules and who may:
`patients.services.episode_change_level_of_care` and `sessions.services.step_down_record`."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import TemplateView

from iop.errors import add_service_error
from patients import services as patient_services
from patients.access import cares_for_episode
from patients.models import Episode
from patients.views.mixins import ChartMixin
from sessions import services
from sessions.forms import LevelOfCareForm, StepDownForm


class LevelOfCarePage(ChartMixin, TemplateView):
    template_name = "sessions/level_of_care.html"
    clinical_only = True
    tab = "sessions"

    def active_episode(self, episodes=None):
        """The patient's active episode (one at most), with its program; found among
        `episodes` (the chart header's, all of the patient's) when given."""
        if not hasattr(self, "_episode"):
            if episodes is not None:
                active = (e for e in episodes if e.status == Episode.Status.ACTIVE)
                self._episode = next(active, None)
            else:
                self._episode = (
                    Episode.objects.filter(
                        patient=self.setup_patient(), status=Episode.Status.ACTIVE
                    )
                    .select_related("program")
                    .first()
                )
        return self._episode

    def get_context_data(self, level_form=None, step_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        episode = self.active_episode(context["episodes"])
        may_change = episode is not None and cares_for_episode(self.request.user, episode)
        today = timezone.localdate()
        if may_change:
            other = [v for v in Episode.LevelOfCare.values if v != episode.level_of_care]
            level_form = level_form or LevelOfCareForm(
                prefix="level", initial={"to_level": other[-1], "effective_date": today}
            )
            step_form = step_form or StepDownForm(
                prefix="step", initial={"starts_on": today, "ends_on": today + timedelta(days=6)}
            )
        context.update(
            active_episode=episode,
            may_change=may_change,
            level_form=level_form if may_change else None,
            step_form=step_form if may_change else None,
            level_changes=list(
                episode.level_changes.select_related("changed_by") if episode else []
            ),
            step_downs=list(
                episode.step_downs.select_related("recorded_by").order_by("-starts_on")
                if episode
                else []
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        patient = self.setup_patient()
        episode = self.active_episode()
        if episode is None:
            messages.error(request, "Only an active episode changes level of care.")
            return redirect("sessions:level-of-care", pk=patient.pk)
        if request.POST.get("action") == "step-down":
            form, key = StepDownForm(request.POST, prefix="step"), "step_form"
        else:
            form, key = LevelOfCareForm(request.POST, prefix="level"), "level_form"
        if form.is_valid():
            data = form.cleaned_data
            try:
                if key == "step_form":
                    services.step_down_record(
                        episode=episode, user=request.user, context=self.audit_context, **data
                    )
                    done = (
                        f"Planned step-down recorded, {data['starts_on']:%-d %b} to "
                        f"{data['ends_on']:%-d %b %Y}: those weeks are not counted as "
                        "non-attendance."
                    )
                else:
                    change = patient_services.episode_change_level_of_care(
                        episode=episode, user=request.user, context=self.audit_context, **data
                    )
                    done = (
                        f"Level of care changed: {change.from_level} → {change.to_level} from "
                        f"{change.effective_date:%-d %b %Y}."
                    )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, done)
                return redirect("sessions:level-of-care", pk=patient.pk)
        return self.render_to_response(self.get_context_data(**{key: form}))
