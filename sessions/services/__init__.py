"""Every write to groups, sessions, attendance and notes; the hours ledger; billing codes.

Keyword-only, atomic, validating, audited (`context` is the caller's `AuditContext`). By
subject: `scheduling` (groups, booking), `attendance` (roster, attendance, step-downs, the hours
ledger), `notes` (progress notes and addenda); billing codes are `sessions.billing`.
"""

from sessions.billing import billing_codes
from sessions.services.attendance import (
    AttendanceLockedError,
    attendance_correct,
    attendance_mark,
    day_attendance,
    day_minutes,
    default_minutes,
    discharged_before,
    enrollments_end_at_discharge,
    hours_ledger,
    note_is_signed,
    require_in_care,
    require_not_discharged,
    require_nothing_after_discharge,
    session_roster,
    session_rosters,
    sessions_cancel_at_discharge,
    step_down_record,
)
from sessions.services.notes import UNSET as NOTE_UNSET
from sessions.services.notes import (
    addendum_add,
    note_cosign,
    note_is_intact,
    note_save,
    note_sign,
    note_start,
)
from sessions.services.scheduling import (
    group_enroll,
    group_schedule_generate,
    group_slots,
    session_cancel,
    session_reschedule,
    session_schedule,
    week_start,
)

__all__ = [
    "NOTE_UNSET",
    "AttendanceLockedError",
    "addendum_add",
    "attendance_correct",
    "attendance_mark",
    "billing_codes",
    "day_attendance",
    "day_minutes",
    "default_minutes",
    "discharged_before",
    "enrollments_end_at_discharge",
    "group_enroll",
    "group_schedule_generate",
    "group_slots",
    "hours_ledger",
    "note_cosign",
    "note_is_signed",
    "note_is_intact",
    "note_save",
    "note_sign",
    "note_start",
    "require_in_care",
    "require_not_discharged",
    "require_nothing_after_discharge",
    "session_cancel",
    "session_reschedule",
    "session_roster",
    "session_rosters",
    "session_schedule",
    "sessions_cancel_at_discharge",
    "step_down_record",
    "week_start",
]
