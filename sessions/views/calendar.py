"""Calendars: a week or a month of sessions for a clinician, a group or a room, as a table.
Each session links to its page and, while scheduled and run by the reader, to the reschedule
form, which comes back here. Only sessions the reader may open are named; a room's calendar
shows the others as booked, with nothing else about them."""

from datetime import datetime, time, timedelta
from operator import attrgetter
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from iop.accounts.roles import Role
from iop.audit.mixins import AuditedViewMixin
from iop.ids import in_ids
from iop.shapes import shape
from iop.together import no_read, rows_of, run_together
from patients.part2 import read_part2_patient_ids
from patients.querysets import read_supervised_program_ids
from sessions.calendar import MONTH, WEEK, month_rows, period_from, week_rows
from sessions.models import TherapyGroup, TherapySession
from sessions.services.conflicts import room_key

ROOM_MAX = 120
# What a calendar shows of a session beside its own columns.
SHOWN_RELATIONS = ("group", "patient", "episode")


class CalendarView(LoginRequiredMixin, AuditedViewMixin, TemplateView):
    template_name = "sessions/calendar.html"
    model = TherapySession

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.has_role(*Role.CLINICAL):
            raise PermissionDenied("Calendars are for clinicians and supervisors.")
        return super().dispatch(request, *args, **kwargs)

    # What a subclass names: the calendar's title and its sessions.
    def subject(self):
        raise NotImplementedError

    def sessions_in(self, queryset):
        raise NotImplementedError

    def period_sessions(self, start, end):
        """The calendar's sessions from `start` to before `end` with their group, patient and
        episode, unordered: `sessions_in` the period's by default."""
        queryset = (
            TherapySession.objects.filter(starts_at__gte=start, starts_at__lt=end)
            .select_related(*SHOWN_RELATIONS)
            .order_by()
        )
        return self.sessions_in(queryset)

    def here(self):
        """This calendar's URL without its period."""
        return self.request.path + self.extra_query()

    def extra_query(self):
        return ""

    def shown_patient_ids(self):
        return [s.patient_id for s in self.sessions if s.visible and s.patient_id]

    def get_context_data(self, **kwargs):
        title = self.subject()  # first: it sets what the context adds (extra_context)
        context = super().get_context_data(**kwargs)
        user = self.request.user
        period = self.period = period_from(self.request.GET)
        tz = timezone.get_current_timezone()
        start = datetime.combine(period.first, time.min, tzinfo=tz)
        end = datetime.combine(period.last + timedelta(days=1), time.min, tzinfo=tz)
        # Put in order here: in an ordered query Django 5.2 hashes each of the ~60 joined
        # columns it selects, built afresh per query (0.3 ms), to order a few dozen rows.
        sessions = self.period_sessions(start, end)
        self.sessions = sorted(sessions, key=attrgetter("starts_at", "pk"))
        ids = [s.pk for s in self.sessions]
        supervisor = user.has_role(Role.SUPERVISOR)
        # In one turn: which of the sessions the reader may open, which they run, the programs
        # they supervise and which of the sessions' patients are under Part 2 (the notice
        # weighs those shown only).
        visible, runs, supervised, protected = run_together(
            rows_of(_visible_among(user, ids, timezone.now())) if ids else no_read([]),
            rows_of(_run_among(user, ids)) if ids else no_read([]),
            read_supervised_program_ids(user) if supervisor else no_read(()),
            read_part2_patient_ids(s.patient_id for s in self.sessions),
        )
        visible, runs = set(visible), set(runs)
        director = user.has_role(Role.DIRECTOR)
        for session in self.sessions:
            session.visible = session.pk in visible
            program = session.group.program_id if session.group_id else None
            if program is None and session.episode_id:
                program = session.episode.program_id
            session.reschedulable = (
                session.visible
                and session.status == TherapySession.Status.SCHEDULED
                and (director or program in supervised or session.pk in runs)
            )
        here = self.here()
        context.update(
            title=title,
            period=period,
            view=period.view,
            rows=week_rows(period, self.sessions)
            if period.view == WEEK
            else month_rows(period, self.sessions),
            days=period.days[:7],
            today=timezone.localdate(),
            base_query=self.extra_query(),
            other_view=MONTH if period.view == WEEK else WEEK,
            return_to=f"{here}{'&' if '?' in here else '?'}"
            + urlencode({"view": period.view, "date": period.anchor.isoformat()}),
            is_part2=bool(protected.intersection(self.shown_patient_ids())),
        )
        return context


