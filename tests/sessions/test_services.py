"""sessions/services.py, as a user meets it: the group schedule (twice, across a daylight-saving
change), double-booking, attendance, the weekly hours ledger, billing code suggestions, progress
notes (cloned parts, risk re-check, signing, locking, addenda, stale copies), co-signature and the
audit trail. Every figure below is computed by hand."""

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from iop.audit.models import AuditEvent
from patients.models import Alert, Episode, Program
from plans import services as plan_services
from plans.models import Objective, ProgressEntry
from sessions import services as ss
from sessions.models import (
    Addendum,
    Attendance,
    NoteEntry,
    SignedNoteError,
    StaleNoteError,
    StepDown,
    TherapyGroup,
    TherapySession,
)

NY = ZoneInfo("America/New_York")
MON_2, MON_9, WED_11, MON_16 = (date(2026, 11, d) for d in (2, 9, 11, 16))


def at(day, hour, minute=0):
    """A timezone-aware local (New York) time."""
    return datetime.combine(day, time(hour, minute), tzinfo=NY)


def group_session(group, day):
    return TherapySession.objects.get(group=group, starts_at=at(day, 9))


def book(user, *, starts_at, minutes=50, clinicians=None, episode=None, kind="individual", **kw):
    return ss.session_schedule(
        kind=kind,
        starts_at=starts_at,
        duration_minutes=minutes,
        clinicians=clinicians or [user],
        user=user,
        episode=episode,
        **kw,
    )


def local_starts(sessions):
    return [timezone.localtime(s.starts_at).strftime("%a %d %b %H:%M") for s in sessions]


# --- 1. schedule generation ----------------------------------------------------------------------


def test_two_weeks_from_a_monday_make_six_sessions_at_nine(group, clinician):
    assert ss.group_schedule_generate(weeks=2, start=MON_9) == 6
    sessions = list(TherapySession.objects.filter(group=group))
    assert local_starts(sessions) == [
        "Mon 09 Nov 09:00",
        "Wed 11 Nov 09:00",
        "Fri 13 Nov 09:00",
        "Mon 16 Nov 09:00",
        "Wed 18 Nov 09:00",
        "Fri 20 Nov 09:00",
    ]
    for s in sessions:
        assert s.kind == "group"
        assert s.status == "scheduled"
        assert s.duration_minutes == 180
        assert s.location == "Room 2"
        assert s.starts_at.tzinfo is not None


def test_generating_again_makes_nothing_new(group):
    assert ss.group_schedule_generate(weeks=2, start=MON_9) == 6
    assert ss.group_schedule_generate(weeks=2, start=MON_9) == 0
    assert TherapySession.objects.filter(group=group).count() == 6
    # A longer window overlapping the first only adds the new week's three slots.
    assert ss.group_schedule_generate(weeks=3, start=MON_9) == 3
    assert TherapySession.objects.filter(group=group).count() == 9


def test_a_window_starting_midweek_runs_seven_days(group):
    # Wed 11 → Tue 17 Nov: Wed 11, Fri 13, Mon 16.
    assert ss.group_schedule_generate(weeks=1, start=WED_11) == 3
    assert local_starts(TherapySession.objects.filter(group=group)) == [
        "Wed 11 Nov 09:00",
        "Fri 13 Nov 09:00",
        "Mon 16 Nov 09:00",
    ]


def test_every_session_starts_at_nine_local_across_the_daylight_saving_change(group):
    # US daylight saving time ends on Sunday 1 November 2026 (EDT −4 h → EST −5 h).
    assert ss.group_schedule_generate(weeks=2, start=date(2026, 10, 26)) == 6
    assert ss.group_schedule_generate(weeks=2, start=date(2026, 10, 26)) == 0
    sessions = list(TherapySession.objects.filter(group=group))
    assert local_starts(sessions) == [
        "Mon 26 Oct 09:00",
        "Wed 28 Oct 09:00",
        "Fri 30 Oct 09:00",
        "Mon 02 Nov 09:00",
        "Wed 04 Nov 09:00",
        "Fri 06 Nov 09:00",
    ]
    assert all(timezone.localtime(s.starts_at).hour == 9 for s in sessions)
    offsets = [timezone.localtime(s.starts_at).utcoffset() for s in sessions]
    assert offsets[:3] == [timedelta(hours=-4)] * 3
    assert offsets[3:] == [timedelta(hours=-5)] * 3
    assert [s.starts_at.astimezone(UTC).hour for s in sessions] == [13, 13, 13, 14, 14, 14]


