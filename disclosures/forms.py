"""Forms clean input only: whether a consent covers a release is `release_create`'s rule."""

from django import forms
from django.utils import timezone

from disclosures.models import Disclosure, RightsRequest
from disclosures.selectors import RELEASE_KINDS, release_consents
from iop.choices import ReadChoicesOnce
from patients.models import Consent, Episode
from sessions.models import ProgressNote

DATE = forms.DateInput(attrs={"type": "date"})
TEXT_MAX_CHARS = 2000  # a request's details, an answer's reason: in brief


class ConsentChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": "This consent cannot cover a release: it was revoked or has expired, "
        "or it is not one of this patient's release consents. Choose another, or record a "
        "new consent.",
    }

    def label_from_instance(self, obj):
        until = f", until {obj.expires_on:%-d %b %Y}" if obj.expires_on else ""
        signed = timezone.localtime(obj.signed_at)
        return f"{obj.get_kind_display()}: {obj.recipient} ({signed:%-d %b %Y}{until})"


class EpisodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        sud = " (SUD, Part 2)" if obj.is_sud else ""
        return f"{obj.program}, {obj.get_status_display().lower()}{sud}"


class ReleaseForm(ReadChoicesOnce, forms.Form):
    episode = EpisodeChoiceField(queryset=Episode.objects.none(), empty_label=None)
    recipient_kind = forms.ChoiceField(
        label="Recipient is", choices=Disclosure.RecipientKind.choices
    )
    recipient_name = forms.CharField(
        label="Recipient's name",
        required=False,
        max_length=200,
        help_text="As the consent names them. Left empty for the patient's own copy.",
    )
    recipient_address = forms.CharField(
        label="Address", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    recipient_contact = forms.CharField(
        label="Phone, fax or e-mail", required=False, max_length=200
    )
    purpose = forms.ChoiceField(choices=Consent.Purpose.choices)
    purpose_note = forms.CharField(
        label="About the purpose",
        required=False,
        max_length=300,
        help_text="Required for a legal proceeding (the order) or another purpose.",
    )
    sections = forms.MultipleChoiceField(
        label="What to release",
        choices=Consent.Covers.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    notes_from = forms.DateField(label="Notes from", required=False, widget=DATE)
    notes_to = forms.DateField(label="Notes to", required=False, widget=DATE)
    consent = ConsentChoiceField(
        label="Consent that covers it",
        queryset=Consent.objects.none(),
        required=False,
        help_text="Not needed for the patient's own copy (still recorded in the accounting).",
    )
    counseling_consent = ConsentChoiceField(
        label="Counseling-notes consent",
        queryset=Consent.objects.none(),
        required=False,
        help_text="SUD care: progress notes need their own, separate consent.",
    )

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        released = (Episode.Status.ACTIVE, Episode.Status.DISCHARGED)
        self.fields["episode"].queryset = patient.episodes.filter(status__in=released).order_by(
            "-referral_date", "-pk"
        )
        consents = release_consents(patient)
        self.fields["consent"].queryset = consents.filter(kind__in=RELEASE_KINDS)
        self.fields["counseling_consent"].queryset = consents.filter(
            kind=Consent.Kind.COUNSELING_NOTES
        )

    def clean(self):
        data = super().clean()
        own = data.get("recipient_kind") == Disclosure.RecipientKind.PATIENT
        if not own and not data.get("consent"):
            self.add_error("consent", "Choose the consent that covers this release.")
        return data


class RightsRequestForm(forms.Form):
    kind = forms.ChoiceField(label="The patient asks for", choices=RightsRequest.Kind.choices)
    received_on = forms.DateField(label="Received on", widget=DATE, initial=timezone.localdate)
    details = forms.CharField(
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="In brief, e.g. which note and what the patient asks to change.",
    )


class RightsAnswerForm(forms.Form):
    outcome = forms.ChoiceField(choices=RightsRequest.Outcome.choices)
    outcome_reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the request is denied, in whole or in part.",
    )


class NoteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        session = obj.session
        what = session.group.name if session.group_id else session.get_kind_display()
        return f"{timezone.localtime(session.starts_at):%-d %b %Y %H:%M}, {what}"


class AmendmentForm(forms.Form):
    note = NoteChoiceField(label="Signed note to amend", queryset=ProgressNote.objects.none())
    text = forms.CharField(
        label="Amendment", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].queryset = (
            ProgressNote.objects.filter(entries__patient=patient)
            .exclude(status=ProgressNote.Status.DRAFT)
            .select_related("session__group")
            .order_by("-session__starts_at")
        )
