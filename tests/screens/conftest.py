"""Screens' fixtures: a SUD patient on `clinician`'s caseload (admitted Monday 2 November 2026 on
the stopped clock) who takes buprenorphine, and helpers to collect a screen."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from medications import services as meds
from screens import services

NEW_YORK = ZoneInfo("America/New_York")
BUPRENORPHINE = {
    "name": "Buprenorphine/naloxone",
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
    return make_episode(clinician=clinician, is_sud=True, last_name="Screen")


@pytest.fixture
def patient(episode):
    return episode.patient


@pytest.fixture
def bup(patient, clinician):
    return meds.medication_add(patient=patient, data=dict(BUPRENORPHINE), user=clinician)


@pytest.fixture
def collected(patient, clinician):
    """A screen of today (urine, the default panel) collected at 08:00, 34.0 °C, observed."""
    order = services.order_create(patient=patient, due_date=date(2026, 11, 2), user=clinician)
    return services.order_collect(
        order=order,
        collected_at=datetime(2026, 11, 2, 8, 0, tzinfo=NEW_YORK),
        observed=True,
        temperature_c="34.0",
        user=clinician,
    )


def negatives(order, **overrides):
    values = dict.fromkeys(order.panel, "negative")
    values.update(overrides)
    return values
