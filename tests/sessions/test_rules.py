"""The rules of sessions, with hand-computed values: schedule generation (twice, across a
daylight-saving change), the weekly hours ledger, billing code boundaries, and notes that sign,
lock, create progress entries and refuse edits everywhere."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from plans import services as plan_services
from plans.models import ProgressEntry
from sessions import services as ss
from sessions.models import Attendance, ProgressNote, TherapySession

TZ = timezone.get_current_timezone()


# --- schedule generation -------------------------------------------------------------------------


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


# --- the hours ledger ----------------------------------------------------------------------------


def test_the_ledger_against_hand_computed_weeks(group, make_episode, clinician):
    from patients.models import Episode

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


def test_an_adolescent_program_needs_six_hours(make_episode, clinician):
    from patients.models import Program

    teen = Program.objects.create(name="Teen IOP", track="adolescent")
    episode = make_episode(clinician=clinician, program_=teen)
    row = ss.hours_ledger([episode], weeks=1)[episode.pk][-1]
    assert row["minimum"] == 6


# --- billing codes -------------------------------------------------------------------------------


def codes(kind, minutes, *, present=None, day=None, episode=None):
    session = TherapySession(kind=kind, duration_minutes=minutes, patient_present=present)
    record = Attendance(status="present", minutes_attended=minutes)
    return [c for c, _ in ss.billing_codes(session, record, day_minutes=day, episode=episode)]


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
def test_individual_psychotherapy_boundaries(minutes, expected):
    assert codes("individual", minutes) == expected


@pytest.mark.parametrize(
    ("minutes", "present", "expected"),
    [(25, True, []), (26, True, ["90847"]), (26, False, ["90846"]), (60, False, ["90846"])],
)
def test_family_psychotherapy_boundaries(minutes, present, expected):
    assert codes("family", minutes, present=present) == expected


def test_group_intake_and_per_diem(episode, sud_program, make_episode, clinician):
    assert codes("group", 180) == ["90853"]
    assert codes("intake_evaluation", 60) == ["90791"]
    assert codes("group", 179, day=179, episode=episode) == ["90853"]
    assert codes("group", 180, day=180, episode=episode) == ["90853", "S9480"]
    sud = make_episode(clinician=clinician, program_=sud_program)
    assert codes("group", 180, day=180, episode=sud) == ["90853", "H0015"]
    absent = Attendance(status="absent_unexcused", minutes_attended=0)
    assert ss.billing_codes(TherapySession(kind="group", duration_minutes=180), absent) == []


# --- notes ---------------------------------------------------------------------------------------


@pytest.fixture
def attended(group, make_episode, clinician, time_machine):
    time_machine.move_to(datetime(2026, 11, 18, 13, tzinfo=TZ), tick=False)
    people = [make_episode(clinician=clinician, last_name=n) for n in ("Ames", "Bell")]
    for e in people:
        ss.group_enroll(group=group, episode=e, user=clinician, start_date=date(2026, 11, 1))
    ss.group_schedule_generate(start=date(2026, 11, 18), weeks=1)
    session = TherapySession.objects.get(starts_at__date=date(2026, 11, 18))
    for e in people:
        ss.attendance_mark(session=session, episode=e, status="present", user=clinician)
    return session, people


SHARED = {"data": "Sleep skills.", "assessment": "Engaged.", "plan": "Practise nightly."}


def test_objectives_addressed_become_progress_entries(attended, clinician, make_plan):
    session, (ames, bell) = attended
    plan = plan_services.plan_activate(
        plan=make_plan(ames), user=clinician, patient_ack_name="Ames"
    )
    objective = plan.problems.get().goals.get().objectives.get()
    note = ss.note_start(session=session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared=SHARED,
        entries={
            ames.patient_id: {
                "text": "Ames tried the routine.",
                "objectives": [objective.pk],
                "ratings": {objective.pk: 3},
                "risk_level": "none",
            },
            bell.patient_id: {
                "text": "Bell listened.",
                "risk_level": "moderate",
                "risk_notes": "Passive thoughts this week.",
            },
        },
    )
    ss.note_sign(note=note, user=clinician)
    entry = ProgressEntry.objects.get()
    assert (entry.objective, entry.rating, entry.session_ref) == (objective, 3, session.pk)
    from patients.models import Alert

    alert = Alert.objects.get(kind="risk")
    assert (alert.patient, alert.risk_level) == (bell.patient, "moderate")


def test_an_objective_from_another_patients_plan_is_refused(attended, clinician, make_plan):
    session, (ames, bell) = attended
    plan = plan_services.plan_activate(
        plan=make_plan(ames), user=clinician, patient_ack_name="Ames"
    )
    objective = plan.problems.get().goals.get().objectives.get()
    note = ss.note_start(session=session, user=clinician)
    with pytest.raises(Exception, match="not in"):
        ss.note_save(
            note=note, user=clinician, entries={bell.patient_id: {"objectives": [objective.pk]}}
        )


def test_a_signed_note_is_refused_in_the_admin(attended, clinician, client, admin_user_role):
    session, people = attended
    note = ss.note_start(session=session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared=SHARED,
        entries={
            e.patient_id: {
                "text": f"{e.patient.legal_last_name} was present.",
                "risk_level": "none",
            }
            for e in people
        },
    )
    ss.note_sign(note=note, user=clinician)
    signed_hash = ProgressNote.objects.get().content_hash
    client.force_login(admin_user_role)
    change = reverse("admin:therapy_sessions_progressnote_change", args=[note.pk])
    page = client.get(change)
    assert page.status_code in (200, 403)
    client.post(change, {"format": "SOAP"})
    note.refresh_from_db()
    assert (note.format, note.content_hash) == ("DAP", signed_hash)
    assert ss.note_is_intact(note)


def test_a_plan_review_is_prefilled_with_attendance_and_hours(
    attended, clinician, make_plan, client
):
    from plans import services as plan_services_

    session, (ames, _) = attended
    plan = plan_services_.plan_activate(
        plan=make_plan(ames), user=clinician, patient_ack_name="Ames"
    )
    review = plan_services_.review_open(plan=plan, user=clinician)
    attendance = review.prefill["attendance"]
    assert (attendance["sessions"], attendance["attended"]) == (1, 1)
    assert attendance["weeks"][-1]["hours"] == "3.0"
    client.force_login(clinician)
    html = client.get(reverse("plans:review", args=[review.pk])).content.decode()
    assert "Attended 1 of 1 sessions" in html
