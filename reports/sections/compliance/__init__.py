"""Documentation and compliance: notes signed within 24 h, co-signatures waiting, plan reviews
and initial plans on time, safety plans for moderate or high risk, unexpected drug screens
followed up; a table of them by primary clinician. Each rule is the one its app applies (the
documentation job's 24 h, the review due dates, the program's `initial_plan_days`, the safety
plan rule, the screens app's alert), counted in the database: nine queries for the section,
one or two for a drill-down, whatever the data size."""

from dataclasses import replace

from django.contrib.auth import get_user_model

from reports.figures import Cell, Figure, Section, Table
from reports.formatting import counted, were
from reports.sections.compliance import cosign, notes, plans, safety, screens
from reports.sections.compliance.sql import NO_CLINICIAN, by_clinician, hours, rate, totals

SLUG = "compliance"
TITLE = "Documentation and compliance"

# drill-down key: (its title, the function listing its episodes for (scope, clinician))
DRILLS = {
    "notes-24h": ("Sessions needing a note", notes.drill_signed),
    "notes-unsigned": ("Notes still unsigned", notes.drill_unsigned),
    "cosign-waiting": ("Notes awaiting co-signature", cosign.drill),
    "reviews": ("Plan reviews due", plans.drill_reviews),
    "initial-plans": ("Initial plans due", plans.drill_initial),
    "initial-plans-pending": ("Initial plans not yet due", plans.drill_pending),
    "safety-plans": ("Moderate or high risk", safety.drill),
    "screens": ("Unexpected drug screens", screens.drill),
}

EPISODE_COUNTS = {
    "reviews": ("on_time", "late"),
    "initial": ("on_time", "late", "pending"),
    "safety": ("one", "covered"),
}


def _gather(scope):
    """Every figure's counts, by primary clinician and in all: eight queries."""
    found = {}
    found["notes"] = notes.by_clinician(scope)
    found["cosign"] = cosign.by_clinician(scope)
    for name, rows in (
        ("reviews", plans.reviews(scope)),
        ("initial", plans.initial_plans(scope).filter(plans.ON_TIME | plans.LATE | plans.PENDING)),
        ("safety", safety.at_risk(scope)),
    ):
        grouped = by_clinician(rows, EPISODE_COUNTS[name])
        found[name] = grouped, totals(grouped, (*EPISODE_COUNTS[name], "episodes"))
    grouped = screens.by_clinician(scope)
    found["screens"] = grouped, totals(grouped, ("alerts", "followed", "episodes"))
    return found


def _initial_episodes(counts):
    """Episodes judged (on time or late): those not yet due are counted apart."""
    return (counts["on_time"] or 0) + (counts["late"] or 0)


def _figures(found):
    n, n_all = found["notes"]
    c, c_all = found["cosign"]
    r_all = found["reviews"][1]
    i_all = found["initial"][1]
    s_all = found["safety"][1]
    x_all = found["screens"][1]
    oldest = hours(c_all["oldest"])
    return [
        Figure(
            "notes-24h",
            "Notes signed within 24 h",
            rate(n_all["on_time"], n_all["judged"]),
            "%",
            patients=n_all["episodes"],
            help=f"Of {counted(n_all['judged'], 'session')} in the range needing a note "
            f"(completed, someone attended), {n_all['on_time']} had it signed within 24 h of "
            "the session's end, when the documentation job would alert; a note unsigned less "
            "than 24 h after its session is not judged yet.",
        ),
        Figure(
            "notes-unsigned",
            "Notes still unsigned",
            n_all["unsigned"],
            patients=n_all["unsigned_episodes"],
            help="Sessions in the range needing a note with none signed yet (a draft or none), "
            "those within their first 24 h included.",
        ),
        Figure(
            "cosign-waiting",
            "Co-signatures waiting",
            c_all["notes"],
            patients=c_all["episodes"],
            help="Trainees' notes signed and not yet co-signed by a supervisor at the end of the "
            "range's last day (now, when it is today).",
        ),
        Figure(
            "cosign-oldest",
            "Longest co-signature wait",
            oldest,
            "h",
            patients=c_all["episodes"],
            drill="cosign-waiting",
            help="Hours the oldest of those notes has waited since it was signed.",
        ),
        Figure(
            "reviews",
            "Plan reviews on time",
            rate(r_all["on_time"], r_all["on_time"] + r_all["late"]),
            "%",
            patients=r_all["episodes"],
            help=f"Of {counted(r_all['on_time'] + r_all['late'], 'plan review')} due in the "
            f"range, {r_all['on_time']} {were(r_all['on_time'])} completed on or before their due "
            "date; one still open after it (or never opened) is late, one due today and still "
            "open is not judged.",
        ),
        Figure(
            "initial-plans",
            "Initial plans on time",
            rate(i_all["on_time"], _initial_episodes(i_all)),
            "%",
            patients=_initial_episodes(i_all),
            help=f"Of {counted(_initial_episodes(i_all), 'admission')} in the range, "
            f"{i_all['on_time']} had their first plan activated within the program's "
            "initial-plan days of admission; none yet and past due is late.",
        ),
        Figure(
            "initial-plans-pending",
            "Initial plans not yet due",
            i_all["pending"],
            patients=i_all["pending"],
            help="Admissions in the range with no plan yet whose initial-plan days have not "
            "passed: not judged.",
        ),
        Figure(
            "safety-plans",
            "Safety plans for moderate/high risk",
            rate(s_all["covered"], s_all["one"]),
            "%",
            patients=s_all["one"],
            help=f"Of {counted(s_all['one'], 'episode')} open on the range's last day whose "
            "risk then called for a safety plan (latest C-SSRS or clinician assessment "
            "moderate or high, or a "
            f"newer open moderate/high risk alert), {s_all['covered']} had one in force.",
        ),
        Figure(
            "screens",
            "Unexpected drug screens followed up",
            rate(x_all["followed"], x_all["alerts"]),
            "%",
            patients=x_all["episodes"],
            help=f"Of {counted(x_all['alerts'], 'unexpected drug screen')} (an unexpected "
            "result or a refusal: the screens app's alert) raised in the range, "
            f"{x_all['followed']} {were(x_all['followed'])} followed up: a clinician "
            "acknowledged the alert, closing it with what was done.",
        ),
    ]


