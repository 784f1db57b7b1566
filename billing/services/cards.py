"""A scanned insurance card on a coverage: a JPEG, PNG or PDF of at most 5 MB, its type read
from its first bytes (never from its name or the browser's content type, so a renamed
executable is refused), stored under MEDIA_ROOT with an unguessable name and served only by
`billing.views.cards.CardDownload` (permission-checked, audited, `nosniff`)."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from billing.access import require_coverage_writer
from billing.models import Coverage
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change

MAX_CARD_BYTES = 5 * 1024 * 1024
# (leading bytes, content type, extension)
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
REFUSED_TYPE = "The card must be a photo or scan: a JPEG or PNG image, or a PDF."


def sniff(head):
    """(content type, extension) of a file whose first bytes are `head`, or None."""
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def card_read(upload):
    """The upload's bytes and (content type, extension), or a ValidationError on `card`."""
    if upload is None:
        raise ValidationError({"card": "Choose the file of the scanned card."})
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_CARD_BYTES:
        raise ValidationError(
            {"card": f"The file is {size / 1048576:.1f} MB; the limit is 5 MB. Scan it smaller."}
        )
    upload.seek(0)
    data = upload.read(MAX_CARD_BYTES + 1)
    if len(data) > MAX_CARD_BYTES:
        raise ValidationError({"card": "The file is over 5 MB; scan it smaller."})
    if not data:
        raise ValidationError({"card": "The file is empty."})
    kind = sniff(data[:16])
    if kind is None:
        raise ValidationError({"card": REFUSED_TYPE})
    return data, kind


@transaction.atomic
def coverage_card_attach(*, coverage, upload, user, context=None):
    """Store the scanned card of `coverage` (replacing any earlier one, whose file is removed
    once the change is committed); audited with its type and size, never its name."""
    coverage = Coverage.objects.select_for_update().select_related("episode").get(pk=coverage.pk)
    require_coverage_writer(user, coverage.episode.patient)
    data, (content_type, extension) = card_read(upload)
    old = coverage.card.name if coverage.card else ""
    coverage.card.save(f"card{extension}", ContentFile(data), save=False)
    coverage.card_content_type = content_type
    coverage.card_uploaded_at = timezone.now()
    coverage.card_uploaded_by = user
    coverage.updated_at = timezone.now()
    coverage.save()
    if old:
        storage = coverage.card.storage
        transaction.on_commit(lambda: storage.delete(old))
    audit_change(
        AuditEvent.Action.UPDATE,
        coverage,
        user=user,
        context=context,
        detail=f"card uploaded: {content_type}, {len(data) // 1024} kB",
    )
    return coverage
