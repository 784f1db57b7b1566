"""The prescriber credential: set by an administrator (audited), shown in the app, and the
only way a clinician becomes a medication's in-program prescriber."""

import pytest
from django.core.exceptions import ValidationError

from iop.accounts import services as account_services
from iop.accounts.models import User
from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from medications import services
from tests.factories import UserFactory
from tests.medications.conftest import BUPRENORPHINE


@pytest.fixture
def psychiatrist(db):
    return UserFactory(
        username="drnair",
        role=Role.CLINICIAN,
        prescriber_credential=User.PrescriberCredential.PSYCHIATRIST,
    )


def _inside(prescriber):
    data = dict(BUPRENORPHINE, prescriber=prescriber)
    data["prescriber_name"] = ""
    return data


def test_a_prescriber_is_the_programs_prescriber_of_a_medication(patient, clinician, psychiatrist):
    entry = services.medication_add(patient=patient, data=_inside(psychiatrist), user=clinician)
    assert entry.prescriber == psychiatrist
    assert User.objects.prescribers().filter(pk=psychiatrist.pk).exists()


@pytest.mark.parametrize("who", ["clinician", "supervisor"])
def test_a_clinician_without_the_credential_is_refused_as_prescriber(
    request, patient, clinician, who
):
    other = request.getfixturevalue(who)
    with pytest.raises(ValidationError) as refusal:
        services.medication_add(patient=patient, data=_inside(other), user=clinician)
    assert "prescriber credential" in refusal.value.message_dict["prescriber"][0]


def test_an_entry_stays_editable_when_its_prescribers_credential_lapses(
    patient, clinician, psychiatrist
):
    entry = services.medication_add(patient=patient, data=_inside(psychiatrist), user=clinician)
    psychiatrist.prescriber_credential = ""
    psychiatrist.save()
    services.medication_change(medication=entry, data={"dose": "2 films"}, user=clinician)
    entry.refresh_from_db()
    assert entry.dose == "2 films" and entry.prescriber == psychiatrist


def test_an_admin_sets_the_credential_and_the_trail_records_it(admin_user_role, clinician):
    admin = admin_user_role
    clinician.prescriber_credential = User.PrescriberCredential.NURSE_PRACTITIONER
    account_services.user_update(user=admin, target=clinician)
    assert AuditEvent.objects.filter(
        object_type="accounts.user",
        object_id=str(clinician.pk),
        detail="prescriber credential np",
        user=admin,
    ).exists()
    clinician.prescriber_credential = ""
    account_services.user_update(user=admin, target=clinician)
    assert AuditEvent.objects.filter(detail="prescriber credential removed").exists()


def test_the_admin_form_edits_the_credential(client, admin_user_role, clinician):
    client.force_login(admin_user_role)
    page = client.get(f"/admin/accounts/user/{clinician.pk}/change/")
    assert page.status_code == 200
    assert b"prescriber_credential" in page.content


def test_the_nav_shows_a_prescriber_as_such(client, psychiatrist, clinician):
    client.force_login(psychiatrist)
    assert b'data-testid="prescriber-badge"' in client.get("/today/").content
    client.force_login(clinician)
    assert b'data-testid="prescriber-badge"' not in client.get("/today/").content
