"""Plan libraries: who maintains a program's library, what an entry must hold, the editor's
"fill in from the library" (then edited: a goal never saved in the library's wording), and
the API (clinicians read, admins and the program's supervisors write)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iop.audit.models import AuditEvent
from plans import services
from plans.library import LibraryEntry
from plans.models import Goal, Problem
from tests.factories import ProgramFactory
from tests.plans.api_helpers import as_user
from tests.plans.test_pages import HTMX, build

GOAL_WORDING = "I want to enjoy the things I used to do"


@pytest.fixture
def library(program, admin_user_role):
    def add(kind, text, **extra):
        return services.library_entry_save(
            user=admin_user_role, data={"program": program, "kind": kind, "text": text, **extra}
        )

    return {
        "problem": add("problem", "Depressed mood and loss of interest"),
        "goal": add("goal", GOAL_WORDING),
        "objective": add("objective", "Schedule and do one pleasant activity a day"),
        "intervention": add(
            "intervention",
            "Behavioural activation",
            modality="cbt",
            frequency="3 groups a week",
        ),
        "retired": add("problem", "No longer offered", is_active=False),
        "other": services.library_entry_save(
            user=admin_user_role,
            data={
                "program": ProgramFactory(name="Substance Use IOP", track="substance_use"),
                "kind": "problem",
                "text": "Cravings",
            },
        ),
    }


@pytest.fixture
def draft(episode, clinician):
    plan = build(services.plan_start(episode=episode, user=clinician), clinician)
    plan.refresh_from_db()
    return plan


# --- maintaining a library ------------------------------------------------------------------


def test_an_admin_adds_an_entry_and_it_is_audited(admin_user_role, program):
    entry = services.library_entry_save(
        user=admin_user_role, data={"program": program, "kind": "goal", "text": "  Feel calmer "}
    )
    assert entry.text == "Feel calmer"
    assert AuditEvent.objects.filter(
        user=admin_user_role, action="create", detail="plan library goal"
    ).exists()


def test_a_supervisor_maintains_their_programs_library_only(supervisor, program):
    services.library_entry_save(
        user=supervisor, data={"program": program, "kind": "problem", "text": "Isolation"}
    )
    other = ProgramFactory(name="Somewhere else IOP", track="trauma")
    with pytest.raises(PermissionDenied):
        services.library_entry_save(
            user=supervisor, data={"program": other, "kind": "problem", "text": "Isolation"}
        )
    assert list(LibraryEntry.objects.values_list("program", flat=True)) == [program.pk]


def test_a_clinician_does_not_maintain_a_library(clinician, program):
    with pytest.raises(PermissionDenied):
        services.library_entry_save(
            user=clinician, data={"program": program, "kind": "problem", "text": "Isolation"}
        )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "intervention", "text": "Skills", "modality": "cbt"}, "frequency"),
        ({"kind": "intervention", "text": "Skills", "frequency": "weekly"}, "modality"),
        ({"kind": "goal", "text": "Calm", "frequency": "weekly"}, "frequency"),
        ({"kind": "problem", "text": "   "}, "text"),
        ({"kind": "problem", "text": "x" * 1001}, "text"),
    ],
)
def test_an_entry_holds_what_its_kind_needs(admin_user_role, program, data, field):
    with pytest.raises(ValidationError) as error:
        services.library_entry_save(user=admin_user_role, data={"program": program, **data})
    assert field in error.value.message_dict
    assert not LibraryEntry.objects.exists()


def test_the_same_entry_twice_is_refused(admin_user_role, program):
    data = {"program": program, "kind": "problem", "text": "Isolation"}
    services.library_entry_save(user=admin_user_role, data=data)
    with pytest.raises(ValidationError):
        services.library_entry_save(user=admin_user_role, data=data)


# --- a goal in the client's own words -------------------------------------------------------


def test_a_goal_left_in_the_librarys_wording_is_refused(clinician, draft, library):
    problem = Problem.objects.get(plan=draft)
    with pytest.raises(ValidationError, match="the client's own words|in their own words"):
        services.goal_add(
            problem=problem,
            data={"client_words": GOAL_WORDING.upper() + " ", "status": "not_started"},
            user=clinician,
        )
    goal = services.goal_add(
        problem=problem,
        data={"client_words": "I want to enjoy fishing with my son again"},
        user=clinician,
    )
    with pytest.raises(ValidationError):
        services.item_update(item=goal, data={"client_words": GOAL_WORDING}, user=clinician)


# --- the editor -------------------------------------------------------------------------------


def test_the_add_form_offers_the_programs_entries_of_its_kind(client, clinician, draft, library):
    client.force_login(clinician)
    html = client.get(reverse("plans:add-problem", args=[draft.pk]), **HTMX).content.decode()
    assert "From the Adult Mental Health IOP library" in html
    assert "Depressed mood and loss of interest" in html
    assert "No longer offered" not in html
    assert "Cravings" not in html
    assert GOAL_WORDING not in html


def test_picking_fills_in_the_form_keeping_what_was_typed(client, clinician, draft, library):
    objective = draft.problems.get().goals.get().objectives.get()
    client.force_login(clinician)
    url = reverse("plans:add", args=[draft.pk, "intervention", objective.pk])
    prefix = f"new-intervention-{objective.pk}"
    response = client.post(
        url,
        {
            "pick": "1",
            "library": library["intervention"].pk,
            f"{prefix}-responsible": clinician.pk,
            f"{prefix}-frequency": "typed",
        },
        **HTMX,
    )
    html = response.content.decode()
    assert 'value="3 groups a week"' in html
    assert "Behavioural activation</textarea>" in html
    assert f'<option value="{clinician.pk}" selected>' in html
    assert "Filled in from the library" in html
    assert objective.interventions.count() == 1  # nothing saved by picking


def test_a_picked_goal_must_be_edited_before_it_saves(client, clinician, draft, library):
    problem = draft.problems.get()
    client.force_login(clinician)
    url = reverse("plans:add", args=[draft.pk, "goal", problem.pk])
    html = client.post(url, {"pick": "1", "library": library["goal"].pk}, **HTMX).content.decode()
    assert f"{GOAL_WORDING}</textarea>" in html
    assert "Now put it in the client's own words" in html
    prefix = f"new-goal-{problem.pk}"
    refused = client.post(
        url,
        {f"{prefix}-client_words": GOAL_WORDING, f"{prefix}-status": "not_started"},
        **HTMX,
    ).content.decode()
    assert "This is the library&#x27;s wording" in refused
    client.post(
        url,
        {
            f"{prefix}-client_words": "I want to enjoy my garden again",
            f"{prefix}-status": "not_started",
        },
        **HTMX,
    )
    assert problem.goals.filter(client_words="I want to enjoy my garden again").exists()


def test_picking_into_an_inline_edit_form(client, clinician, draft, library):
    problem = draft.problems.get()
    client.force_login(clinician)
    url = reverse("plans:item-edit", args=[draft.pk, "problem", problem.pk])
    response = client.post(url, {"pick": "1", "library": library["problem"].pk}, **HTMX)
    assert response["HX-Retarget"] == f"#problem-{problem.pk}-row"
    assert "Depressed mood and loss of interest</textarea>" in response.content.decode()
    problem.refresh_from_db()
    assert problem.description == "Problem 0"


@pytest.mark.parametrize("pick", ["", "abc", "other", "retired", "goal"])
def test_a_pick_of_nothing_offered_says_so(client, clinician, draft, library, pick):
    client.force_login(clinician)
    value = library[pick].pk if pick in library else pick
    html = client.post(
        reverse("plans:add-problem", args=[draft.pk]), {"pick": "1", "library": value}, **HTMX
    ).content.decode()
    assert "Choose a problem from the program&#x27;s library." in html


def test_picking_works_without_htmx(client, clinician, draft, library):
    client.force_login(clinician)
    html = client.post(
        reverse("plans:add-problem", args=[draft.pk]),
        {"pick": "1", "library": library["problem"].pk},
    ).content.decode()
    assert "New problem" in html
    assert "Depressed mood and loss of interest</textarea>" in html


# --- the API ----------------------------------------------------------------------------------


def api_url(pk=None):
    if pk is None:
        return reverse("plan-library-entry-list")
    return reverse("plan-library-entry-detail", args=[pk])


@pytest.mark.parametrize(
    ("role", "status"),
    [("clinician", 200), ("supervisor", 200), ("admin", 200), ("intake", 403)],
)
def test_who_reads_the_library(api_client, role_users, library, role, status):
    response = as_user(api_client, role_users[role]).get(api_url() + "?kind=intervention")
    assert response.status_code == status
    if status == 200:
        [row] = response.json()["results"]
        assert (row["modality"], row["frequency"]) == ("cbt", "3 groups a week")


def test_a_clinician_cannot_change_the_library(api_client, clinician, program, library):
    client = as_user(api_client, clinician)
    created = client.post(
        api_url(), {"program": program.pk, "kind": "goal", "text": "x"}, format="json"
    )
    changed = client.patch(api_url(library["goal"].pk), {"text": "y"}, format="json")
    deleted = client.delete(api_url(library["goal"].pk))
    assert (created.status_code, changed.status_code, deleted.status_code) == (403, 403, 403)
    assert LibraryEntry.objects.get(pk=library["goal"].pk).text == GOAL_WORDING


def test_an_admin_adds_changes_and_deletes_entries(api_client, admin_user_role, program):
    client = as_user(api_client, admin_user_role)
    created = client.post(
        api_url(),
        {"program": program.pk, "kind": "objective", "text": "Walk 20 minutes daily"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    changed = client.patch(api_url(pk), {"is_active": False}, format="json")
    assert changed.json()["is_active"] is False
    assert client.delete(api_url(pk)).status_code == 204
    assert not LibraryEntry.objects.exists()


def test_bad_input_is_a_400_naming_the_field(api_client, admin_user_role, program):
    response = as_user(api_client, admin_user_role).post(
        api_url(),
        {"program": program.pk, "kind": "intervention", "text": "Skills", "modality": "cbt"},
        format="json",
    )
    assert response.status_code == 400
    assert "frequency" in response.json()


def test_a_supervisor_of_another_program_cannot_change_its_library(api_client, supervisor, library):
    response = as_user(api_client, supervisor).patch(
        api_url(library["other"].pk), {"text": "Changed"}, format="json"
    )
    assert response.status_code == 403
    assert LibraryEntry.objects.get(pk=library["other"].pk).text == "Cravings"


def test_the_admin_maintains_the_library_in_the_django_admin(client, admin_user_role, program):
    client.force_login(admin_user_role)
    response = client.post(
        reverse("admin:plans_libraryentry_add"),
        {
            "program": program.pk,
            "kind": "intervention",
            "text": "Grounding skills",
            "modality": "dbt_skills",
            "frequency": "2 groups a week",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    entry = LibraryEntry.objects.get()
    assert (entry.modality, entry.updated_by) == ("dbt_skills", admin_user_role)
    assert Goal.objects.count() == 0


def test_the_demo_has_a_library_per_program(db, settings):
    import io

    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    for name in ("Adult Mental Health IOP", "Substance Use IOP", "Adolescent IOP"):
        kinds = set(
            LibraryEntry.objects.filter(program__name=name, is_active=True).values_list(
                "kind", flat=True
            )
        )
        assert kinds == {"problem", "goal", "objective", "intervention"}, name
    # The demo plans' goals are in the clients' own words, none in a library's wording.
    library_goals = set(LibraryEntry.objects.filter(kind="goal").values_list("text", flat=True))
    assert not library_goals & set(Goal.objects.values_list("client_words", flat=True))
