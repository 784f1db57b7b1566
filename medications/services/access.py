"""Who writes a medication list: the care team (clinicians on it) and the supervisors of the
patient's programs. A chart opened under emergency access reads the list but does not change it
(as a release or a discharge summary): the emergency needs the facts, not the pen."""

from django.core.exceptions import PermissionDenied

from iop.accounts.roles import Role
from patients.access import routine_clinical_access

WRITE_REFUSED = (
    "Only the care team and the supervisors of the patient's program change the medication list."
)


def require_medication_writer(user, patient):
    if not user.has_role(*Role.CLINICAL) or not routine_clinical_access(user, patient):
        raise PermissionDenied(WRITE_REFUSED)


def may_write(user, patient):
    try:
        require_medication_writer(user, patient)
    except PermissionDenied:
        return False
    return True
