"""A supervisor's alert, consent and episode lists walk an index in the list's order, testing
each row's patient: their programs' rows only, in the same order a join and sort would give."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Alert, Consent, Episode
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patients(make_episode):
    """Two patients of the supervisor's program, then one of another program."""
    mine = [make_episode(status="intake").patient for _ in range(2)]
    elsewhere = ProgramFactory(name="Elsewhere IOP")
    return [*mine, make_episode(status="intake", program_=elsewhere).patient]


def two_pages(api_client, user, name):
    api_client.force_authenticate(user)
    first = api_client.get(reverse(name), {"page_size": 2}).json()
    following = api_client.get(first["next"]).json()["results"]
    return first["count"], [row["id"] for row in first["results"] + following]


def test_a_supervisors_alerts_are_their_programs_most_urgent_then_newest(
    api_client, supervisor, patients
):
    now = timezone.now()
    made = [
        Alert.objects.create(
            patient=patients[patient],
            kind="risk",
            title="t",
            priority=priority,
            status=status,
            raised_at=now - timedelta(hours=hours),
        )
        for patient, priority, status, hours in [
            (0, 1, "open", 1),
            (1, 3, "closed", 5),
            (0, 3, "open", 2),
            (1, 1, "closed", 0),
            (2, 3, "open", 0),
        ]
    ]

    count, ids = two_pages(api_client, supervisor, "alert-list")

    assert (count, ids) == (4, [made[2].pk, made[1].pk, made[3].pk, made[0].pk])


def test_a_supervisors_consents_are_their_programs_newest_signed_first(
    api_client, supervisor, patients
):
    now = timezone.now()
    made = [
        Consent.objects.create(
            patient=patients[patient],
            kind="treatment",
            signed_by_name="P",
            signed_at=now - timedelta(days=days),
        )
        for patient, days in [(0, 3), (1, 1), (2, 0), (1, 7), (0, 2)]
    ]

    count, ids = two_pages(api_client, supervisor, "consent-list")

    assert (count, ids) == (4, [made[1].pk, made[4].pk, made[0].pk, made[3].pk])


def test_a_supervisors_episodes_are_their_programs_latest_referrals_first(
    api_client, supervisor, patients, make_episode
):
    today = timezone.localdate()
    mine, elsewhere = [*patients[:2], make_episode(status="intake").patient], patients[2]
    episodes = [patient.episodes.get() for patient in (*mine, elsewhere)]
    for episode, days in zip(episodes, (3, 5, 3, 0), strict=True):
        Episode.objects.filter(pk=episode.pk).update(referral_date=today - timedelta(days=days))

    count, ids = two_pages(api_client, supervisor, "episode-list")

    # The other program's newest is left out; a tie on the date goes to the later episode.
    assert (count, ids) == (3, [episodes[2].pk, episodes[0].pk, episodes[1].pk])
