"""The outcomes section: caseness at intake, reliable change, recovery and mean change of PHQ-9,
GAD-7 and PCL-5 over the episodes in care during the range, by discharge reason, each figure
drilling to its patients. The range is September 2026; episodes are admitted 1 August."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.scope import ReportScope, default_scope
from reports.sections import outcomes
from tests.factories import ProgramFactory
from tests.reports.outcomes_cohort import END, START, admitted, scores

D = date


def figures_of(section):
    return {f.key: f for f in section.figures}


def drilled(scope, key):
    return [row.name for row in outcomes.drill(scope, key).rows]


@pytest.fixture
def phq9_cohort(make_episode, clinician):
    """Episodes in program A (the `supervisor`'s), with PHQ-9 scores. By name:"""
    add = {}

    def make(last, **kwargs):
        add[last] = admitted(make_episode, clinician, last_name=last, **kwargs)
        return add[last]

    # Ann: 10 -> 4. At caseness (10 is 10+); down 6: reliable; 4 < 10: recovered. Discharged
    # after the range: "not discharged by the end of the range".
    scores(
        make("Ann", discharged=D(2026, 10, 10), reason="completed"),
        "PHQ9",
        (10, D(2026, 8, 1)),
        (4, D(2026, 9, 20)),
    )
    # Ben: 9 -> 4. Not at caseness (9); down 5: not reliable. His 20 a week before admission
    # is outside the episode.
    scores(make("Ben"), "PHQ9", (20, D(2026, 7, 25)), (9, D(2026, 8, 2)), (4, D(2026, 9, 10)))
    # Cal: 16 -> 10, discharged against advice on the range's first day (counted). Down 6:
    # reliable; 10 is still caseness: not recovered.
    scores(
        make("Cal", discharged=START, reason="against_advice"),
        "PHQ9",
        (16, D(2026, 8, 1)),
        (10, D(2026, 8, 30)),
    )
    # Dee: 15 -> 9, completed on 25 Sep; her 3 after discharge is not this episode's.
    # Down 6: reliable; 9 < 10: recovered.
    scores(
        make("Dee", discharged=D(2026, 9, 25), reason="completed"),
        "PHQ9",
        (15, D(2026, 8, 1)),
        (9, D(2026, 9, 24)),
        (3, D(2026, 9, 27)),
    )
    # Eve: one score (12): caseness counted, too few to judge change.
    scores(make("Eve"), "PHQ9", (12, D(2026, 8, 3)))
    # Fay: 11, then 5 in October, after the range: one score by the range's end, too few.
    scores(make("Fay"), "PHQ9", (11, D(2026, 8, 3)), (5, D(2026, 10, 2)))
    # Gus: 8 -> 14: not at caseness; up 6: reliable deterioration.
    scores(make("Gus"), "PHQ9", (8, D(2026, 8, 1)), (14, D(2026, 9, 15)))
    # Hal: no PHQ-9: too few, no intake score.
    make("Hal")
    # Not in care during the range: Ivy discharged the day before it, Jon admitted after it.
    scores(
        make("Ivy", discharged=D(2026, 8, 31), reason="completed"),
        "PHQ9",
        (20, D(2026, 8, 1)),
        (5, D(2026, 8, 30)),
    )
    scores(make("Jon", on=D(2026, 10, 1)), "PHQ9", (20, D(2026, 10, 1)), (5, D(2026, 10, 2)))
    return add


def scope_of(user, **kwargs):
    return ReportScope(user=user, start=START, end=END, **kwargs)


def test_phq9_figures_worked_at_the_boundaries(phq9_cohort, supervisor):
    got = figures_of(outcomes.build(scope_of(supervisor)))
    # In care: Ann, Ben, Cal, Dee, Eve, Fay, Gus, Hal (8). With an intake score: all but Hal
    # (7); at caseness: Ann 10, Cal 16, Dee 15, Eve 12, Fay 11 = 5 -> 5/7 = 71.4 %.
    assert (got["phq9-caseness"].value, got["phq9-caseness"].patients) == (71.4, 5)
    # Two or more scores: Ann, Ben, Cal, Dee, Gus (5). Down 6+: Ann, Cal, Dee (Ben's 5 is not)
    # -> 3/5 = 60 %.
    assert (got["phq9-improved"].value, got["phq9-improved"].patients) == (60.0, 3)
    # At caseness with two scores: Ann, Cal, Dee; below 10 at the latest: Ann 4, Dee 9 (Cal's
    # 10 is not) -> 2/3 = 66.7 %.
    assert (got["phq9-recovered"].value, got["phq9-recovered"].patients) == (66.7, 2)
    # Up 6+: Gus -> 1/5 = 20 %.
    assert (got["phq9-deteriorated"].value, got["phq9-deteriorated"].patients) == (20.0, 1)
    # Changes: Ann -6, Ben -5, Cal -6, Dee -6, Gus +6 = -17 over 5 -> -3.4.
    assert (got["phq9-change"].value, got["phq9-change"].patients) == (-3.4, 5)
    # Fewer than two: Eve (one), Fay (one by the range's end), Hal (none) = 3.
    assert (got["phq9-too-few"].value, got["phq9-too-few"].patients) == (3, 3)


def test_the_drills_list_the_patients_with_their_first_and_latest_scores(phq9_cohort, supervisor):
    scope = scope_of(supervisor)
    assert drilled(scope, "phq9-improved") == ["Pat1 Ann", "Pat3 Cal", "Pat4 Dee"]
    assert drilled(scope, "phq9-recovered") == ["Pat1 Ann", "Pat4 Dee"]
    assert drilled(scope, "phq9-too-few") == ["Pat5 Eve", "Pat6 Fay", "Pat8 Hal"]
    dee = outcomes.drill(scope, "phq9-recovered").rows[1]
    # Intake 15 on 1 Aug, latest 9 on 24 Sep (not the 3 after her discharge), change -6.
    values = [cell.value for cell in dee.cells]
    assert values == [15, D(2026, 8, 1), 9, D(2026, 9, 24), -6, "Completed the program"]
    assert [dee.cells[i].value for i in dee.dates] == [D(2026, 8, 1), D(2026, 9, 24)]
    # Fay's October score is not known to a September report.
    fay = outcomes.drill(scope, "phq9-too-few").rows[1]
    assert [cell.value for cell in fay.cells[:4]] == [11, D(2026, 8, 3), None, None]


def test_outcomes_by_discharge_reason(phq9_cohort, supervisor):
    section = outcomes.build(scope_of(supervisor))
    table = next(t for t in section.tables if t.key == "by-reason-phq9")
    rows = {row[0].value: [cell.value for cell in row[1:]] for row in table.rows}
    # Patients, two or more scores, improvement %, recovery %, deterioration %, mean change.
    # Completed in the range: Dee (15 -> 9).
    assert rows["Completed the program"] == [1, 1, 100.0, 100.0, 0.0, -6.0]
    # Against advice: Cal (16 -> 10): improved, not recovered.
    assert rows["Left against advice"] == [1, 1, 100.0, 0.0, 0.0, -6.0]
    # Not discharged by 30 Sep: Ann, Ben, Eve, Fay, Gus, Hal; judged Ann -6, Ben -5, Gus +6:
    # improved 1/3, recovered Ann 1/1, deteriorated Gus 1/3, mean -5/3.
    assert rows["Not discharged by the end of the range"] == [6, 3, 33.3, 100.0, 33.3, -1.7]
    # No one stepped down: nothing to judge, not 0.
    assert rows["Stepped down to a lower level of care"] == [0, 0, None, None, None, None]
    against = table.rows[list(rows).index("Left against advice")]
    assert drilled(scope_of(supervisor), against[3].drill) == ["Pat3 Cal"]


def test_gad7_caseness_at_8_and_reliable_change_at_4(make_episode, clinician):
    for last, first, latest in [("Ora", 8, 4), ("Pia", 7, 3), ("Quin", 12, 9)]:
        episode = admitted(make_episode, clinician, last_name=last)
        scores(episode, "GAD7", (first, D(2026, 8, 1)), (latest, D(2026, 9, 1)))
    got = figures_of(outcomes.build(scope_of(clinician)))
    # Caseness: Ora 8, Quin 12 (Pia's 7 is not) -> 2/3 = 66.7 %.
    assert got["gad7-caseness"].value == 66.7
    # Down 4+: Ora, Pia (Quin's 3 is not) -> 2/3 = 66.7 %.
    assert got["gad7-improved"].patients == 2 and got["gad7-improved"].value == 66.7
    # Recovered: Ora (4 < 8) of Ora and Quin (9 is still 8+) -> 1/2 = 50 %.
    assert got["gad7-recovered"].value == 50.0
    # (-4 - 4 - 3) / 3 = -3.67.
    assert got["gad7-change"].value == -3.7
    # No PHQ-9 given: nothing to judge (None, not 0), and all three too few.
    assert got["phq9-caseness"].value is None and got["phq9-improved"].value is None
    assert got["phq9-too-few"].value == 3


def test_pcl5_caseness_follows_the_programs_cutoff(make_episode, clinician):
    trauma = ProgramFactory(name="Trauma IOP", track="trauma", pcl5_cutoff=31)
    cohort = [
        # Trauma IOP (cut-off 31): Kim 31 is caseness, 21 below it; Lee 30 is not.
        ("Kim", trauma, 31, 21),
        ("Lee", trauma, 30, 20),
        # The default program (33): Max's 32 is not caseness; Ned's 40 is, 31 is below 33.
        ("Max", None, 32, 31),
        ("Ned", None, 40, 31),
    ]
    for last, program, first, latest in cohort:
        episode = admitted(make_episode, clinician, last_name=last, program_=program)
        scores(episode, "PCL5", (first, D(2026, 8, 1)), (latest, D(2026, 9, 2)))
    got = figures_of(outcomes.build(scope_of(clinician)))
    # Caseness: Kim (31 >= 31), Ned (40 >= 33) -> 2/4 = 50 %; with 33 for all Kim would not be.
    assert got["pcl5-caseness"].value == 50.0
    assert drilled(scope_of(clinician), "pcl5-caseness") == ["Pat1 Kim", "Pat4 Ned"]
    # Down 10+: Kim, Lee (Ned's 9 is not) -> 2/4.
    assert got["pcl5-improved"].value == 50.0
    # Recovered: Kim (21 < 31) and Ned (31 < 33) of the two cases -> 100 %.
    assert got["pcl5-recovered"].value == 100.0
    # (-10 - 10 - 1 - 9) / 4 = -7.5.
    assert got["pcl5-change"].value == -7.5


def test_a_supervisor_of_program_a_never_counts_program_b(
    phq9_cohort, make_episode, supervisor, director, clinician
):
    other = ProgramFactory(name="Substance Use IOP", track="substance_use")
    b = admitted(make_episode, clinician, last_name="Other", program_=other)
    b.care_team.add(supervisor)  # on B's care team, still not in A's report
    scores(b, "PHQ9", (20, D(2026, 8, 1)), (2, D(2026, 9, 1)))
    scope = scope_of(supervisor)
    got = figures_of(outcomes.build(scope))
    assert got["phq9-improved"].patients == 3  # Ann, Cal, Dee as without B
    assert b.pk not in [row.episode_id for row in outcomes.drill(scope, "phq9-improved").rows]
    assert outcomes.build(scope_of(supervisor, program_id=other.pk)).figures[0].patients == 0
    # The director supervises both: B's 20 -> 2 counts there.
    assert figures_of(outcomes.build(scope_of(director)))["phq9-improved"].patients == 4


def test_a_clinician_counts_only_their_caseload(make_episode, clinician, clinician2):
    mine = admitted(make_episode, clinician, last_name="Mine")
    theirs = admitted(make_episode, clinician2, last_name="Theirs")
    for episode in (mine, theirs):
        scores(episode, "PHQ9", (20, D(2026, 8, 1)), (2, D(2026, 9, 1)))
    scope = scope_of(clinician)
    assert figures_of(outcomes.build(scope))["phq9-improved"].patients == 1
    assert drilled(scope, "phq9-improved") == ["Pat1 Mine"]


def test_unknown_or_malformed_keys_drill_to_nothing(supervisor):
    scope = scope_of(supervisor)
    for key in [
        "",
        "phq9",
        "phq9-cured",
        "auditc-improved",
        "phq9-improved:reason:bored",
        "phq9-improved:reason:",
        "PHQ9-improved",
        "phq9-improved:group:3",
    ]:
        assert outcomes.drill(scope, key) is None, key


def every_drill(section):
    """(key, count shown) of every figure and count cell, and every chart point's key."""
    shown = [(f.drill_key, f.patients) for f in section.figures]
    for table in section.tables:
        for row in table.rows:
            # Patients and "two or more scores" are counts; the shares drill to their numerators.
            shown += [(row[1].drill, row[1].value), (row[2].drill, row[2].value)]
    points = [key for chart in section.charts for series in chart.series for key in series.drill]
    return shown, points


def test_every_figure_and_count_drills_to_as_many_patients(phq9_cohort, supervisor):
    scope = scope_of(supervisor)
    section = outcomes.build(scope)
    shown, points = every_drill(section)
    for key, count in shown:
        assert len(outcomes.drill(scope, key).rows) == count, key
    by_key = {f.drill_key: f.patients for f in section.figures}
    for key in points:
        assert len(outcomes.drill(scope, key).rows) == by_key[key], key


def test_the_chart_shows_the_three_shares_per_measure(phq9_cohort, supervisor):
    chart = outcomes.build(scope_of(supervisor)).charts[0]
    assert chart.labels == ["PHQ-9", "GAD-7", "PCL-5"]
    phq9 = {series.label: series.values[0] for series in chart.series}
    assert phq9 == {"At caseness at intake": 71.4, "Reliable improvement": 60.0, "Recovery": 66.7}


def _queries(call):
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def _cohort_of(size, make_episode, clinician):
    for n in range(size):
        episode = admitted(make_episode, clinician)
        scores(episode, "PHQ9", (10 + n % 10, D(2026, 8, 1)), (n % 12, D(2026, 9, 1)))
        scores(episode, "GAD7", (8, D(2026, 8, 1)), (n % 9, D(2026, 9, 1)))
        scores(episode, "PCL5", (40, D(2026, 8, 1)), (20 + n, D(2026, 9, 1)))


def test_build_and_drill_run_as_many_queries_for_3_and_30_patients(
    make_episode, clinician, supervisor
):
    scope = scope_of(supervisor)
    _cohort_of(3, make_episode, clinician)
    outcomes.build(scope)  # the user's roles, read once and cached on the user
    small = (
        _queries(lambda: outcomes.build(scope)),
        _queries(lambda: outcomes.drill(scope, "phq9-judged")),
        _queries(lambda: outcomes.drill(scope, "gad7-improved:reason:open")),
    )
    _cohort_of(27, make_episode, clinician)
    large = (
        _queries(lambda: outcomes.build(scope)),
        _queries(lambda: outcomes.drill(scope, "phq9-judged")),
        _queries(lambda: outcomes.drill(scope, "gad7-improved:reason:open")),
    )
    assert small == large
    assert len(outcomes.drill(scope, "phq9-judged").rows) == 30
    assert max(large) <= 3


def test_the_demo_shows_every_outcome_figure(db, settings):
    from django.contrib.auth import get_user_model

    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    director = get_user_model().objects.get(username="director")
    scope = default_scope(director, today=timezone.localdate())
    section = outcomes.build(scope)
    for figure in section.figures:
        assert figure.value is not None, figure.key
        assert len(outcomes.drill(scope, figure.drill_key).rows) == figure.patients, figure.key
    got = figures_of(section)
    assert got["phq9-improved"].patients > 0 and got["pcl5-recovered"].patients > 0


def test_intake_and_latest_are_the_discharge_summarys_first_and_last(phq9_cohort, supervisor):
    from documents.selectors import measure_changes

    dee = phq9_cohort["Dee"]
    summary = measure_changes(dee, dee.admission_date, dee.discharge_date)
    phq9 = next(m for m in summary if m["measure"] == "PHQ-9")
    row = next(
        r
        for r in outcomes.drill(scope_of(supervisor), "phq9-judged").rows
        if r.episode_id == dee.pk
    )
    # The same window: 15 on admission day, 9 the day before discharge, not the 3 after it.
    assert phq9["first"].startswith("15 ") and phq9["last"].startswith("9 ")
    assert (row.cells[0].value, row.cells[2].value) == (15, 9)
    assert phq9["reliable_change"].startswith("reliable improvement")
