"""The plan list: each version as one plan's own API read shows it (without its problems),
the newest referral's episode first, each episode's versions newest first."""

from datetime import timedelta

import pytest
from django.urls import reverse

from plans import services
from tests.plans.helpers import activate

pytestmark = pytest.mark.django_db


def test_a_signed_version_is_listed_as_its_own_read_shows_it(
    api_client, clinician, signed_versions
):
    api_client.force_authenticate(clinician)
    active = signed_versions["active"]

    rows = api_client.get(reverse("plan-list")).json()["results"]
    detail = api_client.get(reverse("plan-detail", args=[active.pk])).json()

    row = next(row for row in rows if row["id"] == active.pk)
    assert row["signed_by"] == {"id": clinician.pk, "display_name": "Casey Morgan"}
    assert row == {key: value for key, value in detail.items() if key != "problems"}


def test_plans_are_listed_by_their_episodes_newest_referral_first(
    api_client, clinician, make_episode, make_plan
):
    older, newer = make_episode(clinician=clinician), make_episode(clinician=clinician)
    older.referral_date = newer.referral_date - timedelta(days=30)
    older.save()
    first = activate(make_plan(older), clinician)
    revised = services.plan_revise(plan=first, user=clinician)
    other = make_plan(newer)
    api_client.force_authenticate(clinician)

    rows = api_client.get(reverse("plan-list")).json()["results"]

    assert [row["id"] for row in rows] == [other.pk, revised.pk, first.pk]
