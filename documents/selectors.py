"""What a discharge summary says, read from the record (CLINICAL.md, *Admission and
discharge*): dates and levels of care, reason, diagnoses, services received (sessions and hours
by kind), the first and last score of each measure with reliable change, goal status,
medications at discharge and the aftercare plan. A fixed number of queries however long the
episode. The result holds only text and numbers, so it can be frozen as signed (JSON)."""

from django.db.models import Count, Q, Sum
from django.utils import timezone

from documents.models import TEXT_LIMIT
from patients import extensions
from patients.instruments import INSTRUMENTS, RELIABLE_CHANGE
from patients.models import Episode, IntakeAssessment, MeasureResponse
from plans.models import AftercarePlan, DocumentStatus, Goal, TreatmentPlan
from sessions.models import Attendance, TherapySession


def _day(d):
    return f"{d:%-d %b %Y}" if d else "—"


def levels_of_care(episode):
    """["IOP (intensive outpatient) from 2 Nov 2026", "OP (outpatient) from 30 Nov 2026"]."""
    changes = list(episode.level_changes.order_by("effective_date", "pk"))
    label = dict(Episode.LevelOfCare.choices)
    first = changes[0].from_level if changes else episode.level_of_care
    levels = [f"{label[first]} from {_day(episode.admission_date)}"]
    levels += [f"{label[c.to_level]} from {_day(c.effective_date)}" for c in changes]
    return levels


def services_received(episode):
    """Sessions and attended hours by kind of session."""
    attended = Q(status__in=Attendance.ATTENDED)
    rows = (
        Attendance.objects.filter(episode=episode)
        .values("session__kind")
        .annotate(
            sessions=Count("pk"),
            attended=Count("pk", filter=attended),
            minutes=Sum("minutes_attended", filter=attended),
        )
        .order_by("session__kind")
    )
    kinds = dict(TherapySession.Kind.choices)
    return [
        {
            "kind": kinds.get(row["session__kind"], row["session__kind"]),
            "sessions": row["sessions"],
            "attended": row["attended"],
            "hours": f"{(row['minutes'] or 0) / 60:.1f}",
        }
        for row in rows
    ]


def reliable_change(code, first, last):
    threshold = RELIABLE_CHANGE.get(code)
    if threshold is None:
        return "no reliable-change threshold for this measure"
    if first - last >= threshold:
        return f"reliable improvement (a fall of {threshold} or more)"
    if last - first >= threshold:
        return f"reliable deterioration (a rise of {threshold} or more)"
    return "no reliable change"


def measure_changes(episode, start, end):
    """The first and last score of each scored measure given during the episode."""
    responses = (
        MeasureResponse.objects.filter(patient_id=episode.patient_id)
        .scored_between(start, end)
        .order_by("administered_at", "pk")
    )
    by_instrument = {}
    for r in responses.only("instrument", "total_score", "severity", "administered_at"):
        by_instrument.setdefault(r.instrument, []).append(r)
    rows = []
    for code, results in sorted(by_instrument.items()):
        first, last = results[0], results[-1]
        name = INSTRUMENTS[code].name if code in INSTRUMENTS else code

        def score(r):
            when = _day(timezone.localtime(r.administered_at).date())
            return f"{r.total_score} ({r.severity}) on {when}"

        rows.append(
            {
                "measure": name,
                "first": score(first),
                "last": score(last) if len(results) > 1 else "—",
                "change": (
                    f"{last.total_score - first.total_score:+d}"
                    if len(results) > 1
                    else "one result only"
                ),
                "reliable_change": (
                    reliable_change(code, first.total_score, last.total_score)
                    if len(results) > 1
                    else "—"
                ),
            }
        )
    return rows


def goal_status(episode):
    """Each goal of the episode's last signed plan with its status."""
    plan = (
        TreatmentPlan.objects.filter(episode=episode)
        .exclude(status=DocumentStatus.DRAFT)
        .order_by("-version")
        .first()
    )
    if plan is None:
        return []
    goals = Goal.objects.filter(problem__plan=plan).select_related("problem")
    return [
        {"goal": g.client_words, "problem": g.problem.description, "status": g.get_status_display()}
        for g in goals.order_by("problem__position", "problem__pk", "position", "pk")
    ]


