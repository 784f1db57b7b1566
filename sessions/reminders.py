"""Session reminders: planned once per session, patient and lead time; sent exactly once.

Two steps, each safe to run twice at once and after a crash:

1. `reminders_plan` finds sessions inside a lead time and makes the delivery rows. The unique
   constraint (session, patient, lead, start time) makes a second run — or a concurrent one —
   create nothing more. Only the smallest lead that is due is made, so a job that was down does
   not send a stale "tomorrow" reminder next to the "in two hours" one.
2. `reminders_send` claims due rows in batches (`SELECT … FOR UPDATE SKIP LOCKED` on
   PostgreSQL, so two workers never claim the same row), then sends them one at a time: a row
   is marked `sending` (committed) before its backend call and `sent` (committed) right after,
   before the next one is touched. A run killed at any instant leaves at most that one message
   in doubt; the rest of its batch is still `claimed`, never handed to a backend. Claims of a
   run that died are released after REMINDER_CLAIM_TIMEOUT and sent again with the same
   idempotency key (the delivery id): a crash doubles at most the one message in flight, and
   the key lets a receiver fold it (see `iop.notify`). A batch's audit events are written in
   one INSERT after it; those a dead run left unwritten (`audit_pending`) are written by the
   next run.

Each batch costs a fixed number of queries, and each reminder two more (its marker and its
outcome, one statement each). Reminder text says when and where (or the telehealth link) and
the clinic's phone: no names of groups, kinds of session or anything else clinical.
"""

import contextlib
import logging
import uuid
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.notify import Sender
from patients.models import Consent, Episode, Patient, Program
from sessions.models import GroupEnrollment, ReminderDelivery, TherapySession

logger = logging.getLogger(__name__)


def claim_timeout():
    """How long a claim by a worker that may have died is honoured (REMINDER_CLAIM_TIMEOUT).

    Longer than any batch can take (the task time limit), so a live worker is never raced.
    """
    return timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)


def _leads(program):
    leads = program.reminder_lead_hours if program else None
    return sorted({int(h) for h in (leads or [24, 2]) if int(h) > 0})


def _max_lead():
    leads = [
        h
        for p in Program.objects.values_list("reminder_lead_hours", flat=True)
        for h in (p or [24, 2])
    ]
    return max([24, *[int(h) for h in leads]])


def _channel(patient, consent):
    """The patient's preferred channel, if they consented to it and we have the contact."""
    preferred = patient.preferred_contact_channel
    if preferred == Patient.ContactChannel.EMAIL and consent.get("email") and patient.email:
        return ReminderDelivery.Channel.EMAIL, patient.email
    if preferred == Patient.ContactChannel.SMS and consent.get("sms") and patient.phone:
        return ReminderDelivery.Channel.SMS, patient.phone
    return None


def _consents(patient_ids, day):
    allowed = defaultdict(dict)
    for patient_id, email, sms in (
        Consent.objects.in_force(day)
        .filter(kind=Consent.Kind.COMMUNICATIONS, patient_id__in=patient_ids)
        .values_list("patient_id", "allow_email", "allow_sms")
    ):
        allowed[patient_id]["email"] = allowed[patient_id].get("email") or email
        allowed[patient_id]["sms"] = allowed[patient_id].get("sms") or sms
    return allowed


def _in_care(episode, day):
    """Whether a one-patient session's episode still gets reminders on `day`: not for a closed
    episode (discharged or declined) nor a day after its discharge date."""
    if episode is None or episode.status in (Episode.Status.DISCHARGED, Episode.Status.DECLINED):
        return False
    return episode.discharge_date is None or day <= episode.discharge_date


def reminders_plan(*, now=None, batch_size=None):
    """Make the delivery rows for reminders now due. Returns how many rows were new."""
    now = now or timezone.now()
    batch_size = batch_size or settings.REMINDER_BATCH_SIZE
    horizon = now + timedelta(hours=_max_lead())
    sessions = TherapySession.objects.filter(
        status=TherapySession.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=horizon
    ).order_by("pk")
    created, last_pk = 0, 0
    while True:
        batch = list(
            sessions.filter(pk__gt=last_pk).select_related(
                "group__program", "episode__program", "episode__patient"
            )[:batch_size]
        )
        if not batch:
            return created
        last_pk = batch[-1].pk
        group_ids = {s.group_id for s in batch if s.group_id}
        enrollments = defaultdict(list)
        for enrollment in GroupEnrollment.objects.filter(
            group_id__in=group_ids, episode__status=Episode.Status.ACTIVE
        ).select_related("episode__patient", "episode__program"):
            enrollments[enrollment.group_id].append(enrollment)
        wanted = []
        for session in batch:
            day = timezone.localtime(session.starts_at).date()
            if session.group_id:
                episodes = [
                    e.episode
                    for e in enrollments[session.group_id]
                    if e.start_date <= day and (e.end_date is None or e.end_date >= day)
                ]
                program = session.group.program
            else:
                episodes = [session.episode] if _in_care(session.episode, day) else []
                program = session.episode.program if session.episode_id else None
            due = [h for h in _leads(program) if session.starts_at - timedelta(hours=h) <= now]
            if due:
                wanted.extend((session, episode.patient, min(due)) for episode in episodes)
        consents = _consents({p.pk for _, p, _ in wanted}, timezone.localdate(now))
        rows = []
        for session, patient, lead in wanted:
            channel = _channel(patient, consents.get(patient.pk, {}))
            if channel:
                rows.append(
                    ReminderDelivery(
                        session=session,
                        patient=patient,
                        lead_hours=lead,
                        starts_at=session.starts_at,
                        channel=channel[0],
                        to=channel[1],
                        next_attempt_at=now,
                    )
                )
        before = ReminderDelivery.objects.count() if rows else 0
        ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        if rows:
            created += ReminderDelivery.objects.count() - before


