"""The chart tabs that need the patient's episodes (medications, screens, billing, plan) take
them as the chart header read them: the same answer as their own read, without the query."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.selectors import chart_billing
from medications.services.entries import current_episode
from patients.models import Episode
from patients.selectors import chart_header
from plans.selectors import discharged_episodes
from tests.factories import EpisodeFactory, ProgramFactory


def _patient_with_three_episodes(program):
    """Two discharged episodes, the later made first (the header's newest-first order is by
    referral date, not id), then an active one (one open episode at most)."""
    today = timezone.localdate()
    later = EpisodeFactory(
        program=program,
        status=Episode.Status.DISCHARGED,
        referral_date=today - timedelta(days=100),
        discharge_date=today - timedelta(days=60),
    )
    patient = later.patient
    EpisodeFactory(
        patient=patient,
        program=ProgramFactory(),
        status=Episode.Status.DISCHARGED,
        referral_date=today - timedelta(days=300),
        discharge_date=today - timedelta(days=200),
    )
    EpisodeFactory(patient=patient, program=program, referral_date=today - timedelta(days=20))
    return patient


def _header_episodes(patient):
    return chart_header(patient)["episodes"]


def test_the_medication_entries_episode_is_the_same_from_the_headers_episodes(program):
    patient = _patient_with_three_episodes(program)
    episodes = _header_episodes(patient)
    with CaptureQueriesContext(connection) as queries:
        chosen = current_episode(patient, episodes=episodes)
    assert len(queries) == 0
    assert chosen == current_episode(patient)
    Episode.objects.filter(patient=patient).exclude(status="discharged").update(status="discharged")
    episodes = _header_episodes(patient)
    assert current_episode(patient, episodes=episodes) == current_episode(patient)
    assert current_episode(patient, episodes=[]) is None


def test_the_plan_tabs_discharged_episodes_are_the_same_from_the_headers_episodes(program):
    patient = _patient_with_three_episodes(program)
    episodes = _header_episodes(patient)
    given, own = discharged_episodes(patient, episodes=episodes), discharged_episodes(patient)
    assert [r["episode"].pk for r in given] == [r["episode"].pk for r in own]
    assert len(given) == 2


def test_a_patient_never_discharged_has_no_discharged_episodes_to_read(program):
    patient = EpisodeFactory(program=program).patient
    episodes = _header_episodes(patient)
    with CaptureQueriesContext(connection) as queries:
        assert discharged_episodes(patient, episodes=episodes) == []
    assert len(queries) == 0
    assert discharged_episodes(patient) == []


def test_the_billing_tab_lists_the_same_episodes_from_the_headers(program):
    patient = _patient_with_three_episodes(program)
    episodes = _header_episodes(patient)
    given, own = chart_billing(patient, episodes=episodes), chart_billing(patient)
    listed = [[e["episode"].pk for e in found["episodes"]] for found in (given, own)]
    assert listed[0] == listed[1]
    assert given["current_episode"] == own["current_episode"]