def test_facilitators_become_the_sessions_clinicians(group, clinician, clinician2):
    group.facilitators.set([clinician, clinician2])
    ss.group_schedule_generate(weeks=1, start=MON_9)
    for s in TherapySession.objects.filter(group=group):
        assert set(s.clinicians.all()) == {clinician, clinician2}


def test_only_active_groups_or_the_group_asked_for(group, program, clinician):
    other = TherapyGroup.objects.create(
        name="Tuesday skills",
        program=program,
        kind="dbt_skills",
        schedule_days=[1],
        start_time=time(13),
        duration_minutes=90,
    )
    assert ss.group_schedule_generate(weeks=1, start=MON_9, group=other) == 1
    assert not TherapySession.objects.filter(group=group).exists()
    other.is_active = False
    other.save()
    assert ss.group_schedule_generate(weeks=2, start=MON_9) == 6  # MWF ×2; Tuesdays skipped
    assert TherapySession.objects.filter(group=other).count() == 1


def test_a_cancelled_slot_is_not_made_again(group, clinician):
    ss.group_schedule_generate(weeks=1, start=MON_9)
    ss.session_cancel(session=group_session(group, WED_11), user=clinician)
    assert ss.group_schedule_generate(weeks=1, start=MON_9) == 0
    assert list(TherapySession.objects.filter(group=group).values_list("status", flat=True)) == [
        "scheduled",
        "cancelled",
        "scheduled",
    ]


def test_enrolment_rules(clock, group, enroll, make_episode, sud_program, clinician):
    ep = enroll()
    with pytest.raises(ValidationError, match="already in"):
        ss.group_enroll(group=group, episode=ep, user=clinician)
    with pytest.raises(ValidationError, match="another program"):
        ss.group_enroll(
            group=group,
            episode=make_episode(clinician=clinician, program_=sud_program),
            user=clinician,
        )
    with pytest.raises(ValidationError, match="active episode"):
        ss.group_enroll(group=group, episode=make_episode(status="referred"), user=clinician)
    group.capacity = 2
    group.save()
    enroll()
    with pytest.raises(ValidationError, match=r"full \(2 places\)"):
        ss.group_enroll(group=group, episode=make_episode(clinician=clinician), user=clinician)


# --- 2. double-booking and who can be booked -----------------------------------------------------


def test_an_overlapping_session_for_the_same_clinician_is_refused(clock, episode, clinician):
    book(clinician, starts_at=at(MON_9, 14), episode=episode)  # 14:00–14:50
    with pytest.raises(ValidationError) as exc:
        book(clinician, starts_at=at(MON_9, 14, 30), episode=episode)
    message = exc.value.message_dict["clinicians"][0]
    assert "Casey Morgan is already booked" in message
    assert "14:00–14:50" in message
    assert TherapySession.objects.count() == 1


def test_a_generated_group_session_blocks_its_facilitator(clock, group, episode, clinician):
    ss.group_schedule_generate(weeks=1, start=MON_9)  # Mon 9 Nov 09:00–12:00
    for start, minutes in ((at(MON_9, 11), 50), (at(MON_9, 8, 30), 60), (at(MON_9, 8), 300)):
        with pytest.raises(ValidationError) as exc:
            book(clinician, starts_at=start, minutes=minutes, episode=episode)
        message = exc.value.message_dict["clinicians"][0]
        assert "Casey Morgan" in message
        assert "09:00–12:00 (group)" in message
    assert TherapySession.objects.filter(kind="individual").count() == 0


def test_back_to_back_sessions_are_allowed(clock, group, episode, clinician):
    ss.group_schedule_generate(weeks=1, start=MON_9)
    before = book(clinician, starts_at=at(MON_9, 8), minutes=60, episode=episode)  # ends 09:00
    after = book(clinician, starts_at=at(MON_9, 12), episode=episode)  # group ends 12:00
    next_one = book(clinician, starts_at=at(MON_9, 12, 50), episode=episode)  # 12:00–12:50 ends
    assert [s.pk for s in TherapySession.objects.filter(kind="individual")] == [
        before.pk,
        after.pk,
        next_one.pk,
    ]


def test_another_clinician_or_a_cancelled_session_does_not_block(
    clock, episode, clinician, clinician2
):
    first = book(clinician, starts_at=at(MON_9, 14), episode=episode)
    book(clinician2, starts_at=at(MON_9, 14), episode=episode)
    with pytest.raises(ValidationError):
        book(clinician, starts_at=at(MON_9, 14), episode=episode)
    ss.session_cancel(session=first, user=clinician)
    assert book(clinician, starts_at=at(MON_9, 14), episode=episode).status == "scheduled"


