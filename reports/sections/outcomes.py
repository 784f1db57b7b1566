"""Outcomes: change in PHQ-9, GAD-7 and PCL-5 over the episodes in care (CLINICAL.md,
*Reading change over time*).

Who is counted: the episodes of the scope admitted on or before the range's end and not
discharged before its start (in care on at least one day of the range).

Which scores: an episode's scores of an instrument are the patient's scored responses from the
admission date to the discharge date (`MeasureResponseQuerySet.scored_between`, the window the
discharge summary reads), cut at the range's end: a score after it is not yet known to the
report. "At intake" is the first of them, "latest" the last; with fewer than two there is
nothing to judge change by.

- caseness at intake: the intake score at or above the caseness threshold (PHQ-9 10, GAD-7 8,
  PCL-5 the program's cut-off), of the patients with an intake score;
- reliable improvement / deterioration: latest − intake at or below −threshold / at or above
  +threshold (PHQ-9 6, GAD-7 4, PCL-5 10), of the patients with two or more scores;
- recovery: at caseness at intake and below it at the latest score, of the patients at
  caseness at intake with two or more scores;
- mean change: the mean of latest − intake over the patients with two or more scores.

`build` runs one query (every count, per discharge reason, as filtered aggregates over the
episodes annotated with their first and latest scores); `drill` runs one.
"""

import re

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.expressions import Case, When
from django.db.models.functions import RowNumber
from django.utils import timezone

from patients.instruments import CASENESS, INSTRUMENTS, OUTCOME_INSTRUMENTS, RELIABLE_CHANGE
from patients.models import Episode, MeasureResponse
from reports.figures import Cell, Chart, DrillDown, DrillRow, Figure, Section, Series, Table
from reports.formatting import counted

SLUG = "outcomes"
TITLE = "Outcomes"

OPEN = "open"  # the group of the episodes not discharged by the range's end
REASONS = [*Episode.DischargeReason.values, OPEN]
REASON_LABELS = {
    **dict(Episode.DischargeReason.choices),
    OPEN: "Not discharged by the end of the range",
}

# What a drill-down lists: its key's middle part, and the title it shows.
STATS = {
    "caseness": "at caseness at intake",
    "improved": "reliable improvement",
    "deteriorated": "reliable deterioration",
    "recovered": "recovery",
    "judged": "two or more scores (mean change)",
    "too-few": "too few scores to judge (fewer than two)",
    "in-care": "in care during the range",
}
KEY = re.compile(
    r"^(?P<code>[a-z0-9]+)-(?P<stat>[a-z-]+?)(?::reason:(?P<reason>[a-z_]+))?$",
)
DRILL_COLUMNS = [
    "Intake score",
    "Intake date",
    "Latest score",
    "Latest date",
    "Change",
    "Discharge reason",
]


def _name(code):
    return INSTRUMENTS[code].name


def _scores(code):
    """The patient's scored `code` responses in the episode's window, as a subquery of an
    episode annotated with `window_end`."""
    return (
        MeasureResponse.objects.filter(patient_id=OuterRef("patient_id"), instrument=code)
        .scored_between(OuterRef("admission_date"), OuterRef("window_end"))
        .order_by()
    )


def _first(code, field):
    return Subquery(_scores(code).order_by("administered_at", "pk").values(field)[:1])


def _latest(code, field):
    return Subquery(_scores(code).order_by("-administered_at", "-pk").values(field)[:1])


def in_care(scope):
    """The scope's episodes in care during the range, each with `window_end`: the last day
    its scores are read to (its discharge, or the range's end if that comes first)."""
    return (
        scope.episodes()
        .filter(admission_date__isnull=False, admission_date__lte=scope.end)
        .exclude(discharge_date__lt=scope.start)
        .annotate(
            window_end=Case(
                When(discharge_date__lt=scope.end, then=F("discharge_date")),
                default=Value(scope.end),
            )
        )
    )


def _score_annotations(code, prefix="", dates=False):
    """`first`, `latest` (scores), `first_id`, `latest_id` (and with `dates`, `first_at`,
    `latest_at`) of instrument `code`, each name with `prefix`."""
    annotations = {
        "first": _first(code, "total_score"),
        "latest": _latest(code, "total_score"),
        "first_id": _first(code, "pk"),
        "latest_id": _latest(code, "pk"),
    }
    if dates:
        annotations["first_at"] = _first(code, "administered_at")
        annotations["latest_at"] = _latest(code, "administered_at")
    return {prefix + name: value for name, value in annotations.items()}


