"""The one way a page of the chart loads its patient and its header."""

from django.contrib.auth.mixins import LoginRequiredMixin

from iop.audit.mixins import AuditedViewMixin
from iop.audit.refusals import note_refused_target
from patients.access import Access, get_patient_for_user
from patients.models import Patient
from patients.selectors import chart_header


class ChartMixin(LoginRequiredMixin, AuditedViewMixin):
    """Loads the patient the URL's `pk` names, if this user may see it (404 otherwise), and
    gives the template what `patients/chart_base.html` shows: the header and the tabs.

    `clinical_only`: the page shows clinical content (plans, notes, alerts), closed to the
    intake role. `tab`: the tab to highlight.
    """

    model = Patient
    clinical_only = False
    tab = ""

    def setup_patient(self, pk=None):
        if not hasattr(self, "patient"):
            # If the chart is refused, the audit trail's denial names the patient asked for
            # (the 404 page itself never says whether there is one).
            note_refused_target(self.request, Patient, pk or self.kwargs["pk"])
            self.patient = self.object = get_patient_for_user(
                self.request.user, pk or self.kwargs["pk"], clinical=self.clinical_only
            )
        return self.patient

    def chart_context(self, **extra):
        patient = self.setup_patient()
        return {
            **chart_header(patient),
            "patient": patient,
            "tab": self.tab,
            "clinical": patient.access == Access.CLINICAL,
            "emergency_access": getattr(patient, "emergency_access", None),
            **extra,
        }

    def get_context_data(self, **kwargs):
        self.setup_patient()
        context = super().get_context_data(**kwargs)
        context.update(self.chart_context())
        return context
