from datetime import timedelta

from django import forms
from django.utils import timezone

from billing.claim_models import ClaimLine
from billing.claims.access import claim_programs

DATE = {"type": "date"}


def styled(form):
    """Bootstrap classes on every widget (the page lays the fields out itself)."""
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class RangeForm(forms.Form):
    """The range and program of a build or export (the service checks them again)."""

    first_date = forms.DateField(label="First date of service", widget=forms.DateInput(DATE))
    last_date = forms.DateField(label="Last date of service", widget=forms.DateInput(DATE))
    program = forms.ModelChoiceField(queryset=None, required=False, empty_label="All my programs")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = claim_programs(user).order_by("name")
        styled(self)


class FilterForm(RangeForm):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status")] + list(ClaimLine.Status.choices)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_date", "last_date"):
            self.fields[name].required = False
        styled(self)

    @staticmethod
    def default_range():
        today = timezone.localdate()
        first = (
            today.replace(day=1) if today.day > 1 else (today - timedelta(days=1)).replace(day=1)
        )
        return first, today


class VoidForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        help_text="Why the line is withdrawn (e.g. wrong code, payer denied).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)
