"""Whose care a report counts, and over which days: the one place reports apply permissions.

A supervisor's reports count the episodes of the programs they supervise (every program for a
clinical director), never another program's, even for a patient whose care team they are on;
a clinician's count their caseload (primary clinician or care-team member). Intake
coordinators and admins have no reports. The filters (date range, program, level of care,
clinician, track) narrow that set; they never widen it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils import timezone

from iop.accounts.roles import Role
from iop.choices import ReadChoicesOnce
from patients.models import Episode, Program

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366
EARLIEST = date(2000, 1, 1)


def may_see_reports(user):
    return bool(user and user.is_authenticated and user.is_active and user.has_role(*Role.CLINICAL))


def is_program_view(user):
    """Supervisors (and directors) report on their programs; clinicians on their caseload."""
    return user.has_role(Role.SUPERVISOR)


def programs_for(user):
    """The programs a user's reports may be narrowed to."""
    if is_program_view(user):
        return Program.objects.supervised_by(user).order_by("name")
    mine = Episode.objects.on_caseload_of(user).values("program_id")
    return Program.objects.filter(pk__in=mine).order_by("name")


@dataclass(frozen=True)
class ReportScope:
    """The user, the days (both included) and the filters of one report request."""

    user: object
    start: date
    end: date
    program_id: int | None = None
    level_of_care: str = ""
    clinician_id: int | None = None
    track: str = ""

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def episodes(self):
        """Every episode (any status) the report may count, with the filters applied. Sections
        narrow it by their own dates (active on a day, admitted in the range, ...)."""
        user = self.user
        if not may_see_reports(user):
            return Episode.objects.none()
        if is_program_view(user):
            episodes = Episode.objects.in_programs_of(user)
        else:
            episodes = Episode.objects.on_caseload_of(user)
        if self.program_id:
            episodes = episodes.filter(program_id=self.program_id)
        if self.level_of_care:
            episodes = episodes.filter(level_of_care=self.level_of_care)
        if self.clinician_id:
            episodes = episodes.filter(primary_clinician_id=self.clinician_id)
        if self.track:
            episodes = episodes.filter(program__track=self.track)
        return episodes

    def describe(self):
        """The filters in words, for titles, exports and the audit trail (no patient data)."""
        parts = [f"{self.start:%d %b %Y} to {self.end:%d %b %Y}"]
        if self.program_id:
            program = Program.objects.filter(pk=self.program_id).values_list("name", flat=True)
            parts.append(f"program {program.first() or self.program_id}")
        if self.level_of_care:
            parts.append(f"level of care {self.level_of_care}")
        if self.clinician_id:
            parts.append(f"clinician #{self.clinician_id}")
        if self.track:
            parts.append(f"track {Program.Track(self.track).label}")
        return ", ".join(parts)

    def query(self):
        """The filters as GET parameters (drill-down and export links keep them)."""
        params = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.program_id:
            params["program"] = self.program_id
        if self.level_of_care:
            params["level_of_care"] = self.level_of_care
        if self.clinician_id:
            params["clinician"] = self.clinician_id
        if self.track:
            params["track"] = self.track
        return params


class ReportFilterForm(ReadChoicesOnce, forms.Form):
    """The report's filters; the programs and clinicians to choose from are read once per form
    (`iop.choices`), not through a server-side cursor at each pass."""

    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), required=False, empty_label="All programs"
    )
    level_of_care = forms.ChoiceField(
        label="Level of care",
        required=False,
        choices=[("", "All levels")] + list(Episode.LevelOfCare.choices),
    )
    clinician = forms.ModelChoiceField(
        label="Primary clinician", queryset=None, required=False, empty_label="All clinicians"
    )
    track = forms.ChoiceField(
        required=False, choices=[("", "All tracks")] + list(Program.Track.choices)
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.user = user
        self.fields["program"].queryset = programs_for(user)
        staff = get_user_model().objects.clinical_staff()
        if not is_program_view(user):
            staff = staff.filter(pk=user.pk)
        # The names the options show, not every column (SELECT DISTINCT over password hashes).
        names = ("username", "first_name", "last_name", "credentials")
        self.fields["clinician"].queryset = staff.only(*names).order_by(
            "last_name", "first_name", "username"
        )
        self.fields["clinician"].label_from_instance = lambda u: u.display_name

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or (end - timedelta(days=DEFAULT_DAYS - 1))
        if start < EARLIEST or end < EARLIEST:
            raise forms.ValidationError(f"Dates before {EARLIEST:%Y} are not in the record.")
        if end > today:
            self.add_error("end", "The range cannot end after today.")
        if start > end:
            self.add_error("start", "The range must start on or before its end.")
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("start", "The range can be at most three years.")
        data["start"], data["end"] = start, end
        return data

    def scope(self):
        """The scope of a valid form, or the default one (the last 90 days, no filter) when
        the form is not valid: the page shows the errors above the default figures."""
        if self.is_valid():
            data = self.cleaned_data
            return ReportScope(
                user=self.user,
                start=data["start"],
                end=data["end"],
                program_id=data["program"].pk if data["program"] else None,
                level_of_care=data["level_of_care"],
                clinician_id=data["clinician"].pk if data["clinician"] else None,
                track=data["track"],
            )
        return default_scope(self.user)


def default_scope(user, today=None):
    end = today or timezone.localdate()
    return ReportScope(user=user, start=end - timedelta(days=DEFAULT_DAYS - 1), end=end)


def scope_from_request(request):
    """(form, scope) for the GET parameters of a report request."""
    form = ReportFilterForm(request.GET or None, user=request.user)
    if not request.GET:
        return form, default_scope(request.user)
    return form, form.scope()
