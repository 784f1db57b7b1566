"""Forms clean input only; the rules live in services.py and on the models."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.html import format_html

from iop.choices import ReadChoicesOnce
from iop.widgets import Select
from patients.models import Alert, Consent, Episode, IntakeAssessment, Patient, Program
from patients.models.intake import ASAM_FIELDS
from patients.models.risk import RiskLevel
from patients.services import check_contact_channel, check_date_of_birth, check_phone

DATE = forms.DateInput(attrs={"type": "date"})


def clinicians():
    return get_user_model().objects.clinical_staff().order_by("last_name", "first_name")


class ClinicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "date_of_birth",
            "pronouns",
            "sex",
            "gender_identity",
            "phone",
            "email",
            "preferred_contact_channel",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
            "insurance_payer",
            "insurance_member_id",
        ]
        widgets = {"date_of_birth": DATE}

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        check_date_of_birth(dob)
        if dob.year < 1900:
            raise forms.ValidationError("Check the year of birth.")
        return dob

    def clean(self):
        cleaned = super().clean()
        for field in ("phone", "emergency_contact_phone"):
            message = check_phone(cleaned.get(field))
            if message:
                self.add_error(field, message)
        missing = check_contact_channel(
            cleaned.get("preferred_contact_channel"),
            phone=cleaned.get("phone"),
            email=cleaned.get("email"),
        )
        for field, message in missing.items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned


class PatientEditForm(PatientForm):
    """The chart's demographics and contacts, with the revision the editor loaded."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta(PatientForm.Meta):
        fields = [
            "preferred_name",
            "pronouns",
            "legal_first_name",
            "legal_last_name",
            "date_of_birth",
            "sex",
            "gender_identity",
            "phone",
            "email",
            "preferred_contact_channel",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
            "insurance_payer",
            "insurance_member_id",
        ]


