"""Forms clean input only; what makes a screen plausible is `screens.services`'."""

from django import forms

from screens.models import ScreenOrder, ScreenResult

DATE = forms.DateInput(attrs={"type": "date"})


class OrderForm(forms.Form):
    due_date = forms.DateField(label="Day of the screen", widget=DATE)
    reason = forms.ChoiceField(choices=ScreenOrder.Reason.choices, initial="clinical")
    testing = forms.ChoiceField(choices=ScreenOrder.Testing.choices)
    observed = forms.BooleanField(label="Observed collection", required=False)


class ScheduleForm(forms.Form):
    first_day = forms.DateField(label="From", widget=DATE)
    last_day = forms.DateField(label="To", widget=DATE)


class CollectForm(forms.Form):
    collected_at = forms.DateTimeField(
        label="Collected at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    observed = forms.BooleanField(label="Observed collection", required=False)
    temperature_c = forms.CharField(
        label="Temperature (°C)",
        required=False,
        max_length=6,
        help_text="Urine: read within 4 minutes; 32–38 °C is in range.",
    )
    note = forms.CharField(label="Remarks", required=False, max_length=500)


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label="Outcome",
        choices=[(ScreenOrder.Status.REFUSED, "Refused"), (ScreenOrder.Status.MISSED, "Missed")],
    )
    note = forms.CharField(label="Why", max_length=500)


class ResultsForm(forms.Form):
    """One choice per analyte of the order's panel."""

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in zip(order.panel, order.panel_names(), strict=True):
            self.fields[code] = forms.ChoiceField(
                label=f"{name} ({code})",
                choices=ScreenResult.Value.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-inline"}),
                initial=ScreenResult.Value.NEGATIVE,
            )
