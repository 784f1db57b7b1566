"""The intake coordinator's work: the queue, registering a referral, the intake assessment."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Window
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from iop.accounts.roles import Role
from iop.audit.context import AuditContext
from iop.audit.mixins import AuditedViewMixin
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record
from iop.errors import add_service_error
from iop.paging import CountedPagePaginator
from iop.together import rows_of, run_together
from iop.validation import id_or_none
from patients import services
from patients.access import get_patient_for_user, read_grants_in_force
from patients.forms import DeclineForm, PatientForm, ReferralForm, intake_step_form
from patients.intake_rows import read_queue_relations
from patients.models import Episode, IntakeAssessment, Patient, Program
from patients.models.intake import steps_for
from patients.part2 import protects_patient_of_row

INTAKE_ROLES = (Role.INTAKE, Role.SUPERVISOR)


class IntakeRoleMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_role(*INTAKE_ROLES):
            raise PermissionDenied("The intake queue is for intake coordinators and supervisors.")
        return super().dispatch(request, *args, **kwargs)


class IntakeQueue(IntakeRoleMixin, AuditedViewMixin, ListView):
    """Referrals waiting and intakes in progress, oldest first, a page at a time with their
    count; and a patient search."""

    model = Episode
    template_name = "patients/intake_queue.html"
    context_object_name = "episodes"
    paginate_by = 25
    paginator_class = CountedPagePaginator  # the page and the queue's length in one query
    MATCHES_SHOWN = 25

    def get_queryset(self):
        """The queue's episodes, their own columns only: what the rows show of their patient,
        program and intake is read by id after the page (`intake_rows`)."""
        qs = (
            Episode.objects.in_intake_queue_of(self.request.user)
            # Read with the row: the page's Part 2 notice needs no query of its own.
            .annotate(part2_protected=protects_patient_of_row())
            .order_by("referral_date", "pk")
        )
        program = id_or_none(self.request.GET.get("program"))
        if program is not None:
            qs = qs.filter(program_id=program)
        return qs

    def shown_patient_ids(self):
        """The queue's patients and the search's matches (the term itself is not recorded)."""
        return super().shown_patient_ids() + [patient.pk for patient in self.matches]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()
        context["q"] = q
        self.matches = []
        if q:
            # The first MATCHES_SHOWN, each carrying how many match in all (counted before the
            # limit, in the same query), so a broad search says it was cut short.
            self.matches = list(
                Patient.objects.for_user(self.request.user)
                .search(q)
                .annotate(
                    match_count=Window(Count("pk")), part2_protected=protects_patient_of_row("pk")
                )[: self.MATCHES_SHOWN]
            )
            context["matches"] = self.matches
            context["match_count"] = self.matches[0].match_count if self.matches else 0
        # The rows' patients, programs and intakes with the programs to filter by and the
        # emergency grants the audit's marks read when it names a patient: one turn.
        programs, *_ = run_together(
            rows_of(Program.objects.filter(is_active=True)),
            read_queue_relations(context["episodes"]),
            read_grants_in_force(self.request.user),
        )
        context["programs"] = programs
        context["program_asked"] = self.request.GET.get("program", "")
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        for episode in context["episodes"]:
            # The intake begun, or None. `episode.intake` raises for a referral whose intake
            # has not started, and a template paid for that exception (and Django's look at
            # the episode's every attribute) at each mention: ~45 a page.
            episode.started_intake = getattr(episode, "intake", None)
        shown = [*context["episodes"], *self.matches]
        context["is_part2"] = any(row.part2_protected for row in shown)
        return context


class ReferralCreate(IntakeRoleMixin, View):
    template_name = "patients/referral_form.html"

    def get(self, request):
        return self.render(PatientForm(prefix="patient"), ReferralForm(prefix="episode"))

    def render(self, patient_form, referral_form, duplicates=()):
        return render(
            request=self.request,
            template_name=self.template_name,
            context={
                "patient_form": patient_form,
                "referral_form": referral_form,
                "duplicates": duplicates,
            },
        )

    def post(self, request):
        patient_form = PatientForm(request.POST, prefix="patient")
        referral_form = ReferralForm(request.POST, prefix="episode")
        if not (patient_form.is_valid() and referral_form.is_valid()):
            return self.render(patient_form, referral_form)
        data = patient_form.cleaned_data
        duplicates = Patient.objects.filter(
            Q(legal_last_name__iexact=data["legal_last_name"]),
            Q(legal_first_name__iexact=data["legal_first_name"]),
            date_of_birth=data["date_of_birth"],
        )
        existing = request.POST.get("existing_patient", "")
        patient_data = dict(data)
        if existing.isdecimal():
            patient_data = duplicates.filter(pk=int(existing)).first()
            if patient_data is None:
                raise Http404
        elif duplicates.exists() and request.POST.get("confirm_new") != "1":
            return self.render(patient_form, referral_form, duplicates=list(duplicates))
        episode_data = dict(referral_form.cleaned_data)
        audit_context = AuditContext.from_request(request)
        try:
            episode = services.referral_register(
                user=request.user,
                patient_data=patient_data,
                episode_data=episode_data,
                context=audit_context,
            )
        except ValidationError as error:
            # A refusal names either the patient's fields or the referral's, never both.
            names_patient = set(getattr(error, "error_dict", ())) & set(patient_form.fields)
            add_service_error(patient_form if names_patient else referral_form, error)
            return self.render(patient_form, referral_form)
        messages.success(
            request,
            f"Referral registered for {episode.patient.display_name} (MRN {episode.patient.mrn}).",
        )
        if "start_intake" in request.POST:
            services.intake_start(episode=episode, user=request.user, context=audit_context)
            return redirect(
                "patients:intake-step", episode_pk=episode.pk, step=steps_for(episode)[0].slug
            )
        return redirect("patients:intake-queue")


class EpisodeMixin(LoginRequiredMixin, AuditedViewMixin):
    """An episode the user may work the intake of (intake, supervisors, its care team)."""

    model = Episode
    pk_url_kwarg = "episode_pk"

    def get_episode(self):
        if not hasattr(self, "episode"):
            user = self.request.user
            episode = (
                Episode.objects.for_user(user)
                .select_related("patient", "program")
                .filter(pk=self.kwargs["episode_pk"])
                .first()
            )
            if episode is None:
                raise Http404("No such episode.")
            get_patient_for_user(user, episode.patient_id)
            self.episode = self.object = episode
        return self.episode


class IntakeStart(EpisodeMixin, View):
    def post(self, request, episode_pk):
        episode = self.get_episode()
        try:
            assessment = services.intake_start(
                episode=episode, user=request.user, context=self.audit_context
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("patients:intake-queue")
        return redirect("patients:intake-step", episode_pk=episode.pk, step=assessment.current_step)


class IntakeStep(EpisodeMixin, View):
    """One step of the intake. Moving on saves the step; with htmx only the form is swapped
    for the next step's (and the address follows), so the whole intake is one page load."""

    template_name = "patients/intake_step.html"
    partial_name = "patients/_intake_step.html"

    def setup_step(self):
        episode = self.get_episode()
        self.assessment = (
            IntakeAssessment.objects.select_related("episode").filter(episode=episode).first()
        )
        if self.assessment is None:
            raise Http404("The intake has not been started.")
        self.object = self.assessment
        self.steps = steps_for(episode)
        self.step = next((s for s in self.steps if s.slug == self.kwargs["step"]), None)
        if self.step is None:
            raise Http404("No such step.")
        return intake_step_form(self.step, episode)

    def context(self, form, **extra):
        return {
            "form": form,
            "episode": self.episode,
            "patient": self.episode.patient,
            "assessment": self.assessment,
            "steps": self.steps,
            "step": self.step,
            "filled": self.assessment.filled_steps(),
            "position": self.steps.index(self.step) + 1,
            **extra,
        }

    def render(self, form, template_name=None, **extra):
        return render(
            self.request, template_name or self.template_name, self.context(form, **extra)
        )

    def get(self, request, episode_pk, step):
        form_class = self.setup_step()
        if self.assessment.is_completed:
            return redirect("patients:intake", pk=self.episode.patient_id)
        return self.render(form_class(instance=self.assessment))

    def save(self, form_class, advance):
        """The step's answers saved as a draft: None, or the form showing what was refused."""
        form = form_class(self.request.POST, instance=self.assessment)
        if not form.is_valid():
            return form
        try:
            services.intake_save_step(
                assessment=self.assessment,
                step=self.step,
                data=form.cleaned_data,
                user=self.request.user,
                context=self.audit_context,
                advance=advance,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return form
        return None

    def post(self, request, episode_pk, step):
        form_class = self.setup_step()
        refused = self.save(form_class, advance=True)
        partial = self.partial_name if request.htmx else None
        if refused is not None:
            return self.render(refused, partial, swapped=True)
        target = request.POST.get("goto", "")
        if "save_exit" in request.POST:
            messages.success(request, "Draft saved. You can resume this intake from the queue.")
            return self.leave(reverse("patients:intake-queue"))
        if target == "review" or (not target and self.step == self.steps[-1]):
            return self.leave(reverse("patients:intake-review", args=[self.episode.pk]))
        if target not in {s.slug for s in self.steps}:
            target = self.steps[min(self.steps.index(self.step) + 1, len(self.steps) - 1)].slug
        url = reverse("patients:intake-step", args=[self.episode.pk, target])
        if not request.htmx:
            return redirect(url)
        self.kwargs["step"] = target
        form_class = self.setup_step()
        response = self.render(form_class(instance=self.assessment), partial, swapped=True)
        response["HX-Push-Url"] = url
        # The next step is shown without the GET that records reading it: recorded here.
        audit_record(
            action=AuditEvent.Action.VIEW,
            request=request,
            obj=self.assessment,
            patient_id=self.assessment.audit_patient_id,
            detail=f"step {target}",
        )
        return response

    def leave(self, url):
        """To another page: a redirect, or for htmx a whole-page load of it."""
        if self.request.htmx:
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)


