"""Booking a session, a clinician's week, the groups one runs and a group's week."""

from datetime import datetime, timedelta
from operator import attrgetter

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from iop.accounts.roles import Role
from iop.audit.context import AuditContext
from iop.audit.mixins import AuditedViewMixin
from iop.shapes import shape
from iop.together import read_together
from iop.validation import week_start_or_none
from patients.models import Program
from patients.part2 import part2_patient_ids, protects_patient_of_row
from sessions import services
from sessions.forms import ScheduleForm
from sessions.group_forms import GroupSettingsForm
from sessions.models import GroupEnrollment, TherapyGroup, TherapySession


class SessionCreate(LoginRequiredMixin, TemplateView):
    template_name = "sessions/schedule_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_role(*Role.CLINICAL):
            raise PermissionDenied("Scheduling is for clinicians and supervisors.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, preview=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = preview
        initial = {"clinicians": [self.request.user.pk]}
        if self.request.GET.get("episode"):
            initial["episode"] = self.request.GET["episode"]
        context["form"] = form or ScheduleForm(user=self.request.user, initial=initial)
        return context

    def post(self, request):
        form = ScheduleForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        booking = {
            "kind": data["kind"],
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "clinicians": list(data["clinicians"]),
            "episode": data["episode"],
            "delivery": data["delivery"],
            "location": data["location"],
            "telehealth_link": data["telehealth_link"],
            "place_of_service": data["place_of_service"],
            "telehealth_modifier": data["telehealth_modifier"],
            "family_members": form.members(),
            "patient_present": data.get("patient_present"),
        }
        recurrence = form.recurrence()
        context = AuditContext.from_request(request)
        preview = None
        try:
            if recurrence is None:
                session = services.session_schedule(**booking, user=request.user, context=context)
                messages.success(request, f"Scheduled: {session}.")
                return redirect(session.get_absolute_url())
            preview = self._preview(booking, recurrence)
            if request.POST.get("action") != "preview":
                made = services.session_series_schedule(
                    **booking, recurrence=recurrence, user=request.user, context=context
                )
                messages.success(request, f"Scheduled {len(made)} sessions, the first: {made[0]}.")
                return redirect(made[0].get_absolute_url())
        except ValidationError as error:
            _form_errors(form, error)
        return self.render_to_response(self.get_context_data(form=form, preview=preview))

    @staticmethod
    def _preview(booking, recurrence):
        return services.session_series_preview(
            kind=booking["kind"],
            starts_at=booking["starts_at"],
            duration_minutes=booking["duration_minutes"],
            clinicians=booking["clinicians"],
            episode=booking["episode"],
            recurrence=recurrence,
            delivery=booking["delivery"],
            location=booking["location"],
        )


def _form_errors(form, error):
    """A service's refusal shown on the form: under its field, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _week(request):
    """The week `?week=` names; this week when it is missing, not a date or out of range."""
    return week_start_or_none(request.GET.get("week")) or services.week_start(timezone.localdate())


def week_days(start, sessions):
    """[(day, its sessions by start)] for the week from `start`. The sessions are put in order
    here, read unordered: in an ordered query Django 5.2 hashes each joined column it selects,
    built afresh per query (a clinician's week with its groups, patients and notes: 0.3 ms)."""
    days = [start + timedelta(days=n) for n in range(7)]
    by_day = {d: [] for d in days}
    for session in sorted(sessions, key=attrgetter("starts_at", "pk")):
        by_day.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    return [(d, by_day[d]) for d in days]


class WeekSchedule(LoginRequiredMixin, AuditedViewMixin, TemplateView):
    """A clinician's week (any clinician's for supervisors)."""

    template_name = "sessions/week.html"
    model = TherapySession

    def shown_patient_ids(self):
        """The week's individual sessions' patients (a group's session names the group)."""
        return [session.patient_id for _, sessions in self.days for session in sessions]

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not user.has_role(*Role.CLINICAL):
            raise PermissionDenied("The schedule is for clinicians and supervisors.")
        context = super().get_context_data(**kwargs)
        User = get_user_model()
        supervisor = user.has_role(Role.SUPERVISOR)
        clinician = user
        if self.request.GET.get("clinician", "").isdecimal() and supervisor:
            clinician = get_object_or_404(User, pk=self.request.GET["clinician"])
        start = _week(self.request)
        tz = timezone.get_current_timezone()
        if clinician == user:
            # One's own sessions are all one's to open (`for_user` holds those they run):
            # testing the week's sessions against all they may open cost 8-15 ms at scale.
            sessions = TherapySession.objects.filter(clinicians=user)
        else:
            # Another clinician's week shows only the sessions a supervisor may open.
            sessions = TherapySession.objects.for_user(user).filter(clinicians=clinician)
        sessions = (
            sessions.filter(starts_at__gte=datetime.combine(start, datetime.min.time(), tzinfo=tz))
            .filter(
                starts_at__lt=datetime.combine(
                    start + timedelta(days=7), datetime.min.time(), tzinfo=tz
                )
            )
            .select_related("group", "patient", "note")
            .order_by()  # put in order by week_days
        )
        self.days = week_days(start, sessions)
        context.update(
            clinician=clinician,
            start=start,
            days=self.days,
            previous=start - timedelta(days=7),
            next=start + timedelta(days=7),
            clinicians=User.objects.clinical_staff() if supervisor else [],
            # An individual session names its patient: a SUD patient brings the Part 2 notice.
            is_part2=bool(part2_patient_ids(self.shown_patient_ids())),
        )
        return context


class GroupDetail(LoginRequiredMixin, AuditedViewMixin, TemplateView):
    """A group: its schedule for a week and who is enrolled."""

    template_name = "sessions/group.html"
    model = TherapyGroup

    def get_context_data(self, enrol_form=None, end_form=None, **kwargs):
        from sessions.views.enrolment import group_enrolment_context

        groups = TherapyGroup.objects.for_user(self.request.user)
        group = self.object = get_object_or_404(
            groups.select_related("program"), pk=self.kwargs["pk"]
        )
        context = super().get_context_data(**kwargs)
        start = _week(self.request)
        sessions = group.sessions.between_days(start, start + timedelta(days=6))
        sessions = sessions.select_related("note").order_by()  # put in order by week_days
        enrollments = (
            group.enrollments.current()
            .select_related("episode__patient", "episode__program")
            # Read with the row: the page's Part 2 notice needs no query of its own.
            .annotate(part2_protected=protects_patient_of_row("episode__patient_id"))
        )
        # The week, the enrolments and the facilitators in one round trip.
        sessions, enrollments, facilitators = read_together(
            [sessions, enrollments, group.facilitators.all()]
        )
        context.update(
            group=group,
            start=start,
            days=week_days(start, sessions),
            previous=start - timedelta(days=7),
            next=start + timedelta(days=7),
            enrollments=enrollments,
            is_part2=any(e.part2_protected for e in enrollments),
            facilitators=facilitators,
            can_edit=services.can_edit_group(self.request.user, group),
            **group_enrolment_context(
                self.request.user, group, enrollments, enrol_form=enrol_form, end_form=end_form
            ),
        )
        return context


@login_required
@require_safe
def groups_list(request):
    user = request.user
    if not user.has_role(*Role.CLINICAL):
        raise PermissionDenied("Groups are for clinicians and supervisors.")
    groups, programs = read_together([_active_groups(user), _active_programs(user)])
    return render(request, "sessions/groups.html", {"programs": programs, "groups": groups})


@shape
def _active_groups(user):
    """The active groups `user` runs or oversees, with their program and how many are enrolled
    (enrolments not ended), counted in the query: a supervisor's 60 groups' ~800 enrolments
    were read as rows to be counted. A shape."""
    enrolled = (
        GroupEnrollment.objects.filter(group=OuterRef("pk"), end_date__isnull=True)
        .order_by()
        .values("group")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        TherapyGroup.objects.for_user(user)
        .filter(is_active=True)
        .select_related("program")
        .annotate(enrolled=Coalesce(Subquery(enrolled), 0))
    )


@shape
def _active_programs(user):
    return Program.objects.supervised_by(user).filter(is_active=True)


class GroupSettings(LoginRequiredMixin, TemplateView):
    """A group's schedule, place, capacity and facilitators, for a supervisor of its program."""

    template_name = "sessions/group_settings.html"

    def setup_group(self):
        groups = TherapyGroup.objects.for_user(self.request.user).select_related("program")
        group = get_object_or_404(groups, pk=self.kwargs["pk"])
        if not services.can_edit_group(self.request.user, group):
            raise PermissionDenied(
                f"Only a supervisor of {group.program} (or a clinical director) changes "
                "its groups' schedules."
            )
        return group

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        group = self.group
        context.update(group=group, form=form or GroupSettingsForm(instance=group))
        return context

    def get(self, request, *args, **kwargs):
        self.group = self.setup_group()
        return super().get(request, *args, **kwargs)

    def post(self, request, pk):
        self.group = group = self.setup_group()
        form = GroupSettingsForm(request.POST, instance=TherapyGroup.objects.get(pk=group.pk))
        if form.is_valid():
            try:
                services.group_settings_update(
                    group=group,
                    user=request.user,
                    data=form.settings_data(),
                    facilitators=list(form.cleaned_data["facilitators"]),
                    context=AuditContext.from_request(request),
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, f"{group}: schedule saved; its coming sessions follow.")
                return redirect("sessions:group", group.pk)
        return self.render_to_response(self.get_context_data(form=form))
