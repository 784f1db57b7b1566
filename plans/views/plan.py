"""The plan page, one version (read-only, printable), and starting, revising and signing a plan."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from iop.errors import ConflictError, add_service_error, error_text
from patients.access import Access, access_level
from patients.models import Episode, Patient
from patients.views.mixins import ChartMixin
from plans import services
from plans.forms import SignForm
from plans.models import TreatmentPlan
from plans.plan_page import plan_tab
from plans.selectors import plan_tree


class ClinicalPartRefused(PermissionDenied):
    """An intake coordinator asked for a plan page of a patient whose chart they open."""

    def __init__(self, patient):
        super().__init__("Treatment plans are for the care team.")
        self.patient = patient


class PlanChartMixin(ChartMixin):
    """A page of the patient's plan: clinical, under the chart's Plan tab.

    Someone who may not open the chart gets the 404 every chart page gives (nothing said about
    whether the patient exists); an intake coordinator, who opens the chart's intake part,
    gets a 403 page saying where their work on this patient is instead."""

    clinical_only = True
    tab = "plan"

    def setup_patient(self, pk=None):
        try:
            return super().setup_patient(pk)
        except Http404:
            user = self.request.user
            patient = Patient.objects.for_user(user).filter(pk=pk or self.kwargs["pk"]).first()
            if patient is not None and access_level(user, patient) == Access.INTAKE:
                raise ClinicalPartRefused(patient) from None
            raise

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except ClinicalPartRefused as refusal:
            context = {"patient": refusal.patient}
            return render(request, "plans/not_for_intake.html", context, status=403)


class PlanObjectMixin(PlanChartMixin):
    """The plan from the URL's `plan_pk`; 404 unless the user may read its patient's record."""

    def setup_plan(self):
        if not hasattr(self, "plan"):
            plan = get_object_or_404(
                TreatmentPlan.objects.select_related("episode__program", "signed_by"),
                pk=self.kwargs["plan_pk"],
            )
            self.setup_patient(plan.patient_id)
            self.plan = self.object = plan
        return self.plan


class PatientPlan(PlanChartMixin, TemplateView):
    """The current plan (active, and the draft being written), discharged episodes' last
    plans, reviews a page at a time, the safety plan: a fixed number of queries, reading only
    the versions shown (the others are in the version history)."""

    template_name = "plans/patient_plan.html"

    def get_context_data(self, **kwargs):
        patient = self.setup_patient()
        context = super().get_context_data(**kwargs)
        context.update(
            plan_tab(
                patient,
                episode=context["episode"],
                episodes=context["episodes"],
                reviews_page=self.request.GET.get("reviews"),
            )
        )
        return context


class PlanDetail(PlanObjectMixin, TemplateView):
    """One version, read-only and printable."""

    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan = self.setup_plan()
        context = super().get_context_data(**kwargs)
        context.update(plan=plan, problems=plan_tree(plan))
        return context


class PlanStart(PlanChartMixin, View):
    def post(self, request, pk):
        patient = self.setup_patient()
        episode = patient.episodes.filter(status=Episode.Status.ACTIVE).first()
        if episode is None:
            messages.error(request, "A plan is written for an admitted (active) episode.")
            return redirect("plans:patient-plan", pk=patient.pk)
        try:
            plan = services.plan_start(
                episode=episode, user=request.user, context=self.audit_context
            )
        except (ValidationError, ConflictError) as error:
            messages.error(request, error_text(error))
            return redirect("plans:patient-plan", pk=patient.pk)
        return redirect("plans:edit", plan_pk=plan.pk)


class PlanRevise(PlanObjectMixin, View):
    def post(self, request, plan_pk):
        plan = self.setup_plan()
        try:
            draft = services.plan_revise(plan=plan, user=request.user, context=self.audit_context)
        except (ValidationError, ConflictError) as error:
            messages.error(request, error_text(error))
            return redirect(plan.get_absolute_url())
        messages.info(
            request,
            f"Version {draft.version} is a draft made from version "
            f"{plan.version}, which stays active until you sign this one.",
        )
        return redirect("plans:edit", plan_pk=draft.pk)


class PlanSign(PlanObjectMixin, TemplateView):
    template_name = "plans/plan_sign.html"

    def get_context_data(self, form=None, **kwargs):
        plan = self.setup_plan()
        context = super().get_context_data(**kwargs)
        form = form or SignForm(
            initial={
                "revision": plan.revision,
                "patient_ack_name": self.patient.legal_name,
                "patient_ack_at": timezone.localtime().replace(second=0, microsecond=0),
            }
        )
        context.update(plan=plan, problems=plan_tree(plan), form=form)
        return context

    def post(self, request, plan_pk):
        plan = self.setup_plan()
        form = SignForm(request.POST)
        if form.is_valid():
            try:
                services.plan_activate(
                    plan=plan,
                    user=request.user,
                    patient_ack_name=form.cleaned_data["patient_ack_name"],
                    patient_ack_at=form.cleaned_data["patient_ack_at"],
                    revision=form.cleaned_data["revision"],
                    context=self.audit_context,
                )
            except (ValidationError, ConflictError) as error:
                add_service_error(form, error)
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, f"Plan version {plan.version} signed and active.")
        return redirect("plans:patient-plan", pk=plan.patient_id)