def test_a_busy_co_clinician_is_named(clock, episode, clinician, clinician2):
    book(clinician2, starts_at=at(MON_9, 14), episode=episode)
    with pytest.raises(ValidationError) as exc:
        book(
            clinician,
            starts_at=at(MON_9, 14, 10),
            clinicians=[clinician, clinician2],
            episode=episode,
        )
    assert clinician2.display_name in exc.value.message_dict["clinicians"][0]
    assert "Casey Morgan" not in exc.value.message_dict["clinicians"][0]


def test_rescheduling_checks_the_clinician_too(clock, group, episode, clinician):
    ss.group_schedule_generate(weeks=1, start=MON_9)
    session = book(clinician, starts_at=at(MON_9, 13), episode=episode)
    with pytest.raises(ValidationError) as exc:
        ss.session_reschedule(session=session, starts_at=at(MON_9, 11, 30), user=clinician)
    assert "Casey Morgan is already booked" in exc.value.message_dict["clinicians"][0]
    # Moving by 20 minutes overlaps only its own old time: allowed.
    moved = ss.session_reschedule(session=session, starts_at=at(MON_9, 13, 20), user=clinician)
    assert timezone.localtime(moved.starts_at).strftime("%H:%M") == "13:20"


@pytest.mark.parametrize("status", ["referred", "discharged", "intake"])
def test_a_patient_outside_an_active_episode_is_refused(clock, make_episode, clinician, status):
    if status == "discharged":
        ep = make_episode(clinician=clinician)
        Episode.objects.filter(pk=ep.pk).update(status="discharged")
        ep.refresh_from_db()
    else:
        ep = Episode.objects.get(pk=make_episode(clinician=clinician, status=status).pk)
    assert ep.status == status
    with pytest.raises(ValidationError) as exc:
        book(clinician, starts_at=at(MON_9, 14), episode=ep)
    message = exc.value.message_dict["episode"][0]
    assert ep.patient.display_name in message
    assert "not in an active episode" in message
    assert not TherapySession.objects.exists()


def test_an_intake_evaluation_is_booked_for_an_episode_in_intake(clock, make_episode, clinician):
    ep = Episode.objects.get(pk=make_episode(clinician=clinician, status="intake").pk)
    assert ep.status == "intake"
    session = book(
        clinician, starts_at=at(MON_9, 14), minutes=60, episode=ep, kind="intake_evaluation"
    )
    assert session.kind == "intake_evaluation"
    assert session.patient_id == ep.patient_id
    assert list(session.clinicians.all()) == [clinician]
    referred = make_episode(clinician=clinician, status="referred")
    with pytest.raises(ValidationError) as exc:
        book(clinician, starts_at=at(MON_9, 16), episode=referred, kind="intake_evaluation")
    assert "episode" in exc.value.message_dict


def test_booking_needs_a_patient_a_clinician_and_a_link_for_telehealth(clock, episode, clinician):
    with pytest.raises(ValidationError) as exc:
        ss.session_schedule(
            kind="individual",
            starts_at=at(MON_9, 14),
            duration_minutes=50,
            clinicians=[],
            user=clinician,
            episode=None,
            delivery="telehealth",
        )
    assert set(exc.value.message_dict) == {"clinicians", "episode", "telehealth_link"}
    with pytest.raises(ValidationError) as exc:
        book(clinician, starts_at=at(MON_9, 14), episode=episode, kind="group")
    assert "kind" in exc.value.message_dict
    workshop = book(clinician, starts_at=at(MON_9, 14), minutes=90, kind="workshop")
    assert workshop.patient_id is None


def test_a_family_session_records_who_came(clock, episode, clinician):
    session = book(
        clinician,
        starts_at=at(MON_9, 14),
        episode=episode,
        kind="family",
        patient_present=False,
        family_members=[{"name": "Jo Doe", "relationship": "mother"}],
    )
    assert session.patient_present is False
    assert [(m.name, m.relationship) for m in session.family_members.all()] == [
        ("Jo Doe", "mother")
    ]


# --- 3. attendance -------------------------------------------------------------------------------


@pytest.fixture
def monday(clock, group, enroll):
    """Mon 9 Nov's group session, with one enrolled patient; the clock at 10:00 that day."""
    ep = enroll(last_name="Ames")
    ss.group_schedule_generate(weeks=3, start=MON_2)
    clock.move_to(at(MON_9, 10), tick=False)
    return SimpleNamespace(session=group_session(group, MON_9), episode=ep)


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
    assert "once the session has started" in exc.value.messages[0]
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
    ss.session_cancel(session=session, user=clinician)
    clock.move_to(at(MON_9, 15), tick=False)
    with pytest.raises(ValidationError) as exc:
        ss.attendance_mark(session=session, episode=episode, status="present", user=clinician)
    assert "cancelled" in exc.value.messages[0]


