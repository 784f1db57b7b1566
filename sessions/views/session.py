"""The session page (attendance sheet, billing codes, note composer), taking attendance and
cancelling."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from iop.accounts.roles import Role
from iop.audit.mixins import AuditedViewMixin
from iop.audit.models import AuditEvent
from iop.audit.searches import describe_query
from iop.audit.services import audit_record, audit_record_patients
from iop.errors import ConflictError, error_text
from iop.shapes import shape
from iop.together import run_together
from patients.access import read_grants_in_force
from patients.part2 import part2_patient_ids
from patients.querysets import supervises
from sessions import hooks as session_hooks
from sessions import services
from sessions.forms import NoteForm
from sessions.models import (
    Attendance,
    AttendanceCorrection,
    ProgressNote,
    TherapySession,
)
from sessions.selectors import (
    read_sessions_with_rosters,
    readable_patient_ids,
    roster_episode,
    session_with_roster,
)
from sessions.session_note import read_session_note

# One key per attendance button, for taking attendance from the keyboard (see app.js).
ATTENDANCE_BUTTONS = [
    (value, label, key)
    for (value, label), key in zip(Attendance.Status.choices, "plexu", strict=True)
]


@shape
def _session_row(pk):
    """The session page's session with what it shows of it, unordered (one row: Django 5.2
    hashes every selected column of an ordered query); a shape, as every session page and
    action reads it. Who may open it is `visible_row`'s to say."""
    return (
        TherapySession.objects.select_related(
            "group", "episode__patient", "episode__program", "patient", "cancelled_by"
        )
        .prefetch_related("clinicians")
        .filter(pk=pk)
        .order_by()
    )


class SessionLookup:
    """Opens the URL's session for the user (404 when they may not)."""

    model = TherapySession
    pk_url_kwarg = "pk"

    def setup_session(self):
        if not hasattr(self, "session"):
            if not self.request.user.has_role(*Role.CLINICAL):
                raise Http404("No such session.")
            pk = self.kwargs["pk"]
            session = TherapySession.objects.visible_row(
                self.request.user, next(iter(_session_row(pk)), None)
            )
            if session is None:
                raise Http404("No such session.")
            self.session = self.object = session
        return self.session

    def require_runner(self):
        session = self.setup_session()
        if not session.is_run_by(self.request.user):
            raise PermissionDenied(
                "Only the session's clinicians (or a supervisor of its program) can do this."
            )
        return session


class SessionMixin(LoginRequiredMixin, AuditedViewMixin, SessionLookup):
    pass


def session_page_context(
    request, session, note_form=None, correction=None, start=None, *, own_read=False
):
    """What the session page shows: the roster with attendance and billing codes, the note
    (with `note_form`, a refused save keeps what was typed), its addenda and attendance
    corrections (with `correction`, a refused correction keeps what was typed) and, before
    the note, its start (with `start`, a refused start keeps the topic typed). Audited once
    per patient shown; with `own_read` (the page's GET), also the read of the session itself
    that `AuditedViewMixin` records, in the same statement (one audit transaction, not two)."""
    # The roster's two reads, the note's three and the emergency grants the audit's marks read
    # when it names a patient (`patients.access`), in one turn; the billing's after.
    _, note, _ = run_together(
        read_sessions_with_rosters([session], billing=True),
        read_session_note(session.pk),
        read_grants_in_force(request.user),
    )
    shown = [e.patient_id for e, _ in session.rows]
    if note is not None:
        note.session = session  # the page's own session: not read again
        _entry_patients(note, session)
    records = _attendance_with_corrections(session) if note and note.is_locked else None
    # The page shows every attendee's attendance (and note part): one event per patient.
    audit_record_patients(
        action=AuditEvent.Action.VIEW,
        request=request,
        obj=session,
        patient_ids=shown,
        detail="session page",
        also=[(session.audit_patient_id, "")] if own_read else (),
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
        # Shown for family therapy only: no other session has any to read.
        "family": list(session.family_members.all())
        if session.kind == TherapySession.Kind.FAMILY
        else [],
        "addenda": list(note.addenda.all()) if note else [],
        "intact": services.note_is_intact(note, records) if records is not None else None,
        # Shown under a signed note only, oldest first.
        "corrections": sorted(
            (c for record in records or () for c in record.corrections.all()),
            key=lambda c: (c.corrected_at, c.pk),
        ),
        "locked": bool(note and note.is_locked),
        # The page shows the billing codes: attendance rows ask for them back (htmx, OOB).
        "billing_shown": True,
        "correction": correction or {},
        "start": start,
        "formats": services.note_formats(session),
        "note": note,
        "session_links": [
            link for hook in session_hooks.session_links for link in hook(session, request.user)
        ],
        # A signed note is shown, never edited: the composer is built for a draft only.
        "note_form": note_form or (NoteForm(note=note) if note and not note.is_locked else None),
    }


