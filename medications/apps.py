from django.apps import AppConfig


class MedicationsConfig(AppConfig):
    """The medication list of a chart, its history of changes and its reconciliations.

    Sits above sessions, like documents: it imports patients (and sessions, to have
    `verify_signatures` re-compute its signed reconciliations); nothing imports it. Its chart
    tab is registered here through `patients/extensions.py`."""

    name = "medications"
    label = "medications"
    verbose_name = "Medications"

    def ready(self):
        from medications.models import Reconciliation
        from medications.services.reconciliations import require_discharge_reconciliation
        from patients import extensions
        from sessions import signatures

        tab = extensions.ChartTab("medications", "Medications", "medications:chart")
        if tab not in extensions.chart_tabs:
            extensions.chart_tabs.append(tab)
        if require_discharge_reconciliation not in extensions.discharge_guards:
            extensions.discharge_guards.append(require_discharge_reconciliation)
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
