"""The navigation's API link is shown to the roles the API serves (a viewset's
`allowed_roles`), and not to a signed-in user whose role it serves nothing."""

import pytest
from django.urls import reverse

from iop.accounts.roles import Role
from iop.api.roles import api_roles
from tests.factories import UserFactory

API_LINK = f'href="{reverse("api-docs")}"'


@pytest.mark.parametrize(
    "who", ["clinician", "supervisor", "director", "intake", "admin_user_role"]
)
def test_roles_the_api_serves_see_the_api_link(request, client, who):
    client.force_login(request.getfixturevalue(who))
    assert API_LINK in client.get(reverse("today")).text


def test_the_admin_role_is_served_by_the_plan_library_only(api_client, admin_user_role):
    # Why admins keep the link: they maintain plan libraries, through the API too.
    assert Role.ADMIN in api_roles()
    api_client.force_authenticate(admin_user_role)
    assert api_client.get(reverse("plan-library-entry-list")).status_code == 200
    assert api_client.get(reverse("patient-list")).status_code == 403


def test_a_user_without_a_role_the_api_serves_sees_no_api_link(db, client, api_client):
    nobody = UserFactory(username="norole")
    client.force_login(nobody)
    page = client.get(reverse("today")).text
    assert "Today" in page and API_LINK not in page
    api_client.force_authenticate(nobody)
    assert api_client.get(reverse("plan-library-entry-list")).status_code == 403
