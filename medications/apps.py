from django.apps import AppConfig


class MedicationsConfig(AppConfig):
    """The medication list of a chart, its history of changes and its reconciliations.

    Sits above sessions, like documents: it imports patients (and sessions, to have
    `verify_signatures` re-compute its signed reconciliations); nothing imports it. Its chart
    tab, its MOUD/MAUD header fact and its discharge guard are registered here through
    `patients/extensions.py` (`medications.hooks`)."""

    name = "medications"
    label = "medications"
    verbose_name = "Medications"

    def ready(self):
        from medications import hooks
        from medications.models import Reconciliation
        from sessions import signatures

        hooks.register()
        entry = (
            "medication reconciliation",
            "medication reconciliations",
            _signed_reconciliations,
            Reconciliation.compute_hash,
        )
        if entry not in signatures.signed_documents:
            signatures.signed_documents.append(entry)


def _signed_reconciliations():
    from medications.models import Reconciliation

    return (
        Reconciliation.objects.filter(status=Reconciliation.Status.SIGNED)
        .select_related("signed_by")
        .prefetch_related("items")
        .order_by("pk")
    )
