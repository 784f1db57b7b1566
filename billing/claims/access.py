"""Who works with claim lines: billing staff (every program) and supervisors (the programs they
supervise; a clinical director all). Clinicians and intake coordinators do not: claim lines are
the business side of the record. No one's claim pages show note text (`rules`: what a line
holds)."""

from django.core.exceptions import PermissionDenied

from iop.accounts.roles import Role
from patients.models import Program

REFUSED = "Claim lines are for billing staff and the supervisors of the program."


def may_use_claims(user):
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.has_role(Role.BILLER, Role.SUPERVISOR)
    )


def claim_programs(user):
    """The programs whose claim lines `user` works with (a queryset), or PermissionDenied."""
    if not may_use_claims(user):
        raise PermissionDenied(REFUSED)
    if user.has_role(Role.BILLER):
        return Program.objects.all()
    return Program.objects.supervised_by(user)


def require_program(user, program):
    """`program` if `user` works with its claim lines, else PermissionDenied (None: all)."""
    programs = claim_programs(user)
    if program is not None and not programs.filter(pk=program.pk).exists():
        raise PermissionDenied(REFUSED)
    return programs if program is None else programs.filter(pk=program.pk)