# --- 4. the weekly hours ledger ------------------------------------------------------------------


def mark_all(sessions_and_marks, episode, user):
    for session, status, minutes in sessions_and_marks:
        ss.attendance_mark(
            session=session, episode=episode, status=status, minutes=minutes, user=user
        )


def test_the_ledger_against_hand_computed_weeks(clock, group, enroll, clinician):
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


def test_an_adolescent_program_needs_six_hours(clock, make_episode, clinician):
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


# --- 5. billing code suggestions -----------------------------------------------------------------


def codes(kind, minutes=None, *, status="present", day_minutes=None, episode=None, **session):
    s = TherapySession(kind=kind, duration_minutes=minutes or 60, **session)
    a = Attendance(status=status, minutes_attended=minutes or 0) if minutes is not None else None
    return [c for c, _ in ss.billing_codes(s, a, day_minutes=day_minutes, episode=episode)]


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (15, []),
        (16, ["90832"]),
        (37, ["90832"]),
        (38, ["90834"]),
        (52, ["90834"]),
        (53, ["90837"]),
        (90, ["90837"]),
    ],
)
def test_individual_psychotherapy_by_minutes(minutes, expected):
    assert codes("individual", minutes) == expected


@pytest.mark.parametrize(
    ("minutes", "present", "expected"),
    [
        (25, True, []),
        (25, False, []),
        (26, True, ["90847"]),
        (26, False, ["90846"]),
        (60, True, ["90847"]),
        (60, False, ["90846"]),
    ],
)
def test_family_psychotherapy_with_and_without_the_patient(minutes, present, expected):
    assert codes("family", minutes, patient_present=present) == expected


def test_group_intake_and_kinds_without_a_code():
    assert codes("group", 180) == ["90853"]
    assert codes("group", 150, status="left_early") == ["90853"]
    assert codes("intake_evaluation", 60) == ["90791"]
    assert codes("medication_management", 20) == []
    assert codes("workshop", 90) == []
    # An absence is not billed; with no attendance the session's own length counts.
    assert codes("group", 0, status="absent_unexcused") == []
    assert codes("individual", 0, status="absent_excused") == []
    assert codes("individual") == ["90837"]


def test_the_iop_per_diem_needs_three_hours_in_the_day(program, sud_program):
    mh = Episode(program=program, is_sud=False)
    co = Program(name="Co-occurring", track="co_occurring")
    assert codes("group", 180, day_minutes=179, episode=mh) == ["90853"]
    assert codes("group", 180, day_minutes=180, episode=mh) == ["90853", "S9480"]
    assert codes("group", 180, day_minutes=180, episode=Episode(program=sud_program)) == [
        "90853",
        "H0015",
    ]
    assert codes("group", 180, day_minutes=180, episode=Episode(program=program, is_sud=True)) == [
        "90853",
        "H0015",
    ]
    assert codes("group", 180, day_minutes=240, episode=Episode(program=co)) == ["90853", "H0015"]
    assert codes("individual", 50, day_minutes=230, episode=mh) == ["90834", "S9480"]
    # Without an episode the program is unknown: no per-diem.
    assert codes("group", 180, day_minutes=180) == ["90853"]


def test_the_per_diem_finds_the_episode_from_the_attendance_or_session(
    sud_program, make_episode, clinician
):
    sud = make_episode(clinician=clinician, program_=sud_program)
    group = TherapySession(kind="group", duration_minutes=180)
    record = Attendance(status="present", minutes_attended=180, episode=sud)
    assert [c for c, _ in ss.billing_codes(group, record, day_minutes=180)] == ["90853", "H0015"]
    individual = TherapySession(kind="individual", duration_minutes=60, episode=sud)
    assert [c for c, _ in ss.billing_codes(individual, day_minutes=200)] == ["90837", "H0015"]


def test_day_minutes_adds_a_patients_attended_minutes_on_the_day(clock, group, enroll, clinician):
    ep = enroll()
    ss.group_schedule_generate(weeks=1, start=MON_9)
    individual = book(clinician, starts_at=at(MON_9, 13), episode=ep)
    clock.move_to(at(MON_9, 18), tick=False)
    mark_all(
        [(group_session(group, MON_9), "late", None), (individual, "present", None)], ep, clinician
    )
    assert ss.day_minutes([ep.patient_id], MON_9) == {ep.patient_id: 165 + 50}


# --- 6. progress notes ---------------------------------------------------------------------------

