"""The chart's sessions tab: hours per week, recent attendance, what is coming up."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.views.generic import TemplateView

from patients.views.mixins import ChartMixin
from sessions import services
from sessions.models import Attendance, TherapySession


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
            ledger=ledger,
            ledger_chart={
                "labels": [f"{w['week']:%-d %b}" for w in ledger],
                "hours": [float(w["hours"]) for w in ledger],
                "minimums": [None if w["minimum"] is None else float(w["minimum"]) for w in ledger],
                "stepDown": [w["step_down"] for w in ledger],
            },
            iop_minimum=next((w["minimum"] for w in ledger if w["level"] == "IOP"), 9),
            attendance=attendance,
            upcoming=upcoming,
        )
        return context
