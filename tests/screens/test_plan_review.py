"""A plan review shows the drug screens of its period (the medications section's window: since
the last completed review, up to this one's completion): the collected ones with their
results, the unexpected highlighted, refused and missed counted."""

import re
from datetime import date, datetime

import pytest
from django.urls import reverse

from plans import services as plan_services
from screens import services
from tests.plans.helpers import activate, at
from tests.queries import query_counts
from tests.screens.conftest import NEW_YORK, negatives


def screen(patient, user, day, **values):
    """A screen due and collected `day` at 09:00 with these results (others negative)."""
    order = services.order_create(patient=patient, due_date=day, user=user)
    order = services.order_collect(
        order=order,
        collected_at=datetime(day.year, day.month, day.day, 9, 0, tzinfo=NEW_YORK),
        observed=True,
        temperature_c="34.0",
        user=user,
    )
    services.results_record(order=order, values=negatives(order, **values), user=user)
    return order


def texts(html, testid):
    rows = re.findall(rf'data-testid="{testid}">(.*?)</(?:li|p|span)>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


@pytest.fixture
def reviewed(clock, episode, clinician, make_plan):
    """First review completed 16 Nov (a clean screen 9 Nov before it); then a clean screen
    23 Nov, one positive for fentanyl 30 Nov, one refused 2 Dec; the second review 7 Dec."""
    patient = episode.patient
    plan = activate(make_plan(episode), clinician)
    clock.move_to(at(2026, 11, 9, 12))
    screen(patient, clinician, date(2026, 11, 9))
    clock.move_to(at(2026, 11, 16))
    first = plan_services.review_open(plan=plan, user=clinician)
    plan_services.review_complete(review=first, decision="continue", summary="ok", user=clinician)
    clock.move_to(at(2026, 11, 23, 12))
    screen(patient, clinician, date(2026, 11, 23))
    clock.move_to(at(2026, 11, 30, 12))
    screen(patient, clinician, date(2026, 11, 30), FYL="positive")
    clock.move_to(at(2026, 12, 2, 12))
    refused = services.order_create(patient=patient, due_date=date(2026, 12, 2), user=clinician)
    services.order_close(order=refused, status="refused", note="Declined", user=clinician)
    clock.move_to(at(2026, 12, 7))
    plan.refresh_from_db()
    second = plan_services.review_open(plan=plan, user=clinician)
    return first, second


def test_the_review_lists_the_periods_screens_with_the_unexpected_one_highlighted(
    client, reviewed, clinician
):
    _, second = reviewed
    client.force_login(clinician)
    html = client.get(reverse("plans:review", args=[second.pk])).content.decode()
    assert "Drug screens" in html
    assert texts(html, "review-screens-counts") == [
        "2 collected · 1 unexpected · 1 refused · 0 missed"
    ]
    rows = texts(html, "review-screen")
    assert [row.split(":")[0] for row in rows] == ["23 Nov 2026", "30 Nov 2026"]
    assert texts(html, "review-screen-unexpected") == ["FYL positive — unexpected"]
    assert "9 Nov 2026" not in " ".join(rows)  # before the last review


def test_the_first_review_covers_admission_to_its_completion(client, reviewed, clinician):
    first, _ = reviewed
    client.force_login(clinician)
    html = client.get(reverse("plans:review", args=[first.pk])).content.decode()
    assert texts(html, "review-screens-counts") == [
        "1 collected · 0 unexpected · 0 refused · 0 missed"
    ]
    assert texts(html, "review-screen-unexpected") == []


def test_a_review_without_screens_says_so(client, clock, episode, clinician, make_plan):
    plan = activate(make_plan(episode), clinician)
    review = plan_services.review_open(plan=plan, user=clinician)
    client.force_login(clinician)
    html = client.get(reverse("plans:review", args=[review.pk])).content.decode()
    assert "No drug screen collected, refused or missed since 2 Nov 2026" in html


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("clinician", True),
        ("supervisor", True),
        ("director", True),
        ("intake", False),
        ("clinician2", False),
    ],
)
def test_the_screens_show_to_whoever_opens_the_review(client, reviewed, role, sees, request):
    _, second = reviewed
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("plans:review", args=[second.pk]))
    assert (response.status_code == 200) == sees
    assert ("FYL positive — unexpected" in response.content.decode()) == sees


def test_the_section_reads_in_the_same_queries_however_many_screens(
    client, clock, make_episode, make_plan, clinician
):
    def review_with(size):
        clock.move_to(at(2026, 11, 2, 8))
        episode = make_episode(clinician=clinician, is_sud=True)
        plan = activate(make_plan(episode), clinician)
        for n in range(size):
            clock.move_to(at(2026, 11, 2 + n, 12))
            screen(episode.patient, clinician, date(2026, 11, 2 + n), COC="positive")
        review = plan_services.review_open(plan=plan, user=clinician)
        return reverse("plans:review", args=[review.pk])

    small, large = review_with(1), review_with(4)
    client.force_login(clinician)
    query_counts(client, [small])
    assert query_counts(client, [small]) == query_counts(client, [large])
    assert len(texts(client.get(large).content.decode(), "review-screen-unexpected")) == 4
