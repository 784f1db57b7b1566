"""The engagement section: attendance rate, weeks meeting the hours minimum, no-show rate, worked
by hand on the cohort of `tests/reports/engagement_cohort.py` (read its table of marks first)."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from iop.accounts.models import User
from reports.scope import ReportScope, default_scope
from reports.sections import engagement
from sessions.services import hours_ledger
from tests.reports.engagement_cohort import END, NOW, START, TODAY, build_cohort, build_scaled

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(time_machine, program, clinician, clinician2, supervisor):
    time_machine.move_to(NOW, tick=False)
    return build_cohort(program, clinician, clinician2, supervisor)


def scope(user, start=START, end=END, **filters):
    return ReportScope(user=user, start=start, end=end, **filters)


def figures(section):
    return {f.key: f for f in section.figures}


def drilled(user, key, **kw):
    """{first name: [cell values]} of a drill-down."""
    down = engagement.drill(scope(user, **kw), key)
    return {row.name.split()[0]: [c.value for c in row.cells] for row in down.rows}


def test_attendance_and_no_show_rates_worked_for_the_supervisor(cohort, supervisor):
    section = engagement.build(scope(supervisor))
    got = figures(section)
    # Counted marks, 3–22 Nov, program A (not the 2 Nov, cancelled 4 Nov, 23 Nov or family
    # without the patient ones): Ann 7 (all attended), Ben 8 (3 attended: Mon 9, Wed 11, left
    # early Sun 22; 3 no-shows: Tue 3, Fri 13, Thu 12; 2 excused), Cal 5 (5), Dee 4 (3; 1
    # no-show), Eve 1 (1). Marks 25, attended 19, no-shows 4.
    assert (got["attendance-rate"].value, got["attendance-rate"].patients) == (76.0, 5)  # 19/25
    assert (got["no-show-rate"].value, got["no-show-rate"].patients) == (16.0, 5)  # 4/25
    assert "present, late or left early" in got["attendance-rate"].help
    assert list(drilled(supervisor, "attendance-rate").items()) == [
        ("Ben", [8, 3, 37.5]),  # the lowest first, then by name
        ("Dee", [4, 3, 75.0]),
        ("Ann", [7, 7, 100.0]),
        ("Cal", [5, 5, 100.0]),
        ("Eve", [1, 1, 100.0]),
    ]
    assert list(drilled(supervisor, "no-show-rate").items())[:2] == [
        ("Ben", [8, 3, 37.5]),  # the most no-shows first
        ("Dee", [4, 1, 25.0]),
    ]


def test_by_group_the_group_and_the_other_sessions(cohort, supervisor):
    table = next(t for t in engagement.build(scope(supervisor)).tables if t.key == "by-group")
    rows = [[c.value for c in row] for row in table.rows]
    # G: Tue 3 (2 marks, 1 attended, 1 no-show), Mon 9 (4, 4), Wed 11 (3, 3), Fri 13 (2, 1, 1),
    # Mon 16 (4, 3), Wed 18 (2, 1, 1), Fri 20 (1, 1), Sun 22 (2, 2): 20 marks, 16 attended
    # (80 %), 3 no-shows (15 %), 5 patients. Not a group: Ann's Thu 12, Ben's Thu 12 (no-show)
    # and Fri 13 (excused), Cal's Tue 17 and Thu 19: 5 marks, 3 attended, 1 no-show.
    assert rows == [
        ["G", 20, 80.0, 15.0, 5],
        ["Individual, family and other sessions", 5, 60.0, 20.0, 3],
    ]
    g = cohort["g"].pk
    assert table.rows[0][2].drill == f"attendance-rate:group:{g}"
    # Dee's G marks: Mon 9, Wed 11, Mon 16 present, Wed 18 a no-show: 1 of 4.
    assert drilled(supervisor, f"no-show-rate:group:{g}")["Dee"] == [4, 1, 25.0]
    assert drilled(supervisor, "attendance-rate:group:none") == {
        "Ben": [2, 0, 0.0],
        "Ann": [1, 1, 100.0],
        "Cal": [2, 2, 100.0],
    }


def test_by_weekday_in_the_programs_time_zone(cohort, supervisor):
    chart = engagement.build(scope(supervisor)).charts[0]
    # Mon: 9 and 16, 8 marks, 7 attended, 0 no-shows; Tue: 3 and Cal's 17, 3, 2, 1; Wed: 11
    # and 18, 5, 4, 1; Thu: 12 (2) and Cal's 19, 3, 2, 1; Fri: 13 (3) and 20, 4, 2, 1; Sun:
    # the 23:30 session of the 22nd (Monday 04:30 in UTC), 2, 2, 0. No Saturday session.
    assert chart.labels == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sun"]
    attendance, no_shows = chart.series
    assert attendance.values == [87.5, 66.7, 80.0, 66.7, 50.0, 100.0]
    assert no_shows.values == [0.0, 33.3, 20.0, 33.3, 25.0, 0.0]
    assert attendance.drill[-1] == "attendance-rate:weekday:7"
    assert drilled(supervisor, "attendance-rate:weekday:7") == {
        "Ann": [1, 1, 100.0],
        "Ben": [1, 1, 100.0],
    }
    assert set(drilled(supervisor, "attendance-rate:weekday:1")) == {
        "Ann",
        "Ben",
        "Cal",
        "Dee",
        "Eve",
    }


def test_weeks_meeting_the_hours_minimum_worked(cohort, supervisor):
    got = figures(engagement.build(scope(supervisor)))["hours-met"]
    # Weeks of 9 and 16 November (that of 2 November starts before the range):
    # Ann IOP 9 h: 9 Nov 3 × 180 + 50 = 590 min met; 16 Nov 180 + 120 late = 300 below (the
    #   400 min of family therapy without her are not hers).              1 of 2
    # Ben IOP: 9 Nov 180 + 180 = 360 below; 16 Nov a planned step-down, not judged. 0 of 1
    # Cal PHP 20 h: admitted Wed 11 (not judged); 16 Nov 3 × 180 + 2 × 360 = 1260 met. 1 of 1
    # Dee IOP adolescent 6 h: 9 Nov 360 met; 16 Nov 180 below.            1 of 2
    # Eve OP: no minimum, no week counted.
    # 3 of 6 weeks met: 50 %, 4 patients.
    assert (got.value, got.patients) == (50.0, 4)
    assert drilled(supervisor, "hours-met") == {
        "Ben": [0, 1, 0.0],
        "Ann": [1, 2, 50.0],
        "Dee": [1, 2, 50.0],
        "Cal": [1, 1, 100.0],
    }
    table = next(t for t in engagement.build(scope(supervisor)).tables if t.key == "hours-by-level")
    assert [[c.value for c in row] for row in table.rows] == [  # plain text, for the CSV
        ["PHP", 1, 1, 100.0, 1],
        ["IOP", 5, 2, 40.0, 3],
    ]
    assert type(table.rows[0][0].value) is str
    assert drilled(supervisor, "hours-met:level:PHP") == {"Cal": [1, 1, 100.0]}


def test_the_weeks_counted_are_the_ledgers_judged_weeks_and_agree_with_its_alerts(cohort, director):
    """The section reads the hours ledger: per patient, the weeks it counts are those the
    ledger judges in the range, and those not met are exactly the ledger's `below` weeks (what
    the hours alert and the caseload flag)."""
    episodes = [cohort[name] for name in ("ann", "ben", "cal", "dee", "eve", "zed")]
    ledger = hours_ledger(episodes, weeks=4, today=TODAY)
    in_range = (date(2026, 11, 9), date(2026, 11, 16))
    expected = {}
    for e in episodes:
        weeks = [w for w in ledger[e.pk] if w["week"] in in_range and w["judged"]]
        if weeks:
            below = sum(w["below"] for w in weeks)
            expected[e.patient.legal_first_name] = [len(weeks) - below, len(weeks)]
    got = {name: cells[:2] for name, cells in drilled(director, "hours-met").items()}
    assert got == expected
    assert expected == {"Ann": [1, 2], "Ben": [0, 1], "Cal": [1, 1], "Dee": [1, 2], "Zed": [0, 2]}


def test_family_therapy_without_the_patient_never_counts(cohort, supervisor):
    ann = cohort["ann"]
    week = next(
        w
        for w in hours_ledger([ann], weeks=3, today=TODAY)[ann.pk]
        if w["week"] == date(2026, 11, 16)
    )
    assert (week["minutes"], week["judged"], week["met"]) == (300, True, False)
    # Nor is its stray mark one of Ann's 7 marks.
    assert drilled(supervisor, "attendance-rate")["Ann"][0] == 7


def test_the_ranges_first_and_last_days_count_and_no_day_outside(cohort, supervisor):
    # Ann: 7 marks from Tue 3 to Sun 22 at 23:30; from Wed 4 on the Tue 3 one is out; to Mon
    # 23 the 00:30 absence is in (8 marks, 7 attended). The cancelled Wed 4 never counts.
    assert drilled(supervisor, "attendance-rate")["Ann"] == [7, 7, 100.0]
    assert drilled(supervisor, "attendance-rate", start=date(2026, 11, 4))["Ann"] == [6, 6, 100.0]
    assert drilled(supervisor, "attendance-rate", end=TODAY)["Ann"] == [8, 7, 87.5]
    assert drilled(supervisor, "attendance-rate", end=date(2026, 11, 21))["Ann"] == [6, 6, 100.0]


def test_a_week_in_progress_or_cut_by_the_range_is_not_judged(cohort, supervisor):
    # To today (Wednesday 25): the week of 23 November is in progress.
    assert engagement.judged_weeks(scope(supervisor, end=TODAY)) == [
        date(2026, 11, 9),
        date(2026, 11, 16),
    ]
    assert figures(engagement.build(scope(supervisor, end=TODAY)))["hours-met"].value == 50.0
    # To Saturday 21: the week of 16 is cut; only that of 9 is judged (Ann, Ben, Dee: 2 of 3).
    hours = figures(engagement.build(scope(supervisor, end=date(2026, 11, 21))))["hours-met"]
    assert (hours.value, hours.patients) == (66.7, 3)
    # Shorter than a week: nothing to judge, said so.
    short = scope(supervisor, start=date(2026, 11, 10), end=date(2026, 11, 15))
    hours = figures(engagement.build(short))["hours-met"]
    assert (hours.value, hours.patients) == (None, 0)
    assert engagement.drill(short, "hours-met").rows == []


def test_a_supervisor_of_program_a_never_counts_program_b(cohort, supervisor, director):
    # The supervisor is on Zed's care team; Zed is program B's: never counted.
    assert "Zed" not in drilled(supervisor, "attendance-rate")
    assert "Zed" not in drilled(supervisor, "hours-met")
    # The director counts both programs: 25 + 2 marks, 19 + 1 attended, 4 + 1 no-shows.
    got = figures(engagement.build(scope(director)))
    assert (got["attendance-rate"].value, got["attendance-rate"].patients) == (74.1, 6)
    assert got["no-show-rate"].value == 18.5  # 5/27
    # Zed, IOP: 180 min the week of 9 Nov, none that of 16 Nov: both below; 3 of 8 weeks.
    assert (got["hours-met"].value, got["hours-met"].patients) == (37.5, 5)
    # Narrowed to program A, the director sees what its supervisor sees.
    narrowed = figures(engagement.build(scope(director, program_id=cohort["ann"].program_id)))
    assert narrowed["attendance-rate"].value == 76.0


def test_a_clinician_counts_their_caseload_only(cohort, clinician, clinician2, intake):
    got = figures(engagement.build(scope(clinician)))
    # Ann 7/7, Cal 5/5, Dee 3/4 (1 no-show), Eve 1/1: 16 of 17; Ben is clinician2's.
    assert (got["attendance-rate"].value, got["attendance-rate"].patients) == (94.1, 4)
    assert got["no-show-rate"].value == 5.9  # 1/17
    # Weeks: Ann 1/2, Cal 1/1, Dee 1/2: 3 of 5.
    assert (got["hours-met"].value, got["hours-met"].patients) == (60.0, 3)
    assert set(drilled(clinician2, "attendance-rate")) == {"Ben", "Zed"}
    # An intake coordinator has no reports.
    assert figures(engagement.build(scope(intake)))["attendance-rate"].value is None


def drill_keys(section):
    """Every drill key of the section with the count it promises."""
    keys = [(f.drill_key, f.patients) for f in section.figures]
    for table in section.tables:
        patients = table.columns.index("Patients")
        for row in table.rows:
            keys += [(cell.drill, row[patients].value) for cell in row if cell.drill]
    return keys


def test_every_figure_and_cell_drills_to_as_many_patients(cohort, supervisor, director):
    for user in (supervisor, director):
        section = engagement.build(scope(user))
        for key, patients in drill_keys(section):
            assert len(engagement.drill(scope(user), key).rows) == patients, key
        for series in section.charts[0].series:
            for key in filter(None, series.drill):
                assert engagement.drill(scope(user), key).rows, key


@pytest.mark.parametrize(
    "key",
    [
        "",
        None,
        "attendance",
        "attendance-rate:group",
        "attendance-rate:group:x",
        "attendance-rate:group:999999",
        "attendance-rate:group:99999999999999999999999999",
        "attendance-rate:group:none:1",
        "attendance-rate:group:١",
        "attendance-rate:weekday:8",
        "no-show-rate:weekday:0",
        "attendance-rate:month:1",
        "hours-met:level:OP",
        "hours-met:level",
        "hours-met:x:y:z",
    ],
)
def test_unknown_or_malformed_keys_have_no_drill_down(cohort, supervisor, key):
    assert engagement.drill(scope(supervisor), key) is None


# Queries: build: the marks' totals, by group, by weekday; the hours' episodes, and the
# ledger's minutes, step-downs and level changes (one round trip on PostgreSQL,
# `iop.together`). A drill-down: one, a group's two (its name), the hours' four (two).
LEDGER = 1 if connection.vendor == "postgresql" else 3
BUDGETS = {
    "attendance-rate": 1,
    "no-show-rate:weekday:3": 1,
    "attendance-rate:group:none": 1,
    "hours-met": 1 + LEDGER,
    "hours-met:level:IOP": 1 + LEDGER,
}


@pytest.mark.parametrize("count", [3, 30])
def test_query_budgets_are_the_same_at_3_and_30_patients(
    time_machine, program, clinician, django_assert_num_queries, count
):
    time_machine.move_to(NOW, tick=False)
    episodes = build_scaled(program, clinician, count)
    report = scope(clinician)
    clinician.roles  # noqa: B018 - read once per request, by the page before any section
    # The marks' three groupings are one query on PostgreSQL (GROUPING SETS), three elsewhere;
    # the ledger's three reads one round trip there.
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 7):
        section = engagement.build(report)
    assert figures(section)["attendance-rate"].patients == count
    assert figures(section)["hours-met"].patients == count
    for key, budget in BUDGETS.items():
        with django_assert_num_queries(budget):
            down = engagement.drill(report, key)
        assert len(down.rows) == count
    group = section.tables[0].rows[0][2].drill
    with django_assert_num_queries(2):
        assert len(engagement.drill(report, group).rows) == count
    assert episodes


def test_the_demo_shows_every_figure_and_each_drills_to_its_count(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    director = User.objects.get(username="director")
    report = default_scope(director)
    section = engagement.build(report)
    for figure in section.figures:
        assert figure.value is not None, figure.key
        assert figure.patients, figure.key
    for key, patients in drill_keys(section):
        assert len(engagement.drill(report, key).rows) == patients, key
    # The demo's groups and its individual sessions each have a row.
    assert len(section.tables[0].rows) > 1
