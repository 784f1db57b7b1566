"""How sessions shows up elsewhere: the chart's Sessions tab, the caseload's hours column,
attendance in plan reviews, and discharge (refused before recorded attendance; group
enrolments end and the episode's later sessions cancel)."""

from dataclasses import dataclass

from django.utils import timezone

from patients import extensions
from patients.links import patient_url
from plans import services as plan_services

# What other apps show on a session page, beside its note (the medications app: the
# reconciliation done at a medication-management visit). Callables (session, user) returning
# [SessionLink]; an app above sessions registers its own.
session_links = []


@dataclass(frozen=True)
class SessionLink:
    label: str
    text: str
    url: str


def hours_column(episodes):
    from patients.models import Episode
    from sessions.services import hours_ledger

    active = [e for e in episodes if e.status == Episode.Status.ACTIVE and e.admission_date]
    # Two weeks: this one (in progress, shown, never judged) and the last full one, whose
    # shortfall raises the "hours short" flag.
    ledger = hours_ledger(active, weeks=2)
    values, flags = {}, {}
    for episode in active:
        weeks = ledger[episode.pk]
        if weeks and weeks[-1]["in_progress"]:
            values[episode.pk] = _hours_text(weeks[-1])
        done = [w for w in weeks if not w["in_progress"]]
        if done and done[-1]["below"]:
            week = done[-1]
            flags[episode.pk] = [
                extensions.CaseloadFlag(
                    f"Hours short: {week['hours']} / {week['minimum']:g} h last week",
                    "warning",
                    patient_url("sessions:chart", episode.patient_id),
                )
            ]
    return extensions.CaseloadColumn("Hours this week", values, flags)


def _hours_text(week):
    """ "3.0 / 9 h (in progress)", "2.0 h, OP: no minimum": a ledger week in a few words."""
    if week["minimum"] is None:
        text = f"{week['hours']} h, {week['level']}: no minimum"
    else:
        text = f"{week['hours']} / {week['minimum']:g} h"
    notes = [week["status"]] if week["status"] in ("in progress", "planned step-down") else []
    if week["php_hint"]:
        notes.append("PHP may fit")
    return text + (f" ({', '.join(notes)})" if notes else "")


def review_attendance(plan, period_start):
    """Attendance and hours since the last review, for the review form."""
    from sessions.models import Attendance
    from sessions.services import hours_ledger

    today = timezone.localdate()
    weeks = max(1, (today - period_start).days // 7 + 1)
    rows = hours_ledger([plan.episode], weeks=weeks)[plan.episode_id]
    rows = [w for w in rows if w["week"] >= period_start - timezone.timedelta(days=6)]
    records = Attendance.objects.filter(
        episode_id=plan.episode_id, session__starts_at__date__gte=period_start
    ).values_list("status", flat=True)
    counts = {}
    for status in records:
        counts[status] = counts.get(status, 0) + 1
    attended = sum(counts.get(s, 0) for s in Attendance.ATTENDED)
    Status = Attendance.Status
    return {
        "attendance": {
            "sessions": sum(counts.values()),
            "attended": attended,
            "absent_excused": counts.get(Status.ABSENT_EXCUSED, 0),
            "absent_unexcused": counts.get(Status.ABSENT_UNEXCUSED, 0),
            "late_or_left_early": counts.get(Status.LATE, 0) + counts.get(Status.LEFT_EARLY, 0),
            "weeks": [
                {
                    "week": w["week"].isoformat(),
                    "hours": str(w["hours"]),
                    "level": w["level"],
                    "minimum": "" if w["minimum"] is None else f"{w['minimum']:g}",
                    "met": w["met"],
                    "step_down": w["step_down"],
                    "in_progress": w["in_progress"],
                    "below": w["below"],
                    "php_hint": w["php_hint"],
                    "status": w["status"],
                }
                for w in rows
            ],
        }
    }


def end_enrollments(episode, user, context):
    """Discharge hook: group enrolments end on the discharge date."""
    from sessions.services import enrollments_end_at_discharge

    enrollments_end_at_discharge(episode=episode, user=user, context=context)


def cancel_sessions(episode, user, context):
    """Discharge hook: the episode's own sessions scheduled after the discharge date cancel."""
    from sessions.services import sessions_cancel_at_discharge

    sessions_cancel_at_discharge(episode=episode, user=user, context=context)


def require_nothing_after_discharge(episode):
    """Discharge guard: no attendance or note for the episode after the discharge date."""
    from sessions.services import require_nothing_after_discharge as guard

    guard(episode)


def no_open_enrollments(episode, program):
    """Program change guard: a group belongs to one program, so the episode's open group
    enrolments end before it moves."""
    from django.core.exceptions import ValidationError

    from sessions.models import GroupEnrollment

    groups = GroupEnrollment.objects.filter(episode=episode, end_date__isnull=True).values_list(
        "group__name", flat=True
    )
    if groups:
        raise ValidationError(
            {"program": f"End the patient's group enrolments first: {', '.join(groups)}."}
        )


def register():
    if review_attendance in plan_services.review_prefill_hooks:
        return
    extensions.discharge_hooks.append(end_enrollments)
    extensions.discharge_hooks.append(cancel_sessions)
    extensions.discharge_guards.append(require_nothing_after_discharge)
    extensions.program_change_guards.append(no_open_enrollments)
    plan_services.review_prefill_hooks.append(review_attendance)
    extensions.caseload_columns.append(hours_column)
    extensions.chart_tabs.append(
        extensions.ChartTab("sessions", "Sessions", "sessions:chart", clinical_only=True)
    )
