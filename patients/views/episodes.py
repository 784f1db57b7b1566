"""An admitted episode's Part 2 flag, program and diagnoses: changed by a supervisor of its
program (or a clinical director) with a reason (services.episode_part2_set,
services.episode_program_change, services.episode_diagnoses_set)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from iop.errors import add_service_error
from patients import services
from patients.forms import DiagnosesChangeForm, Part2ChangeForm, ProgramChangeForm
from patients.models import Episode, IntakeAssessment
from patients.querysets import supervises
from patients.views.mixins import ChartMixin


class EpisodeClassification(ChartMixin, TemplateView):
    """The page where a supervisor of the episode's program marks it as SUD care or not, or
    moves it to another program; it lists the changes made so far, with their reasons."""

    template_name = "patients/episode_classification.html"
    clinical_only = True
    tab = "summary"

    def setup_episode(self):
        if not hasattr(self, "episode"):
            patient = self.setup_patient()
            episode = (
                Episode.objects.filter(patient=patient, pk=self.kwargs["episode_pk"])
                .select_related("program")
                .first()
            )
            if episode is None:
                raise Http404("No such episode.")
            if not supervises(self.request.user, episode.program_id):
                raise PermissionDenied(
                    f"Only a supervisor of {episode.program} (or a clinical director) changes "
                    "the episode's Part 2 flag or program."
                )
            self.episode = episode
        return self.episode

    def get_context_data(self, **kwargs):
        episode = self.setup_episode()
        context = super().get_context_data(**kwargs)
        context.setdefault("part2_form", Part2ChangeForm(initial={"is_sud": not episode.is_sud}))
        context.setdefault("program_form", ProgramChangeForm())
        if episode.status == Episode.Status.ACTIVE:
            intake = IntakeAssessment.objects.filter(episode=episode).first()
            context.setdefault(
                "diagnoses_form",
                DiagnosesChangeForm(
                    prefix="dx", initial={"diagnoses": intake.diagnoses if intake else []}
                ),
            )
        context["episode"] = episode
        context["changes"] = episode.changes.select_related("changed_by")
        return context

    def post(self, request, *args, **kwargs):
        episode = self.setup_episode()
        change = request.POST.get("change")
        if change == "program":
            form, key = ProgramChangeForm(request.POST), "program_form"
        elif change == "diagnoses":
            form, key = DiagnosesChangeForm(request.POST, prefix="dx"), "diagnoses_form"
        else:
            form, key = Part2ChangeForm(request.POST), "part2_form"
        if form.is_valid():
            try:
                if key == "diagnoses_form":
                    services.episode_diagnoses_set(
                        episode=episode,
                        user=request.user,
                        context=self.audit_context,
                        **form.cleaned_data,
                    )
                elif key == "program_form":
                    services.episode_program_change(
                        episode=episode,
                        user=request.user,
                        context=self.audit_context,
                        **form.cleaned_data,
                    )
                else:
                    services.episode_part2_set(
                        episode=episode,
                        user=request.user,
                        context=self.audit_context,
                        **form.cleaned_data,
                    )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Change recorded, with its reason.")
                return redirect("patients:chart", pk=self.patient.pk)
        return self.render_to_response(self.get_context_data(**{key: form}))
