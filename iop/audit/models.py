from django.conf import settings
from django.db import models, router
from django.utils import timezone

from iop.audit import chain
from iop.audit.appendonly import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet

__all__ = ["AppendOnlyError", "AuditCheckpoint", "AuditEvent"]


class AuditEventQuerySet(AppendOnlyQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Chained like `save`: one lock, one read of the head and one INSERT for them all."""
        objs = list(objs)
        if not objs:
            return objs
        return chain.append(
            self.model,
            objs,
            using=self.db,
            insert=lambda: super(AuditEventQuerySet, self).bulk_create(objs, *args, **kwargs),
        )

    def append_rows(self, common, rows):
        """One event per `(patient_id, detail)` of `rows`, every other field from `common`
        (`chain.append_rows`): what a page records of the patients it showed, without a model
        instance per event."""
        self._for_write = True
        chain.append_rows(self.model, common, rows, using=self.db)

    def append_one(self, common, *, patient_id, detail, user=None):
        """One event (`chain.append_rows` of one row), returned as stored: what
        `audit_record` writes for a page or a change, without the model's save."""
        self._for_write = True
        values = chain.append_rows(
            self.model, common, [(patient_id, detail)], using=self.db, returning=True
        )
        event = self.model(**values)
        event._state.adding, event._state.db = False, self.db
        if user is not None:
            event.user = user
        return event


class AuditCheckpointQuerySet(AppendOnlyQuerySet):
    def last_good(self):
        return self.filter(ok=True).order_by("-at", "-id").first()


class AuditEvent(AppendOnlyModel):
    """Who did what to which record, when, from where, and whether it was allowed.

    Append-only: the ORM refuses update and delete; on PostgreSQL triggers refuse UPDATE,
    DELETE (migration 0002) and TRUNCATE (0006), and the app's database role may only INSERT
    and SELECT (`manage.py db_grant_app_role`). Tamper-evident: every event is a link of a hash
    chain (`seq`, `prev_hash`, `hash`; see `iop.audit.chain`) that `manage.py audit_verify`
    walks.
    """

    class Action(models.TextChoices):
        VIEW = "view", "view"
        CREATE = "create", "create"
        UPDATE = "update", "update"
        DELETE = "delete", "delete"
        EXPORT = "export", "export"
        LOGIN = "login", "login"
        LOGIN_FAILED = "login_failed", "login failed"
        LOGOUT = "logout", "logout"
        DENIED = "denied", "denied"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "success"
        FAILURE = "failure", "failure"
        DENIED = "denied", "denied"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: a user who appears in the trail is disabled, never deleted. No index of its own:
    # `audit_user_at` starts with the user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    username = models.CharField(
        max_length=150, blank=True, help_text="As typed, for failed logins; the actor otherwise."
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # A plain integer, not a foreign key: the trail outlives and sits below the patients app.
    patient_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=300, blank=True)
    detail = models.CharField(
        max_length=300,
        blank=True,
        help_text="A short, PHI-free note, e.g. the reason for a denial.",
    )
    # The hash chain (iop.audit.chain), set when the event is written.
    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # Every index is paid for by each event written (a list writes one per patient shown):
        # `action` and `request_id` are indexed as plain values (a CharField's `db_index` on
        # PostgreSQL adds a second, LIKE-prefix index nobody searches with; migration 0007).
        indexes = [
            models.Index(fields=["user", "-at"], name="audit_user_at"),
            models.Index(fields=["action"], name="audit_action"),
            models.Index(fields=["request_id"], name="audit_request_id"),
        ]

    def __str__(self):
        who = self.username or "system"
        what = f"{self.object_type} {self.object_id}".strip()
        return f"{self.at:%Y-%m-%d %H:%M:%S} {who} {self.get_action_display()} {what}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events are append-only: they cannot be updated.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        chain.append(
            type(self),
            [self],
            using=using,
            insert=lambda: super(AuditEvent, self).save(*args, **kwargs),
        )


class AuditCheckpoint(AppendOnlyModel):
    """One run of `manage.py audit_verify`: when, up to which event, the hash found there, and
    whether the chain held.

    The next run compares the chain with the last good checkpoint, which is how a cut-off tail
    or an emptied table is noticed (the chain alone cannot tell a truncated trail from a short
    one). Append-only like the events: the app's database role may only INSERT and SELECT, and
    on PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE (migration 0006).
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    ok = models.BooleanField()
    verified_seq = models.PositiveBigIntegerField(
        help_text="The newest event the run reached (0: an empty trail)."
    )
    head_hash = models.CharField(max_length=64, blank=True)
    events = models.PositiveBigIntegerField(default=0, help_text="Events checked.")
    problems = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=500, blank=True, help_text="The first problems found.")
    task_id = models.CharField(max_length=64, blank=True)

    objects = AuditCheckpointQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        get_latest_by = ["at", "id"]

    def __str__(self):
        state = "OK" if self.ok else "BROKEN"
        return f"{self.at:%Y-%m-%d %H:%M} up to seq {self.verified_seq}: {state}"
