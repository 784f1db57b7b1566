"""A group's settings as a form: the days it meets as checkboxes, a start time and a
duration (not JSON), and facilitators chosen among clinical staff only. Shared by the group
settings page and the Django admin."""

from django import forms
from django.contrib.auth import get_user_model

from sessions.models import TherapyGroup
from sessions.services.groups import SETTINGS_FIELDS, facilitators_check
from sessions.services.recurrence import WEEKDAY_NAMES


class StaffChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def clinical_staff():
    return get_user_model().objects.clinical_staff().order_by("last_name", "first_name")


class GroupSettingsForm(forms.ModelForm):
    schedule_days = forms.TypedMultipleChoiceField(
        label="Meets on",
        coerce=int,
        choices=list(enumerate(WEEKDAY_NAMES)),
        widget=forms.CheckboxSelectMultiple,
    )
    start_time = forms.TimeField(
        label="Starts at", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(label="Minutes", min_value=15, max_value=600)
    facilitators = StaffChoices(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Clinicians and supervisors.",
    )

    class Meta:
        model = TherapyGroup
        fields = [*SETTINGS_FIELDS, "facilitators"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = clinical_staff()

    def clean_facilitators(self):
        facilitators = self.cleaned_data["facilitators"]
        try:
            facilitators_check(facilitators)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["facilitators"]) from None
        return facilitators

    def settings_data(self):
        return {name: self.cleaned_data[name] for name in SETTINGS_FIELDS}
