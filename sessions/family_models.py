"""The family members taking part in a family session (CLINICAL.md: 90846/90847).

Kept apart from `sessions.models` (which re-exports it) to keep that module short.
"""

from django.db import models


class FamilyMember(models.Model):
    session = models.ForeignKey(
        "therapy_sessions.TherapySession", on_delete=models.CASCADE, related_name="family_members"
    )
    name = models.CharField(max_length=120)
    relationship = models.CharField(max_length=60)

    def __str__(self):
        return f"{self.name} ({self.relationship})"
