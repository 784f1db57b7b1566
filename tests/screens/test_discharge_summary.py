"""The discharge summary shows the episode's drug screens (through `discharge_screens`; the
documents app never imports screens): the count collected, each unexpected result with its date
and analyte, refusals and missed screens; frozen at signing, and in the PDF."""

import re
from datetime import date, datetime

import pytest
from django.urls import reverse

from documents import services as documents
from plans import services as plan_services
from screens import services
from screens.models import ScreenOrder, ScreenResult
from tests.documents.helpers import download
from tests.plans.helpers import AFTERCARE, activate, at
from tests.queries import query_counts
from tests.screens.conftest import NEW_YORK, negatives

UNEXPECTED = "4 Nov 2026 — Fentanyl (FYL) positive: Fentanyl positive, not prescribed."


def page(episode):
    return reverse("documents:discharge-summary", args=[episode.patient_id, episode.pk])


def pdf(episode):
    return reverse("documents:discharge-summary-pdf", args=[episode.patient_id, episode.pk])


def texts(html, testid):
    rows = re.findall(rf'data-testid="{testid}">(.*?)</(?:li|p)>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def screen(patient, user, clock, day, **values):
    clock.move_to(at(day.year, day.month, day.day, 12))
    order = services.order_create(patient=patient, due_date=day, user=user)
    order = services.order_collect(
        order=order,
        collected_at=datetime(day.year, day.month, day.day, 9, 0, tzinfo=NEW_YORK),
        observed=True,
        temperature_c="34.0",
        user=user,
    )
    services.results_record(order=order, values=negatives(order, **values), user=user)


def discharge(episode, user, clock, make_plan, screens=True):
    """Screens 3 Nov (clean) and 4 Nov (fentanyl positive), one missed 5 Nov; discharged 6 Nov."""
    activate(make_plan(episode), user)
    if screens:
        screen(episode.patient, user, clock, date(2026, 11, 3))
        screen(episode.patient, user, clock, date(2026, 11, 4), FYL="positive")
        clock.move_to(at(2026, 11, 5, 15))
        missed = services.order_create(
            patient=episode.patient, due_date=date(2026, 11, 5), user=user
        )
        services.order_close(order=missed, status="missed", note="Did not attend", user=user)
    clock.move_to(at(2026, 11, 6, 12))
    plan_services.episode_discharge(
        episode=episode,
        aftercare=AFTERCARE,
        reason="completed",
        user=user,
        discharge_date=date(2026, 11, 6),
    )
    episode.refresh_from_db()
    return episode


@pytest.fixture
def discharged(clock, episode, clinician, make_plan):
    return discharge(episode, clinician, clock, make_plan)


def test_the_summary_lists_the_screens_of_the_episode(client, discharged, clinician):
    documents.discharge_summary_prepare(episode=discharged, user=clinician)
    client.force_login(clinician)
    html = client.get(page(discharged)).content.decode()
    assert "Drug screens during the episode" in html
    assert texts(html, "summary-screen-counts") == [
        "2 collected · 1 unexpected · 0 refused · 1 missed"
    ]
    assert texts(html, "summary-screen-unexpected") == [UNEXPECTED]


def test_signing_freezes_the_screens(client, discharged, clinician, clock):
    summary = documents.discharge_summary_prepare(episode=discharged, user=clinician)
    summary = documents.discharge_summary_update(
        summary=summary,
        data={"narrative": "Completed.", "medications": summary.medications, "referrals": "x"},
        user=clinician,
    )
    summary = documents.discharge_summary_sign(summary=summary, user=clinician)
    assert summary.record["screens"]["collected"] == 2
    assert summary.record["screens"]["missed"] == 1
    assert [u["analyte"] for u in summary.record["screens"]["unexpected"]] == ["FYL"]
    assert summary.content_hash == summary.compute_hash()
    # A later correction of the record leaves the signed summary as it was signed.
    ScreenResult.objects.filter(analyte="FYL").update(reading="expected")
    ScreenOrder.objects.filter(status="missed").update(status="refused")
    client.force_login(clinician)
    html = client.get(page(discharged)).content.decode()
    assert texts(html, "summary-screen-counts") == [
        "2 collected · 1 unexpected · 0 refused · 1 missed"
    ]
    assert texts(html, "summary-screen-unexpected") == [UNEXPECTED]


def test_the_pdf_lists_the_screens(client, discharged, clinician):
    documents.discharge_summary_prepare(episode=discharged, user=clinician)
    client.force_login(clinician)
    _, pages = download(client, pdf(discharged))
    text = " ".join(pages)
    assert "Drug screens during the episode" in text
    assert "2 collected; 1 unexpected; 0 refused; 1 missed." in text
    assert "4 Nov 2026 — unexpected: Fentanyl (FYL) positive" in text


def test_an_episode_without_screens_says_none_were_collected(
    client, clock, episode, clinician, make_plan
):
    episode = discharge(episode, clinician, clock, make_plan, screens=False)
    documents.discharge_summary_prepare(episode=episode, user=clinician)
    client.force_login(clinician)
    html = client.get(page(episode)).content.decode()
    assert texts(html, "summary-screen-counts") == [
        "0 collected · 0 unexpected · 0 refused · 0 missed"
    ]


@pytest.mark.parametrize(
    ("role", "sees"),
    [("clinician", True), ("supervisor", True), ("intake", False), ("clinician2", False)],
)
def test_the_screens_show_to_whoever_opens_the_summary(
    client, request, discharged, clinician, role, sees
):
    documents.discharge_summary_prepare(episode=discharged, user=clinician)
    client.force_login(request.getfixturevalue(role))
    response = client.get(page(discharged))
    assert (response.status_code == 200) == sees
    assert (UNEXPECTED in response.content.decode()) == sees


def test_the_summary_reads_the_screens_in_the_same_queries(
    client, clock, make_episode, clinician, make_plan
):
    def summary_with(screens):
        clock.move_to(at(2026, 11, 2, 8))
        episode = make_episode(clinician=clinician, is_sud=True)
        activate(make_plan(episode), clinician)
        for n in range(screens):
            screen(episode.patient, clinician, clock, date(2026, 11, 2 + n), COC="positive")
        clock.move_to(at(2026, 11, 9, 12))
        plan_services.episode_discharge(
            episode=episode,
            aftercare=AFTERCARE,
            reason="completed",
            user=clinician,
            discharge_date=date(2026, 11, 9),
        )
        documents.discharge_summary_prepare(episode=episode, user=clinician)
        return page(episode)

    small, large = summary_with(1), summary_with(4)
    client.force_login(clinician)
    query_counts(client, [small])
    assert query_counts(client, [small]) == query_counts(client, [large])
