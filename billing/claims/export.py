"""Export issued claim lines as a CSV batch (`claims_export`) and void a line
(`claim_line_void`). An export writes its file once and keeps it: downloading the batch again
gives the same bytes, and its lines are marked exported, so no later export carries them again.
A voided line leaves its batch's file as it was; the service is issued again by the next build
as a new line, which the next export carries."""

import csv
import hashlib
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from billing.claim_models import ClaimExport, ClaimLine
from billing.claims import rules
from billing.claims.access import require_program
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change, audit_record
from sessions.services.scheduling import cancel_reason_clean

COLUMNS = [
    "line id",
    "re-issue of line",
    "patient",
    "MRN",
    "date of birth",
    "member id",
    "payer",
    "date of service",
    "code",
    "modifiers",
    "units",
    "place of service",
    "diagnoses",
    "diagnosis pointers",
    "rendering clinician",
    "supervising clinician",
    "authorization",
    "per diem",
    "bundled components",
    "basis",
]


def _name(user):
    return user.display_name if user is not None else ""


def line_row(line):
    patient = line.patient
    return [
        line.pk,
        line.replaces_id or "",
        f"{patient.legal_last_name}, {patient.legal_first_name}",
        patient.mrn,
        patient.date_of_birth.isoformat(),
        line.member_id,
        line.payer_name,
        line.service_date.isoformat(),
        line.code,
        line.modifiers,
        line.units,
        line.place_of_service,
        " ".join(line.diagnosis_codes[:4]),
        line.diagnosis_pointers,
        _name(line.rendering),
        _name(line.supervising),
        line.authorization_reference,
        "yes" if line.per_diem else "no",
        " ".join(line.bundled),
        line.basis,
    ]


def lines_csv(lines):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for line in lines:
        writer.writerow(line_row(line))
    return buffer.getvalue()


@transaction.atomic
def claims_export(*, user, first_date, last_date, program=None, context=None):
    """Export every issued (not yet exported) line of services from `first_date` to
    `last_date` in `program` (None: every program the user works with) as a new batch."""
    rules.check_range(first_date, last_date)
    programs = require_program(user, program)
    lines = list(
        ClaimLine.objects.select_for_update(of=("self",))
        .filter(
            status=ClaimLine.Status.ISSUED,
            service_date__range=(first_date, last_date),
            episode__program__in=programs,
        )
        .select_related("patient", "rendering", "supervising")
        .order_by("service_date", "patient__legal_last_name", "patient_id", "code", "pk")
    )
    if not lines:
        raise ValidationError(
            "No issued lines to export in this range: build the lines first, or they were "
            "all exported already."
        )
    content = lines_csv(lines)
    batch = ClaimExport.objects.create(
        created_by=user,
        first_date=first_date,
        last_date=last_date,
        program=program,
        line_count=len(lines),
        csv=content,
        csv_sha256=hashlib.sha256(content.encode()).hexdigest(),
    )
    ClaimLine.objects.filter(pk__in=[line.pk for line in lines]).update(
        status=ClaimLine.Status.EXPORTED, export=batch
    )
    for patient_id in sorted({line.patient_id for line in lines}):
        audit_record(
            action=AuditEvent.Action.EXPORT,
            context=context,
            user=user,
            obj=batch,
            patient_id=patient_id,
            detail=f"claim lines exported ({first_date} to {last_date})",
        )
    return batch


@transaction.atomic
def claim_line_void(*, line, user, reason, context=None):
    """Void an issued or exported line, with the reason; the next build issues the service
    again as a new line (if the record still supports it)."""
    line = ClaimLine.objects.select_for_update().select_related("episode").get(pk=line.pk)
    require_program(user, line.episode.program)
    reason = cancel_reason_clean(reason, missing="Say why the line is voided.")
    if line.status not in (ClaimLine.Status.ISSUED, ClaimLine.Status.EXPORTED):
        raise ValidationError(
            {"reason": f"A {line.get_status_display().lower()} line cannot be voided."}
        )
    line.status = ClaimLine.Status.VOIDED
    line.voided_at = timezone.now()
    line.voided_by = user
    line.void_reason = reason
    line.save(update_fields=["status", "voided_at", "voided_by", "void_reason"])
    audit_change(AuditEvent.Action.UPDATE, line, user=user, context=context, detail="voided")
    return line
