"""The documentation and compliance section: worked figures at their boundaries, who counts
whom, the drill-downs' sizes and the query budget."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iop.accounts.roles import Role
from reports.sections import compliance
from tests.factories import ProgramFactory, UserFactory
from tests.reports.compliance_cohort import (
    NOW,
    TODAY,
    assessment,
    at,
    cssrs,
    episode,
    everything,
    group_session,
    individual,
    note,
    plan,
    review,
    risk_alert,
    safety_plan,
    scope_of,
    screen_alert,
)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def trainee(db):
    return UserFactory(username="trainee", role=Role.CLINICIAN, is_trainee=True)


def figures(scope):
    return {f.key: f for f in compliance.build(scope).figures}


def drilled(scope, key):
    return compliance.drill(scope, key).rows


def assert_drills_match(scope):
    """Every figure, and every table cell, lists as many patients as it says."""
    section = compliance.build(scope)
    for figure in section.figures:
        assert figure.drill_key, figure.key
        rows = compliance.drill(scope, figure.drill_key).rows
        assert figure.patients == len(rows), figure.key
        assert len({r.episode_id for r in rows}) == len(rows), figure.key
    for table in section.tables:
        for row in table.rows:
            for cell in row[1:]:
                assert compliance.drill(scope, cell.drill) is not None, cell.drill
    return section


def test_notes_signed_at_24h_are_on_time_and_a_minute_later_are_late(
    program, clinician, clinician2, supervisor
):
    one = episode(program, clinician, last_name="One")
    two = episode(program, clinician, last_name="Two")
    three = episode(program, clinician2, last_name="Three")
    four = episode(program, clinician, last_name="Four")
    # S1: 9 Nov 10:00-10:50, signed 10 Nov 10:50: exactly 24 h after its end, on time.
    note(individual(one, at(9), clinician=clinician), clinician, signed_at=at(10, 10, 50))
    # S2: same hours, signed 10 Nov 10:51: 24 h + 1 min, late.
    note(individual(two, at(9), clinician=clinician), clinician, signed_at=at(10, 10, 51))
    # S3: a group on 11 Nov (One and Three present, Four absent), its note still a draft: late.
    s3 = group_session(program, at(11, 9), [one, three], clinician=clinician, absent=[four])
    note(s3, clinician)
    # S4: today 09:00-09:50, no note yet, 2 h 10 min after its end: not judged yet, unsigned.
    individual(four, at(20, 9), clinician=clinician)
    # Not counted: nobody attended; cancelled; before the range.
    individual(four, at(12), clinician=clinician, present=False)
    individual(two, at(13), clinician=clinician, status="cancelled")
    individual(one, at(date(2026, 10, 30)), clinician=clinician)

    found = figures(scope_of(supervisor))
    # Judged: S1, S2, S3 = 3 sessions; on time: S1 = 1; 1 / 3 = 33.3 %.
    assert found["notes-24h"].value == 33.3
    # Their patients: One (S1, S3), Two (S2), Three (S3) = 3.
    assert found["notes-24h"].patients == 3
    # Still unsigned: S3 and S4 = 2 sessions, of One, Three (S3) and Four (S4).
    assert found["notes-unsigned"].value == 2
    assert found["notes-unsigned"].patients == 3

    rows = {r.name: [c.value for c in r.cells] for r in drilled(scope_of(supervisor), "notes-24h")}
    # Last session, sessions, within 24 h, later, unsigned, longest delay (h).
    assert rows["Pat One"] == [date(2026, 11, 11), 2, 1, 0, 1, 24.0]
    assert rows["Pat Two"] == [date(2026, 11, 9), 1, 0, 1, 0, 24.0]
    assert rows["Pat Three"] == [date(2026, 11, 11), 1, 0, 0, 1, None]
    unsigned = {
        r.name: [c.value for c in r.cells] for r in drilled(scope_of(supervisor), "notes-unsigned")
    }
    # Four's session ended at 09:50 today: 2 h 10 min ago = 2.2 h.
    assert unsigned["Pat Four"] == [TODAY, 1, 2.2]
    # S3 ended 11 Nov 12:00: 9 days = 216 h ago.
    assert unsigned["Pat One"] == [date(2026, 11, 11), 1, 216.0]

    # By primary clinician: the group session counts under both clinicians of its patients.
    table = compliance.build(scope_of(supervisor)).tables[0]
    by_name = {row[0].value: row for row in table.rows}
    assert by_name[clinician.display_name][1].value == 33.3  # S1 of S1, S2, S3
    assert by_name[clinician2.display_name][1].value == 0.0  # S3 only
    assert by_name[clinician2.display_name][2].value == 1
    assert_drills_match(scope_of(supervisor))


def test_cosignatures_waiting_on_the_last_day(program, clinician, trainee, supervisor):
    one = episode(program, clinician, last_name="One")
    two = episode(program, clinician, last_name="Two")
    # Signed 16 Nov 12:00 by the trainee, not co-signed: waiting 96 h at noon on 20 Nov.
    note(individual(one, at(16), clinician=trainee), trainee, signed_at=at(16, 12))
    # Co-signed on 18 Nov: not waiting now, but waiting at the end of 17 Nov.
    note(
        individual(two, at(17), clinician=trainee),
        trainee,
        signed_at=at(17, 12),
        cosigned_at=at(18, 9),
        cosigner=supervisor,
    )
    # A licensed clinician's note needs no co-signature.
    note(individual(two, at(18), clinician=clinician), clinician, signed_at=at(18, 12))

    now = figures(scope_of(supervisor))
    assert now["cosign-waiting"].value == 1
    assert now["cosign-waiting"].patients == 1
    assert now["cosign-oldest"].value == 96.0
    rows = drilled(scope_of(supervisor), "cosign-waiting")
    assert [(r.name, [c.value for c in r.cells]) for r in rows] == [
        ("Pat One", [date(2026, 11, 16), date(2026, 11, 16), 1, 96.0])
    ]
    # On 17 Nov (to midnight): both waited; One since 16 Nov 12:00 = 36 h.
    then = figures(scope_of(supervisor, end=date(2026, 11, 17)))
    assert then["cosign-waiting"].value == 2
    assert then["cosign-oldest"].value == 36.0
    assert_drills_match(scope_of(supervisor))


def test_a_review_completed_on_its_due_date_is_on_time_the_day_after_late(
    program, clinician, supervisor
):
    on_day = plan(episode(program, clinician, last_name="OnDay"), activated_at=at(1))
    # Due 10 Nov, completed 10 Nov 23:30 New York (11 Nov in UTC): on time.
    review(on_day, date(2026, 11, 10), completed_at=at(10, 23, 30))
    day_after = plan(episode(program, clinician, last_name="After"), activated_at=at(1))
    # Due 10 Nov, completed 11 Nov 09:00: late by 1 day.
    review(day_after, date(2026, 11, 10), completed_at=at(11, 9))
    overdue = plan(episode(program, clinician, last_name="Overdue"), activated_at=at(1))
    # Due 12 Nov, still open: late by 8 days.
    review(overdue, date(2026, 11, 12))
    today = plan(episode(program, clinician, last_name="Today"), activated_at=at(1))
    # Due today, still open: not judged yet.
    review(today, TODAY)
    # No review was ever opened for the review due 15 Nov: late by 5 days.
    plan(
        episode(program, clinician, last_name="Never"),
        activated_at=at(1),
        next_review_due=date(2026, 11, 15),
    )
    # Due after the range: not counted.
    review(
        plan(episode(program, clinician, last_name="Later"), activated_at=at(1)), date(2026, 12, 1)
    )

    found = figures(scope_of(supervisor))
    # Judged: OnDay, After, Overdue, Never = 4; on time: OnDay = 1; 1 / 4 = 25.0 %.
    assert found["reviews"].value == 25.0
    assert found["reviews"].patients == 4
    rows = {r.name: [c.value for c in r.cells] for r in drilled(scope_of(supervisor), "reviews")}
    # Last due, due, on time, late, most days late.
    assert rows == {
        "Pat OnDay": [date(2026, 11, 10), 1, 1, 0, None],
        "Pat After": [date(2026, 11, 10), 1, 0, 1, 1],
        "Pat Overdue": [date(2026, 11, 12), 1, 0, 1, 8],
        "Pat Never": [date(2026, 11, 15), 1, 0, 1, 5],
    }
    assert_drills_match(scope_of(supervisor))


def test_an_initial_plan_on_day_initial_plan_days_is_on_time_the_day_after_late(
    program, clinician, supervisor
):
    assert program.initial_plan_days == 3
    # Admitted 2 Nov, plan activated 5 Nov 23:30 New York (6 Nov in UTC): day 3, on time.
    plan(
        episode(program, clinician, last_name="Day3", admitted=date(2026, 11, 2)),
        activated_at=at(5, 23, 30),
    )
    # Admitted 2 Nov, activated 6 Nov 09:00: day 4, late.
    plan(
        episode(program, clinician, last_name="Day4", admitted=date(2026, 11, 2)),
        activated_at=at(6, 9),
    )
    # Admitted 3 Nov, no plan: due 6 Nov, late.
    plan(episode(program, clinician, last_name="None", admitted=date(2026, 11, 3)))
    # Admitted 17 Nov, no plan: due today, not yet due.
    episode(program, clinician, last_name="DueToday", admitted=date(2026, 11, 17))
    # Admitted 19 Nov, activated the same day: on time.
    plan(
        episode(program, clinician, last_name="Same", admitted=date(2026, 11, 19)),
        activated_at=at(19, 15),
    )
    # Admitted before the range: not counted.
    episode(program, clinician, last_name="Before", admitted=date(2026, 10, 31))

    found = figures(scope_of(supervisor))
    # Judged: Day3, Day4, None, Same = 4; on time: Day3, Same = 2; 2 / 4 = 50.0 %.
    assert found["initial-plans"].value == 50.0
    assert found["initial-plans"].patients == 4
    assert found["initial-plans-pending"].value == 1
    rows = {
        r.name: [c.value for c in r.cells] for r in drilled(scope_of(supervisor), "initial-plans")
    }
    # Admitted, due, first plan activated, days after admission, status.
    assert rows["Pat Day3"] == [
        date(2026, 11, 2),
        date(2026, 11, 5),
        date(2026, 11, 5),
        3,
        "on time",
    ]
    assert rows["Pat Day4"] == [date(2026, 11, 2), date(2026, 11, 5), date(2026, 11, 6), 4, "late"]
    assert rows["Pat None"] == [date(2026, 11, 3), date(2026, 11, 6), None, None, "late: none yet"]
    assert rows["Pat Same"][3:] == [0, "on time"]
    pending = drilled(scope_of(supervisor), "initial-plans-pending")
    assert [(r.name, r.cells[1].value) for r in pending] == [("Pat DueToday", TODAY)]
    assert_drills_match(scope_of(supervisor))


def test_safety_plans_for_moderate_or_high_risk(program, clinician, supervisor):
    covered = episode(program, clinician, last_name="Covered")
    cssrs(covered, "moderate", at(10))
    safety_plan(covered, at(11))
    high = episode(program, clinician, last_name="High")
    assessment(high, "high", at(12), clinician)
    lowered = episode(program, clinician, last_name="Lowered")
    cssrs(lowered, "high", at(5))
    assessment(lowered, "low", at(15), clinician)  # newer: the risk is low
    noted = episode(program, clinician, last_name="Noted")
    assessment(noted, "low", at(5), clinician)
    risk_alert(noted, "moderate", at(14))  # a note's re-check, newer and open
    screened = episode(program, clinician, last_name="Screened")
    # A measure's own alert never decides alone (its level is the C-SSRS's).
    risk_alert(screened, "high", at(14), source_type="patients.measureresponse")
    lapsed = episode(program, clinician, last_name="Lapsed")
    cssrs(lapsed, "high", at(3))
    safety_plan(lapsed, at(4), ended_at=at(15))  # superseded with no active one
    gone = episode(
        program, clinician, last_name="Gone", status="discharged", discharge_date=date(2026, 11, 10)
    )
    cssrs(gone, "high", at(5))

    found = figures(scope_of(supervisor))
    # At risk on 20 Nov: Covered, High, Noted, Lapsed = 4; with a plan in force: Covered; 25 %.
    assert found["safety-plans"].value == 25.0
    assert found["safety-plans"].patients == 4
    rows = {
        r.name: [c.value for c in r.cells] for r in drilled(scope_of(supervisor), "safety-plans")
    }
    assert rows["Pat Covered"] == [
        "moderate",
        "C-SSRS",
        date(2026, 11, 10),
        "yes",
        date(2026, 11, 11),
    ]
    assert rows["Pat High"] == ["high", "clinician assessment", date(2026, 11, 12), "no", None]
    assert rows["Pat Noted"] == ["moderate", "risk alert (note)", date(2026, 11, 14), "no", None]
    # On 14 Nov Lapsed's plan was still in force, Noted's alert was raised at 10:00 that day
    # and Lowered was still at high risk (assessed low on the 15th); Gone was discharged.
    then = figures(scope_of(supervisor, end=date(2026, 11, 14)))
    # At risk then: Covered, High, Noted, Lapsed, Lowered = 5; covered: Covered, Lapsed = 2.
    assert then["safety-plans"].value == 40.0
    assert then["safety-plans"].patients == 5
    assert_drills_match(scope_of(supervisor))


def test_unexpected_screens_followed_up(program, clinician, supervisor):
    one = episode(program, clinician, last_name="One")
    two = episode(program, clinician, last_name="Two")
    screen_alert(one, at(10), closed_at=at(11, 16), by=clinician)  # acknowledged in 30 h
    screen_alert(two, at(15))  # still open, 5 days
    screen_alert(two, at(date(2026, 10, 28)))  # before the range

    found = figures(scope_of(supervisor))
    # 1 followed up of 2 in the range: 50 %, 2 patients.
    assert found["screens"].value == 50.0
    assert found["screens"].patients == 2
    rows = {r.name: [c.value for c in r.cells] for r in drilled(scope_of(supervisor), "screens")}
    assert rows["Pat One"] == [date(2026, 11, 10), 1, 1, 1.2, None]
    assert rows["Pat Two"] == [date(2026, 11, 15), 1, 0, None, 5.1]
    assert_drills_match(scope_of(supervisor))


def test_nothing_to_judge_is_no_value(supervisor):
    found = figures(scope_of(supervisor))
    assert found["notes-24h"].value is None
    assert found["reviews"].value is None
    assert found["safety-plans"].value is None
    assert found["cosign-waiting"].value == 0
    assert all(f.patients == 0 for f in found.values())


def test_a_supervisor_of_program_a_never_counts_program_b(
    program, clinician, trainee, supervisor, director
):
    other = ProgramFactory(name="Other IOP", track="trauma")
    everything(program, clinician, trainee, 2, last_name="Mine")
    everything(other, clinician, trainee, 3, last_name="Theirs")
    mine = figures(scope_of(supervisor))
    every = figures(scope_of(director))
    for key in (
        "notes-24h",
        "cosign-waiting",
        "reviews",
        "initial-plans",
        "safety-plans",
        "screens",
    ):
        assert mine[key].patients == 2, key
        assert every[key].patients == 5, key
    names = {r.name for r in drilled(scope_of(supervisor), "screens")}
    assert names == {"Pat Mine00", "Pat Mine01"}
    only_other = figures(scope_of(director, program_id=other.pk))
    assert only_other["screens"].patients == 3


def test_a_clinician_counts_only_their_caseload(
    program, clinician, clinician2, trainee, supervisor
):
    everything(program, clinician, trainee, 2, last_name="Casey")
    everything(program, clinician2, trainee, 1, last_name="Other")
    theirs = figures(scope_of(clinician2))
    # Their one patient in each figure (all their notes are signed, their plan was on time).
    counted = {k: f.patients for k, f in theirs.items()}
    assert counted.pop("notes-unsigned") == counted.pop("initial-plans-pending") == 0
    assert set(counted.values()) == {1}
    assert {r.name for r in drilled(scope_of(clinician2), "notes-24h")} == {"Pat Other00"}
    # Asking for another clinician's patients narrows, never widens.
    assert figures(scope_of(clinician2, clinician_id=clinician.pk))["screens"].patients == 0
    # The supervisor's table: a row per primary clinician, each cell drilling to theirs.
    table = compliance.build(scope_of(supervisor)).tables[0]
    assert [row[0].value for row in table.rows] == sorted(
        [clinician.display_name, clinician2.display_name]
    )
    row = next(r for r in table.rows if r[0].value == clinician2.display_name)
    assert len(compliance.drill(scope_of(supervisor), row[7].drill).rows) == 1


def test_query_budget_is_the_same_at_3_and_30_patients(program, clinician, trainee, supervisor):
    def count(run):
        with CaptureQueriesContext(connection) as queries:
            run()
        return len(queries)

    everything(program, clinician, trainee, 3, last_name="Few")
    scope = scope_of(supervisor)
    compliance.build(scope)  # the user's roles, read once a request
    small = [count(lambda: compliance.build(scope))]
    small += [count(lambda k=k: compliance.drill(scope, k)) for k in compliance.DRILLS]
    small.append(count(lambda: compliance.drill(scope, f"notes-24h:clinician:{clinician.pk}")))
    everything(program, clinician, trainee, 27, last_name="Many")
    large = [count(lambda: compliance.build(scope))]
    large += [count(lambda k=k: compliance.drill(scope, k)) for k in compliance.DRILLS]
    large.append(count(lambda: compliance.drill(scope, f"notes-24h:clinician:{clinician.pk}")))
    assert small == large
    assert small[0] <= 9
    assert figures(scope)["notes-24h"].patients == 30
    assert_drills_match(scope)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "nope",
        "notes-24h:",
        "notes-24h:clinician",
        "notes-24h:clinician:x",
        "reviews:group:1",
        "screens:clinician:-1",
        "screens:clinician:99999999999",
        None,
    ],
)
def test_unknown_or_malformed_keys_drill_to_nothing(supervisor, key):
    assert compliance.drill(scope_of(supervisor), key) is None


def test_an_unsigned_note_is_judged_late_from_24_h_after_its_session_as_the_job_alerts(
    program, clinician, supervisor
):
    # Now is 20 Nov 12:00. Ended 19 Nov 12:00 exactly (11:10-12:00): 24 h, late.
    late = episode(program, clinician, last_name="Late")
    individual(late, at(19, 11, 10), clinician=clinician)
    # Ended 19 Nov 12:01: 23 h 59 min, not judged yet.
    soon = episode(program, clinician, last_name="Soon")
    individual(soon, at(19, 11, 11), clinician=clinician)
    found = figures(scope_of(supervisor))
    assert (found["notes-24h"].value, found["notes-24h"].patients) == (0.0, 1)
    assert (found["notes-unsigned"].value, found["notes-unsigned"].patients) == (2, 2)
    assert [r.name for r in drilled(scope_of(supervisor), "notes-24h")] == ["Pat Late"]


def test_episodes_without_a_primary_clinician_have_their_own_row(program, clinician, director):
    mine = episode(program, clinician, last_name="Mine")
    nobody = episode(program, None, last_name="Nobody")
    screen_alert(mine, at(10), closed_at=at(11), by=clinician)
    screen_alert(nobody, at(12))
    table = compliance.build(scope_of(director)).tables[0]
    assert [row[0].value for row in table.rows] == [clinician.display_name, "No primary clinician"]
    last = table.rows[-1][7]
    assert (last.value, last.drill) == (0.0, "screens:clinician:none")
    rows = compliance.drill(scope_of(director), last.drill)
    assert [r.name for r in rows.rows] == ["Pat Nobody"]
    assert "no primary clinician" in rows.title


def test_the_help_counts_one_in_the_singular(program, clinician, supervisor):
    """A director reads "Of 1 episode ..., 1 had one in force", not "Of 1 episodes"."""
    covered = episode(program, clinician, last_name="Covered")
    cssrs(covered, "moderate", at(10))
    safety_plan(covered, at(11))
    help_text = figures(scope_of(supervisor))["safety-plans"].help
    assert help_text.startswith("Of 1 episode open on the range's last day")
    screens_help = figures(scope_of(supervisor))["screens"].help
    assert screens_help.startswith("Of 0 unexpected drug screens (")
    assert "0 were followed up" in screens_help
