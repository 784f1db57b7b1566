"""The other API lists over tables that only grow — measures, progress entries, the accounting
of disclosures — page by cursor like sessions, attendance and notes: newest first, every row
once however the pages fall (rows recorded at the same instant included), and the same number
of queries for a few rows or many."""

import pytest
from django.urls import reverse

from disclosures.models import Disclosure
from patients.services import measure_record
from plans.models import ProgressEntry
from tests.factories import ObjectiveFactory, TreatmentPlanFactory
from tests.queries import query_counts

LISTS = ("measure-list", "progress-list", "disclosure-list")
PHQ9 = [2, 2, 1, 1, 1, 1, 1, 1, 0]


@pytest.fixture
def grow(clock, episode, clinician):
    """`grow(n)`: n more PHQ-9s, progress entries and disclosures for the episode's patient,
    all at the same instant (the clock is stopped)."""
    patient = episode.patient
    plan = TreatmentPlanFactory(episode=episode, patient=patient, created_by=clinician)
    objective = ObjectiveFactory(goal__problem__plan=plan)

    def more(count):
        for _ in range(count):
            measure_record(patient=patient, instrument_code="PHQ9", responses=PHQ9, user=clinician)
            ProgressEntry.objects.create(
                objective=objective,
                lineage=objective.lineage,
                patient=patient,
                rating=ProgressEntry.Rating.SOME,
                recorded_by=clinician,
            )
            Disclosure.objects.create(
                patient=patient,
                episode=episode,
                disclosed_by=clinician,
                recipient_kind=Disclosure.RecipientKind.ORGANISATION,
                recipient_name="Riverside Primary Care",
                purpose="treatment",
                is_part2=False,
                consent_statement="Treatment, plan and attendance.",
                packet=b"%PDF-1.7",
                packet_sha256="0" * 64,
                packet_pages=1,
            )

    return more


@pytest.fixture
def as_role(api_client, clinician, supervisor, director):
    users = {"clinician": clinician, "supervisor": supervisor, "director": director}

    def sign_in(role):
        api_client.force_authenticate(users[role])
        return api_client

    return sign_in


def walk(client, name, page_size):
    ids = []
    answer = client.get(reverse(name), {"page_size": page_size}).json()
    while True:
        ids += [row["id"] for row in answer["results"]]
        if answer["next"] is None:
            return ids
        answer = client.get(answer["next"]).json()


@pytest.mark.parametrize("name", LISTS)
def test_walking_the_pages_gives_every_row_once_newest_first(grow, as_role, name):
    grow(5)
    client = as_role("supervisor")
    everything = walk(client, name, 200)
    assert len(everything) == 5
    assert everything == sorted(everything, reverse=True)  # one instant: newest id first
    assert walk(client, name, 2) == everything


@pytest.mark.parametrize("role", ["clinician", "supervisor", "director"])
def test_queries_do_not_grow_with_the_lists(grow, as_role, role):
    grow(1)
    client = as_role(role)
    paths = [reverse(name) for name in LISTS]
    query_counts(client, paths)
    small = query_counts(client, paths)
    grow(6)
    assert query_counts(client, paths) == small
