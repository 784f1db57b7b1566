"""Attendance corrections: how attendance changes once the session's note is signed.

Kept apart from `sessions.models` (which re-exports it) to keep that module short. A correction
is append-only: it records the attendance before and after, the reason, who and when, with a
content hash like a note's signature.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from iop.hashing import content_sha256


class AttendanceCorrection(models.Model):
    attendance = models.ForeignKey(
        "therapy_sessions.Attendance", on_delete=models.PROTECT, related_name="corrections"
    )
    before_status = models.CharField(max_length=20, blank=True, help_text="Blank: not marked.")
    before_minutes = models.PositiveSmallIntegerField(default=0)
    after_status = models.CharField(max_length=20)
    after_minutes = models.PositiveSmallIntegerField(default=0)
    reason = models.TextField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64, blank=True)
    hash_version = models.PositiveSmallIntegerField(
        default=1,
        help_text="1: hashed on its own (before corrections were chained); "
        "2: chained to the note's content hash, like an addendum.",
    )

    CHAINED = 2

    class Meta:
        ordering = ["corrected_at", "pk"]

    def __str__(self):
        return f"Attendance correction for {self.attendance.patient} by {self.corrected_by}"

    @property
    def audit_patient_id(self):
        return self.attendance.patient_id

    def status_label(self, value):
        from sessions.models import Attendance

        return Attendance.Status(value).label.lower() if value else "not marked"

    @property
    def summary(self):
        """e.g. "absent (unexcused) → present, 0 → 180 min"."""
        return (
            f"{self.status_label(self.before_status)} → {self.status_label(self.after_status)}, "
            f"{self.before_minutes} → {self.after_minutes} min"
        )

    def compute_hash(self, note_hash=None):
        """Its own hash over before, after, reason, who and when; since version 2 chained to
        the signed note's hash (`note_hash`, looked up when not given)."""
        content = {
            "attendance": self.attendance_id,
            "before": [self.before_status, self.before_minutes],
            "after": [self.after_status, self.after_minutes],
            "reason": self.reason,
            "by": self.corrected_by_id,
            "at": self.corrected_at.isoformat(),
        }
        if self.hash_version < self.CHAINED:
            return content_sha256(content, ascii_only=True)
        if note_hash is None:
            note_hash = self.attendance.session.note.content_hash
        return content_sha256({**content, "note_hash": note_hash})
