"""What the census and the length-of-stay sections share: whole days between two dates and the
median, both computed in the database (PostgreSQL and SQLite alike); the weeks of a range; the
keys of their drill-downs; the patient columns of a drill-down's rows."""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, F, Func, IntegerField, Q, Window
from django.db.models.functions import RowNumber

from patients.models import Episode
from reports.figures import Cell, DrillRow

LEVELS = list(Episode.LevelOfCare.values)  # PHP, IOP, OP: the columns of the tables


class DaysBetween(Func):
    """Whole days from the date `earlier` to the date `later` (later - earlier, 0 on the same
    day): date minus date on PostgreSQL, the difference of Julian day numbers on SQLite."""

    arity = 2
    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def __init__(self, later, earlier):
        super().__init__(later, earlier)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def medians(queryset, value, by=()):
    """{group: median of `value`} over `queryset`, grouped by the fields `by` (the one group is
    `()` without). The database numbers each group's rows in order of value and counts them
    (ROW_NUMBER and COUNT over the group) and keeps the middle row, or the two middle rows of
    an even count, whose mean is the median: one query, at most two rows a group."""
    partition = [F(field) for field in by] or None
    rows = (
        queryset.annotate(stat_value=value)
        .annotate(
            stat_row=Window(
                RowNumber(),
                partition_by=partition,
                order_by=[F("stat_value").asc(), F("pk").asc()],
            ),
            stat_count=Window(Count("pk"), partition_by=partition),
        )
        .filter(stat_row__gte=(F("stat_count") + 1) / 2, stat_row__lte=(F("stat_count") + 2) / 2)
        .order_by()
        .values_list(*by, "stat_value")
    )
    middle = defaultdict(list)
    for *group, number in rows:
        middle[tuple(group)].append(number)
    return {group: sum(numbers) / len(numbers) for group, numbers in middle.items()}


def rounded(number):
    return None if number is None else round(number, 1)


def active_on(day):
    """Active on `day`: admitted on or before it and not discharged before it (the day of the
    discharge still counts: the patient attends that day)."""
    return Q(admission_date__lte=day) & (
        Q(discharge_date__isnull=True) | Q(discharge_date__gte=day)
    )


def weeks(start, end):
    """The calendar weeks (Monday to Sunday) the days `start`..`end` touch, cut to those days:
    [(first day, last day)], the first and last weeks possibly shorter than seven days."""
    spans = []
    first = start
    while first <= end:
        last = min(first + timedelta(days=6 - first.weekday()), end)
        spans.append((first, last))
        first = last + timedelta(days=1)
    return spans


def day_label(day):
    return f"{day.day} {day:%b}"


def week_label(first, last):
    """ "5–9 Mar", "31 Mar–6 Apr", "26 Mar" (a week cut to one day)."""
    if first == last:
        return day_label(first)
    if first.month == last.month:
        return f"{first.day}–{day_label(last)}"
    return f"{day_label(first)}–{day_label(last)}"


def parse_key(key, kinds):
    """(kind, {name: value}) of a drill-down key such as "active:program:3:level:IOP", whose
    kind is one of `kinds` ({kind: allowed names}); None for anything else."""
    if not isinstance(key, str):
        return None
    kind, *rest = key.split(":")
    if kind not in kinds or len(rest) % 2:
        return None
    names, values = rest[::2], rest[1::2]
    if len(set(names)) != len(names) or not set(names) <= kinds[kind]:
        return None
    return kind, dict(zip(names, values, strict=True))


def key_of(kind, **parts):
    """The drill-down key `parse_key` reads back: key_of("active", level="IOP")."""
    return ":".join([kind] + [f"{name}:{value}" for name, value in parts.items() if value])


def parse_filters(parts, *, start, end):
    """The episode filter of a key's parts (program, level, reason, on, week), or None when a
    part is malformed or outside the days of the scope. `on` and `week` are returned aside."""
    query = Q()
    if "program" in parts:
        if not parts["program"].isdigit():
            return None
        query &= Q(program_id=int(parts["program"]))
    if "level" in parts:
        if parts["level"] not in LEVELS:
            return None
        query &= Q(level_of_care=parts["level"])
    if "reason" in parts:
        reason = parts["reason"]
        if reason == "none":
            query &= Q(discharge_reason="")
        elif reason in Episode.DischargeReason.values:
            query &= Q(discharge_reason=reason)
        else:
            return None
    days = {}
    for name in ("on", "week"):
        if name in parts:
            try:
                day = date.fromisoformat(parts[name])
            except ValueError:
                return None
            if not start <= day <= end:
                return None
            days[name] = day
    if "week" in days:
        span = next((w for w in weeks(start, end) if w[0] == days["week"]), None)
        if span is None:
            return None
        days["week"] = span
    return query, days


PATIENT_FIELDS = (
    "pk",
    "patient_id",
    "patient__legal_first_name",
    "patient__preferred_name",
    "patient__legal_last_name",
    "patient__mrn",
    "program__name",
)


def patient_rows(queryset, *fields, **annotations):
    """The episodes of `queryset` as dicts of the patient's columns and `fields`, by name."""
    return (
        queryset.annotate(**annotations)
        .order_by("patient__legal_last_name", "patient__legal_first_name", "pk")
        .values(*PATIENT_FIELDS, *fields, *annotations)
    )


def drill_row(row, cells, dates=()):
    first = row["patient__preferred_name"] or row["patient__legal_first_name"]
    return DrillRow(
        episode_id=row["pk"],
        patient_id=row["patient_id"],
        name=f"{first} {row['patient__legal_last_name']}",
        mrn=row["patient__mrn"],
        program=row["program__name"],
        cells=[value if isinstance(value, Cell) else Cell(value) for value in cells],
        dates=tuple(dates),
    )
