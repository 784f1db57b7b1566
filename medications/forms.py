"""Forms clean input only; what makes an entry plausible is `medications.services`'."""

from django import forms
from django.utils import timezone

from iop.accounts.models import User
from iop.choices import ReadChoicesOnce
from medications.models import Medication, Reconciliation, ReconciliationItem
from sessions.models import TherapySession

DATE = forms.DateInput(attrs={"type": "date"})


class PrescriberField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.get_prescriber_credential_display()})"


class MedicationForm(ReadChoicesOnce, forms.Form):
    name = forms.CharField(max_length=200, help_text="As prescribed, e.g. buprenorphine/naloxone.")
    rxnorm_code = forms.CharField(
        label="RxNorm code (RxCUI)", required=False, max_length=12, help_text="Digits, optional."
    )
    strength = forms.CharField(required=False, max_length=60, help_text="e.g. 8 mg/2 mg")
    dose = forms.CharField(max_length=60, help_text="e.g. 1 film")
    route = forms.ChoiceField(choices=Medication.Route.choices)
    frequency = forms.CharField(max_length=60, help_text="e.g. once daily")
    prescriber = PrescriberField(
        label="Prescriber in the program",
        queryset=User.objects.none(),
        required=False,
        help_text="Either a prescriber of the program (staff with a prescriber credential)…",
    )
    prescriber_name = forms.CharField(
        label="Outside prescriber", required=False, max_length=200, help_text="…or one outside it."
    )
    start_date = forms.DateField(required=False, widget=DATE)
    reason = forms.CharField(
        label="Reason (indication)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    addiction_treatment = forms.ChoiceField(
        label="MOUD/MAUD",
        choices=Medication.AddictionTreatment.choices,
        required=False,
        help_text="Buprenorphine, methadone, naltrexone, acamprosate and disulfiram are marked "
        "when left at —.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prescriber"].queryset = User.objects.prescribers().order_by(
            "last_name", "first_name"
        )

    def service_data(self, *, is_new):
        """What the service takes: a marker left at "—" on a new entry is suggested from the
        name; on an edit it stays as chosen."""
        data = dict(self.cleaned_data)
        if is_new and not data["addiction_treatment"]:
            data["addiction_treatment"] = None
        return data


class StopForm(forms.Form):
    stop_date = forms.DateField(widget=DATE)
    reason = forms.CharField(
        label="Why it was stopped", required=False, max_length=200, help_text="e.g. side effects"
    )


class VisitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{timezone.localtime(obj.starts_at):%-d %b %Y %H:%M}"


class ReconciliationStartForm(ReadChoicesOnce, forms.Form):
    occasion = forms.ChoiceField(choices=Reconciliation.Occasion.choices)
    session = VisitField(
        label="At the visit of",
        queryset=TherapySession.objects.none(),
        required=False,
        empty_label="—",
    )

    def __init__(self, *args, episode=None, **kwargs):
        super().__init__(*args, **kwargs)
        if episode is not None:
            self.fields["session"].queryset = (
                TherapySession.objects.filter(episode=episode, kind=TherapySession.Kind.MED_MGMT)
                .exclude(
                    status__in=[TherapySession.Status.CANCELLED, TherapySession.Status.NO_SHOW]
                )
                .order_by("-starts_at")
            )


class ReconciliationForm(forms.Form):
    """One decision and note per listed entry (`decision_<id>`, `note_<id>`), and the notes."""

    CHOICES = [
        (ReconciliationItem.Decision.UNDECIDED, "—"),
        (ReconciliationItem.Decision.CONTINUED, "Continued"),
        (ReconciliationItem.Decision.CHANGED, "Changed"),
        (ReconciliationItem.Decision.STOPPED, "Stopped"),
    ]

    notes = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"decision_{item.medication_id}"] = forms.ChoiceField(
                label=str(item.medication), choices=self.CHOICES, required=False
            )
            self.fields[f"note_{item.medication_id}"] = forms.CharField(
                label="Note", required=False, max_length=300
            )

    def rows(self):
        return [
            (item, self[f"decision_{item.medication_id}"], self[f"note_{item.medication_id}"])
            for item in self.items
        ]

    def decisions(self):
        return {
            item.medication_id: {
                "decision": self.cleaned_data[f"decision_{item.medication_id}"],
                "note": self.cleaned_data[f"note_{item.medication_id}"],
            }
            for item in self.items
        }
