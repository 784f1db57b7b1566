"""Standardized measures: their definitions (`definitions.py`) and how answers are checked and
scored (`scoring.py`)."""

from patients.instruments.change import CASENESS, OUTCOME_INSTRUMENTS, RELIABLE_CHANGE
from patients.instruments.definitions import INSTRUMENTS, get_instrument
from patients.instruments.scoring import (
    FLAG_LABELS,
    RISK_ALERT,
    Band,
    Instrument,
    InstrumentError,
    Item,
    Option,
    Score,
)

__all__ = [
    "CASENESS",
    "FLAG_LABELS",
    "INSTRUMENTS",
    "OUTCOME_INSTRUMENTS",
    "RELIABLE_CHANGE",
    "RISK_ALERT",
    "Band",
    "Instrument",
    "InstrumentError",
    "Item",
    "Option",
    "Score",
    "get_instrument",
]
