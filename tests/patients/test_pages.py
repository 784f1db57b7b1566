from datetime import date

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients.models import Alert, Episode, IntakeAssessment, MeasureResponse, Patient
from patients.services import measure_record
from tests.queries import query_counts

PHQ9_ITEM9 = [0, 0, 0, 0, 0, 0, 0, 0, 1]


def chart_urls(patient):
    return {
        tab: reverse(f"patients:{tab}", args=[patient.pk])
        for tab in ("chart", "intake", "measures", "consents", "alerts")
    }


# --- who sees which chart ----------------------------------------------------------------


@pytest.mark.parametrize("tab", ["chart", "intake", "measures", "consents", "alerts"])
def test_the_primary_clinician_opens_every_tab(client, clinician, patient, tab):
    client.force_login(clinician)
    assert client.get(chart_urls(patient)[tab]).status_code == 200


@pytest.mark.parametrize("tab", ["chart", "measures", "alerts"])
def test_a_clinician_off_the_care_team_gets_404(client, clinician2, patient, tab):
    client.force_login(clinician2)
    assert client.get(chart_urls(patient)[tab]).status_code == 404


def test_a_refused_chart_is_recorded_as_denied(client, clinician2, patient):
    client.force_login(clinician2)
    client.get(chart_urls(patient)["chart"])
    assert AuditEvent.objects.filter(
        user=clinician2, action=AuditEvent.Action.DENIED, object_id=str(patient.pk)
    ).exists()


def test_a_care_team_member_sees_the_chart(client, clinician2, patient, episode):
    episode.care_team.add(clinician2)
    client.force_login(clinician2)
    assert client.get(chart_urls(patient)["chart"]).status_code == 200


def test_a_supervisor_sees_every_chart(client, supervisor, patient):
    client.force_login(supervisor)
    assert client.get(chart_urls(patient)["alerts"]).status_code == 200


@pytest.mark.parametrize(
    "tab,status",
    [
        ("chart", 200),
        ("intake", 200),
        ("measures", 200),
        ("consents", 200),
        ("alerts", 404),
    ],
)
def test_intake_reads_demographics_screenings_and_consents_but_not_alerts(
    client, intake, patient, tab, status
):
    client.force_login(intake)
    assert client.get(chart_urls(patient)[tab]).status_code == status


def test_intake_does_not_see_the_alert_list_on_the_summary(client, intake, patient, clinician):
    measure_record(patient=patient, instrument_code="PHQ9", responses=PHQ9_ITEM9, user=clinician)
    client.force_login(intake)
    html = client.get(chart_urls(patient)["chart"]).content.decode()
    assert "Open alerts" not in html


def test_an_admin_has_no_chart_access(client, admin_user_role, patient):
    client.force_login(admin_user_role)
    assert client.get(chart_urls(patient)["chart"]).status_code == 404


def test_opening_a_chart_is_audited_with_the_patient(client, clinician, patient):
    client.force_login(clinician)
    client.get(chart_urls(patient)["measures"])
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, user=clinician).latest("id")
    assert event.patient_id == patient.pk


# --- the chart's content --------------------------------------------------------------


def test_the_header_shows_program_status_level_and_badges(
    client, clinician, make_episode, sud_program
):
    episode = make_episode(clinician=clinician, program_=sud_program, is_sud=True)
    measure_record(
        patient=episode.patient, instrument_code="PHQ9", responses=PHQ9_ITEM9, user=clinician
    )
    client.force_login(clinician)
    html = client.get(chart_urls(episode.patient)["chart"]).content.decode()
    assert "Substance Use IOP" in html and "Active" in html and "IOP" in html
    assert 'data-testid="risk-badge"' in html
    assert ">Part 2<" in html


def test_the_measures_tab_carries_the_chart_data_with_band_boundaries(client, clinician, patient):
    measure_record(patient=patient, instrument_code="PHQ9", responses=[2] * 8 + [0], user=clinician)
    client.force_login(clinician)
    response = client.get(chart_urls(patient)["measures"])
    series = response.context["chart_data"][0]
    assert series["code"] == "PHQ9"
    assert series["points"][0]["total"] == 16
    assert {"low": 10, "high": 14, "label": "moderate"} in series["bands"]
    assert 'id="measure-chart-data"' in response.content.decode()


