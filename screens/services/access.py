"""Who orders, collects and results screens: the care team and the supervisors of the patient's
program (as for the medication list). Emergency access reads, never writes. A program's
screening settings are changed by clinical directors and admins."""

from django.core.exceptions import PermissionDenied

from iop.accounts.roles import Role
from patients.access import routine_clinical_access

WRITE_REFUSED = "Only the care team and the supervisors of the patient's program record screens."
SETTINGS_REFUSED = "Only clinical directors and admins change a program's screening."


def require_screen_writer(user, patient):
    if not user.has_role(*Role.CLINICAL) or not routine_clinical_access(user, patient):
        raise PermissionDenied(WRITE_REFUSED)


def may_write(user, patient):
    try:
        require_screen_writer(user, patient)
    except PermissionDenied:
        return False
    return True


def require_settings_writer(user):
    if not (user.is_superuser or user.has_role(Role.DIRECTOR, Role.ADMIN)):
        raise PermissionDenied(SETTINGS_REFUSED)
