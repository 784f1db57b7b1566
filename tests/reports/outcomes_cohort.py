"""Hand-built cohorts of the outcomes section: episodes admitted on given days, with scores given
at noon (New York) on given days, written as rows (no scoring: the total is what is read)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from patients.models import Episode, MeasureResponse

NEW_YORK = ZoneInfo("America/New_York")
START, END = date(2026, 9, 1), date(2026, 9, 30)
ADMITTED = date(2026, 8, 1)


def noon(day):
    return datetime.combine(day, time(12), tzinfo=NEW_YORK)


def score(episode, code, total, day):
    return MeasureResponse.objects.create(
        patient_id=episode.patient_id,
        episode=episode,
        instrument=code,
        total_score=total,
        severity="",
        administered_at=noon(day),
    )


def admitted(make_episode, clinician, *, on=ADMITTED, discharged=None, reason="", **kwargs):
    """An episode admitted `on`, discharged (with `reason`) on `discharged` if given."""
    episode = make_episode(clinician=clinician, **kwargs)
    status = Episode.Status.DISCHARGED if discharged else Episode.Status.ACTIVE
    Episode.objects.filter(pk=episode.pk).update(
        admission_date=on,
        referral_date=on,
        discharge_date=discharged,
        discharge_reason=reason,
        status=status,
    )
    episode.refresh_from_db()
    return episode


def scores(episode, code, *totals_on):
    """`scores(e, "PHQ9", (10, date(...)), (4, date(...)))`."""
    for total, day in totals_on:
        score(episode, code, total, day)
