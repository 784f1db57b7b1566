"""Medications' fixtures: a SUD patient on `clinician`'s caseload (a program `supervisor`
supervises) on the stopped clock of Monday 2 November 2026, and a buprenorphine entry."""

from datetime import date

import pytest

from medications import services

BUPRENORPHINE = {
    "name": "Buprenorphine/naloxone",
    "rxnorm_code": "1010600",
    "strength": "8 mg/2 mg",
    "dose": "1 film",
    "route": "sublingual",
    "frequency": "once daily",
    "prescriber_name": "Dr. Lee (community clinic)",
    "start_date": date(2026, 10, 1),
    "reason": "Opioid use disorder",
}


@pytest.fixture
def episode(clock, make_episode, clinician, supervisor):
    return make_episode(clinician=clinician, is_sud=True, last_name="Meds")


@pytest.fixture
def patient(episode):
    return episode.patient


@pytest.fixture
def bup(patient, clinician):
    return services.medication_add(patient=patient, data=dict(BUPRENORPHINE), user=clinician)
