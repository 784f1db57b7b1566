"""Writes of the documents app: the audit of every PDF made, and the discharge summary."""

from documents.services.exports import PART2_EMERGENCY_REFUSED, document_export
from documents.services.summaries import (
    discharge_summary_prepare,
    discharge_summary_sign,
    discharge_summary_update,
    require_summary_access,
)

__all__ = [
    "PART2_EMERGENCY_REFUSED",
    "discharge_summary_prepare",
    "discharge_summary_sign",
    "discharge_summary_update",
    "document_export",
    "require_summary_access",
]
