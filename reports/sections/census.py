"""Census: who is in care on the last day of the range, by program and level of care; how many
were in care at the end of each week; admissions, discharges and transfers by week; the
waiting list and the days from referral to admission.

Every date comes from the episode (referral, admission, discharge) or its level-of-care
changes, not from its status, so a range in the past counts what was true then. An episode's
level of care is its current one (the last for a discharged episode), the one the report's
level filter uses."""

from django.db.models import Avg, Count, OuterRef, Q, Subquery

from patients.models import Episode, LevelOfCareChange
from reports.figures import Cell, Chart, DrillDown, Figure, Section, Series, Table
from reports.sections.episode_stats import (
    LEVELS,
    DaysBetween,
    active_on,
    day_label,
    drill_row,
    key_of,
    medians,
    parse_filters,
    parse_key,
    patient_rows,
    rounded,
    week_label,
    weeks,
)

SLUG = "census"
TITLE = "Census"

KINDS = {
    "active": {"program", "level", "on"},
    "admitted": {"week"},
    "discharged": {"week"},
    "transferred": {"week"},
    "waiting": set(),
}
WAITING_STATUSES = [s for s in Episode.Status.values if s != Episode.Status.DECLINED]


def waiting_on(day):
    """On the waiting list on `day`: referred on or before it and not admitted by then (not
    yet admitted, or admitted later). A declined referral has no date of decline in the
    record, so it is never counted, even on days before it was declined."""
    return (
        Q(referral_date__lte=day)
        & Q(status__in=WAITING_STATUSES)
        & (Q(admission_date__isnull=True) | Q(admission_date__gt=day))
    )


def _moved_in(field, first, last):
    return Q(**{f"{field}__gte": first, f"{field}__lte": last})


def _level_changes(scope):
    return LevelOfCareChange.objects.filter(episode__in=scope.episodes())


# --- build ------------------------------------------------------------------------------------


def build(scope):
    spans = weeks(scope.start, scope.end)
    figures, tables, charts = [], [], []
    _active_today(scope, figures, tables)
    charts.append(_active_over_time(scope, spans))
    _movement(scope, spans, figures, tables, charts)
    return Section(
        slug=SLUG,
        title=TITLE,
        figures=figures,
        tables=tables,
        charts=charts,
        notes=[
            "An episode counts at its current level of care (the last one for a discharged "
            "episode); its moves between levels are the transfers.",
            "Weeks run Monday to Sunday; the first and last weeks are cut to the range.",
        ],
    )


def _active_today(scope, figures, tables):
    rows = (
        scope.episodes()
        .filter(active_on(scope.end))
        .values("program_id", "program__name", "level_of_care")
        .annotate(n=Count("pk"))
        .order_by("program__name", "program_id")
    )
    programs, totals = {}, dict.fromkeys(LEVELS, 0)
    for row in rows:
        program = programs.setdefault(
            row["program_id"], {"name": row["program__name"], **dict.fromkeys(LEVELS, 0)}
        )
        program[row["level_of_care"]] += row["n"]
        totals[row["level_of_care"]] += row["n"]
    total = sum(totals.values())
    figures.append(
        Figure(
            key="active",
            label=f"Active on {scope.end:%d %b %Y}",
            value=total,
            patients=total,
            help="Episodes admitted on or before the last day of the range and not discharged "
            "before it (an episode discharged that day still counts).",
        )
    )
    table_rows = []
    for program_id, program in programs.items():
        cells = [Cell(program["name"])]
        for level in LEVELS:
            cells.append(
                Cell(program[level], drill=key_of("active", program=program_id, level=level))
            )
        n = sum(program[level] for level in LEVELS)
        cells.append(Cell(n, drill=key_of("active", program=program_id)))
        table_rows.append(cells)
    table_rows.append(
        [Cell("All programs")]
        + [Cell(totals[level], drill=key_of("active", level=level)) for level in LEVELS]
        + [Cell(total, drill="active")]
    )
    tables.append(
        Table(
            key="active-by-program",
            title=f"Active on {scope.end:%d %b %Y} by program and level of care",
            columns=["Program", *LEVELS, "Total"],
            rows=table_rows,
        )
    )


