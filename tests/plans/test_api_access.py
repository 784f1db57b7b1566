"""The plans API, per role on every endpoint: who reads and writes what, reads audited with the
patient, and the browsable API."""

import pytest

from iop.audit.models import AuditEvent
from plans import services
from plans.models import AftercarePlan, SafetyPlan, TreatmentPlan
from tests.plans.api_helpers import AFTERCARE, as_user, snapshot, tree_ids, url

# --- access per role -------------------------------------------------------------------------

RESOURCES = [
    "plan",
    "problem",
    "goal",
    "objective",
    "intervention",
    "progress",
    "review",
    "safety-plan",
    "aftercare-plan",
]
ROLES = ["admin", "intake", "clinician2", "clinician", "supervisor"]


@pytest.fixture
def world(active, clinician, patient):
    """One of everything the plans API shows, for `clinician`'s patient."""
    objective = active.problems.get().goals.get().objectives.get()
    progress = services.progress_record(objective=objective, rating=2, user=clinician)
    review = services.review_open(plan=active, user=clinician)
    safety = services.safety_plan_start(patient=patient, user=clinician)
    aftercare = services.aftercare_save(episode=active.episode, data=AFTERCARE, user=clinician)
    return {
        "plan": active.pk,
        **tree_ids(active),
        "progress": progress.pk,
        "review": review.pk,
        "safety-plan": safety.pk,
        "aftercare-plan": aftercare.pk,
    }


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("role", ROLES)
def test_read_access_per_role(api_client, role_users, world, resource, role):
    client = as_user(api_client, role_users[role])
    one, many = client.get(url(resource, world[resource])), client.get(url(resource))
    if role in ("admin", "intake"):
        assert (one.status_code, many.status_code) == (403, 403)
    elif role == "clinician2":
        assert (one.status_code, many.status_code) == (404, 200)
        assert many.json()["results"] == []
    else:
        assert (one.status_code, many.status_code) == (200, 200)
        assert [r["id"] for r in many.json()["results"]] == [world[resource]]


@pytest.mark.parametrize("resource", ["plan", "problem", "goal", "objective", "intervention"])
def test_reads_are_audited_with_the_patient(api_client, clinician, world, patient, resource):
    as_user(api_client, clinician).get(url(resource, world[resource]))
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("pk")
    assert (event.object_id, event.patient_id) == (str(world[resource]), patient.pk)


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_browsable_api_and_options_work(api_client, clinician, world, resource):
    client = as_user(api_client, clinician)
    assert client.options(url(resource)).status_code == 200
    assert client.options(url(resource, world[resource])).status_code == 200
    page = client.get(url(resource, world[resource]), HTTP_ACCEPT="text/html")
    assert page.status_code == 200


