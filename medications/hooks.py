"""What the medications app shows elsewhere on the chart, through `patients/extensions.py`."""

from django.urls import reverse

from medications.models import Medication
from patients import extensions


def addiction_treatment_facts(patient, episode):
    """The chart header's MOUD/MAUD fact: the current entries marked so (one query), since they
    change what a drug screen is expected to show."""
    names = list(
        Medication.objects.filter(patient=patient, stop_date=None)
        .exclude(addiction_treatment="")
        .order_by("name")
        .values_list("name", flat=True)
    )
    if not names:
        return []
    url = reverse("medications:chart", args=[patient.pk])
    return [extensions.HeaderFact("MOUD/MAUD", ", ".join(names), url=url)]


def register():
    from medications.services.reconciliations import require_discharge_reconciliation

    tab = extensions.ChartTab("medications", "Medications", "medications:chart")
    if tab not in extensions.chart_tabs:
        extensions.chart_tabs.append(tab)
    if require_discharge_reconciliation not in extensions.discharge_guards:
        extensions.discharge_guards.append(require_discharge_reconciliation)
    if addiction_treatment_facts not in extensions.header_facts:
        extensions.header_facts.append(addiction_treatment_facts)
