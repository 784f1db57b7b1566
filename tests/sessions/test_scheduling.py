"""Scheduling, as a user meets it: the group schedule (across a daylight-saving change too, and
never twice), enrolment, double-booking and who can be booked. Figures computed by hand."""

from datetime import UTC, date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patients.models import Episode
from sessions import services as ss
from sessions.models import TherapyGroup, TherapySession
from tests.sessions.helpers import MON_9, WED_11, at, book, group_session, local_starts

# --- schedule generation -------------------------------------------------------------------------


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
    ss.session_cancel(session=group_session(group, WED_11), user=clinician, reason="Holiday")
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


# --- double-booking and who can be booked -----------------------------------------------------


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
    clock, episode, clinician, clinician2, make_episode
):
    first = book(clinician, starts_at=at(MON_9, 14), episode=episode)
    book(clinician2, starts_at=at(MON_9, 14), episode=make_episode(clinician=clinician2))
    with pytest.raises(ValidationError):
        book(clinician, starts_at=at(MON_9, 14), episode=episode)
    ss.session_cancel(session=first, user=clinician, reason="Holiday")
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
    assert set(exc.value.message_dict) == {
        "clinicians",
        "episode",
        "telehealth_link",
        "place_of_service",
        "telehealth_modifier",
    }
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


def test_generation_makes_each_slot_once(group, clinician):
    assert ss.group_schedule_generate(start=date(2026, 11, 9), weeks=2) == 6
    assert ss.group_schedule_generate(start=date(2026, 11, 9), weeks=2) == 0
    days = [timezone.localtime(s.starts_at) for s in TherapySession.objects.order_by("starts_at")]
    assert [d.strftime("%a %d %H:%M") for d in days] == [
        "Mon 09 09:00",
        "Wed 11 09:00",
        "Fri 13 09:00",
        "Mon 16 09:00",
        "Wed 18 09:00",
        "Fri 20 09:00",
    ]
    assert list(TherapySession.objects.first().clinicians.all()) == [clinician]


def test_generation_across_the_daylight_saving_change(group):
    # US daylight saving time ends on Sunday 1 November 2026.
    ss.group_schedule_generate(start=date(2026, 10, 26), weeks=2)
    ss.group_schedule_generate(start=date(2026, 10, 26), weeks=2)  # and again: no duplicates
    sessions = list(TherapySession.objects.order_by("starts_at"))
    assert len(sessions) == 6
    local = [timezone.localtime(s.starts_at) for s in sessions]
    assert {d.hour for d in local} == {9}
    assert [s.starts_at.astimezone(UTC).hour for s in sessions] == [13, 13, 13, 14, 14, 14]
