"""Writes of the screens app: settings, draws, orders, collection and results."""

from screens.services.access import may_write, require_screen_writer
from screens.services.orders import (
    ClosedOrderError,
    order_close,
    order_collect,
    order_create,
    screens_schedule,
    settings_for,
    settings_update,
)
from screens.services.results import results_record
from screens.services.rules import billing_code, definitive_code, judge

__all__ = [
    "ClosedOrderError",
    "billing_code",
    "definitive_code",
    "judge",
    "may_write",
    "order_close",
    "order_collect",
    "order_create",
    "require_screen_writer",
    "results_record",
    "screens_schedule",
    "settings_for",
    "settings_update",
]