def _entry_patients(note, session):
    """Each attendee's part names its patient: the roster's (read with the attendance), any
    other in one query, whatever the group's size."""
    patients = {episode.patient_id: episode.patient for episode, _ in session.rows}
    entries = note.entries.all()
    for entry in entries:
        if entry.patient_id in patients:
            entry.patient = patients[entry.patient_id]
    prefetch_related_objects([e for e in entries if e.patient_id not in patients], "patient")


def _attendance_with_corrections(session):
    """Every attendance record of the session (the roster's rows hold them all: those of the
    expected attendees and of anyone else marked), each with its corrections: one query,
    unordered (both readers put them in order, and an ordered query's joined columns are each
    hashed by Django)."""
    records = list({record.pk: record for _, record in session.rows if record}.values())
    corrections = AttendanceCorrection.objects.select_related(
        "attendance__patient", "corrected_by"
    ).order_by()
    prefetch_related_objects(records, Prefetch("corrections", queryset=corrections))
    return records


def render_session_page(
    request, session, note_form=None, correction=None, start=None, *, own_read=False
):
    return render(
        request,
        "sessions/session.html",
        session_page_context(request, session, note_form, correction, start, own_read=own_read),
    )


class SessionDetail(LoginRequiredMixin, SessionLookup, View):
    """The session page. Not an `AuditedViewMixin` view: it records the events that mixin
    would (the read of the session; a redirect's list-like read) with its own, the shown
    patients' events in the same statement."""

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
            # What AuditedViewMixin records of a read with no object (as it did here).
            audit_record(
                request=request,
                action=AuditEvent.Action.VIEW,
                object_type=f"{TherapySession._meta.label_lower} list",
                detail=describe_query(request.GET),
            )
            return redirect("sessions:chart-note", min(attendee), pk)
        return render_session_page(request, session, own_read=True)


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
            return attendance_fragments(request, session, row_of=episode, error=error)
        if error:
            messages.error(request, error)
        return redirect(session.get_absolute_url())


def attendance_fragments(request, session, *, row_of=None, error=""):
    """What an htmx attendance click re-draws: the row of `row_of` (one mark) or the whole
    sheet (everyone present), with `error` beside it; on the session page (which shows the
    billing codes and the note) the billing codes and the "start the note" form follow out of
    band, so a group's attendance and its note need no reload."""
    billing_shown = request.POST.get("billing") == "1"
    session_with_roster(session)
    context = {
        "session": session,
        "runner": True,
        "statuses": ATTENDANCE_BUTTONS,
        "oob": True,
        "billing_shown": billing_shown,
        "formats": services.note_formats(session),
    }
    if row_of is None:
        context["sheet_error"] = error
        html = render_to_string("sessions/_attendance_sheet.html", context, request)
    else:
        row = next((r for r in session.rows if r[0].pk == row_of.pk), (row_of, None))
        context.update(episode=row[0], record=row[1], row_error=error)
        html = render_to_string("sessions/_attendance_row.html", context, request)
    if billing_shown:
        html += render_to_string("sessions/_billing.html", context, request)
        if not ProgressNote.objects.filter(session=session).exists():
            html += render_to_string("sessions/_note_start.html", context, request)
    return HttpResponse(html)


