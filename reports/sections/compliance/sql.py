"""What the compliance figures share: time between two moments computed in the database (the
same on SQLite and PostgreSQL), the cut-off of "now" for a range, and the patient columns of a
drill-down row."""

from datetime import timedelta

from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    F,
    FloatField,
    Func,
    IntegerField,
    Subquery,
    Sum,
    Value,
)
from django.utils import timezone

from reports.figures import DrillRow
from sessions.days import day_range


class SecondsBetween(Func):
    """Seconds from `earlier` to `later` (two datetimes), exact to the microsecond."""

    output_field = FloatField()
    arity = 2

    def __init__(self, later, earlier):
        super().__init__(later, earlier)

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision)",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        # Django's own SQLite function behind datetime subtraction: whole microseconds.
        return super().as_sql(
            compiler,
            connection,
            template="(django_timestamp_diff(%(expressions)s) / 1000000.0)",
            arg_joiner=", ",
            **extra,
        )


class DaysBetween(Func):
    """Whole days from date `earlier` to date `later`."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, later, earlier):
        super().__init__(later, earlier)

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def moment(value):
    return Value(value, output_field=DateTimeField())


def day(value):
    return Value(value, output_field=DateField())


def cutoff(scope, now=None):
    """The end of the range's last day, or now when that day is today: what "waiting on the
    last day" is judged at."""
    now = now or timezone.now()
    return min(day_range(scope.end)[1], now)


def hours(seconds):
    return None if seconds is None else round(seconds / 3600, 1)


def local_day(moment_):
    return None if moment_ is None else timezone.localdate(moment_)


def rate(part, whole):
    return None if not whole else round(100 * part / whole, 1)


def people(prefix):
    """The value names a drill-down row needs, for episodes reached through `prefix`."""
    p = f"{prefix}__" if prefix else ""
    return {
        "who_episode": F(f"{prefix}_id" if prefix else "pk"),
        "who_patient": F(f"{p}patient_id"),
        "who_first": F(f"{p}patient__legal_first_name"),
        "who_preferred": F(f"{p}patient__preferred_name"),
        "who_last": F(f"{p}patient__legal_last_name"),
        "who_mrn": F(f"{p}patient__mrn"),
        "who_program": F(f"{p}program__name"),
    }


NO_CLINICIAN = 0  # the drill-down of the episodes without a primary clinician


def for_clinician(rows, path, clinician):
    """`rows` of the episodes whose primary clinician (at `path`) is `clinician`: None for
    all, NO_CLINICIAN for those with none."""
    if clinician is None:
        return rows
    if clinician == NO_CLINICIAN:
        return rows.filter(**{f"{path}__isnull": True})
    return rows.filter(**{f"{path}_id": clinician})


ORDER = ("who_last", "who_first", "who_episode")


def drill_row(values, cells, dates=()):
    return DrillRow(
        episode_id=values["who_episode"],
        patient_id=values["who_patient"],
        name=f"{values['who_preferred'] or values['who_first']} {values['who_last']}",
        mrn=values["who_mrn"],
        program=values["who_program"],
        cells=cells,
        dates=tuple(dates),
    )


DAY = timedelta(days=1)


class SubqueryCount(Subquery):
    """How many rows a correlated queryset has (0 for none)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def by_clinician(episodes, counts):
    """{primary clinician id: {name: Sum of each episode-level annotation, "episodes"}} of
    `episodes` (annotated, and narrowed to those counted): one query."""
    rows = (
        episodes.order_by()
        .values(clinician=F("primary_clinician_id"))
        .annotate(episodes=Count("pk"), **{name: Sum(name) for name in counts})
    )
    return {row.pop("clinician"): row for row in rows}


def totals(grouped, names):
    """The scope's counts: each episode has one primary clinician, so the groups add up."""
    return {name: sum(row[name] or 0 for row in grouped.values()) for name in names}
