"""Engagement and documentation jobs. Idempotent through alert dedupe keys."""

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from patients.models import Alert, Episode
from patients.services import alert_raise
from sessions.models import Attendance, ProgressNote, TherapySession
from sessions.services import hours_ledger, week_start


def engagement_alerts(*, today=None):
    """Alert when last week's attended hours are below the minimum of the episode's level of
    care that week (PHP 20, IOP 9 or 6 for an adolescent, OP none; outside a recorded step-down,
    a week of admission and the week in progress), and when the two latest attendances are both
    unexcused absences."""
    today = today or timezone.localdate()
    episodes = list(
        Episode.objects.filter(
            status=Episode.Status.ACTIVE, admission_date__isnull=False
        ).select_related("program", "patient", "primary_clinician")
    )
    counts = {"below_hours": 0, "no_shows": 0}
    last_week = week_start(today) - timedelta(weeks=1)
    ledger = hours_ledger(episodes, weeks=2, today=today)
    for episode in episodes:
        week = next((w for w in ledger[episode.pk] if w["week"] == last_week), None)
        if week is None or not week["below"]:
            continue
        key = f"low_hours:{episode.pk}:{last_week.isoformat()}"
        if Alert.objects.filter(dedupe_key=key).exists():
            continue
        alert_raise(
            patient=episode.patient,
            episode=episode,
            kind=Alert.Kind.LOW_ATTENDANCE,
            title=f"{week['hours']} of {week['minimum']:g} hours in the week of {last_week:%-d %b}",
            detail=f"Below the {week['level']} minimum and not a recorded step-down.",
            dedupe_key=key,
            action_url=reverse("sessions:chart", args=[episode.patient_id]),
        )
        counts["below_hours"] += 1
    now = timezone.now()
    recent = (
        Attendance.objects.filter(episode__in=episodes, session__starts_at__lt=now)
        .exclude(session__status=TherapySession.Status.CANCELLED)
        .order_by("episode_id", "-session__starts_at")
        .values_list("episode_id", "status", "pk")
    )
    latest = {}
    for episode_id, status, pk in recent:
        if len(latest.setdefault(episode_id, [])) < 2:
            latest[episode_id].append((status, pk))
    by_id = {e.pk: e for e in episodes}
    for episode_id, rows in latest.items():
        if len(rows) < 2 or any(s != Attendance.Status.ABSENT_UNEXCUSED for s, _ in rows):
            continue
        episode = by_id[episode_id]
        key = f"no_shows:{episode_id}:{rows[0][1]}"
        if Alert.objects.filter(dedupe_key=key).exists():
            continue
        alert_raise(
            patient=episode.patient,
            episode=episode,
            kind=Alert.Kind.NO_SHOWS,
            title="Two unexcused absences in a row",
            detail="Reach out today: engagement is slipping.",
            priority=Alert.Priority.HIGH,
            dedupe_key=key,
            action_url=reverse("sessions:chart", args=[episode.patient_id]),
        )
        counts["no_shows"] += 1
    return counts


def documentation_alerts(*, now=None):
    """Notes not signed 24 h after their session alert the author (or the session's clinician);
    at 72 h, supervisors. Alerts for notes since signed are closed."""
    now = now or timezone.now()
    counts = {"author_alerts": 0, "supervisor_alerts": 0, "resolved": 0}
    unsigned = (
        TherapySession.objects.filter(starts_at__lt=now - timedelta(hours=24))
        .needing_note()
        .select_related("note__author", "group", "patient", "episode")
        .prefetch_related("clinicians")
    )
    for session in unsigned:
        ended = session.ends_at
        author = session.note.author if hasattr(session, "note") else None
        author = author or next(iter(session.clinicians.all()), None)
        what = session.group.name if session.group_id else session.get_kind_display().lower()
        when = timezone.localtime(session.starts_at)
        url = reverse("sessions:session", args=[session.pk]) + "#note"
        for hours, field in ((24, "author_alerts"), (72, "supervisor_alerts")):
            if now - ended < timedelta(hours=hours):
                continue
            key = f"note_unsigned:{hours}:{session.pk}"
            if Alert.objects.filter(dedupe_key=key).exists():
                continue
            alert_raise(
                patient=session.patient,
                episode=session.episode,
                kind=Alert.Kind.NOTE_UNSIGNED,
                title=f"Note unsigned {hours} h after the {what} session of {when:%a %-d %b}",
                detail="" if hours == 24 else "Flagged for supervisors.",
                priority=Alert.Priority.ROUTINE if hours == 24 else Alert.Priority.HIGH,
                assigned_to=author if hours == 24 else None,
                dedupe_key=key,
                action_url=url,
                program=session.group.program if session.group_id else None,
                source=session,
            )
            counts[field] += 1
    open_alerts = Alert.objects.filter(
        kind=Alert.Kind.NOTE_UNSIGNED,
        status=Alert.Status.OPEN,
        source_type="therapy_sessions.therapysession",
    )
    ids = {int(i) for i in open_alerts.values_list("source_id", flat=True) if i.isdigit()}
    signed = TherapySession.objects.filter(pk__in=ids).exclude(
        Q(note__isnull=True) | Q(note__status=ProgressNote.Status.DRAFT)
    )
    counts["resolved"] = open_alerts.filter(
        source_id__in=[str(pk) for pk in signed.values_list("pk", flat=True)]
    ).update(
        status=Alert.Status.CLOSED,
        closed_at=now,
        action_taken="Closed automatically: the note was signed.",
    )
    return counts


COSIGN_ALERT_AFTER = timedelta(hours=72)


def cosignature_alerts(*, now=None):
    """Notes signed and still waiting for a co-signature 72 h later alert the supervisors: one
    alert per note. Alerts for notes since co-signed are closed."""
    now = now or timezone.now()
    waiting = ProgressNote.objects.filter(
        status=ProgressNote.Status.AWAITING_COSIGN, signed_at__lte=now - COSIGN_ALERT_AFTER
    ).select_related("author", "session__group", "session__patient", "session__episode")
    counts = {"alerts": 0, "resolved": 0}
    for note in waiting:
        key = f"note_cosign:{note.pk}"
        if Alert.objects.filter(dedupe_key=key).exists():
            continue
        session = note.session
        what = session.group.name if session.group_id else session.get_kind_display().lower()
        alert_raise(
            patient=session.patient,
            episode=session.episode,
            kind=Alert.Kind.NOTE_UNSIGNED,
            title=f"{note.author.display_name}'s note on the {what} session of "
            f"{timezone.localtime(session.starts_at):%a %-d %b} awaits co-signature (72 h)",
            detail=f"Signed {timezone.localtime(note.signed_at):%a %-d %b %H:%M}; a supervisor "
            "other than the author co-signs it.",
            priority=Alert.Priority.HIGH,
            dedupe_key=key,
            action_url=note.get_absolute_url(),
            program=session.group.program if session.group_id else None,
            source=note,
        )
        counts["alerts"] += 1
    counts["resolved"] = (
        Alert.objects.filter(
            kind=Alert.Kind.NOTE_UNSIGNED,
            status=Alert.Status.OPEN,
            source_type="therapy_sessions.progressnote",
            dedupe_key__startswith="note_cosign:",
        )
        .exclude(
            source_id__in=[
                str(pk)
                for pk in ProgressNote.objects.filter(
                    status=ProgressNote.Status.AWAITING_COSIGN
                ).values_list("pk", flat=True)
            ]
        )
        .update(
            status=Alert.Status.CLOSED,
            closed_at=now,
            action_taken="Closed automatically: the note was co-signed.",
        )
    )
    return counts
