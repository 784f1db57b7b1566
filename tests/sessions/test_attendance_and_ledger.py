"""Attendance (minutes from the status, refusals, corrections) and the weekly hours ledger
(rounding, step-downs, program minimums), against hand-computed weeks."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patients.models import Episode, Program
from sessions import services as ss
from sessions.models import Attendance, StepDown, TherapyGroup, TherapySession
from tests.sessions.helpers import MON_2, MON_9, MON_16, WED_11, at, book, group_session, mark_all

# --- attendance -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "minutes"),
    [
        ("present", 180),
        ("late", 165),
        ("left_early", 150),
        ("absent_excused", 0),
        ("absent_unexcused", 0),
    ],
)
def test_minutes_default_from_the_status(monday, clinician, status, minutes):
    record = ss.attendance_mark(
        session=monday.session, episode=monday.episode, status=status, user=clinician
    )
    assert (record.status, record.minutes_attended) == (status, minutes)
    assert record.patient_id == monday.episode.patient_id
    assert record.recorded_by == clinician


def test_given_minutes_are_kept_and_bad_ones_refused(monday, clinician):
    mark = ss.attendance_mark
    s, ep = monday.session, monday.episode
    record = mark(session=s, episode=ep, status="late", minutes=170, user=clinician)
    assert record.minutes_attended == 170
    for status, minutes in (
        ("absent_unexcused", 30),
        ("absent_excused", 1),
        ("present", 120),
        ("late", 0),
        ("left_early", 181),
    ):
        with pytest.raises(ValidationError) as exc:
            mark(session=s, episode=ep, status=status, minutes=minutes, user=clinician)
        assert "minutes" in exc.value.message_dict, (status, minutes)
    with pytest.raises(ValidationError) as exc:
        mark(session=s, episode=ep, status="here", user=clinician)
    assert "status" in exc.value.message_dict
    # The refusals changed nothing: still the one record, late for 170 minutes.
    assert list(Attendance.objects.values_list("status", "minutes_attended")) == [("late", 170)]


def test_an_absence_refuses_minutes_with_a_clear_message(monday, clinician):
    with pytest.raises(ValidationError) as exc:
        ss.attendance_mark(
            session=monday.session,
            episode=monday.episode,
            status="absent_unexcused",
            minutes=45,
            user=clinician,
        )
    assert exc.value.message_dict["minutes"] == ["An absence has no minutes attended."]


def test_a_patient_not_on_the_roster_is_refused(monday, enroll, make_episode, clinician):
    stranger = make_episode(clinician=clinician, last_name="Stranger")
    joins_later = enroll(last_name="Later", start_date=date(2026, 11, 10))
    for ep in (stranger, joins_later):
        with pytest.raises(ValidationError) as exc:
            ss.attendance_mark(session=monday.session, episode=ep, status="present", user=clinician)
        assert "not on this session's roster" in exc.value.message_dict["episode"][0]
    assert not Attendance.objects.exists()
    assert [e.pk for e in ss.session_roster(monday.session)] == [monday.episode.pk]


def test_future_sessions_are_refused_until_thirty_minutes_before(monday, group, clock, clinician):
    wednesday = group_session(group, WED_11)
    with pytest.raises(ValidationError) as exc:
        ss.attendance_mark(
            session=wednesday, episode=monday.episode, status="present", user=clinician
        )
    assert "Attendance opens at 08:30 on Wed 11 Nov" in exc.value.messages[0]
    clock.move_to(at(WED_11, 8, 29), tick=False)
    with pytest.raises(ValidationError):
        ss.attendance_mark(
            session=wednesday, episode=monday.episode, status="present", user=clinician
        )
    clock.move_to(at(WED_11, 8, 30), tick=False)
    ss.attendance_mark(session=wednesday, episode=monday.episode, status="present", user=clinician)
    assert Attendance.objects.get(session=wednesday).minutes_attended == 180


def test_a_group_session_is_completed_once_attendance_is_taken(monday, clinician):
    assert monday.session.status == "scheduled"
    ss.attendance_mark(
        session=monday.session, episode=monday.episode, status="absent_unexcused", user=clinician
    )
    monday.session.refresh_from_db()
    assert monday.session.status == "completed"


def test_an_individual_no_show_and_a_correction(clock, episode, clinician):
    session = book(clinician, starts_at=at(MON_9, 14), episode=episode)
    clock.move_to(at(MON_9, 15), tick=False)
    ss.attendance_mark(session=session, episode=episode, status="absent_unexcused", user=clinician)
    session.refresh_from_db()
    assert session.status == "no_show"
    # The patient was in the waiting room after all: the same record is corrected.
    ss.attendance_mark(session=session, episode=episode, status="late", user=clinician)
    session.refresh_from_db()
    assert session.status == "completed"
    assert list(Attendance.objects.values_list("status", "minutes_attended")) == [("late", 35)]


def test_a_cancelled_session_takes_no_attendance(clock, episode, clinician):
    session = book(clinician, starts_at=at(MON_9, 14), episode=episode)
    ss.session_cancel(session=session, user=clinician, reason="Holiday")
    clock.move_to(at(MON_9, 15), tick=False)
    with pytest.raises(ValidationError) as exc:
        ss.attendance_mark(session=session, episode=episode, status="present", user=clinician)
    assert "cancelled" in exc.value.messages[0]


# --- the weekly hours ledger ------------------------------------------------------------------


def test_the_ledger_from_admission_with_default_minutes(clock, group, enroll, clinician):
    ep = enroll(last_name="Ames")
    assert ep.admission_date == MON_2
    ss.group_schedule_generate(weeks=3, start=MON_2)
    clock.move_to(at(date(2026, 11, 20), 18), tick=False)
    s = {d: group_session(group, date(2026, 11, d)) for d in (2, 4, 6, 9, 11, 13, 16, 18)}
    mark_all(
        [
            (s[2], "present", None),
            (s[4], "present", None),
            (s[6], "present", None),  # 540 min
            (s[9], "late", None),
            (s[11], "left_early", None),
            (s[13], "absent_unexcused", None),
            (s[16], "present", None),
            (s[18], "absent_excused", None),  # 180 min; Fri 20 unmarked
        ],
        ep,
        clinician,
    )
    ss.step_down_record(
        episode=ep,
        starts_on=MON_16,
        ends_on=date(2026, 11, 22),
        reason="Returning to work part-time",
        user=clinician,
    )

    rows = ss.hours_ledger([ep], weeks=8, today=date(2026, 11, 20))[ep.pk]

    # Eight weeks asked for, but the patient was admitted on 2 Nov: three weeks.
    assert [r["week"] for r in rows] == [MON_2, MON_9, MON_16]
    assert [r["minutes"] for r in rows] == [540, 315, 180]  # 165 + 150 + 0 = 315
    assert [r["hours"] for r in rows] == [Decimal("9.0"), Decimal("5.3"), Decimal("3.0")]
    assert [r["minimum"] for r in rows] == [9, 9, 9]
    assert [r["met"] for r in rows] == [True, False, False]
    assert [r["step_down"] for r in rows] == [False, False, True]
    assert [r["current"] for r in rows] == [False, False, True]


def test_hours_round_half_up_to_a_tenth(clock, group, enroll, clinician):
    # 5.25 h is shown as 5.3 (not banker's 5.2); 4.75 h as 4.8; 0.25 h as 0.3.
    ep = enroll()
    ss.group_schedule_generate(weeks=3, start=MON_2)
    clock.move_to(at(date(2026, 11, 20), 18), tick=False)
    s = {d: group_session(group, date(2026, 11, d)) for d in (2, 4, 9, 11, 16)}
    mark_all(
        [
            (s[2], "late", None),
            (s[4], "left_early", None),  # 165 + 150 = 315 = 5.25 h
            (s[9], "late", None),
            (s[11], "left_early", 120),  # 165 + 120 = 285 = 4.75 h
            (s[16], "late", 15),  # 0.25 h
        ],
        ep,
        clinician,
    )
    rows = ss.hours_ledger([ep], weeks=3, today=date(2026, 11, 20))[ep.pk]
    assert [r["hours"] for r in rows] == [Decimal("5.3"), Decimal("4.8"), Decimal("0.3")]


def test_the_ledger_window_and_several_patients_at_once(clock, group, enroll, clinician):
    ann, ben = enroll(last_name="Ames"), enroll(last_name="Brook")
    ss.group_schedule_generate(weeks=3, start=MON_2)
    clock.move_to(at(date(2026, 11, 20), 18), tick=False)
    mark_all([(group_session(group, MON_9), "present", None)], ann, clinician)
    mark_all([(group_session(group, MON_16), "late", None)], ben, clinician)
    ledger = ss.hours_ledger([ann, ben], weeks=2, today=date(2026, 11, 20))
    assert [(r["week"], r["minutes"]) for r in ledger[ann.pk]] == [(MON_9, 180), (MON_16, 0)]
    assert [(r["week"], r["minutes"]) for r in ledger[ben.pk]] == [(MON_9, 0), (MON_16, 165)]


def test_a_step_down_across_two_weeks_flags_both(clock, group, enroll, clinician):
    ep = enroll()
    ss.step_down_record(
        episode=ep,
        starts_on=date(2026, 11, 12),
        ends_on=date(2026, 11, 18),
        reason="Surgery recovery",
        user=clinician,
    )
    rows = ss.hours_ledger([ep], weeks=4, today=date(2026, 11, 23))[ep.pk]
    assert [(r["week"], r["step_down"]) for r in rows] == [
        (MON_2, False),
        (MON_9, True),
        (MON_16, True),
        (date(2026, 11, 23), False),
    ]


def test_an_adolescent_program_meets_its_minimum_at_six_hours(clock, make_episode, clinician):
    teens = Program.objects.create(name="Adolescent IOP", track="adolescent")
    teen_group = TherapyGroup.objects.create(
        name="Teen group",
        program=teens,
        kind="process",
        schedule_days=[1, 3],
        start_time=time(15),
        duration_minutes=180,
    )
    teen_group.facilitators.set([clinician])
    ep = make_episode(clinician=clinician, program_=teens)
    ss.group_enroll(group=teen_group, episode=ep, user=clinician, start_date=MON_2)
    ss.group_schedule_generate(weeks=2, start=MON_2, group=teen_group)
    clock.move_to(at(date(2026, 11, 13), 18), tick=False)
    tue_3, thu_5, tue_10 = (
        TherapySession.objects.get(group=teen_group, starts_at=at(date(2026, 11, d), 15))
        for d in (3, 5, 10)
    )
    mark_all(
        [
            (tue_3, "present", None),
            (thu_5, "present", None),  # 360 min = 6.0 h
            (tue_10, "left_early", None),
        ],
        ep,
        clinician,
    )  # 150 min = 2.5 h
    rows = ss.hours_ledger([ep], weeks=2, today=date(2026, 11, 13))[ep.pk]
    assert [(r["hours"], r["minimum"], r["met"]) for r in rows] == [
        (Decimal("6.0"), 6, True),
        (Decimal("2.5"), 6, False),
    ]


def test_a_step_down_is_one_or_two_weeks_with_a_reason(episode, clinician):
    Episode.objects.filter(pk=episode.pk).update(admission_date=MON_2)
    record = ss.step_down_record
    with pytest.raises(ValidationError) as exc:
        record(episode=episode, starts_on=MON_16, ends_on=MON_9, reason="Work", user=clinician)
    assert "ends before it starts" in exc.value.message_dict["ends_on"][0]
    with pytest.raises(ValidationError) as exc:
        record(
            episode=episode,
            starts_on=MON_2,
            ends_on=date(2026, 11, 17),
            reason="Work",
            user=clinician,
        )
    assert "one to two weeks" in exc.value.message_dict["ends_on"][0]
    with pytest.raises(ValidationError) as exc:
        record(episode=episode, starts_on=MON_2, ends_on=MON_9, reason="   ", user=clinician)
    assert "reason" in exc.value.message_dict
    assert not StepDown.objects.exists()
    step = record(
        episode=episode,
        starts_on=MON_2,
        ends_on=date(2026, 11, 15),
        reason="  Back to work  ",
        user=clinician,
    )
    assert (step.reason, step.recorded_by) == ("Back to work", clinician)


def test_the_ledger_with_given_minutes_and_a_step_down_week(group, make_episode, clinician):

    episode = make_episode(clinician=clinician)
    Episode.objects.filter(pk=episode.pk).update(admission_date=date(2026, 11, 2))
    episode.refresh_from_db()
    ss.group_enroll(group=group, episode=episode, user=clinician, start_date=date(2026, 11, 2))
    ss.group_schedule_generate(start=date(2026, 11, 2), weeks=3)
    weeks = {}
    for session in TherapySession.objects.order_by("starts_at"):
        weeks.setdefault(ss.week_start(timezone.localtime(session.starts_at).date()), []).append(
            session
        )
    marks = {
        date(2026, 11, 2): [("present", None), ("present", None), ("present", None)],  # 540
        date(2026, 11, 9): [("late", None), ("left_early", 120), ("absent_unexcused", None)],
        date(2026, 11, 16): [("present", None), ("absent_excused", None), ("late", 170)],
    }
    for week, sessions in weeks.items():
        for session, (status, minutes) in zip(sessions, marks[week], strict=True):
            ss.attendance_mark(
                session=session, episode=episode, status=status, minutes=minutes, user=clinician
            )
    ss.step_down_record(
        episode=episode,
        starts_on=date(2026, 11, 16),
        ends_on=date(2026, 11, 22),
        reason="Planned taper",
        user=clinician,
    )
    rows = ss.hours_ledger([episode], weeks=3, today=date(2026, 11, 22))[episode.pk]
    table = [(r["week"], r["minutes"], r["hours"], r["met"], r["step_down"]) for r in rows]
    assert table == [
        (date(2026, 11, 2), 540, Decimal("9.0"), True, False),
        # late 165 (180 - 15) + left early 120 + absent 0 = 285 min = 4.75 h
        (date(2026, 11, 9), 285, Decimal("4.8"), False, False),
        # 180 + 0 + late 170 = 350 min, a recorded step-down week
        (date(2026, 11, 16), 350, Decimal("5.8"), False, True),
    ]


def test_an_adolescent_programs_weekly_minimum_is_six_hours(make_episode, clinician):
    from patients.models import Program

    teen = Program.objects.create(name="Teen IOP", track="adolescent")
    episode = make_episode(clinician=clinician, program_=teen)
    row = ss.hours_ledger([episode], weeks=1)[episode.pk][-1]
    assert row["minimum"] == 6
