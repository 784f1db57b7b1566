"""The weekly hours minimum follows the episode's level of care in force that week (PHP 20 h,
IOP 9 h or 6 h for an adolescent, OP none); an IOP week over 19 h hints at PHP; the week in
progress is labelled so and never alerts. Hand-worked weeks of November 2026."""

from datetime import date

import pytest
from django.urls import reverse

from patients.models import Alert, Episode, LevelOfCareChange
from sessions.hooks import hours_column, review_attendance
from sessions.jobs import engagement_alerts
from sessions.models import Attendance, TherapySession
from sessions.services import hours_ledger
from tests.factories import EpisodeFactory, ProgramFactory
from tests.sessions.helpers import MON_2, MON_9, MON_16, at

WED_18 = date(2026, 11, 18)  # "today": last week is the week of Monday 9 November


@pytest.fixture
def make(db, clinician):
    """An active episode at `level`, admitted on Monday 2 November, on `clinician`'s caseload."""

    def build(level="IOP", *, born=date(1990, 1, 1), program=None, admitted=MON_2):
        return EpisodeFactory(
            level_of_care=level,
            admission_date=admitted,
            patient__date_of_birth=born,
            program=program or ProgramFactory(),
            primary_clinician=clinician,
        )

    return build


def attend(episode, day, hours):
    """`hours` attended in one individual session that day (whole-hour sessions)."""
    session = TherapySession.objects.create(
        kind="individual",
        starts_at=at(day, 10),
        duration_minutes=int(hours * 60),
        episode=episode,
        patient=episode.patient,
        status=TherapySession.Status.COMPLETED,
    )
    Attendance.objects.create(
        session=session,
        episode=episode,
        patient=episode.patient,
        status=Attendance.Status.PRESENT,
        minutes_attended=int(hours * 60),
    )


def week_of(episode, monday, today=WED_18):
    rows = hours_ledger([episode], weeks=4, today=today)[episode.pk]
    return next(r for r in rows if r["week"] == monday)


def level_change(episode, to_level, on):
    LevelOfCareChange.objects.create(
        episode=episode,
        from_level=episode.level_of_care,
        to_level=to_level,
        effective_date=on,
        reason="Clinical review",
    )
    Episode.objects.filter(pk=episode.pk).update(level_of_care=to_level)
    episode.refresh_from_db()


def test_an_op_week_with_no_hours_has_no_minimum_and_no_alert(make):
    episode = make("OP")
    row = week_of(episode, MON_9)
    assert (row["hours"], row["minimum"], row["status"], row["below"]) == (
        0,
        None,
        "no minimum",
        False,
    )
    assert engagement_alerts(today=WED_18)["below_hours"] == 0
    assert not Alert.objects.exists()


def test_a_php_week_of_18_hours_is_below_20_and_alerts_once(make):
    episode = make("PHP")
    for day in (9, 10, 11):
        attend(episode, date(2026, 11, day), 6)  # 18 h
    row = week_of(episode, MON_9)
    assert (row["level"], row["minimum"], row["met"], row["below"]) == ("PHP", 20, False, True)
    assert engagement_alerts(today=WED_18)["below_hours"] == 1
    alert = Alert.objects.get()
    assert alert.title == "18.0 of 20 hours in the week of 9 Nov"
    assert alert.detail == "Below the PHP minimum and not a recorded step-down."
    # Run again: the alert is deduplicated.
    assert engagement_alerts(today=WED_18)["below_hours"] == 0


def test_a_php_week_of_20_hours_is_met(make):
    episode = make("PHP")
    for day in (9, 10, 11, 12):
        attend(episode, date(2026, 11, day), 5)
    assert week_of(episode, MON_9)["met"] is True
    assert engagement_alerts(today=WED_18)["below_hours"] == 0


def test_an_adolescent_in_iop_meets_the_minimum_at_seven_hours(make):
    teen = make(born=date(2010, 6, 1))  # 16 on 9 November 2026
    attend(teen, MON_9, 4)
    attend(teen, date(2026, 11, 11), 3)  # 7 h
    row = week_of(teen, MON_9)
    assert (row["minimum"], row["met"], row["status"]) == (6, True, "met")
    adult = make()
    attend(adult, MON_9, 7)
    row = week_of(adult, MON_9)
    assert (row["minimum"], row["met"], row["status"]) == (9, False, "below")
    assert engagement_alerts(today=WED_18)["below_hours"] == 1
    assert Alert.objects.get().patient == adult.patient


def test_the_adolescent_minimum_ends_the_week_the_patient_is_18_on_monday(make):
    # Born 12 Nov 2008: 17 on Monday 9 Nov (6 h), 18 on Monday 16 Nov (9 h).
    episode = make(born=date(2008, 11, 12))
    rows = hours_ledger([episode], weeks=3, today=date(2026, 11, 20))[episode.pk]
    assert [(r["week"], r["minimum"]) for r in rows] == [(MON_2, 6), (MON_9, 6), (MON_16, 9)]


def test_an_adolescent_program_keeps_six_hours_past_18(make):
    episode = make(program=ProgramFactory(name="Teen IOP", track="adolescent"))
    assert week_of(episode, MON_9)["minimum"] == 6


def test_a_programs_own_minimum_sets_iop_only(make):
    program = ProgramFactory(name="Twelve-hour IOP", minimum_weekly_hours=12)
    assert week_of(make(program=program), MON_9)["minimum"] == 12
    assert week_of(make("PHP", program=program), MON_9)["minimum"] == 20
    assert week_of(make("OP", program=program), MON_9)["minimum"] is None