def _cell(value, unit, key, clinician):
    suffix = "none" if clinician is None else clinician
    return Cell(value, unit, drill=f"{key}:clinician:{suffix}")


def _table(found):
    ids = set()
    for grouped, _ in found.values():
        ids |= set(grouped)
    known = [i for i in ids if i is not None]
    users = {u.pk: u.display_name for u in get_user_model().objects.filter(pk__in=known)}
    rows = []
    empty = {}
    for clinician in sorted(ids, key=lambda i: (i is None, users.get(i, ""))):
        n = found["notes"][0].get(clinician, empty)
        c = found["cosign"][0].get(clinician, empty)
        r = found["reviews"][0].get(clinician, empty)
        i = found["initial"][0].get(clinician, empty)
        s = found["safety"][0].get(clinician, empty)
        x = found["screens"][0].get(clinician, empty)
        r_due = (r.get("on_time") or 0) + (r.get("late") or 0)
        i_due = (i.get("on_time") or 0) + (i.get("late") or 0)
        rows.append(
            [
                Cell(users.get(clinician, "No primary clinician")),
                _cell(rate(n.get("on_time", 0), n.get("judged")), "%", "notes-24h", clinician),
                _cell(n.get("unsigned", 0), "", "notes-unsigned", clinician),
                _cell(c.get("notes", 0), "", "cosign-waiting", clinician),
                _cell(rate(r.get("on_time") or 0, r_due), "%", "reviews", clinician),
                _cell(rate(i.get("on_time") or 0, i_due), "%", "initial-plans", clinician),
                _cell(rate(s.get("covered") or 0, s.get("one")), "%", "safety-plans", clinician),
                _cell(rate(x.get("followed", 0), x.get("alerts")), "%", "screens", clinician),
            ]
        )
    return Table(
        key="compliance-by-clinician",
        title="By primary clinician",
        columns=[
            "Primary clinician",
            "Notes signed within 24 h",
            "Notes unsigned",
            "Co-signatures waiting",
            "Plan reviews on time",
            "Initial plans on time",
            "Safety plans in force",
            "Unexpected screens followed up",
        ],
        rows=rows,
    )


def build(scope):
    found = _gather(scope)
    return Section(
        slug=SLUG,
        title=TITLE,
        figures=_figures(found),
        tables=[_table(found)],
        notes=[
            "A session's note counts once in the figures and under each primary clinician "
            "whose patient attended it; the other figures count each patient's episode under "
            "its primary clinician.",
        ],
    )


def _parse(key):
    """(figure key, clinician: None for all, NO_CLINICIAN for none, else an id) or None."""
    if not isinstance(key, str):
        return None
    parts = key.split(":")
    if parts[0] not in DRILLS:
        return None
    if len(parts) == 1:
        return parts[0], None
    if len(parts) != 3 or parts[1] != "clinician":
        return None
    if parts[2] == "none":
        return parts[0], NO_CLINICIAN
    if not parts[2].isdigit() or not 0 < int(parts[2]) < 2**31:
        return None
    return parts[0], int(parts[2])


def drill(scope, key):
    parsed = _parse(key)
    if parsed is None:
        return None
    name, clinician = parsed
    title, make = DRILLS[name]
    found = make(scope, clinician)
    if clinician is not None:
        if clinician == NO_CLINICIAN:
            whose = "no primary clinician"
        else:
            user = get_user_model().objects.filter(pk=clinician).first()
            whose = f"primary clinician {user.display_name if user else clinician}"
        title = f"{title}, {whose}"
    return replace(found, key=key, title=f"{title}, {scope.describe()}")
