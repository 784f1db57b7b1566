"""Every write of the billing app: validated, atomic, audited (see each module)."""

from billing.services.alerts import authorization_alerts
from billing.services.authorizations import (
    AUTHORIZATION_FIELDS,
    authorization_create,
    authorization_update,
    authorization_validate,
    coverages_for_authorization,
    normalise_codes,
)
from billing.services.cards import MAX_CARD_BYTES, card_read, coverage_card_attach
from billing.services.coverage import (
    COVERAGE_FIELDS,
    coverage_create,
    coverage_update,
    coverage_validate,
    payer_named,
    payer_save,
    payer_validate,
)

__all__ = [
    "AUTHORIZATION_FIELDS",
    "COVERAGE_FIELDS",
    "MAX_CARD_BYTES",
    "authorization_alerts",
    "authorization_create",
    "authorization_update",
    "authorization_validate",
    "card_read",
    "coverage_card_attach",
    "coverage_create",
    "coverage_update",
    "coverage_validate",
    "coverages_for_authorization",
    "normalise_codes",
    "payer_named",
    "payer_save",
    "payer_validate",
]