# --- measures through the page ---------------------------------------------------------


def measure_post(answers, **extra):
    data = {f"item_{i}": str(v) for i, v in enumerate(answers, start=1) if v is not None}
    data["administered_at"] = "2026-11-20T10:00"
    data.update(extra)
    return data


def test_a_phq9_is_scored_on_the_server(client, clinician, patient):
    client.force_login(clinician)
    url = reverse("patients:measure-new", args=[patient.pk, "PHQ9"])
    response = client.post(url, measure_post([3, 3, 2, 2, 1, 1, 1, 1, 0]), follow=True)
    assert "PHQ-9 saved: 14, moderate." in response.content.decode()
    assert MeasureResponse.objects.get(patient=patient).total_score == 14


def test_a_missing_answer_is_named_and_nothing_is_stored(client, clinician, patient):
    client.force_login(clinician)
    url = reverse("patients:measure-new", args=[patient.pk, "PHQ9"])
    response = client.post(url, measure_post([1, 1, None, 1, 1, 1, 1, 1, 0]))
    assert response.status_code == 200
    assert "item 3" in response.content.decode().lower()
    assert response.context["form"]["item_1"].value() == "1"  # what was typed is kept
    assert not MeasureResponse.objects.exists()


def test_an_out_of_range_answer_is_refused(client, clinician, patient):
    client.force_login(clinician)
    url = reverse("patients:measure-new", args=[patient.pk, "GAD7"])
    response = client.post(url, measure_post([1, 1, 1, 1, 1, 1, 7]))
    assert response.status_code == 200
    assert not MeasureResponse.objects.exists()


def test_item9_at_a_low_total_raises_a_risk_alert_for_the_primary_clinician(
    client, intake, clinician, patient
):
    client.force_login(intake)
    url = reverse("patients:measure-new", args=[patient.pk, "PHQ9"])
    response = client.post(url, measure_post(PHQ9_ITEM9), follow=True)
    assert "A risk alert went to the primary clinician" in response.content.decode()
    alert = Alert.objects.get(patient=patient)
    # Item 9 is a screen: the alert asks for a C-SSRS today and sets no risk level.
    assert (alert.kind, alert.assigned_to, alert.risk_level) == ("risk", clinician, "")
    assert "C-SSRS needed today" in alert.title


# --- alerts on Today and their acknowledgement ---------------------------------------------


@pytest.fixture
def risk_alert(patient, clinician):
    measure_record(patient=patient, instrument_code="PHQ9", responses=PHQ9_ITEM9, user=clinician)
    return Alert.objects.get(patient=patient)


def test_the_clinician_sees_the_risk_alert_on_today(client, clinician, risk_alert):
    client.force_login(clinician)
    html = client.get(reverse("today")).content.decode()
    assert risk_alert.title in html


def test_a_supervisor_sees_every_risk_alert_on_today(client, supervisor, risk_alert):
    client.force_login(supervisor)
    assert risk_alert.title in client.get(reverse("today")).content.decode()


def test_another_clinician_does_not_see_it(client, clinician2, risk_alert):
    client.force_login(clinician2)
    assert risk_alert.title not in client.get(reverse("today")).content.decode()


def test_a_risk_alert_needs_a_note_of_what_was_done(client, clinician, risk_alert):
    client.force_login(clinician)
    url = reverse("patients:alert-close", args=[risk_alert.patient_id, risk_alert.pk])
    response = client.post(url, {"action_taken": ""})
    assert response.status_code == 200
    risk_alert.refresh_from_db()
    assert risk_alert.is_open


def test_the_acknowledge_page_shows_the_alert_and_returns_where_it_came_from(
    client, clinician, risk_alert
):
    client.force_login(clinician)
    url = reverse("patients:alert-close", args=[risk_alert.patient_id, risk_alert.pk])
    page = client.get(url, {"next": "/patients/"})
    assert page.status_code == 200
    assert risk_alert.title in page.content.decode()
    assert 'name="next" value="/patients/"' in page.content.decode()
    done = client.post(url, {"action_taken": "Called.", "next": "/patients/"})
    assert done.url == "/patients/"
    risk_alert.refresh_from_db()
    offsite = client.post(
        reverse("patients:alert-close", args=[risk_alert.patient_id, risk_alert.pk]),
        {"action_taken": "x", "next": "https://evil.example/"},
    )
    assert offsite.status_code in (200, 302)
    assert "evil.example" not in offsite.get("Location", "")


