"""Documents' fixtures: patients on `clinician`'s caseload (one SUD, one not) on the stopped
clock of Monday 2 November 2026, a signed individual note, a signed plan and safety plan, and a
discharged episode with its aftercare plan."""

from datetime import date

import pytest

from plans import services as plan_services
from sessions import services as ss
from tests.plans.helpers import AFTERCARE
from tests.sessions.helpers import MON_2, at, book

NOTE_TEXT = "Named three triggers and a plan for the weekend."
SAFETY = {
    "warning_signs": "Staying in bed past noon.",
    "coping_strategies": "Walk the dog.",
    "distractions": "Coffee shop on Main St.",
    "help_contacts": "My sister Ana (555-0141).",
    "environment_safety": "Medications kept by my partner.",
    "reasons_for_living": "My nieces.",
}


@pytest.fixture
def mh_episode(clock, make_episode, clinician):
    return make_episode(clinician=clinician, last_name="Mood")


@pytest.fixture
def sud_episode(clock, make_episode, clinician, sud_program):
    return make_episode(clinician=clinician, is_sud=True, program_=sud_program, last_name="Sud")


@pytest.fixture
def signed_note(clock, clinician):
    """A signed individual-session note for `episode` on Mon 2 Nov 2026 at 09:00."""

    def make(episode, text=NOTE_TEXT, sign=True):
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
        return ss.note_sign(note=note, user=clinician) if sign else note

    return make


@pytest.fixture
def signed_plan(make_plan, clinician):
    def make(episode):
        return plan_services.plan_activate(
            plan=make_plan(episode), user=clinician, patient_ack_name=episode.patient.legal_name
        )

    return make


@pytest.fixture
def safety_plan(clinician):
    def make(episode, sign=True):
        plan = plan_services.safety_plan_start(patient=episode.patient, user=clinician)
        plan = plan_services.safety_plan_update(plan=plan, data=SAFETY, user=clinician)
        if sign:
            plan = plan_services.safety_plan_activate(
                plan=plan, user=clinician, patient_ack_name=episode.patient.legal_name
            )
        return plan

    return make


@pytest.fixture
def discharged(clock, signed_plan, clinician):
    """Discharge `episode` (a signed plan first) with the aftercare plan, on 2 Nov 2026."""

    def make(episode, reason="completed"):
        signed_plan(episode)
        plan_services.episode_discharge(
            episode=episode,
            aftercare=AFTERCARE,
            reason=reason,
            user=clinician,
            discharge_date=date(2026, 11, 2),
        )
        episode.refresh_from_db()
        return episode

    return make
