"""A discharge summary prepared by someone else waits for the primary clinician on Today (the
discharged patient is off the caseload, so the chart is no longer where they look); signed, it
leaves the list."""

import pytest
from django.urls import reverse

from documents import services

pytestmark = pytest.mark.django_db


def test_a_draft_summary_is_on_the_primary_clinicians_today_until_signed(
    client, mh_episode, discharged, clinician, clinician2, supervisor, password
):
    episode = discharged(mh_episode)
    summary = services.discharge_summary_prepare(episode=episode, user=supervisor)
    link = reverse("documents:discharge-summary", args=[episode.patient_id, episode.pk])

    client.login(username="clinician", password=password)
    today = client.get(reverse("today")).content.decode()
    assert "Discharge summaries to sign" in today
    assert f'<a href="{link}">Discharge summary of Pat1 Mood</a>' in today

    client.login(username="clinician2", password=password)
    assert "Discharge summaries to sign" not in client.get(reverse("today")).content.decode()

    summary = services.discharge_summary_update(
        summary=summary,
        data={"narrative": "Attended most groups.", "medications": "", "referrals": "GP"},
        user=clinician,
    )
    services.discharge_summary_sign(summary=summary, user=clinician)
    client.login(username="clinician", password=password)
    assert "Discharge summaries to sign" not in client.get(reverse("today")).content.decode()
