"""E/M codes of a medication-management visit by time (CLINICAL.md, "Billing codes"), the
psychotherapy add-on, the new-patient rule (no E/M visit by the program in 3 years) and the
intake evaluation's 90791/90792 on the chart.

Worked examples (established patient): 9 min → nothing, 10 → 99212, 19 → 99212, 20 → 99213,
29 → 99213, 30 → 99214, 39 → 99214, 40 → 99215. A 45-minute visit with 20 minutes of
psychotherapy has 25 minutes of E/M time: 99213 + 90833 (the psychotherapy minutes are never
counted twice)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from iop.accounts.models import User
from iop.accounts.roles import Role
from sessions import services as ss
from sessions.billing import em_code, psychotherapy_addon, suggest
from sessions.models import Attendance, ProgressNote, TherapySession
from sessions.selectors import _first_medication_visits, session_with_roster, years_before
from tests.factories import EpisodeFactory, ProgramFactory, UserFactory
from tests.sessions.helpers import MON_9, at, book


@pytest.mark.parametrize(
    "minutes, expected",
    [(9, None), (10, "99212"), (19, "99212"), (20, "99213"), (29, "99213"), (30, "99214")]
    + [(39, "99214"), (40, "99215"), (90, "99215")],
)
def test_established_patient_em_boundaries(minutes, expected):
    code = em_code(minutes, new_patient=False)
    assert (code[0] if code else None) == expected


@pytest.mark.parametrize(
    "minutes, expected",
    [(14, None), (15, "99202"), (29, "99202"), (30, "99203"), (44, "99203"), (45, "99204")]
    + [(59, "99204"), (60, "99205")],
)
def test_new_patient_em_boundaries(minutes, expected):
    code = em_code(minutes, new_patient=True)
    assert (code[0] if code else None) == expected


@pytest.mark.parametrize(
    "minutes, expected",
    [(None, None), (15, None), (16, "90833"), (37, "90833"), (38, "90836"), (52, "90836")]
    + [(53, "90838"), (90, "90838")],
)
def test_psychotherapy_addon_boundaries(minutes, expected):
    code = psychotherapy_addon(minutes)
    assert (code[0] if code else None) == expected


def _visit(minutes):
    return TherapySession(kind="medication_management", duration_minutes=90), Attendance(
        status="present", minutes_attended=minutes
    )


@pytest.mark.parametrize(
    "total, psychotherapy, expected",
    [
        (45, 20, ["99213", "90833"]),  # 25 min of E/M time
        (50, 40, ["99212", "90836"]),  # 10 min of E/M time
        (90, 53, ["99214", "90838"]),  # 37 min of E/M time
        (40, 15, ["99213"]),  # 15 min of psychotherapy is no add-on: 25 min of E/M time
        (40, None, ["99215"]),
    ],
)
def test_psychotherapy_time_is_taken_out_of_the_em_time(total, psychotherapy, expected):
    session, record = _visit(total)
    suggestion = suggest(session, record, psychotherapy_minutes=psychotherapy)
    assert [code for code, _ in suggestion.billable] == expected


def test_an_addon_without_an_em_visit_is_not_billable_and_says_so():
    session, record = _visit(20)  # 4 minutes of E/M time
    suggestion = suggest(session, record, psychotherapy_minutes=16)
    assert suggestion.billable == [] and "90833 needs an E/M visit" in suggestion.note


def test_no_addon_for_a_visit_not_attended():
    session = TherapySession(kind="medication_management", duration_minutes=45)
    record = Attendance(status="absent_excused", minutes_attended=0)
    assert suggest(session, record, psychotherapy_minutes=30).billable == []


@pytest.mark.parametrize("by_prescriber, code", [(False, "90791"), (True, "90792")])
def test_an_intake_evaluation_by_a_prescriber_is_90792(by_prescriber, code):
    session = TherapySession(kind="intake_evaluation", duration_minutes=60)
    assert suggest(session, by_prescriber=by_prescriber).billable[0][0] == code


def test_three_years_before_a_29_february_is_28_february():
    moment = at(MON_9, 10).replace(year=2028, month=2, day=29)
    assert years_before(moment, 3).date().isoformat() == "2025-02-28"


# --- the new-patient rule ------------------------------------------------------------------


def _held_visit(episode, clinician, starts_at):
    session = TherapySession.objects.create(
        kind="medication_management",
        starts_at=starts_at,
        duration_minutes=30,
        episode=episode,
        patient=episode.patient,
        status="completed",
    )
    session.clinicians.add(clinician)
    Attendance.objects.create(
        session=session,
        episode=episode,
        patient=episode.patient,
        status="present",
        minutes_attended=30,
    )
    return session


def _is_new(session):
    session = TherapySession.objects.get(pk=session.pk)
    session.rows = [(session.episode, None)]
    return _first_medication_visits([session])[(session.pk, session.patient_id)]


@pytest.mark.parametrize(
    "days_before, new",
    [(None, True), (30, False), (3 * 365, False), (3 * 365 + 2, True)],
)
def test_new_means_no_em_visit_by_the_program_in_three_years(
    clock, episode, clinician, days_before, new
):
    visit = _held_visit(episode, clinician, at(MON_9, 10))
    if days_before is not None:
        _held_visit(episode, clinician, at(MON_9, 10) - timedelta(days=days_before))
    assert _is_new(visit) is new


def test_a_visit_in_another_program_leaves_the_patient_new(clock, episode, clinician):
    other = ProgramFactory(name="Other IOP")
    earlier = EpisodeFactory(patient=episode.patient, program=other, status="discharged")
    _held_visit(earlier, clinician, at(MON_9, 10) - timedelta(days=60))
    visit = _held_visit(episode, clinician, at(MON_9, 10))
    assert _is_new(visit) is True


# --- on the session page and the chart -----------------------------------------------------


@pytest.fixture
def psychiatrist(db):
    return UserFactory(
        username="drnair",
        role=Role.CLINICIAN,
        last_name="Nair",
        prescriber_credential=User.PrescriberCredential.PSYCHIATRIST,
    )


def test_the_visit_suggests_em_and_addon_from_its_note(clock, episode, clinician, psychiatrist):
    visit = book(
        clinician,
        starts_at=at(MON_9, 10),
        minutes=45,
        clinicians=[psychiatrist, clinician],
        episode=episode,
        kind="medication_management",
    )
    clock.move_to(at(MON_9, 11), tick=False)
    ss.attendance_mark(session=visit, episode=episode, status="present", user=clinician)
    note = ss.note_start(session=visit, user=psychiatrist)
    ss.note_save(note=note, user=psychiatrist, psychotherapy_minutes=20)
    session = session_with_roster(TherapySession.objects.get(pk=visit.pk))
    codes = [code for code, _ in session.billing_rows[0][1].billable]
    assert codes == ["99202", "90833"]  # a new patient; 25 of the 45 minutes are E/M time
    assert ProgressNote.objects.get(pk=note.pk).psychotherapy_minutes == 20


@pytest.mark.parametrize("with_prescriber, code", [(True, "90792"), (False, "90791")])
def test_the_chart_shows_the_intake_evaluation_code(
    client, clock, episode, clinician, psychiatrist, with_prescriber, code
):
    clinicians = [psychiatrist, clinician] if with_prescriber else [clinician]
    evaluation = book(
        clinician,
        starts_at=at(MON_9, 10),
        minutes=60,
        clinicians=clinicians,
        episode=episode,
        kind="intake_evaluation",
    )
    clock.move_to(at(MON_9, 12), tick=False)
    ss.attendance_mark(session=evaluation, episode=episode, status="present", user=clinician)
    client.force_login(clinician)
    page = client.get(reverse("sessions:chart", args=[episode.patient_id])).text
    assert "Psychiatric evaluation at intake" in page
    assert f">{code}</span>" in page
    session = session_with_roster(TherapySession.objects.get(pk=evaluation.pk))
    assert session.billing_rows[0][1].billable[0][0] == code


@pytest.mark.parametrize("role, status", [("intake", 404), ("supervisor", 200)])
def test_the_sessions_tab_per_role(client, request, episode, role, status):
    """Intake coordinators never see the clinical tab (it is not found for them)."""
    client.force_login(request.getfixturevalue(role))
    answer = client.get(reverse("sessions:chart", args=[episode.patient_id]))
    assert answer.status_code == status
    assert ("Psychiatric evaluation at intake" in answer.text) is (status == 200)
