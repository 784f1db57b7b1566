from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Printable documents (PDF) of the record, and the discharge summary.

    Sits above sessions, like disclosures: it may import patients, plans and sessions; nothing
    imports it. The PDF frame itself (letterhead, page numbers, fonts) is `iop.pdf`."""

    name = "documents"
    label = "documents"
    verbose_name = "Documents"