def writes(world, clinician):
    """(name, method, url, body, status for the care team, the parent field of a create)."""
    draft = services.plan_revise(plan=TreatmentPlan.objects.get(pk=world["plan"]), user=clinician)
    d = tree_ids(draft)
    safety = {
        "warning_signs": "Isolating",
        "coping_strategies": "Walk",
        "distractions": "Library",
        "help_contacts": "Sister",
        "environment_safety": "Pills with sister",
        "reasons_for_living": "My kids",
    }
    return [
        ("start plan", "post", url("plan"), {"episode": draft.episode_id}, 201, "episode"),
        ("change plan", "patch", url("plan", draft.pk), {"summary": "S"}, 200, None),
        ("revise plan", "post", url("plan", world["plan"], "revise"), {}, 201, None),
        (
            "add problem",
            "post",
            url("problem"),
            {"plan": draft.pk, "description": "P"},
            201,
            "plan",
        ),
        ("change problem", "patch", url("problem", d["problem"]), {"description": "P2"}, 200, None),
        (
            "add goal",
            "post",
            url("goal"),
            {"problem": d["problem"], "client_words": "G"},
            201,
            "problem",
        ),
        ("change goal", "patch", url("goal", d["goal"]), {"status": "in_progress"}, 200, None),
        (
            "add objective",
            "post",
            url("objective"),
            {"goal": d["goal"], "description": "O", "target_date": "2027-02-01"},
            201,
            "goal",
        ),
        (
            "change objective",
            "patch",
            url("objective", d["objective"]),
            {"description": "O2"},
            200,
            None,
        ),
        (
            "add intervention",
            "post",
            url("intervention"),
            {
                "objective": d["objective"],
                "modality": "mi",
                "frequency": "weekly",
                "responsible": clinician.pk,
            },
            201,
            "objective",
        ),
        (
            "change intervention",
            "patch",
            url("intervention", d["intervention"]),
            {"frequency": "daily"},
            200,
            None,
        ),
        ("remove intervention", "delete", url("intervention", d["intervention"]), None, 204, None),
        (
            "record progress",
            "post",
            url("progress"),
            {"objective": world["objective"], "rating": 3},
            201,
            "objective",
        ),
        (
            "complete review",
            "post",
            url("review", world["review"], "complete"),
            {"decision": "continue", "summary": "Steady"},
            200,
            None,
        ),
        ("open review", "post", url("review"), {"plan": world["plan"]}, 201, "plan"),
        (
            "start safety plan",
            "post",
            url("safety-plan"),
            {"patient": TreatmentPlan.objects.get(pk=world["plan"]).patient_id},
            201,
            "patient",
        ),
        (
            "change safety plan",
            "patch",
            url("safety-plan", world["safety-plan"]),
            safety,
            200,
            None,
        ),
        (
            "sign safety plan",
            "post",
            url("safety-plan", world["safety-plan"], "activate"),
            {"patient_ack_name": "Pat"},
            200,
            None,
        ),
        (
            "save aftercare",
            "post",
            url("aftercare-plan"),
            {"episode": draft.episode_id, **AFTERCARE},
            200,
            "episode",
        ),
        (
            "change aftercare",
            "patch",
            url("aftercare-plan", world["aftercare-plan"]),
            {"medications": "Sertraline 50 mg"},
            200,
            None,
        ),
        (
            "sign plan",
            "post",
            url("plan", draft.pk, "activate"),
            {"patient_ack_name": "Pat"},
            200,
            None,
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_write_access_per_role(api_client, role_users, clinician, world, role):
    calls = writes(world, clinician)
    before = snapshot()
    client = as_user(api_client, role_users[role])
    got, expected = {}, {}
    for name, method, path, body, ok, parent in calls:
        response = getattr(client, method)(path, body)
        got[name] = response.status_code
        if role in ("admin", "intake"):
            expected[name] = 403
        elif role == "clinician2":
            expected[name] = 400 if parent else 404
            if parent:  # an id of someone else's record reads as one that does not exist
                assert "does not exist" in str(response.json()[parent]), (name, response.json())
        else:
            expected[name] = ok
    assert got == expected
    if role in ("admin", "intake", "clinician2"):
        assert snapshot() == before
    else:
        plans = TreatmentPlan.objects.order_by("version")
        assert [p.status for p in plans] == ["superseded", "active"]
        assert SafetyPlan.objects.get().status == SafetyPlan.Status.ACTIVE
        assert AftercarePlan.objects.get().medications == "Sertraline 50 mg"


@pytest.mark.parametrize("resource", ["problem", "goal", "objective", "intervention"])
def test_a_supervisors_item_list_shows_their_programs_items_only(
    api_client, supervisor, clinician, make_episode, make_plan, resource
):
    """A supervisor's item list tests each row's patient through its parent (`walks_rows`):
    the rows of their programs' patients, in order, each with its plan's revision; another
    program's left out; the patients shown audited."""
    from tests.factories import ProgramFactory

    other = ProgramFactory(name="Elsewhere IOP")
    plans = [make_plan(make_episode(clinician=clinician)) for _ in range(2)]
    hidden = make_plan(make_episode(clinician=clinician, program_=other))
    services.plan_update(plan=plans[1], data={"summary": "Changed"}, user=clinician)
    plans[1].refresh_from_db()
    mine = [tree_ids(plan)[resource] for plan in plans]
    answer = as_user(api_client, supervisor).get(url(resource), {"page_size": 1})
    rows = answer.json()["results"]
    following = as_user(api_client, supervisor).get(answer.json()["next"]).json()["results"]
    assert [row["id"] for row in rows + following] == mine
    assert tree_ids(hidden)[resource] not in [row["id"] for row in rows + following]
    assert [row["revision"] for row in rows + following] == [p.revision for p in plans]
    assert plans[0].revision != plans[1].revision
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("pk")
    assert event.patient_id == plans[1].patient_id
    clinician_rows = as_user(api_client, clinician).get(url(resource)).json()["results"]
    assert len(clinician_rows) == 3  # the clinician's own three, through the join
    # Each row's patient is read with it (`shown_patient_id`): one event per patient shown.
    shown = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).order_by("-pk")[:3]
    assert {event.patient_id for event in shown} == {p.patient_id for p in [*plans, hidden]}
    assert len({p.patient_id for p in [*plans, hidden]}) == 3


def test_a_supervisors_plan_list_walks_their_programs_episodes_in_order(
    api_client, supervisor, clinician, make_episode, make_plan
):
    """A supervisor's plans list tests each episode's patient as it walks the episodes by
    referral date (`episode_referral_order`): their programs' plans, by episode (newest
    referral first) then newest version first, as the clinician's join gives them; another
    program's left out (the clinician, on both, sees it first: its referral is newest)."""
    from datetime import timedelta

    from tests.factories import ProgramFactory

    episodes = [make_episode(clinician=clinician) for _ in range(3)]
    for days, episode in zip((5, 1, 9), episodes, strict=True):
        episode.referral_date -= timedelta(days=days)
        episode.save(update_fields=["referral_date"])
    for episode in episodes:
        services.plan_activate(plan=make_plan(episode), user=clinician, patient_ack_name="P")
        services.plan_revise(plan=TreatmentPlan.objects.get(episode=episode), user=clinician)
    hidden = make_plan(make_episode(clinician=clinician, program_=ProgramFactory(name="Else")))
    order = sorted(episodes, key=lambda e: (e.referral_date, e.pk), reverse=True)
    expected = [
        plan.pk
        for e in order
        for plan in TreatmentPlan.objects.filter(episode=e).order_by("-version")
    ]
    rows = as_user(api_client, supervisor).get(url("plan"), {"page_size": 4}).json()["results"]
    rest = as_user(api_client, supervisor).get(url("plan"), {"page_size": 4, "page": 2})
    listed = [row["id"] for row in rows + rest.json()["results"]]
    assert listed == expected and len(expected) == 6
    clinician_rows = as_user(api_client, clinician).get(url("plan")).json()["results"]
    assert [row["id"] for row in clinician_rows] == [hidden.pk, *expected]
