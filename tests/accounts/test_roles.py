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


def test_the_director_role_exists_after_migrating_and_implies_supervisor(db, director):
    assert Group.objects.filter(name="director").exists()
    assert director.roles == {Role.DIRECTOR, Role.SUPERVISOR}
    assert director.has_role(Role.SUPERVISOR)


def test_a_director_is_clinical_staff_and_must_enrol_in_mfa(director, settings):
    from iop.accounts.mfa.services import is_required
    from iop.accounts.models import User

    assert director in User.objects.clinical_staff()
    settings.MFA_ENFORCED = True
    assert is_required(director)


def test_granting_the_director_role_is_audited(admin_user_role, clinician):
    from iop.accounts import services
    from iop.audit.models import AuditEvent

    services.user_update(
        user=admin_user_role,
        target=clinician,
        roles=Group.objects.filter(name__in=["clinician", "director"]),
    )
    event = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(clinician.pk))
    assert "+director" in event.last().detail
