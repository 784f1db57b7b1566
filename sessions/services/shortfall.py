"""Last week's hours judged in the database: the patients below the minimum of their level of
care, counted, ordered and sliced by the database, for the lists that show only some of them
(Today, "below their hours").

The rule is the hours ledger's (`attendance.hours_ledger`, `levels`; CLINICAL.md, "Levels of
care and hours") for the one week the lists judge, the last full week, written as SQL:

- the minutes attended in sessions that count (not cancelled; family therapy only with the
  patient present) starting in that local week;
- the levels of care in force that week: the one on its Monday (the latest level change on or
  before it, else the first change's `from_level`, else the episode's level) and each level
  changed to during it; the week is judged against the lowest minimum among them, and an OP
  week has none (PHP 20 h; IOP the program's own minimum if it has one, else 6 h for an
  adolescent, under 18 on the Monday or in an adolescent-track program, else 9 h);
- not judged: a week with a recorded step-down in it, the week of admission (or before it),
  the week of discharge (or after it). The week in progress is never this week.

`tests/sessions/test_hours_in_the_database.py` holds it to the ledger's judgement.
"""

from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from patients.models import Episode, LevelOfCareChange, Program
from sessions.models import Attendance, StepDown, TherapySession
from sessions.services import levels
from sessions.services.scheduling import week_start

Level = Episode.LevelOfCare
MINUTES = DecimalField(max_digits=8, decimal_places=2)


def _midnight(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def attended_minutes(first_day, next_day):
    """The minutes an episode (the outer query's row) attended in sessions that count starting
    from `first_day` up to `next_day` (local days), 0 when none: a correlated subquery."""
    sessions = (
        TherapySession.objects.filter(
            starts_at__gte=_midnight(first_day), starts_at__lt=_midnight(next_day)
        )
        .exclude(status=TherapySession.Status.CANCELLED)
        .exclude(kind=TherapySession.Kind.FAMILY, patient_present=False)
        .order_by()
        .values("pk")
    )
    total = (
        Attendance.objects.filter(
            episode=OuterRef("pk"), status__in=Attendance.ATTENDED, session__in=sessions
        )
        .order_by()
        .values("episode")
        .annotate(total=Sum("minutes_attended"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def _minutes(hours):
    return Value(Decimal(hours) * 60, output_field=MINUTES)


def _adolescent(monday):
    """Under 18 on `monday` (born after the day 18 years before it), or in an adolescent track."""
    try:
        eighteen_years = monday.replace(year=monday.year - 18)
    except ValueError:  # 29 February: someone born on 28 February is 18 that day
        eighteen_years = monday.replace(year=monday.year - 18, day=28)
    return Q(patient__date_of_birth__gt=eighteen_years) | Q(program__track=Program.Track.ADOLESCENT)


def week_judged(episodes, monday):
    """`episodes` annotated for the week starting `monday`: `week_minutes` attended,
    `week_level` (the level judged against) and `week_minimum` (its minimum in minutes, None
    when the week is not judged or has no minimum)."""
    sunday = monday + timedelta(days=6)
    changes = LevelOfCareChange.objects.filter(episode=OuterRef("pk")).order_by()
    on_monday = Coalesce(
        Subquery(
            changes.filter(effective_date__lte=monday)
            .order_by("-effective_date", "-pk")
            .values("to_level")[:1]
        ),
        Subquery(changes.order_by("effective_date", "pk").values("from_level")[:1]),
        F("level_of_care"),
    )
    during = changes.filter(effective_date__gt=monday, effective_date__lte=sunday)

    def in_force(level):
        return Q(monday_level=level) | Exists(during.filter(to_level=level))

    iop_minimum = Case(
        When(
            program__minimum_weekly_hours__isnull=False,
            then=F("program__minimum_weekly_hours") * Value(60),
        ),
        When(_adolescent(monday), then=_minutes(levels.IOP_ADOLESCENT_MINIMUM)),
        default=_minutes(levels.IOP_MINIMUM),
        output_field=MINUTES,
    )
    php_minimum = _minutes(levels.PHP_MINIMUM)
    step_down = StepDown.objects.filter(
        episode=OuterRef("pk"), starts_on__lte=sunday, ends_on__gte=monday
    )
    judged = (
        Q(admission_date__isnull=True) | Q(admission_date__lte=monday),
        Q(discharge_date__isnull=True) | Q(discharge_date__gt=sunday),
        ~Exists(step_down),
        ~Q(has_op=True),
    )
    return (
        episodes.annotate(
            week_minutes=attended_minutes(monday, monday + timedelta(weeks=1)),
            monday_level=on_monday,
        )
        .alias(
            has_op=Case(When(in_force(Level.OP), then=True), default=False),
            has_iop=Case(When(in_force(Level.IOP), then=True), default=False),
            has_php=Case(When(in_force(Level.PHP), then=True), default=False),
            iop_minimum=iop_minimum,
        )
        .annotate(
            # The lowest minimum in force; on a tie, the level of the Monday (as the ledger).
            week_level=Case(
                When(
                    Q(has_php=True, has_iop=True, iop_minimum__lt=php_minimum) | Q(has_php=False),
                    then=Value(Level.IOP),
                ),
                When(Q(has_iop=True, iop_minimum__exact=php_minimum), then=F("monday_level")),
                default=Value(Level.PHP),
            ),
        )
        .annotate(
            week_minimum=Case(
                When(~Q(*judged), then=None),
                When(Q(has_php=True, week_level=Level.PHP), then=php_minimum),
                When(has_iop=True, then=iop_minimum),
                default=None,
                output_field=MINUTES,
            ),
        )
    )


def below_last_week(episodes, *, today=None):
    """`episodes` (a QuerySet) whose last full week was below the minimum of their level of
    care, annotated as `week_judged` plus `shortfall` (minutes short) and `this_week_minutes`;
    the largest shortfall first, then by name. One query, counted and sliced by the database."""
    this_week = week_start(today or timezone.localdate())
    return (
        week_judged(episodes, this_week - timedelta(weeks=1))
        .filter(week_minimum__isnull=False, week_minutes__lt=F("week_minimum"))
        .annotate(
            shortfall=F("week_minimum") - F("week_minutes"),
            # Shown beside it, labelled in progress; read for the rows of the page only.
            this_week_minutes=attended_minutes(this_week, this_week + timedelta(weeks=1)),
        )
        .select_related("patient")
        .order_by(
            "-shortfall",
            "patient__legal_last_name",
            "patient__legal_first_name",
            "patient_id",
        )
    )


def hours(minutes):
    """Minutes as hours to a tenth, half up (as the ledger shows them)."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class BelowHours:
    """The rows of `below_last_week` as the lists show them, `(episode, last week, this week)`
    (the weeks as the ledger's rows: week, minutes, hours, level, minimum in hours), counted
    and sliced by the database: a page is a count and one query for its rows."""

    def __init__(self, episodes, *, today=None):
        self.today = today or timezone.localdate()
        self.queryset = below_last_week(episodes, today=self.today)

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        return self.rows(self.queryset[index])

    def rows(self, episodes):
        this_week = week_start(self.today)
        return [
            (
                episode,
                {
                    "week": this_week - timedelta(weeks=1),
                    "minutes": episode.week_minutes,
                    "hours": hours(episode.week_minutes),
                    "level": episode.week_level,
                    "minimum": Decimal(episode.week_minimum) / 60,
                    "below": True,
                },
                {
                    "week": this_week,
                    "minutes": episode.this_week_minutes,
                    "hours": hours(episode.this_week_minutes),
                    "in_progress": True,
                },
            )
            for episode in episodes
        ]
