"""Session reminders: planned once per session, patient and lead time; sent exactly once.

Two steps, each safe to run twice at once and after a crash:

1. `reminders_plan` finds sessions inside a lead time and makes the delivery rows. The unique
   constraint (session, patient, lead, start time) makes a second run — or a concurrent one —
   create nothing more. Only the smallest lead that is due is made, so a job that was down does
   not send a stale "tomorrow" reminder next to the "in two hours" one.
2. `reminders_send` claims due rows in batches (`SELECT … FOR UPDATE SKIP LOCKED` on
   PostgreSQL, so two workers never claim the same row), sends them with the delivery id as the
   idempotency key, and records the outcome in one statement per batch. Rows claimed by a worker
   that died are released after REMINDER_CLAIM_TIMEOUT and sent again with the same key; the
   built-in backends deliver a key once.

Each batch costs a fixed number of queries whatever its size. Reminder text says when and where
(or the telehealth link) and the clinic's phone: no names of groups, kinds of session or
anything else clinical.
"""

import logging
import uuid
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.notify import get_sms_backend
from iop.notify.backends import KEY_HEADER
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
    return ReminderDelivery.objects.filter(
        status=ReminderDelivery.Status.SENDING, claimed_at__lt=now - claim_timeout()
    ).update(status=ReminderDelivery.Status.PENDING, claimed_by="")


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
            ReminderDelivery.objects.filter(
                pk__in=ids, status=ReminderDelivery.Status.PENDING
            ).update(
                status=ReminderDelivery.Status.SENDING,
                claimed_at=now,
                claimed_by=worker,
                attempts=F("attempts") + 1,
            )
    return ids


def reminders_send(
    *, now=None, batch_size=None, worker="", task_id="", send_hook=None, should_stop=None
):
    """Send due reminders in batches; returns counts {sent, cancelled, retrying, failed}.

    `should_stop()` (iop.jobs.shutdown), asked before each batch after the first, ends the run
    early with counts["stopped"] = 1: the rest is left pending for the next run."""
    now = now or timezone.now()
    batch_size = batch_size or settings.REMINDER_BATCH_SIZE
    counts = {"sent": 0, "cancelled": 0, "retrying": 0, "failed": 0, "released": 0}
    counts["released"] = _release_stale_claims(now)
    worker = f"{worker or 'worker'}:{uuid.uuid4().hex[:12]}"  # unique per run
    sms = get_sms_backend()
    email = get_connection()
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
                pk__in=ids, status=ReminderDelivery.Status.SENDING, claimed_by=worker
            ).select_related("session")
        )
        consents = _consents({r.patient_id for r in rows}, timezone.localdate(now))
        sent, cancelled, retry = [], [], []
        for row in rows:
            session = row.session
            allowed = consents.get(row.patient_id, {})
            if (
                session.status != TherapySession.Status.SCHEDULED
                or session.starts_at != row.starts_at
                or not allowed.get(row.channel)
                or session.starts_at <= now
            ):
                cancelled.append(row.pk)
                continue
            row.body = reminder_text(row)
            try:
                if send_hook:
                    send_hook(row)
                key = f"reminder-{row.pk}"
                if row.channel == ReminderDelivery.Channel.SMS:
                    sms.send(to=row.to, body=row.body, key=key)
                else:
                    email.send_messages(
                        [
                            EmailMessage(
                                subject="Appointment reminder",
                                body=row.body,
                                to=[row.to],
                                headers={KEY_HEADER: key},
                            )
                        ]
                    )
            except Exception as exc:  # noqa: BLE001 - any backend failure is retried
                logger.warning("reminder %s failed: %s", row.pk, exc)
                row.last_error = f"{type(exc).__name__}: {exc}"[:500]
                retry.append(row)
                continue
            row.status, row.sent_at = ReminderDelivery.Status.SENT, timezone.now()
            sent.append(row)
        with transaction.atomic():
            if sent:
                ReminderDelivery.objects.bulk_update(sent, ["status", "sent_at", "body"])
                AuditEvent.objects.bulk_create(
                    [
                        AuditEvent(
                            user=None,
                            action=AuditEvent.Action.EXPORT,
                            object_type="therapy_sessions.reminderdelivery",
                            object_id=str(r.pk),
                            patient_id=r.patient_id,
                            request_id=task_id,
                            detail=f"{r.lead_hours} h reminder sent by {r.channel}",
                        )
                        for r in sent
                    ]
                )
            if cancelled:
                ReminderDelivery.objects.filter(pk__in=cancelled).update(
                    status=ReminderDelivery.Status.CANCELLED
                )
            for row in retry:
                # `attempts` already counts this one (the claim incremented it).
                delay = timedelta(minutes=2 ** min(row.attempts, 8))
                too_late = now + delay >= row.session.starts_at
                exhausted = row.attempts >= settings.REMINDER_MAX_ATTEMPTS
                row.status = (
                    ReminderDelivery.Status.FAILED
                    if too_late or exhausted
                    else ReminderDelivery.Status.PENDING
                )
                row.next_attempt_at = now + delay
            if retry:
                ReminderDelivery.objects.bulk_update(
                    retry, ["status", "next_attempt_at", "last_error"]
                )
        counts["sent"] += len(sent)
        counts["cancelled"] += len(cancelled)
        counts["failed"] += sum(r.status == ReminderDelivery.Status.FAILED for r in retry)
        counts["retrying"] += sum(r.status == ReminderDelivery.Status.PENDING for r in retry)