def _conditions(code, prefix=""):
    """The Q of each stat over annotations `<prefix>first`, `<prefix>latest`, ..."""
    first, latest = f"{prefix}first", f"{prefix}latest"
    first_id, latest_id = f"{prefix}first_id", f"{prefix}latest_id"
    cutoff = F("program__pcl5_cutoff") if code == "PCL5" else Value(CASENESS[code])
    step = RELIABLE_CHANGE[code]
    judged = Q(**{f"{first_id}__isnull": False, f"{latest_id}__isnull": False}) & ~Q(
        **{first_id: F(latest_id)}
    )
    caseness = Q(**{f"{first}__gte": cutoff})
    return {
        "scored": Q(**{f"{first}__isnull": False}),
        "caseness": caseness,
        "judged": judged,
        "improved": judged & Q(**{f"{latest}__lte": F(first) - step}),
        "deteriorated": judged & Q(**{f"{latest}__gte": F(first) + step}),
        "cases-judged": judged & caseness,
        "recovered": judged & caseness & Q(**{f"{latest}__lt": cutoff}),
        "too-few": ~judged,
        "in-care": Q(pk__isnull=False),
    }


_STAT_NAMES = tuple(_conditions("PHQ9"))


def _reason_condition(scope, reason):
    discharged = Q(
        discharge_date__lte=scope.end, discharge_reason__in=Episode.DischargeReason.values
    )
    if reason == OPEN:
        return ~discharged
    return Q(discharge_date__lte=scope.end, discharge_reason=reason)


