"""An administrator marks an account as an external integration (42 CFR Part 2: its API reads
leave the program, see tests/api/test_part2_integrations.py): audited with the real actor,
never on one's own account."""

import pytest

from iop.accounts.models import User
from iop.accounts.services import SELF_CHANGE_REFUSED
from tests.accounts.test_user_changes import change_url, events_for, form_data


@pytest.fixture
def admin_client(client, admin_user_role):
    client.force_login(admin_user_role)
    return client


def test_marking_an_integration_is_audited_with_the_real_actor(
    admin_client, admin_user_role, clinician
):
    admin_client.post(change_url(clinician), form_data(clinician, is_external_integration=True))
    assert User.objects.get(pk=clinician.pk).is_external_integration
    admin_client.post(
        change_url(clinician),
        form_data(User.objects.get(pk=clinician.pk), is_external_integration=False),
    )
    assert not User.objects.get(pk=clinician.pk).is_external_integration
    details = list(events_for(clinician).order_by("id").values_list("user", "detail"))
    assert details == [
        (admin_user_role.pk, "marked external integration"),
        (admin_user_role.pk, "external integration mark removed"),
    ]


def test_the_user_list_shows_and_filters_integrations(admin_client, clinician):
    User.objects.filter(pk=clinician.pk).update(is_external_integration=True)
    html = admin_client.get("/admin/accounts/user/?is_external_integration__exact=1").content
    assert b"clinician" in html
    assert b"External integration" in html


def test_an_admin_cannot_mark_their_own_account(admin_client, admin_user_role):
    response = admin_client.post(
        change_url(admin_user_role),
        form_data(admin_user_role, is_staff=True, is_external_integration=True),
    )
    assert SELF_CHANGE_REFUSED.replace("'", "&#x27;") in response.content.decode()
    assert not User.objects.get(pk=admin_user_role.pk).is_external_integration
