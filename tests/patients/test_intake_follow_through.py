"""An intake ready for the clinician reaches them in the app: Today lists the intakes waiting
for their confirmation, the chart's intake tab and the intake queue link the review, and a
consent recorded from the review goes back to it (found walking a week of work in the demo)."""

import pytest
from django.urls import reverse

from patients import services
from patients.models import Episode
from tests.factories import INTAKE_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def prepared(make_episode, intake, clinician):
    """An episode in intake whose every section the coordinator has filled, `clinician` its
    primary clinician."""

    def make():
        episode = make_episode(status="intake")
        answers = {k: v for k, v in INTAKE_ANSWERS.items() if not k.startswith("asam_")}
        services.intake_update(
            assessment=episode.intake, data={**answers, "primary_clinician": clinician}, user=intake
        )
        return Episode.objects.get(pk=episode.pk)

    return make


CONSENT = {
    "kind": "treatment",
    "signed_by_name": "Pat Doe",
    "signer_relationship": "self",
    "signed_at": "2026-11-20T10:00",
}


def test_today_lists_the_intakes_waiting_for_the_primary_clinician(
    client, prepared, clinician, clinician2, make_episode, password
):
    episode = prepared()  # diagnoses and level of care prepared; clinician is its primary
    make_episode(status="intake")  # nothing prepared yet: nothing to confirm
    review = reverse("patients:intake-review", args=[episode.pk])

    client.login(username="clinician", password=password)
    page = client.get(reverse("today")).content.decode()
    assert "Intakes waiting for your confirmation" in page
    assert f'href="{review}"' in page
    assert "Review the intake of Pat1" in page
    assert "Pat2" not in page

    client.login(username="clinician2", password=password)
    page = client.get(reverse("today")).content.decode()
    assert "Intakes waiting for your confirmation" not in page


def test_a_confirmed_intake_leaves_today(client, prepared, clinician, password):
    episode = prepared()
    services.intake_confirm(assessment=episode.intake, user=clinician)
    client.login(username="clinician", password=password)
    page = client.get(reverse("today")).content.decode()
    assert "Intakes waiting for your confirmation" not in page


def test_the_chart_and_the_queue_link_the_review(client, prepared, clinician, intake, password):
    episode = prepared()
    review = reverse("patients:intake-review", args=[episode.pk])
    client.login(username="clinician", password=password)
    chart = client.get(reverse("patients:intake", args=[episode.patient_id])).content.decode()
    assert f'href="{review}">Review and admit</a>' in chart
    client.login(username="intake", password=password)
    queue = client.get(reverse("patients:intake-queue")).content.decode()
    assert f'href="{review}">Review</a>' in queue


def test_a_consent_recorded_from_the_review_goes_back_to_it(client, prepared, intake, password):
    episode = prepared()
    review = reverse("patients:intake-review", args=[episode.pk])
    client.login(username="intake", password=password)
    page = client.get(review).content.decode()
    url = reverse("patients:consent-new", args=[episode.patient_id]) + "?kind=treatment"
    assert f'href="{url}&amp;then=review"' in page
    response = client.post(
        url + "&then=review",
        CONSENT,
    )
    assert response.status_code == 302, response.context["form"].errors
    assert response.url == review
    # Recorded from the consents tab: back to the consents, as before.
    response = client.post(url, CONSENT)
    assert response.url == reverse("patients:consents", args=[episode.patient_id])


def test_the_queue_names_the_step_an_intake_stopped_at_by_its_title(
    client, make_episode, intake, password
):
    episode = make_episode(status="intake")
    episode.intake.current_step = "family-social"
    episode.intake.save(update_fields=["current_step"])
    client.login(username="intake", password=password)
    queue = client.get(reverse("patients:intake-queue")).content.decode()
    assert "Draft, at “Family, social situation and support”" in queue
    assert "“family-social”" not in queue
