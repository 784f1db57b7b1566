from django.urls import path

from sessions import views

app_name = "sessions"
urlpatterns = [
    path("sessions/new/", views.SessionCreate.as_view(), name="new"),
    path("sessions/<int:pk>/", views.SessionDetail.as_view(), name="session"),
    path(
        "sessions/<int:pk>/attendance/<int:episode_pk>/",
        views.AttendanceMark.as_view(),
        name="attendance",
    ),
    path(
        "sessions/<int:pk>/attendance/all-present/",
        views.AttendanceAllPresent.as_view(),
        name="attendance-all-present",
    ),
    path(
        "sessions/<int:pk>/attendance/<int:episode_pk>/correct/",
        views.AttendanceCorrect.as_view(),
        name="attendance-correct",
    ),
    path("sessions/<int:pk>/note/", views.NoteSave.as_view(), name="note"),
    path("sessions/<int:pk>/note/autosave/", views.NoteAutosave.as_view(), name="note-autosave"),
    path("sessions/<int:pk>/note/addendum/", views.NoteAddendum.as_view(), name="addendum"),
    path("sessions/<int:pk>/note/cosign/", views.NoteCosign.as_view(), name="cosign"),
    path("sessions/<int:pk>/cancel/", views.SessionCancel.as_view(), name="cancel"),
    path(
        "sessions/<int:pk>/cancel-following/",
        views.SessionCancelFollowing.as_view(),
        name="cancel-following",
    ),
    path("sessions/<int:pk>/reschedule/", views.SessionReschedule.as_view(), name="reschedule"),
    path("schedule/", views.WeekSchedule.as_view(), name="week"),
    path("calendar/", views.calendar_start, name="calendar"),
    path(
        "calendar/clinician/<int:pk>/",
        views.ClinicianCalendar.as_view(),
        name="calendar-clinician",
    ),
    path("calendar/group/<int:pk>/", views.GroupCalendar.as_view(), name="calendar-group"),
    path("calendar/room/", views.RoomCalendar.as_view(), name="calendar-room"),
    path("groups/", views.groups_list, name="groups"),
    path("groups/<int:pk>/", views.GroupDetail.as_view(), name="group"),
    path("groups/<int:pk>/settings/", views.GroupSettings.as_view(), name="group-settings"),
    path("groups/<int:pk>/enrolments/", views.GroupEnrolments.as_view(), name="group-enrol"),
    path("cosign/", views.CosignQueue.as_view(), name="cosign-queue"),
    path("today/notes/", views.notes_to_write_page, name="notes-to-write"),
    path("today/notes/older/", views.older_notes_to_write_page, name="older-notes-to-write"),
    path("today/alerts/", views.alerts_page, name="alerts"),
    path("today/below-hours/", views.below_hours_page, name="below-hours"),
    path("patients/<int:pk>/sessions/", views.ChartSessions.as_view(), name="chart"),
    path("patients/<int:pk>/groups/", views.ChartGroups.as_view(), name="chart-groups"),
    path("patients/<int:pk>/level-of-care/", views.LevelOfCarePage.as_view(), name="level-of-care"),
    path(
        "patients/<int:pk>/sessions/<int:session_pk>/note/",
        views.ChartNote.as_view(),
        name="chart-note",
    ),
]
