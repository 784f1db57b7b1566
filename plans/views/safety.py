"""The safety plan page (versions, and whether one is needed) and the draft editor with signing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from iop.errors import ConflictError, add_service_error, error_text
from plans import services
from plans.forms import SafetyPlanForm, SafetySignForm
from plans.models import SafetyPlan
from plans.selectors import safety_plan_needed
from plans.views.plan import PlanChartMixin


class SafetyPlanPage(PlanChartMixin, TemplateView):
    template_name = "plans/safety_plan.html"

    def get_context_data(self, **kwargs):
        patient = self.setup_patient()
        context = super().get_context_data(**kwargs)
        versions = list(SafetyPlan.objects.filter(patient=patient).select_related("signed_by"))
        context.update(
            versions=versions,
            active=next((v for v in versions if v.status == SafetyPlan.Status.ACTIVE), None),
            draft=next((v for v in versions if v.status == SafetyPlan.Status.DRAFT), None),
            needed=safety_plan_needed(patient),
        )
        return context

    def post(self, request, pk):
        patient = self.setup_patient()
        try:
            services.safety_plan_start(
                patient=patient, user=request.user, context=self.audit_context
            )
        except (ValidationError, ConflictError) as error:
            messages.error(request, error_text(error))
            return redirect("plans:safety", pk=patient.pk)
        return redirect("plans:safety-edit", pk=patient.pk)


class SafetyPlanEdit(PlanChartMixin, TemplateView):
    template_name = "plans/safety_plan_edit.html"

    def setup_draft(self):
        patient = self.setup_patient()
        self.draft = SafetyPlan.objects.filter(patient=patient).drafts().first()
        if self.draft is None:
            raise Http404("There is no draft safety plan; start one first.")
        return self.draft

    def get_context_data(self, form=None, sign_form=None, **kwargs):
        draft = self.setup_draft()
        context = super().get_context_data(**kwargs)
        context.update(
            draft=draft,
            form=form or SafetyPlanForm(instance=draft, initial={"revision": draft.revision}),
            sign_form=sign_form
            or SafetySignForm(
                initial={"revision": draft.revision, "patient_ack_name": self.patient.legal_name},
                prefix="sign",
            ),
        )
        return context

    def post(self, request, pk):
        draft = self.setup_draft()
        signing = "sign" in request.POST
        form = SafetyPlanForm(request.POST, instance=draft)
        sign_form = SafetySignForm(request.POST if signing else None, prefix="sign")
        updated, sign_errors = False, {}
        if form.is_valid():
            try:
                draft = services.safety_plan_update(
                    plan=draft,
                    data=form.cleaned_data,
                    revision=form.cleaned_data["revision"],
                    user=request.user,
                    context=self.audit_context,
                )
                updated = True
            except (ValidationError, ConflictError) as error:
                add_service_error(form, error)
        if updated and signing and sign_form.is_valid():
            try:
                services.safety_plan_activate(
                    plan=draft,
                    user=request.user,
                    patient_ack_name=sign_form.cleaned_data["patient_ack_name"],
                    revision=draft.revision,
                    context=self.audit_context,
                )
            except (ValidationError, ConflictError) as error:
                sign_errors = getattr(error, "message_dict", None) or {None: [str(error)]}
        if not updated or (signing and (sign_form.errors or sign_errors)):
            if updated:  # the draft was saved: carry on from its new revision
                data = request.POST.copy()
                data["revision"] = draft.revision
                form = SafetyPlanForm(data, instance=draft)
                form.is_valid()
                for field, errors in sign_errors.items():
                    if field in form.fields:
                        form.add_error(field, errors)
                    else:
                        sign_form.add_error(field if field in sign_form.fields else None, errors)
                messages.info(request, "The draft was saved, but not signed yet.")
            return self.render_to_response(self.get_context_data(form=form, sign_form=sign_form))
        if signing:
            messages.success(request, f"Safety plan version {draft.version} signed and active.")
            return redirect("plans:safety", pk=draft.patient_id)
        messages.success(request, "Safety plan draft saved.")
        return redirect("plans:safety-edit", pk=draft.patient_id)