def test_acknowledging_records_who_when_and_what(client, clinician, risk_alert):
    client.force_login(clinician)
    url = reverse("patients:alert-close", args=[risk_alert.patient_id, risk_alert.pk])
    client.post(url, {"action_taken": "Called; safety plan reviewed; no intent."})
    risk_alert.refresh_from_db()
    assert (risk_alert.is_open, risk_alert.closed_by) == (False, clinician)
    assert risk_alert.closed_at is not None
    assert risk_alert.action_taken == "Called; safety plan reviewed; no intent."


# --- referral and intake ---------------------------------------------------------------------


def referral_data(program, **extra):
    data = {
        "patient-legal_first_name": "Robin",
        "patient-legal_last_name": "Hale",
        "patient-date_of_birth": "1985-04-02",
        "patient-sex": "female",
        "patient-preferred_contact_channel": "phone",
        "patient-phone": "555-0100",
        "episode-program": program.pk,
        "episode-referral_source": "Primary care",
        "episode-referral_date": "2026-11-20",
        "episode-level_of_care": "IOP",
    }
    data.update(extra)
    return data


def test_intake_registers_a_referral_and_starts_the_intake(client, intake, program):
    client.force_login(intake)
    response = client.post(
        reverse("patients:referral-new"), referral_data(program, start_intake="1")
    )
    episode = Episode.objects.get(patient__legal_last_name="Hale")
    assert episode.status == Episode.Status.INTAKE
    assert response["Location"].endswith("/presenting/")
    assert len(episode.patient.mrn) == 8


def test_a_referral_with_errors_keeps_what_was_typed(client, intake, program):
    client.force_login(intake)
    data = referral_data(program, **{"patient-date_of_birth": "2999-01-01"})
    response = client.post(reverse("patients:referral-new"), data)
    html = response.content.decode()
    assert "The date of birth is in the future." in html
    assert 'value="Robin"' in html and 'value="Primary care"' in html
    assert not Patient.objects.exists()


def test_a_possible_duplicate_is_pointed_out_before_registering(client, intake, program):
    client.force_login(intake)
    client.post(reverse("patients:referral-new"), referral_data(program))
    Episode.objects.update(status="declined")
    response = client.post(reverse("patients:referral-new"), referral_data(program))
    assert "already registered" in response.content.decode()
    assert Patient.objects.count() == 1


def test_clinicians_cannot_use_the_intake_queue(client, clinician, db):
    client.force_login(clinician)
    assert client.get(reverse("patients:intake-queue")).status_code == 403


def test_an_intake_step_with_errors_keeps_the_typed_data(client, intake, make_episode):
    episode = make_episode(status="intake")
    client.force_login(intake)
    url = reverse("patients:intake-step", args=[episode.pk, "diagnoses"])
    response = client.post(url, {"diagnoses": "F33.1 Depression\nNOTACODE oops"})
    html = response.content.decode()
    assert "Not an ICD-10 code: NOTACODE" in html
    assert "F33.1 Depression" in html and "NOTACODE oops" in html
    assert IntakeAssessment.objects.get(episode=episode).diagnoses == []


def test_each_step_saves_a_draft_and_the_intake_resumes_there(client, intake, make_episode):
    episode = make_episode(status="intake")
    client.force_login(intake)
    client.post(
        reverse("patients:intake-step", args=[episode.pk, "presenting"]),
        {"presenting_problem": "Panic attacks at work."},
    )
    assessment = IntakeAssessment.objects.get(episode=episode)
    assert assessment.presenting_problem == "Panic attacks at work."
    assert assessment.current_step == "history"
    queue = client.get(reverse("patients:intake-queue")).content.decode()
    assert reverse("patients:intake-step", args=[episode.pk, "history"]) in queue


def test_completing_needs_the_required_sections(client, intake, make_episode):
    episode = make_episode(status="intake")
    client.force_login(intake)
    response = client.post(reverse("patients:intake-review", args=[episode.pk]))
    assert response.status_code == 400
    assert "Complete these sections first: Presenting problem" in response.content.decode()
    episode.refresh_from_db()
    assert episode.status == Episode.Status.INTAKE