def reminder_text(delivery):
    """What a reminder says: time and place (or link) and the clinic's phone. Nothing more."""
    session = delivery.session
    when = timezone.localtime(session.starts_at)
    if session.delivery == TherapySession.Delivery.TELEHEALTH and session.telehealth_link:
        where = f"online: {session.telehealth_link}"
    else:
        where = f"at {settings.CLINIC_NAME}" + (f", {session.location}" if session.location else "")
    return (
        f"Reminder: you have an appointment on {when:%A %-d %B} at {when:%-I:%M %p}, {where}. "
        f"To change it, call {settings.CLINIC_PHONE}."
    )


def _release_stale_claims(now):
    """Give back the rows of claims not renewed for REMINDER_CLAIM_TIMEOUT: their run died.

    A `claimed` row was never handed to a backend. A `sending` row was being sent when its run
    died (one per dead run at most): it may have gone out, and is sent again with the same key.
    Returns (rows released, of which in doubt)."""
    stale = ReminderDelivery.objects.filter(
        status__in=[ReminderDelivery.Status.CLAIMED, ReminderDelivery.Status.SENDING],
        claimed_at__lt=now - claim_timeout(),
    )
    in_doubt = list(
        stale.filter(status=ReminderDelivery.Status.SENDING).values_list("pk", flat=True)
    )
    for pk in in_doubt:
        logger.warning("reminder %s: its run died while sending it; sent again, same key", pk)
    return stale.update(status=ReminderDelivery.Status.PENDING, claimed_by=""), len(in_doubt)


def _claim(now, batch_size, worker):
    with transaction.atomic():
        ids = list(
            ReminderDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=ReminderDelivery.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if ids:
            # Conditional on still pending, so that where SKIP LOCKED is not available
            # (SQLite) a row two workers both selected is still claimed by one.
            # Stamped with the clock, not the run's start: a late batch of a long run is not
            # born stale.
            ReminderDelivery.objects.filter(
                pk__in=ids, status=ReminderDelivery.Status.PENDING
            ).update(
                status=ReminderDelivery.Status.CLAIMED,
                claimed_at=timezone.now(),
                claimed_by=worker,
            )
    return ids


def _still_due(row, allowed, now):
    session = row.session
    return (
        session.status == TherapySession.Status.SCHEDULED
        and session.starts_at == row.starts_at
        and allowed.get(row.channel)
        and session.starts_at > now
    )


def _start_attempt(row, worker):
    """The attempt marker, committed before the backend is called: `sending`, one more
    attempt, the text, and the claim renewed (a live run's claim is never taken for dead
    however long its batch). False if the claim is no longer this run's (released as stale):
    the run that holds it now sends it."""
    row.attempts += 1
    return bool(
        ReminderDelivery.objects.filter(
            pk=row.pk, status=ReminderDelivery.Status.CLAIMED, claimed_by=worker
        ).update(
            status=ReminderDelivery.Status.SENDING,
            attempts=F("attempts") + 1,
            claimed_at=timezone.now(),
            body=row.body,
        )
    )


def _record_sent(row):
    ReminderDelivery.objects.filter(pk=row.pk).update(
        status=ReminderDelivery.Status.SENT, sent_at=timezone.now(), audit_pending=True
    )


@transaction.atomic
def _audit_sent(deliveries, task_id):
    """Write the audit events of sent reminders not yet audited, in one chained INSERT.

    Locks the rows first, so that a run auditing its own batch and one auditing what a dead run
    left never both write an event for the same reminder."""
    rows = list(
        deliveries.filter(audit_pending=True)
        .select_for_update()
        .only("pk", "patient_id", "lead_hours", "channel", "sent_at")
    )
    if not rows:
        return 0
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                user=None,
                action=AuditEvent.Action.EXPORT,
                object_type="therapy_sessions.reminderdelivery",
                object_id=str(row.pk),
                patient_id=row.patient_id,
                request_id=task_id,
                detail=f"{row.lead_hours} h reminder sent by {row.channel} "
                f"at {row.sent_at.isoformat(timespec='seconds')}",
            )
            for row in rows
        ]
    )
    ReminderDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(audit_pending=False)
    return len(rows)


