"""The session page (attendance sheet, billing codes, note composer), taking attendance and
cancelling."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from iop.accounts.roles import Role
from iop.audit.mixins import AuditedViewMixin
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record_patients
from iop.errors import error_text
from sessions import services
from sessions.forms import NoteForm
from sessions.models import Attendance, ProgressNote, TherapySession
from sessions.selectors import (
    readable_patient_ids,
    session_with_roster,
    sessions_with_rosters,
)

# One key per attendance button, for taking attendance from the keyboard (see app.js).
ATTENDANCE_BUTTONS = [
    (value, label, key)
    for (value, label), key in zip(Attendance.Status.choices, "plexu", strict=True)
]


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
        if not session.is_run_by(self.request.user):
            raise PermissionDenied("Only the session's clinicians (or a supervisor) can do this.")
        return session


def session_page_context(request, session, note_form=None):
    """What the session page shows: the roster with attendance and billing codes, the note
    (with `note_form`, a refused save keeps what was typed) and its addenda. Audited once per
    patient shown."""
    session_with_roster(session)
    note = (
        ProgressNote.objects.filter(session=session)
        .select_related("author", "signed_by", "cosigned_by")
        .first()
    )
    # The page shows every attendee's attendance (and note part): one event per patient.
    audit_record_patients(
        action=AuditEvent.Action.VIEW,
        request=request,
        obj=session,
        patient_ids=[e.patient_id for e, _ in session.rows],
        detail="session page",
    )
    return {
        "session": session,
        "runner": session.is_run_by(request.user),
        "is_supervisor": request.user.has_role(Role.SUPERVISOR),
        "statuses": ATTENDANCE_BUTTONS,
        "family": list(session.family_members.all()),
        "addenda": list(note.addenda.select_related("author")) if note else [],
        "intact": services.note_is_intact(note) if note and note.is_locked else None,
        "note": note,
        "note_form": note_form or (NoteForm(note=note) if note else None),
    }


def render_session_page(request, session, note_form=None):
    return render(
        request, "sessions/session.html", session_page_context(request, session, note_form)
    )


class SessionDetail(SessionMixin, View):
    def get(self, request, pk):
        try:
            session = self.setup_session()
        except Http404:
            # A group run by others: its note is read from the chart of one's own attendee.
            attendee = readable_patient_ids(
                request.user,
                Attendance.objects.filter(
                    session_id=pk, status__in=Attendance.ATTENDED
                ).values_list("patient_id", flat=True),
            )
            if not attendee:
                raise
            return redirect("sessions:chart-note", min(attendee), pk)
        return render_session_page(request, session)


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
                context=self.audit_context,
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


class SessionCancel(SessionMixin, View):
    def post(self, request, pk):
        session = self.require_runner()
        try:
            services.session_cancel(session=session, user=request.user, context=self.audit_context)
            messages.success(request, "Session cancelled.")
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect(session.get_absolute_url())
