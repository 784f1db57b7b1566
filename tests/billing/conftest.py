"""Billing's fixtures: a payer, an active episode on `clinician`'s caseload admitted Monday
2 November 2026 (the stopped clock) with primary coverage, a biller, and helpers to record
attendance on a day and to add an authorization."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from billing import services
from billing.models import Payer
from iop.accounts.roles import Role
from sessions.models import Attendance
from tests.factories import TherapySessionFactory, UserFactory

NEW_YORK = ZoneInfo("America/New_York")
MONDAY = date(2026, 11, 2)


@pytest.fixture
def biller(db):
    return UserFactory(username="biller", role=Role.BILLER)


@pytest.fixture
def payer(db):
    return Payer.objects.create(name="Acme Health", payer_id="ACME1", kind=Payer.Kind.COMMERCIAL)


@pytest.fixture
def episode(clock, make_episode, clinician, supervisor):
    return make_episode(clinician=clinician, last_name="Billing")


@pytest.fixture
def patient(episode):
    return episode.patient


@pytest.fixture
def coverage(episode, payer, biller):
    return services.coverage_create(
        episode=episode,
        data={
            "payer": payer,
            "member_id": "M123",
            "plan_name": "Gold PPO",
            "effective_from": date(2026, 10, 1),
        },
        user=biller,
    )


@pytest.fixture
def authorize(episode, coverage, biller):
    """Add an approved authorization: 10 per-diem days from Monday 2 November to Friday 13
    November unless told otherwise."""

    def make(**overrides):
        data = {
            "coverage": coverage,
            "service_codes": "S9480",
            "unit": "days",
            "number_authorized": 10,
            "first_date": MONDAY,
            "last_date": date(2026, 11, 13),
            "status": "approved",
            "reference_number": "AUTH-1",
            **overrides,
        }
        return services.authorization_create(episode=episode, data=data, user=biller)

    return make


@pytest.fixture
def attend(episode, clinician, group):
    """Record `minutes` attended at a session of `kind` (a group unless told) on `day` at 09:00."""

    def make(day, minutes=180, *, kind="group", status=Attendance.Status.PRESENT, who=None):
        who = who or episode
        session = TherapySessionFactory(
            group=group,
            kind=kind,
            starts_at=datetime.combine(day, time(9, 0), tzinfo=NEW_YORK),
            duration_minutes=max(minutes, 1),
        )
        return Attendance.objects.create(
            session=session,
            episode=who,
            patient=who.patient,
            status=status,
            minutes_attended=minutes,
            recorded_by=clinician,
        )

    return make
