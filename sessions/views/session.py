"""The session page (attendance sheet, billing codes, note composer), taking attendance and
cancelling."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views import View

from iop.accounts.roles import Role
from iop.audit.mixins import AuditedViewMixin
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record_patients
from iop.errors import ConflictError, error_text
from patients.part2 import part2_patient_ids
from patients.querysets import supervises
from sessions import hooks as session_hooks
from sessions import services
from sessions.forms import NoteForm
from sessions.models import (
    Addendum,
    Attendance,
    AttendanceCorrection,
    NoteEntry,
    ProgressNote,
    TherapySession,
)
from sessions.selectors import (
    readable_patient_ids,
    roster_episode,
    session_with_roster,
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
            raise PermissionDenied(
                "Only the session's clinicians (or a supervisor of its program) can do this."
            )
        return session


def session_page_context(request, session, note_form=None, correction=None):
    """What the session page shows: the roster with attendance and billing codes, the note
    (with `note_form`, a refused save keeps what was typed), its addenda and attendance
    corrections (with `correction`, a refused correction keeps what was typed). Audited once
    per patient shown."""
    session_with_roster(session)
    shown = [e.patient_id for e, _ in session.rows]
    note = (
        ProgressNote.objects.filter(session=session)
        .select_related("author", "signed_by", "cosigned_by")
        .prefetch_related(
            # Each attendee's part names its patient, and a signed note's check reads every
            # attendance record's corrections: loaded together, whatever the group's size.
            Prefetch("entries", queryset=NoteEntry.objects.select_related("patient")),
            Prefetch("addenda", queryset=Addendum.objects.select_related("author")),
            "session__attendance__corrections",
        )
        .first()
    )
    # The page shows every attendee's attendance (and note part): one event per patient.
    audit_record_patients(
        action=AuditEvent.Action.VIEW,
        request=request,
        obj=session,
        patient_ids=shown,
        detail="session page",
    )
    return {
        "session": session,
        "is_part2": bool(part2_patient_ids([*shown, session.patient_id])),
        "runner": session.is_run_by(request.user),
        # A medication-management visit's note is a prescriber's (services.notes).
        "prescriber_note_refused": session.kind == TherapySession.Kind.MED_MGMT
        and not request.user.is_prescriber,
        # Offers the co-signature: a supervisor of the session's program (or a director).
        "is_supervisor": supervises(request.user, session.owning_program_id),
        "statuses": ATTENDANCE_BUTTONS,
        "family": list(session.family_members.all()),
        "addenda": list(note.addenda.all()) if note else [],
        "intact": services.note_is_intact(note) if note and note.is_locked else None,
        "corrections": list(
            AttendanceCorrection.objects.filter(attendance__session=session)
            .select_related("attendance__patient", "corrected_by")
            .order_by("corrected_at", "pk")
        ),
        "locked": bool(note and note.is_locked),
        # The page shows the billing codes: attendance rows ask for them back (htmx, OOB).
        "billing_shown": True,
        "correction": correction or {},
        "note": note,
        "session_links": [
            link for hook in session_hooks.session_links for link in hook(session, request.user)
        ],
        # A signed note is shown, never edited: the composer is built for a draft only.
        "note_form": note_form or (NoteForm(note=note) if note and not note.is_locked else None),
    }


def render_session_page(request, session, note_form=None, correction=None):
    return render(
        request,
        "sessions/session.html",
        session_page_context(request, session, note_form, correction),
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


def roster_episode_or_404(session, episode_pk):
    episode = roster_episode(session, episode_pk)
    if episode is None:
        raise Http404("Not on this session's roster.")
    return episode


class AttendanceMark(SessionMixin, View):
    """One click per attendee: saved at once; with htmx the row re-draws in place."""

    def post(self, request, pk, episode_pk):
        session = self.require_runner()
        episode = roster_episode_or_404(session, episode_pk)
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
        except (ValidationError, ConflictError) as exc:
            error = error_text(exc)
        if request.htmx:
            # The row re-draws in place; on the session page (which shows the billing codes)
            # the suggestions follow out of band.
            billing_shown = request.POST.get("billing") == "1"
            session_with_roster(session)
            row = next((r for r in session.rows if r[0].pk == episode.pk), (episode, None))
            context = {
                "session": session,
                "episode": row[0],
                "record": row[1],
                "runner": True,
                "statuses": ATTENDANCE_BUTTONS,
                "row_error": error,
                "oob": True,
                "billing_shown": billing_shown,
            }
            html = render_to_string("sessions/_attendance_row.html", context, request)
            if billing_shown:
                html += render_to_string("sessions/_billing.html", context, request)
            return HttpResponse(html)
        if error:
            messages.error(request, error)
        return redirect(session.get_absolute_url())


class AttendanceCorrect(SessionMixin, View):
    """Correct one attendee's attendance under a signed note, with a reason. A refusal shows
    the page again with the message beside the form and what was typed kept."""

    def post(self, request, pk, episode_pk):
        session = self.require_runner()
        episode = roster_episode_or_404(session, episode_pk)
        typed = {
            "episode": episode.pk,
            "status": request.POST.get("status", ""),
            "minutes": request.POST.get("minutes", ""),
            "reason": request.POST.get("reason", ""),
        }
        try:
            minutes = int(typed["minutes"]) if typed["minutes"].strip() else None
        except ValueError:
            typed["errors"] = {"minutes": ["Minutes must be a whole number."]}
            return render_session_page(request, session, correction=typed)
        try:
            services.attendance_correct(
                session=session,
                episode=episode,
                status=typed["status"],
                minutes=minutes,
                reason=typed["reason"],
                user=request.user,
                context=self.audit_context,
            )
        except ValidationError as exc:
            typed["errors"] = (
                exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            )
            return render_session_page(request, session, correction=typed)
        messages.success(request, f"Attendance corrected for {episode.patient.display_name}.")
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
