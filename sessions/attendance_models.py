"""Attendance: a patient's presence at a session and the minutes attended.

Kept apart from `sessions.models` (which re-exports it) to keep that module short. It carries a
copy of its session's start (`session_starts_at`) so that the weekly hours of a caseload are read
by episode and week from one index (`attendance_hours`) without walking every attendance ever.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from patients.models import Episode, Patient
from patients.querysets import PatientScopedQuerySet

HOURS_READ = ["session", "status", "minutes_attended"]  # what the hours need of an attendance


class AttendanceQuerySet(PatientScopedQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """As `Attendance.save`: a row's copy of its session's start filled where the writer
        left it out (bulk_create calls no `save`)."""
        objs = list(objs)
        for obj in objs:
            if obj.session_starts_at is None:
                obj.session_starts_at = obj.session.starts_at
        return super().bulk_create(objs, *args, **kwargs)


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        LATE = "late", "Late"
        LEFT_EARLY = "left_early", "Left early"
        ABSENT_EXCUSED = "absent_excused", "Absent (excused)"
        ABSENT_UNEXCUSED = "absent_unexcused", "Absent (unexcused)"

    ATTENDED = (Status.PRESENT, Status.LATE, Status.LEFT_EARLY)

    session = models.ForeignKey(
        "therapy_sessions.TherapySession", on_delete=models.CASCADE, related_name="attendance"
    )
    # The session's start, copied so that a caseload's weeks are one index range per episode
    # rather than every attendance the episode ever had, each with its session looked up. Kept
    # equal by the services that write either (`attendance_mark`, `session_reschedule`); `save`
    # and `bulk_create` fill it for any other writer.
    session_starts_at = models.DateTimeField(editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="attendance")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=20, choices=Status.choices)
    minutes_attended = models.PositiveSmallIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["session", "patient"]
        constraints = [
            models.UniqueConstraint(fields=["session", "episode"], name="one_attendance_each"),
        ]
        # By episode and time with what the hours read: a caseload's weeks from the index alone.
        indexes = [
            models.Index(
                fields=["episode", "session_starts_at"], include=HOURS_READ, name="attendance_hours"
            )
        ]

    def __str__(self):
        return f"{self.patient}: {self.get_status_display()} ({self.minutes_attended} min)"

    def save(self, *args, **kwargs):
        if self.session_starts_at is None:
            self.session_starts_at = self.session.starts_at
        super().save(*args, **kwargs)

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def attended(self):
        return self.status in self.ATTENDED
