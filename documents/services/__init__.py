"""Writes of the documents app: the audit of every PDF made, and the discharge summary."""

from documents.services.exports import PART2_EMERGENCY_REFUSED, document_export

__all__ = ["PART2_EMERGENCY_REFUSED", "document_export"]
