"""The chart's sessions tab: hours per week, attendance a page at a time, what is coming up; a
session note as the patient's care team reads it."""

from django.http import Http404
from django.views.generic import TemplateView

from iop.audit.models import AuditEvent
from iop.together import no_read, rows_of, run_together
from patients.views.mixins import ChartMixin
from sessions import patient_history, services
from sessions.selectors import chart_note, note_addenda, read_note_entries_for


class ChartSessions(ChartMixin, TemplateView):
    template_name = "sessions/chart_sessions.html"
    clinical_only = True
    tab = "sessions"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        patient, episode = self.patient, context["episode"]
        ledger = (
            services.episode_hours_ledger(episode, weeks=12)
            if episode and episode.admission_date
            else []
        )
        page = patient_history.attendance_page(patient, self.request.GET.get("page"))
        attendance = list(page)
        upcoming, upcoming_total = patient_history.upcoming_for(patient)
        # A session's own page opens to those who run it (and supervisors): others read the
        # row without a link (it was a 404 for a care-team clinician of a group run by others).
        evaluations = patient_history.psychiatric_evaluations(patient)
        shown = {a.session_id: a.session.patient_id for a in attendance}
        shown.update((s.pk, s.patient_id) for s in upcoming)
        shown.update((row["session_id"], row["patient_id"]) for row in evaluations)
        openable, noted = patient_history.session_links(
            self.request.user, patient, attendance, shown
        )
        context.update(
            openable_sessions=openable,
            ledger=ledger,
            ledger_chart={
                # The week in progress is labelled so, and never drawn as short (CLINICAL.md).
                "labels": [
                    f"{w['week']:%-d %b}" + (" (in progress)" if w["in_progress"] else "")
                    for w in ledger
                ],
                "inProgress": [w["in_progress"] for w in ledger],
                "hours": [float(w["hours"]) for w in ledger],
                "minimums": [None if w["minimum"] is None else float(w["minimum"]) for w in ledger],
                "stepDown": [w["step_down"] for w in ledger],
            },
            iop_minimum=next((w["minimum"] for w in ledger if w["level"] == "IOP"), 9),
            attendance=attendance,
            attendance_page=page,
            noted_sessions=noted,
            upcoming=upcoming,
            upcoming_total=upcoming_total,
            upcoming_weeks=patient_history.UPCOMING_WEEKS,
            evaluations=evaluations,
        )
        return context


class ChartNote(ChartMixin, TemplateView):
    """A session note as the patient's care team reads it from the chart: for a clinician who
    does not run the session, the shared part and this patient's own part only (the other
    attendees are not shown, not even by name); audited for this patient."""

    template_name = "sessions/chart_note.html"
    clinical_only = True
    tab = "sessions"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        patient = self.patient
        user = self.request.user
        note = next(iter(chart_note(self.kwargs["session_pk"], patient.pk, user)), None)
        if note is None:
            raise Http404("No such note in this chart.")
        runner = note.session.is_run_by(user, clinician=note.user_is_clinician)
        # A group note's addenda are the whole group's (they may name any attendee, or answer
        # another attendee's amendment request): for its clinicians only, as in the API.
        shows_addenda = note.is_locked and (runner or not note.session.group_id)
        entries, addenda = run_together(
            read_note_entries_for(note, user, runner=runner, patient=patient),
            rows_of(note_addenda(note.pk)) if shows_addenda else no_read([]),
        )
        if note.is_locked and entries:
            # Written with the page's own read of the chart, in one audit transaction.
            self.audit_read_also(
                action=AuditEvent.Action.VIEW,
                obj=note,
                patient_id=patient.pk,
                detail="group note from the chart: the shared part and this patient's part",
            )
        context.update(
            note=note, session=note.session, entries=entries, runner=runner, addenda=addenda
        )
        return context
