from django.db import models
from django.utils import timezone


class JobRunQuerySet(models.QuerySet):
    def last_success_of(self, job):
        """When `job` last finished successfully, or None if it never has."""
        return (
            self.filter(job=job, outcome=JobRun.Outcome.SUCCESS)
            .order_by("-started_at")
            .values_list("finished_at", flat=True)
            .first()
        )


class JobRun(models.Model):
    """One run of a background job: when, how long, what it did. Admins read these."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "running"
        SUCCESS = "success", "success"
        FAILED = "failed", "failed"

    job = models.CharField(max_length=100, db_index=True)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    counts = models.JSONField(default=dict, blank=True, help_text="What the run did, e.g. sent: 12")
    error = models.TextField(blank=True)

    objects = JobRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"{self.job} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        if self.finished_at is None:
            return None
        return self.finished_at - self.started_at


class PendingTask(models.Model):
    """A task recorded for the broker, in the same transaction as the change that asked for it.

    Published after commit and deleted once the broker has it; if the broker is down, it stays
    here and the `pending_tasks` job publishes it when the broker is back (iop/jobs/outbox.py).
    Holds task names and ids only, never patient data.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True, help_text="e.g. queue, priority")
    task_id = models.CharField(max_length=64, unique=True, help_text="Kept across retries")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Publications the broker refused")
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.task} ({self.task_id})"
