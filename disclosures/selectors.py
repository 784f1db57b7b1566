"""Reads for releases: what each section of a packet says, and which consents could cover one.

A packet section is a heading and a list of blocks, each block a (subheading, lines) pair: the
PDF builder lays them out, and never reads the database itself.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from disclosures.models import Amendment
from patients.models import Consent, MeasureResponse
from plans.models import DocumentStatus, TreatmentPlan
from sessions.models import Addendum, Attendance, NoteEntry, ProgressNote

RELEASE_KINDS = (Consent.Kind.RELEASE, Consent.Kind.PART2)


@dataclass
class Section:
    code: str
    heading: str
    blocks: list = field(default_factory=list)  # [(subheading, [line, ...]), ...]


def release_consents(patient):
    """The patient's consents a release could cite (release, Part 2, counseling notes), in force
    today, newest first."""
    kinds = (*RELEASE_KINDS, Consent.Kind.COUNSELING_NOTES)
    return Consent.objects.filter(patient=patient, kind__in=kinds).in_force()


def _local(dt):
    return timezone.localtime(dt)


def plan_section(episode):
    """The episode's active plan version (or, after discharge, its last signed one)."""
    plans = TreatmentPlan.objects.filter(episode=episode).exclude(status=DocumentStatus.DRAFT)
    plan = plans.filter(status=DocumentStatus.ACTIVE).first() or plans.order_by("-version").first()
    section = Section(Consent.Covers.PLAN, "Treatment plan")
    if plan is None:
        section.blocks.append(("", ["No signed treatment plan for this episode."]))
        return section
    signed = f"signed {_local(plan.signed_at):%-d %b %Y}" if plan.signed_at else "not signed"
    lines = [f"Version {plan.version}, {plan.get_status_display().lower()}, {signed}."]
    if plan.summary:
        lines.append(plan.summary)
    section.blocks.append(("", lines))
    problems = plan.problems.prefetch_related("goals__objectives__interventions").order_by(
        "position", "pk"
    )
    for problem in problems:
        code = f" ({problem.diagnosis_code})" if problem.diagnosis_code else ""
        lines = []
        for goal in problem.goals.all():
            target = f", target {goal.target_date:%-d %b %Y}" if goal.target_date else ""
            lines.append(f"Goal: {goal.client_words} ({goal.get_status_display()}{target})")
            for objective in goal.objectives.all():
                lines.append(f"  Objective: {objective.description} by {objective.target_date}")
                for intervention in objective.interventions.all():
                    lines.append(
                        f"    Intervention: {intervention.get_modality_display()}, "
                        f"{intervention.frequency}"
                    )
        section.blocks.append((f"Problem: {problem.description}{code}", lines))
    return section


def notes_section(episode, notes_from, notes_to):
    """Signed notes of the episode's sessions in the date range: the shared sections and this
    patient's own part only (never another attendee's), with their addenda."""
    entries = list(
        NoteEntry.objects.filter(
            episode=episode,
            patient_id=episode.patient_id,
            note__status__in=[ProgressNote.Status.SIGNED, ProgressNote.Status.AWAITING_COSIGN],
            note__session__starts_at__date__gte=notes_from,
            note__session__starts_at__date__lte=notes_to,
        )
        .select_related("note__session__group", "note__author", "note__signed_by")
        .order_by("note__session__starts_at", "pk")
    )
    addenda = {}
    # An amendment answering another attendee's request is an addendum to the shared group
    # note, but it is that patient's record, not this one's: never released here.
    others = Amendment.objects.exclude(request__patient_id=episode.patient_id).values("addendum_id")
    for addendum in (
        Addendum.objects.filter(note__in=[e.note_id for e in entries])
        .exclude(pk__in=others)
        .select_related("author")
    ):
        addenda.setdefault(addendum.note_id, []).append(addendum)
    heading = f"Progress notes, {notes_from:%-d %b %Y} to {notes_to:%-d %b %Y}"
    section = Section(Consent.Covers.NOTES, heading)
    for entry in entries:
        note, session = entry.note, entry.note.session
        title = session.group.name if session.group_id else session.get_kind_display()
        lines = [
            f"{note.format} note by {note.author.display_name}, signed by "
            f"{note.signed_by.display_name if note.signed_by else '-'}."
        ]
        lines += [f"{label}: {text}" for label, text in note.shared_rows() if text]
        if entry.text:
            lines.append(f"Individualized: {entry.text}")
        lines.append(f"Risk re-check: {entry.get_risk_level_display() or 'not recorded'}")
        for addendum in addenda.get(note.pk, []):
            lines.append(
                f"Addendum {_local(addendum.created_at):%-d %b %Y} by "
                f"{addendum.author.display_name}: {addendum.text}"
            )
        section.blocks.append((f"{_local(session.starts_at):%-d %b %Y %H:%M}, {title}", lines))
    if not entries:
        section.blocks.append(("", ["No signed progress notes in this period."]))
    return section


