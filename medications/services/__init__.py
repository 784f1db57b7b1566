"""Writes of the medications app: the list's entries and their reconciliations."""

from medications.services.access import may_write, require_medication_writer
from medications.services.entries import (
    StaleMedicationError,
    medication_add,
    medication_change,
    medication_stop,
)
from medications.services.reconciliations import (
    intake_medications,
    reconciliation_sign,
    reconciliation_start,
    reconciliation_update,
)

__all__ = [
    "StaleMedicationError",
    "intake_medications",
    "may_write",
    "medication_add",
    "medication_change",
    "medication_stop",
    "reconciliation_sign",
    "reconciliation_start",
    "reconciliation_update",
    "require_medication_writer",
]
