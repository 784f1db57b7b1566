"""Reads of claim lines and exports: the one home of each, scoped to the user's programs."""

from datetime import date

from django.db.models import Count, Q

from billing.claim_models import ClaimExport, ClaimLine
from billing.claims.access import claim_programs
from iop.accounts.roles import Role


def lines_for(user, *, first=None, last=None, program=None, status="", patient=None):
    """The claim lines `user` works with, filtered, in date-of-service order."""
    lines = ClaimLine.objects.filter(episode__program__in=claim_programs(user))
    if first:
        lines = lines.filter(service_date__gte=first)
    if last:
        lines = lines.filter(service_date__lte=last)
    if program is not None:
        lines = lines.filter(episode__program=program)
    if status:
        lines = lines.filter(status=status)
    if patient is not None:
        lines = lines.filter(patient=patient)
    return lines.select_related(
        "patient", "episode__program", "rendering", "supervising", "export", "replaces"
    ).order_by("service_date", "patient__legal_last_name", "patient_id", "code", "pk")


def status_counts(lines):
    """{status: count} of a filtered set of lines, in one query."""
    counts = lines.order_by().aggregate(
        **{s.value: Count("pk", filter=Q(status=s.value)) for s in ClaimLine.Status}
    )
    return counts


def exports_for(user):
    """The exports `user` may download: every one for billing staff and clinical directors; a
    supervisor's own and those of a program they supervise."""
    programs = claim_programs(user)
    exports = ClaimExport.objects.select_related("created_by", "program")
    if user.has_role(Role.BILLER, Role.DIRECTOR):
        return exports
    return exports.filter(Q(created_by=user) | Q(program__in=programs))


def superbill_lines(user, patient, month):
    """The patient's billable lines (issued or exported) with dates of service in `month`
    (the first of the month)."""
    last = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return lines_for(user, first=month, patient=patient).filter(
        service_date__lt=last,
        status__in=[ClaimLine.Status.ISSUED, ClaimLine.Status.EXPORTED],
    )
