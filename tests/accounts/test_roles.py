from django.contrib.auth.models import Group

from iop.accounts.roles import ROLE_PERMISSIONS, Role


def test_the_four_role_groups_exist_after_migrating(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "admin",
        "supervisor",
        "clinician",
        "intake",
    }


def test_each_role_holds_its_model_permissions(db):
    for role, wanted in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == set(wanted), role


def test_an_admin_can_read_the_audit_trail_and_a_clinician_cannot(admin_user_role, clinician):
    assert admin_user_role.has_perm("audit.view_auditevent")
    assert not clinician.has_perm("audit.view_auditevent")


def test_roles_are_read_from_group_membership(clinician, supervisor):
    assert clinician.roles == {Role.CLINICIAN}
    assert supervisor.has_role(*Role.CLINICAL)
    assert not clinician.has_role(Role.ADMIN)
