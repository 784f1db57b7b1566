"""Every write to patient data: validated, atomic, audited (STYLE.md, "services").

By subject: patients and episodes, the intake assessment, measures and alerts, consents. Each
takes `user=` and an optional `context=` (an `AuditContext`: where the change came from).
"""

from patients.services.admission import (
    admission_missing,
    intake_confirm,
    part2_refusal_record,
)
from patients.services.consents import consent_record, consent_revoke
from patients.services.emergency import (
    emergency_access_review,
    emergency_access_start,
    emergency_access_start_by_mrn,
)
from patients.services.intake import (
    diagnoses_check,
    intake_complete,
    intake_save_step,
    intake_start,
    intake_update,
    parse_diagnoses,
)
from patients.services.measures import (
    alert_close,
    alert_raise,
    measure_record,
    risk_alert_from_measure,
)
from patients.services.patients import (
    StalePatientError,
    check_contact_channel,
    check_date_of_birth,
    check_phone,
    episode_change_level_of_care,
    episode_transition,
    episode_update,
    may_edit_details,
    patient_create,
    patient_update,
    referral_register,
    require_cares_for_episode,
)
from patients.services.programs import (
    can_edit_program,
    episode_diagnoses_set,
    episode_part2_set,
    episode_program_change,
    program_settings_update,
    program_supervisors_set,
)
from patients.services.risk import risk_assessment_record

__all__ = [
    "StalePatientError",
    "check_contact_channel",
    "check_phone",
    "may_edit_details",
    "admission_missing",
    "intake_confirm",
    "part2_refusal_record",
    "alert_close",
    "alert_raise",
    "check_date_of_birth",
    "consent_record",
    "consent_revoke",
    "emergency_access_review",
    "emergency_access_start",
    "emergency_access_start_by_mrn",
    "episode_change_level_of_care",
    "episode_diagnoses_set",
    "episode_part2_set",
    "episode_program_change",
    "episode_transition",
    "episode_update",
    "intake_complete",
    "intake_save_step",
    "intake_start",
    "intake_update",
    "measure_record",
    "diagnoses_check",
    "parse_diagnoses",
    "patient_create",
    "patient_update",
    "can_edit_program",
    "program_settings_update",
    "program_supervisors_set",
    "referral_register",
    "require_cares_for_episode",
    "risk_alert_from_measure",
    "risk_assessment_record",
]
