"""Every write of the disclosures app: releases (the consent rule, the packet, the disclosure)
and patients' rights requests. Keyword-only, atomic, audited."""

from disclosures.services.releases import (
    EMERGENCY_REFUSED,
    PreparedPacket,
    consent_statement,
    packet_download,
    release_create,
)
from disclosures.services.rights import (
    amendment_add,
    due_date,
    rights_request_answer,
    rights_request_record,
)

__all__ = [
    "EMERGENCY_REFUSED",
    "PreparedPacket",
    "amendment_add",
    "consent_statement",
    "due_date",
    "packet_download",
    "release_create",
    "rights_request_answer",
    "rights_request_record",
]
