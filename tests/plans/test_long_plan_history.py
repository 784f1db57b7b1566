"""The plan page and the version history of a patient with many versions: only what is shown
is read, the rest a page away, and every list says how long it is."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from plans.models import Objective, ProgressEntry
from tests import history


def test_the_version_history_pages_newest_first_and_says_how_many(client, clinician, episode):
    history.plan_versions(episode, 30, last="active")
    client.force_login(clinician)
    url = reverse("plans:history", args=[episode.patient_id])
    response = client.get(url)
    assert [p.version for p in response.context["plans"]][:2] == [30, 29]
    assert len(response.context["plans"]) == 25
    html = response.content.decode()
    assert "1–25 of 30 versions" in html and 'href="?page=2">Older versions<' in html
    assert [p.version for p in client.get(url, {"page": 2}).context["plans"]] == [5, 4, 3, 2, 1]


def test_the_plan_page_shows_the_active_version_and_pages_the_reviews(client, clinician, episode):
    history.plan_versions(episode, 14, last="active")
    client.force_login(clinician)
    url = reverse("plans:patient-plan", args=[episode.patient_id])
    response = client.get(url)
    assert response.context["active"].version == 14
    assert len(response.context["reviews"]) == 10
    html = response.content.decode()
    assert "Treatment plan, version 14" in html
    assert "1–10 of 14 reviews" in html
    assert 'href="?reviews=2#reviews">Older reviews<' in html
    assert len(client.get(url, {"reviews": 2}).context["reviews"]) == 4


def test_a_discharged_episode_shows_its_last_signed_version(client, clinician, episode, program):
    past = history.past_episode(episode.patient, program=program, clinician=clinician, versions=5)
    client.force_login(clinician)
    response = client.get(reverse("plans:patient-plan", args=[episode.patient_id]))
    (record,) = response.context["discharged"]
    assert record["episode"] == past
    assert (record["plan"].version, record["plan"].status) == (5, "closed")


def test_an_objectives_earlier_progress_entries_are_folded_not_dropped(client, clinician, active):
    objective = Objective.objects.get(goal__problem__plan=active)
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            objective=objective,
            lineage=objective.lineage,
            patient_id=active.patient_id,
            rating=ProgressEntry.Rating.SOME,
            note=f"entry {n}",
            recorded_by=clinician,
            recorded_at=timezone.now() - timedelta(days=n),
        )
        for n in range(5)
    )
    client.force_login(clinician)
    html = client.get(reverse("plans:patient-plan", args=[active.patient_id])).content.decode()
    assert all(f"entry {n}" in html for n in range(5))
    assert "2 earlier entries" in html
