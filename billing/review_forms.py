"""Forms for utilization reviews and UR packets: they clean input only; the rules are in
`billing.services.reviews` and `billing.services.ur_packets`."""

from django import forms

from billing.review_models import UtilizationReview
from billing.services.reviews import NOTES_LIMIT
from billing.services.ur_packets import JUSTIFICATION_LIMIT
from disclosures.forms import ConsentChoiceField
from patients.models import Consent

DATE = forms.DateInput(attrs={"type": "date"})


class ReviewForm(forms.ModelForm):
    class Meta:
        model = UtilizationReview
        fields = [
            "review_date",
            "kind",
            "reviewer_name",
            "reviewer_phone",
            "outcome",
            "granted",
            "new_last_date",
            "next_review_date",
            "notes",
        ]
        widgets = {
            "review_date": DATE,
            "new_last_date": DATE,
            "next_review_date": DATE,
            "notes": forms.Textarea(attrs={"rows": 3, "maxlength": NOTES_LIMIT}),
        }
        help_texts = {
            "granted": "Added to the days or units authorized when approved or partially "
            "approved; 0 when denied or pended.",
            "new_last_date": "Approved: required. Partially approved: empty keeps the last date.",
            "next_review_date": "When the payer reviews again; empty: none due.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["granted"].required = False

    def _post_clean(self):
        """The model's checks run in the service (with the authorization), not here."""


class PacketForm(forms.Form):
    justification = forms.CharField(
        label="Justification for continued stay",
        max_length=JUSTIFICATION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What remains to treat, why at this level of care, and the plan until the "
        "next review. It is printed in the packet the payer receives.",
    )
    consent = ConsentChoiceField(
        label="Consent it is released under",
        queryset=Consent.objects.none(),
        required=False,
        empty_label="— no consent —",
        help_text="A consent in force naming the payer and allowing payment.",
    )

    def __init__(self, *args, consents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].queryset = Consent.objects.filter(pk__in=[c.pk for c in consents])
        if len(consents) == 1:
            self.fields["consent"].initial = consents[0].pk