def _episode_days(episode):
    start = episode.admission_date or episode.referral_date
    end = episode.discharge_date or timezone.localdate()
    return start, end


def measures_section(episode):
    start, end = _episode_days(episode)
    responses = MeasureResponse.objects.filter(
        patient_id=episode.patient_id,
        administered_at__date__gte=start,
        administered_at__date__lte=end,
    ).order_by("instrument", "administered_at", "pk")
    section = Section(Consent.Covers.MEASURES, "Measures")
    lines = [
        f"{_local(r.administered_at):%-d %b %Y} {r.instrument}: "
        f"{'' if r.total_score is None else r.total_score} {r.severity}".replace("  ", " ")
        for r in responses
    ]
    section.blocks.append(("", lines or ["No measures given during this episode."]))
    return section


def attendance_section(episode):
    records = list(
        Attendance.objects.filter(episode=episode)
        .select_related("session__group")
        .order_by("session__starts_at", "pk")
    )
    counts = Counter(r.status for r in records)
    minutes = sum(r.minutes_attended for r in records if r.attended)
    section = Section(Consent.Covers.ATTENDANCE, "Attendance summary")
    summary = [
        f"Sessions recorded: {len(records)}; attended: "
        f"{sum(counts[s] for s in Attendance.ATTENDED)}; hours attended: {minutes / 60:.1f}."
    ]
    summary += [f"{Attendance.Status(s).label}: {n}" for s, n in sorted(counts.items())]
    section.blocks.append(("", summary))
    rows = [
        f"{_local(r.session.starts_at):%-d %b %Y} "
        f"{r.session.group.name if r.session.group_id else r.session.get_kind_display()}: "
        f"{r.get_status_display()} ({r.minutes_attended} min)"
        for r in records
    ]
    if rows:
        section.blocks.append(("By session", rows))
    return section


def discharge_section(episode):
    section = Section(Consent.Covers.DISCHARGE, "Discharge and aftercare summary")
    start, _ = _episode_days(episode)
    lines = [
        f"Program: {episode.program}. Level of care: {episode.level_of_care}.",
        f"Admitted: {start:%-d %b %Y}.",
    ]
    if episode.discharge_date:
        reason = episode.get_discharge_reason_display() or "not recorded"
        lines.append(f"Discharged: {episode.discharge_date:%-d %b %Y} ({reason}).")
    else:
        lines.append("Not discharged: the episode is still open.")
    section.blocks.append(("", lines))
    aftercare = getattr(episode, "aftercare", None)  # the missing row raises AttributeError
    if aftercare is not None:
        section.blocks.append(
            (
                "Aftercare plan",
                [
                    f"Step-down level of care: {aftercare.get_step_down_level_display()}",
                    f"Follow-up appointments: {aftercare.follow_up_appointments}",
                    f"Support groups: {aftercare.support_groups or '-'}",
                    f"Relapse-prevention plan: {aftercare.relapse_prevention}",
                    f"Medications: {aftercare.medications or '-'}",
                    f"Crisis resources: {aftercare.crisis_resources}",
                ],
            )
        )
    else:
        section.blocks.append(("Aftercare plan", ["No aftercare plan recorded."]))
    return section


def packet_sections(episode, sections, *, notes_from=None, notes_to=None):
    """The chosen sections, in the order of Consent.Covers."""
    builders = {
        Consent.Covers.PLAN: lambda: plan_section(episode),
        Consent.Covers.NOTES: lambda: notes_section(episode, notes_from, notes_to),
        Consent.Covers.MEASURES: lambda: measures_section(episode),
        Consent.Covers.ATTENDANCE: lambda: attendance_section(episode),
        Consent.Covers.DISCHARGE: lambda: discharge_section(episode),
    }
    return [builders[code]() for code in Consent.Covers.values if code in sections]
