"""Length of stay and discharge reasons, for the episodes discharged in the range: how many,
their mean and median stay (days from admission to discharge) by program and level of care,
and why they left."""

from django.db.models import Avg, Count

from patients.models import Episode
from reports.figures import Cell, Chart, DrillDown, Figure, Section, Series, Table
from reports.sections.episode_stats import (
    DaysBetween,
    drill_row,
    key_of,
    medians,
    parse_filters,
    parse_key,
    patient_rows,
    rounded,
)

SLUG = "stays"
TITLE = "Length of stay and discharge reasons"

KINDS = {"discharged": {"program", "level", "reason"}}
NOT_RECORDED = "none"  # the key of discharges without a reason


def length_of_stay():
    """Days from the admission date to the discharge date (0 for a same-day discharge)."""
    return DaysBetween("discharge_date", "admission_date")


def discharged(scope):
    """The scope's episodes discharged on a day of the range (both ends included)."""
    return scope.episodes().filter(
        discharge_date__gte=scope.start,
        discharge_date__lte=scope.end,
        admission_date__isnull=False,
    )


def build(scope):
    """Four queries: the counts and means by program and level, the medians by program and
    level, the overall median, and the counts by reason."""
    episodes = discharged(scope)
    groups = list(
        episodes.values("program_id", "program__name", "level_of_care")
        .annotate(n=Count("pk"), mean=Avg(length_of_stay()))
        .order_by("program__name", "program_id", "level_of_care")
    )
    by_group = medians(episodes, length_of_stay(), by=("program_id", "level_of_care"))
    overall = medians(episodes, length_of_stay()).get(())
    reasons = dict(
        episodes.values("discharge_reason")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("discharge_reason", "n")
    )
    total = sum(row["n"] for row in groups)
    mean = sum(row["mean"] * row["n"] for row in groups) / total if total else None
    help_los = (
        "Days from the admission date to the discharge date (0 for a discharge on the day "
        "of admission), for the episodes discharged in the range"
    )
    figures = [
        Figure(
            key="discharged",
            label="Discharged",
            value=total,
            patients=total,
            help="Episodes discharged in the range (first and last days included).",
        ),
        Figure(
            key="length-of-stay-mean",
            label="Length of stay (mean)",
            value=rounded(mean),
            unit="days",
            patients=total,
            drill="discharged",
            help=f"{help_los}: their mean.",
        ),
        Figure(
            key="length-of-stay-median",
            label="Length of stay (median)",
            value=rounded(overall) if total else None,
            unit="days",
            patients=total,
            drill="discharged",
            help=f"{help_los}: the middle value (the mean of the two middle ones for an even "
            "count).",
        ),
    ]
    table_rows = []
    for row in groups:
        drill = key_of("discharged", program=row["program_id"], level=row["level_of_care"])
        median = by_group.get((row["program_id"], row["level_of_care"]))
        table_rows.append(
            [
                Cell(row["program__name"]),
                Cell(row["level_of_care"]),
                Cell(row["n"], drill=drill),
                Cell(rounded(row["mean"]), unit="days", drill=drill),
                Cell(rounded(median), unit="days", drill=drill),
            ]
        )
    table_rows.append(
        [
            Cell("All programs"),
            Cell("All levels"),
            Cell(total, drill="discharged"),
            Cell(rounded(mean), unit="days", drill="discharged"),
            Cell(rounded(overall) if total else None, unit="days", drill="discharged"),
        ]
    )
    reason_rows, counts, drills, labels = [], [], [], []
    choices = list(Episode.DischargeReason.choices)
    if reasons.get(""):
        choices.append(("", "Not recorded"))
    for value, label in choices:
        n = reasons.get(value, 0)
        drill = key_of("discharged", reason=value or NOT_RECORDED)
        share = round(100 * n / total, 1) if total else None
        reason_rows.append([Cell(label), Cell(n, drill=drill), Cell(share, unit="%", drill=drill)])
        counts.append(n)
        drills.append(drill)
        labels.append(label)
    return Section(
        slug=SLUG,
        title=TITLE,
        figures=figures,
        tables=[
            Table(
                key="length-of-stay-by-program",
                title="Length of stay by program and level of care",
                columns=["Program", "Level of care", "Discharged", "Mean (days)", "Median (days)"],
                rows=table_rows,
            ),
            Table(
                key="discharge-reasons",
                title="Discharge reasons",
                columns=["Reason", "Discharged", "Share"],
                rows=reason_rows,
            ),
        ],
        charts=[
            Chart(
                key="discharge-reasons",
                title="Discharge reasons",
                kind="bar",
                labels=labels,
                series=[Series(label="Discharged", values=counts, drill=drills)],
            )
        ],
        notes=[
            "An episode counts at its current level of care, the last one before its discharge.",
        ],
    )


def drill(scope, key):
    parsed = parse_key(key, KINDS)
    if parsed is None:
        return None
    _, parts = parsed
    filters = parse_filters(parts, start=scope.start, end=scope.end)
    if filters is None:
        return None
    query, _ = filters
    rows = patient_rows(
        discharged(scope).filter(query),
        "level_of_care",
        "admission_date",
        "discharge_date",
        "discharge_reason",
        stay=length_of_stay(),
    )
    reasons = dict(Episode.DischargeReason.choices)
    words = [f"Discharged {scope.start:%d %b %Y} to {scope.end:%d %b %Y}"]
    if "level" in parts:
        words.append(parts["level"])
    if "reason" in parts:
        words.append(reasons.get(parts["reason"], "reason not recorded"))
    return DrillDown(
        key=key,
        title=", ".join(words),
        columns=["Level of care", "Admitted", "Discharged", "Length of stay", "Reason"],
        rows=[
            drill_row(
                r,
                [
                    r["level_of_care"],
                    r["admission_date"],
                    r["discharge_date"],
                    Cell(r["stay"], unit="days"),
                    reasons.get(r["discharge_reason"], "Not recorded"),
                ],
                (1, 2),
            )
            for r in rows
        ],
        date_columns=(1, 2),
    )
