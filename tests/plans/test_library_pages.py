"""The plan library pages: a supervisor maintains their programs' libraries in the app (add,
change, stop offering), nobody else opens them, and every save is audited."""

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent
from plans import services
from plans.library import LibraryEntry
from tests.factories import ProgramFactory


@pytest.fixture
def entry(program, supervisor):
    return services.library_entry_save(
        user=supervisor,
        data={"program": program, "kind": "problem", "text": "Isolation and loneliness"},
    )


@pytest.fixture
def elsewhere(admin_user_role):
    program = ProgramFactory(name="Trauma IOP", track="trauma")
    return services.library_entry_save(
        user=admin_user_role, data={"program": program, "kind": "problem", "text": "Nightmares"}
    )


def pages(entry):
    return [
        reverse("plans:library", args=[entry.program_id]),
        reverse("plans:library-entry", args=[entry.program_id, entry.pk]),
    ]


@pytest.mark.parametrize(
    ("role", "status"),
    [("supervisor", 200), ("clinician", 404), ("intake", 404), ("admin", 200)],
)
def test_who_opens_a_programs_library(client, role_users, entry, role, status):
    client.force_login(role_users[role])
    for url in pages(entry):
        assert client.get(url).status_code == status, url


def test_a_supervisor_does_not_open_another_programs_library(client, supervisor, elsewhere):
    client.force_login(supervisor)
    for url in pages(elsewhere):
        assert client.get(url).status_code == 404


def test_the_index_lists_the_supervisors_programs_with_counts(client, supervisor, entry, elsewhere):
    client.force_login(supervisor)
    html = client.get(reverse("plans:libraries")).content.decode()
    assert "Adult Mental Health IOP" in html
    assert "Trauma IOP" not in html


def test_the_nav_offers_the_libraries_to_supervisors_only(client, supervisor, clinician):
    client.force_login(supervisor)
    assert reverse("plans:libraries") in client.get(reverse("today")).content.decode()
    client.force_login(clinician)
    assert reverse("plans:libraries") not in client.get(reverse("today")).content.decode()


def test_a_supervisor_adds_an_intervention(client, supervisor, program):
    client.force_login(supervisor)
    response = client.post(
        reverse("plans:library", args=[program.pk]),
        {
            "kind": "intervention",
            "text": "Grounding skills",
            "modality": "dbt_skills",
            "frequency": "2 groups a week",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    entry = LibraryEntry.objects.get()
    assert (entry.program, entry.modality, entry.frequency) == (
        program,
        "dbt_skills",
        "2 groups a week",
    )
    assert AuditEvent.objects.filter(user=supervisor, detail="plan library intervention").exists()


def test_a_bad_entry_comes_back_with_the_text_kept(client, supervisor, program):
    client.force_login(supervisor)
    response = client.post(
        reverse("plans:library", args=[program.pk]),
        {"kind": "intervention", "text": "Grounding skills", "modality": "dbt_skills"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "An intervention gives its modality and frequency." in html
    assert "Grounding skills</textarea>" in html
    assert not LibraryEntry.objects.exists()


def test_a_supervisor_stops_offering_an_entry(client, supervisor, entry, draft):
    client.force_login(supervisor)
    client.post(
        reverse("plans:library-entry", args=[entry.program_id, entry.pk]),
        {"kind": "problem", "text": "Isolation and loneliness"},  # "offered" unticked
    )
    entry.refresh_from_db()
    assert entry.is_active is False
    html = client.get(
        reverse("plans:add-problem", args=[draft.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Isolation and loneliness" not in html


def test_the_editor_links_the_library_for_its_maintainers(client, supervisor, clinician, draft):
    url = reverse("plans:library", args=[draft.episode.program_id])
    client.force_login(supervisor)
    assert url in client.get(reverse("plans:edit", args=[draft.pk])).content.decode()
    client.force_login(clinician)
    assert url not in client.get(reverse("plans:edit", args=[draft.pk])).content.decode()
