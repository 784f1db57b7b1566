from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Printable documents (PDF) of the record, and the discharge summary.

    Sits above sessions, like disclosures: it may import patients, plans and sessions; nothing
    imports it. The PDF frame itself (letterhead, page numbers, fonts) is `iop.pdf`."""

    name = "documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self):
        from documents.models import DischargeSummary
        from sessions import signatures

        entry = (
            "discharge summary",
            "discharge summaries",
            _signed_summaries,
            DischargeSummary.compute_hash,
        )
        if entry not in signatures.signed_documents:
            signatures.signed_documents.append(entry)


def _signed_summaries():
    from documents.models import DischargeSummary

    return (
        DischargeSummary.objects.exclude(signed_at=None).select_related("signed_by").order_by("pk")
    )