class ClinicianCalendar(CalendarView):
    """A clinician's own calendar; a supervisor may open any clinician's (showing only the
    sessions they may open)."""

    def subject(self):
        user = self.request.user
        clinician_pk = self.kwargs["pk"]
        if clinician_pk != user.pk and not user.has_role(Role.SUPERVISOR):
            raise PermissionDenied("Clinicians see their own calendar.")
        staff = get_user_model().objects.clinical_staff()
        self.clinician = (
            user if clinician_pk == user.pk else get_object_or_404(staff, pk=clinician_pk)
        )
        self.extra_context = {
            "clinicians": list(staff.order_by("last_name", "first_name"))
            if user.has_role(Role.SUPERVISOR)
            else [],
            "clinician": self.clinician,
        }
        return f"Calendar: {self.clinician.display_name}"

    def sessions_in(self, queryset):
        mine = TherapySession.objects.for_user(self.request.user).filter(clinicians=self.clinician)
        return queryset.filter(pk__in=mine.values("pk"))


class GroupCalendar(CalendarView):
    """A group's calendar, for those who may open the group."""

    def subject(self):
        self.group = next(iter(_group_for(self.request.user, self.kwargs["pk"])), None)
        if self.group is None:
            raise Http404("No such group.")
        self.extra_context = {"group": self.group}
        return f"Calendar: {self.group.name}"

    def period_sessions(self, start, end):
        return _group_sessions(self.group.pk, start, end)


class RoomCalendar(CalendarView):
    """A room's calendar (the location of in-person sessions): every booking of the room,
    named only where the reader may open the session."""

    def subject(self):
        room = " ".join((self.request.GET.get("room") or "").split())
        if not room or len(room) > ROOM_MAX or "\x00" in room:
            raise Http404("Name the room.")
        self.room = room
        rooms = TherapyGroup.objects.filter(is_active=True).exclude(location="")
        self.extra_context = {
            "room": room,
            "rooms": sorted(set(rooms.values_list("location", flat=True))),
        }
        return f"Calendar: {room}"

    def extra_query(self):
        return "?" + urlencode({"room": self.room})

    def sessions_in(self, queryset):
        from django.db.models.functions import Lower, Trim

        return (
            queryset.filter(delivery=TherapySession.Delivery.IN_PERSON)
            .exclude(status=TherapySession.Status.CANCELLED)
            .alias(room_key=Lower(Trim("location")))
            .filter(room_key=room_key(self.room))
        )


def calendar_start(request):
    """`/calendar/`: the chosen clinician's calendar (one's own by default), same period."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    pk = request.GET.get("clinician", "")
    pk = int(pk) if pk.isdecimal() and len(pk) < 10 else request.user.pk
    query = {k: request.GET[k] for k in ("view", "date") if request.GET.get(k)}
    url = reverse("sessions:calendar-clinician", args=[pk])
    return redirect(f"{url}?{urlencode(query)}" if query else url)


# The calendars' reads of their sessions, built and compiled once per kind of user (`iop.shapes`):
# building the visibility test alone was a third of a supervisor's group month.


@shape
def _group_for(user, pk):
    """The group `pk` with its program if `user` may open it (`TherapyGroup.for_user`)."""
    return TherapyGroup.objects.for_user(user).select_related("program").filter(pk=pk)


@shape
def _group_sessions(group_id, start, end):
    """The group's sessions from `start` to before `end` (`CalendarView.period_sessions`)."""
    return (
        TherapySession.objects.filter(group=group_id, starts_at__gte=start, starts_at__lt=end)
        .select_related(*SHOWN_RELATIONS)
        .order_by()
    )


@shape
def _visible_among(user, ids, now):
    """The ids among `ids` of the sessions `user` may open (`for_user_by_row`, tested row by
    row: a month's few dozen; building the whole visible set for a supervisor's group month
    took 14.6 ms of SQL, 0.2 ms this way), emergency grants as in force at `now`."""
    sessions = TherapySession.objects.for_user_by_row(user, now=now)
    return sessions.filter(in_ids("pk", ids)).values_list("pk", flat=True)


@shape
def _run_among(user, ids):
    """The ids among `ids` of the sessions `user` runs (not every session's clinicians)."""
    links = TherapySession.clinicians.through.objects.filter(in_ids("therapysession_id", ids))
    return links.filter(user=user).values_list("therapysession_id", flat=True)
