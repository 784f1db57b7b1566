"""Measure-due alerts from each program's measure schedule. Idempotent through dedupe keys."""

from datetime import timedelta

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from patients.instruments import INSTRUMENTS
from patients.models import Alert, Episode, MeasureResponse
from patients.services import alert_raise


def measures_due_alerts(*, today=None):
    """For each active episode and scheduled instrument: due when never given since admission
    (from the admission date) or `every_days` after the last result. Returns {"due", "alerts"}.
    """
    today = today or timezone.localdate()
    episodes = list(
        Episode.objects.filter(
            status=Episode.Status.ACTIVE, admission_date__isnull=False
        ).select_related("program", "patient", "primary_clinician")
    )
    latest = {
        (row["patient_id"], row["instrument"]): row["last"]
        for row in MeasureResponse.objects.filter(patient__in=[e.patient_id for e in episodes])
        .values("patient_id", "instrument")
        .annotate(last=Max("administered_at"))
    }
    counts = {"due": 0, "alerts": 0}
    for episode in episodes:
        for entry in episode.program.measure_schedule or []:
            code, every = entry.get("instrument"), int(entry.get("every_days") or 0)
            if code not in INSTRUMENTS or every <= 0:
                continue
            last = latest.get((episode.patient_id, code))
            last_day = timezone.localdate(last) if last else None
            if last_day is None or last_day < episode.admission_date:
                due = episode.admission_date
            else:
                due = last_day + timedelta(days=every)
            if due > today:
                continue
            counts["due"] += 1
            key = f"measure_due:{episode.pk}:{code}:{due.isoformat()}"
            if Alert.objects.filter(dedupe_key=key).exists():
                continue
            name = INSTRUMENTS[code].name
            alert_raise(
                patient=episode.patient,
                episode=episode,
                kind=Alert.Kind.MEASURE_DUE,
                title=f"{name} due (every {every} days)",
                detail=f"Last given {last_day:%-d %b %Y}." if last_day else "Not given yet.",
                dedupe_key=key,
                action_url=reverse("patients:measure-new", args=[episode.patient_id, code]),
            )
            counts["alerts"] += 1
    return counts
