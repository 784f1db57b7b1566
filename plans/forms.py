from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from patients import extensions
from patients.models import Episode
from plans.library import LibraryEntry
from plans.models import (
    AftercarePlan,
    Goal,
    Intervention,
    Objective,
    PlanReview,
    Problem,
    ProgressEntry,
    SafetyPlan,
    TreatmentPlan,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def staff():
    return get_user_model().objects.clinical_staff().order_by("last_name", "first_name")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class RevisionMixin(forms.Form):
    """The draft revision the editor started from; a stale one is refused by the service."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PlanSummaryForm(RevisionMixin, forms.ModelForm):
    class Meta:
        model = TreatmentPlan
        fields = ["summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class ProblemForm(RevisionMixin, forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["description", "diagnosis_code"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, diagnoses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["diagnosis_code"] = forms.ChoiceField(
            label="Linked diagnosis",
            required=False,
            choices=[("", "—")]
            + [(d["code"], f"{d['code']} {d['description']}") for d in diagnoses],
        )


class GoalForm(RevisionMixin, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["client_words", "target_date", "status"]
        widgets = {"client_words": forms.Textarea(attrs={"rows": 2}), "target_date": DATE}


class ObjectiveForm(RevisionMixin, forms.ModelForm):
    class Meta:
        model = Objective
        fields = [
            "description",
            "target_date",
            "measure_instrument",
            "measure_target",
            "target_kind",
            "target_weeks",
            "target_options",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "target_date": DATE}
        help_texts = {
            "measure_instrument": "Optional: read progress from this measure's results.",
            "target_weeks": "1 to 52 weeks in a row.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        targets = extensions.objective_targets
        if not targets:
            for name in ("target_kind", "target_weeks", "target_options"):
                del self.fields[name]
            return
        self.fields["target_kind"] = forms.ChoiceField(
            label="Other target",
            choices=[("", "—")] + [(t.kind, t.label) for t in targets],
            required=False,
            help_text="Optional: read progress from another record, e.g. drug screens.",
        )
        options = {code: name for t in targets for code, name in t.options}
        self.fields["target_options"] = forms.MultipleChoiceField(
            label="Only these (none: all)",
            choices=list(options.items()),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )


class InterventionForm(RevisionMixin, forms.ModelForm):
    responsible = StaffChoiceField(queryset=staff(), label="Responsible staff")

    class Meta:
        model = Intervention
        fields = ["modality", "description", "frequency", "responsible"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = staff()


ITEM_FORMS = {
    "problem": ProblemForm,
    "goal": GoalForm,
    "objective": ObjectiveForm,
    "intervention": InterventionForm,
}


class LibraryEntryForm(forms.ModelForm):
    """A plan library entry, on the supervisor's library page (the service holds the rules)."""

    class Meta:
        model = LibraryEntry
        fields = ["kind", "text", "modality", "frequency", "is_active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        labels = {"text": "Text", "is_active": "Offered in the plan editor"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—")] + LibraryEntry.Kind.choices
        self.fields["text"].required = False  # an intervention's description may be blank

    def _post_clean(self):
        # The model's rules (and its program, set by the view) are checked by the service.
        pass


class ProgressForm(forms.Form):
    rating = forms.ChoiceField(
        choices=[("", "—")] + [(str(v), label) for v, label in ProgressEntry.Rating.choices]
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SignForm(RevisionMixin):
    patient_ack_name = forms.CharField(
        label="Patient's name, as they acknowledged the plan", max_length=120
    )
    patient_ack_at = forms.DateTimeField(label="Acknowledged at", widget=DATETIME)
    attest = forms.BooleanField(
        label="I have reviewed this plan with the patient and sign it as the responsible clinician."
    )

    def clean_patient_ack_at(self):
        when = self.cleaned_data["patient_ack_at"]
        if when > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("The acknowledgement time is in the future.")
        return when


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("", "—")] + PlanReview.Decision.choices)
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Progress since the last review",
    )

    def __init__(self, *args, objectives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.objectives = list(objectives)
        ratings = ProgressEntry.Rating.choices
        choices = [("", "Not rated")] + [(str(v), label) for v, label in ratings]
        for objective in self.objectives:
            self.fields[f"rating_{objective.pk}"] = forms.ChoiceField(
                label=f"Progress: {objective.description}", choices=choices, required=False
            )
            self.fields[f"comment_{objective.pk}"] = forms.CharField(
                label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def ratings(self):
        out = {}
        for objective in self.objectives:
            raw = self.cleaned_data.get(f"rating_{objective.pk}")
            if raw not in (None, ""):
                out[objective.pk] = (int(raw), self.cleaned_data.get(f"comment_{objective.pk}", ""))
        return out

    def rows(self):
        """(objective, rating field, comment field) for the template."""
        return [(o, self[f"rating_{o.pk}"], self[f"comment_{o.pk}"]) for o in self.objectives]


class SafetyPlanForm(RevisionMixin, forms.ModelForm):
    class Meta:
        model = SafetyPlan
        fields = list(SafetyPlan.SECTIONS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in SafetyPlan.SECTIONS}


class SafetySignForm(RevisionMixin):
    patient_ack_name = forms.CharField(label="Patient's name, as they agreed the plan")
    attest = forms.BooleanField(
        label="I made this plan with the patient and sign it as the responsible clinician."
    )


class DischargeForm(forms.ModelForm):
    reason = forms.ChoiceField(
        label="Discharge reason", choices=[("", "—")] + Episode.DischargeReason.choices
    )
    discharge_date = forms.DateField(widget=DATE, initial=timezone.localdate)

    class Meta:
        model = AftercarePlan
        fields = [
            "step_down_level",
            "follow_up_appointments",
            "support_groups",
            "relapse_prevention",
            "medications",
            "crisis_resources",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "follow_up_appointments",
                "support_groups",
                "relapse_prevention",
                "medications",
                "crisis_resources",
            )
        }

    def clean_discharge_date(self):
        day = self.cleaned_data["discharge_date"]
        if day > timezone.localdate():
            raise forms.ValidationError("The discharge date is in the future.")
        return day

    def aftercare_data(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
