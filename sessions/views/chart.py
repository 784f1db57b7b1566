"""The chart's sessions tab: hours per week, recent attendance, what is coming up; a session
note as the patient's care team reads it."""

from datetime import timedelta

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from iop.audit.models import AuditEvent
from iop.audit.services import audit_record
from patients.views.mixins import ChartMixin
from sessions import services
from sessions.models import Attendance, ProgressNote, TherapySession
from sessions.selectors import note_entries_for


class ChartSessions(ChartMixin, TemplateView):
    template_name = "sessions/chart_sessions.html"
    clinical_only = True
    tab = "sessions"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        patient, episode = self.patient, context["episode"]
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
        # The "note" link only where this patient has a part in a written note (a group
        # session attended before its note is started has none: the link was a 404).
        noted = set(
            ProgressNote.objects.filter(
                session_id__in=[a.session_id for a in attendance if a.attended],
                session__group__isnull=False,
                entries__patient=patient,
            ).values_list("session_id", flat=True)
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
        # A session's own page opens to those who run it (and supervisors): others read the
        # row without a link (it was a 404 for a care-team clinician of a group run by others).
        shown = {a.session_id for a in attendance} | {s.pk for s in upcoming}
        openable = set(
            TherapySession.objects.for_user(self.request.user)
            .filter(pk__in=shown)
            .values_list("pk", flat=True)
        )
        context.update(
            openable_sessions=openable,
            ledger=ledger,
            ledger_chart={
                "labels": [f"{w['week']:%-d %b}" for w in ledger],
                "hours": [float(w["hours"]) for w in ledger],
                "minimums": [None if w["minimum"] is None else float(w["minimum"]) for w in ledger],
                "stepDown": [w["step_down"] for w in ledger],
            },
            iop_minimum=next((w["minimum"] for w in ledger if w["level"] == "IOP"), 9),
            attendance=attendance,
            noted_sessions=noted,
            upcoming=upcoming,
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
        note = get_object_or_404(
            ProgressNote.objects.filter(
                session_id=self.kwargs["session_pk"], entries__patient=patient
            ).select_related(
                "session__group", "session__patient", "author", "signed_by", "cosigned_by"
            )
        )
        runner = note.session.is_run_by(self.request.user)
        entries = [
            e for e in note_entries_for(note, self.request.user) if e.patient_id == patient.pk
        ]
        if note.is_locked and entries:
            audit_record(
                request=self.request,
                action=AuditEvent.Action.VIEW,
                obj=note,
                patient_id=patient.pk,
                detail="group note from the chart: the shared part and this patient's part",
            )
        # A group note's addenda are the whole group's (they may name any attendee, or answer
        # another attendee's amendment request): for its clinicians only, as in the API.
        shows_addenda = note.is_locked and (runner or not note.session.group_id)
        addenda = list(note.addenda.select_related("author")) if shows_addenda else []
        context.update(
            note=note, session=note.session, entries=entries, runner=runner, addenda=addenda
        )
        return context
