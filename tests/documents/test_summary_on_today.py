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


def test_the_measures_table_scrolls_in_its_own_box_on_a_phone(
    client, clock, mh_episode, discharged, clinician
):
    """Five columns of "19 (severe) on 1 Oct 2026" are wider than a phone: the table scrolls
    inside .table-responsive rather than the whole page sideways (found at 375 px: 416 px)."""
    from tests.plans.helpers import phq9
    from tests.sessions.helpers import MON_2, at

    phq9(mh_episode.patient, clinician, 14, at(MON_2, 8))
    phq9(mh_episode.patient, clinician, 6, at(MON_2, 12))
    episode = discharged(mh_episode)
    services.discharge_summary_prepare(episode=episode, user=clinician)
    client.force_login(clinician)
    html = client.get(
        reverse("documents:discharge-summary", args=[episode.patient_id, episode.pk])
    ).content.decode()
    assert (
        '<div class="table-responsive" data-testid="summary-measures"><table class="table' in html
    )
    assert "PHQ-9" in html.split('data-testid="summary-measures"')[1].split("</div>")[0]
