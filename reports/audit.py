"""The reports' reads and exports on the audit trail. Aggregates name no patient: the dashboard,
a section (API) and a table's export are one event each, with the scope in words. A
drill-down lists patients: one event per patient shown or exported, written in one statement.
The detail says what was read and over which scope, and whether an export was de-identified;
never a patient's data."""

from dataclasses import dataclass

from iop.audit.models import AuditEvent
from iop.audit.services import audit_record, audit_record_patients

DASHBOARD = "reports.dashboard"
SECTION = "reports.section"
TABLE = "reports.table"
DRILL = "reports.drilldown"


@dataclass(frozen=True)
class ReportObject:
    """What an event names as its object: a section's slug, "slug:key" of a drill-down."""

    pk: str


def _detail(what, scope, deidentified=None):
    """The flag first: the trail keeps 300 characters of a detail."""
    parts = [what, f"scope: {scope.describe()}"]
    if deidentified is not None:
        parts.insert(0, "de-identified" if deidentified else "identified")
    return "; ".join(parts)


def report_viewed(*, request, scope, object_type, object_id="", what):
    """An aggregate read (the dashboard, a section through the API)."""
    audit_record(
        request=request,
        action=AuditEvent.Action.VIEW,
        object_type=object_type,
        object_id=object_id,
        detail=_detail(what, scope),
    )


def report_sections_listed(*, request, count):
    """The list of sections (the API's index): no patient data, recorded as every list is."""
    audit_record(
        request=request,
        action=AuditEvent.Action.VIEW,
        object_type=f"{SECTION} list",
        detail=f"sections: {count}",
    )


def report_patients_shown(*, request, scope, object_id, what, patient_ids):
    """A drill-down's page of patients: one event per patient (one with none for an empty
    list)."""
    audit_record_patients(
        action=AuditEvent.Action.VIEW,
        request=request,
        object_type=DRILL,
        obj=ReportObject(object_id),
        patient_ids=list(patient_ids) or [None],
        detail=_detail(f"{what}; patients shown: {len(set(patient_ids))}", scope),
    )


def report_exported(*, request, scope, object_type, object_id, what, deidentified, patient_ids):
    """An export (CSV, PDF): one event per patient in the file, or one with none for an
    aggregate."""
    audit_record_patients(
        action=AuditEvent.Action.EXPORT,
        request=request,
        object_type=object_type,
        obj=ReportObject(object_id),
        patient_ids=list(patient_ids) or [None],
        detail=_detail(what, scope, deidentified),
    )
