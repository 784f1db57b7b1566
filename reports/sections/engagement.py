"""Engagement: the attendance rate, the weeks meeting the hours minimum and the no-show rate of
the patients in a report's scope (issue 17; CLINICAL.md, "Levels of care and hours").

The marks counted (`marks`): every attendance mark of a session that started on a local day of
the range (the program's time zone, `sessions.days`), except a cancelled session's and a family
session's without the patient (90846: the patient does not attend it). Attended means present,
late or left early (`Attendance.ATTENDED`); a no-show is an unexcused absence, an excused one is
not. Weekdays are the sessions' local weekdays.

The hours are the sessions app's hours ledger (`sessions.services.hours_ledger`), read for the
weeks, Monday to Sunday, lying wholly in the range and over (a week in progress is never
judged); a week counts when the ledger judges it (`judged`: a minimum, not a planned step-down,
not the admission or discharge week), and meets the minimum when the ledger says so.

Every figure and cell names its drill-down; `drill` lists one row per episode with that
patient's own rate. `build` runs five queries on PostgreSQL (the marks' three groupings in one
scan, `reports.sections.grouping`; seven elsewhere); a drill-down of marks one (a group's two:
its name), of hours four; whatever the data.
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import ExtractIsoWeekDay
from django.utils import timezone

from patients.models import Episode
from reports.figures import Cell, Chart, DrillDown, DrillRow, Figure, Section, Series, Table
from reports.sections.grouping import grouping_sets
from sessions.days import in_days
from sessions.models import Attendance, TherapyGroup, not_counted
from sessions.services import hours_ledger

SLUG = "engagement"
TITLE = "Engagement"

ATTENDANCE, NO_SHOW, HOURS = "attendance-rate", "no-show-rate", "hours-met"
NOT_A_GROUP = "none"  # the drill key of the sessions that are not a group's
WEEKDAYS = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}
JUDGED_LEVELS = (Episode.LevelOfCare.PHP, Episode.LevelOfCare.IOP)  # OP has no minimum
NO_SHOW_STATUS = Attendance.Status.ABSENT_UNEXCUSED

ATTENDANCE_HELP = (
    "Of the attendance marks of the sessions held in the range (cancelled sessions and family "
    "sessions without the patient left out), the share marked present, late or left early; "
    "an absence, excused or not, counts against it."
)
NO_SHOW_HELP = (
    "Of the same attendance marks, the share marked absent (unexcused); an excused absence is "
    "not a no-show."
)
HOURS_HELP = (
    "Of the patient-weeks (Monday to Sunday, wholly within the range and over) held against a "
    "weekly minimum (PHP 20 h, IOP 9 h, adolescents 6 h, OP none), the share whose attended "
    "hours reached it. As on the hours ledger, a planned step-down, the admission and "
    "discharge weeks and a week in progress are not judged, and family sessions without the "
    "patient never count toward hours."
)


# --- the marks --------------------------------------------------------------------------------


def marks(scope):
    """The attendance marks the section counts (see the module's docstring), of the episodes
    in the scope."""
    return (
        Attendance.objects.filter(episode__in=scope.episodes())
        .filter(in_days("session__starts_at", scope.start, scope.end))
        .exclude(not_counted("session__"))
        .order_by()
    )


def _counts(prefix=""):
    """Marks, attended, no-shows and episodes, as aggregates (over `prefix`: a relation)."""
    pk = f"{prefix}pk" if prefix else "pk"
    status = f"{prefix}status"
    counts = {
        "marks": Count(pk),
        "attended": Count(pk, filter=Q(**{f"{status}__in": Attendance.ATTENDED})),
        "no_shows": Count(pk, filter=Q(**{status: NO_SHOW_STATUS})),
    }
    if not prefix:
        counts["patients"] = Count("episode", distinct=True)
    return counts


def _rate(part, whole):
    """A percentage to one decimal, or None when there is nothing to judge."""
    return round(100 * part / whole, 1) if whole else None


def _on_weekday(queryset, weekday=None):
    weekdays = queryset.annotate(weekday=ExtractIsoWeekDay("session__starts_at"))
    return weekdays if weekday is None else weekdays.filter(weekday=weekday)


# --- the hours --------------------------------------------------------------------------------


def judged_weeks(scope, today=None):
    """The Mondays of the weeks lying wholly in the range and over before `today`."""
    today = today or timezone.localdate()
    last_day = min(scope.end, today - timedelta(days=1))
    monday = scope.start + timedelta(days=(7 - scope.start.weekday()) % 7)
    weeks = []
    while monday + timedelta(days=6) <= last_day:
        weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks


def hours_weeks(scope, level=None):
    """[(episode, [the ledger's judged weeks of the range])] for the scope's episodes with at
    least one (only the weeks judged at `level` when given). Four queries (none without a
    week to judge)."""
    weeks = judged_weeks(scope)
    if not weeks:
        return []
    first, last = weeks[0], weeks[-1]
    episodes = list(
        scope.episodes()
        .filter(admission_date__isnull=False, admission_date__lte=last + timedelta(days=6))
        .exclude(discharge_date__lt=first)
        .select_related("patient", "program")
        .order_by()
    )
    # The ledger's weeks end with its "today"'s, which it never judges: the Monday after the
    # last week of the range.
    ledger = hours_ledger(episodes, weeks=len(weeks) + 1, today=last + timedelta(weeks=1))
    counted = []
    for episode in episodes:
        rows = [
            row
            for row in ledger[episode.pk]
            if first <= row["week"] <= last
            and row["judged"]
            and (level is None or row["level"] == level)
        ]
        if rows:
            counted.append((episode, rows))
    return counted


def _met(rows):
    return sum(1 for row in rows if row["met"])


# --- build ------------------------------------------------------------------------------------


def build(scope):
    by_group = ("session__group_id", "session__group__name")
    (total,), groups, weekdays = grouping_sets(
        _on_weekday(marks(scope)), [(), by_group, ("weekday",)], _counts()
    )
    days = {row["weekday"]: row for row in weekdays}
    hours = hours_weeks(scope)
    weeks = [row for _, rows in hours for row in rows]
    figures = [
        Figure(
            key=ATTENDANCE,
            label="Attendance rate",
            value=_rate(total["attended"], total["marks"]),
            unit="%",
            patients=total["patients"],
            help=ATTENDANCE_HELP,
        ),
        Figure(
            key=HOURS,
            label="Weeks meeting the hours minimum",
            value=_rate(_met(weeks), len(weeks)),
            unit="%",
            patients=len(hours),
            help=HOURS_HELP,
        ),
        Figure(
            key=NO_SHOW,
            label="No-show rate",
            value=_rate(total["no_shows"], total["marks"]),
            unit="%",
            patients=total["patients"],
            help=NO_SHOW_HELP,
        ),
    ]
    return Section(
        slug=SLUG,
        title=TITLE,
        figures=figures,
        tables=[_group_table(groups), _level_table(hours)],
        charts=[_weekday_chart(days)],
        notes=[
            "Weekdays and days are the program's local ones; a session counts on the day it "
            "starts.",
            "Hours: only the weeks lying wholly in the range and over are judged, "
            f"{len(judged_weeks(scope))} here.",
        ],
    )


def _group_table(groups):
    groups.sort(key=lambda g: (g["session__group_id"] is None, g["session__group__name"] or ""))
    rows = []
    for group in groups:
        ref = group["session__group_id"] or NOT_A_GROUP
        name = group["session__group__name"] or "Individual, family and other sessions"
        rows.append(
            [
                Cell(name),
                Cell(group["marks"]),
                Cell(
                    _rate(group["attended"], group["marks"]),
                    "%",
                    drill=f"{ATTENDANCE}:group:{ref}",
                ),
                Cell(_rate(group["no_shows"], group["marks"]), "%", drill=f"{NO_SHOW}:group:{ref}"),
                Cell(group["patients"], drill=f"{ATTENDANCE}:group:{ref}"),
            ]
        )
    return Table(
        key="by-group",
        title="Attendance and no-shows by group",
        columns=["Group", "Marks", "Attendance rate", "No-show rate", "Patients"],
        rows=rows,
    )


def _level_table(hours):
    rows = []
    for level in JUDGED_LEVELS:
        weeks = [row for _, rows_ in hours for row in rows_ if row["level"] == level]
        patients = len({e.pk for e, rows_ in hours if any(r["level"] == level for r in rows_)})
        drill = f"{HOURS}:level:{level}"
        rows.append(
            [
                Cell(str(level.value)),
                Cell(len(weeks)),
                Cell(_met(weeks)),
                Cell(_rate(_met(weeks), len(weeks)), "%", drill=drill),
                Cell(patients, drill=drill),
            ]
        )
    return Table(
        key="hours-by-level",
        title="Weeks meeting the hours minimum by level of care",
        columns=["Level of care", "Weeks counted", "Weeks met", "Share met", "Patients"],
        rows=rows,
    )


def _weekday_chart(days):
    # Monday to Friday always; the weekend when a session met then.
    shown = [d for d in WEEKDAYS if d <= 5 or d in days]
    attendance, no_shows = [], []
    for day in shown:
        row = days.get(day)
        attendance.append(_rate(row["attended"], row["marks"]) if row else None)
        no_shows.append(_rate(row["no_shows"], row["marks"]) if row else None)
    return Chart(
        key="by-weekday",
        title="Attendance and no-shows by weekday",
        kind="bar",
        labels=[WEEKDAYS[d] for d in shown],
        series=[
            Series(
                "Attendance rate",
                attendance,
                drill=[f"{ATTENDANCE}:weekday:{d}" if d in days else None for d in shown],
            ),
            Series(
                "No-show rate",
                no_shows,
                drill=[f"{NO_SHOW}:weekday:{d}" if d in days else None for d in shown],
            ),
        ],
        unit="%",
    )


# --- drill ------------------------------------------------------------------------------------


def drill(scope, key):
    parts = key.split(":") if isinstance(key, str) else []
    if not parts:
        return None
    metric, detail = parts[0], parts[1:]
    if metric in (ATTENDANCE, NO_SHOW):
        return _marks_drill(scope, metric, detail)
    if metric == HOURS:
        if not detail:
            return _hours_drill(scope, key, None)
        if len(detail) == 2 and detail[0] == "level" and detail[1] in JUDGED_LEVELS:
            return _hours_drill(scope, key, detail[1])
    return None


def _marks_drill(scope, metric, detail):
    """The patients with marks among those of `detail` ([], ["group", id|"none"] or
    ["weekday", 1-7]), each with their own rate; None for a key of neither form."""
    subset, what = marks(scope), ""
    if len(detail) == 2 and detail[0] == "group":
        if detail[1] == NOT_A_GROUP:
            subset, what = subset.filter(session__group__isnull=True), "not a group's sessions"
        elif detail[1].isdigit() and detail[1].isascii() and len(detail[1]) <= 18:  # a bigint
            name = TherapyGroup.objects.filter(pk=int(detail[1])).values_list("name", flat=True)
            name = name.first()
            if name is None:
                return None
            subset, what = subset.filter(session__group_id=int(detail[1])), name
        else:
            return None
    elif len(detail) == 2 and detail[0] == "weekday":
        if detail[1] not in {str(d) for d in WEEKDAYS}:
            return None
        subset = _on_weekday(subset, int(detail[1]))
        what = f"{WEEKDAYS[int(detail[1])]} sessions"
    elif detail:
        return None
    counts = _counts("attendance__")
    episodes = (
        Episode.objects.filter(attendance__in=subset.values("pk"))
        .annotate(**counts)
        .select_related("patient", "program")
        .order_by()
    )
    if metric == ATTENDANCE:
        label, part, columns = "Attendance", "attended", ["Marks", "Attended", "Attendance rate"]
    else:
        label, part, columns = "No-shows", "no_shows", ["Marks", "No-shows", "No-show rate"]
    rows = [
        _row(
            e, [Cell(e.marks), Cell(getattr(e, part)), Cell(_rate(getattr(e, part), e.marks), "%")]
        )
        for e in episodes
    ]
    # The lowest attendance (the most no-shows) first, then by name.
    sign = 1 if metric == ATTENDANCE else -1
    rows.sort(key=lambda r: (sign * r.cells[2].value, r.name))
    title = f"{label}, {scope.describe()}" + (f", {what}" if what else "")
    return DrillDown(key=":".join([metric, *detail]), title=title, columns=columns, rows=rows)


def _hours_drill(scope, key, level):
    rows = []
    for episode, weeks in hours_weeks(scope, level):
        met = _met(weeks)
        cells = [Cell(met), Cell(len(weeks)), Cell(_rate(met, len(weeks)), "%")]
        rows.append(_row(episode, cells))
    rows.sort(key=lambda r: (r.cells[2].value, r.name))
    title = f"Weeks meeting the hours minimum, {scope.describe()}"
    if level:
        title += f", weeks judged at {level}"
    return DrillDown(
        key=key,
        title=title,
        columns=["Weeks met", "Weeks counted", "Share met"],
        rows=rows,
    )


def _row(episode, cells):
    return DrillRow(
        episode_id=episode.pk,
        patient_id=episode.patient_id,
        name=episode.patient.display_name,
        mrn=episode.patient.mrn,
        program=episode.program.name,
        cells=cells,
    )