def test_iop_over_19_hours_is_a_php_hint(make):
    over, at_19 = make(), make()
    for day in (9, 10, 11):
        attend(over, date(2026, 11, day), 7)  # 21 h
        attend(at_19, date(2026, 11, day), 6)
    attend(at_19, date(2026, 11, 12), 1)  # 19 h: the top of IOP, no hint
    assert week_of(over, MON_9)["php_hint"] is True
    assert week_of(at_19, MON_9)["php_hint"] is False
    assert week_of(over, MON_9)["status"] == "met"
    # A PHP week of 21 h is no hint.
    php = make("PHP")
    for day in (9, 10, 11):
        attend(php, date(2026, 11, day), 7)
    assert week_of(php, MON_9)["php_hint"] is False


def test_the_week_in_progress_is_labelled_and_never_alerts(make):
    episode = make("PHP")
    row = week_of(episode, MON_16)  # today is Wednesday 18 November, 0 h so far
    assert (row["in_progress"], row["status"], row["below"]) == (True, "in progress", False)
    assert row["minimum"] == 20
    # The job on Wednesday judges only last week (met here), never this one.
    for day in (9, 10, 11, 12):
        attend(episode, date(2026, 11, day), 5)
    assert engagement_alerts(today=WED_18)["below_hours"] == 0
    # On Sunday the week is still in progress; from Monday it is judged.
    assert week_of(episode, MON_16, today=date(2026, 11, 22))["status"] == "in progress"
    assert week_of(episode, MON_16, today=date(2026, 11, 23))["status"] == "below"


def test_a_step_down_to_op_midweek_is_judged_as_op(make):
    episode = make()
    level_change(episode, "OP", date(2026, 11, 11))  # Wednesday
    attend(episode, MON_9, 2)
    row = week_of(episode, MON_9)
    assert (row["levels"], row["level"], row["minimum"]) == (["IOP", "OP"], "OP", None)
    assert (row["status"], row["below"]) == ("no minimum", False)
    # The week before the change is still judged as IOP.
    earlier = week_of(episode, MON_2, today=date(2026, 11, 20))
    assert (earlier["level"], earlier["minimum"], earlier["status"]) == ("IOP", 9, "below")
    assert engagement_alerts(today=WED_18)["below_hours"] == 0


def test_a_step_up_on_a_monday_applies_to_the_whole_week(make):
    episode = make()
    level_change(episode, "PHP", MON_9)
    attend(episode, MON_9, 12)
    assert week_of(episode, MON_2)["minimum"] == 9
    row = week_of(episode, MON_9)
    assert (row["levels"], row["minimum"], row["met"]) == (["PHP"], 20, False)


def test_the_week_of_admission_is_not_judged(make):
    episode = make("PHP", admitted=date(2026, 11, 11))
    row = week_of(episode, MON_9)
    assert (row["status"], row["below"]) == ("admitted mid-week", False)
    assert engagement_alerts(today=WED_18)["below_hours"] == 0


def test_caseload_column_and_review_prefill_say_in_progress(make, time_machine):
    time_machine.move_to(at(WED_18, 12), tick=False)
    op, iop = make("OP"), make()
    attend(iop, MON_16, 3)
    values = hours_column([op, iop]).values
    assert values[op.pk] == "0.0 h, OP: no minimum (in progress)"
    assert values[iop.pk] == "3.0 / 9 h (in progress)"

    class Plan:
        episode, episode_id = iop, iop.pk

    weeks = review_attendance(Plan, MON_9)["attendance"]["weeks"]
    assert [(w["week"], w["minimum"], w["status"]) for w in weeks] == [
        ("2026-11-09", "9", "below"),
        ("2026-11-16", "9", "in progress"),
    ]


# --- pages ------------------------------------------------------------------------------------


def test_the_chart_ledger_shows_levels_no_minimum_and_the_php_hint(
    client, clinician, make, time_machine
):
    time_machine.move_to(at(WED_18, 12), tick=False)
    episode = make()
    for day in (9, 10, 11):
        attend(episode, date(2026, 11, day), 7)  # 21 h in IOP
    level_change(episode, "OP", MON_16)
    client.force_login(clinician)
    html = client.get(reverse("sessions:chart", args=[episode.patient_id])).content.decode()
    assert 'data-testid="php-hint">over 19 h: PHP may fit' in html
    assert 'text-bg-light">no minimum' not in html  # this week (OP) is still in progress
    assert "in progress" in html
    assert "IOP → OP" not in html  # the change was on the Monday: OP all week
    assert "0 of 9 h" not in html


def test_today_lists_last_weeks_shortfall_with_this_week_in_progress(
    client, clinician, make, time_machine
):
    time_machine.move_to(at(WED_18, 12), tick=False)
    php, op = make("PHP"), make("OP")
    attend(php, MON_9, 18)
    attend(php, MON_16, 4)
    client.force_login(clinician)
    html = client.get(reverse("today")).content.decode()
    assert "18.0 of 20 h PHP (week of 9 Nov); this week 4.0 h so far, in progress" in html
    assert op.patient.display_name not in html


def test_an_op_patients_chart_says_no_minimum_not_zero_of_nine(
    client, clinician, make, time_machine
):
    time_machine.move_to(at(WED_18, 12), tick=False)
    episode = make("OP")
    client.force_login(clinician)
    html = client.get(reverse("sessions:chart", args=[episode.patient_id])).content.decode()
    assert 'text-bg-light">no minimum' in html  # the weeks of 2 and 9 November
    assert "below" not in html
    assert Alert.objects.count() == 0