class AttendanceAllPresent(SessionMixin, View):
    """Everyone not yet marked, present for the whole session, in one click; then the
    facilitator adjusts the few who were not."""

    def post(self, request, pk):
        session = self.require_runner()
        error = ""
        try:
            records = services.attendance_mark_all_present(
                session=session, user=request.user, context=self.audit_context
            )
        except (ValidationError, ConflictError) as exc:
            error = error_text(exc)
        if request.htmx:
            return attendance_fragments(request, session, error=error)
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"{len(records)} marked present.")
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
    """Cancel a session: a page to confirm, saying why (kept on the session, shown on its page).
    A refusal shows the page again with the message and the reason typed."""

    def get(self, request, pk):
        session = self.require_runner()
        return self.render(session, reason="", errors=[])

    def render(self, session, *, reason, errors):
        return render(
            self.request,
            "sessions/cancel.html",
            {"session": session, "reason": reason, "errors": errors},
        )

    def post(self, request, pk):
        session = self.require_runner()
        reason = request.POST.get("reason", "")
        try:
            services.session_cancel(
                session=session, user=request.user, reason=reason, context=self.audit_context
            )
        except ValidationError as error:
            return self.render(session, reason=reason, errors=error.messages)
        messages.success(request, "Session cancelled.")
        return redirect(session.get_absolute_url())


class SessionCancelFollowing(SessionMixin, View):
    """Cancel a session and the later ones of its series: the sessions listed first, with a
    reason to give (a confirmation, not one click)."""

    template_name = "sessions/cancel_following.html"

    def get(self, request, pk, reason="", errors=None):
        session = self.require_runner()
        return render(
            request,
            self.template_name,
            {
                "session": session,
                "following": list(services.series_following(session)),
                "reason": reason,
                "reason_errors": (errors or {}).get("reason", []),
                "general_errors": (errors or {}).get("__all__", []),
            },
        )

    def post(self, request, pk):
        session = self.require_runner()
        reason = request.POST.get("reason", "")
        try:
            count = services.session_series_cancel_following(
                session=session, user=request.user, reason=reason, context=self.audit_context
            )
        except ValidationError as error:
            errors = (
                error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            )
            return self.get(request, pk, reason=reason, errors=errors)
        messages.success(request, f"{count} session{'s' if count != 1 else ''} cancelled.")
        return redirect(session.get_absolute_url())


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="New start",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(label="Minutes", min_value=5, max_value=600)


def safe_next(request, default):
    """Where to go back to: the `next` the page was opened with, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class SessionReschedule(SessionMixin, View):
    """Move a scheduled session (the calendar's way to reschedule, drag-free): a new start
    and length; a clash is shown on the form with what was typed kept; then back to where
    it was opened from (the calendar) or the session."""

    template_name = "sessions/reschedule.html"

    def render_form(self, request, session, form):
        back = safe_next(request, session.get_absolute_url())
        context = {"session": session, "form": form, "next": back}
        return render(request, self.template_name, context)

    def get(self, request, pk):
        session = self.require_runner()
        initial = {
            "starts_at": timezone.localtime(session.starts_at),
            "duration_minutes": session.duration_minutes,
        }
        return self.render_form(request, session, RescheduleForm(initial=initial))

    def post(self, request, pk):
        session = self.require_runner()
        form = RescheduleForm(request.POST)
        if form.is_valid():
            try:
                services.session_reschedule(
                    session=session,
                    starts_at=form.cleaned_data["starts_at"],
                    duration_minutes=form.cleaned_data["duration_minutes"],
                    user=request.user,
                    context=self.audit_context,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                moved = timezone.localtime(form.cleaned_data["starts_at"])
                messages.success(request, f"Moved to {moved:%a %-d %b %H:%M}.")
                return redirect(safe_next(request, session.get_absolute_url()))
        return self.render_form(request, session, form)
