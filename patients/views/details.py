"""A patient's demographics and contacts, edited from the chart (services.patient_update: who
may, the checks, the audit of which fields changed, and the refusal of a stale copy)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView

from iop.errors import add_service_error
from patients import services
from patients.forms import PatientEditForm
from patients.views.mixins import ChartMixin


class PatientDetailsEdit(ChartMixin, FormView):
    template_name = "patients/details_form.html"
    form_class = PatientEditForm
    tab = "summary"

    def setup_patient(self, pk=None):
        patient = super().setup_patient(pk)
        if patient.emergency_access is not None:
            raise PermissionDenied(
                "Emergency access is for reading the chart: the care team changes the details."
            )
        return patient

    def get_initial(self):
        patient = self.setup_patient()
        return {**self._current(patient), "revision": patient.revision}

    @staticmethod
    def _current(patient):
        return {field: getattr(patient, field) for field in PatientEditForm.Meta.fields}

    def form_valid(self, form):
        data = {field: form.cleaned_data[field] for field in PatientEditForm.Meta.fields}
        try:
            services.patient_update(
                patient=self.patient,
                user=self.request.user,
                data=data,
                revision=form.cleaned_data["revision"],
                context=self.audit_context,
            )
        except services.StalePatientError as error:
            return self._stale(form, error)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Details saved.")
        return redirect("patients:chart", pk=self.patient.pk)

    def _stale(self, form, error):
        """Keep what was typed, say who saved meanwhile, show their values beside, and take
        the current revision so that saving again (after comparing) goes through."""
        self.patient.refresh_from_db()
        current = self._current(self.patient)
        typed = form.cleaned_data
        changed = [
            (form.fields[field].label, current[field])
            for field in PatientEditForm.Meta.fields
            if field in typed and typed[field] != current[field]
        ]
        data = form.data.copy()
        data["revision"] = self.patient.revision
        form = PatientEditForm(data=data)
        form.is_valid()
        form.add_error(None, str(error))
        return self.render_to_response(self.get_context_data(form=form, theirs=changed))
