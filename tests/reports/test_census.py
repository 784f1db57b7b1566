"""The census section on the hand-built cohort of `census_cohort` (its table of episodes is the
worked example every expected number below is read from)."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iop.accounts.models import User
from reports.scope import MAX_DAYS, ReportScope, default_scope
from reports.sections import census, section
from reports.sections.episode_stats import week_label, weeks
from tests.reports.census_cohort import END, build_cohort, grow, scope_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(program, sud_program, clinician, clinician2):
    return build_cohort(program, sud_program, clinician, clinician2)


def figures(built):
    return {f.key: f for f in built.figures}


def drilled(scope, key):
    return {row.episode_id for row in census.drill(scope, key).rows}


def ids(cohort, *numbers):
    return {cohort[n].pk for n in numbers}


def test_the_section_is_registered():
    assert section("census") is census
    assert census.TITLE == "Census"


def test_active_on_the_last_day_by_program_and_level(supervisor, cohort):
    scope = scope_for(supervisor)
    built = census.build(scope)
    # Active on 26 Mar: E1 (OP, admitted 1 Feb), E5 (PHP, admitted 16 Mar) and E2 (IOP,
    # discharged on 26 Mar: the discharge day counts). Not E6 (discharged 23 Mar), E9 (admitted
    # 27 Mar), E11 (program B).
    assert figures(built)["active"].value == 3
    assert drilled(scope, "active") == ids(cohort, 1, 2, 5)
    table = next(t for t in built.tables if t.key == "active-by-program")
    assert table.columns == ["Program", "PHP", "IOP", "OP", "Total"]
    program_row, total_row = table.rows
    assert [c.value for c in program_row] == ["Adult Mental Health IOP", 1, 1, 1, 3]
    assert [c.value for c in total_row] == ["All programs", 1, 1, 1, 3]
    assert drilled(scope, program_row[1].drill) == ids(cohort, 5)  # PHP
    assert drilled(scope, program_row[2].drill) == ids(cohort, 2)  # IOP
    assert drilled(scope, total_row[3].drill) == ids(cohort, 1)  # OP


def test_active_at_the_end_of_each_week(supervisor, cohort):
    scope = scope_for(supervisor)
    chart = next(c for c in census.build(scope).charts if c.key == "active-over-time")
    assert chart.kind == "line"
    assert chart.labels == ["9 Mar", "16 Mar", "23 Mar", "26 Mar"]
    series = {s.label: s for s in chart.series}
    # 9 Mar: E1 (OP), E2 (IOP). 16 Mar: + E5 (PHP, admitted that Sunday); E3 was active on
    # 10 Mar only. 23 Mar: + E6 (IOP, discharged that day). 26 Mar: E6 gone.
    assert series["All levels"].values == [2, 3, 4, 3]
    assert series["PHP"].values == [0, 1, 1, 1]
    assert series["IOP"].values == [1, 1, 2, 1]
    assert series["OP"].values == [1, 1, 1, 1]
    assert drilled(scope, series["IOP"].drill[2]) == ids(cohort, 2, 6)
    assert drilled(scope, series["All levels"].drill[1]) == ids(cohort, 1, 2, 5)
    # A day outside the range is not the scope's: no drill-down.
    assert census.drill(scope, "active:on:2025-03-27") is None
    assert census.drill(scope, "active:on:2025-03-04") is None


def test_admissions_discharges_and_transfers_by_week(supervisor, cohort):
    scope = scope_for(supervisor)
    built = census.build(scope)
    table = next(t for t in built.tables if t.key == "movement-by-week")
    assert [[c.value for c in row] for row in table.rows] == [
        # Admissions: E2 on 5 Mar (the first day); E3 on 10 Mar, E5 on Sunday 16 Mar; E6 on
        # Monday 17 Mar; E9 on 27 Mar is after the range.
        # Discharges: E3 on 10 Mar; E6 on 23 Mar; E2 on 26 Mar (the last day); not E4 (4 Mar).
        # Transfers: E1's move IOP → OP on 18 Mar (E4's on 1 Feb is before the range, E11's is
        # program B's).
        ["5–9 Mar", 1, 0, 0],
        ["10–16 Mar", 2, 1, 0],
        ["17–23 Mar", 1, 1, 1],
        ["24–26 Mar", 0, 1, 0],
    ]
    found = figures(built)
    assert (found["admitted"].value, found["discharged"].value) == (4, 3)
    assert found["transferred"].value == 1
    assert drilled(scope, table.rows[1][1].drill) == ids(cohort, 3, 5)
    assert drilled(scope, table.rows[3][2].drill) == ids(cohort, 2)
    assert drilled(scope, "transferred") == ids(cohort, 1)
    row = census.drill(scope, table.rows[2][3].drill).rows[0]
    assert [c.value for c in row.cells][1:] == [
        cohort[1].level_changes.get().effective_date,
        "IOP",
        "OP",
    ]
    chart = next(c for c in built.charts if c.key == "movement-by-week")
    assert chart.kind == "stacked"
    assert [s.values for s in chart.series] == [[1, 2, 1, 0], [0, 1, 1, 1], [0, 0, 1, 0]]
    # A week key must be the first day of one of the range's weeks.
    assert census.drill(scope, "admitted:week:2025-03-11") is None


def test_waiting_list_and_days_to_admission(supervisor, cohort):
    scope = scope_for(supervisor)
    found = figures(census.build(scope))
    # Waiting on 26 Mar: E7 (referred 20 Mar, 6 days), E8 (in intake, referred that day, 0),
    # E9 (referred 20 Mar, admitted the next day: 6). E10 was declined.
    assert found["waiting"].value == 3
    waiting = census.drill(scope, "waiting")
    days = {row.episode_id: row.cells[1].value for row in waiting.rows}
    assert days == {cohort[7].pk: 6, cohort[8].pk: 0, cohort[9].pk: 6}
    # Admitted in the range: E2 25 Feb → 5 Mar = 8 days, E3 0, E5 1 → 16 Mar = 15, E6 14 → 17
    # Mar = 3. Sorted 0, 3, 8, 15: median (3 + 8) / 2 = 5.5; mean 26 / 4 = 6.5.
    assert found["days-to-admission-median"].value == 5.5
    assert found["days-to-admission-mean"].value == 6.5
    admitted = census.drill(scope, "admitted")
    assert sorted(row.cells[3].value for row in admitted.rows) == [0, 3, 8, 15]


def test_the_median_of_an_odd_count_is_the_middle_one(supervisor, cohort):
    # Only the program's PHP episodes (level filter): E3 (0 days) and E5 (15): median 7.5;
    # with E6's level set to PHP too: 0, 3, 15: median 3.
    assert (
        figures(census.build(scope_for(supervisor, level_of_care="PHP")))[
            "days-to-admission-median"
        ].value
        == 7.5
    )
    cohort[6].level_of_care = "PHP"
    cohort[6].save()
    assert (
        figures(census.build(scope_for(supervisor, level_of_care="PHP")))[
            "days-to-admission-median"
        ].value
        == 3
    )


def test_a_supervisor_never_counts_another_program(supervisor, director, cohort):
    # The director also counts program B's E11: admitted 1 Mar, moved PHP → IOP on 6 Mar,
    # discharged 12 Mar.
    mine, everyone = (
        figures(census.build(scope_for(supervisor))),
        figures(census.build(scope_for(director))),
    )
    assert (mine["discharged"].value, everyone["discharged"].value) == (3, 4)
    assert (mine["transferred"].value, everyone["transferred"].value) == (1, 2)
    assert cohort[11].pk not in drilled(scope_for(supervisor), "discharged")
    assert cohort[11].pk not in drilled(scope_for(supervisor), "transferred")
    assert cohort[11].pk not in drilled(scope_for(supervisor), "active:on:2025-03-09")
    assert cohort[11].pk in drilled(scope_for(director), "active:on:2025-03-09")


def test_a_clinician_counts_their_caseload_only(clinician, cohort):
    scope = scope_for(clinician)
    found = figures(census.build(scope))
    # Casey is the primary clinician of E1 and E2 only.
    assert found["active"].value == 2
    assert (found["admitted"].value, found["discharged"].value) == (1, 1)
    assert found["transferred"].value == 1
    assert found["waiting"].value == 0
    assert found["days-to-admission-median"].value == 8  # E2 alone
    assert drilled(scope, "active") == ids(cohort, 1, 2)


def test_every_figure_and_cell_drills_to_as_many_patients(supervisor, cohort):
    scope = scope_for(supervisor)
    built = census.build(scope)
    for figure in built.figures:
        assert figure.patients == len(census.drill(scope, figure.drill_key).rows), figure.key
    for table in built.tables:
        for row in table.rows:
            for cell in row:
                if cell.drill and isinstance(cell.value, int):
                    assert len(census.drill(scope, cell.drill).rows) == cell.value, cell.drill
    for chart in built.charts:
        for series in chart.series:
            for value, key in zip(series.values, series.drill, strict=True):
                assert len(census.drill(scope, key).rows) == value, key


@pytest.mark.parametrize(
    "key",
    [
        "",
        "nothing",
        "active:",
        "active:level",
        "active:level:XX",
        "active:program:abc",
        "active:on:2025-02-30",
        "active:level:IOP:level:OP",
        "waiting:program:1",
        "admitted:week:2025-03-10:extra",
        "stays",
    ],
)
def test_an_unknown_or_malformed_key_has_no_drill_down(supervisor, key):
    assert census.drill(scope_for(supervisor), key) is None


def test_no_one_in_scope_shows_no_judgement(supervisor):
    found = figures(census.build(scope_for(supervisor)))
    assert found["active"].value == 0
    assert found["days-to-admission-median"].value is None
    assert found["days-to-admission-mean"].value is None


def _queries(user, call):
    fresh = User.objects.get(pk=user.pk)  # nothing cached on the user between the two sizes
    with CaptureQueriesContext(connection) as queries:
        call(scope_for(fresh))
    return len(queries)


def test_queries_do_not_grow_with_the_patients(
    supervisor, program, clinician, django_assert_num_queries
):
    calls = [census.build] + [
        (lambda scope, key=key: census.drill(scope, key))
        for key in ("active", "active:on:2025-03-16:level:IOP", "transferred", "waiting")
    ]
    grow(program, clinician, 3)
    small = [_queries(supervisor, call) for call in calls]
    grow(program, clinician, 27)
    for call, budget in zip(calls, small, strict=True):
        fresh = User.objects.get(pk=supervisor.pk)
        with django_assert_num_queries(budget):
            call(scope_for(fresh))
    assert (
        figures(census.build(scope_for(supervisor)))["transferred"].value == 8
    )  # one in four of 3 + 27: 1 + 7


def test_the_demo_fills_every_figure(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    # Casey's caseload has no referral waiting (referrals have no clinician yet) and the demo
    # records no level-of-care change: those two may be 0; the supervisor's others may not.
    for username, zero in (
        ("supervisor", {"transferred"}),
        ("clinician", {"transferred", "waiting"}),
    ):
        scope = default_scope(User.objects.get(username=username))
        built = census.build(scope)
        for figure in built.figures:
            assert figure.value is not None, (username, figure.key)
            assert figure.value or figure.key in zero, (username, figure.key)
            assert figure.patients == len(census.drill(scope, figure.drill_key).rows)


def test_weeks_run_monday_to_sunday_cut_to_the_range():
    spans = weeks(date(2025, 3, 29), date(2025, 4, 8))  # a Saturday to a Tuesday
    assert spans == [
        (date(2025, 3, 29), date(2025, 3, 30)),
        (date(2025, 3, 31), date(2025, 4, 6)),
        (date(2025, 4, 7), date(2025, 4, 8)),
    ]
    assert [week_label(*span) for span in spans] == ["29–30 Mar", "31 Mar–6 Apr", "7–8 Apr"]


def test_the_longest_range_builds_in_the_same_queries(supervisor, cohort):
    # Three years: 157 or 158 weeks, each a column of the same few queries.
    short = _queries(supervisor, census.build)
    fresh = User.objects.get(pk=supervisor.pk)
    scope = ReportScope(user=fresh, start=END - timedelta(days=MAX_DAYS - 1), end=END)
    with CaptureQueriesContext(connection) as queries:
        built = census.build(scope)
    assert len(queries) == short
    chart = next(c for c in built.charts if c.key == "active-over-time")
    assert len(chart.labels) >= 157
    assert chart.series[-1].values[-1] == 3
    assert figures(built)["discharged"].value == 4  # E4 (4 Mar 2025), E3, E6, E2


def test_a_user_without_reports_counts_no_one(intake, cohort):
    # Intake coordinators have no reports: their scope holds no episode.
    found = figures(census.build(scope_for(intake)))
    assert (found["active"].value, found["waiting"].value, found["transferred"].value) == (0, 0, 0)
    assert census.drill(scope_for(intake), "waiting").rows == []