SHARED = {
    "data": "Group practised the TIPP distress-tolerance skill; role-plays in pairs.",
    "assessment": "Most members could name a skill to use before the weekend.",
    "plan": "Practise TIPP daily; review diary cards on Wednesday.",
}


@pytest.fixture
def attended(monday, enroll, clinician, clock):
    """Mon 9 Nov's group at 13:00: Ames present, Brook late, Cole left early, Dunn absent."""
    people = {"ames": monday.episode}
    for name in ("Brook", "Cole", "Dunn"):
        people[name.lower()] = enroll(last_name=name)
    clock.move_to(at(MON_9, 13), tick=False)
    for name, status in (
        ("ames", "present"),
        ("brook", "late"),
        ("cole", "left_early"),
        ("dunn", "absent_unexcused"),
    ):
        ss.attendance_mark(
            session=monday.session, episode=people[name], status=status, user=clinician
        )
    monday.session.refresh_from_db()
    return SimpleNamespace(session=monday.session, **people)


def texts_for(a, risk="none", overrides=None):
    """Each attendee's individualized part, all different, with a risk re-check; `overrides`
    maps patient id to other text."""
    texts = {
        a.ames.patient_id: "Named TIPP as her plan for the weekend; tearful when discussing work.",
        a.brook.patient_id: "Arrived 15 min late; quiet; practised paced breathing with a peer.",
        a.cole.patient_id: "Left at 11:30 for a medical appointment; shared a win with sleep.",
    }
    texts.update(overrides or {})
    return {pid: {"text": text, "risk_level": risk} for pid, text in texts.items()}


def write(note, user, attended_, overrides=None):
    entries = texts_for(attended_, overrides=overrides)
    return ss.note_save(note=note, user=user, shared=SHARED, entries=entries)


def test_note_start_makes_a_part_for_each_attendee_not_absentees(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    assert (note.format, note.status, note.author) == ("DAP", "draft", clinician)
    assert set(note.entries.values_list("patient_id", flat=True)) == {
        attended.ames.patient_id,
        attended.brook.patient_id,
        attended.cole.patient_id,
    }
    # Starting again returns the same note and adds no duplicate parts.
    assert ss.note_start(session=attended.session, user=clinician).pk == note.pk
    assert NoteEntry.objects.filter(note=note).count() == 3


def test_a_late_attendance_mark_joins_the_note_on_the_next_start(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    ss.attendance_mark(
        session=attended.session, episode=attended.dunn, status="late", user=clinician
    )
    ss.note_start(session=attended.session, user=clinician)
    assert note.entries.count() == 4


def test_a_part_follows_an_attendance_correction_to_absent(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    # Cole was marked "left early" by mistake: she never came.
    ss.attendance_mark(
        session=attended.session, episode=attended.cole, status="absent_excused", user=clinician
    )
    entries = texts_for(attended)
    del entries[attended.cole.patient_id]
    ss.note_save(note=note, user=clinician, shared=SHARED, entries=entries)
    note = ss.note_sign(note=note, user=clinician)
    assert note.status == "signed"
    assert set(note.entries.values_list("patient_id", flat=True)) == {
        attended.ames.patient_id,
        attended.brook.patient_id,
    }
    assert ss.note_is_intact(note)


def test_a_written_part_for_a_patient_now_absent_blocks_signing_and_is_kept(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    write(note, clinician, attended)
    ss.attendance_mark(
        session=attended.session, episode=attended.cole, status="absent_unexcused", user=clinician
    )
    ss.note_start(session=attended.session, user=clinician)  # the page reloads
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician)
    message = exc.value.message_dict["attendance"][0]
    assert attended.cole.patient.display_name in message
    assert attended.ames.patient.display_name not in message
    kept = NoteEntry.objects.get(note=note, patient=attended.cole.patient)
    assert kept.text.startswith("Left at 11:30")
    # Marked back as attending, the note signs with her part.
    ss.attendance_mark(
        session=attended.session, episode=attended.cole, status="left_early", user=clinician
    )
    assert ss.note_sign(note=note, user=clinician).status == "signed"
    assert note.entries.count() == 3


def test_only_clinical_staff_start_notes_and_not_for_cancelled_sessions(
    attended, intake, clinician, clock, episode
):
    with pytest.raises(ValidationError):
        ss.note_start(session=attended.session, user=intake)
    clock.move_to(at(MON_9, 13), tick=False)
    later = book(clinician, starts_at=at(MON_9, 15), episode=episode)
    later = ss.session_cancel(session=later, user=clinician)
    with pytest.raises(ValidationError) as exc:
        ss.note_start(session=later, user=clinician)
    assert "cancelled" in exc.value.messages[0]


def test_signing_needs_every_shared_section(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    ss.note_save(
        note=note, user=clinician, shared={**SHARED, "plan": "  "}, entries=texts_for(attended)
    )
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician)
    assert exc.value.message_dict["shared"] == ["Write these sections: Plan."]
    note.refresh_from_db()
    assert note.status == "draft"


def test_a_soap_note_needs_the_soap_sections(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician, format="SOAP")
    write(note, clinician, attended)  # DAP keys: Assessment and Plan are SOAP sections too
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician)
    assert exc.value.message_dict["shared"] == ["Write these sections: Subjective, Objective."]


def test_signing_needs_each_individualized_part(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    write(note, clinician, attended, {attended.brook.patient_id: "   "})
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician)
    message = exc.value.message_dict["entries"][0]
    assert message.startswith("Write the individualized part for:")
    assert attended.brook.patient.display_name in message
    assert attended.ames.patient.display_name not in message


@pytest.mark.parametrize(
    "clone",
    [
        "Engaged well; practised TIPP with a peer.",
        "  engaged WELL;   practised tipp with a PEER.\n",
    ],
)
def test_identical_individualized_parts_are_refused_as_a_cloned_note(attended, clinician, clone):
    note = ss.note_start(session=attended.session, user=clinician)
    write(
        note,
        clinician,
        attended,
        {
            attended.ames.patient_id: "Engaged well; practised TIPP with a peer.",
            attended.cole.patient_id: clone,
        },
    )
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician)
    message = exc.value.message_dict["entries"][0]
    assert "identical" in message
    assert "cloned" in message
    note.refresh_from_db()
    assert (note.status, note.content_hash) == ("draft", "")


def test_signing_needs_a_risk_recheck_for_each_attendee(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    entries = texts_for(attended)
    entries[attended.cole.patient_id]["risk_level"] = ""
    ss.note_save(note=note, user=clinician, shared=SHARED, entries=entries)
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician)
    message = exc.value.message_dict["risk"][0]
    assert attended.cole.patient.display_name in message
    assert attended.ames.patient.display_name not in message


def test_a_note_with_no_attendees_cannot_be_signed(monday, clinician):
    ss.attendance_mark(
        session=monday.session, episode=monday.episode, status="absent_excused", user=clinician
    )
    note = ss.note_start(session=monday.session, user=clinician)
    ss.note_save(note=note, user=clinician, shared=SHARED)
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician)
    assert "Take attendance first" in exc.value.message_dict["entries"][0]


