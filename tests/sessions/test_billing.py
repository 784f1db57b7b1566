"""Billing code suggestions at their boundaries: psychotherapy minutes, family sessions with and
without the patient, groups, intake evaluations and the per-diem day."""

import pytest

from patients.models import Episode, Program
from sessions import services as ss
from sessions.models import Attendance, TherapySession
from tests.sessions.helpers import MON_9, at, book, group_session, mark_all

# --- billing code suggestions -----------------------------------------------------------------


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
    assert codes("medication_management", 20) == ["99213"]  # established patient, 20 min
    assert codes("workshop", 90) == []
    # An absence is not billed; with no attendance the session's own length counts.
    assert codes("group", 0, status="absent_unexcused") == []
    assert codes("individual", 0, status="absent_excused") == []
    assert codes("individual") == ["90837"]


def test_the_iop_per_diem_needs_three_hours_in_the_day(program, sud_program):
    program.billing_mode = sud_program.billing_mode = "per_diem"
    mh = Episode(program=program, is_sud=False)
    co = Program(name="Co-occurring", track="co_occurring", billing_mode="per_diem")
    # Under the threshold the session's own code stands; at it, the one per-diem line (the
    # session's own code is a bundled component, never a second billable line).
    assert codes("group", 180, day_minutes=179, episode=mh) == ["90853"]
    assert codes("group", 180, day_minutes=180, episode=mh) == ["S9480"]
    assert codes("group", 180, day_minutes=180, episode=Episode(program=sud_program)) == ["H0015"]
    assert codes("group", 180, day_minutes=180, episode=Episode(program=program, is_sud=True)) == [
        "H0015"
    ]
    assert codes("group", 180, day_minutes=240, episode=Episode(program=co)) == ["H0015"]
    assert codes("individual", 50, day_minutes=230, episode=mh) == ["S9480"]
    # Without an episode the program is unknown: no per-diem.
    assert codes("group", 180, day_minutes=180) == ["90853"]


def test_the_per_diem_finds_the_episode_from_the_attendance_or_session(
    sud_program, make_episode, clinician
):
    sud = make_episode(clinician=clinician, program_=sud_program)
    sud.program.billing_mode = "per_diem"
    group = TherapySession(kind="group", duration_minutes=180)
    record = Attendance(status="present", minutes_attended=180, episode=sud)
    assert [c for c, _ in ss.billing_codes(group, record, day_minutes=180)] == ["H0015"]
    individual = TherapySession(kind="individual", duration_minutes=60, episode=sud)
    assert [c for c, _ in ss.billing_codes(individual, day_minutes=200)] == ["H0015"]


def test_day_minutes_adds_a_patients_attended_minutes_on_the_day(clock, group, enroll, clinician):
    ep = enroll()
    ss.group_schedule_generate(weeks=1, start=MON_9)
    individual = book(clinician, starts_at=at(MON_9, 13), episode=ep)
    clock.move_to(at(MON_9, 18), tick=False)
    mark_all(
        [(group_session(group, MON_9), "late", None), (individual, "present", None)], ep, clinician
    )
    assert ss.day_minutes([ep.patient_id], MON_9) == {ep.patient_id: 165 + 50}


def suggested(kind, minutes, *, present=None, day=None, episode=None):
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
    assert suggested("individual", minutes) == expected


@pytest.mark.parametrize(
    ("minutes", "present", "expected"),
    [(25, True, []), (26, True, ["90847"]), (26, False, ["90846"]), (60, False, ["90846"])],
)
def test_family_psychotherapy_boundaries(minutes, present, expected):
    assert suggested("family", minutes, present=present) == expected


def test_group_intake_and_per_diem(episode, sud_program, make_episode, clinician):
    assert suggested("group", 180) == ["90853"]
    assert suggested("intake_evaluation", 60) == ["90791"]
    episode.program.billing_mode = "per_diem"
    assert suggested("group", 179, day=179, episode=episode) == ["90853"]
    assert suggested("group", 180, day=180, episode=episode) == ["S9480"]
    sud = make_episode(clinician=clinician, program_=sud_program)
    sud.program.billing_mode = "per_diem"
    assert suggested("group", 180, day=180, episode=sud) == ["H0015"]
    absent = Attendance(status="absent_unexcused", minutes_attended=0)
    assert ss.billing_codes(TherapySession(kind="group", duration_minutes=180), absent) == []
