from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from iop import widgets
from iop.choices import ReadOnceChoices
from patients.models import Episode
from plans.models import DocumentStatus, Objective, ProgressEntry, TreatmentPlan
from sessions.models import ProgressNote, TherapySession
from sessions.services.notes import PSYCHOTHERAPY_LIMIT
from sessions.services.notes import UNSET as NOTE_UNSET
from sessions.services.recurrence import (
    MAX_EVERY_WEEKS,
    MAX_OCCURRENCES,
    WEEKDAY_NAMES,
    Recurrence,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WEEKDAY_CHOICES = list(enumerate(WEEKDAY_NAMES))


class UserChoices(forms.ModelMultipleChoiceField):
    widget = widgets.SelectMultiple  # the clinical staff: dozens of options

    def label_from_instance(self, obj):
        return obj.display_name


class EpisodeChoice(forms.ModelChoiceField):
    widget = widgets.Select  # a caseload's or a program's patients: up to hundreds of options

    def label_from_instance(self, obj):
        return f"{obj.patient.display_name} (MRN {obj.patient.mrn}) — {obj.program}"


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[c for c in TherapySession.Kind.choices if c[0] != TherapySession.Kind.GROUP]
    )
    episode = EpisodeChoice(queryset=Episode.objects.none(), label="Patient", required=False)
    starts_at = forms.DateTimeField(label="Starts", widget=DATETIME)
    duration_minutes = forms.IntegerField(label="Minutes", min_value=5, max_value=600, initial=50)
    delivery = forms.ChoiceField(choices=TherapySession.Delivery.choices)
    location = forms.CharField(required=False, max_length=120)
    telehealth_link = forms.URLField(required=False, assume_scheme="https")
    place_of_service = forms.ChoiceField(
        required=False,
        label="Telehealth: place of service",
        choices=[("", "—"), *TherapySession.POS],
    )
    telehealth_modifier = forms.ChoiceField(
        required=False,
        label="Telehealth: modifier",
        choices=[("", "—"), *TherapySession.MODIFIERS],
    )
    clinicians = UserChoices(queryset=get_user_model().objects.none())
    family_members = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Family sessions: one per line, “Name, relationship”.",
    )
    patient_present = forms.NullBooleanField(
        required=False,
        label="Family sessions: the patient takes part",
        widget=forms.Select(choices=[("unknown", "—"), ("true", "Yes"), ("false", "No")]),
    )
    repeat = forms.BooleanField(
        required=False,
        label="Repeat weekly (individual, family and medication-management sessions)",
    )
    every_weeks = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_EVERY_WEEKS,
        initial=1,
        label="Repeat every … weeks",
    )
    weekdays = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label="Repeat on",
        help_text="Leave all unticked for the first session's weekday.",
    )
    until = forms.DateField(required=False, widget=DATE, label="Until (a date, included)")
    count = forms.IntegerField(
        required=False,
        min_value=2,
        max_value=MAX_OCCURRENCES,
        label="Or for this many sessions",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["episode"].queryset = (
            Episode.objects.for_user(user)
            .filter(status__in=[Episode.Status.ACTIVE, Episode.Status.INTAKE])
            .select_related("patient", "program")
            .order_by("patient__legal_last_name")
        )
        self.fields["clinicians"].queryset = (
            get_user_model().objects.clinical_staff().order_by("last_name")
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == TherapySession.Kind.FAMILY and data.get("patient_present") is None:
            self.add_error("patient_present", "Say whether the patient takes part.")
        return data

    def clean_family_members(self):
        members = []
        for line in (self.cleaned_data.get("family_members") or "").splitlines():
            if not line.strip():
                continue
            name, _, relationship = line.partition(",")
            if not relationship.strip():
                raise ValidationError(f"Give the relationship after a comma: “{line.strip()}”.")
            members.append({"name": name.strip(), "relationship": relationship.strip()})
        return members

    def members(self):
        return self.cleaned_data.get("family_members") or []

    def recurrence(self):
        """The series asked for (None: one session). No weekday ticked: the first one's."""
        data = self.cleaned_data
        if not data.get("repeat"):
            return None
        weekdays = tuple(data.get("weekdays") or ())
        if not weekdays and data.get("starts_at"):
            weekdays = (timezone.localtime(data["starts_at"]).weekday(),)
        return Recurrence(
            weekdays=weekdays,
            every_weeks=data.get("every_weeks") or 1,
            until=data.get("until"),
            count=data.get("count"),
        )


def _entries_with_patients(note):
    """The note's parts, each with its patient: the session page's (prefetched, their patients
    set from the roster), else read with their patients in one query."""
    if "entries" in getattr(note, "_prefetched_objects_cache", {}):
        return list(note.entries.all())
    return list(note.entries.select_related("patient", "episode"))


class NoteForm(forms.Form):
    """The note composer: the shared sections, then one part per attendee."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, note=None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        self.note = note
        self.entry_list = _entries_with_patients(note) if note else []
        if note is not None:
            initial.setdefault("revision", note.revision)
        super().__init__(*args, initial=initial, **kwargs)
        if note is None:
            return
        for key, label in note.sections():
            self.fields[f"shared_{key}"] = forms.CharField(
                label=label,
                required=False,
                initial=note.shared.get(key, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if note.format == ProgressNote.Format.MED:
            self.fields["psychotherapy_minutes"] = forms.IntegerField(
                label="Psychotherapy added (minutes)",
                required=False,
                min_value=0,
                max_value=PSYCHOTHERAPY_LIMIT,
                initial=note.psychotherapy_minutes,
                help_text="Only time spent on psychotherapy (16+ minutes suggest 90833/90836/"
                "90838); it is not counted in the visit's E/M time.",
            )
        plans = TreatmentPlan.objects.filter(
            episode_id__in=[e.episode_id for e in self.entry_list], status=DocumentStatus.ACTIVE
        )
        objectives = {}  # episode -> [(objective, its description)], as the choices take them
        for pk, description, episode_id in Objective.objects.filter(
            goal__problem__plan__in=plans
        ).values_list("pk", "description", "goal__problem__plan__episode_id"):
            objectives.setdefault(episode_id, []).append((pk, description))
        ratings = [("", "—")] + [(str(v), label) for v, label in ProgressEntry.Rating.choices]
        risks = [("", "—")] + list(ProgressNote.Risk.choices)
        self.rows = []
        for entry in self.entry_list:
            p = entry.patient_id
            choices = objectives.get(entry.episode_id, [])
            first_rating = next(iter(entry.progress_ratings.values()), "")
            self.fields[f"entry_{p}_text"] = forms.CharField(
                label=f"About {entry.patient.display_name}",
                required=False,
                initial=entry.text,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.fields[f"entry_{p}_objectives"] = forms.TypedMultipleChoiceField(
                label="Plan objectives addressed",
                required=False,
                coerce=int,
                choices=choices,
                initial=entry.objectives_addressed,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"entry_{p}_rating"] = forms.ChoiceField(
                label="Progress on them",
                required=False,
                choices=ratings,
                initial=str(first_rating),
            )
            self.fields[f"entry_{p}_risk_level"] = forms.ChoiceField(
                label="Risk re-check",
                required=False,
                choices=risks,
                initial=entry.risk_level,
                # "No risk indicated for everyone not re-checked yet" fills these (note.js).
                widget=forms.Select(attrs={"data-risk-select": ""}),
            )
            self.fields[f"entry_{p}_risk_notes"] = forms.CharField(
                label="Risk notes",
                required=False,
                initial=entry.risk_notes,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            # The part in the order it is written: the text, the risk re-check, then the
            # plan objectives it addressed (with no active plan, none to offer).
            names = ["text", "risk_level", "risk_notes"]
            if choices:
                names += ["objectives", "rating"]
            self.rows.append((entry, [self[f"entry_{p}_{name}"] for name in names], bool(choices)))

    def show_incomplete(self, error):
        """A refused signature (NoteIncompleteError): each message beside the section or the
        attendee's part it is about, one line at the top saying where to look."""
        for key, message in error.sections.items():
            self.add_error(f"shared_{key}", message)
        for patient_id, fields in error.parts.items():
            for name, messages in fields.items():
                self.add_error(f"entry_{patient_id}_{name}", messages)
        self.add_error(None, "Not signed: what is missing is shown beside each part below.")

    def parts_with_errors(self):
        """The attendees whose part has a message beside it (the top of the form links them)."""
        return [
            entry
            for entry, fields, _ in getattr(self, "rows", [])
            if any(field.errors for field in fields)
        ]

    def shared_fields(self):
        return [self[f"shared_{key}"] for key, _ in self.note.sections()] if self.note else []

    def psychotherapy_field(self):
        return self["psychotherapy_minutes"] if "psychotherapy_minutes" in self.fields else None

    def psychotherapy_minutes(self):
        """What the service takes: the minutes (None cleared) on a visit note; else unset."""
        if "psychotherapy_minutes" not in self.fields:
            return NOTE_UNSET
        return self.cleaned_data.get("psychotherapy_minutes")

    def shared(self):
        return {key: self.cleaned_data.get(f"shared_{key}", "") for key, _ in self.note.sections()}

    def entries(self):
        out = {}
        for entry in self.entry_list:
            p = entry.patient_id
            objectives = self.cleaned_data.get(f"entry_{p}_objectives") or []
            rating = self.cleaned_data.get(f"entry_{p}_rating")
            out[p] = {
                "text": self.cleaned_data.get(f"entry_{p}_text", ""),
                "objectives": objectives,
                "ratings": {o: int(rating) for o in objectives} if rating not in ("", None) else {},
                "risk_level": self.cleaned_data.get(f"entry_{p}_risk_level", ""),
                "risk_notes": self.cleaned_data.get(f"entry_{p}_risk_notes", ""),
            }
        return out


# --- group enrolment --------------------------------------------------------------------------

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GroupChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        left = obj.capacity - obj.enrolled
        places = f"{left} of {obj.capacity} places free" if left > 0 else "full"
        return f"{obj.name} — {obj.schedule_label} ({places})"


class EnrolInGroupForm(forms.Form):
    """From the chart: which group, from when."""

    group = GroupChoice(queryset=None, empty_label="Choose a group")
    start_date = forms.DateField(label="From", widget=DATE)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class EnrolPatientForm(forms.Form):
    """From the group's page: which patient, from when."""

    episode = EpisodeChoice(queryset=None, label="Patient", empty_label="Choose a patient")
    start_date = forms.DateField(label="From", widget=DATE)

    def __init__(self, *args, episodes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["episode"].iterator = ReadOnceChoices  # before the queryset: it builds them
        self.fields["episode"].queryset = episodes
        self.fields["episode"].label_from_instance = lambda e: (
            f"{e.patient.display_name} (MRN {e.patient.mrn})"
        )


class EnrolmentEndForm(forms.Form):
    end_date = forms.DateField(label="Last day in the group", widget=DATE)


# --- level of care and planned step-downs -------------------------------------------------------


class LevelOfCareForm(forms.Form):
    to_level = forms.ChoiceField(label="New level of care", choices=Episode.LevelOfCare.choices)
    effective_date = forms.DateField(label="Effective from", widget=DATE)
    reason = forms.CharField(
        label="Clinical reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StepDownForm(forms.Form):
    starts_on = forms.DateField(label="First day", widget=DATE)
    ends_on = forms.DateField(label="Last day", widget=DATE)
    reason = forms.CharField(
        label="Why the hours are planned below the minimum",
        max_length=200,
        help_text="E.g. a planned week with family out of state. One to two weeks; longer is a "
        "change of level of care.",
    )
