"""A PDF of a patient's record is an export: each one made is an audit event (`export`), filed
under the patient, naming the document (never its content)."""

from django.core.exceptions import PermissionDenied

from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from patients.part2 import is_part2_protected

PART2_EMERGENCY_REFUSED = (
    "42 CFR Part 2: a printed copy of a SUD record is for the care team and the program's "
    "supervisors, not for emergency access."
)


def document_export(*, obj, patient, what, user, emergency=False, context=None):
    """Check that `user` may take a printed copy of `patient`'s `obj` and record it. The pages
    decided who reads it (`emergency`: only under an emergency access grant); a SUD patient's
    copy (which carries the Part 2 notice) is refused under emergency access alone, as the
    chart's print button is."""
    if emergency and is_part2_protected(patient):
        raise PermissionDenied(PART2_EMERGENCY_REFUSED)
    audit_change(
        AuditEvent.Action.EXPORT,
        obj,
        user=user,
        context=context,
        patient_id=patient.pk,
        detail=f"pdf: {what}",
    )
