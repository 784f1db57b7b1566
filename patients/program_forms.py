"""A program's settings as form fields people can use: the measure schedule as one row per
instrument (how often, blank for not on schedule) and the reminder lead times as checkboxes,
instead of JSON. Shared by the settings page and the Django admin."""

from django import forms
from django.utils.html import format_html, format_html_join

from patients.instruments import INSTRUMENTS
from patients.models import Program
from patients.services.programs import PROGRAM_SETTINGS

LEAD_HOUR_CHOICES = [1, 2, 3, 4, 6, 12, 24, 48, 72]


def _lead_label(hours):
    if hours % 24 == 0:
        days = hours // 24
        return f"{days} day{'s' if days != 1 else ''} before"
    return f"{hours} hour{'s' if hours != 1 else ''} before"


class MeasureScheduleWidget(forms.MultiWidget):
    """One number input per instrument, labelled with its name, in a small table."""

    def __init__(self, attrs=None):
        widgets = {code: forms.NumberInput(attrs={"min": 1, "max": 365}) for code in INSTRUMENTS}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        by_code = {}
        for entry in value if isinstance(value, list) else []:
            if isinstance(entry, dict):
                by_code[entry.get("instrument")] = entry.get("every_days")
        return [by_code.get(code) for code in INSTRUMENTS]

    def render(self, name, value, attrs=None, renderer=None):
        if not isinstance(value, list) or (value and isinstance(value[0], dict)):
            value = self.decompress(value)
        base_id = (attrs or {}).get("id") or f"id_{name}"
        invalid = "is-invalid" in (attrs or {}).get("class", "")
        rows = []
        for (suffix, widget), code, every in zip(
            self.widgets_names_and_widgets(), INSTRUMENTS, value, strict=False
        ):
            sub_id = f"{base_id}{suffix}"
            css = "form-control form-control-sm" + (" is-invalid" if invalid else "")
            field = widget.render(f"{name}{suffix}", every, {"id": sub_id, "class": css}, renderer)
            instrument = INSTRUMENTS[code]
            rows.append(
                format_html(
                    '<tr><th scope="row"><label for="{}">{}</label> '
                    '<span class="small text-body-secondary">{}</span></th>'
                    '<td class="w-25">{}</td></tr>',
                    sub_id,
                    instrument.name,
                    instrument.title,
                    field,
                )
            )
        return format_html(
            '<table class="table table-sm w-auto mb-1" id="{}"><thead><tr>'
            '<th scope="col">Instrument</th><th scope="col">Every … days</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            base_id,
            format_html_join("", "{}", ((row,) for row in rows)),
        )

    def widgets_names_and_widgets(self):
        return list(zip(self.widgets_names, self.widgets, strict=True))


class MeasureScheduleField(forms.MultiValueField):
    widget = MeasureScheduleWidget

    def __init__(self, **kwargs):
        fields = [forms.IntegerField(min_value=1, max_value=365) for _ in INSTRUMENTS]
        kwargs.setdefault("help_text", "Leave an instrument blank to keep it off the schedule.")
        super().__init__(fields, require_all_fields=False, required=False, **kwargs)
        for field in self.fields:
            field.required = False

    def compress(self, data_list):
        return [
            {"instrument": code, "every_days": every}
            for code, every in zip(INSTRUMENTS, data_list or [], strict=False)
            if every is not None
        ]


class LeadHoursField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Reminders go out")
        kwargs.setdefault("help_text", "Up to four times before each session.")
        super().__init__(coerce=int, required=False, **kwargs)
        self.choices = [(h, _lead_label(h)) for h in LEAD_HOUR_CHOICES]

    def offer(self, hours):
        """Offer hours set before (in JSON) too, so saving the form keeps them."""
        extra = [h for h in hours or [] if isinstance(h, int) and h not in LEAD_HOUR_CHOICES]
        if extra:
            self.choices = [(h, _lead_label(h)) for h in sorted({*LEAD_HOUR_CHOICES, *extra})]


class ProgramSettingsForm(forms.ModelForm):
    measure_schedule = MeasureScheduleField(label="Measures given on schedule")
    reminder_lead_hours = LeadHoursField()

    class Meta:
        model = Program
        fields = list(PROGRAM_SETTINGS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["reminder_lead_hours"].offer(self.instance.reminder_lead_hours)

    def settings_data(self):
        return {name: self.cleaned_data[name] for name in PROGRAM_SETTINGS}
