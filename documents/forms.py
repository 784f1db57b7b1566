from django import forms

from documents.models import DischargeSummary


class DischargeSummaryForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DischargeSummary
        fields = ["narrative", "medications", "referrals"]
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 8}),
            "medications": forms.Textarea(attrs={"rows": 3}),
            "referrals": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "medications": "From the aftercare plan (or the intake's medication history) until "
            "there is a medication list: check it with the patient.",
        }