def _counts(scope):
    """{(code, reason, stat): number of episodes} in one query; stat "change" is the sum of
    latest − first over the episodes with two or more scores."""
    # A window function keeps the database from merging the annotated episodes into the
    # aggregate: merged, each count would run the score subqueries again (hundreds per row).
    episodes = in_care(scope).annotate(fence=Window(RowNumber()))
    for code in OUTCOME_INSTRUMENTS:
        episodes = episodes.annotate(**_score_annotations(code, code.lower() + "_"))
    aggregates = {"episodes": Count("fence")}
    for code in OUTCOME_INSTRUMENTS:
        prefix = code.lower() + "_"
        conditions = _conditions(code, prefix)
        change = F(prefix + "latest") - F(prefix + "first")
        for i, reason in enumerate(REASONS):
            group = _reason_condition(scope, reason)
            for stat, condition in conditions.items():
                aggregates[f"{code}__{i}__{stat}"] = Count("pk", filter=group & condition)
            aggregates[f"{code}__{i}__change"] = Sum(
                Case(
                    When(group & conditions["judged"], then=change),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
    found = episodes.aggregate(**aggregates)
    found.pop("episodes")
    counts = {}
    for name, number in found.items():
        code, i, stat = name.split("__")
        counts[(code, REASONS[int(i)], stat)] = number or 0
    return counts


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _mean(total, count):
    return round(total / count, 1) if count else None


def _cutoff_words(code):
    if code == "PCL5":
        return "at or above the program's PCL-5 cut-off (33 unless the program sets another)"
    return f"{CASENESS[code]} or more"


def _figures(code, n):
    """The headline figures of one instrument from its totals `n` (stat -> number)."""
    name, slug, step = _name(code), code.lower(), RELIABLE_CHANGE[code]
    judged = n["judged"]
    return [
        Figure(
            key=f"{slug}-caseness",
            label=f"{name} at caseness at intake",
            value=_share(n["caseness"], n["scored"]),
            unit="%",
            patients=n["caseness"],
            help=f"{n['caseness']} of the {counted(n['scored'], 'patient')} in care during the "
            f"range with a {name} since admission scored {_cutoff_words(code)} on the first.",
        ),
        Figure(
            key=f"{slug}-improved",
            label=f"{name} reliable improvement",
            value=_share(n["improved"], judged),
            unit="%",
            patients=n["improved"],
            help=f"{n['improved']} of the {counted(judged, 'patient')} with two or more "
            f"{name} scores by the range's end fell {step} or more from the first to the latest.",
        ),
        Figure(
            key=f"{slug}-recovered",
            label=f"{name} recovery",
            value=_share(n["recovered"], n["cases-judged"]),
            unit="%",
            patients=n["recovered"],
            help=f"{n['recovered']} of the {counted(n['cases-judged'], 'patient')} at caseness "
            f"on their first {name} (with two or more scores) were below it on the latest.",
        ),
        Figure(
            key=f"{slug}-deteriorated",
            label=f"{name} reliable deterioration",
            value=_share(n["deteriorated"], judged),
            unit="%",
            patients=n["deteriorated"],
            help=f"{n['deteriorated']} of the {counted(judged, 'patient')} with two or more "
            f"{name} scores rose {step} or more from the first to the latest.",
        ),
        Figure(
            key=f"{slug}-change",
            label=f"{name} mean change",
            value=_mean(n["change"], judged),
            unit="points",
            patients=judged,
            drill=f"{slug}-judged",
            help=f"The mean of latest minus first {name} score over the "
            f"{counted(judged, 'patient')} with two or more scores (below 0: better).",
        ),
        Figure(
            key=f"{slug}-too-few",
            label=f"{name}: too few scores to judge",
            value=n["too-few"],
            patients=n["too-few"],
            help=f"Patients in care during the range with fewer than two {name} scores from "
            "admission to the range's end (or their discharge).",
        ),
    ]


def _table(code, counts):
    slug = code.lower()
    rows = []
    for reason in REASONS:
        n = {stat: counts[(code, reason, stat)] for stat in (*_STAT_NAMES, "change")}
        suffix = f":reason:{reason}"
        rows.append(
            [
                Cell(REASON_LABELS[reason]),
                Cell(n["in-care"], drill=f"{slug}-in-care{suffix}"),
                Cell(n["judged"], drill=f"{slug}-judged{suffix}"),
                Cell(_share(n["improved"], n["judged"]), "%", drill=f"{slug}-improved{suffix}"),
                Cell(
                    _share(n["recovered"], n["cases-judged"]),
                    "%",
                    drill=f"{slug}-recovered{suffix}",
                ),
                Cell(
                    _share(n["deteriorated"], n["judged"]),
                    "%",
                    drill=f"{slug}-deteriorated{suffix}",
                ),
                Cell(_mean(n["change"], n["judged"]), "points", drill=f"{slug}-judged{suffix}"),
            ]
        )
    return Table(
        key=f"by-reason-{slug}",
        title=f"{_name(code)} outcomes by discharge reason",
        columns=[
            "Discharge reason",
            "Patients",
            "Two or more scores",
            "Reliable improvement",
            "Recovery",
            "Reliable deterioration",
            "Mean change",
        ],
        rows=rows,
    )


def build(scope):
    counts = _counts(scope)
    figures, tables, totals = [], [], {}
    for code in OUTCOME_INSTRUMENTS:
        n = {
            stat: sum(counts[(code, reason, stat)] for reason in REASONS)
            for stat in (*_STAT_NAMES, "change")
        }
        totals[code] = n
        figures += _figures(code, n)
        tables.append(_table(code, counts))
    shares = [
        ("At caseness at intake", "caseness", "scored"),
        ("Reliable improvement", "improved", "judged"),
        ("Recovery", "recovered", "cases-judged"),
    ]
    chart = Chart(
        key="shares",
        title="Caseness at intake, reliable improvement and recovery",
        kind="bar",
        labels=[_name(code) for code in OUTCOME_INSTRUMENTS],
        series=[
            Series(
                label=label,
                values=[_share(totals[c][part], totals[c][whole]) for c in OUTCOME_INSTRUMENTS],
                drill=[f"{c.lower()}-{part}" for c in OUTCOME_INSTRUMENTS],
            )
            for label, part, whole in shares
        ],
        unit="%",
    )
    return Section(
        slug=SLUG,
        title=TITLE,
        figures=figures,
        tables=tables,
        charts=[chart],
        notes=[
            "Counted: the episodes admitted by the range's end and not discharged before its "
            "start. Scores are read from admission to discharge, up to the range's end; the "
            "first is the intake score, the last the latest.",
            "Caseness: PHQ-9 10+, GAD-7 8+, PCL-5 at the program's cut-off. Reliable change: "
            "PHQ-9 6, GAD-7 4, PCL-5 10 points. Recovery: at caseness at intake and below it "
            "at the latest score.",
        ],
    )


def _parse(key):
    match = KEY.match(key or "")
    if not match:
        return None
    code = match["code"].upper()
    stat, reason = match["stat"], match["reason"]
    if code not in OUTCOME_INSTRUMENTS or stat not in STATS:
        return None
    if reason is not None and reason not in REASONS:
        return None
    return code, stat, reason


def _day(moment):
    return timezone.localtime(moment).date() if moment else None


def drill(scope, key):
    parsed = _parse(key)
    if parsed is None:
        return None
    code, stat, reason = parsed
    condition = _conditions(code)[stat]
    if reason:
        condition &= _reason_condition(scope, reason)
    episodes = (
        in_care(scope)
        .annotate(**_score_annotations(code, dates=True))
        .filter(condition)
        .select_related("patient", "program")
        .order_by("patient__legal_last_name", "patient__legal_first_name", "pk")
    )
    reasons = dict(Episode.DischargeReason.choices)
    rows = []
    for episode in episodes:
        judged = episode.first_id is not None and episode.first_id != episode.latest_id
        discharged = episode.discharge_date and episode.discharge_date <= scope.end
        rows.append(
            DrillRow(
                episode_id=episode.pk,
                patient_id=episode.patient_id,
                name=episode.patient.display_name,
                mrn=episode.patient.mrn,
                program=episode.program.name,
                cells=[
                    Cell(episode.first),
                    Cell(_day(episode.first_at)),
                    Cell(episode.latest if judged else None),
                    Cell(_day(episode.latest_at) if judged else None),
                    Cell(episode.latest - episode.first if judged else None, "points"),
                    Cell(reasons.get(episode.discharge_reason) if discharged else None),
                ],
                dates=(1, 3),
            )
        )
    where = f", {REASON_LABELS[reason].lower()}" if reason else ""
    return DrillDown(
        key=key,
        title=f"{_name(code)}: {STATS[stat]}{where}, {scope.start:%-d %b %Y} to "
        f"{scope.end:%-d %b %Y}",
        columns=DRILL_COLUMNS,
        rows=rows,
        date_columns=(1, 3),
    )
