"""Pages for a clinician's day: Today, the session page (attendance sheet and note composer),
week schedules, scheduling, the co-signature queue, and the chart's sessions tab.

Views are thin: writes are `sessions.services` calls; reads go through `for_user` QuerySets.
"""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from iop.accounts.roles import Role
from iop.audit.mixins import AuditedViewMixin
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record, audit_record_patients
from iop.errors import ConflictError
from patients.access import get_patient_for_user
from patients.models import Alert, Episode
from patients.selectors import chart_header
from plans.models import SafetyPlan
from sessions import services
from sessions.forms import NoteForm, ScheduleForm
from sessions.models import (
    Attendance,
    GroupEnrollment,
    ProgressNote,
    TherapyGroup,
    TherapySession,
)

RISK_LEVELS = ("moderate", "high")
# One key per attendance button, for taking attendance from the keyboard (see app.js).
ATTENDANCE_BUTTONS = [
    (value, label, key)
    for (value, label), key in zip(Attendance.Status.choices, "plexu", strict=True)
]


def mark_missing_safety_plans(alerts):
    """Flag moderate/high risk alerts whose patient has no current safety plan (one query)."""
    at_risk = {a.patient_id for a in alerts if a.kind == "risk" and a.risk_level in RISK_LEVELS}
    covered = set(
        SafetyPlan.objects.filter(patient_id__in=at_risk, status="active").values_list(
            "patient_id", flat=True
        )
    )
    for alert in alerts:
        alert.safety_plan_missing = (
            alert.kind == "risk"
            and alert.risk_level in RISK_LEVELS
            and alert.patient_id not in covered
        )


