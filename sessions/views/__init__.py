"""Pages for a clinician's day, by subject: Today (`day`), the session page with attendance
(`session`), notes and co-signature (`notes`), scheduling, weeks and groups (`scheduling`),
and the chart's sessions tab (`chart`).

Views are thin: writes are `sessions.services` calls; reads go through `sessions.selectors`
and `for_user` QuerySets.
"""

from sessions.views.autosave import NoteAutosave
from sessions.views.chart import ChartNote, ChartSessions
from sessions.views.day import (
    alerts_page,
    below_hours_page,
    notes_to_write_page,
    older_notes_to_write_page,
    today,
)
from sessions.views.notes import CosignQueue, NoteAddendum, NoteCosign, NoteSave
from sessions.views.scheduling import GroupDetail, SessionCreate, WeekSchedule, groups_list
from sessions.views.session import (
    AttendanceCorrect,
    AttendanceMark,
    SessionCancel,
    SessionDetail,
)

__all__ = [
    "AttendanceCorrect",
    "AttendanceMark",
    "ChartNote",
    "ChartSessions",
    "CosignQueue",
    "GroupDetail",
    "NoteAddendum",
    "NoteAutosave",
    "NoteCosign",
    "NoteSave",
    "SessionCancel",
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
