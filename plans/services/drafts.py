"""What every write to a versioned document shares: the role check, the draft lock, the touch.

Versioned documents are changed only while they are drafts (NotADraftError otherwise), and an
edit that names the draft `revision` it started from is refused if someone saved in between
(StaleEditError), so nothing is silently overwritten.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from plans.models import NotADraftError, StaleEditError

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


def require_clinical(user, doing):
    if not user.has_role(*Role.CLINICAL):
        raise ValidationError(f"Only a clinician or supervisor can {doing}.")


def lock_draft(document, revision=None):
    """Lock the draft row, refuse a signed version or a stale editor, and bump the revision."""
    document = type(document).objects.select_for_update().get(pk=document.pk)
    if not document.is_draft:
        raise NotADraftError(
            f"Version {document.version} is {document.get_status_display().lower()} and cannot "
            "be changed. Revise it to make a new draft."
        )
    if revision in ("", None):
        revision = None
    else:
        try:
            revision = int(revision)
        except (TypeError, ValueError):
            raise ValidationError({"revision": "The revision must be a whole number."}) from None
    if revision is not None and revision != document.revision:
        who = document.updated_by.display_name if document.updated_by else "someone else"
        when = timezone.localtime(document.updated_at)
        raise StaleEditError(
            f"{who} saved this draft at {when:%H:%M} after you opened it. Your changes were not "
            "saved; they are kept below. Review the current draft and save again."
        )
    return document


def touch(document, user):
    document.revision += 1
    document.updated_by = user
    document.save(update_fields=["revision", "updated_by", "updated_at"])