def error_text(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def sessions_with_rosters(sessions):
    """Attach each session's roster and attendance: a fixed number of queries per call."""
    sessions = list(sessions)
    group_ids = {s.group_id for s in sessions if s.group_id}
    enrollments = list(
        GroupEnrollment.objects.filter(group_id__in=group_ids).select_related(
            "episode__patient", "episode__program"
        )
    )
    attendance = {}
    for record in Attendance.objects.filter(session__in=sessions).select_related(
        "episode__patient", "episode__program"
    ):
        attendance.setdefault(record.session_id, {})[record.episode_id] = record
    for session in sessions:
        marked = attendance.get(session.pk, {})
        if session.is_group:
            day = timezone.localtime(session.starts_at).date()
            episodes = [
                e.episode
                for e in enrollments
                if e.group_id == session.group_id
                and e.start_date <= day
                and (e.end_date is None or e.end_date >= day)
            ]
            known = {e.pk for e in episodes}
            episodes += [r.episode for r in marked.values() if r.episode_id not in known]
            episodes.sort(key=lambda e: (e.patient.legal_last_name, e.patient.legal_first_name))
        else:
            episodes = [session.episode] if session.episode_id else []
        session.rows = [(episode, marked.get(episode.pk)) for episode in episodes]
        session.marked = len(marked)
    return sessions


def can_run(user, session):
    return session.is_run_by(user)


# --- Today ---------------------------------------------------------------------------------------


@login_required
@require_safe
def today(request):
    """A clinician's day: sessions with attendance sheets, notes to write and sign, alerts,
    patients below their hours; supervisors also see notes waiting for co-signature."""
    user = request.user
    clinical = user.has_role(*Role.CLINICAL)
    context = {
        "is_clinical": clinical,
        "is_intake": user.has_role(Role.INTAKE),
        "is_admin": user.has_role(Role.ADMIN),
        "is_supervisor": user.has_role(Role.SUPERVISOR),
        "has_role": bool(user.roles),
    }
    if clinical:
        day = timezone.localdate()
        my_sessions = sessions_with_rosters(
            TherapySession.objects.filter(clinicians=user)
            .on_day(day)
            .exclude(status=TherapySession.Status.CANCELLED)
            .select_related("group", "episode__patient", "episode__program", "note")
            .prefetch_related("clinicians")
        )
        alerts = list(
            Alert.objects.for_worklist(user).select_related("patient", "assigned_to")[:50]
        )
        mark_missing_safety_plans(alerts)
        to_write = list(
            TherapySession.objects.filter(clinicians=user, starts_at__lt=timezone.now())
            .filter(status=TherapySession.Status.COMPLETED)
            .filter(
                Exists(
                    Attendance.objects.filter(
                        session=OuterRef("pk"), status__in=Attendance.ATTENDED
                    )
                )
            )
            .filter(Q(note__isnull=True) | Q(note__status=ProgressNote.Status.DRAFT))
            .select_related("group", "patient", "note")
            .order_by("starts_at")[:30]
        )
        cosign = []
        if user.has_role(Role.SUPERVISOR):
            cosign = list(
                ProgressNote.objects.filter(status=ProgressNote.Status.AWAITING_COSIGN)
                .select_related("session__group", "session__patient", "author")
                .order_by("signed_at")[:30]
            )
        context.update(
            sessions=my_sessions,
            alerts=alerts,
            to_write=to_write,
            cosign=cosign,
            below=below_hours(user),
            statuses=ATTENDANCE_BUTTONS,
        )
        audit_record(
            request=request,
            action=AuditEvent.Action.VIEW,
            object_type="today",
            detail=f"{len(my_sessions)} sessions, {len(alerts)} alerts",
        )
    return render(request, "today.html", context)


def below_hours(user):
    """Caseload patients whose last full week was below their program minimum."""
    episodes = Episode.objects.for_user(user).filter(status=Episode.Status.ACTIVE)
    if not user.has_role(Role.SUPERVISOR):
        episodes = episodes.filter(Q(primary_clinician=user) | Q(care_team=user)).distinct()
    episodes = list(episodes.select_related("patient", "program")[:200])
    ledger = services.hours_ledger(episodes, weeks=2)
    rows = []
    for episode in episodes:
        weeks = [w for w in ledger[episode.pk] if not w["current"]]
        if weeks and not weeks[-1]["met"] and not weeks[-1]["step_down"]:
            rows.append((episode, weeks[-1]))
    return rows


# --- the session page ---------------------------------------------------------------------------


class SessionMixin(LoginRequiredMixin, AuditedViewMixin):
    model = TherapySession
    pk_url_kwarg = "pk"

    def setup_session(self):
        if not hasattr(self, "session"):
            if not self.request.user.has_role(*Role.CLINICAL):
                raise Http404("No such session.")
            queryset = TherapySession.objects.for_user(self.request.user).select_related(
                "group", "episode__patient", "episode__program", "patient"
            )
            self.session = self.object = get_object_or_404(
                queryset.prefetch_related("clinicians"), pk=self.kwargs["pk"]
            )
        return self.session

    def require_runner(self):
        session = self.setup_session()
        if not can_run(self.request.user, session):
            raise PermissionDenied("Only the session's clinicians (or a supervisor) can do this.")
        return session


def note_context(note, form=None):
    return {"note": note, "note_form": form or (NoteForm(note=note) if note else None)}


class SessionDetail(SessionMixin, TemplateView):
    template_name = "sessions/session.html"

    def get_context_data(self, note_form=None, **kwargs):
        session = self.setup_session()
        context = super().get_context_data(**kwargs)
        sessions_with_rosters([session])
        note = (
            ProgressNote.objects.filter(session=session)
            .select_related("author", "signed_by", "cosigned_by")
            .first()
        )
        totals = services.day_minutes(
            [e.patient_id for e, _ in session.rows], timezone.localtime(session.starts_at).date()
        )
        # The page shows every attendee's attendance (and note part): one event per patient.
        audit_record_patients(
            action=AuditEvent.Action.VIEW,
            request=self.request,
            obj=session,
            patient_ids=[e.patient_id for e, _ in session.rows],
            detail="session page",
        )
        session.billing = [
            (
                episode,
                services.billing_codes(
                    session, record, episode=episode, day_minutes=totals.get(episode.patient_id, 0)
                ),
            )
            for episode, record in session.rows
            if record is not None
        ]
        context.update(
            session=session,
            runner=can_run(self.request.user, session),
            is_supervisor=self.request.user.has_role(Role.SUPERVISOR),
            statuses=ATTENDANCE_BUTTONS,
            family=list(session.family_members.all()),
            addenda=list(note.addenda.select_related("author")) if note else [],
            intact=services.note_is_intact(note) if note and note.is_locked else None,
            **note_context(note, note_form),
        )
        return context


class AttendanceMark(SessionMixin, View):
    """One click per attendee: saved at once; with htmx the row re-draws in place."""

    def post(self, request, pk, episode_pk):
        session = self.require_runner()
        # Only an episode on this session's roster: any other id is a plain 404, so the page
        # never tells whose an id is.
        episode = next((e for e in services.session_roster(session) if e.pk == episode_pk), None)
        if episode is None:
            raise Http404("Not on this session's roster.")
        minutes = request.POST.get("minutes") or None
        error = ""
        try:
            services.attendance_mark(
                session=session,
                episode=episode,
                status=request.POST.get("status", ""),
                minutes=int(minutes) if minutes is not None else None,
                user=request.user,
                request=request,
            )
        except ValueError:
            error = "Minutes must be a whole number."
        except ValidationError as exc:
            error = error_text(exc)
        if request.htmx:
            sessions_with_rosters([session])
            row = next((r for r in session.rows if r[0].pk == episode.pk), (episode, None))
            return render(
                request,
                "sessions/_attendance_row.html",
                {
                    "session": session,
                    "episode": row[0],
                    "record": row[1],
                    "runner": True,
                    "statuses": ATTENDANCE_BUTTONS,
                    "row_error": error,
                },
            )
        if error:
            messages.error(request, error)
        return redirect(session.get_absolute_url())


class NoteSave(SessionMixin, View):
    """Start, save or sign the note: one form, so nothing typed is lost on a refusal."""

    def post(self, request, pk):
        session = self.require_runner()
        note = ProgressNote.objects.filter(session=session).first()
        if note is None:
            try:
                note = services.note_start(
                    session=session,
                    user=request.user,
                    format=request.POST.get("format") or "DAP",
                    request=request,
                )
            except ValidationError as error:
                messages.error(request, error_text(error))
                return redirect(session.get_absolute_url())
            if "start" in request.POST:
                return redirect(session.get_absolute_url() + "#note")
        else:
            services.note_start(session=session, user=request.user, request=request)
        form = NoteForm(request.POST, note=note)
        if form.is_valid():
            try:
                note = services.note_save(
                    note=note,
                    user=request.user,
                    shared=form.shared(),
                    entries=form.entries(),
                    revision=form.cleaned_data["revision"],
                    request=request,
                )
                if "sign" in request.POST:
                    services.note_sign(note=note, user=request.user, request=request)
            except (ValidationError, ConflictError) as error:
                form.add_service_error(error)
        if form.errors:
            view = SessionDetail(request=request, kwargs=self.kwargs)
            view.setup(request, **self.kwargs)
            view.session = view.object = session
            if not form.non_field_errors() and not any(form.errors.values()):
                form.add_error(None, "The note was not saved.")
            # A draft saved before a refused signature moves on to its new revision.
            note.refresh_from_db()
            form.data = form.data.copy()
            form.data["revision"] = note.revision
            return view.render_to_response(view.get_context_data(note_form=form))
        note.refresh_from_db()
        if note.status == ProgressNote.Status.AWAITING_COSIGN:
            messages.success(request, "Note signed; it now waits for a supervisor's co-signature.")
        elif note.is_locked:
            messages.success(request, "Note signed and locked.")
        else:
            messages.success(request, "Note saved as a draft.")
        return redirect(session.get_absolute_url() + "#note")


class NoteAddendum(SessionMixin, View):
    def post(self, request, pk):
        session = self.require_runner()
        note = get_object_or_404(ProgressNote, session=session)
        try:
            services.addendum_add(
                note=note, text=request.POST.get("text", ""), user=request.user, request=request
            )
            messages.success(request, "Addendum added.")
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect(session.get_absolute_url() + "#note")


class NoteCosign(SessionMixin, View):
    def post(self, request, pk):
        session = self.setup_session()
        note = get_object_or_404(ProgressNote, session=session)
        try:
            services.note_cosign(note=note, user=request.user, request=request)
            messages.success(request, "Note co-signed.")
        except ValidationError as error:
            messages.error(request, error_text(error))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = session.get_absolute_url()
        return redirect(target)


class SessionCancel(SessionMixin, View):
    def post(self, request, pk):
        session = self.require_runner()
        try:
            services.session_cancel(session=session, user=request.user, request=request)
            messages.success(request, "Session cancelled.")
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect(session.get_absolute_url())


# --- scheduling and week views ------------------------------------------------------------------


class SessionCreate(LoginRequiredMixin, TemplateView):
    template_name = "sessions/schedule_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_role(*Role.CLINICAL):
            raise PermissionDenied("Scheduling is for clinicians and supervisors.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        initial = {"clinicians": [self.request.user.pk]}
        if self.request.GET.get("episode"):
            initial["episode"] = self.request.GET["episode"]
        context["form"] = form or ScheduleForm(user=self.request.user, initial=initial)
        return context

    def post(self, request):
        form = ScheduleForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.session_schedule(
                    kind=data["kind"],
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    clinicians=list(data["clinicians"]),
                    episode=data["episode"],
                    delivery=data["delivery"],
                    location=data["location"],
                    telehealth_link=data["telehealth_link"],
                    family_members=form.members(),
                    patient_present=data.get("patient_present"),
                    user=request.user,
                    request=request,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"Scheduled: {session}.")
                return redirect(session.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


def _week(request):
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    return services.week_start(day)


def week_days(start, sessions):
    days = [start + timedelta(days=n) for n in range(7)]
    by_day = {d: [] for d in days}
    for session in sessions:
        by_day.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    return [(d, by_day[d]) for d in days]


class WeekSchedule(LoginRequiredMixin, AuditedViewMixin, TemplateView):
    """A clinician's week (any clinician's for supervisors)."""

    template_name = "sessions/week.html"
    model = TherapySession

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not user.has_role(*Role.CLINICAL):
            raise PermissionDenied("The schedule is for clinicians and supervisors.")
        context = super().get_context_data(**kwargs)
        from iop.accounts.models import User

        clinician = user
        if self.request.GET.get("clinician", "").isdecimal() and user.has_role(Role.SUPERVISOR):
            clinician = get_object_or_404(User, pk=self.request.GET["clinician"])
        start = _week(self.request)
        tz = timezone.get_current_timezone()
        sessions = (
            TherapySession.objects.filter(clinicians=clinician)
            .filter(starts_at__gte=datetime.combine(start, datetime.min.time(), tzinfo=tz))
            .filter(
                starts_at__lt=datetime.combine(
                    start + timedelta(days=7), datetime.min.time(), tzinfo=tz
                )
            )
            .select_related("group", "patient", "note")
        )
        context.update(
            clinician=clinician,
            start=start,
            days=week_days(start, sessions),
            previous=start - timedelta(days=7),
            next=start + timedelta(days=7),
            clinicians=User.objects.filter(groups__name__in=Role.CLINICAL).distinct()
            if user.has_role(Role.SUPERVISOR)
            else [],
        )
        return context


class GroupDetail(LoginRequiredMixin, AuditedViewMixin, TemplateView):
    """A group: its schedule for a week and who is enrolled."""

    template_name = "sessions/group.html"
    model = TherapyGroup

    def get_context_data(self, **kwargs):
        user = self.request.user
        groups = TherapyGroup.objects.all()
        if not user.has_role(Role.SUPERVISOR):
            if not user.has_role(Role.CLINICIAN):
                raise Http404("No such group.")
            groups = groups.filter(facilitators=user)
        group = self.object = get_object_or_404(
            groups.select_related("program"), pk=self.kwargs["pk"]
        )
        context = super().get_context_data(**kwargs)
        start = _week(self.request)
        sessions = group.sessions.filter(
            starts_at__date__gte=start, starts_at__date__lt=start + timedelta(days=7)
        ).select_related("note")
        context.update(
            group=group,
            start=start,
            days=week_days(start, sessions),
            previous=start - timedelta(days=7),
            next=start + timedelta(days=7),
            enrollments=group.enrollments.filter(end_date__isnull=True).select_related(
                "episode__patient"
            ),
            facilitators=list(group.facilitators.all()),
        )
        return context


@login_required
@require_safe
def groups_list(request):
    user = request.user
    if not user.has_role(*Role.CLINICAL):
        raise PermissionDenied("Groups are for clinicians and supervisors.")
    groups = TherapyGroup.objects.filter(is_active=True).select_related("program")
    if not user.has_role(Role.SUPERVISOR):
        groups = groups.filter(facilitators=user)
    return render(
        request,
        "sessions/groups.html",
        {
            "groups": groups.prefetch_related(
                Prefetch("enrollments", GroupEnrollment.objects.filter(end_date__isnull=True))
            )
        },
    )


# --- the chart's sessions tab -------------------------------------------------------------------


class ChartSessions(LoginRequiredMixin, AuditedViewMixin, TemplateView):
    template_name = "sessions/chart_sessions.html"

    def get_context_data(self, **kwargs):
        patient = self.object = get_patient_for_user(
            self.request.user, self.kwargs["pk"], clinical=True
        )
        context = super().get_context_data(**kwargs)
        context.update(chart_header(patient))
        episode = context["episode"]
        ledger = (
            services.hours_ledger([episode], weeks=12)[episode.pk]
            if episode and episode.admission_date
            else []
        )
        since = timezone.now() - timedelta(weeks=8)
        attendance = list(
            Attendance.objects.filter(patient=patient, session__starts_at__gte=since)
            .select_related("session__group")
            .order_by("-session__starts_at")
        )
        upcoming = list(
            TherapySession.objects.filter(starts_at__gte=timezone.now())
            .filter(
                Q(patient=patient)
                | Q(
                    group__enrollments__episode__patient=patient,
                    group__enrollments__end_date__isnull=True,
                )
            )
            .exclude(status=TherapySession.Status.CANCELLED)
            .select_related("group")
            .distinct()
            .order_by("starts_at")[:10]
        )
        context.update(
            patient=patient,
            tab="sessions",
            clinical=True,
            ledger=ledger,
            ledger_chart={
                "labels": [f"{w['week']:%-d %b}" for w in ledger],
                "hours": [float(w["hours"]) for w in ledger],
                "minimum": float(ledger[0]["minimum"]) if ledger else 0,
                "stepDown": [w["step_down"] for w in ledger],
            },
            attendance=attendance,
            upcoming=upcoming,
        )
        return context


class CosignQueue(LoginRequiredMixin, TemplateView):
    template_name = "sessions/cosign_queue.html"

    def get_context_data(self, **kwargs):
        if not self.request.user.has_role(Role.SUPERVISOR):
            raise PermissionDenied("The co-signature queue is for supervisors.")
        context = super().get_context_data(**kwargs)
        context["notes"] = list(
            ProgressNote.objects.filter(status=ProgressNote.Status.AWAITING_COSIGN)
            .select_related("session__group", "session__patient", "author")
            .order_by("signed_at")
        )
        audit_record(
            request=self.request,
            action=AuditEvent.Action.VIEW,
            object_type="therapy_sessions.progressnote list",
            detail=f"co-signature queue, {len(context['notes'])} notes",
        )
        return context
