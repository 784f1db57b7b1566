from patients.models.alerts import Alert
from patients.models.consents import Consent
from patients.models.emergency import EmergencyAccess
from patients.models.intake import IntakeAssessment
from patients.models.measures import MeasureAnswer, MeasureResponse
from patients.models.patients import Episode, EpisodeChange, LevelOfCareChange, Patient
from patients.models.programs import Program
from patients.models.risk import RiskAssessment

__all__ = [
    "Alert",
    "Consent",
    "EmergencyAccess",
    "Episode",
    "EpisodeChange",
    "IntakeAssessment",
    "LevelOfCareChange",
    "MeasureAnswer",
    "MeasureResponse",
    "Patient",
    "Program",
    "RiskAssessment",
]