def test_the_asam_step_appears_only_for_substance_use_care(
    client, intake, make_episode, sud_program
):
    sud = make_episode(status="intake", program_=sud_program, is_sud=True)
    mh = make_episode(status="intake")
    client.force_login(intake)
    assert client.get(reverse("patients:intake-step", args=[sud.pk, "asam"])).status_code == 200
    assert client.get(reverse("patients:intake-step", args=[mh.pk, "asam"])).status_code == 404


def test_a_completed_intake_admits_the_patient(admit, clinician):
    episode = admit(clinician=clinician)
    assert (episode.status, episode.level_of_care, episode.admission_date) == (
        Episode.Status.ACTIVE,
        "IOP",
        date.today(),
    )
    assert clinician in episode.care_team.all()


# --- caseload ----------------------------------------------------------------------------


def test_the_caseload_lists_only_my_patients(client, clinician, clinician2, make_episode):
    mine = make_episode(clinician=clinician, last_name="Mine")
    make_episode(clinician=clinician2, last_name="Theirs")
    client.force_login(clinician)
    rows = client.get(reverse("patients:caseload")).context["episodes"]
    assert [e.patient.legal_last_name for e in rows] == [mine.patient.legal_last_name]


def test_the_caseload_searches_by_name_and_mrn(client, supervisor, make_episode, clinician):
    a = make_episode(clinician=clinician, last_name="Alvarez")
    make_episode(clinician=clinician, last_name="Brook")
    client.force_login(supervisor)
    url = reverse("patients:caseload")
    by_name = client.get(url, {"q": "alva"}).context["episodes"]
    by_mrn = client.get(url, {"q": a.patient.mrn}).context["episodes"]
    assert [e.pk for e in by_name] == [a.pk] == [e.pk for e in by_mrn]


def test_the_caseload_filters_by_open_risk(client, supervisor, make_episode, clinician):
    risky = make_episode(clinician=clinician)
    make_episode(clinician=clinician)
    measure_record(
        patient=risky.patient, instrument_code="PHQ9", responses=PHQ9_ITEM9, user=clinician
    )
    client.force_login(supervisor)
    rows = client.get(reverse("patients:caseload"), {"risk": "open"}).context["episodes"]
    assert [e.pk for e in rows] == [risky.pk]


def test_the_caseload_shows_the_latest_phq9_and_its_trend(client, clinician, patient):
    measure_record(
        patient=patient, instrument_code="PHQ9", responses=[3] * 6 + [0] * 3, user=clinician
    )
    measure_record(
        patient=patient, instrument_code="PHQ9", responses=[1] * 6 + [0] * 3, user=clinician
    )
    client.force_login(clinician)
    html = client.get(reverse("patients:caseload")).content.decode()
    assert 'aria-label="down from 18"' in html


def test_the_caseload_runs_the_same_queries_for_1_or_6_patients(
    client, supervisor, make_episode, clinician
):
    def add(count):
        for _ in range(count):
            episode = make_episode(clinician=clinician, status="referred")
            measure_record(
                patient=episode.patient, instrument_code="PHQ9", responses=[1] * 9, user=clinician
            )

    add(1)
    client.force_login(supervisor)
    paths = [reverse("patients:caseload")]
    query_counts(client, paths)  # what a first request caches is not counted
    one = query_counts(client, paths)
    add(5)
    assert query_counts(client, paths) == one
    assert len(client.get(paths[0]).context["episodes"]) == 6


def test_the_chart_runs_the_same_queries_for_1_or_6_measures(client, clinician, patient):
    def add(numbers):
        for n in numbers:
            measure_record(
                patient=patient,
                instrument_code="PHQ9" if n % 2 else "GAD7",
                responses=[1] * (9 if n % 2 else 7),
                user=clinician,
            )

    add(range(2))  # one of each instrument
    client.force_login(clinician)
    paths = [chart_urls(patient)[tab] for tab in ("chart", "measures")]
    query_counts(client, paths)  # what a first request caches is not counted
    one = query_counts(client, paths)
    add(range(2, 12))
    assert query_counts(client, paths) == one


def test_an_odd_program_filter_on_the_intake_queue_is_ignored(client, intake):
    client.force_login(intake)
    assert client.get("/intake/?program=%C2%B2").status_code == 200