class IntakeAutosave(IntakeStep):
    """The step saving itself while the coordinator types (a draft, as moving on saves it):
    answers with what happened and the steps' ✓ marks as they now stand."""

    http_method_names = ["post"]

    def post(self, request, episode_pk, step):
        form_class = self.setup_step()
        refused = self.save(form_class, advance=False)
        if refused is None:
            status = f"Draft saved {timezone.localtime():%H:%M}"
        else:
            errors = "; ".join(e for errors in refused.errors.values() for e in errors)
            status = f"Not saved: {errors}"
        return render(
            request, "patients/_intake_autosave.html", self.context(refused, status=status)
        )


class IntakeReview(EpisodeMixin, View):
    """The whole intake, what admission still needs, and the buttons that supply it: a
    clinician's confirmation, a Part 2 refusal (SUD care), and completing (which admits)."""

    template_name = "patients/intake_review.html"

    def get_context(self):
        episode = self.get_episode()
        assessment = IntakeAssessment.objects.filter(episode=episode).first()
        if assessment is None:
            raise Http404("The intake has not been started.")
        self.object = assessment
        needs = {}
        if episode.status == Episode.Status.INTAKE:
            needs = services.admission_missing(
                episode, assessment, completing=not assessment.is_completed
            )
        return {
            "episode": episode,
            "patient": episode.patient,
            "assessment": assessment,
            "steps": steps_for(episode),
            "missing": assessment.missing_sections(),
            "admission_needs": needs,
            "can_confirm": self.request.user.has_role(*Role.CLINICAL),
        }

    def get(self, request, episode_pk):
        return render(request, self.template_name, self.get_context())

    def post(self, request, episode_pk):
        context = self.get_context()
        action = request.POST.get("action", "complete")
        try:
            if action == "confirm":
                services.intake_confirm(
                    assessment=context["assessment"], user=request.user, context=self.audit_context
                )
            elif action == "part2_refusal":
                services.part2_refusal_record(
                    episode=self.episode,
                    reason=request.POST.get("reason", ""),
                    user=request.user,
                    context=self.audit_context,
                )
            else:
                services.intake_complete(
                    assessment=context["assessment"], user=request.user, context=self.audit_context
                )
        except ValidationError as error:
            context["errors"] = error.messages
            context["refusal_reason"] = request.POST.get("reason", "")
            return render(request, self.template_name, context, status=400)
        if action == "confirm":
            messages.success(request, "Diagnoses and level of care confirmed.")
            return redirect("patients:intake-review", episode_pk=self.episode.pk)
        if action == "part2_refusal":
            messages.success(request, "The patient's refusal of a Part 2 consent is recorded.")
            return redirect("patients:intake-review", episode_pk=self.episode.pk)
        messages.success(
            request,
            f"Intake completed: {self.episode.patient.display_name} is "
            f"admitted to {self.episode.program}.",
        )
        return redirect("patients:chart", pk=self.episode.patient_id)


class ReferralDecline(EpisodeMixin, View):
    template_name = "patients/referral_decline.html"

    def get(self, request, episode_pk):
        return render(
            request, self.template_name, {"form": DeclineForm(), "episode": self.get_episode()}
        )

    def post(self, request, episode_pk):
        episode = self.get_episode()
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                services.episode_transition(
                    episode=episode,
                    to_status=Episode.Status.DECLINED,
                    user=request.user,
                    context=self.audit_context,
                    decline_reason=form.cleaned_data["decline_reason"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Referral for {episode.patient.display_name} declined.")
                return redirect("patients:intake-queue")
        return render(request, self.template_name, {"form": form, "episode": episode})
