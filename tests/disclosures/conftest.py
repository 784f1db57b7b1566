"""Releases' fixtures: an SUD and a non-SUD patient on the clinician's caseload (on the stopped
clock of Monday 2 November 2026), consents as the consent form records them, a signed note."""

from datetime import date

import pytest

from patients import services as patient_services
from sessions import services as ss
from tests.disclosures.helpers import ALL_PARTS, RECIPIENT
from tests.sessions.conftest import monday  # noqa: F401 (the group session fixture)
from tests.sessions.helpers import MON_2, at, book


@pytest.fixture(autouse=True)
def _supervisor_of_the_sud_program(supervisor_supervises_sud_program):
    """Every test here: see tests/fixtures/patients.py."""


@pytest.fixture
def sud_episode(clock, make_episode, clinician, sud_program):
    return make_episode(clinician=clinician, is_sud=True, program_=sud_program, last_name="Sud")


@pytest.fixture
def mh_episode(clock, make_episode, clinician):
    return make_episode(clinician=clinician, last_name="Mood")


@pytest.fixture
def consent(intake):
    """Record a consent for `episode`'s patient: `consent(episode, kind="part2", ...)`."""

    def make(episode, *, kind="part2", recipient=RECIPIENT, purposes=("treatment",), **extra):
        data = {
            "kind": kind,
            "recipient": recipient,
            "purpose": "Care coordination after discharge",
            "purposes": list(purposes),
            "covers": list(extra.pop("covers", ALL_PARTS)),
            "scope": "Diagnosis, plan, attendance and progress notes",
            "expires_on": extra.pop("expires_on", date(2027, 6, 30)),
            "signed_by_name": episode.patient.legal_name,
            **extra,
        }
        return patient_services.consent_record(patient=episode.patient, user=intake, data=data)

    return make


@pytest.fixture
def signed_note(clock, clinician):
    """A signed individual-session note for `episode` on Mon 2 Nov 2026 at 09:00."""

    def make(episode, text="Named three triggers and a plan for the weekend."):
        session = book(clinician, starts_at=at(MON_2, 9), episode=episode)
        clock.move_to(at(MON_2, 11), tick=False)
        ss.attendance_mark(session=session, episode=episode, status="present", user=clinician)
        note = ss.note_start(session=session, user=clinician)
        ss.note_save(
            note=note,
            user=clinician,
            shared={"data": "Reviewed the week.", "assessment": "Engaged.", "plan": "Continue."},
            entries={episode.patient_id: {"text": text, "risk_level": "none"}},
        )
        return ss.note_sign(note=note, user=clinician)

    return make
