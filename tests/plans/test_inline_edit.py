"""Editing a draft's problem, goal, objective or intervention in place: the row's form opens
with the saved text, a save changes the item, a stale save is refused with who saved when and
the user's text kept, and a signed version is never edited."""

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent
from plans import services
from plans.models import Goal, Intervention, Objective, Problem
from tests.plans.test_pages import HTMX, build


@pytest.fixture
def draft(episode, clinician):
    plan = build(services.plan_start(episode=episode, user=clinician), clinician)
    plan.refresh_from_db()
    return plan


def edit_url(plan, kind, item):
    return reverse("plans:item-edit", args=[plan.pk, kind, item.pk])


def test_the_edit_form_opens_in_the_row_with_the_saved_text(client, clinician, draft):
    goal = Goal.objects.get(problem__plan=draft)
    client.force_login(clinician)
    response = client.get(edit_url(draft, "goal", goal), **HTMX)
    html = response.content.decode()
    assert response["HX-Retarget"] == f"#goal-{goal.pk}-row"
    assert 'aria-label="Edit goal"' in html
    assert "Goal 0</textarea>" in html


def test_the_editor_offers_edit_on_every_item(client, clinician, draft):
    client.force_login(clinician)
    html = client.get(reverse("plans:edit", args=[draft.pk])).content.decode()
    for kind in ("problem", "goal", "objective", "intervention"):
        assert f'aria-label="Edit {kind}:' in html


def test_saving_the_goal_changes_it_and_redraws_the_plan(client, clinician, draft):
    goal = Goal.objects.get(problem__plan=draft)
    client.force_login(clinician)
    prefix = f"edit-goal-{goal.pk}"
    response = client.post(
        edit_url(draft, "goal", goal),
        {
            f"{prefix}-client_words": "Sing with my choir again",
            f"{prefix}-target_date": "2027-03-15",
            f"{prefix}-status": "in_progress",
            f"{prefix}-revision": draft.revision,
        },
        **HTMX,
    )
    goal.refresh_from_db()
    assert (goal.client_words, goal.status) == ("Sing with my choir again", "in_progress")
    html = response.content.decode()
    assert "Sing with my choir again" in html
    assert f'data-focus="goal-{goal.pk}-row"' in html
    assert AuditEvent.objects.filter(action="update", detail="changed goal").exists()


@pytest.mark.parametrize(
    ("kind", "model", "fields", "check"),
    [
        (
            "problem",
            Problem,
            {"description": "Panic in crowds", "diagnosis_code": ""},
            "description",
        ),
        (
            "objective",
            Objective,
            {
                "description": "Ride the bus twice a week",
                "target_date": "2027-01-20",
                "measure_instrument": "",
                "measure_target": "",
            },
            "description",
        ),
    ],
)
def test_problems_and_objectives_are_edited_in_place(
    client, clinician, draft, kind, model, fields, check
):
    item = model.objects.get()
    client.force_login(clinician)
    prefix = f"edit-{kind}-{item.pk}"
    data = {f"{prefix}-{k}": v for k, v in fields.items()}
    client.post(edit_url(draft, kind, item), {**data, f"{prefix}-revision": draft.revision}, **HTMX)
    item.refresh_from_db()
    assert getattr(item, check) == fields[check]


def test_an_intervention_is_edited_in_place(client, clinician, clinician2, draft):
    item = Intervention.objects.get()
    client.force_login(clinician)
    prefix = f"edit-intervention-{item.pk}"
    client.post(
        edit_url(draft, "intervention", item),
        {
            f"{prefix}-modality": "dbt_skills",
            f"{prefix}-frequency": "2 groups a week",
            f"{prefix}-description": "Distress tolerance",
            f"{prefix}-responsible": clinician2.pk,
            f"{prefix}-revision": draft.revision,
        },
        **HTMX,
    )
    item.refresh_from_db()
    assert (item.modality, item.frequency, item.responsible) == (
        "dbt_skills",
        "2 groups a week",
        clinician2,
    )