def test_a_signed_note_is_locked_with_an_intact_hash(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    write(note, clinician, attended)
    note = ss.note_sign(note=note, user=clinician)
    note.refresh_from_db()
    assert note.status == "signed"
    assert (note.signed_by, note.signed_at) == (clinician, at(MON_9, 13))
    assert re.fullmatch(r"[0-9a-f]{64}", note.content_hash)
    assert ss.note_is_intact(note) is True
    # A change behind the app's back (raw SQL, a restored backup) breaks the seal.
    NoteEntry.objects.filter(note=note, patient=attended.ames.patient).update(text="Altered.")
    assert ss.note_is_intact(note) is False


def test_a_signed_note_refuses_every_change(attended, clinician, supervisor):
    note = ss.note_start(session=attended.session, user=clinician)
    write(note, clinician, attended)
    ss.note_sign(note=note, user=clinician)
    with pytest.raises(SignedNoteError):
        ss.note_save(note=note, user=clinician, shared={**SHARED, "plan": "Changed."})
    with pytest.raises(SignedNoteError):
        ss.note_sign(note=note, user=clinician)
    with pytest.raises(SignedNoteError):
        write(note, supervisor, attended)
    note.refresh_from_db()
    assert note.shared["plan"] == SHARED["plan"]
    assert ss.note_is_intact(note)
    # note_start on a signed note adds no parts for a late-marked attendee.
    ss.attendance_mark(
        session=attended.session, episode=attended.dunn, status="late", user=clinician
    )
    ss.note_start(session=attended.session, user=clinician)
    assert note.entries.count() == 3


def test_objectives_addressed_become_progress_entries(attended, clinician, make_plan):
    plan = make_plan(attended.ames)
    plan_services.plan_activate(plan=plan, user=clinician, patient_ack_name="Pat")
    objective = Objective.objects.get(goal__problem__plan=plan)
    brook_plan = make_plan(attended.brook)
    plan_services.plan_activate(plan=brook_plan, user=clinician, patient_ack_name="Pat")
    brook_objective = Objective.objects.get(goal__problem__plan=brook_plan)
    note = ss.note_start(session=attended.session, user=clinician)
    entries = texts_for(attended)
    entries[attended.ames.patient_id].update(objectives=[objective.pk], ratings={objective.pk: 3})
    entries[attended.brook.patient_id].update(objectives=[brook_objective.pk])  # no rating
    ss.note_save(note=note, user=clinician, shared=SHARED, entries=entries)
    assert not ProgressEntry.objects.exists()  # a draft records nothing yet

    ss.note_sign(note=note, user=clinician)

    ames_entry = ProgressEntry.objects.get(objective=objective)
    assert ames_entry.session_ref == attended.session.pk
    assert ames_entry.rating == 3
    assert ames_entry.patient_id == attended.ames.patient_id
    assert ames_entry.recorded_by == clinician
    assert "09 Nov 2026" in ames_entry.note
    assert ProgressEntry.objects.get(objective=brook_objective).rating == 2  # "some progress"
    assert ProgressEntry.objects.count() == 2


def test_an_objective_outside_the_patients_active_plan_is_refused(attended, clinician, make_plan):
    draft = make_plan(attended.ames)  # never activated
    drafted = Objective.objects.get(goal__problem__plan=draft)
    other = make_plan(attended.brook)
    plan_services.plan_activate(plan=other, user=clinician, patient_ack_name="Pat")
    brooks = Objective.objects.get(goal__problem__plan=other)
    note = ss.note_start(session=attended.session, user=clinician)
    for objective in (drafted, brooks):
        entries = texts_for(attended)
        entries[attended.ames.patient_id]["objectives"] = [objective.pk]
        with pytest.raises(ValidationError) as exc:
            ss.note_save(note=note, user=clinician, shared=SHARED, entries=entries)
        assert "active plan" in exc.value.message_dict["entries"][0]
    ames = NoteEntry.objects.get(note=note, patient=attended.ames.patient)
    assert ames.objectives_addressed == []


@pytest.mark.parametrize(
    ("level", "alerts"), [("none", 0), ("low", 0), ("moderate", 1), ("high", 1)]
)
def test_a_moderate_or_high_risk_recheck_raises_a_risk_alert(attended, clinician, level, alerts):
    note = ss.note_start(session=attended.session, user=clinician)
    entries = texts_for(attended)
    entries[attended.cole.patient_id].update(risk_level=level, risk_notes="Passive SI this week.")
    ss.note_save(note=note, user=clinician, shared=SHARED, entries=entries)
    assert not Alert.objects.filter(kind="risk").exists()
    ss.note_sign(note=note, user=clinician)
    risk = Alert.objects.filter(kind="risk", status="open")
    assert risk.count() == alerts
    if alerts:
        alert = risk.get()
        assert alert.patient_id == attended.cole.patient_id
        assert alert.risk_level == level
        assert alert.detail == "Passive SI this week."


def test_addenda_only_on_a_signed_note_and_never_blank(attended, clinician):
    note = ss.note_start(session=attended.session, user=clinician)
    write(note, clinician, attended)
    with pytest.raises(ValidationError) as exc:
        ss.addendum_add(note=note, text="Late entry.", user=clinician)
    assert "still a draft" in exc.value.messages[0]
    note = ss.note_sign(note=note, user=clinician)
    with pytest.raises(ValidationError) as exc:
        ss.addendum_add(note=note, text="  \n ", user=clinician)
    assert "text" in exc.value.message_dict
    addendum = ss.addendum_add(note=note, text="  Called Ms Cole's GP as agreed.  ", user=clinician)
    assert (addendum.text, addendum.author) == ("Called Ms Cole's GP as agreed.", clinician)
    assert list(Addendum.objects.filter(note=note)) == [addendum]
    assert ss.note_is_intact(note)  # an addendum does not touch the signed content


def test_a_stale_copy_is_refused(attended, clinician, clinician2):
    note = ss.note_start(session=attended.session, user=clinician)
    assert note.revision == 0
    saved = ss.note_save(note=note, user=clinician, shared=SHARED, revision=0)
    assert saved.revision == 1
    with pytest.raises(StaleNoteError):
        ss.note_save(
            note=note,
            user=clinician,
            revision=0,
            shared={**SHARED, "plan": "Overwrites the other edit."},
        )
    saved.refresh_from_db()
    assert saved.shared["plan"] == SHARED["plan"]
    ss.note_save(note=note, user=clinician, entries=texts_for(attended), revision=1)
    with pytest.raises(StaleNoteError):
        ss.note_sign(note=note, user=clinician, revision=1)
    assert ss.note_sign(note=note, user=clinician, revision=2).status == "signed"


def test_only_the_author_or_a_supervisor_signs(attended, clinician, clinician2, supervisor):
    note = ss.note_start(session=attended.session, user=clinician)
    write(note, clinician, attended)
    with pytest.raises(ValidationError) as exc:
        ss.note_sign(note=note, user=clinician2)
    assert "author" in exc.value.messages[0]
    signed = ss.note_sign(note=note, user=supervisor)
    assert (signed.status, signed.signed_by) == ("signed", supervisor)


def test_an_individual_session_note(clock, episode, clinician):
    session = book(clinician, starts_at=at(MON_9, 14), episode=episode, minutes=53)
    clock.move_to(at(MON_9, 15), tick=False)
    ss.attendance_mark(session=session, episode=episode, status="present", user=clinician)
    note = ss.note_start(session=session, user=clinician, format="BIRP")
    ss.note_save(
        note=note,
        user=clinician,
        shared={
            "behavior": "Calm, on time.",
            "intervention": "Behavioural activation plan.",
            "response": "Chose two activities.",
            "plan": "Review Thursday.",
        },
        entries={episode.patient_id: {"text": "Reports sleeping 6 h.", "risk_level": "low"}},
    )
    note = ss.note_sign(note=note, user=clinician)
    assert note.status == "signed"
    assert ss.note_is_intact(note)


# --- 7. co-signature -----------------------------------------------------------------------------


def signed_by(user, attended_):
    note = ss.note_start(session=attended_.session, user=user)
    write(note, user, attended_)
    return ss.note_sign(note=note, user=user)


def test_a_trainees_note_waits_for_a_supervisors_cosignature(attended, clinician, supervisor):
    clinician.is_trainee = True
    clinician.save()
    note = signed_by(clinician, attended)
    note.refresh_from_db()
    assert note.status == "awaiting_cosign"
    assert note.is_locked
    assert ss.note_is_intact(note)
    with pytest.raises(SignedNoteError):
        write(note, clinician, attended)

    cosigned = ss.note_cosign(note=note, user=supervisor)
    cosigned.refresh_from_db()
    assert cosigned.status == "signed"
    assert cosigned.cosigned_by == supervisor
    assert cosigned.cosigned_at == at(MON_9, 13)
    assert cosigned.signed_by == clinician


def test_a_clinician_cannot_cosign(attended, clinician, clinician2):
    clinician.is_trainee = True
    clinician.save()
    note = signed_by(clinician, attended)
    for user in (clinician2, clinician):
        with pytest.raises(ValidationError) as exc:
            ss.note_cosign(note=note, user=user)
        assert "supervisor" in exc.value.messages[0]
    note.refresh_from_db()
    assert (note.status, note.cosigned_by) == ("awaiting_cosign", None)


def test_cosigning_a_note_not_awaiting_it_is_refused(attended, clinician, supervisor):
    note = ss.note_start(session=attended.session, user=clinician)
    with pytest.raises(ValidationError) as exc:
        ss.note_cosign(note=note, user=supervisor)  # still a draft
    assert "not waiting for a co-signature" in exc.value.messages[0]
    write(note, clinician, attended)
    ss.note_sign(note=note, user=clinician)  # not a trainee: signed outright
    with pytest.raises(ValidationError) as exc:
        ss.note_cosign(note=note, user=supervisor)
    assert "not waiting for a co-signature" in exc.value.messages[0]
    note.refresh_from_db()
    assert note.cosigned_by is None


# --- 8. the audit trail --------------------------------------------------------------------------


def test_signing_writes_an_update_event_per_attendee(attended, clinician):
    note = signed_by(clinician, attended)
    events = AuditEvent.objects.filter(action="update", detail="signed")
    assert sorted(events.values_list("patient_id", flat=True)) == sorted(
        [attended.ames.patient_id, attended.brook.patient_id, attended.cole.patient_id]
    )
    for event in events:
        assert event.user == clinician
        assert event.object_type == "therapy_sessions.progressnote"
        assert event.object_id == str(note.pk)
        assert event.outcome == "success"
    assert not events.filter(patient_id=attended.dunn.patient_id).exists()


def test_attendance_marks_are_audited(attended, clinician):
    marks = AuditEvent.objects.filter(object_type="therapy_sessions.attendance")
    assert sorted(marks.values_list("patient_id", "detail")) == sorted(
        [
            (attended.ames.patient_id, "present, 180 min"),
            (attended.brook.patient_id, "late, 165 min"),
            (attended.cole.patient_id, "left_early, 150 min"),
            (attended.dunn.patient_id, "absent_unexcused, 0 min"),
        ]
    )
    assert set(marks.values_list("action", flat=True)) == {"create"}
