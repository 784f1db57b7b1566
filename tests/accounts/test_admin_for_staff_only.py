"""The Django admin: a signed-in non-staff user gets the 403 page (not a loop between login
pages); auth groups are shown as roles."""

import pytest
from django.urls import reverse


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
    roles = client.get(reverse("admin:auth_group_changelist"))
    assert "<h1>Roles</h1>" in roles.text
    form = client.get(reverse("admin:accounts_user_change", args=[admin_user_role.pk]))
    assert "Roles:" in form.text or ">Roles<" in form.text
