"""Patients made the way the app makes them: through the services."""

from datetime import date

import pytest

from patients import services
from patients.models import Episode, Program
from patients.models.intake import steps_for

INTAKE_ANSWERS = {
    "presenting_problem": "Low mood and poor sleep for three months.",
    "client_goals": "I want to sleep through the night and go back to work.",
    "risk_level": "low",
    "risk_assessment": "Passive thoughts of death last year; none now; no plan.",
    "diagnoses": [{"code": "F32.1", "description": "Major depressive disorder, single, moderate"}],
    "recommended_level_of_care": "IOP",
    "level_of_care_rationale": "Needs structure several days a week; safe at home.",
    "asam_d1": 0,
    "asam_d2": 0,
    "asam_d3": 2,
    "asam_d4": 1,
    "asam_d5": 2,
    "asam_d6": 1,
}


@pytest.fixture
def program(db):
    return Program.objects.create(name="Adult Mental Health IOP", track="mental_health")


@pytest.fixture
def sud_program(db):
    return Program.objects.create(name="Substance Use IOP", track="substance_use")


@pytest.fixture
def make_episode(program, intake):
    counter = iter(range(1, 10_000))

    def make(
        *,
        clinician=None,
        status="active",
        program_=None,
        sex="female",
        last_name=None,
        is_sud=False,
    ):
        n = next(counter)
        episode = services.referral_register(
            user=intake,
            patient_data={
                "legal_first_name": f"Pat{n}",
                "legal_last_name": last_name or f"Doe{n}",
                "date_of_birth": date(1990, 1, 1),
                "sex": sex,
            },
            episode_data={
                "program": program_ or program,
                "referral_source": "Primary care",
                "is_sud": is_sud,
            },
        )
        if status == "referred":
            return episode
        assessment = services.intake_start(episode=episode, user=intake)
        if status == "intake":
            return episode
        data = {**INTAKE_ANSWERS, "primary_clinician": clinician}
        for step in steps_for(episode):
            services.intake_save_step(assessment=assessment, step=step, data=data, user=intake)
        services.intake_complete(assessment=assessment, user=intake)
        return Episode.objects.get(pk=episode.pk)

    return make


@pytest.fixture
def episode(make_episode, clinician):
    """An active episode of a patient on `clinician`'s caseload."""
    return make_episode(clinician=clinician)


@pytest.fixture
def patient(episode):
    return episode.patient
