"""The Medications tab of the chart: the list, its history, the reconciliations, and the
forms that change them. Thin: the rules are in `medications.services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, TemplateView

from iop.errors import ConflictError, add_service_error, error_text
from iop.paging import CountedPagePaginator
from medications import selectors, services
from medications.forms import (
    MedicationForm,
    ReconciliationForm,
    ReconciliationStartForm,
    StopForm,
)
from medications.models import Medication, Reconciliation
from medications.services.entries import current_episode
from medications.services.reconciliations import SIGNED
from patients.views.mixins import ChartMixin

PER_PAGE = 25


class MedicationChartMixin(ChartMixin):
    clinical_only = True
    tab = "medications"

    def chart_context(self, **extra):
        context = super().chart_context(**extra)
        context["may_write"] = services.may_write(self.request.user, self.patient)
        return context


class WriterMixin(MedicationChartMixin):
    """Forms that change the list: the care team and supervisors (403 otherwise, also under
    emergency access; the services refuse it too)."""

    def setup_patient(self, pk=None):
        patient = super().setup_patient(pk)
        if not services.may_write(self.request.user, patient):
            raise PermissionDenied(services.access.WRITE_REFUSED)
        return patient


class MedicationsTab(MedicationChartMixin, TemplateView):
    template_name = "medications/chart_medications.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        active, stopped = selectors.medication_list(self.patient)
        changes = CountedPagePaginator(selectors.history(self.patient), PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        recs = CountedPagePaginator(selectors.reconciliations(self.patient), PER_PAGE).get_page(
            self.request.GET.get("rpage")
        )
        changes_shown = list(changes)
        users = selectors.prescriber_names(changes_shown)
        context.update(
            active=active,
            stopped=stopped,
            changes=[(change, change.lines(users)) for change in changes_shown],
            changes_page=changes,
            reconciliations=selectors.with_episodes(list(recs), context["episodes"]),
            reconciliations_page=recs,
            start_form=ReconciliationStartForm(
                episode=current_episode(self.patient, episodes=context["episodes"])
            ),
        )
        return context


class MedicationCreate(WriterMixin, FormView):
    template_name = "medications/medication_form.html"
    form_class = MedicationForm

    def form_valid(self, form):
        try:
            medication = services.medication_add(
                patient=self.setup_patient(),
                data=form.service_data(is_new=True),
                user=self.request.user,
                context=self.audit_context,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{medication} added to the medication list.")
        return redirect("medications:chart", pk=self.patient.pk)


class EntryMixin(WriterMixin):
    def setup_medication(self):
        if not hasattr(self, "medication"):
            self.medication = get_object_or_404(
                Medication.objects.select_related("prescriber"),
                pk=self.kwargs["medication_pk"],
                patient=self.setup_patient(),
            )
        return self.medication

    def get_context_data(self, **kwargs):
        return super().get_context_data(medication=self.setup_medication(), **kwargs)


class MedicationEdit(EntryMixin, FormView):
    template_name = "medications/medication_form.html"
    form_class = MedicationForm

    def get_initial(self):
        medication = self.setup_medication()
        return {name: getattr(medication, name) for name in MedicationForm.base_fields}

    def get_context_data(self, **kwargs):
        revision = self.request.POST.get("revision", self.setup_medication().revision)
        return super().get_context_data(revision=revision, **kwargs)

    def form_valid(self, form):
        try:
            services.medication_change(
                medication=self.setup_medication(),
                data=form.service_data(is_new=False),
                revision=self.request.POST.get("revision"),
                user=self.request.user,
                context=self.audit_context,
            )
        except (ValidationError, ConflictError) as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.medication} changed.")
        return redirect("medications:chart", pk=self.patient.pk)


class MedicationStop(EntryMixin, FormView):
    template_name = "medications/stop_form.html"
    form_class = StopForm

    def get_context_data(self, **kwargs):
        revision = self.request.POST.get("revision", self.setup_medication().revision)
        return super().get_context_data(revision=revision, **kwargs)

    def form_valid(self, form):
        try:
            services.medication_stop(
                medication=self.setup_medication(),
                stop_date=form.cleaned_data["stop_date"],
                reason=form.cleaned_data["reason"],
                revision=self.request.POST.get("revision"),
                user=self.request.user,
                context=self.audit_context,
            )
        except (ValidationError, ConflictError) as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.medication} stopped.")
        return redirect("medications:chart", pk=self.patient.pk)


class ReconciliationStart(WriterMixin, FormView):
    """Posted from the tab: a draft for the patient's open episode (else the latest) on the
    occasion chosen."""

    form_class = ReconciliationStartForm
    http_method_names = ["post"]

    def get_form_kwargs(self):
        self.episode = current_episode(self.setup_patient())
        return {**super().get_form_kwargs(), "episode": self.episode}

    def form_valid(self, form):
        patient = self.setup_patient()
        episode = self.episode
        try:
            if episode is None:
                raise ValidationError("The patient has no episode.")
            reconciliation = services.reconciliation_start(
                episode=episode,
                occasion=form.cleaned_data["occasion"],
                session=form.cleaned_data["session"],
                user=self.request.user,
                context=self.audit_context,
            )
        except ValidationError as error:
            messages.error(self.request, error_text(error))
            return redirect("medications:chart", pk=patient.pk)
        return redirect(reconciliation)

    def form_invalid(self, form):
        messages.error(
            self.request, "Choose the occasion of the reconciliation (and a visit of this episode)."
        )
        return redirect("medications:chart", pk=self.setup_patient().pk)


class ReconciliationDetail(MedicationChartMixin, FormView):
    """A reconciliation: signed, it reads; a draft, the care team decide each entry and sign."""

    template_name = "medications/reconciliation.html"
    form_class = ReconciliationForm

    def setup_reconciliation(self):
        if not hasattr(self, "reconciliation"):
            self.reconciliation = get_object_or_404(
                Reconciliation.objects.select_related("episode__program", "session", "signed_by"),
                pk=self.kwargs["reconciliation_pk"],
                patient=self.setup_patient(),
            )
            self.object = self.reconciliation
            self.items = selectors.reconciliation_items(self.reconciliation)
        return self.reconciliation

    def get_form_kwargs(self):
        self.setup_reconciliation()
        return {**super().get_form_kwargs(), "items": self.items}

    def get_initial(self):
        reconciliation = self.setup_reconciliation()
        initial = {"notes": reconciliation.notes}
        for item in self.items:
            initial[f"decision_{item.medication_id}"] = item.decision
            initial[f"note_{item.medication_id}"] = item.note
        return initial

    def get_context_data(self, **kwargs):
        reconciliation = self.setup_reconciliation()
        return super().get_context_data(reconciliation=reconciliation, items=self.items, **kwargs)

    def post(self, request, *args, **kwargs):
        if not services.may_write(request.user, self.setup_patient()):
            raise PermissionDenied(services.access.WRITE_REFUSED)
        reconciliation = self.setup_reconciliation()
        if reconciliation.is_signed:
            messages.error(request, SIGNED)
            return redirect(reconciliation)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        reconciliation = self.setup_reconciliation()
        sign = self.request.POST.get("action") == "sign"
        try:
            services.reconciliation_update(
                reconciliation=reconciliation,
                decisions=form.decisions(),
                notes=form.cleaned_data["notes"],
                user=self.request.user,
                context=self.audit_context,
            )
            if sign:
                services.reconciliation_sign(
                    reconciliation=reconciliation,
                    user=self.request.user,
                    context=self.audit_context,
                )
        except (ValidationError, ConflictError) as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Reconciliation signed." if sign else "Saved.")
        return redirect(reconciliation)