def _record_failure(row, exc, now, worker):
    """Retry with backoff, or give up when too late or after REMINDER_MAX_ATTEMPTS calls."""
    logger.warning("reminder %s failed: %s", row.pk, exc)
    delay = timedelta(minutes=2 ** min(row.attempts, 8))
    too_late = now + delay >= row.session.starts_at
    exhausted = row.attempts >= settings.REMINDER_MAX_ATTEMPTS
    status = (
        ReminderDelivery.Status.FAILED if too_late or exhausted else ReminderDelivery.Status.PENDING
    )
    ReminderDelivery.objects.filter(
        pk=row.pk, status=ReminderDelivery.Status.SENDING, claimed_by=worker
    ).update(
        status=status,
        next_attempt_at=now + delay,
        last_error=f"{type(exc).__name__}: {exc}"[:500],
    )
    return "failed" if status == ReminderDelivery.Status.FAILED else "retrying"


def _deliver(row, *, sender, worker, now, send_hook):
    """Send one claimed reminder; its outcome is committed before the next one is sent, so a
    run killed at any instant leaves at most this one message in doubt."""
    row.body = reminder_text(row)
    if not _start_attempt(row, worker):
        return "lost_claim"
    try:
        if send_hook:
            send_hook(row)
        sender.send(
            channel=row.channel,
            to=row.to,
            subject="Appointment reminder",
            body=row.body,
            key=f"reminder-{row.pk}",
        )
    except Exception as exc:  # noqa: BLE001 - any backend failure is retried
        return _record_failure(row, exc, now, worker)
    _record_sent(row)
    return "sent"


@contextlib.contextmanager
def _commits_not_waiting_for_disk():
    """PostgreSQL's `synchronous_commit = off` for a run: a commit is visible and survives the
    worker's death at once, without waiting for its WAL to reach the disk (~0.2 ms instead of
    one disk flush for each of two commits per reminder). Only a crash of the database server
    itself can lose the last fraction of a second of commits: their reminders are then sent
    again with the same key, never lost (a lost `sent` only means a resend)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")  # unless the connection is gone


def reminders_send(
    *, now=None, batch_size=None, worker="", task_id="", send_hook=None, should_stop=None
):
    """Send due reminders in batches; returns counts {sent, cancelled, retrying, failed, …}.

    A batch is claimed at once; then each reminder is marked `sending`, handed to the
    backend and marked `sent`, one after the other; the batch's audit events follow in one
    INSERT (a run that dies first leaves them to the next run). `should_stop()`
    (iop.jobs.shutdown), asked before each batch after the first, ends the run early with
    counts["stopped"] = 1: the rest is left pending for the next run."""
    with _commits_not_waiting_for_disk():
        return _send_batches(
            now=now or timezone.now(),
            batch_size=batch_size or settings.REMINDER_BATCH_SIZE,
            worker=f"{worker or 'worker'}:{uuid.uuid4().hex[:12]}",  # unique per run
            task_id=task_id,
            send_hook=send_hook,
            should_stop=should_stop,
        )


def _send_batches(*, now, batch_size, worker, task_id, send_hook, should_stop):
    counts = dict.fromkeys(("sent", "cancelled", "retrying", "failed"), 0)
    counts["released"], counts["in_doubt"] = _release_stale_claims(now)
    stale = now - claim_timeout()
    _audit_sent(ReminderDelivery.objects.filter(audit_pending=True, claimed_at__lt=stale), task_id)
    sender = Sender()
    batches = 0
    while True:
        if batches and should_stop is not None and should_stop():
            counts["stopped"] = 1
            return counts
        ids = _claim(now, batch_size, worker)
        if not ids:
            return counts
        batches += 1
        rows = list(
            ReminderDelivery.objects.filter(
                pk__in=ids, status=ReminderDelivery.Status.CLAIMED, claimed_by=worker
            ).select_related("session")
        )
        consents = _consents({r.patient_id for r in rows}, timezone.localdate(now))
        due, cancelled = [], []
        for row in rows:
            if _still_due(row, consents.get(row.patient_id, {}), now):
                due.append(row)
            else:
                cancelled.append(row.pk)
        if cancelled:
            counts["cancelled"] += ReminderDelivery.objects.filter(
                pk__in=cancelled, status=ReminderDelivery.Status.CLAIMED, claimed_by=worker
            ).update(status=ReminderDelivery.Status.CANCELLED)
        for row in due:
            outcome = _deliver(row, sender=sender, worker=worker, now=now, send_hook=send_hook)
            counts[outcome] = counts.get(outcome, 0) + 1
        _audit_sent(ReminderDelivery.objects.filter(pk__in=[r.pk for r in due]), task_id)
