"""What the medications app shows elsewhere on the chart, through `patients/extensions.py`."""

from django.urls import reverse

from medications import windows
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


def review_section(patient, episode, start, end):
    """A plan review's medication changes of its period (three queries at most); nothing for a
    patient who has never had a list entry changed or reconciled in it."""
    changes = windows.changes_between(patient, start, end)
    return extensions.ExtensionSection(
        "Medications",
        "medications/_review_section.html",
        {"changes": changes, "any": any(changes.values()), "start": start, "end": end},
        testid="review-medications",
    )


def discharge_medications(episode):
    """The discharge summary's medications at discharge and changes during the episode, from
    the list; None for a patient without entries (the free-text fallback stays)."""
    lines = windows.at_discharge(episode)
    if lines is None:
        return None
    return {"at_discharge": lines, "changes": windows.episode_changes(episode)}


def register():
    from medications.services.reconciliations import require_discharge_reconciliation

    tab = extensions.ChartTab("medications", "Medications", "medications:chart")
    if tab not in extensions.chart_tabs:
        extensions.chart_tabs.append(tab)
    if require_discharge_reconciliation not in extensions.discharge_guards:
        extensions.discharge_guards.append(require_discharge_reconciliation)
    if addiction_treatment_facts not in extensions.header_facts:
        extensions.header_facts.append(addiction_treatment_facts)
    if review_section not in extensions.review_sections:
        extensions.review_sections.append(review_section)
    if discharge_medications not in extensions.discharge_medications:
        extensions.discharge_medications.append(discharge_medications)
