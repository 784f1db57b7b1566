"""The week pages read `?week=` safely: a bad or out-of-range value shows this week."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "2026-13-40", "soon", "\u0661"])
def test_a_bad_or_out_of_range_week_shows_this_week(client, clinician, clock, week):
    client.force_login(clinician)

    response = client.get(reverse("sessions:week"), {"week": week})

    assert response.status_code == 200
    assert response.context["start"].isoformat() == "2026-11-02"  # Monday of this week


def test_a_groups_week_survives_an_out_of_range_week(client, clinician, clock, group):
    client.force_login(clinician)

    response = client.get(reverse("sessions:group", args=[group.pk]), {"week": "9999-12-30"})

    assert response.status_code == 200
    assert response.context["start"].isoformat() == "2026-11-02"


def test_a_valid_week_is_shown_from_its_monday(client, clinician, clock):
    client.force_login(clinician)

    response = client.get(reverse("sessions:week"), {"week": "2027-01-07"})

    assert response.context["start"].isoformat() == "2027-01-04"
