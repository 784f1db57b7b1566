"""A reconciliation at a medication-management visit names the visit: one of this episode's,
held, and reconciled once."""

import pytest
from django.core.exceptions import ValidationError

from iop.accounts.models import User
from iop.accounts.roles import Role
from medications import services
from tests.factories import UserFactory
from tests.sessions.helpers import MON_2, at, book


@pytest.fixture
def visit(episode, clinician):
    """The patient's clinician's visit with the program's psychiatrist (a visit has a
    prescriber among its clinicians)."""
    psychiatrist = UserFactory(
        username="drnair",
        role=Role.CLINICIAN,
        prescriber_credential=User.PrescriberCredential.PSYCHIATRIST,
    )
    return book(
        clinician,
        starts_at=at(MON_2, 14),
        episode=episode,
        kind="medication_management",
        clinicians=[clinician, psychiatrist],
    )


def test_a_visit_reconciliation_names_its_visit(episode, clinician, visit, bup):
    rec = services.reconciliation_start(
        episode=episode, occasion="medication_visit", session=visit, user=clinician
    )
    assert rec.session == visit


def test_a_visit_is_reconciled_once(episode, clinician, visit):
    rec = services.reconciliation_start(
        episode=episode, occasion="medication_visit", session=visit, user=clinician
    )
    services.reconciliation_sign(reconciliation=rec, user=clinician)
    with pytest.raises(ValidationError) as error:
        services.reconciliation_start(
            episode=episode, occasion="medication_visit", session=visit, user=clinician
        )
    assert "already reconciled" in str(error.value)


@pytest.mark.parametrize("occasion", ["admission", "discharge"])
def test_only_a_visit_reconciliation_names_a_visit(episode, clinician, visit, occasion):
    with pytest.raises(ValidationError) as error:
        services.reconciliation_start(
            episode=episode, occasion=occasion, session=visit, user=clinician
        )
    assert "session" in error.value.message_dict


def test_another_kind_of_session_is_not_a_medication_visit(episode, clinician):
    therapy = book(clinician, starts_at=at(MON_2, 15), episode=episode)
    with pytest.raises(ValidationError) as error:
        services.reconciliation_start(
            episode=episode, occasion="medication_visit", session=therapy, user=clinician
        )
    assert "medication-management visit" in str(error.value)


def test_the_tab_offers_the_visit_and_the_api_takes_it(
    client, api_client, clinician, episode, visit, patient
):
    from django.urls import reverse

    client.force_login(clinician)
    page = client.get(reverse("medications:chart", args=[patient.pk])).text
    assert 'name="session"' in page and "2 Nov 2026 14:00" in page
    api_client.force_authenticate(clinician)
    body = {"episode": episode.pk, "occasion": "medication_visit", "session": visit.pk}
    response = api_client.post("/api/v1/medication-reconciliations/", body, format="json")
    assert response.status_code == 201 and response.json()["session"] == visit.pk
