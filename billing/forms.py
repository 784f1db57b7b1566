"""Forms clean input only; what makes a coverage or an authorization plausible is
`billing.services`'."""

from django import forms

from billing.models import Authorization, Coverage, Payer
from iop.choices import ReadChoicesOnce

DATE = forms.DateInput(attrs={"type": "date"})


class EpisodeField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        admitted = obj.admission_date or obj.referral_date
        return f"{obj.program} ({obj.get_status_display().lower()}, from {admitted:%-d %b %Y})"


class ServiceRulesForm(ReadChoicesOnce, forms.ModelForm):
    """A model's fields as a form that only cleans input: the model's rules (constraints,
    validators across fields) are the service's, which names the field and the reason."""

    def _post_clean(self):
        pass


class CoverageForm(ServiceRulesForm):
    episode = EpisodeField(queryset=None, empty_label=None)

    class Meta:
        model = Coverage
        fields = [
            "episode",
            "self_pay",
            "payer",
            "plan_name",
            "member_id",
            "group_id",
            "subscriber_name",
            "subscriber_relationship",
            "priority",
            "effective_from",
            "effective_to",
        ]
        widgets = {"effective_from": DATE, "effective_to": DATE}

    def __init__(self, *args, patient, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["episode"].queryset = patient.episodes.select_related("program").order_by(
            "-referral_date", "-pk"
        )
        payers = Payer.objects.active()
        if editing is not None and editing.payer_id:
            payers = Payer.objects.filter(pk=editing.payer_id) | payers
        self.fields["payer"].queryset = payers.order_by("name")
        self.fields["payer"].required = False
        self.fields["payer"].help_text = "Leave empty for self-pay."
        if editing is not None:
            del self.fields["episode"]

    def service_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "episode"}


class CardForm(forms.Form):
    card = forms.FileField(
        label="Scanned card",
        help_text="A JPEG or PNG photo, or a PDF; at most 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class AuthorizationForm(ServiceRulesForm):
    episode = EpisodeField(queryset=None, empty_label=None)

    class Meta:
        model = Authorization
        fields = [
            "episode",
            "coverage",
            "level_of_care",
            "service_codes",
            "unit",
            "number_authorized",
            "used_before",
            "first_date",
            "last_date",
            "reference_number",
            "status",
            "next_review_date",
        ]
        widgets = {"first_date": DATE, "last_date": DATE, "next_review_date": DATE}

    def __init__(self, *args, patient, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["episode"].queryset = patient.episodes.select_related("program").order_by(
            "-referral_date", "-pk"
        )
        coverages = Coverage.objects.filter(episode__patient=patient, self_pay=False)
        self.fields["coverage"].queryset = coverages.select_related("payer")
        self.fields["service_codes"].widget = forms.TextInput()
        if editing is not None:
            del self.fields["episode"]

    def service_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "episode"}
