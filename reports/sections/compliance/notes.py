"""Notes signed within 24 h, and notes still unsigned.

The unit is a session that needs a note, as the documentation job (`sessions.jobs`) judges it:
a completed session someone attended (`TherapySessionQuerySet.needing_note`). It is counted
for each of its patients present whose episode the scope holds, so a clinician's row counts the
sessions of their patients; the headline counts each session once. Signed within 24 h: signed
(or signed and awaiting co-signature) at most 24 h after the session's end, the moment the job
would alert. A note still unsigned less than 24 h after its session is not judged yet.
"""

from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from reports.figures import Cell, DrillDown
from reports.sections.compliance.sql import (
    ORDER,
    SecondsBetween,
    drill_row,
    for_clinician,
    hours,
    local_day,
    moment,
    people,
)
from reports.sections.grouping import grouping_sets
from sessions.days import in_days
from sessions.models import Attendance, ProgressNote, TherapySession

WINDOW = 24 * 3600
SIGNED = Q(
    session__note__status__in=[ProgressNote.Status.AWAITING_COSIGN, ProgressNote.Status.SIGNED]
)
UNSIGNED = Q(session__note__isnull=True) | Q(session__note__status=ProgressNote.Status.DRAFT)
PENDING = UNSIGNED & Q(since__lt=WINDOW)
JUDGED = SIGNED | (UNSIGNED & Q(since__gte=WINDOW))
ON_TIME = SIGNED & Q(delay__lte=WINDOW)


def attended(scope, clinician=None, now=None):
    """Each patient present at a session of the range needing a note, with `delay` (seconds
    from the session's end to the signature) and `since` (seconds from its end to now)."""
    now = now or timezone.now()
    rows = Attendance.objects.filter(
        episode__in=scope.episodes().values("pk"),
        status__in=Attendance.ATTENDED,
        session__status=TherapySession.Status.COMPLETED,
    ).filter(in_days("session__starts_at", scope.start, scope.end))
    rows = for_clinician(rows, "episode__primary_clinician", clinician)
    length = F("session__duration_minutes") * 60
    return rows.order_by().annotate(
        delay=SecondsBetween(F("session__note__signed_at"), F("session__starts_at")) - length,
        since=SecondsBetween(moment(now), F("session__starts_at")) - length,
    )


def _counts():
    return {
        "judged": Count("session", distinct=True, filter=JUDGED),
        "on_time": Count("session", distinct=True, filter=ON_TIME),
        "unsigned": Count("session", distinct=True, filter=UNSIGNED),
        "episodes": Count("episode", distinct=True, filter=JUDGED),
        "unsigned_episodes": Count("episode", distinct=True, filter=UNSIGNED),
    }


def by_clinician(scope):
    """({primary clinician id: counts}, the counts of the whole scope): one query on
    PostgreSQL (`reports.sections.grouping`)."""
    rows = attended(scope).annotate(clinician=F("episode__primary_clinician_id"))
    (total,), grouped = grouping_sets(rows, [(), ("clinician",)], _counts())
    return {row.pop("clinician"): row for row in grouped}, total


def drill_signed(scope, clinician):
    rows = (
        attended(scope, clinician)
        .filter(JUDGED)
        .values(**people("episode"))
        .annotate(
            sessions=Count("pk"),
            on_time=Count("pk", filter=ON_TIME),
            late=Count("pk", filter=SIGNED & ~Q(delay__lte=WINDOW)),
            unsigned=Count("pk", filter=UNSIGNED),
            longest=Max("delay", filter=SIGNED),
            last=Max("session__starts_at"),
        )
        .order_by(*ORDER)
    )
    return DrillDown(
        key="",
        title="",
        columns=[
            "Last session",
            "Sessions needing a note",
            "Signed within 24 h",
            "Signed later",
            "Still unsigned after 24 h",
            "Longest signing delay (h after the session)",
        ],
        rows=[
            drill_row(
                r,
                [
                    Cell(local_day(r["last"])),
                    Cell(r["sessions"]),
                    Cell(r["on_time"]),
                    Cell(r["late"]),
                    Cell(r["unsigned"]),
                    Cell(hours(r["longest"]), "h"),
                ],
                dates=[0],
            )
            for r in rows
        ],
        date_columns=(0,),
    )


def drill_unsigned(scope, clinician):
    rows = (
        attended(scope, clinician)
        .filter(UNSIGNED)
        .values(**people("episode"))
        .annotate(
            unsigned=Count("pk"),
            oldest=Min("session__starts_at"),
            waiting=Max("since"),
        )
        .order_by(*ORDER)
    )
    return DrillDown(
        key="",
        title="",
        columns=["Oldest unsigned session", "Sessions with no signed note", "Hours since its end"],
        rows=[
            drill_row(
                r,
                [Cell(local_day(r["oldest"])), Cell(r["unsigned"]), Cell(hours(r["waiting"]), "h")],
                dates=[0],
            )
            for r in rows
        ],
        date_columns=(0,),
    )
