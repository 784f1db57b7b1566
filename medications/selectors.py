"""Reads of the medication list that the chart tab and the API share."""

from iop.accounts.models import User
from medications.models import Medication, MedicationChange, Reconciliation, ReconciliationItem


def medication_list(patient):
    """(active, stopped): the patient's entries, with their prescribers, in one query."""
    rows = list(
        Medication.objects.filter(patient=patient)
        .select_related("prescriber")
        .order_by("name", "pk")
    )
    return [m for m in rows if m.is_active], [m for m in rows if not m.is_active]


def history(patient):
    return (
        MedicationChange.objects.filter(patient=patient)
        .select_related("medication", "changed_by")
        .order_by("-changed_at", "-pk")
    )


def reconciliations(patient):
    """The chart tab's reconciliations, newest first, with their visits and signers; each one's
    episode is the chart header's (`with_episodes`), not joined again."""
    return (
        Reconciliation.objects.filter(patient=patient)
        .select_related("session", "signed_by")
        .order_by("-created_at", "-pk")
    )


def with_episodes(rows, episodes):
    """`rows` (a list), each given its episode from `episodes` (the chart header's, with their
    programs) by id."""
    by_id = {episode.pk: episode for episode in episodes}
    for row in rows:
        if row.episode_id in by_id:
            row.episode = by_id[row.episode_id]
    return rows


def reconciliation_items(reconciliation):
    return list(
        ReconciliationItem.objects.filter(reconciliation=reconciliation)
        .select_related("medication__prescriber")
        .order_by("medication__name", "pk")
    )


def prescriber_names(changes):
    """{user id: name} of the in-program prescribers a page of history rows names (one query)."""
    ids = set()
    for change in changes:
        ids.update(v for v in change.changes.get("prescriber", []) if isinstance(v, int))
    if not ids:
        return {}
    return {user.pk: user.display_name for user in User.objects.filter(pk__in=ids)}
