"""Pages for a clinician's day, by subject: Today (`day`), the session page with attendance
(`session`), notes and co-signature (`notes`), scheduling, weeks and groups (`scheduling`),
and the chart's sessions tab (`chart`).

Views are thin: writes are `sessions.services` calls; reads go through `sessions.selectors`
and `for_user` QuerySets.
"""

from sessions.views.autosave import NoteAutosave
from sessions.views.calendar import (
    ClinicianCalendar,
    GroupCalendar,
    RoomCalendar,
    calendar_start,
)
from sessions.views.chart import ChartNote, ChartSessions
from sessions.views.day import (
    alerts_page,
    below_hours_page,
    notes_to_write_page,
    older_notes_to_write_page,
    today,
)
from sessions.views.enrolment import ChartGroups, GroupEnrolments
from sessions.views.levels import LevelOfCarePage
from sessions.views.notes import CosignQueue, NoteAddendum, NoteCosign, NoteSave
from sessions.views.scheduling import (
    GroupDetail,
    GroupSettings,
    SessionCreate,
    WeekSchedule,
    groups_list,
)
from sessions.views.session import (
    AttendanceAllPresent,
    AttendanceCorrect,
    AttendanceMark,
    SessionCancel,
    SessionCancelFollowing,
    SessionDetail,
    SessionReschedule,
)

__all__ = [
    "AttendanceAllPresent",
    "AttendanceCorrect",
    "AttendanceMark",
    "ChartGroups",
    "ChartNote",
    "ClinicianCalendar",
    "GroupCalendar",
    "RoomCalendar",
    "SessionReschedule",
    "calendar_start",
    "ChartSessions",
    "CosignQueue",
    "GroupDetail",
    "GroupSettings",
    "GroupEnrolments",
    "LevelOfCarePage",
    "NoteAddendum",
    "NoteAutosave",
    "NoteCosign",
    "NoteSave",
    "SessionCancel",
    "SessionCancelFollowing",
    "SessionCreate",
    "SessionDetail",
    "WeekSchedule",
    "alerts_page",
    "below_hours_page",
    "groups_list",
    "notes_to_write_page",
    "older_notes_to_write_page",
    "today",
]