def _active_over_time(scope, spans):
    """The patients active on the last day of each week, per level of care: one query, a count
    per week and level."""
    counts = {f"w{i}": Count("pk", filter=active_on(last)) for i, (_, last) in enumerate(spans)}
    rows = (
        scope.episodes()
        .filter(admission_date__lte=scope.end)
        .filter(Q(discharge_date__isnull=True) | Q(discharge_date__gte=scope.start))
        .values("level_of_care")
        .annotate(**counts)
        .order_by()
    )
    by_level = {row["level_of_care"]: row for row in rows}
    series = []
    for level in [*LEVELS, None]:
        values, drills = [], []
        for i, (_, last) in enumerate(spans):
            if level is None:
                values.append(sum(row[f"w{i}"] for row in by_level.values()))
            else:
                values.append(by_level[level][f"w{i}"] if level in by_level else 0)
            drills.append(key_of("active", on=last.isoformat(), level=level))
        series.append(Series(label=level or "All levels", values=values, drill=drills))
    return Chart(
        key="active-over-time",
        title="Active at the end of each week",
        kind="line",
        labels=[day_label(last) for _, last in spans],
        series=series,
    )


def _movement(scope, spans, figures, tables, charts):
    """Admissions, discharges and transfers in each week, with the waiting list and the days
    from referral to admission: three queries (episodes, level changes, the median)."""
    in_range = {"first": scope.start, "last": scope.end}
    sums = {"waiting": Count("pk", filter=waiting_on(scope.end))}
    for name, field in (("admitted", "admission_date"), ("discharged", "discharge_date")):
        sums[name] = Count("pk", filter=_moved_in(field, **in_range))
        for i, (first, last) in enumerate(spans):
            sums[f"{name}{i}"] = Count("pk", filter=_moved_in(field, first, last))
    admitted_in_range = _moved_in("admission_date", **in_range)
    sums["days_mean"] = Avg(
        DaysBetween("admission_date", "referral_date"), filter=admitted_in_range
    )
    numbers = scope.episodes().aggregate(**sums)
    moves = {"transferred": Count("episode_id", distinct=True)}
    for i, (first, last) in enumerate(spans):
        moves[f"transferred{i}"] = Count(
            "episode_id", distinct=True, filter=_moved_in("effective_date", first, last)
        )
    numbers |= (
        _level_changes(scope).filter(_moved_in("effective_date", **in_range)).aggregate(**moves)
    )
    median = medians(
        scope.episodes().filter(admitted_in_range), DaysBetween("admission_date", "referral_date")
    ).get(())
    admitted = numbers["admitted"]
    figures += [
        Figure(
            key="admitted",
            label="Admissions",
            value=admitted,
            patients=admitted,
            help="Episodes admitted in the range.",
        ),
        Figure(
            key="discharged",
            label="Discharges",
            value=numbers["discharged"],
            patients=numbers["discharged"],
            help="Episodes discharged in the range, whatever the reason (a discharge as "
            "'transferred' is a discharge, not a transfer).",
        ),
        Figure(
            key="transferred",
            label="Transfers",
            value=numbers["transferred"],
            patients=numbers["transferred"],
            help="Episodes whose level of care changed (PHP, IOP, OP: a recorded level-of-care "
            "change) with the change effective in the range; counted once however many moves.",
        ),
        Figure(
            key="waiting",
            label=f"Waiting on {scope.end:%d %b %Y}",
            value=numbers["waiting"],
            patients=numbers["waiting"],
            help="Episodes referred on or before the last day of the range and not admitted "
            "by then (referred or in intake that day); declined referrals never count.",
        ),
        Figure(
            key="days-to-admission-median",
            label="Days from referral to admission (median)",
            value=rounded(median) if admitted else None,
            unit="days",
            patients=admitted,
            drill="admitted",
            help="For the episodes admitted in the range: days from the referral date to the "
            "admission date (0 when admitted the day of the referral), the middle value.",
        ),
        Figure(
            key="days-to-admission-mean",
            label="Days from referral to admission (mean)",
            value=rounded(numbers["days_mean"]) if admitted else None,
            unit="days",
            patients=admitted,
            drill="admitted",
            help="For the episodes admitted in the range: the mean of the days from the "
            "referral date to the admission date.",
        ),
    ]
    kinds = ("admitted", "discharged", "transferred")
    table_rows, series = [], {kind: ([], []) for kind in kinds}
    for i, (first, last) in enumerate(spans):
        row = [Cell(week_label(first, last))]
        for kind in kinds:
            drill = key_of(kind, week=first.isoformat())
            row.append(Cell(numbers[f"{kind}{i}"], drill=drill))
            series[kind][0].append(numbers[f"{kind}{i}"])
            series[kind][1].append(drill)
        table_rows.append(row)
    labels = {"admitted": "Admissions", "discharged": "Discharges", "transferred": "Transfers"}
    tables.append(
        Table(
            key="movement-by-week",
            title="Admissions, discharges and transfers by week",
            columns=["Week", *labels.values()],
            rows=table_rows,
        )
    )
    charts.append(
        Chart(
            key="movement-by-week",
            title="Admissions, discharges and transfers by week",
            kind="stacked",
            labels=[week_label(first, last) for first, last in spans],
            series=[
                Series(label=labels[kind], values=series[kind][0], drill=series[kind][1])
                for kind in kinds
            ],
        )
    )


