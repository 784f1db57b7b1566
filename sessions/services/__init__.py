"""Every write to groups, sessions, attendance and notes; the hours ledger; billing codes.

Keyword-only, atomic, validating, audited (`context` is the caller's `AuditContext`). By
subject: `scheduling` (groups, booking), `enrolment` (who is in which group), `attendance`
(roster, attendance, step-downs), `ledger` (the hours ledger), `attendance_window` (when
attendance opens), `roll_call` (everyone present at once), `notes` (progress notes and
addenda); billing codes are `sessions.billing`.
"""

from sessions.billing import billing_codes
from sessions.services.attendance import (
    AttendanceLockedError,
    attendance_correct,
    attendance_mark,
    attended_between,
    day_attendance,
    day_minutes,
    default_minutes,
    discharged_before,
    enrollments_end_at_discharge,
    note_is_signed,
    require_in_care,
    require_not_discharged,
    require_nothing_after_discharge,
    session_roster,
    session_rosters,
    sessions_cancel_at_discharge,
)
from sessions.services.attendance_window import attendance_opens_at, attendance_refusal
from sessions.services.enrolment import (
    group_enroll,
    group_enrollment_end,
    may_manage_enrolment,
)
from sessions.services.groups import (
    can_edit_group,
    facilitators_check,
    group_sessions_follow,
    group_settings_update,
)
from sessions.services.ledger import episode_hours_ledger, hours_ledger
from sessions.services.notes import UNSET as NOTE_UNSET
from sessions.services.notes import (
    NoteIncompleteError,
    addendum_add,
    note_cosign,
    note_formats,
    note_is_intact,
    note_save,
    note_sign,
    note_start,
    session_topic_set,
)
from sessions.services.recurrence import (
    Recurrence,
    series_following,
    session_series_cancel_following,
    session_series_preview,
    session_series_schedule,
)
from sessions.services.roll_call import attendance_mark_all_present
from sessions.services.scheduling import (
    group_schedule_generate,
    group_slots,
    session_cancel,
    session_reschedule,
    session_schedule,
    week_start,
)
from sessions.services.stepdowns import step_down_record

__all__ = [
    "NOTE_UNSET",
    "AttendanceLockedError",
    "NoteIncompleteError",
    "Recurrence",
    "addendum_add",
    "attendance_correct",
    "attendance_mark",
    "attendance_mark_all_present",
    "attendance_opens_at",
    "attendance_refusal",
    "billing_codes",
    "can_edit_group",
    "facilitators_check",
    "group_sessions_follow",
    "group_settings_update",
    "attended_between",
    "day_attendance",
    "day_minutes",
    "default_minutes",
    "discharged_before",
    "enrollments_end_at_discharge",
    "group_enroll",
    "group_enrollment_end",
    "group_schedule_generate",
    "group_slots",
    "episode_hours_ledger",
    "hours_ledger",
    "may_manage_enrolment",
    "note_cosign",
    "note_formats",
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
    "session_topic_set",
    "series_following",
    "session_series_cancel_following",
    "session_series_preview",
    "session_series_schedule",
    "sessions_cancel_at_discharge",
    "step_down_record",
    "week_start",
]
