"""Who keeps a patient's billing records. Reading them follows `billing.querysets` (a biller:
every patient; others: the patients they may open). Writing:

- coverage: billing staff, intake coordinators (who register patients and take their cards)
  and the supervisors of the patient's programs (a director: every program);
- authorizations: billing staff and the supervisors of the patient's programs.

Clinicians read both for their care teams; emergency access never writes here."""

from django.core.exceptions import PermissionDenied

from iop.accounts.roles import Role
from patients.access import supervises_patient

COVERAGE_REFUSED = (
    "Coverage is kept by billing staff, intake coordinators and the supervisors of the "
    "patient's program."
)
AUTHORIZATION_REFUSED = (
    "Authorizations are kept by billing staff and the supervisors of the patient's program."
)


def _active(user):
    return user is not None and user.is_authenticated and user.is_active


def may_write_coverage(user, patient):
    if not _active(user):
        return False
    if user.has_role(Role.BILLER, Role.INTAKE):
        return True
    return supervises_patient(user, patient)


def may_write_authorizations(user, patient):
    if not _active(user):
        return False
    if user.has_role(Role.BILLER):
        return True
    return supervises_patient(user, patient)


def require_coverage_writer(user, patient):
    if not may_write_coverage(user, patient):
        raise PermissionDenied(COVERAGE_REFUSED)


def require_authorization_writer(user, patient):
    if not may_write_authorizations(user, patient):
        raise PermissionDenied(AUTHORIZATION_REFUSED)