# --- drill-downs ------------------------------------------------------------------------------


def drill(scope, key):
    parsed = parse_key(key, KINDS)
    if parsed is None:
        return None
    kind, parts = parsed
    filters = parse_filters(parts, start=scope.start, end=scope.end)
    if filters is None:
        return None
    query, days = filters
    first, last = days.get("week", (scope.start, scope.end))
    episodes = scope.episodes().filter(query)
    if kind == "active":
        return _drill_active(key, episodes, days.get("on", scope.end), parts)
    if kind == "waiting":
        return _drill_waiting(key, episodes, scope.end)
    if kind == "transferred":
        return _drill_transferred(key, scope, first, last)
    return _drill_moved(key, kind, episodes, first, last)


def _span_words(first, last):
    return f"{first:%d %b %Y}" if first == last else f"{first:%d %b %Y} to {last:%d %b %Y}"


def _drill_active(key, episodes, day, parts):
    rows = patient_rows(
        episodes.filter(active_on(day)), "level_of_care", "admission_date", "discharge_date"
    )
    title = f"Active on {day:%d %b %Y}"
    if "level" in parts:
        title += f", {parts['level']}"
    return DrillDown(
        key=key,
        title=title,
        columns=["Level of care", "Admitted", "Discharged"],
        rows=[
            drill_row(r, [r["level_of_care"], r["admission_date"], r["discharge_date"]], (1, 2))
            for r in rows
        ],
        date_columns=(1, 2),
    )


def _drill_waiting(key, episodes, day):
    rows = patient_rows(
        episodes.filter(waiting_on(day)),
        "referral_date",
        "status",
        "admission_date",
    )
    labels = dict(Episode.Status.choices)
    return DrillDown(
        key=key,
        title=f"Waiting on {day:%d %b %Y}",
        columns=["Referred", "Days waiting", "Status now", "Admitted"],
        rows=[
            drill_row(
                r,
                [
                    r["referral_date"],
                    Cell((day - r["referral_date"]).days, unit="days"),
                    labels[r["status"]],
                    r["admission_date"],
                ],
                (0, 3),
            )
            for r in rows
        ],
        date_columns=(0, 3),
    )


def _drill_moved(key, kind, episodes, first, last):
    field = "admission_date" if kind == "admitted" else "discharge_date"
    rows = patient_rows(
        episodes.filter(_moved_in(field, first, last)),
        "level_of_care",
        "referral_date",
        "admission_date",
        "discharge_date",
        "discharge_reason",
        days=DaysBetween("admission_date", "referral_date"),
    )
    if kind == "admitted":
        columns = ["Level of care", "Referred", "Admitted", "Days from referral to admission"]

        def cells(r):
            days = Cell(r["days"], unit="days")
            return [r["level_of_care"], r["referral_date"], r["admission_date"], days]

        dates = (1, 2)
    else:
        columns = ["Level of care", "Admitted", "Discharged", "Reason"]
        reasons = dict(Episode.DischargeReason.choices)

        def cells(r):
            reason = reasons.get(r["discharge_reason"], "Not recorded")
            return [r["level_of_care"], r["admission_date"], r["discharge_date"], reason]

        dates = (1, 2)
    title = "Admitted" if kind == "admitted" else "Discharged"
    return DrillDown(
        key=key,
        title=f"{title} {_span_words(first, last)}",
        columns=columns,
        rows=[drill_row(r, cells(r), dates) for r in rows],
        date_columns=dates,
    )


def _drill_transferred(key, scope, first, last):
    changes = _level_changes(scope).filter(_moved_in("effective_date", first, last))
    latest = changes.filter(episode_id=OuterRef("pk")).order_by("-effective_date", "-pk")
    rows = patient_rows(
        scope.episodes().filter(pk__in=changes.values("episode_id")),
        moves=Subquery(
            changes.filter(episode_id=OuterRef("pk"))
            .order_by()
            .values("episode_id")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        moved_on=Subquery(latest.values("effective_date")[:1]),
        moved_from=Subquery(latest.values("from_level")[:1]),
        moved_to=Subquery(latest.values("to_level")[:1]),
    )
    return DrillDown(
        key=key,
        title=f"Level of care changed {_span_words(first, last)}",
        columns=["Changes", "Last change", "From", "To"],
        rows=[
            drill_row(r, [r["moves"], r["moved_on"], r["moved_from"], r["moved_to"]], (1,))
            for r in rows
        ],
        date_columns=(1,),
    )
