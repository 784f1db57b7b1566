"""Recurring individual appointments: the days a series books, what stands in its way, all
or nothing, and cancelling a session with the ones after it. Days counted by hand on the
November–December 2026 calendar (Mon 2, 9, 16, 23, 30 Nov; Mon 7 Dec)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from iop.audit.models import AuditEvent
from sessions import services as ss
from sessions.models import TherapySession
from tests.sessions.helpers import MON_9, at, book, local_starts

MON, WED, FRI = 0, 2, 4


def series(user, episode, recurrence, *, starts_at=None, location="Room 5", minutes=50, **kw):
    return ss.session_series_schedule(
        kind=kw.pop("kind", "individual"),
        starts_at=starts_at or at(MON_9, 14),
        duration_minutes=minutes,
        clinicians=kw.pop("clinicians", [user]),
        episode=episode,
        location=location,
        recurrence=recurrence,
        user=user,
        **kw,
    )


def test_weekly_on_monday_and_thursday_for_five_sessions(clock, episode, clinician):
    made = series(clinician, episode, ss.Recurrence(weekdays=(0, 3), count=5))
    assert local_starts(made) == [
        "Mon 09 Nov 14:00",
        "Thu 12 Nov 14:00",
        "Mon 16 Nov 14:00",
        "Thu 19 Nov 14:00",
        "Mon 23 Nov 14:00",
    ]
    assert len({s.series for s in made}) == 1 and made[0].series is not None


def test_every_two_weeks_until_a_date_includes_that_day(clock, episode, clinician):
    made = series(
        clinician, episode, ss.Recurrence(weekdays=(MON,), every_weeks=2, until=date(2026, 12, 7))
    )
    assert local_starts(made) == ["Mon 09 Nov 14:00", "Mon 23 Nov 14:00", "Mon 07 Dec 14:00"]


def test_the_local_time_holds_across_the_daylight_saving_change(clock, episode, clinician):
    # 1 November 2026: EDT ends. The series keeps 14:00 in New York on both sides.
    start = at(date(2026, 10, 26), 14)
    clock.move_to(at(date(2026, 10, 20), 8), tick=False)
    made = series(clinician, episode, ss.Recurrence(weekdays=(MON,), count=2), starts_at=start)
    assert local_starts(made) == ["Mon 26 Oct 14:00", "Mon 02 Nov 14:00"]


def test_a_clinician_busy_on_one_day_books_nothing_and_names_the_day(clock, episode, clinician):
    book(clinician, starts_at=at(date(2026, 11, 16), 14, 30), episode=None, kind="workshop")
    with pytest.raises(ValidationError) as exc:
        series(clinician, episode, ss.Recurrence(weekdays=(MON,), count=3))
    messages = exc.value.message_dict["__all__"]
    assert "1 of the 3 sessions cannot be booked; nothing was booked" in messages[0]
    assert messages[1].startswith("Mon 16 Nov 14:00: Casey Morgan is already booked")
    assert TherapySession.objects.filter(kind="individual").count() == 0


def test_a_room_taken_by_another_clinician_is_a_conflict(
    clock, episode, clinician, clinician2, make_episode
):
    other = make_episode(clinician=clinician2)
    book(clinician2, starts_at=at(date(2026, 11, 23), 14), episode=other, location="room 5 ")
    preview = ss.session_series_preview(
        kind="individual",
        starts_at=at(MON_9, 14),
        duration_minutes=50,
        clinicians=[clinician],
        episode=episode,
        location="Room 5",
        recurrence=ss.Recurrence(weekdays=(MON,), count=3),
    )
    assert [bool(o.problems) for o in preview] == [False, False, True]
    assert preview[2].problems[0].startswith("room 5 is taken Mon 23 Nov 14:00–14:50")


def test_a_telehealth_series_does_not_take_a_room(
    clock, episode, clinician, clinician2, make_episode
):
    other = make_episode(clinician=clinician2)
    book(clinician2, starts_at=at(MON_9, 14), episode=other, location="Room 5")
    preview = ss.session_series_preview(
        kind="individual",
        starts_at=at(MON_9, 14),
        duration_minutes=50,
        clinicians=[clinician],
        episode=episode,
        location="Room 5",
        delivery="telehealth",
        recurrence=ss.Recurrence(weekdays=(MON,), count=2),
    )
    assert [o.problems for o in preview] == [[], []]


def test_the_patients_own_group_is_a_conflict(clock, group, enroll, clinician2):
    episode = enroll()
    ss.group_schedule_generate(weeks=2, start=MON_9)  # Mon/Wed/Fri 09:00–12:00
    preview = ss.session_series_preview(
        kind="individual",
        starts_at=at(MON_9, 11),
        duration_minutes=50,
        clinicians=[clinician2],
        episode=episode,
        recurrence=ss.Recurrence(weekdays=(MON, WED), count=2),
    )
    assert "already has MWF process group Mon 9 Nov 09:00–12:00" in preview[0].problems[0]
    assert "Wed 11 Nov" in preview[1].problems[0]


def test_days_after_the_discharge_date_are_refused(clock, episode, clinician):
    episode.discharge_date = date(2026, 11, 20)
    episode.save(update_fields=["discharge_date"])
    with pytest.raises(ValidationError) as exc:
        series(clinician, episode, ss.Recurrence(weekdays=(MON,), count=3))
    lines = exc.value.message_dict["__all__"]
    assert "1 of the 3 sessions" in lines[0]
    assert "discharged on 20 Nov 2026: nothing is booked after discharge" in lines[1]


@pytest.mark.parametrize(
    ("recurrence", "field", "text"),
    [
        (ss.Recurrence(weekdays=(), count=3), "weekdays", "Tick the weekdays"),
        (ss.Recurrence(weekdays=(MON,)), "until", "on a date or after a number"),
        (ss.Recurrence(weekdays=(MON,), count=3, until=date(2026, 12, 1)), "until", "(one)"),
        (ss.Recurrence(weekdays=(MON,), count=1), "count", "2 to 60 sessions"),
        (ss.Recurrence(weekdays=(MON,), count=61), "count", "2 to 60 sessions"),
        (ss.Recurrence(weekdays=(MON,), every_weeks=9, count=3), "every_weeks", "1 to 8 weeks"),
        (ss.Recurrence(weekdays=(MON,), until=date(2026, 11, 9)), "until", "comes after"),
        (ss.Recurrence(weekdays=(MON,), until=date(2028, 11, 9)), "until", "at most 60"),
    ],
)
def test_a_rule_that_makes_no_series_is_refused(clock, episode, clinician, recurrence, field, text):
    with pytest.raises(ValidationError) as exc:
        series(clinician, episode, recurrence)
    assert text in " ".join(exc.value.message_dict[field])
    assert not TherapySession.objects.exists()


def test_a_group_or_intake_evaluation_does_not_repeat(clock, episode, clinician):
    with pytest.raises(ValidationError) as exc:
        series(clinician, episode, ss.Recurrence(weekdays=(MON,), count=2), kind="workshop")
    assert "Only individual, family and medication-management" in exc.value.messages[0]


def test_cancelling_this_and_following_leaves_the_earlier_ones(clock, episode, clinician):
    made = series(clinician, episode, ss.Recurrence(weekdays=(MON,), count=4))
    cancelled = ss.session_series_cancel_following(
        session=made[1], user=clinician, reason="Patient starts a new job"
    )
    assert cancelled == 3
    statuses = list(
        TherapySession.objects.filter(series=made[0].series)
        .order_by("starts_at")
        .values_list("status", flat=True)
    )
    assert statuses == ["scheduled", "cancelled", "cancelled", "cancelled"]
    # The reason is kept on each session; the audit trail holds no free text.
    assert {s.cancel_reason for s in made[1:] if not s.refresh_from_db()} == {
        "Patient starts a new job"
    }
    event = AuditEvent.objects.filter(object_id=str(made[3].pk), action="update").get()
    assert event.detail == "cancelled with the rest of its series, reason recorded"


def test_cancelling_a_series_needs_a_reason(clock, episode, clinician):
    made = series(clinician, episode, ss.Recurrence(weekdays=(MON,), count=2))
    with pytest.raises(ValidationError) as exc:
        ss.session_series_cancel_following(session=made[0], user=clinician, reason="  ")
    assert exc.value.message_dict["reason"] == ["Say why the sessions are cancelled."]
    assert TherapySession.objects.filter(status="cancelled").count() == 0


def test_a_single_booking_now_refuses_a_taken_room(
    clock, episode, clinician, clinician2, make_episode
):
    book(
        clinician2,
        starts_at=at(MON_9, 14),
        episode=make_episode(clinician=clinician2),
        location="Room 5",
    )
    with pytest.raises(ValidationError) as exc:
        book(clinician, starts_at=at(MON_9, 14, 20), episode=episode, location="Room 5")
    assert exc.value.message_dict["location"] == [
        "Room 5 is taken Mon 9 Nov 14:00–14:50 (individual)."
    ]


def test_a_single_booking_refuses_the_patients_overlap(clock, episode, clinician, clinician2):
    book(clinician, starts_at=at(MON_9, 14), episode=episode)
    with pytest.raises(ValidationError) as exc:
        book(clinician2, starts_at=at(MON_9, 14, 40), episode=episode)
    assert exc.value.message_dict["episode"][0].endswith(
        "already has individual Mon 9 Nov 14:00–14:50."
    )
