"""Co-signatures waiting on the range's last day: trainees' notes signed by then and not yet
co-signed by a supervisor (`sessions.services.notes.note_cosign`), counted once per note in
the headline and for each of its patients' primary clinicians in the table."""

from django.db.models import Count, F, Max, Min, Q

from reports.figures import Cell, DrillDown
from reports.sections.compliance.sql import (
    ORDER,
    SecondsBetween,
    cutoff,
    drill_row,
    for_clinician,
    hours,
    local_day,
    moment,
    people,
)
from reports.sections.grouping import grouping_sets
from sessions.models import NoteEntry, ProgressNote


def waiting(scope, clinician=None):
    """Each patient's entry in a note awaiting co-signature at the cut-off, with `wait`
    (seconds from the signature to the cut-off)."""
    cut = cutoff(scope)
    awaiting = Q(note__status=ProgressNote.Status.AWAITING_COSIGN, note__cosigned_at__isnull=True)
    rows = NoteEntry.objects.filter(
        episode__in=scope.episodes().values("pk"), note__signed_at__lt=cut
    ).filter(awaiting | Q(note__cosigned_at__gte=cut))
    rows = for_clinician(rows, "episode__primary_clinician", clinician)
    return rows.order_by().annotate(wait=SecondsBetween(moment(cut), F("note__signed_at")))


def _counts():
    return {
        "notes": Count("note", distinct=True),
        "episodes": Count("episode", distinct=True),
        "oldest": Max("wait"),
    }


def by_clinician(scope):
    """({primary clinician id: counts}, the counts of the whole scope): one query on
    PostgreSQL (`reports.sections.grouping`)."""
    rows = waiting(scope).annotate(clinician=F("episode__primary_clinician_id"))
    (total,), grouped = grouping_sets(rows, [(), ("clinician",)], _counts())
    return {row.pop("clinician"): row for row in grouped}, total


def drill(scope, clinician):
    rows = (
        waiting(scope, clinician)
        .values(**people("episode"))
        .annotate(
            notes=Count("note", distinct=True),
            session=Min("note__session__starts_at"),
            signed=Min("note__signed_at"),
            wait=Max("wait"),
        )
        .order_by(*ORDER)
    )
    return DrillDown(
        key="",
        title="",
        columns=["Oldest session", "Signed", "Notes awaiting co-signature", "Longest wait (h)"],
        rows=[
            drill_row(
                r,
                [
                    Cell(local_day(r["session"])),
                    Cell(local_day(r["signed"])),
                    Cell(r["notes"]),
                    Cell(hours(r["wait"]), "h"),
                ],
                dates=[0, 1],
            )
            for r in rows
        ],
        date_columns=(0, 1),
    )
