"""Fixtures for the report tests: two programs side by side, each with its supervisor, a
clinician and patients, so that "the supervisor of program A never counts program B" can be
asked of any section; and the sample section (tests/reports/sample_section.py) for the tests
of the pages, exports and API, which render any section.

`program` (tests/fixtures/patients.py) is program A, supervised by `supervisor`; `program_b`
is supervised by `supervisor_b`, and `clinician_b` holds its caseload. `report_episode` makes
an episode with the dates a report counts (admission, discharge)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from iop.accounts.roles import Role
from patients.models import Episode
from tests.factories import EpisodeFactory, PatientFactory, ProgramFactory, UserFactory
from tests.reports import sample_section as sample


@pytest.fixture
def sample_section():
    """The sample section installed (after any real section) for the test."""
    with sample.installed():
        yield sample


@pytest.fixture
def program_b(db):
    return ProgramFactory(name="Substance Use IOP B", track="substance_use")


@pytest.fixture
def supervisor_b(db, program_b):
    user = UserFactory(username="supervisor-b", role=Role.SUPERVISOR)
    program_b.supervisors.add(user)
    return user


@pytest.fixture
def clinician_b(db):
    return UserFactory(
        username="clinician-b", role=Role.CLINICIAN, first_name="Blair", last_name="Quinn"
    )


@pytest.fixture
def report_episode(program, intake):
    """`report_episode(clinician=..., admitted_days_ago=10, discharged_days_ago=None,
    program_=None, level_of_care="IOP", reason="completed", last_name=None)`: an episode of a
    new patient ("Rex<n> Roe<n>"), admitted that many days before today (and discharged, when
    asked, with the reason)."""
    counter = iter(range(1, 10_000))

    def make(
        *,
        clinician,
        admitted_days_ago=10,
        discharged_days_ago=None,
        program_=None,
        level_of_care=Episode.LevelOfCare.IOP,
        reason=Episode.DischargeReason.COMPLETED,
        last_name=None,
    ):
        n = next(counter)
        today = timezone.localdate()
        patient = PatientFactory(
            legal_first_name=f"Rex{n}", legal_last_name=last_name or f"Roe{n}", created_by=intake
        )
        discharged = discharged_days_ago is not None
        admitted = today - timedelta(days=admitted_days_ago)
        return EpisodeFactory(
            patient=patient,
            program=program_ or program,
            status=Episode.Status.DISCHARGED if discharged else Episode.Status.ACTIVE,
            primary_clinician=clinician,
            level_of_care=level_of_care,
            referral_date=admitted - timedelta(days=7),
            admission_date=admitted,
            discharge_date=today - timedelta(days=discharged_days_ago) if discharged else None,
            discharge_reason=reason if discharged else "",
            intake__by=intake,
        )

    return make


@pytest.fixture
def two_programs(
    report_episode, program, program_b, supervisor, supervisor_b, clinician, clinician_b
):
    """Program A: three active patients of `clinician` (one at PHP level, one admitted 40 days
    ago) and one discharged 5 days ago; program B: two active patients of `clinician_b`."""
    a = [
        report_episode(clinician=clinician, admitted_days_ago=3),
        report_episode(clinician=clinician, admitted_days_ago=40),
        report_episode(clinician=clinician, admitted_days_ago=12, level_of_care="PHP"),
        report_episode(clinician=clinician, admitted_days_ago=30, discharged_days_ago=5),
    ]
    b = [
        report_episode(clinician=clinician_b, admitted_days_ago=8, program_=program_b),
        report_episode(clinician=clinician_b, admitted_days_ago=20, program_=program_b),
    ]
    return {"a": a, "b": b}
