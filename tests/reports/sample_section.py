"""A report section for the tests of the pages, exports and API (which render any section):
active patients and admissions, built from the scope's episodes as a real section is (a fixed
number of queries, aggregated in the database). Registered by the tests with `installed()`.

Figures: `active` (active on the scope's last day), `admitted` (admitted in the range),
`iop-share` (% of the active at IOP level), `mean-days` (mean days since admission of the
active: None when nobody is active). Table `by-program`, chart `admissions-by-week`; keys
`active:program:<id>`, `active:loc:<level>`, `admitted:program:<id>`, `admitted:week:<date>`.
"""

from contextlib import contextmanager
from datetime import date, timedelta
from unittest import mock

from django.db.models import Count, Q

from patients.models import Episode
from reports import sections
from reports.figures import Cell, Chart, DrillDown, DrillRow, Figure, Section, Series, Table

SLUG = "sample"
TITLE = "Sample: active patients and admissions"
MODULE = "tests.reports.sample_section"
COUNTED = (Episode.Status.ACTIVE, Episode.Status.DISCHARGED)


@contextmanager
def installed():
    """The sample section added after the sections present (`reports.sections.MODULES`)."""
    with mock.patch.object(sections, "MODULES", [*sections.MODULES, MODULE]):
        yield


def _active(scope):
    end = scope.end
    return scope.episodes().filter(
        Q(discharge_date__isnull=True) | Q(discharge_date__gt=end),
        status__in=COUNTED,
        admission_date__lte=end,
    )


def _admitted(scope):
    return scope.episodes().filter(
        status__in=COUNTED, admission_date__range=(scope.start, scope.end)
    )


def _monday(day):
    return day - timedelta(days=day.weekday())


def build(scope):
    active = list(
        _active(scope)
        .values("program_id", "program__name", "level_of_care", "admission_date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    admitted = list(
        _admitted(scope)
        .values("program_id", "program__name", "admission_date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    n_active = sum(r["n"] for r in active)
    n_iop = sum(r["n"] for r in active if r["level_of_care"] == Episode.LevelOfCare.IOP)
    days = sum((scope.end - r["admission_date"]).days * r["n"] for r in active)
    programs = {r["program_id"]: r["program__name"] for r in active + admitted}
    rows = []
    for pid, name in sorted(programs.items(), key=lambda item: item[1]):
        a = sum(r["n"] for r in active if r["program_id"] == pid)
        b = sum(r["n"] for r in admitted if r["program_id"] == pid)
        rows.append(
            [
                Cell(name),
                Cell(a, drill=f"active:program:{pid}"),
                Cell(b, drill=f"admitted:program:{pid}"),
            ]
        )
    weeks = []
    week = _monday(scope.start)
    while week <= scope.end:
        weeks.append(week)
        week += timedelta(days=7)
    per_week = dict.fromkeys(weeks, 0)
    for r in admitted:
        per_week[_monday(r["admission_date"])] += r["n"]
    return Section(
        slug=SLUG,
        title=TITLE,
        figures=[
            Figure("active", "Active", n_active, patients=n_active, help="Active on the last day."),
            Figure(
                "admitted",
                "Admitted",
                sum(r["n"] for r in admitted),
                patients=sum(r["n"] for r in admitted),
                help="Admitted in the range.",
            ),
            Figure(
                "iop-share",
                "Active at IOP level",
                round(100 * n_iop / n_active, 1) if n_active else None,
                unit="%",
                patients=n_iop,
                drill="active:loc:IOP",
                help="Share of the active patients at IOP level.",
            ),
            Figure(
                "mean-days",
                "Mean days since admission",
                round(days / n_active, 1) if n_active else None,
                unit="days",
                patients=n_active,
                drill="active",
                help="Of the patients active on the last day.",
            ),
        ],
        tables=[Table("by-program", "By program", ["Program", "Active", "Admitted"], rows)],
        charts=[
            Chart(
                "admissions-by-week",
                "Admissions by week",
                "bar",
                [f"{w:%-d %b}" for w in weeks],
                [
                    Series(
                        "Admitted",
                        [per_week[w] for w in weeks],
                        drill=[f"admitted:week:{w.isoformat()}" for w in weeks],
                    )
                ],
            )
        ],
        notes=["A sample section for the tests."],
    )


def _parse(scope, key):
    """(the episodes behind `key`, its title) or None."""
    kind, _, rest = key.partition(":")
    base = {"active": _active, "admitted": _admitted}.get(kind)
    if base is None:
        return None
    episodes = base(scope)
    title = "Active" if kind == "active" else "Admitted"
    if not rest:
        return episodes, title
    what, _, value = rest.partition(":")
    try:
        if what == "program":
            return episodes.filter(program_id=int(value)), f"{title}, program #{value}"
        if what == "loc" and value in Episode.LevelOfCare.values:
            return episodes.filter(level_of_care=value), f"{title} at {value} level"
        if what == "week" and kind == "admitted":
            monday = date.fromisoformat(value)
            week = (monday, monday + timedelta(days=6))
            return episodes.filter(admission_date__range=week), f"Admitted in the week of {value}"
    except ValueError:
        return None
    return None


def drill(scope, key):
    parsed = _parse(scope, key)
    if parsed is None:
        return None
    episodes, title = parsed
    rows = [
        DrillRow(
            episode_id=e.pk,
            patient_id=e.patient_id,
            name=e.patient.display_name,
            mrn=e.patient.mrn,
            program=e.program.name,
            cells=[
                Cell(e.admission_date),
                Cell(e.level_of_care),
                Cell(e.primary_clinician.display_name if e.primary_clinician else None),
            ],
            dates=(0,),
        )
        for e in episodes.select_related("patient", "program", "primary_clinician").order_by(
            "patient__legal_last_name", "patient__legal_first_name", "pk"
        )
    ]
    return DrillDown(
        key=key,
        title=title,
        columns=["Admitted", "Level of care", "Primary clinician"],
        rows=rows,
        date_columns=(0,),
    )
