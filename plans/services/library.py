"""Maintaining the plan libraries (admins: every program; a supervisor: the programs they
supervise), and the rule that a goal is written in the client's own words, not the library's."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change
from patients.querysets import supervises
from plans.library import LibraryEntry

FIELDS = ("program", "kind", "text", "modality", "frequency", "is_active")


def can_maintain_library(user, program_id):
    """Admins maintain every program's library; a supervisor (a director: any) their programs'."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.has_role(Role.ADMIN) or supervises(user, program_id)


def _require_maintainer(user, program_id):
    if not can_maintain_library(user, program_id):
        raise PermissionDenied("Only an admin or a supervisor of the program edits its library.")


@transaction.atomic
def library_entry_save(*, user, data, entry=None, context=None):
    """Add an entry (`entry` None) or change one; `data` holds any of FIELDS."""
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValidationError(f"Not a field of a library entry: {', '.join(sorted(unknown))}.")
    creating = entry is None
    if creating:
        entry = LibraryEntry()
    else:
        entry = LibraryEntry.objects.select_for_update().get(pk=entry.pk)
        _require_maintainer(user, entry.program_id)
    for field, value in data.items():
        setattr(entry, field, value)
    if entry.program_id is None:
        raise ValidationError({"program": "Choose the program whose library this is."})
    _require_maintainer(user, entry.program_id)
    entry.updated_by = user
    entry.full_clean()
    entry.save()
    action = AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE
    audit_change(action, entry, user=user, context=context, detail=f"plan library {entry.kind}")
    return entry


@transaction.atomic
def library_entry_delete(*, entry, user, context=None):
    """Delete an entry (items filled in from it keep their text: nothing points to it)."""
    _require_maintainer(user, entry.program_id)
    audit_change(
        AuditEvent.Action.DELETE,
        entry,
        user=user,
        context=context,
        detail=f"plan library {entry.kind}",
    )
    entry.delete()


def check_goal_in_client_words(plan, data):
    """A goal picked from the library is rewritten in the client's words before it is saved:
    one left word for word as a goal of the program's library is refused."""
    words = " ".join((data.get("client_words") or "").split())
    if not words:
        return
    library = LibraryEntry.objects.filter(
        program_id=plan.episode.program_id, kind=LibraryEntry.Kind.GOAL
    ).values_list("text", flat=True)
    if any(" ".join(text.split()).casefold() == words.casefold() for text in library):
        raise ValidationError(
            {
                "client_words": "This is the library's wording. Write the goal as the client "
                "puts it, in their own words."
            }
        )
