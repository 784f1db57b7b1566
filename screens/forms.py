"""Forms clean input only; what makes a screen plausible is `screens.services`'."""

from django import forms

from screens.models import (
    WEEKDAYS,
    Method,
    ScreeningSettings,
    ScreenOrder,
    ScreenResult,
    Specimen,
)
from screens.panel import ANALYTE_CHOICES

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


WEEKDAY_CHOICES = [(n, name) for n, name in enumerate(WEEKDAYS)]


class ScreeningSettingsForm(forms.Form):
    """A program's screening on its settings page (what is plausible: `settings_update`)."""

    panel = forms.MultipleChoiceField(
        label="Panel", choices=ANALYTE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    specimen = forms.ChoiceField(label="Specimen", choices=Specimen.choices)
    method = forms.ChoiceField(label="Read by", choices=Method.choices)
    schedule = forms.ChoiceField(
        label="Schedule", choices=ScreeningSettings.Schedule.choices, widget=forms.RadioSelect
    )
    random_percent = forms.IntegerField(
        label="Random share (%)",
        min_value=1,
        max_value=100,
        help_text="Random schedule: the share of program days drawn for a screen.",
    )
    program_weekdays = forms.TypedMultipleChoiceField(
        label="The program meets on",
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    fixed_weekdays = forms.TypedMultipleChoiceField(
        label="Fixed screening weekdays",
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Fixed schedule: the weekdays of a screen.",
    )
    auto_weekly_draw = forms.BooleanField(
        label="Draw each week's screens automatically",
        required=False,
        help_text="Every morning, the coming week's screens of each admitted patient are "
        "drawn (random) or ordered (fixed weekdays), each week once.",
    )

    FIELDS = (
        "panel",
        "specimen",
        "method",
        "schedule",
        "random_percent",
        "program_weekdays",
        "fixed_weekdays",
        "auto_weekly_draw",
    )

    @classmethod
    def of(cls, settings, data=None):
        initial = {name: getattr(settings, name) for name in cls.FIELDS}
        return cls(data, initial=initial, prefix="screening")