class ReferralForm(forms.ModelForm):
    primary_clinician = ClinicianChoiceField(
        queryset=None, required=False, help_text="Can be assigned later, at intake."
    )

    class Meta:
        model = Episode
        fields = [
            "program",
            "referral_source",
            "referral_date",
            "referral_reason",
            "level_of_care",
            "is_sud",
            "primary_clinician",
        ]
        widgets = {"referral_date": DATE, "referral_reason": forms.Textarea(attrs={"rows": 3})}
        labels = {"level_of_care": "Requested level of care"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(is_active=True)
        self.fields["primary_clinician"].queryset = clinicians()

    def clean_referral_date(self):
        day = self.cleaned_data["referral_date"]
        if day > timezone.localdate():
            raise forms.ValidationError("The referral date is in the future.")
        return day


class DiagnosesField(forms.CharField):
    widget = forms.Textarea(
        attrs={"rows": 4, "placeholder": "F33.1 Major depressive disorder, recurrent, moderate"}
    )

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{d['code']} {d.get('description', '')}".strip() for d in value)
        return value


def intake_step_form(step, episode):
    """A form for one step of the intake assessment (fields come from the step definition)."""
    model_fields = [f for f in step.fields if f not in ("diagnoses", "primary_clinician")]

    class Form(forms.ModelForm):
        class Meta:
            model = IntakeAssessment
            fields = model_fields
            widgets = {
                f: forms.Textarea(attrs={"rows": 4})
                for f in model_fields
                if f not in ASAM_FIELDS and f not in ("risk_level", "recommended_level_of_care")
            }

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name in ASAM_FIELDS:
                if name in self.fields:
                    self.fields[name] = forms.TypedChoiceField(
                        label=IntakeAssessment.ASAM_DIMENSIONS[name],
                        required=False,
                        coerce=int,
                        empty_value=None,
                        choices=[("", "—")] + [(n, str(n)) for n in range(5)],
                    )
            if "diagnoses" in step.fields:
                self.fields["diagnoses"] = DiagnosesField(
                    required=False,
                    label="Diagnoses, one per line (ICD-10 code, then description)",
                    initial=self.instance.diagnoses,
                )
            if "primary_clinician" in step.fields:
                self.fields["primary_clinician"] = ClinicianChoiceField(
                    queryset=clinicians(),
                    required=False,
                    initial=episode.primary_clinician_id,
                    help_text="The clinician who will carry this patient's care.",
                )
            self.mark_required()

        def clean_diagnoses(self):
            from patients.services import parse_diagnoses

            try:
                return parse_diagnoses(self.cleaned_data.get("diagnoses"))
            except ValidationError as error:
                raise ValidationError(error.message_dict["diagnoses"]) from None

        def mark_required(self):
            """The fields completing the intake needs: a visible asterisk (CSS, with empty
            alternative text: screen readers hear aria-required instead). Drafts still save
            without them: the server checks completion (IntakeAssessment.missing_sections)."""
            for name in step.required:
                field = self.fields[name]
                field.widget.attrs.update({"required": True, "aria-required": "true"})
                label = field.label or pretty_name(name)
                field.label = format_html('<span class="required-mark">{}</span>', label)

    Form.__name__ = f"IntakeStepForm_{step.slug}"
    return Form


class MeasureForm(forms.Form):
    """One radio group per item of an instrument. Scoring happens on the server, in services."""

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            choices = [(str(int(o.value)), o.label) for o in item.options]
            self.fields[f"item_{item.code}"] = forms.ChoiceField(
                label=f"{item.code}. {item.text}",
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
            )
        self.fields["administered_at"] = forms.DateTimeField(
            initial=timezone.localtime().replace(second=0, microsecond=0),
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            label="Given on",
        )

    def clean_administered_at(self):
        when = self.cleaned_data["administered_at"]
        if when > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("The date given is in the future.")
        return when

    def responses(self):
        """Answers in item order; a blank answer stays None so the service can name it."""
        values = []
        for item in self.instrument.items:
            raw = self.cleaned_data.get(f"item_{item.code}")
            if raw in (None, ""):
                values.append(None)
            elif self.instrument.answer_type is bool:
                values.append(raw == "1")
            else:
                values.append(int(raw))
        return values


class ConsentForm(forms.ModelForm):
    purposes = forms.MultipleChoiceField(
        choices=Consent.Purpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Purposes it allows",
        help_text="Releases: a release is refused for a purpose not ticked here.",
    )
    covers = forms.MultipleChoiceField(
        choices=Consent.Covers.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What it covers",
        help_text="Releases: a release is refused for a part of the record not ticked here.",
    )

    class Meta:
        model = Consent
        fields = [
            "kind",
            "allow_email",
            "allow_sms",
            "recipient",
            "purpose",
            "purposes",
            "covers",
            "scope",
            "expires_on",
            "expiry_event",
            "signed_by_name",
            "signer_relationship",
            "signed_at",
        ]
        widgets = {
            "expires_on": DATE,
            "scope": forms.Textarea(attrs={"rows": 3}),
            "signed_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }


class AlertCloseForm(forms.Form):
    action_taken = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="What was done",
        help_text="E.g. called the patient, assessed risk, reviewed the safety plan.",
    )

    def __init__(self, *args, alert: Alert, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_taken"].required = alert.needs_acknowledgement


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Why the referral is declined"
    )


# A program or clinician not listed is refused as ModelChoiceField refuses it.
NOT_LISTED = {"invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]}


class CaseloadFilterForm(forms.Form):
    """The caseload's filters. Programs and clinicians are listed from plain values read on
    each request (ids as strings once cleaned): a ModelChoiceField builds a row per choice,
    through a server-side cursor on PostgreSQL, for a list drawn on every caseload page."""

    q = forms.CharField(required=False, label="Name or MRN")
    program = forms.ChoiceField(required=False, widget=Select, error_messages=NOT_LISTED)
    status = forms.ChoiceField(
        choices=[("", "Any status")] + Episode.Status.choices, required=False, widget=Select
    )
    level_of_care = forms.ChoiceField(
        choices=[("", "Any level")] + Episode.LevelOfCare.choices,
        required=False,
        label="Level of care",
        widget=Select,
    )
    risk = forms.ChoiceField(
        choices=[("", "Any"), ("open", "Open risk alert")], required=False, widget=Select
    )
    clinician = forms.ChoiceField(
        required=False, label="Primary clinician", widget=Select, error_messages=NOT_LISTED
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        programs = Program.objects.values_list("pk", "name")  # Program.__str__, in its order
        self.fields["program"].choices = [("", "Any program"), *programs]
        self.fields["clinician"].choices = [("", "Any clinician")] + [
            (pk, _display_name(*names))
            for pk, *names in clinicians().values_list(
                "pk", "username", "first_name", "last_name", "credentials"
            )
        ]


def _display_name(username, first_name, last_name, credentials):
    """`User.display_name` from the values it is made of."""
    name = f"{first_name} {last_name}".strip() or username
    return f"{name}, {credentials}" if credentials else name


class RiskAssessmentForm(forms.Form):
    level = forms.ChoiceField(choices=[("", "—")] + list(RiskLevel.choices), label="Risk level")
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Rationale",
        help_text="What the level rests on: what was asked, what the patient said, what was seen.",
    )


class EmergencyAccessForm(forms.Form):
    """Break the glass: the MRN the clinician already has, and why."""

    mrn = forms.CharField(
        label="MRN",
        max_length=12,
        help_text="The patient's medical record number, exactly (e.g. from the wristband or "
        "the referral). Names are not searched here.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="What the emergency is and why the care team cannot help now.",
    )
    acknowledge = forms.BooleanField(
        label="I understand that every view is recorded and reviewed by a supervisor.",
    )


class EmergencyReviewForm(forms.Form):
    review_status = forms.ChoiceField(
        label="Review",
        choices=[
            ("reviewed", "Reviewed: appropriate"),
            ("concern", "Concern raised"),
        ],
        widget=forms.RadioSelect,
    )
    review_note = forms.CharField(
        label="Note",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required for a concern.",
    )


class EmergencyReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("pending", "Pending review"),
            ("reviewed", "Reviewed: appropriate"),
            ("concern", "Concern raised"),
            ("all", "All"),
        ],
    )


class Part2ChangeForm(forms.Form):
    is_sud = forms.BooleanField(
        required=False,
        label="SUD care (42 CFR Part 2)",
        help_text="Substance use disorder treatment records are protected under 42 CFR Part 2.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept with the change."
    )


class ProgramChangeForm(ReadChoicesOnce, forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.filter(is_active=True))
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept with the change."
    )


class DiagnosesChangeForm(forms.Form):
    """An admitted episode's diagnoses, one a line, and why they change."""

    diagnoses = DiagnosesField(label="Diagnoses, one per line (ICD-10 code, then description)")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept with the change."
    )

    def clean_diagnoses(self):
        from patients.services import parse_diagnoses

        try:
            return parse_diagnoses(self.cleaned_data.get("diagnoses"))
        except ValidationError as error:
            raise ValidationError(error.message_dict["diagnoses"]) from None
