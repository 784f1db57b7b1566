"""The Django admin: a signed-in non-staff user gets the 403 page (not a loop between login
pages); auth groups are shown as roles."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from iop.accounts.roles import Role


@pytest.mark.parametrize("who", ["clinician", "intake", "supervisor"])
def test_a_signed_in_non_staff_user_gets_the_403_page(request, client, who):
    client.force_login(request.getfixturevalue(who))
    answer = client.get("/admin/")
    assert answer.status_code == 403
    assert "You do not have access to this page" in answer.text
    assert client.get("/admin/patients/patient/").status_code == 403


def test_a_signed_out_visitor_is_sent_to_the_login_page(db, client):
    answer = client.get("/admin/", follow=True)
    assert answer.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert answer.status_code == 200


def test_the_admin_index_and_user_form_say_roles_not_groups(client, admin_user_role):
    client.force_login(admin_user_role)
    index = client.get("/admin/")
    assert ">Roles<" in index.text and ">Groups<" not in index.text
    roles = client.get(reverse("admin:accounts_rolegroup_changelist"))
    assert "<h1>Roles</h1>" in roles.text
    form = client.get(reverse("admin:accounts_user_change", args=[admin_user_role.pk]))
    assert "Roles:" in form.text or ">Roles<" in form.text


def test_the_roles_pages_breadcrumbs_and_counts_say_roles(client, admin_user_role):
    client.force_login(admin_user_role)
    index = client.get("/admin/").text
    (changelist,) = re.findall(r'<a href="([^"]+)"[^>]*>Roles</a>', index)
    listing = client.get(changelist).text
    assert "&rsaquo; Roles" in listing  # the breadcrumb
    assert f"{len(Role.ALL)} roles" in listing  # the count under the list (6 with billers)
    assert "&rsaquo; Groups" not in listing and "5 groups" not in listing
    role = Group.objects.get(name=Role.CLINICIAN)
    change = client.get(f"{changelist}{role.pk}/change/").text
    assert f'<a href="{changelist}">Roles</a>' in change
    assert f'<a href="{changelist}">Groups</a>' not in change
