"""Utilization reviews' fixtures: a biller, a payer, coverage and an approved authorization
of 20 per-diem days from Mon 2 Nov 2026 (the stopped clock's day) to Sun 29 Nov 2026, for an
episode on the clinician's caseload (mental health) or an SUD episode."""

from datetime import date, timedelta

import pytest

from billing.models import Authorization, Coverage, Payer
from iop.accounts.roles import Role
from patients import services as patient_services
from tests.factories import UserFactory

PAYER = "Blue Harbor Health"
FIRST, LAST = date(2026, 11, 2), date(2026, 11, 29)


@pytest.fixture(autouse=True)
def _supervisor_of_the_sud_program(supervisor_supervises_sud_program):
    """Every test here: see tests/fixtures/patients.py."""


@pytest.fixture
def biller(db):
    return UserFactory(username="biller", role=Role.BILLER, first_name="Bea", last_name="Biller")


@pytest.fixture
def payer(db):
    return Payer.objects.create(name=PAYER, payer_id="BHH01")


def make_authorization(episode, payer, **extra):
    coverage = Coverage.objects.create(
        episode=episode,
        payer=payer,
        plan_name="Gold PPO",
        member_id="BH123456",
        effective_from=FIRST - timedelta(days=60),
    )
    values = {
        "episode": episode,
        "coverage": coverage,
        "service_codes": "S9480",
        "number_authorized": 20,
        "first_date": FIRST,
        "last_date": LAST,
        "reference_number": "AUTH-778",
        "status": Authorization.Status.APPROVED,
        "next_review_date": date(2026, 11, 16),
        **extra,
    }
    return Authorization.objects.create(**values)


@pytest.fixture
def authorization(clock, make_episode, clinician, payer):
    return make_authorization(make_episode(clinician=clinician, last_name="Mood"), payer)


@pytest.fixture
def sud_authorization(clock, make_episode, clinician, payer, sud_program):
    episode = make_episode(clinician=clinician, is_sud=True, program_=sud_program, last_name="Sud")
    return make_authorization(episode, payer)


@pytest.fixture
def payer_consent(intake):
    """A consent naming the payer, for payment: `payer_consent(episode, kind="part2")`."""

    def make(episode, *, kind="part2", purposes=("payment",), recipient=PAYER, **extra):
        data = {
            "kind": kind,
            "recipient": recipient,
            "purpose": "Utilization review and payment",
            "purposes": list(purposes),
            "covers": list(extra.pop("covers", ["plan", "measures", "attendance"])),
            "scope": "Plan, attendance, measures and risk for utilization review",
            "expires_on": date(2027, 6, 30),
            "signed_by_name": episode.patient.legal_name,
            **extra,
        }
        return patient_services.consent_record(patient=episode.patient, user=intake, data=data)

    return make


def review_data(**overrides):
    data = {
        "review_date": date(2026, 11, 2),
        "kind": "concurrent",
        "reviewer_name": "Dana Reyes, RN",
        "reviewer_phone": "(555) 010-2200 ext 4",
        "outcome": "approved",
        "granted": 10,
        "new_last_date": LAST + timedelta(days=14),
        "next_review_date": date(2026, 11, 30),
        "notes": "Continued stay approved for two more weeks.",
    }
    data.update(overrides)
    return data