def aftercare_of(episode):
    aftercare = AftercarePlan.objects.filter(episode=episode).first()
    if aftercare is None:
        return None
    return {
        "step_down_level": aftercare.get_step_down_level_display(),
        "follow_up_appointments": aftercare.follow_up_appointments,
        "support_groups": aftercare.support_groups,
        "relapse_prevention": aftercare.relapse_prevention,
        "medications": aftercare.medications,
        "crisis_resources": aftercare.crisis_resources,
    }


def intake_of(episode):
    return IntakeAssessment.objects.filter(episode=episode).first()


def medication_list(episode):
    """What the medication list says of the episode (`patients.extensions.discharge_medications`:
    the medications app): {"at_discharge": [line], "changes": [line]}, or None for a patient
    without list entries."""
    for hook in extensions.discharge_medications:
        found = hook(episode)
        if found is not None:
            return found
    return None


def screens_of(episode):
    """The episode's drug screens (`patients.extensions.discharge_screens`: the screens app):
    {"collected", "unexpected": [...], "refused", "missed"}, or None without the app."""
    for hook in extensions.discharge_screens:
        found = hook(episode)
        if found is not None:
            return found
    return None


def summary_record(episode):
    """The record's part of the discharge summary of `episode` (a dict of text and numbers)."""
    start = episode.admission_date or episode.referral_date
    end = episode.discharge_date or timezone.localdate()
    intake = intake_of(episode)
    diagnoses = [
        f"{d.get('code', '')} {d.get('description', '')}".strip()
        for d in (intake.diagnoses if intake else [])
        if isinstance(d, dict)
    ]
    services = services_received(episode)
    hours = sum(float(s["hours"]) for s in services)
    clinician = episode.primary_clinician
    return {
        "program": str(episode.program),
        "admission_date": _day(episode.admission_date),
        "discharge_date": _day(episode.discharge_date),
        "discharge_reason": episode.get_discharge_reason_display() or "—",
        "levels_of_care": levels_of_care(episode),
        "diagnoses": diagnoses,
        "services": services,
        "hours_attended": f"{hours:.1f}",
        "measures": measure_changes(episode, start, end),
        "goals": goal_status(episode),
        "aftercare": aftercare_of(episode),
        "medication_list": medication_list(episode),
        "screens": screens_of(episode),
        "primary_clinician": clinician.display_name if clinician else "—",
    }


def prefill(episode):
    """The editable parts' first text: the medications at discharge from the medication list
    when the patient has entries on it (else the aftercare plan's, else the intake's medication
    history), and the referrals from the aftercare plan's follow-up appointments and support
    groups."""
    aftercare = AftercarePlan.objects.filter(episode=episode).first()
    listed = medication_list(episode)
    if listed is not None:
        medications = "\n".join(listed["at_discharge"]) or "No current medications on the list."
        medications = medications[:TEXT_LIMIT]
    else:
        intake = intake_of(episode)
        medications = (aftercare.medications if aftercare else "") or (
            intake.medications if intake else ""
        )
    referrals = ""
    if aftercare is not None:
        referrals = "\n".join(
            part
            for part in (aftercare.follow_up_appointments, aftercare.support_groups)
            if part.strip()
        )
    return {"medications": medications, "referrals": referrals}


def summaries_to_sign(user):
    """Draft discharge summaries of the user's patients (they are the episode's primary
    clinician, who signs it): Today lists them, so a summary prepared by someone else is not
    left waiting on a chart no longer on the caseload."""
    from documents.models import DischargeSummary

    return (
        DischargeSummary.objects.filter(
            status=DischargeSummary.Status.DRAFT, episode__primary_clinician=user
        )
        .select_related("patient", "episode__program")
        .order_by("created_at", "pk")
    )