def test_bad_input_comes_back_in_the_row_with_the_text_kept(client, clinician, draft):
    objective = Objective.objects.get()
    client.force_login(clinician)
    prefix = f"edit-objective-{objective.pk}"
    response = client.post(
        edit_url(draft, "objective", objective),
        {
            f"{prefix}-description": "Walk daily",
            f"{prefix}-target_date": "",
            f"{prefix}-revision": draft.revision,
        },
        **HTMX,
    )
    assert response["HX-Retarget"] == f"#objective-{objective.pk}-row"
    html = response.content.decode()
    assert "This field is required." in html
    assert "Walk daily</textarea>" in html
    objective.refresh_from_db()
    assert objective.description == "Objective 0"


def test_a_stale_edit_is_refused_with_who_saved_and_the_text_kept(
    client, clinician, clinician2, episode, draft
):
    episode.care_team.add(clinician2)
    goal = Goal.objects.get()
    opened_at = draft.revision
    services.item_update(item=goal, data={"client_words": "Casey's words"}, user=clinician)
    draft.refresh_from_db()
    client.force_login(clinician2)
    prefix = f"edit-goal-{goal.pk}"
    response = client.post(
        edit_url(draft, "goal", goal),
        {
            f"{prefix}-client_words": "My own edit",
            f"{prefix}-status": "not_started",
            f"{prefix}-revision": opened_at,
        },
        **HTMX,
    )
    html = response.content.decode()
    assert "Casey Morgan saved this draft at" in html
    assert "My own edit</textarea>" in html
    assert "Casey&#x27;s words" in html  # what is saved now, beside it
    goal.refresh_from_db()
    assert goal.client_words == "Casey's words"
    # Saving again, knowing it, replaces the other editor's text.
    client.post(
        edit_url(draft, "goal", goal),
        {
            f"{prefix}-client_words": "My own edit",
            f"{prefix}-status": "not_started",
            f"{prefix}-revision": draft.revision,
        },
        **HTMX,
    )
    goal.refresh_from_db()
    assert goal.client_words == "My own edit"


def test_a_signed_plan_is_never_edited(client, clinician, draft):
    services.plan_activate(plan=draft, user=clinician, patient_ack_name="Pat Doe")
    goal = Goal.objects.get()
    client.force_login(clinician)
    response = client.get(edit_url(draft, "goal", goal))
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    prefix = f"edit-goal-{goal.pk}"
    response = client.post(
        edit_url(draft, "goal", goal),
        {f"{prefix}-client_words": "Changed after signing", f"{prefix}-status": "achieved"},
    )
    assert "cannot be changed" in response.content.decode()
    goal.refresh_from_db()
    assert goal.client_words == "Goal 0"


def test_an_item_of_another_plan_is_not_found(client, clinician, draft, make_episode):
    other = services.plan_start(episode=make_episode(clinician=clinician), user=clinician)
    build(other, clinician)
    goal = Goal.objects.get(problem__plan=other)
    client.force_login(clinician)
    assert client.get(edit_url(draft, "goal", goal)).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("clinician", 200), ("supervisor", 200), ("clinician2", 404), ("admin", 404)],
)
def test_who_may_edit_an_item(client, role_users, draft, role, status):
    goal = Goal.objects.get()
    client.force_login(role_users[role])
    assert client.get(edit_url(draft, "goal", goal), **HTMX).status_code == status


def test_the_edit_page_works_without_htmx(client, clinician, draft):
    problem = Problem.objects.get()
    client.force_login(clinician)
    page = client.get(edit_url(draft, "problem", problem)).content.decode()
    assert "Edit problem" in page
    prefix = f"edit-problem-{problem.pk}"
    response = client.post(
        edit_url(draft, "problem", problem),
        {f"{prefix}-description": "Sleep", f"{prefix}-diagnosis_code": ""},
    )
    assert response["Location"] == reverse("plans:edit", args=[draft.pk])
    problem.refresh_from_db()
    assert problem.description == "Sleep"


def test_an_item_removed_meanwhile_redraws_the_plan_saying_so(client, clinician, draft):
    goal = Goal.objects.get()
    url = edit_url(draft, "goal", goal)
    services.item_remove(item=goal, user=clinician)
    client.force_login(clinician)
    html = client.get(url, **HTMX).content.decode()
    assert "That goal was removed from the draft by someone else meanwhile." in html
    assert 'id="plan-tree"' in html
