"""42 CFR Part 2 at the edges of the program (patients.part2): every page of a SUD patient's
record shows the notice discreetly and carries the full notice when printed; the print buttons
of a SUD record become a release of information; exports ask one guard. The care team and
their supervisors keep reading the record as before (need to know)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients import services as patient_services
from patients.models import Consent, Patient
from patients.part2 import (
    REDISCLOSURE_NOTICE,
    REDISCLOSURE_NOTICE_SHORT,
    Part2Refused,
    disclosure_required,
    export_check,
    is_part2_protected,
)
from plans import services as plan_services
from sessions import services as session_services
from tests.factories import EpisodeFactory, PatientFactory

SCREEN = 'data-testid="part2-notice"'
PRINT = 'data-testid="part2-print-notice"'
SAFETY = {
    "warning_signs": "Not sleeping; staying in my room",
    "coping_strategies": "Walk the dog",
    "distractions": "Coffee shop on Main St",
    "help_contacts": "Sister Ana 555-0101",
    "environment_safety": "Medications kept by Ana",
    "reasons_for_living": "My dog",
}


pytestmark = pytest.mark.usefixtures("supervisor_supervises_sud_program")


@pytest.fixture
def sud(make_episode, sud_program, clinician):
    return make_episode(clinician=clinician, program_=sud_program, is_sud=True)


@pytest.fixture
def other(make_episode, clinician):
    return make_episode(clinician=clinician)


def active_plan(episode, make_plan, user):
    return plan_services.plan_activate(
        plan=make_plan(episode), user=user, patient_ack_name="Pat Doe"
    )


def active_safety_plan(patient, user):
    plan = plan_services.safety_plan_start(patient=patient, user=user)
    plan = plan_services.safety_plan_update(plan=plan, data=SAFETY, user=user)
    return plan_services.safety_plan_activate(plan=plan, user=user, patient_ack_name="Pat")


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def assert_notice(html):
    assert SCREEN in html and REDISCLOSURE_NOTICE_SHORT in html
    assert PRINT in html and REDISCLOSURE_NOTICE in html
    # The full notice is for print only; the screen shows one discreet line.
    block = html[html.index(PRINT) - 200 : html.index(PRINT)]
    assert "d-none d-print-block" in block


def assert_no_notice(html):
    assert SCREEN not in html and PRINT not in html
    assert REDISCLOSURE_NOTICE not in html


CHART_PAGES = [
    "patients:chart",
    "patients:intake",
    "patients:measures",
    "patients:consents",
    "patients:alerts",
    "patients:risk",
    "plans:patient-plan",
    "plans:history",
    "plans:safety",
    "sessions:chart",
]


# --- the predicate ------------------------------------------------------------------------


def test_a_patient_with_a_sud_episode_is_protected_and_others_are_not(sud, other):
    assert is_part2_protected(sud.patient)
    assert not is_part2_protected(other.patient)


def test_protection_outlives_the_sud_episode(clinician, client, sud_program, program):
    """Discharged from SUD care, now in a mental-health episode: still a Part 2 patient."""
    patient = PatientFactory()
    EpisodeFactory(
        patient=patient,
        program=sud_program,
        is_sud=True,
        status="discharged",
        admission_date=date.today() - timedelta(days=60),
        discharge_date=date.today() - timedelta(days=10),
        discharge_reason="completed",
        primary_clinician=clinician,
    )
    EpisodeFactory(patient=patient, program=program, primary_clinician=clinician)
    assert is_part2_protected(patient)
    html = page(client, clinician, reverse("patients:chart", args=[patient.pk]))
    assert ">Part 2</span>" in html
    assert_notice(html)


# --- the notice on pages ----------------------------------------------------------------------


@pytest.mark.parametrize("name", CHART_PAGES)
def test_every_chart_page_of_a_sud_patient_shows_the_notice(client, clinician, sud, name):
    assert_notice(page(client, clinician, reverse(name, args=[sud.patient_id])))


@pytest.mark.parametrize("name", CHART_PAGES)
def test_no_notice_on_the_chart_of_a_patient_without_sud_care(client, clinician, other, name):
    assert_no_notice(page(client, clinician, reverse(name, args=[other.patient_id])))


def test_the_plan_and_safety_plan_of_a_sud_patient_carry_the_notice(
    client, clinician, sud, make_plan
):
    plan = active_plan(sud, make_plan, clinician)
    active_safety_plan(sud.patient, clinician)
    assert_notice(page(client, clinician, reverse("plans:plan", args=[plan.pk])))
    assert_notice(page(client, clinician, reverse("plans:safety", args=[sud.patient_id])))


def test_a_group_with_a_sud_attendee_shows_the_notice_on_its_session_group_and_note_pages(
    client, clinician, enroll, sud, todays_session, group
):
    enroll(sud)
    session_services.attendance_mark(
        session=todays_session, episode=sud, status="present", user=clinician
    )
    note = session_services.note_start(session=todays_session, user=clinician)
    session_services.note_save(
        note=note,
        user=clinician,
        shared={"data": "Relapse prevention.", "assessment": "Engaged.", "plan": "Practise."},
        entries={sud.patient_id: {"text": "Named two triggers.", "risk_level": "none"}},
    )
    session_services.note_sign(note=note, user=clinician)
    assert_notice(page(client, clinician, reverse("sessions:session", args=[todays_session.pk])))
    assert_notice(page(client, clinician, reverse("sessions:group", args=[group.pk])))
    note_page = reverse("sessions:chart-note", args=[sud.patient_id, todays_session.pk])
    assert_notice(page(client, clinician, note_page))


def test_a_group_without_sud_patients_shows_no_notice(
    client, clinician, enroll, todays_session, group
):
    enroll()
    assert_no_notice(page(client, clinician, reverse("sessions:session", args=[todays_session.pk])))
    assert_no_notice(page(client, clinician, reverse("sessions:group", args=[group.pk])))


def test_lists_showing_a_sud_patient_carry_the_notice(client, clinician, intake, sud, make_episode):
    assert_notice(page(client, clinician, reverse("patients:caseload")))
    make_episode(status="referred", program_=sud.program, is_sud=True)
    assert_notice(page(client, intake, reverse("patients:intake-queue")))


def test_today_with_a_sud_patients_alert_carries_the_notice(client, clinician, sud):
    patient_services.measure_record(
        patient=sud.patient, instrument_code="PHQ9", responses=[1] * 9, user=clinician
    )
    assert_notice(page(client, clinician, reverse("today")))


def test_lists_without_sud_patients_show_no_notice(client, clinician, intake, other, make_episode):
    make_episode(status="referred")
    assert_no_notice(page(client, clinician, reverse("patients:caseload")))
    assert_no_notice(page(client, intake, reverse("patients:intake-queue")))
    assert_no_notice(page(client, clinician, reverse("today")))


# --- print buttons ------------------------------------------------------------------------------


def test_a_plan_without_sud_care_prints_as_before(client, clinician, other, make_plan):
    plan = active_plan(other, make_plan, clinician)
    html = page(client, clinician, reverse("plans:plan", args=[plan.pk]))
    assert "data-print>Print</button>" in html


def test_a_sud_plans_print_button_is_a_release_of_information(client, clinician, sud, make_plan):
    plan = active_plan(sud, make_plan, clinician)
    html = page(client, clinician, reverse("plans:plan", args=[plan.pk]))
    assert "data-print" not in html
    release = reverse("disclosures:release-new", args=[sud.patient_id])
    assert f'href="{release}" data-testid="release-link"' in html
    plan_page = page(client, clinician, reverse("plans:patient-plan", args=[sud.patient_id]))
    assert "Print view" not in plan_page


def test_a_sud_safety_plans_print_button_is_a_release_of_information(client, clinician, sud):
    active_safety_plan(sud.patient, clinician)
    html = page(client, clinician, reverse("plans:safety", args=[sud.patient_id]))
    assert "data-print" not in html
    release = reverse("disclosures:release-new", args=[sud.patient_id])
    assert f'href="{release}" data-testid="release-link"' in html
    assert "Release…</a>" in html


def test_a_safety_plan_without_sud_care_prints_as_before(client, clinician, other):
    active_safety_plan(other.patient, clinician)
    html = page(client, clinician, reverse("plans:safety", args=[other.patient_id]))
    assert "data-print>Print</button>" in html


# --- need to know: the care team and supervisors ------------------------------------------


@pytest.mark.parametrize("who", ["clinician", "supervisor"])
def test_the_care_team_and_supervisors_read_a_sud_plan_as_before(
    client, request, who, clinician, supervisor, sud, make_plan
):
    plan = active_plan(sud, make_plan, clinician)
    html = page(client, request.getfixturevalue(who), reverse("plans:plan", args=[plan.pk]))
    assert "Low mood most days; not working" in html  # the plan's problem


def test_a_clinician_off_the_care_team_still_gets_404(client, clinician2, sud):
    client.force_login(clinician2)
    assert client.get(reverse("patients:chart", args=[sud.patient_id])).status_code == 404


# --- exports --------------------------------------------------------------------------------


def test_an_export_including_a_sud_patient_needs_a_release(sud, other):
    assert disclosure_required(sud.patient)
    assert disclosure_required([other.patient, sud.patient_id])
    assert disclosure_required(Patient.objects.all())
    assert not disclosure_required(Patient.objects.filter(pk=other.patient_id))
    assert not disclosure_required([])


def test_disclosure_required_reads_records_of_patients_too(sud, other, clinician):
    Consent.objects.create(
        patient=other.patient, kind="treatment", signed_by_name="Pat Doe", recorded_by=clinician
    )
    assert not disclosure_required(Consent.objects.all())
    Consent.objects.create(
        patient=sud.patient, kind="treatment", signed_by_name="Pat Doe", recorded_by=clinician
    )
    assert disclosure_required(Consent.objects.all())


def test_the_export_guard_refuses_a_sud_patients_records_and_audits_it(sud, other, supervisor):
    with pytest.raises(Part2Refused, match="leaves the program only through a release"):
        export_check(Patient.objects.all(), user=supervisor, what="census csv")
    event = AuditEvent.objects.get(action="denied")
    assert (event.user, event.patient_id, event.outcome) == (supervisor, sud.patient_id, "denied")
    assert event.object_type == "census csv"
    assert "42 CFR Part 2" in event.detail


def test_the_export_guard_lets_other_patients_records_go(other, supervisor):
    export_check([other.patient], user=supervisor, what="census csv")
    assert not AuditEvent.objects.filter(action="denied").exists()
