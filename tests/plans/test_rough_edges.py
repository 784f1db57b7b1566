"""A goal shows in one pair of quotation marks, however it was typed; an intake coordinator
asking for a plan page is told where their work on the patient is, and nobody else learns
whether the patient exists."""

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent
from plans import services
from plans.models import Goal, unquoted
from tests.plans.test_pages import build


@pytest.fixture
def draft(episode, clinician):
    plan = build(services.plan_start(episode=episode, user=clinician), clinician)
    plan.refresh_from_db()
    return plan


# --- quotation marks around goals -----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("“Sleep through the night.”", "Sleep through the night."),
        ('  "Stay sober"  ', "Stay sober"),
        ("‘Drive again’", "Drive again"),
        ("Say “no” to my cousin", "Say “no” to my cousin"),
        ('"Work" and "rest"', '"Work" and "rest"'),
    ],
)
def test_a_goal_is_stored_without_marks_around_it(clinician, draft, typed, stored):
    goal = services.goal_add(
        problem=draft.problems.get(), data={"client_words": typed}, user=clinician
    )
    assert goal.client_words == stored
    services.item_update(item=goal, data={"client_words": typed}, user=clinician)
    goal.refresh_from_db()
    assert goal.client_words == stored


def test_the_plan_shows_one_pair_of_quotes_even_for_goals_stored_with_them(
    client, clinician, draft
):
    Goal.objects.update(client_words="“Get back to my choir.”")  # stored before the fix
    client.force_login(clinician)
    html = client.get(reverse("plans:edit", args=[draft.pk])).content.decode()
    assert "“Get back to my choir.”" in html
    assert "““" not in html and "””" not in html


def test_unquoted_leaves_plain_text_alone():
    assert unquoted("I want to feel like myself") == "I want to feel like myself"
    assert unquoted("") == ""


# --- intake coordinators on plan pages ------------------------------------------------------


def test_intake_is_told_what_to_do_instead(client, intake, draft):
    client.force_login(intake)
    response = client.get(reverse("plans:patient-plan", args=[draft.patient_id]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Treatment plans are for the care team" in html
    assert reverse("patients:intake", args=[draft.patient_id]) in html
    assert reverse("patients:intake-queue") in html
    assert AuditEvent.objects.filter(user=intake, action="denied").exists()


@pytest.mark.parametrize(
    "url",
    [
        lambda plan: reverse("plans:edit", args=[plan.pk]),
        lambda plan: reverse("plans:safety", args=[plan.patient_id]),
        lambda plan: reverse("plans:history", args=[plan.patient_id]),
    ],
    ids=["editor", "safety plan", "history"],
)
def test_every_plan_page_refuses_intake_the_same_way(client, intake, draft, url):
    client.force_login(intake)
    response = client.get(url(draft))
    assert response.status_code == 403
    assert "What you can do instead" in response.content.decode()


def test_a_clinician_off_the_care_team_still_learns_nothing(client, clinician2, draft):
    client.force_login(clinician2)
    response = client.get(reverse("plans:patient-plan", args=[draft.patient_id]))
    assert response.status_code == 404
    assert draft.patient.legal_last_name not in response.content.decode()


def test_no_such_patient_is_a_404_for_intake_too(client, intake, draft):
    client.force_login(intake)
    assert (
        client.get(reverse("plans:patient-plan", args=[draft.patient_id + 999])).status_code == 404
    )
