"""A plan review shows the medication changes of its period, read from the list's history:
since admission for the first review, since the last completed review afterwards, and up to a
completed review's completion (so a later change never rewrites what a review covered)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from iop.accounts.models import User
from medications import services
from plans import services as plan_services
from tests.medications.conftest import BUPRENORPHINE
from tests.plans.helpers import activate, at
from tests.queries import query_counts

SERTRALINE = {
    "name": "Sertraline",
    "strength": "50 mg",
    "dose": "1 tablet",
    "route": "oral",
    "frequency": "once daily",
    "prescriber_name": "Dr. Okafor (primary care)",
    "reason": "Depression",
}
LEVOTHYROXINE = {
    "name": "Levothyroxine",
    "strength": "50 mcg",
    "dose": "1 tablet",
    "route": "oral",
    "frequency": "once daily",
    "prescriber_name": "Dr. Okafor (primary care)",
}
GABAPENTIN = {
    "name": "Gabapentin",
    "strength": "300 mg",
    "dose": "1 capsule",
    "route": "oral",
    "frequency": "three times daily",
    "prescriber_name": "Dr. Okafor (primary care)",
    "start_date": date(2026, 12, 3),
}


def items(html, kind):
    """The text of each listed medication change of `kind` on the review page."""
    rows = re.findall(rf'data-testid="review-medication-{kind}">(.*?)</li>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


@pytest.fixture
def reviewed(clock, episode, clinician, make_plan):
    """Admitted 2 Nov 2026 on buprenorphine, sertraline and levothyroxine (reconciled at
    admission); the first review completed 30 Nov; then gabapentin started 3 Dec, sertraline
    raised to 100 mg 5 Dec, levothyroxine stopped 8 Dec; the second review opened 28 Dec."""
    patient = episode.patient
    entries = {
        data["name"]: services.medication_add(patient=patient, data=dict(data), user=clinician)
        for data in (BUPRENORPHINE, SERTRALINE, LEVOTHYROXINE)
    }
    admission = services.reconciliation_start(episode=episode, occasion="admission", user=clinician)
    services.reconciliation_update(
        reconciliation=admission,
        decisions={m.pk: {"decision": "continued"} for m in entries.values()},
        user=clinician,
    )
    services.reconciliation_sign(reconciliation=admission, user=clinician)
    plan = activate(make_plan(episode), clinician)

    clock.move_to(at(2026, 11, 30))
    first = plan_services.review_open(plan=plan, user=clinician)
    plan_services.review_complete(
        review=first, decision="continue", summary="Steady.", user=clinician
    )
    clock.move_to(at(2026, 12, 3))
    services.medication_add(patient=patient, data=dict(GABAPENTIN), user=clinician)
    clock.move_to(at(2026, 12, 5))
    services.medication_change(
        medication=entries["Sertraline"], data={"strength": "100 mg"}, user=clinician
    )
    clock.move_to(at(2026, 12, 8))
    services.medication_stop(
        medication=entries["Levothyroxine"],
        stop_date=date(2026, 12, 8),
        reason="Stopped by primary care",
        user=clinician,
    )
    clock.move_to(at(2026, 12, 28))
    plan.refresh_from_db()
    second = plan_services.review_open(plan=plan, user=clinician)
    return first, second


def test_the_review_shows_one_start_one_change_one_stop_since_the_last_review(
    client, reviewed, clinician
):
    _, second = reviewed
    client.force_login(clinician)
    html = client.get(reverse("plans:review", args=[second.pk])).content.decode()
    assert "Medications" in html and "since 30 Nov 2026" in html
    assert items(html, "started") == [
        "Started 3 Dec 2026: Gabapentin 300 mg — 1 capsule oral, three times daily; prescriber: "
        "Dr. Okafor (primary care) (outside); started 3 Dec 2026"
    ]
    assert items(html, "changed") == [
        "Changed 5 Dec 2026: Sertraline 100 mg — strength 50 mg → 100 mg"
    ]
    assert items(html, "stopped") == [
        "Stopped 8 Dec 2026: Levothyroxine 50 mcg (Stopped by primary care)"
    ]
    assert items(html, "reconciliation") == []  # the admission's was before this period


def test_the_first_review_covers_since_admission_and_ends_when_completed(
    client, reviewed, clinician
):
    first, _ = reviewed
    client.force_login(clinician)
    html = client.get(reverse("plans:review", args=[first.pk])).content.decode()
    assert "since 2 Nov 2026" in html
    started = items(html, "started")
    assert [row.split(":")[1].split(" — ")[0].strip() for row in started] == [
        "Buprenorphine/naloxone 8 mg/2 mg",
        "Sertraline 50 mg",
        "Levothyroxine 50 mcg",
    ]
    assert items(html, "reconciliation") == [
        f"Reconciled 2 Nov 2026: Admission reconciliation signed by {clinician.display_name}"
    ]
    # December's changes came after the review was completed (30 Nov).
    assert items(html, "changed") == [] and items(html, "stopped") == []
    assert "Gabapentin" not in html


def test_a_review_period_without_medication_changes_says_so(
    client, clock, episode, clinician, make_plan
):
    plan = activate(make_plan(episode), clinician)
    review = plan_services.review_open(plan=plan, user=clinician)
    client.force_login(clinician)
    html = client.get(reverse("plans:review", args=[review.pk])).content.decode()
    assert "No medication started, changed or stopped, and no reconciliation signed" in html


@pytest.mark.parametrize(
    ("role", "opens"),
    [
        ("clinician", True),
        ("supervisor", True),
        ("director", True),
        ("intake", False),
        ("clinician2", False),  # not on the care team
    ],
)
def test_the_review_opens_for_the_same_roles_as_before(client, reviewed, role, opens, request):
    _, second = reviewed
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("plans:review", args=[second.pk]))
    assert (response.status_code == 200) == opens, response.status_code
    assert ("Gabapentin" in response.content.decode()) == opens


def test_the_review_reads_the_changes_in_the_same_queries_however_many(
    client, clock, make_episode, make_plan, clinician
):
    clinician.prescriber_credential = User.PrescriberCredential.PSYCHIATRIST
    clinician.save(update_fields=["prescriber_credential"])

    def patient_with(size):
        episode = make_episode(clinician=clinician, is_sud=True)
        plan = activate(make_plan(episode), clinician)
        for n in range(size):
            who = {"prescriber": clinician} if n % 2 else {"prescriber_name": "Dr. Lee"}
            data = {key: value for key, value in SERTRALINE.items() if key != "prescriber_name"}
            entry = services.medication_add(
                patient=episode.patient, data={**data, "name": f"Drug {n}", **who}, user=clinician
            )
            services.medication_change(medication=entry, data={"dose": "2"}, user=clinician)
            if n == 0:
                services.medication_stop(
                    medication=entry, stop_date=date(2026, 11, 2), user=clinician
                )
        review = plan_services.review_open(plan=plan, user=clinician)
        return reverse("plans:review", args=[review.pk])

    small, large = patient_with(2), patient_with(8)
    client.force_login(clinician)
    query_counts(client, [small])  # the first request's one-off reads
    assert query_counts(client, [small]) == query_counts(client, [large])
    assert len(items(client.get(large).content.decode(), "changed")) == 8


def test_a_change_made_after_a_review_on_its_day_is_in_the_next_review_only(
    client, clock, episode, clinician, make_plan, bup
):
    plan = activate(make_plan(episode), clinician)
    clock.move_to(at(2026, 11, 10, 12))
    first = plan_services.review_open(plan=plan, user=clinician)
    plan_services.review_complete(review=first, decision="continue", summary="ok", user=clinician)
    clock.move_to(at(2026, 11, 10, 15))
    services.medication_change(medication=bup, data={"dose": "2 films"}, user=clinician)
    plan.refresh_from_db()
    second = plan_services.review_open(plan=plan, user=clinician)
    client.force_login(clinician)
    first_html = client.get(reverse("plans:review", args=[first.pk])).content.decode()
    second_html = client.get(reverse("plans:review", args=[second.pk])).content.decode()
    assert items(first_html, "changed") == []
    assert len(items(first_html, "started")) == 1  # buprenorphine, added at 08:00
    assert items(second_html, "changed") == [
        "Changed 10 Nov 2026: Buprenorphine/naloxone 8 mg/2 mg — dose 1 film → 2 films"
    ]
    assert items(second_html, "started") == []


def test_dates_changed_read_as_dates(client, clock, episode, clinician, make_plan, bup):
    plan = activate(make_plan(episode), clinician)
    services.medication_change(
        medication=bup, data={"start_date": date(2026, 9, 15)}, user=clinician
    )
    review = plan_services.review_open(plan=plan, user=clinician)
    client.force_login(clinician)
    html = client.get(reverse("plans:review", args=[review.pk])).content.decode()
    assert items(html, "changed") == [
        "Changed 2 Nov 2026: Buprenorphine/naloxone 8 mg/2 mg — start date 1 Oct 2026 → 15 Sep 2026"
    ]
