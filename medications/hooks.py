"""What the medications app shows elsewhere on the chart, through `patients/extensions.py`."""

from django.urls import reverse
from django.utils import timezone

from iop.shapes import shape
from medications import windows
from medications.models import Medication, Reconciliation
from patients import extensions
from patients.links import patient_url
from sessions import hooks as session_hooks
from sessions.models import TherapySession


@extensions.clinical_facts
def addiction_treatment_facts(patient, episode):
    """The chart header's MOUD/MAUD fact: the current entries marked so (one query; a reader,
    `extensions.header_facts`), since they change what a drug screen is expected to show."""
    (names,) = yield (_addiction_treatments(patient.pk),)
    if not names:
        return []
    url = patient_url("medications:chart", patient.pk)
    return [extensions.HeaderFact("MOUD/MAUD", ", ".join(names), url=url)]


@shape
def _addiction_treatments(patient_id):
    """The names of the patient's current list entries marked MOUD/MAUD (a shape: every chart
    page's header reads them)."""
    return (
        Medication.objects.filter(patient=patient_id, stop_date=None)
        .exclude(addiction_treatment="")
        .order_by("name")
        .values_list("name", flat=True)
    )


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


def visit_reconciliation(session, user):
    """On a medication-management visit's page, beside its note: the reconciliation done at
    the visit (one query), or where to start it."""
    if session.kind != TherapySession.Kind.MED_MGMT or not session.patient_id:
        return []
    label = "Medication reconciliation at this visit"
    reconciliation = Reconciliation.objects.filter(session=session).select_related("signed_by")
    reconciliation = reconciliation.first()
    if reconciliation is None:
        url = reverse("medications:chart", args=[session.patient_id])
        text = "not done yet: reconcile the medication list at this visit"
        return [session_hooks.SessionLink(label, text, url)]
    url = reverse("medications:reconciliation", args=[session.patient_id, reconciliation.pk])
    if reconciliation.is_signed:
        when = timezone.localtime(reconciliation.signed_at)
        text = f"signed by {reconciliation.signed_by.display_name}, {when:%d %b %Y %H:%M}"
    else:
        text = "draft, not signed yet"
    return [session_hooks.SessionLink(label, text, url)]


def register():
    from medications.services.reconciliations import require_discharge_reconciliation

    tab = extensions.ChartTab("medications", "Medications", "medications:chart")
    if tab not in extensions.chart_tabs:
        extensions.chart_tabs.append(tab)
    if require_discharge_reconciliation not in extensions.discharge_guards:
        extensions.discharge_guards.append(require_discharge_reconciliation)
    if visit_reconciliation not in session_hooks.session_links:
        session_hooks.session_links.append(visit_reconciliation)
    if addiction_treatment_facts not in extensions.header_facts:
        extensions.header_facts.append(addiction_treatment_facts)
    if review_section not in extensions.review_sections:
        extensions.review_sections.append(review_section)
    if discharge_medications not in extensions.discharge_medications:
        extensions.discharge_medications.append(discharge_medications)
