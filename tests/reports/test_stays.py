"""The length-of-stay section on the hand-built cohort of `census_cohort`.

Discharged in the range (5–26 Mar 2025), program A: E2 (IOP, 5 → 26 Mar: 21 days, completed,
discharged on the range's last day), E3 (PHP, 10 → 10 Mar: 0 days, against advice), E6 (IOP,
17 → 23 Mar: 6 days, transferred). Not E4 (discharged 4 Mar, the day before the range).
Program B: E11 (IOP, 1 → 12 Mar: 11 days, higher level of care)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iop.accounts.models import User
from patients.models import Episode
from reports.scope import default_scope
from reports.sections import section, stays
from tests.reports.census_cohort import build_cohort, episode, grow, mar, scope_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(program, sud_program, clinician, clinician2):
    return build_cohort(program, sud_program, clinician, clinician2)


def figures(built):
    return {f.key: f for f in built.figures}


def table(built, key):
    return [[c.value for c in row] for row in next(t for t in built.tables if t.key == key).rows]


def drilled(scope, key):
    return {row.episode_id for row in stays.drill(scope, key).rows}


def test_the_section_is_registered():
    assert section("stays") is stays


def test_count_mean_and_median_length_of_stay(supervisor, cohort):
    scope = scope_for(supervisor)
    found = figures(stays.build(scope))
    # 21, 0, 6: three discharges; mean 27 / 3 = 9.0; sorted 0, 6, 21: median 6.
    assert found["discharged"].value == 3
    assert found["length-of-stay-mean"].value == 9.0
    assert found["length-of-stay-median"].value == 6
    assert drilled(scope, "discharged") == {cohort[n].pk for n in (2, 3, 6)}
    stay = {row.episode_id: row.cells[3].value for row in stays.drill(scope, "discharged").rows}
    assert stay == {cohort[2].pk: 21, cohort[3].pk: 0, cohort[6].pk: 6}


def test_by_program_and_level_of_care(supervisor, cohort):
    built = stays.build(scope_for(supervisor))
    # IOP: E2 21 and E6 6 → mean and median 13.5. PHP: E3 0.
    assert table(built, "length-of-stay-by-program") == [
        ["Adult Mental Health IOP", "IOP", 2, 13.5, 13.5],
        ["Adult Mental Health IOP", "PHP", 1, 0, 0],
        ["All programs", "All levels", 3, 9.0, 6],
    ]
    key = next(t for t in built.tables if t.key == "length-of-stay-by-program").rows[0][2].drill
    assert drilled(scope_for(supervisor), key) == {cohort[2].pk, cohort[6].pk}


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(
    program, supervisor, clinician, cohort
):
    # A fourth discharge on 24 Mar after 2 days: 0, 2, 6, 21 → median (2 + 6) / 2 = 4; mean
    # 29 / 4 = 7.25, shown 7.2 (rounded to one decimal).
    episode(program, clinician, "discharged", "OP", mar(20), mar(22), mar(24), discharge_reason="")
    found = figures(stays.build(scope_for(supervisor)))
    assert found["length-of-stay-median"].value == 4
    assert found["length-of-stay-mean"].value == 7.2


def test_discharge_reasons_every_one_with_its_share(supervisor, cohort):
    scope = scope_for(supervisor)
    built = stays.build(scope)
    assert table(built, "discharge-reasons") == [
        ["Completed the program", 1, 33.3],
        ["Stepped down to a lower level of care", 0, 0.0],
        ["Transferred", 1, 33.3],
        ["Higher level of care", 0, 0.0],
        ["Left against advice", 1, 33.3],
    ]
    chart = built.charts[0]
    assert chart.kind == "bar"
    assert chart.labels == [label for _, label in Episode.DischargeReason.choices]
    assert chart.series[0].values == [1, 0, 1, 0, 1]
    assert drilled(scope, chart.series[0].drill[4]) == {cohort[3].pk}
    assert drilled(scope, "discharged:reason:stepped_down") == set()


def test_a_discharge_without_a_reason_has_its_own_row(program, supervisor, clinician, cohort):
    ep = episode(program, clinician, "discharged", "OP", mar(20), mar(22), mar(24))
    built = stays.build(scope_for(supervisor))
    assert table(built, "discharge-reasons")[-1] == ["Not recorded", 1, 25.0]
    assert drilled(scope_for(supervisor), "discharged:reason:none") == {ep.pk}


def test_a_supervisor_never_counts_another_program(supervisor, director, cohort):
    mine = stays.build(scope_for(supervisor))
    everyone = stays.build(scope_for(director))
    assert figures(mine)["discharged"].value == 3
    # The director adds E11 (11 days): 0, 6, 11, 21 → median 8.5; mean 38 / 4 = 9.5.
    assert figures(everyone)["discharged"].value == 4
    assert figures(everyone)["length-of-stay-median"].value == 8.5
    assert figures(everyone)["length-of-stay-mean"].value == 9.5
    assert table(mine, "discharge-reasons")[3] == ["Higher level of care", 0, 0.0]
    assert cohort[11].pk not in drilled(scope_for(supervisor), "discharged")
    assert drilled(scope_for(supervisor), "discharged:reason:higher_level") == set()
    assert drilled(scope_for(director), "discharged:reason:higher_level") == {cohort[11].pk}


def test_a_clinician_counts_their_caseload_only(clinician, cohort):
    found = figures(stays.build(scope_for(clinician)))
    # Casey's discharged episode in the range is E2 alone (21 days).
    assert found["discharged"].value == 1
    assert found["length-of-stay-median"].value == 21
    assert drilled(scope_for(clinician), "discharged") == {cohort[2].pk}


def test_every_figure_and_cell_drills_to_as_many_patients(supervisor, cohort):
    scope = scope_for(supervisor)
    built = stays.build(scope)
    for figure in built.figures:
        assert figure.patients == len(stays.drill(scope, figure.drill_key).rows), figure.key
    by_program, reasons = built.tables
    for row in by_program.rows:
        assert len(stays.drill(scope, row[2].drill).rows) == row[2].value
    for row in reasons.rows:
        assert len(stays.drill(scope, row[1].drill).rows) == row[1].value
    for value, key in zip(built.charts[0].series[0].values, built.charts[0].series[0].drill):
        assert len(stays.drill(scope, key).rows) == value


def test_nothing_discharged_shows_no_judgement(supervisor):
    found = figures(stays.build(scope_for(supervisor)))
    assert found["discharged"].value == 0
    assert found["length-of-stay-mean"].value is None
    assert found["length-of-stay-median"].value is None
    assert table(stays.build(scope_for(supervisor)), "discharge-reasons")[0][2] is None


@pytest.mark.parametrize(
    "key",
    ["", "active", "discharged:", "discharged:reason:bored", "discharged:program:x", "x:y"],
)
def test_an_unknown_or_malformed_key_has_no_drill_down(supervisor, key):
    assert stays.drill(scope_for(supervisor), key) is None


def _queries(user, call):
    fresh = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        call(scope_for(fresh))
    return len(queries)


def test_queries_do_not_grow_with_the_patients(
    supervisor, program, clinician, django_assert_num_queries
):
    calls = [stays.build, lambda scope: stays.drill(scope, "discharged:level:PHP")]
    grow(program, clinician, 3)
    small = [_queries(supervisor, call) for call in calls]
    grow(program, clinician, 27)
    for call, budget in zip(calls, small, strict=True):
        fresh = User.objects.get(pk=supervisor.pk)
        with django_assert_num_queries(budget):
            call(scope_for(fresh))
    assert (
        figures(stays.build(scope_for(supervisor)))["discharged"].value == 8
    )  # one in four of 3 + 27: 1 + 7


def test_the_demo_fills_every_figure(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    scope = default_scope(User.objects.get(username="supervisor"))
    built = stays.build(scope)
    for figure in built.figures:
        assert figure.value is not None, figure.key
        assert figure.patients == len(stays.drill(scope, figure.drill_key).rows)
    assert figures(built)["discharged"].value >= 1


def test_a_user_without_reports_counts_no_one(intake, cohort):
    # Intake coordinators have no reports: their scope holds no episode.
    found = figures(stays.build(scope_for(intake)))
    assert (found["discharged"].value, found["length-of-stay-median"].value) == (0, None)
    assert stays.drill(scope_for(intake), "discharged").rows == []
